"""The user-facing surface: `mock()` in all its forms, the pytest fixture and marker, the
direct state API and the journal."""

from __future__ import annotations

import inspect
import subprocess
import sys
import textwrap

import openai
import pytest
from helpers import (
    API_KEY,
    ASSISTANT_ID,
    ENDPOINT,
    Recorder,
    async_client,
    client,
    url,
)

import fake_assistants as package
from fake_assistants import FakeAssistants, FakeAssistantsError, WireError, _errors, mock

pytest_plugins = ["pytester"]

AUTH = {"api-key": API_KEY}


def count_assistants() -> int:
    """Assistants the active fake holds for ENDPOINT, seen over HTTP."""
    return len(client().beta.assistants.list().data)


def expected_first_id(seed: object, endpoint: str = ENDPOINT) -> str:
    """The first assistant id a fresh fake with this seed gives on this endpoint."""
    return FakeAssistants(seed=seed).resource(endpoint).assistants.create(model="m")["id"]


def test_public_names_are_pinned() -> None:
    assert sorted(package.__all__) == [
        "AccessDenied",
        "ApiError",
        "ApiVersionNotSupported",
        "AssistantsView",
        "BodyTooLarge",
        "Call",
        "CallList",
        "CodeStep",
        "Collection",
        "Dropped",
        "FakeAssistants",
        "FakeAssistantsError",
        "Fault",
        "GatewayError",
        "InternalError",
        "InvalidId",
        "InvalidJson",
        "InvalidParam",
        "InvalidType",
        "InvalidValue",
        "Item",
        "MissingParameter",
        "ModelNotFound",
        "NotFound",
        "Reply",
        "ReplyContext",
        "Request",
        "ResourceNotFound",
        "ResourceView",
        "Response",
        "Service",
        "SnapshotError",
        "TokenRejected",
        "ToolCall",
        "UnknownParameter",
        "UnservedPath",
        "UnsupportedRequestWarning",
        "WireError",
        "__version__",
        "mock",
        "serve",
    ]
    assert all(hasattr(package, name) for name in package.__all__)
    assert set(package.__all__) <= set(dir(package))
    with pytest.raises(AttributeError, match="no attribute 'mokc'"):
        package.mokc  # noqa: B018


def subclasses(cls: type) -> set[type]:
    return {cls, *(c for sub in cls.__subclasses__() for c in subclasses(sub))}


def test_every_wire_error_is_exported() -> None:
    errors = {c for c in subclasses(FakeAssistantsError) if c.__module__ == _errors.__name__}

    assert {c.__name__ for c in errors} <= set(package.__all__)
    assert all(getattr(package, c.__name__) is c for c in errors)


def test_wire_errors_can_be_caught_by_their_exported_names(fake: FakeAssistants) -> None:
    missing = "asst_" + "x" * 24
    with pytest.raises(package.NotFound) as caught:
        fake.assistants.retrieve(missing)
    assert isinstance(caught.value, package.ApiError)
    assert caught.value.status == 404
    with pytest.raises(package.UnknownParameter):
        fake.assistants.create(model="gpt-4o", foo=1)
    with pytest.raises(package.MissingParameter):
        fake.assistants.create(name="no model")
    with pytest.raises(package.InvalidId):
        fake.assistants.retrieve("thread_abc")


