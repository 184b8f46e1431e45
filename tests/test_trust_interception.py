"""No request for an Azure host gets past the fake to the network.

Each test gives its clients a recording MockTransport as their "real" transport
(`Recorder`): a request the fake did not take lands there, so `recorder.requests == []`
is the proof that nothing escaped. Tests run with every installed client family: httpx
always, httpx2 when it is installed (openai 3.x brings it).
"""

from __future__ import annotations

import asyncio
import importlib
import inspect
import sys
import threading
import time
import types
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from typing import Any
from unittest import mock as patching

import httpx
import openai
import pytest
import respx
from helpers import API_KEY, GATEWAY_404, Recorder, async_client, client, url

from fake_assistants import FakeAssistants, Request, UnsupportedRequestWarning, _intercept, mock
from fake_assistants._hosts import netloc_of

AUTH = {"api-key": API_KEY}
try:
    import httpx2
except ImportError:  # openai 2.x: httpx only
    httpx2 = None
if int(openai.__version__.split(".")[0]) < 3:
    httpx2 = None  # installed or not, the SDK before 3.x takes httpx clients only

NO_HTTPX2 = "httpx2 comes with openai 3.x only; httpx is tested everywhere"
FAMILIES = [
    pytest.param("httpx", id="httpx"),
    pytest.param("httpx2", id="httpx2", marks=pytest.mark.skipif(httpx2 is None, reason=NO_HTTPX2)),
]
# The client classes as they were before any fake started (collection runs before tests).
PRISTINE = {
    (module.__name__, cls, name): module.__dict__[cls].__dict__[name]
    for module in (httpx, httpx2)
    if module is not None
    for cls in ("Client", "AsyncClient")
    for name in ("_send_single_request", "_transport_for_url")
}


def assert_pristine() -> None:
    for (module, cls, name), original in PRISTINE.items():
        owner = getattr(importlib.import_module(module), cls)
        assert owner.__dict__[name] is original, f"{module}.{cls}.{name} was left patched"


def sdk(endpoint: str, recorder: Recorder) -> openai.AzureOpenAI:
    """The SDK over a client (of the recorder's family) whose own transport is `recorder`."""
    return client(endpoint, http_client=recorder.client())


def recorder_of(family: str) -> Recorder:
    return Recorder(importlib.import_module(family))


# --- 1. every form of an Azure host is claimed ------------------------------------------

SPELLINGS = [
    "https://myres.openai.azure.com.",
    "https://myres.cognitiveservices.azure.com.",
    "https://myres.openai.azure.us.",
    "https://MyRes.OpenAI.Azure.com.:443",
    "https://myres.services.ai.azure.com.:443",
    "https://openai.azure.com",
    "https://cognitiveservices.azure.com.",
    "https://openai.azure.us",
]


@pytest.mark.parametrize("family", FAMILIES)
@pytest.mark.parametrize("endpoint", SPELLINGS)
def test_every_spelling_of_an_azure_host_is_served(endpoint: str, family: str) -> None:
    recorder = recorder_of(family)
    with mock() as fake:
        sdk_client = sdk(endpoint, recorder)
        made = sdk_client.beta.assistants.create(model="gpt-4o")
        listed = [a.id for a in sdk_client.beta.assistants.list()]

    assert recorder.requests == []
    assert listed == [made.id]
    assert fake.call_count == 2


def test_endpoints_compare_in_one_normal_form() -> None:
    same = {
        netloc_of(e)
        for e in (
            "https://x.openai.azure.com.",
            "https://X.OpenAI.Azure.com:443",
            "https://user@x.openai.azure.com./",
            "x.openai.azure.com",
        )
    }
    assert same == {"x.openai.azure.com"}
    assert netloc_of("http://[::1]:8080") == "[::1]:8080"
    assert netloc_of("https://bücher.openai.azure.com") == "xn--bcher-kva.openai.azure.com"
    assert netloc_of("http://x.openai.azure.com:443") == "x.openai.azure.com:443"  # not http's


