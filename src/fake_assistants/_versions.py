"""The api-versions the service knows and what each changes in the assistants API."""

from __future__ import annotations

from dataclasses import dataclass

from ._errors import ApiVersionNotSupported, ResourceNotFound


@dataclass(frozen=True, slots=True)
class ApiVersion:
    name: str
    generation: int  # 1: file_ids + retrieval; 2: tool_resources + file_search
    response_format_none: bool = False  # "none" accepted as a response_format string
    json_schema: bool = False  # {"type": "json_schema"} accepted
    file_search_options: bool = False  # tools[].file_search.max_num_results accepted


def _v2(name: str, *, early: bool = False, late: bool = False) -> ApiVersion:
    return ApiVersion(
        name, 2, response_format_none=early, json_schema=late, file_search_options=late
    )


ASSISTANTS_VERSIONS: dict[str, ApiVersion] = {
    v.name: v
    for v in [
        ApiVersion("2024-02-15-preview", 1),
        ApiVersion("2024-03-01-preview", 1),
        ApiVersion("2024-04-01-preview", 1),
        _v2("2024-05-01-preview", early=True),
        _v2("2024-07-01-preview", early=True),
        _v2("2024-08-01-preview", early=True),
        _v2("2024-09-01-preview", early=True),
        _v2("2024-10-01-preview", early=True),
        _v2("2024-12-01-preview", early=True),
        _v2("2025-01-01-preview", late=True),
        _v2("2025-02-01-preview", late=True),
        _v2("2025-03-01-preview", late=True),
        _v2("2025-04-01-preview", late=True),
    ]
}

# Real api-versions of the data plane that have no assistants: the service answers 404.
VERSIONS_WITHOUT_ASSISTANTS = frozenset(
    {
        "2022-12-01",
        "2023-03-15-preview",
        "2023-05-15",
        "2023-06-01-preview",
        "2023-07-01-preview",
        "2023-08-01-preview",
        "2023-09-01-preview",
        "2023-10-01-preview",
        "2023-12-01-preview",
        "2024-02-01",
        "2024-06-01",
        "2024-10-21",
    }
)

LATEST = "2025-04-01-preview"


def resolve(name: str | None, accepted: frozenset[str] | None = None) -> ApiVersion:
    """The version a request asked for, or the gateway error the service gives instead."""
    if name is None:
        raise ResourceNotFound()
    if accepted is not None and name not in accepted:
        raise ApiVersionNotSupported()
    version = ASSISTANTS_VERSIONS.get(name)
    if version is not None:
        return version
    if name in VERSIONS_WITHOUT_ASSISTANTS:
        raise ResourceNotFound()
    raise ApiVersionNotSupported()
