"""Which hosts are Azure OpenAI resources."""

from __future__ import annotations

from urllib.parse import urlsplit

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


def is_azure_host(host: str) -> bool:
    return host.lower().endswith(AZURE_SUFFIXES)


def netloc_of(endpoint: str) -> str:
    """`https://x.openai.azure.com/` -> `x.openai.azure.com`; a bare host is kept."""
    if "://" not in endpoint:
        endpoint = "https://" + endpoint
    parts = urlsplit(endpoint)
    netloc = parts.netloc.rpartition("@")[2].lower()
    default_port = {"https": ":443", "http": ":80"}.get(parts.scheme, "")
    if default_port and netloc.endswith(default_port):
        netloc = netloc[: -len(default_port)]
    if not netloc:
        raise ValueError(f"endpoint {endpoint!r} has no host")
    return netloc