def test_importing_the_plugin_loads_nothing_heavy() -> None:
    code = (
        "import sys, pytest, fake_assistants.plugin\n"
        "loaded = [m for m in ('httpx', 'httpx2', 'respx', 'fake_assistants._fake') "
        "if m in sys.modules]\n"
        "assert not loaded, loaded"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr


def test_an_unmarked_test_has_no_plugin_fixture(request: pytest.FixtureRequest) -> None:
    assert not [name for name in request.fixturenames if "fake_assistants" in name]


# --- mock() -----------------------------------------------------------------------------


def test_mock_as_context_manager() -> None:
    with mock() as fake:
        assert isinstance(fake, FakeAssistants)
        assert fake.active
        client().beta.assistants.create(model="gpt-4o")
        assert len(fake.resource(ENDPOINT).assistants) == 1
    assert not fake.active


async def test_mock_as_async_context_manager() -> None:
    async with mock() as fake:
        assert fake.active
        await async_client().beta.assistants.create(model="gpt-4o")
    assert not fake.active
    assert len(fake.resource(ENDPOINT).assistants) == 1


def test_mock_options_reach_the_fake() -> None:
    with mock(api_key="secret", seed="s"):
        with pytest.raises(openai.AuthenticationError):
            client(api_key="wrong").beta.assistants.list()
        made = client(api_key="secret").beta.assistants.create(model="gpt-4o")
    assert made.id == expected_first_id("s")


def assert_not_served() -> None:
    """No fake answers Azure hosts any more: the client's own transport does."""
    recorder = Recorder()
    with recorder.client() as http:
        assert http.get(url(), headers=AUTH).json() == {"mock": True}


def test_leaving_the_with_block_stops_the_fake_despite_extra_starts() -> None:
    with mock() as fake:
        fake.start()
        fake.start()
    assert not fake.active
    assert_not_served()


async def test_leaving_the_async_with_block_stops_the_fake_despite_extra_starts() -> None:
    async with mock() as fake:
        fake.start()
    assert not fake.active
    assert_not_served()


def test_only_the_outermost_with_block_stops_the_fake() -> None:
    with mock() as fake:
        with fake:
            fake.start()
        assert fake.active
        assert count_assistants() == 0
    assert not fake.active


def test_start_and_stop_nest() -> None:
    fake = FakeAssistants()
    fake.start()
    fake.start()
    fake.stop()
    assert fake.active
    fake.stop()
    assert not fake.active
    fake.stop()  # one too many is harmless
    assert_not_served()


def test_the_fixture_stops_its_fake_even_if_a_test_started_it_again(
    pytester: pytest.Pytester,
) -> None:
    pytester.makepyfile(
        f"""
        import httpx

        URL = {url()!r}

        def test_starts_once_more(fake_assistants):
            fake_assistants.start()
            with fake_assistants:
                pass
            assert fake_assistants.active

        def test_later_tests_are_not_served():
            handler = lambda request: httpx.Response(200, json={{"mock": True}})
            with httpx.Client(transport=httpx.MockTransport(handler)) as http:
                assert http.get(URL, headers={{"api-key": "k"}}).json() == {{"mock": True}}
        """
    )

    result = run(pytester)

    result.assert_outcomes(passed=2)


def test_mock_rejects_positional_non_callables() -> None:
    with pytest.raises(TypeError):
        mock("seed")


@pytest.mark.parametrize(
    "options",
    [{"api_version": "2099-01-01"}, {"api_versions": ["2099-01-01"]}],
)
def test_mock_rejects_unknown_api_versions(options: dict) -> None:
    with pytest.raises(ValueError, match="2099-01-01"):
        mock(**options)


# --- mock as a decorator ----------------------------------------------------------------


@mock
def bare_sync() -> int:
    client().beta.assistants.create(model="gpt-4o")
    return count_assistants()


@mock
async def bare_async() -> int:
    await async_client().beta.assistants.create(model="gpt-4o")
    return len((await async_client().beta.assistants.list()).data)


@mock(endpoint=ENDPOINT, seed="decorated")
def with_parameter(fake_assistants: FakeAssistants, extra: int = 0) -> tuple[str, int, int]:
    made = client().beta.assistants.create(model="gpt-4o")
    return made.id, len(fake_assistants.assistants), extra


@mock(endpoint=ENDPOINT)
async def async_with_parameter(fake_assistants: FakeAssistants) -> int:
    await async_client().beta.assistants.create(model="gpt-4o")
    return len(fake_assistants.assistants)


@mock()
def without_parameter() -> int:
    client().beta.assistants.create(model="gpt-4o")
    return count_assistants()


def test_decorators_give_fresh_state_per_call() -> None:
    assert [bare_sync(), bare_sync()] == [1, 1]
    assert [without_parameter(), without_parameter()] == [1, 1]
    first, second = with_parameter(), with_parameter(extra=5)
    assert first == (expected_first_id("decorated"), 1, 0)
    assert second == (expected_first_id("decorated"), 1, 5)


async def test_async_decorators_give_fresh_state_per_call() -> None:
    assert [await bare_async(), await bare_async()] == [1, 1]
    assert [await async_with_parameter(), await async_with_parameter()] == [1, 1]


def test_decorators_keep_the_function_and_hide_the_injected_parameter() -> None:
    assert bare_sync.__name__ == "bare_sync"
    assert inspect.iscoroutinefunction(bare_async)
    assert list(inspect.signature(with_parameter).parameters) == ["extra"]


def test_decorated_function_leaves_the_fake_inactive_afterwards() -> None:
    recorder = Recorder()

    bare_sync()
    with recorder.client() as http:
        assert http.get(url(), headers=AUTH).json() == {"mock": True}
    assert [r.url.host for r in recorder.requests] == ["res.openai.azure.com"]


@mock(seed="as-test")
def test_a_decorated_test_gets_the_fake_instead_of_the_fixture(
    fake_assistants: FakeAssistants,
) -> None:
    made = client().beta.assistants.create(model="gpt-4o")

    assert made.id == expected_first_id("as-test")
    assert fake_assistants.call_count == 1


@mock(seed="async-test")
async def test_a_decorated_async_test_keeps_its_other_fixtures(
    tmp_path, fake_assistants: FakeAssistants
) -> None:
    made = await async_client().beta.assistants.create(model="gpt-4o")

    assert tmp_path.is_dir()
    assert made.id == expected_first_id("async-test")
    assert made.id in fake_assistants.resource(ENDPOINT).assistants


@mock
def generated_counts():
    yield count_assistants()
    client().beta.assistants.create(model="gpt-4o")
    yield count_assistants()


@mock(endpoint=ENDPOINT)
def generated_fakes(fake_assistants: FakeAssistants):
    yield fake_assistants
    yield fake_assistants


def test_a_decorated_generator_runs_inside_its_own_fake() -> None:
    assert list(generated_counts()) == [0, 1]
    assert list(generated_counts()) == [0, 1]  # a fresh fake per generator


def test_a_decorated_generator_is_active_until_it_ends_or_closes() -> None:
    running = generated_fakes()
    fake = next(running)
    assert fake.active and list(inspect.signature(generated_fakes).parameters) == []
    assert next(running) is fake
    assert list(running) == []
    assert not fake.active

    closed = generated_fakes()
    other = next(closed)
    closed.close()
    assert not other.active and other is not fake


@mock
async def async_generated(fake_assistants: FakeAssistants):
    received = yield len((await async_client().beta.assistants.list()).data)
    await async_client().beta.assistants.create(model="gpt-4o", name=received)
    try:
        yield len(fake_assistants.resource(ENDPOINT).assistants)
    except KeyError as error:
        yield f"caught {error}"


async def test_a_decorated_async_generator_runs_inside_its_own_fake() -> None:
    running = async_generated()
    assert await running.__anext__() == 0
    assert await running.asend("sent") == 1
    assert await running.athrow(KeyError("k")) == "caught 'k'"
    with pytest.raises(StopAsyncIteration):
        await running.__anext__()

    assert [n async for n in async_generated()] == [0, 1]


async def test_a_closed_async_generator_stops_its_fake() -> None:
    recorder = Recorder()
    running = async_generated()
    await running.__anext__()

    await running.aclose()

    with recorder.client() as http:
        assert http.get(url(), headers=AUTH).json() == {"mock": True}


DECORATED_CLASSES = f"""
import unittest

import httpx
import pytest
import fake_assistants as fa

URL = {url()!r}
HEADERS = {AUTH!r}


def count():
    return len(httpx.get(URL, headers=HEADERS).json()["data"])


def create():
    return httpx.post(URL, json={{"model": "m"}}, headers=HEADERS).json()["id"]


class Base:
    def test_inherited(self):
        assert count() == 0


@fa.mock(seed="plain")
class TestPlain(Base):
    def test_sync(self, fake_assistants, tmp_path):
        create()
        assert count() == len(fake_assistants.resource(URL).assistants) == 1

    @pytest.mark.asyncio
    async def test_async(self):
        create()
        assert count() == 1

    @staticmethod
    def test_static():
        assert count() == 0

    def helper_not_a_test(self):
        return "untouched"


def test_plain_helpers_are_left_alone():
    assert TestPlain().helper_not_a_test() == "untouched"


@fa.mock
class TestCaseStyle(unittest.TestCase):
    def setUp(self):
        self.made = create()  # inside the fake already

    def tearDown(self):
        assert count() == 1  # still inside it

    def test_sees_what_set_up_made(self):
        assert count() == 1

    def test_gets_the_fake(self, fake_assistants):
        assert self.made in fake_assistants.resource(URL).assistants


@fa.mock
class TestAsyncCase(unittest.IsolatedAsyncioTestCase):
    async def asyncSetUp(self):
        create()

    async def test_async_method(self, fake_assistants):
        assert count() == 1
        assert fake_assistants.call_count == 2  # asyncSetUp's create and this list
"""


def test_a_decorated_class_keeps_its_tests_each_with_a_fresh_fake(
    pytester: pytest.Pytester,
) -> None:
    pytester.makepyfile(DECORATED_CLASSES)

    result = run(pytester)

    result.assert_outcomes(passed=8)


def test_decorating_a_class_returns_the_class() -> None:
    class TestSome:
        def test_one(self) -> int:
            return count_assistants()

    assert mock(TestSome) is TestSome
    assert TestSome().test_one() == 0


def test_the_decorator_refuses_what_it_cannot_wrap() -> None:
    with pytest.raises(TypeError, match="functions and classes"):
        FakeAssistants()(42)  # type: ignore[call-overload]


# --- the fixture and the marker ---------------------------------------------------------


@pytest.mark.parametrize("run", [1, 2])
def test_fixture_gives_fresh_state_per_test(fake_assistants: FakeAssistants, run: int) -> None:
    assert fake_assistants.active
    assert fake_assistants.call_count == 0
    assert count_assistants() == 0
    client().beta.assistants.create(model="gpt-4o")
    assert count_assistants() == 1


@pytest.mark.fake_assistants(seed="function-level", api_key="secret")
def test_marker_passes_options_to_the_fixture(fake_assistants: FakeAssistants) -> None:
    with pytest.raises(openai.AuthenticationError):
        client(api_key="wrong").beta.assistants.list()
    made = client(api_key="secret").beta.assistants.create(model="gpt-4o")

    assert made.id == expected_first_id("function-level")


@pytest.mark.fake_assistants(seed="marker-alone")
def test_marker_alone_activates_the_fake() -> None:
    made = client().beta.assistants.create(model="gpt-4o")

    assert made.id == expected_first_id("marker-alone")


@pytest.mark.fake_assistants(seed="class-level", api_key="class-key")
class TestClassMarker:
    def test_class_options_apply(self, fake_assistants: FakeAssistants) -> None:
        made = client(api_key="class-key").beta.assistants.create(model="gpt-4o")

        assert made.id == expected_first_id("class-level")

    @pytest.mark.fake_assistants(seed="closer")
    def test_the_closest_marker_wins_per_option(self) -> None:
        made = client(api_key="class-key").beta.assistants.create(model="gpt-4o")

        assert made.id == expected_first_id("closer")
        with pytest.raises(openai.AuthenticationError):
            client(api_key="other").beta.assistants.list()


def run(pytester: pytest.Pytester) -> pytest.RunResult:
    pytester.makeini("[pytest]\nasyncio_default_fixture_loop_scope = function\n")
    return pytester.runpytest_inprocess("-p", "no:cacheprovider")


def test_module_class_and_function_markers(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        textwrap.dedent(
            f"""
            import unittest

            import httpx
            import pytest
            from fake_assistants import FakeAssistants

            ENDPOINT = {ENDPOINT!r}
            URL = ENDPOINT + "/openai/assistants?api-version=2024-05-01-preview"

            pytestmark = pytest.mark.fake_assistants(seed="module", api_key="module-key")

            def first_id(key="module-key"):
                response = httpx.post(URL, json={{"model": "m"}}, headers={{"api-key": key}})
                return response.json().get("id", response.status_code)

            def expected(seed):
                fake = FakeAssistants(seed=seed)
                return fake.resource(ENDPOINT).assistants.create(model="m")["id"]

            def test_module_level(fake_assistants):
                assert first_id() == expected("module")
                assert first_id("wrong") == 401

            def test_module_level_without_the_fixture():
                assert first_id() == expected("module")

            @pytest.mark.fake_assistants(seed="class")
            class TestClass:
                def test_class_level(self):
                    assert first_id() == expected("class")
                    assert first_id("wrong") == 401

                @pytest.mark.fake_assistants(seed="function", api_key="function-key")
                def test_function_level(self, fake_assistants):
                    assert first_id("function-key") == expected("function")
                    assert first_id() == 401

            def test_not_marked_elsewhere_is_unaffected():
                pass

            @pytest.mark.fake_assistants(seed="unittest")
            class TestCase(unittest.TestCase):
                def test_unittest_class_level(self):
                    assert first_id() == expected("unittest")
            """
        )
    )

    result = run(pytester)

    result.assert_outcomes(passed=6)


def test_a_marked_test_has_the_fake_before_its_other_fixtures(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        f"""
        import httpx
        import pytest

        URL = {url()!r}

        @pytest.fixture
        def made():
            return httpx.post(URL, json={{"model": "m"}}, headers={{"api-key": "k"}}).json()["id"]

        @pytest.mark.fake_assistants(seed="s")
        def test_fixture_set_up_inside_the_fake(made):
            assert made.startswith("asst_")

        @pytest.mark.fake_assistants
        def test_the_fixture_is_added_once(request, fake_assistants):
            assert request.fixturenames.count("fake_assistants") == 1
        """
    )

    result = run(pytester)

    result.assert_outcomes(passed=2)


def test_marker_rejects_positional_arguments(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        """
        import pytest

        @pytest.mark.fake_assistants("seed")
        def test_it():
            pass
        """
    )

    result = run(pytester)

    result.assert_outcomes(errors=1)
    result.stdout.fnmatch_lines(["*keyword options only*"])


def test_marker_names_a_misspelt_option_and_the_one_meant(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        """
        import pytest

        @pytest.mark.fake_assistants(run_poll=3)
        def test_typo():
            pass

        @pytest.mark.fake_assistants(run_polls=3)
        def test_right(fake_assistants):
            assert fake_assistants.service.options.run_polls == 3
        """
    )

    result = run(pytester)

    result.assert_outcomes(passed=1, errors=1)
    result.stdout.fnmatch_lines(["*unknown option 'run_poll'; did you mean 'run_polls'?*"])


def test_fixture_reports_unsupported_requests_at_teardown(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        """
        import httpx

        def test_unserved(fake_assistants):
            url = "https://x.openai.azure.com/openai/nope/x?api-version=2024-05-01-preview"
            assert httpx.get(url, headers={"api-key": "k"}).status_code == 404
        """
    )

    result = run(pytester)

    result.assert_outcomes(passed=1, warnings=1)
    result.stdout.fnmatch_lines(
        ["*UnsupportedRequestWarning: fake-assistants answered 404*", "*GET /openai/nope/x*"]
    )


# --- the direct state API ---------------------------------------------------------------


@pytest.fixture
def fake() -> FakeAssistants:
    with FakeAssistants(endpoint=ENDPOINT) as active:
        yield active


def test_direct_create_is_visible_over_http(fake: FakeAssistants) -> None:
    made = fake.assistants.create(model="gpt-4o", name="Seeded", metadata={"k": "v"})

    assert ASSISTANT_ID.match(made["id"])
    over_http = client().beta.assistants.with_raw_response.retrieve(made["id"])
    assert over_http.http_response.json() == made
    assert fake.call_count == 1  # the direct call is not in the journal


def test_http_create_is_visible_directly(fake: FakeAssistants) -> None:
    made = client().beta.assistants.with_raw_response.create(model="gpt-4o").http_response.json()

    assert fake.assistants.retrieve(made["id"]) == made
    assert made["id"] in fake.assistants
    assert len(fake.assistants) == 1


def test_direct_update_delete_and_list(fake: FakeAssistants) -> None:
    first = fake.assistants.create(model="gpt-4o", name="one", description="kept")
    second = fake.assistants.create(model="gpt-4o", name="two")

    updated = fake.assistants.update(first["id"], name="uno")
    assert updated == {**first, "name": "uno"}
    assert client().beta.assistants.retrieve(first["id"]).name == "uno"
    assert [a["id"] for a in fake.assistants.list()] == [first["id"], second["id"]]
    assert [a["id"] for a in fake.assistants.list(order="desc")] == [second["id"], first["id"]]
    assert [a["id"] for a in fake.assistants] == [first["id"], second["id"]]

    assert fake.assistants.delete(first["id"]) == {
        "id": first["id"],
        "object": "assistant.deleted",
        "deleted": True,
    }
    assert first["id"] not in fake.assistants
    assert len(fake.assistants) == 1
    assert [a.id for a in client().beta.assistants.list()] == [second["id"]]


@pytest.mark.parametrize(
    ("call", "status"),
    [
        (lambda view: view.create(name="no model"), 400),
        (lambda view: view.create(model="gpt-4o", foo=1), 400),
        (lambda view: view.create(model="gpt-4o", temperature=5), 400),
        (lambda view: view.retrieve("asst_" + "x" * 24), 404),
        (lambda view: view.update("asst_" + "x" * 24, name="n"), 404),
        (lambda view: view.delete("asst_" + "x" * 24), 404),
        (lambda view: view.retrieve("thread_abc"), 400),
    ],
    ids=["no-model", "unknown-field", "bad-temperature", "retrieve", "update", "delete", "prefix"],
)
def test_direct_api_raises_what_the_service_answers(
    fake: FakeAssistants, call, status: int
) -> None:
    with pytest.raises(WireError) as caught:
        call(fake.assistants)

    assert isinstance(caught.value, FakeAssistantsError)
    assert caught.value.status == status
    assert set(caught.value.body()["error"]) == {"message", "type", "param", "code"}
    assert len(fake.assistants) == 0


def test_direct_values_are_copies(fake: FakeAssistants) -> None:
    metadata = {"k": "v"}
    made = fake.assistants.create(model="gpt-4o", metadata=metadata)
    metadata["k"] = "changed"
    made["metadata"]["k"] = "changed too"
    fake.assistants.retrieve(made["id"])["tools"].append({"type": "code_interpreter"})

    stored = fake.assistants.retrieve(made["id"])
    assert stored["metadata"] == {"k": "v"}
    assert stored["tools"] == []


def test_resources_are_chosen_by_endpoint(fake: FakeAssistants) -> None:
    other = fake.resource("https://x.openai.azure.com").assistants
    made = other.create(model="gpt-4o")

    assert made["id"] in other
    assert made["id"] not in fake.assistants
    assert [a.id for a in client("https://x.openai.azure.com").beta.assistants.list()] == [
        made["id"]
    ]
    assert fake.resource("x.openai.azure.com").assistants.retrieve(made["id"]) == made


def test_default_resource_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AZURE_OPENAI_ENDPOINT", "https://env.openai.azure.com/")
    with FakeAssistants() as fake:
        made = fake.assistants.create(model="gpt-4o")
        assert client("https://env.openai.azure.com").beta.assistants.retrieve(made["id"])


def test_default_resource_is_the_only_one_used(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("AZURE_OPENAI_ENDPOINT", raising=False)
    with FakeAssistants() as fake:
        assert len(fake.assistants) == 0  # reads find nothing while no resource is known
        with pytest.raises(LookupError, match="endpoint="):
            fake.assistants.create(model="gpt-4o")

        made = client("https://only.openai.azure.com").beta.assistants.create(model="gpt-4o")
        assert made.id in fake.assistants

        client("https://second.openai.azure.com").beta.assistants.list()
        with pytest.raises(LookupError, match=r"only\.openai\.azure\.com"):
            fake.assistants  # noqa: B018


# --- journal and reset ------------------------------------------------------------------


def test_journal_records_every_call_in_order(fake: FakeAssistants) -> None:
    sdk = client()
    made = sdk.beta.assistants.create(model="gpt-4o")
    sdk.beta.assistants.retrieve(made.id)
    with pytest.raises(openai.NotFoundError):
        sdk.beta.assistants.retrieve("asst_" + "x" * 24)

    assert fake.call_count == len(fake.calls) == 3
    assert [(c.method, c.path, c.status) for c in fake.calls] == [
        ("POST", "/openai/assistants", 200),
        ("GET", f"/openai/assistants/{made.id}", 200),
        ("GET", "/openai/assistants/asst_" + "x" * 24, 404),
    ]
    last = fake.calls.last
    assert last.request.method == "GET"
    assert last.request.path == "/openai/assistants/asst_" + "x" * 24
    assert last.response.status == 404
    assert last.response.header("content-type") == "application/json"
    assert fake.calls[0].request.json() == {"model": "gpt-4o"}
    assert fake.calls[0].response.json()["id"] == made.id


def test_empty_journal(fake: FakeAssistants) -> None:
    assert fake.call_count == 0
    with pytest.raises(IndexError):
        fake.calls.last  # noqa: B018


def test_reset_forgets_state_and_journal(fake: FakeAssistants) -> None:
    client().beta.assistants.create(model="gpt-4o")

    fake.reset()

    assert fake.call_count == 0
    assert len(fake.assistants) == 0
    assert client().beta.assistants.list().data == []


def test_copy_has_the_same_options_and_empty_state(fake: FakeAssistants) -> None:
    fake.assistants.create(model="gpt-4o")

    twin = fake.copy()

    assert not twin.active
    assert len(twin.assistants) == 0
    assert twin.assistants.create(model="m")["id"] == expected_first_id(0)
