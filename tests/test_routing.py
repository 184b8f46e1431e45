"""The segment-trie router, and the service's own route table."""

from __future__ import annotations

import re

import pytest

from fake_assistants._apis import assistants as _assistants
from fake_assistants._routing import Match, Router
from fake_assistants._service import ROUTER

THREAD_ROUTES = [
    ("POST", "/openai/threads/{thread_id}", "modify_thread"),
    ("GET", "/openai/threads/{thread_id}", "get_thread"),
    ("POST", "/openai/threads/runs", "create_thread_and_run"),
    ("GET", "/openai/threads/{thread_id}/runs/{run_id}", "get_run"),
    ("POST", "/openai/threads/{thread_id}/runs/{run_id}/cancel", "cancel_run"),
]


@pytest.fixture(params=["as-listed", "reversed"])
def router(request: pytest.FixtureRequest) -> Router[str]:
    """The same table registered in both orders: the answers must not depend on it."""
    routes = THREAD_ROUTES if request.param == "as-listed" else THREAD_ROUTES[::-1]
    return Router(routes)


def test_literal_beats_parameter(router: Router[str]) -> None:
    assert router.match("POST", "/openai/threads/runs") == Match("create_thread_and_run", {})
    assert router.match("POST", "/openai/threads/thread_1") == Match(
        "modify_thread", {"thread_id": "thread_1"}
    )
    assert router.match("GET", "/openai/threads/runsx") == Match(
        "get_thread", {"thread_id": "runsx"}
    )


def test_a_match_names_its_template(router: Router[str]) -> None:
    found = router.match("POST", "/openai/threads/t/runs/r/cancel")
    assert found is not None
    assert found.template == "/openai/threads/{thread_id}/runs/{run_id}/cancel"


def test_parameters_are_collected_along_the_path(router: Router[str]) -> None:
    assert router.match("GET", "/openai/threads/thread_1/runs/run_2") == Match(
        "get_run", {"thread_id": "thread_1", "run_id": "run_2"}
    )
    assert router.match("POST", "/openai/threads/t/runs/r/cancel") == Match(
        "cancel_run", {"thread_id": "t", "run_id": "r"}
    )


@pytest.mark.parametrize(
    ("path", "thread_id"),
    [
        ("/openai/threads/a%2Fb", "a/b"),
        ("/openai/threads/a%2fb", "a/b"),
        ("/openai/threads/a%20b%3Fc", "a b?c"),
        ("/openai/threads/%2F", "/"),
        ("/openai/threads/%25", "%"),
        ("/openai/threads/thread_%C3%A4", "thread_ä"),
    ],
)
def test_percent_escapes_are_decoded_within_one_segment(
    router: Router[str], path: str, thread_id: str
) -> None:
    assert router.match("GET", path) == Match("get_thread", {"thread_id": thread_id})


def test_an_encoded_slash_does_not_split_the_segment(router: Router[str]) -> None:
    # decoded, this would read as /threads/t/runs/r; it must stay one thread id
    assert router.match("GET", "/openai/threads/t%2Fruns%2Fr") == Match(
        "get_thread", {"thread_id": "t/runs/r"}
    )


@pytest.mark.parametrize(
    "path",
    [
        "/openai/threads/",  # trailing slash: an empty id
        "/openai/threads/thread_1/",
        "/openai/threads//runs/run_1",  # empty segment where an id belongs
        "/openai/threads/thread_1/runs/",
        "/openai/threads",  # a prefix of the routes, with no handler of its own
        "/openai",
        "/",
        "",
        "/openai/threads/thread_1/messages",  # unknown child
        "/openai/threads/thread_1/runs/run_1/cancel/now",  # longer than any route
        "/openai/deployments/x/threads/thread_1",
        "/other/threads/thread_1",
        "/OPENAI/threads/thread_1",  # literal segments are case sensitive
    ],
)
def test_unknown_paths_do_not_match(router: Router[str], path: str) -> None:
    assert router.match("GET", path) is None
    assert router.match("POST", path) is None


def test_method_must_match(router: Router[str]) -> None:
    assert router.match("DELETE", "/openai/threads/thread_1") is None
    assert router.match("GET", "/openai/threads/t/runs/r/cancel") is None


