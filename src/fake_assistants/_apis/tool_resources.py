"""Tool resources that name files and vector stores: checked, and applied (the
`vector_stores` helper makes stores). Apart from the shared schemas, which import no API."""

from __future__ import annotations

from typing import Any

from .._context import Context
from . import files
from .vector_stores.records import find, new_store


def apply_tool_resources(
    ctx: Context,
    current: dict[str, Any],
    sent: dict[str, Any] | None,
    store_defaults: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """The tool resources after a request: each tool's resources sent replace that
    tool's; null clears them all; the `vector_stores` helper makes real vector stores
    (with `store_defaults` under what the helper sends). `current` is not changed. Run
    `check_references` first: this writes."""
    if sent is None:
        return {}
    resources = dict(current)
    if "code_interpreter" in sent:
        files = (sent["code_interpreter"] or {}).get("file_ids") or []
        resources["code_interpreter"] = {"file_ids": list(files)}
    if "file_search" in sent:
        search = sent["file_search"] or {}
        store_ids = list(search.get("vector_store_ids") or [])
        for helper in search.get("vector_stores") or []:
            store_ids.append(new_store(ctx, {**(store_defaults or {}), **helper})["id"])
        resources["file_search"] = {"vector_store_ids": store_ids}
    return resources


def check_references(ctx: Context, sent: dict[str, Any] | None) -> None:
    """Every file and vector store that tool resources name must exist in this resource."""
    if not sent:
        return
    for file_id in (sent.get("code_interpreter") or {}).get("file_ids") or []:
        files.find(ctx, file_id)
    search = sent.get("file_search") or {}
    for store_id in search.get("vector_store_ids") or []:
        find(ctx, store_id)
    for helper in search.get("vector_stores") or []:
        for file_id in helper.get("file_ids") or []:
            files.find(ctx, file_id)