def test_spellings_of_one_host_share_its_state() -> None:
    with mock() as fake:
        made = client("https://x.openai.azure.com.").beta.assistants.create(model="gpt-4o")
        seen = [a.id for a in client("https://X.openai.azure.com:443").beta.assistants.list()]

    assert seen == [made.id]
    assert made.id in fake.resource("https://x.openai.azure.com").assistants


# --- 4. an IPv6 endpoint --------------------------------------------------------------


@pytest.mark.parametrize("family", FAMILIES)
def test_an_ipv6_endpoint_is_served(family: str) -> None:
    recorder = recorder_of(family)
    with mock(endpoint="http://[::1]:8080") as fake:
        made = sdk("http://[::1]:8080", recorder).beta.assistants.create(model="gpt-4o")
        other = recorder.client().get("http://[::1]:8081/openai/assistants", headers=AUTH)

    assert made.id in fake.assistants
    assert other.json() == {"mock": True}  # another port is another host
    assert [r.url.port for r in recorder.requests] == [8081]


# --- 2. threads: which fake serves, and nothing escapes meanwhile ---------------------


class Blind(FakeAssistants):
    """A fake that claims no host: what a request sees when no active fake claims it."""

    def claims(self, netloc: str) -> bool:
        return False


@pytest.mark.parametrize("family", FAMILIES)
def test_an_azure_request_no_active_fake_claims_gets_azures_404(family: str) -> None:
    recorder = recorder_of(family)
    with Blind(), recorder.client() as http:
        with pytest.warns(UnsupportedRequestWarning, match=f"GET .*/openai/nope .via {family}"):
            refused = http.get(url("/openai/nope"), headers=AUTH)
        passed = http.get("https://example.com/")

    assert (refused.status_code, refused.json()) == (404, GATEWAY_404)
    assert passed.json() == {"mock": True}
    assert [r.url.host for r in recorder.requests] == ["example.com"]


def test_a_fake_serves_its_own_endpoint_before_a_later_fake() -> None:
    with mock(endpoint="https://a.openai.azure.com") as a, mock() as later:
        client("https://a.openai.azure.com").beta.assistants.list()
        client("https://b.openai.azure.com").beta.assistants.list()

    assert [c.request.host for c in a.calls] == ["a.openai.azure.com"]
    assert [c.request.host for c in later.calls] == ["b.openai.azure.com"]


def test_each_thread_is_served_by_the_fake_it_started() -> None:
    started, done = threading.Event(), threading.Event()
    theirs: list[FakeAssistants] = []

    def other_thread() -> None:
        with mock() as fake:
            theirs.append(fake)
            client().beta.assistants.list()
            started.set()
            done.wait(10)
            client().beta.assistants.list()

    with mock() as mine:
        worker = threading.Thread(target=other_thread)
        worker.start()
        assert started.wait(10)
        client().beta.assistants.list()  # their fake is the newer one; mine serves me
        done.set()
        worker.join(10)

    assert (mine.call_count, theirs[0].call_count) == (1, 2)


async def test_worker_threads_are_served_by_the_most_recent_fake() -> None:
    with mock() as fake:
        with ThreadPoolExecutor(2) as pool:
            pool.submit(lambda: client().beta.assistants.list()).result(10)
        await asyncio.to_thread(lambda: client().beta.assistants.list())
        await async_client().beta.assistants.list()

    assert fake.call_count == 3


