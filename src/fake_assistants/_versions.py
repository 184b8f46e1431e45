"""The api-versions the service knows and what each changes in the assistants API."""

from __future__ import annotations

from dataclasses import dataclass

from ._errors import ApiVersionNotSupported, ResourceNotFound


@dataclass(frozen=True, slots=True)
class ApiVersion:
    """One api-version. What it changes is asked by name (`version.json_schema`), each
    feature answered from the date it first appears, so versions never multiply flags."""

    name: str

    def at_least(self, name: str) -> bool:
        return self.name >= name  # the names are dates: text order is time order

    @property
    def generation(self) -> int:
        """1: `file_ids` and `retrieval`; 2: `tool_resources` and `file_search`."""
        return 2 if self.at_least(V2_FROM) else 1

    @property
    def response_format_none(self) -> bool:
        """ "none" is accepted as a response_format string (the v2 previews of 2024)."""
        return self.generation == 2 and not self.at_least(JSON_SCHEMA_FROM)

    @property
    def json_schema(self) -> bool:
        """{"type": "json_schema"} response formats are accepted."""
        return self.at_least(JSON_SCHEMA_FROM)

    @property
    def file_search_max_results(self) -> bool:
        """tools[].file_search.max_num_results is accepted (recorded on 2024-07-01-preview:
        AzureFileSearchSyncTest.fileSearchWithMaxNumberResult checks its minimum)."""
        return self.at_least(FILE_SEARCH_MAX_RESULTS_FROM)

    @property
    def file_search_options(self) -> bool:
        """tools[].file_search.ranking_options is accepted too."""
        return self.at_least(JSON_SCHEMA_FROM)

    @property
    def cached_tokens(self) -> bool:
        """`usage.prompt_token_details: {"cached_tokens": 0}` on runs and steps (as recorded:
        BasicRunOperationsWork, StreamingRunWorks, StreamingToolCall)."""
        return self.at_least(CACHED_TOKENS_FROM)

    @property
    def file_expires_at(self) -> bool:
        """The upload answer carries `expires_at` (recorded: BasicFileSearchWorks)."""
        return self.at_least(FILE_EXPIRES_AT_FROM)

    @property
    def modified_message_file_ids(self) -> bool:
        """Modify message answers v1's `"file_ids": []` in place of `attachments` (as
        recorded: BasicMessageOperationsWork on 2025-01-01, 2025-03-01 and 2025-04-01)."""
        return self.at_least(MODIFIED_MESSAGE_FILE_IDS_FROM)

    @property
    def thread_search_indexes(self) -> bool:
        """A thread retrieve shows `azure_ai_search: {"indexes": []}` after the code
        interpreter's entry (recorded: BasicThreadOperationsWork on 2025-04-01-preview, not
        on 2024-10-01-preview; `thread.created` on 2025-01-01-preview has none)."""
        return self.at_least(THREAD_SEARCH_INDEXES_FROM)

    @property
    def store_not_found_param(self) -> bool:
        """An unknown vector store's 404 names `param: "vector_store_id"` (recorded on
        2025-04-01-preview; `null` on 2024-07-01-preview: CanAssociateFiles)."""
        return self.at_least(STORE_NOT_FOUND_PARAM_FROM)

    @property
    def vector_store_search(self) -> bool:
        """POST /vector_stores/{id}/search is served."""
        return self.at_least(VECTOR_STORE_SEARCH_FROM)

    @property
    def file_attributes(self) -> bool:
        """Vector-store files take `attributes` (on add, in batches, by update)."""
        return self.at_least(VECTOR_STORE_SEARCH_FROM)


V2_FROM = "2024-05-01-preview"
FILE_SEARCH_MAX_RESULTS_FROM = "2024-07-01-preview"
JSON_SCHEMA_FROM = "2025-01-01-preview"  # first seen there; 2024-12-01-preview was not read
CACHED_TOKENS_FROM = "2025-03-01-preview"
MODIFIED_MESSAGE_FILE_IDS_FROM = "2025-01-01-preview"  # 2024 versions' answer not recorded
FILE_EXPIRES_AT_FROM = "2025-04-01-preview"  # absent on 2025-01-01-preview
THREAD_SEARCH_INDEXES_FROM = "2025-04-01-preview"  # 2025-01 and 2025-03 reads not recorded
STORE_NOT_FOUND_PARAM_FROM = "2025-04-01-preview"  # 2024-10 to 2025-03 not recorded
# Vector store search and file attributes (and their update): first in the Azure spec of
# 2025-03-01-preview, absent from 2025-02-01-preview's.
VECTOR_STORE_SEARCH_FROM = "2025-03-01-preview"

ASSISTANTS_VERSIONS: dict[str, ApiVersion] = {
    name: ApiVersion(name)
    for name in [
        "2024-02-15-preview",
        "2024-03-01-preview",
        "2024-04-01-preview",
        "2024-05-01-preview",
        "2024-07-01-preview",
        "2024-08-01-preview",
        "2024-09-01-preview",
        "2024-10-01-preview",
        "2024-12-01-preview",
        "2025-01-01-preview",
        "2025-02-01-preview",
        "2025-03-01-preview",
        "2025-04-01-preview",
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