def test_duplicate_route_raises() -> None:
    with pytest.raises(ValueError, match=re.escape("duplicate route GET /a/{id}")):
        Router([("GET", "/a/{id}", 1), ("GET", "/a/{id}", 2)])
    with pytest.raises(ValueError, match="duplicate route"):
        Router([("GET", "/a/b", 1), ("GET", "/a/b/", 2)])  # the same template, slashes aside


def test_same_template_other_method_is_not_a_duplicate() -> None:
    router = Router([("GET", "/a/{id}", "get"), ("DELETE", "/a/{id}", "delete")])
    assert router.match("GET", "/a/1") == Match("get", {"id": "1"})
    assert router.match("DELETE", "/a/1") == Match("delete", {"id": "1"})


def test_parameter_names_come_from_the_matched_template() -> None:
    """Two templates naming the parameter at one position differently must not be merged
    silently: either the table is refused, or each match reports its own template's name."""
    routes = [("GET", "/a/{first}", "one"), ("GET", "/a/{second}/b", "two")]
    try:
        router = Router(routes)
    except ValueError:
        return
    assert router.match("GET", "/a/1") == Match("one", {"first": "1"})
    assert router.match("GET", "/a/1/b") == Match("two", {"second": "1"})


def test_empty_router_matches_nothing() -> None:
    router: Router[str] = Router([])
    assert router.match("GET", "/") is None
    assert router.match("GET", "/openai/assistants") is None


# --- the service's table ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("method", "path", "handler", "params"),
    [
        ("POST", "/openai/assistants", _assistants.create, {}),
        ("GET", "/openai/assistants", _assistants.listing, {}),
        (
            "GET",
            "/openai/assistants/asst_1",
            _assistants.retrieve,
            {"assistant_id": "asst_1"},
        ),
        (
            "POST",
            "/openai/assistants/asst_1",
            _assistants.modify,
            {"assistant_id": "asst_1"},
        ),
        (
            "DELETE",
            "/openai/assistants/asst_1",
            _assistants.delete,
            {"assistant_id": "asst_1"},
        ),
        (
            "GET",
            "/openai/assistants/asst_a%2Fb%20c%3Fd",
            _assistants.retrieve,
            {"assistant_id": "asst_a/b c?d"},
        ),
    ],
)
def test_service_routes(method: str, path: str, handler: object, params: dict[str, str]) -> None:
    assert ROUTER.match(method, path) == Match(handler, params)


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("PATCH", "/openai/assistants/asst_1"),  # modify is POST
        ("PUT", "/openai/assistants"),
        ("DELETE", "/openai/assistants"),
        ("GET", "/openai/assistants/"),
        ("GET", "/openai/assistants/asst_1/files"),  # v1-only path: not served
        ("GET", "/openai/deployments/gpt/assistants"),
        ("GET", "/openai/threads"),  # no list endpoint for threads
        ("GET", "/assistants"),
    ],
)
def test_service_does_not_route(method: str, path: str) -> None:
    assert ROUTER.match(method, path) is None


# --- what is served near a path that is not ----------------------------------------------


@pytest.mark.parametrize(
    ("path", "nearby"),
    [
        (  # a v1-only sub-path: its parent, with the methods it takes
            "/openai/assistants/asst_1/files",
            [("/openai/assistants/{assistant_id}", ["GET", "POST", "DELETE"])],
        ),
        (  # a trailing slash: the item path first, then the collection
            "/openai/assistants/",
            [
                ("/openai/assistants/{assistant_id}", ["GET", "POST", "DELETE"]),
                ("/openai/assistants", ["POST", "GET"]),
            ],
        ),
        (  # an unknown collection: the collections
            "/openai/nope",
            [
                ("/openai/assistants", ["POST", "GET"]),
                ("/openai/threads", ["POST"]),
                ("/openai/files", ["POST", "GET"]),
                ("/openai/vector_stores", ["POST", "GET"]),
            ],
        ),
        ("/v1/assistants", []),  # nothing shared: nothing to suggest
    ],
)
def test_nearby_names_the_closest_templates(path: str, nearby: list[object]) -> None:
    assert ROUTER.nearby(path) == nearby


def test_nearby_keeps_to_its_limit_and_reads_escapes() -> None:
    assert len(ROUTER.nearby("/openai/x", limit=2)) == 2
    assert ROUTER.nearby("/%6Fpenai/assistants/a/b")[0][0] == "/openai/assistants/{assistant_id}"