@pytest.mark.parametrize("family", FAMILIES)
def test_no_request_escapes_or_strays_while_threads_start_and_stop_fakes(family: str) -> None:
    """Workers each send with their own fake active while togglers start and stop other
    fakes as fast as they can: every request is served by the sender's fake."""
    module = importlib.import_module(family)
    recorder = Recorder(module)
    workers, rounds, togglers = 6, 40, 3
    stop = threading.Event()
    strays: list[str] = []
    toggled: list[FakeAssistants] = []

    def work(index: int) -> None:
        endpoint = f"https://w{index}.openai.azure.com"
        own = {"endpoint": endpoint} if index % 2 else {}  # by endpoint, and by thread
        with recorder.client() as http:
            for _ in range(rounds):
                with mock(**own) as fake:
                    for _ in range(3):
                        answer = http.get(
                            url(endpoint=endpoint), headers={**AUTH, "x-w": f"{index}"}
                        )
                        if answer.status_code != 200:
                            strays.append(f"{index}: {answer.status_code} {answer.text}")
                if [c.request.headers["x-w"] for c in fake.calls] != [f"{index}"] * 3:
                    strays.append(f"{index}: its fake served {fake.call_count}")

    def toggle() -> None:
        while not stop.is_set():
            with FakeAssistants() as fake:
                toggled.append(fake)

    threads = [threading.Thread(target=toggle) for _ in range(togglers)]
    threads += [threading.Thread(target=work, args=(i,)) for i in range(workers)]
    began, switch = time.monotonic(), sys.getswitchinterval()
    sys.setswitchinterval(1e-6)  # switch threads often, so races show in a few requests
    try:
        for thread in threads:
            thread.start()
        for thread in threads[togglers:]:
            thread.join(60)
    finally:
        stop.set()
        sys.setswitchinterval(switch)
    for thread in threads[:togglers]:
        thread.join(10)

    assert not any(thread.is_alive() for thread in threads)
    assert time.monotonic() - began < 60
    assert recorder.requests == []  # nothing reached the client's own transport
    assert strays == []
    assert sum(fake.call_count for fake in toggled) == 0
    assert len(toggled) > togglers  # the togglers did run meanwhile


# --- 3. uninstalling next to other patchers (respx and the like) ----------------------


def step(action: str, fake: FakeAssistants, router: Any) -> None:
    {"F+": fake.start, "F-": fake.stop, "R+": router.start, "R-": router.stop}[action]()


ORDERS = [
    ("F+", "R+", "R-", "F-"),
    ("R+", "F+", "F-", "R-"),
    ("F+", "R+", "F-", "R-"),
    ("R+", "F+", "R-", "F-"),
]


@pytest.mark.parametrize("order", ORDERS, ids="".join)
def test_respx_httpx_mocker_in_any_order_lets_nothing_escape(order: tuple[str, ...]) -> None:
    fake = FakeAssistants(report_unsupported=False)
    router = respx.mock(using="httpx", assert_all_called=False)
    router.get("https://example.com/ping").respond(204)
    recorder = Recorder()
    sdk_client = sdk("https://res.openai.azure.com", recorder)

    served = 0
    for action in order:
        step(action, fake, router)
        if fake.active:
            sdk_client.beta.assistants.list()  # an Azure request: the fake's, always
            served += 1
        if router.Mocker is not None and router in router.Mocker.routers:
            assert recorder.client().get("https://example.com/ping").status_code == 204

    assert recorder.requests == []
    assert fake.call_count == served
    assert_pristine()


class Wrapping:
    """Another library wrapping `_send_single_request` the way mock.patch does: on start
    it saves what it finds and calls that; on stop it puts it back, whatever is there."""

    def __init__(self, owner: type = httpx.Client) -> None:
        self.owner = owner
        self.calls = 0
        self.function: Callable[..., Any] | None = None

    def start(self) -> None:
        saved = self.owner.__dict__["_send_single_request"]

        def theirs(client: Any, request: Any) -> Any:
            self.calls += 1
            return saved(client, request)

        self.function = theirs
        self.patcher = patching.patch.object(self.owner, "_send_single_request", theirs)
        self.patcher.start()

    def stop(self) -> None:
        self.patcher.stop()


@pytest.mark.parametrize("order", ORDERS, ids="".join)
def test_a_wrapper_over_ours_is_never_undone_and_ours_never_lingers(
    order: tuple[str, ...],
) -> None:
    fake, other, recorder = FakeAssistants(), Wrapping(), Recorder()
    for action in order:
        step(action, fake, other)
        if action == "F-" and "R-" not in order[: order.index("F-")]:
            assert httpx.Client._send_single_request is other.function  # theirs stays

    with recorder.client() as http:  # a left-behind wrapper passes this on, then goes
        assert http.get(url(), headers=AUTH).json() == {"mock": True}
    assert_pristine()


