"""Which hosts are Azure OpenAI resources, and the one normal form hosts are compared in.

Every comparison of hosts (claiming a request, an `endpoint` option, the resource a
request's state belongs to) goes through `normal_netloc`, so that what DNS treats as
one name is one name here: case, one trailing dot, IDNA, brackets of an IPv6 literal,
and the scheme's default port do not make a different host.
"""

from __future__ import annotations

from contextlib import suppress
from functools import lru_cache
from urllib.parse import SplitResult, urlsplit

import idna

AZURE_SUFFIXES = (
    ".openai.azure.com",
    ".cognitiveservices.azure.com",
    ".services.ai.azure.com",
    ".openai.azure.us",
    ".cognitiveservices.azure.us",
    ".openai.azure.cn",
    ".cognitiveservices.azure.cn",
    ".api.cognitive.microsoft.com",
)
# The suffixes are DNS names too (`https://openai.azure.com`): Azure's, never the network's.
AZURE_DOMAINS = frozenset(suffix[1:] for suffix in AZURE_SUFFIXES)
DEFAULT_PORTS = {"https": "443", "http": "80"}


def is_azure_host(host: str) -> bool:
    """True for an Azure OpenAI host (in normal form, see `normal_host`)."""
    return host.endswith(AZURE_SUFFIXES) or host in AZURE_DOMAINS


def normal_host(host: str) -> str:
    """`Bücher.OpenAI.Azure.com.` -> `xn--bcher-kva.openai.azure.com`; `[::1]` -> `::1`."""
    host = host.lower()
    if host.startswith("[") and host.endswith("]"):
        return host[1:-1]
    if host.endswith("."):
        host = host[:-1]
    if not host.isascii():
        # A name IDNA refuses (idna.IDNAError is a UnicodeError) is compared as given.
        with suppress(UnicodeError):
            host = idna.encode(host, uts46=True).decode("ascii")
    return host


@lru_cache(maxsize=4096)
def normal_netloc(netloc: str, scheme: str | None = None) -> str:
    """`X.openai.azure.com.:443` (https) -> `x.openai.azure.com`; `[::1]:8080` is kept.

    Userinfo is dropped; the port is dropped when it is the scheme's default.
    """
    netloc = netloc.rpartition("@")[2]
    host, port = _split_port(netloc)
    if port == DEFAULT_PORTS.get(scheme or ""):
        port = ""
    return join_netloc(normal_host(host), port)


def join_netloc(host: str, port: str) -> str:
    host = f"[{host}]" if ":" in host else host
    return f"{host}:{port}" if port else host


def host_of(netloc: str) -> str:
    """The host of a netloc in normal form: `[::1]:8080` -> `::1`."""
    return normal_host(_split_port(netloc.rpartition("@")[2])[0])


def netloc_of(endpoint: str) -> str:
    """`https://x.openai.azure.com/` -> `x.openai.azure.com`; a bare host is kept."""
    if "://" not in endpoint:
        endpoint = "https://" + endpoint
    netloc = resource_key(urlsplit(endpoint))
    if not netloc:
        raise ValueError(f"endpoint {endpoint!r} has no host")
    return netloc


def resource_key(parts: SplitResult) -> str:
    """The normal netloc of a split URL: the key of the resource a request belongs to."""
    return _resource_key(parts.netloc, parts.scheme.lower())


@lru_cache(maxsize=1024)
def _resource_key(netloc: str, scheme: str) -> str:
    return normal_netloc(netloc, scheme)  # IDNA and all: worth doing once per host


def _split_port(netloc: str) -> tuple[str, str]:
    """`host:port` -> (`host`, `port`); an IPv6 literal keeps its brackets."""
    head, colon, tail = netloc.rpartition(":")
    if colon and tail.isdigit() and (head.endswith("]") or ":" not in head):
        return head, tail.lstrip("0") or "0"
    return netloc, ""
