"""The per-request shortcuts give exactly what the general code gives.

Every request pays for URL splitting, header decoding, request ids and token counts,
so each has a cheap path for the common case; these tests hold each cheap path to the
general one it stands in for, over generated inputs.
"""

from __future__ import annotations

import importlib
from types import ModuleType
from urllib.parse import urlsplit

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from fake_assistants._default_reply import _TOKEN, count_tokens
from fake_assistants._ids import IdFactory
from fake_assistants._intercept import WireHeaders, _entries
from fake_assistants._service import _plain_split

URL_CHARS = "htps:/?#[]@.aZ1%20 =&\t\n\x00\x7fé"
URLS = st.builds(
    str.__add__,
    st.sampled_from(["https://", "http://", "HTTPS://", "ftp://", "https:/", "", " https://"]),
    st.text(alphabet=URL_CHARS, max_size=30),
)


@settings(max_examples=3000)
@given(URLS)
def test_a_plain_split_is_urlsplits_answer(url: str) -> None:
    fast = _plain_split(url)
    if fast is not None:
        assert fast == urlsplit(url)


@pytest.mark.parametrize(
    "url",
    [
        "https://x.openai.azure.com/openai/threads/t/runs?api-version=2025-04-01-preview",
        "https://x.openai.azure.com/openai/threads/t/runs/r/steps?include[]=a&limit=2",
        "http://127.0.0.1:8080/openai/assistants",
        "https://x.openai.azure.com",
    ],
)
def test_the_urls_clients_send_take_the_plain_split(url: str) -> None:
    fast = _plain_split(url)
    assert fast is not None
    assert fast == urlsplit(url)


def _http_modules() -> list[ModuleType]:
    found = []
    for name in ("httpx", "httpx2"):
        try:
            found.append(importlib.import_module(name))
        except ImportError:
            continue
    return found


NAME_BYTES = st.binary(max_size=6).map(
    lambda raw: b"x" + raw.replace(b"\n", b"").replace(b"\r", b"")
)
HEADERS = st.lists(
    st.tuples(
        st.one_of(
            st.sampled_from([b"Api-Key", b"api-key", b"Content-Type", b"X-A", b"x-a"]), NAME_BYTES
        ),
        st.binary(max_size=6).map(lambda raw: raw.replace(b"\n", b"").replace(b"\r", b"")),
    ),
    max_size=8,
)
PROBES = ["api-key", "content-type", "x-a", "X-A", "missing", "x", "x-ü", "x\x00"]


@pytest.mark.parametrize("module", _http_modules(), ids=lambda m: m.__name__)
@settings(max_examples=300)
@given(pairs=HEADERS)
def test_wire_headers_read_as_the_clients_own_items(
    module: ModuleType, pairs: list[tuple[bytes, bytes]]
) -> None:
    headers = module.Headers(pairs)
    expected = dict(headers.items())
    for probe in [*expected, *PROBES]:
        lazy = WireHeaders(_entries(headers), headers.encoding)  # fresh: nothing decoded yet
        assert lazy.get(probe) == expected.get(probe)
        assert (probe in lazy) == (probe in expected)
    whole = WireHeaders(_entries(headers), headers.encoding)
    assert dict(whole) == expected
    assert whole == expected
    assert len(whole) == len(expected)


def test_two_request_ids_from_one_draw_are_those_of_two_draws() -> None:
    one, two = IdFactory("seed/host"), IdFactory("seed/host")
    singles = [one.request_id() for _ in range(10)]
    pairs = [request_id for _ in range(5) for request_id in two.request_ids()]
    assert singles == pairs


@given(st.text(max_size=3000))
def test_token_counts_are_the_same_cached_or_not(text: str) -> None:
    assert count_tokens(text) == len(_TOKEN.findall(text))
    assert count_tokens(text) == len(_TOKEN.findall(text))  # the cached answer


class _PublicOnly:
    """Headers of a client release that keeps no `_list`: only the public `raw` pairs."""

    def __init__(self, pairs: list[tuple[bytes, bytes]]) -> None:
        self.raw = pairs
        self.encoding = "ascii"


def test_headers_without_the_private_list_are_read_from_the_public_pairs() -> None:
    headers = _PublicOnly([(b"Api-Key", b"k"), (b"X-A", b"1"), (b"x-a", b"2")])
    read = WireHeaders(_entries(headers), headers.encoding)
    assert read.get("api-key") == "k"
    assert dict(read) == {"api-key": "k", "x-a": "1, 2"}