def test_our_wrapper_under_another_is_reused_not_doubled() -> None:
    fake, recorder = FakeAssistants(), Recorder()
    with fake:
        other = Wrapping()
        other.start()
    ours_below = httpx.Client._send_single_request
    with fake, recorder.client() as http:  # started again under the other's wrapper
        assert httpx.Client._send_single_request is ours_below is other.function
        assert http.get(url(), headers=AUTH).json()["object"] == "list"
    other.stop()
    with recorder.client() as http:
        http.get(url(), headers=AUTH)

    assert other.calls == 1  # once, not twice: no second wrapper of ours
    assert fake.call_count == 1
    assert len(recorder.requests) == 1
    assert_pristine()


def test_a_method_inherited_from_a_base_class_is_wrapped_and_unwrapped(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """As if a later httpx moved `_send_single_request` (or `_transport_for_url`) to a
    base class: the client classes then have no method of their own."""
    moved = types.ModuleType("moved_httpx")
    for name in ("BaseTransport", "AsyncBaseTransport", "Response", "MockTransport"):
        setattr(moved, name, getattr(httpx, name))
    moved.Client = type("Client", (httpx.Client,), {})
    moved.AsyncClient = type("AsyncClient", (httpx.AsyncClient,), {})
    monkeypatch.setattr(_intercept, "_modules", lambda: [moved])
    recorder = Recorder(moved)

    with mock() as fake, recorder.client() as http:
        assert http.get(url(), headers=AUTH).json()["object"] == "list"

    for owner in (moved.Client, moved.AsyncClient):
        assert "_send_single_request" not in owner.__dict__
        assert "_transport_for_url" not in owner.__dict__
    with recorder.client() as http:
        assert http.get(url(), headers=AUTH).json() == {"mock": True}
    assert fake.call_count == 1
    assert_pristine()


# --- 5. a respx route and httpx2 ------------------------------------------------------


@pytest.mark.skipif(httpx2 is None, reason=NO_HTTPX2)
def test_a_respx_route_serves_httpx2_requests_respx_cannot_reach() -> None:
    fake, recorder = FakeAssistants(), Recorder(httpx2)
    with respx.mock(assert_all_called=False) as router:
        fake.respx_route(router)
        listed = sdk("https://res.openai.azure.com", recorder).beta.assistants.list()
        served = httpx.get(url(), headers=AUTH)  # httpx: respx serves it from the fake

    assert listed.data == []
    assert served.json()["object"] == "list"
    assert [call.request.via for call in fake.calls] == ["httpx2", "respx"]
    assert recorder.requests == []
    with recorder.client() as http:  # the route is gone: so is the fake
        assert http.get(url(), headers=AUTH).json() == {"mock": True}
    assert_pristine()


# --- 6. a client whose transport is the fake, without patching ------------------------


@pytest.mark.parametrize("family", FAMILIES)
def test_http_client_serves_the_sdk_without_starting_the_fake(family: str) -> None:
    fake = FakeAssistants()
    sdk_client = client(http_client=fake.http_client(module=family))
    made = sdk_client.beta.assistants.create(model="gpt-4o", name="direct")
    listed = [a.name for a in sdk_client.beta.assistants.list()]

    assert listed == ["direct"]
    assert not fake.active
    assert_pristine()  # nothing was patched for it
    assert made.id in fake.resource("https://res.openai.azure.com").assistants
    assert {c.request.via for c in fake.calls} == {family}


@pytest.mark.parametrize("family", FAMILIES)
async def test_async_http_client_serves_the_async_sdk(family: str) -> None:
    fake = FakeAssistants()
    sdk_client = async_client(http_client=fake.async_http_client(module=family))
    made = await sdk_client.beta.assistants.create(model="gpt-4o")
    page = await sdk_client.beta.assistants.list()

    assert [a.id for a in page.data] == [made.id]
    assert not fake.active
    assert_pristine()


@pytest.mark.parametrize("family", FAMILIES)
def test_http_client_keeps_its_fake_while_another_is_active(family: str) -> None:
    mine = FakeAssistants()
    with mock() as active:
        client(http_client=mine.http_client(module=family)).beta.assistants.list()

    assert (mine.call_count, active.call_count) == (1, 0)


def test_http_client_refuses_what_it_cannot_honour() -> None:
    fake = FakeAssistants()
    with pytest.raises(TypeError, match="transport"):
        fake.http_client(transport=httpx.MockTransport(lambda r: httpx.Response(200)))
    with pytest.raises(ValueError, match="httpx, httpx2"):
        fake.http_client(module="requests")  # type: ignore[call-overload]
    assert fake.http_client(base_url="https://res.openai.azure.com", timeout=3).timeout.read == 3


# --- 7. the report names the path and the client ----------------------------------------


@pytest.mark.parametrize("family", FAMILIES)
def test_the_report_names_method_path_and_client(family: str) -> None:
    recorder = recorder_of(family)
    expected = r"GET /openai/nope/x \(via {}\)\n  POST /v1/assistants \(via Service.handle\)"
    with pytest.warns(UnsupportedRequestWarning, match=expected.format(family)):  # noqa: SIM117
        with mock() as fake, recorder.client() as http:
            http.get(url("/openai/nope/x"), headers=AUTH)
            fake.handle(Request("POST", url("/v1/assistants"), AUTH))

    assert recorder.requests == []


def test_the_report_names_a_repeated_request_once_with_its_count() -> None:
    with pytest.warns(UnsupportedRequestWarning) as caught:  # noqa: SIM117
        with mock() as fake:
            for _ in range(3):
                fake.handle(Request("GET", url("/openai/nope"), AUTH))
            fake.handle(Request("POST", url("/openai/other"), AUTH))

    text = str(caught[0].message)
    assert "to 4 request(s)" in text
    assert "\n  GET /openai/nope (via Service.handle), 3 times\n" in text
    assert "\n  POST /openai/other (via Service.handle)\n" in text


def test_the_report_names_twenty_paths_and_counts_the_rest() -> None:
    with pytest.warns(UnsupportedRequestWarning) as caught:  # noqa: SIM117
        with mock() as fake:
            for index in range(25):
                fake.handle(Request("GET", url(f"/openai/nope/{index}"), AUTH))
            fake.handle(Request("GET", url("/openai/nope/24"), AUTH))

    lines = str(caught[0].message).splitlines()
    named = [line for line in lines if line.startswith("  GET ")]
    assert named[0] == "  GET /openai/nope/0 (via Service.handle)"
    assert len(named) == 20
    assert "  ... and 6 more request(s) to other paths" in lines


def test_the_report_counts_what_the_bounded_journal_let_go() -> None:
    with pytest.warns(UnsupportedRequestWarning) as caught:  # noqa: SIM117
        with mock(journal_limit=2) as fake:
            for index in range(5):
                fake.handle(Request("GET", url(f"/openai/nope/{index}"), AUTH))

    lines = str(caught[0].message).splitlines()
    assert "to 5 request(s)" in lines[0]
    assert lines[1:4] == [
        "  (3 earlier request(s) no longer in the journal)",
        "  GET /openai/nope/3 (via Service.handle)",
        "  GET /openai/nope/4 (via Service.handle)",
    ]


def test_via_is_not_part_of_a_requests_value() -> None:
    assert Request("GET", url(), via="httpx") == Request("GET", url())
    assert Request("GET", url()).via == ""


# --- helpers' own promises -----------------------------------------------------------


def test_the_pristine_methods_are_the_libraries_own() -> None:
    for (module, _cls, name), original in PRISTINE.items():
        assert inspect.unwrap(original) is original
        assert original.__module__.startswith(module), name


@pytest.fixture(autouse=True)
def _left_pristine() -> Iterator[None]:
    """Every test here leaves the client classes as it found them."""
    yield
    if not getattr(_intercept, "_state", None):
        assert_pristine()
