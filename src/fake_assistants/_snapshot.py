"""Snapshots: the whole state of a service as JSON, and a service rebuilt from one.

What is saved: every resource host (also hosts only ever refused, so their request ids
go on), each store with its order keys and next sequence (list order and cursors of
deleted ids survive), records with their private `_` keys, bytes as base64, each id
factory's two random streams and issued ids, and the scripted replies that are data.
Not saved: the journal, fault rules, derived caches (search indexes are rebuilt when
next searched), and the options that are code or secrets (`clock`, `api_key`,
`ad_token`), which `load` takes again.
"""

from __future__ import annotations

import base64
import contextlib
import dataclasses
import os
import tempfile
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from ._errors import FakeAssistantsError
from ._replies import CodeStep, Reply, as_reply
from ._resource import Record, Resource
from ._service import Service
from ._store import OrderedStore, StoreState

FORMAT = "fake-assistants-snapshot"
VERSION = 1
JsonScalar = (str, int, float, bool, type(None))


class SnapshotError(FakeAssistantsError, ValueError):
    """A state that cannot be saved (a reply function) or a snapshot that cannot be read."""


# --- values -------------------------------------------------------------------------------


def encode(value: Any) -> Any:
    """A JSON value for a stored one: bytes and replies are tagged (`$bytes`, `$reply`),
    and a dict with a key starting with `$` is wrapped (`$dict`) so no tag is mistaken."""
    if isinstance(value, JsonScalar):
        return value
    if isinstance(value, bytes):
        return {"$bytes": base64.b64encode(value).decode("ascii")}
    if isinstance(value, Reply):
        return {"$reply": encode(_reply_fields(value))}
    if isinstance(value, list | tuple):
        return [encode(item) for item in value]
    if isinstance(value, Mapping):
        if not all(isinstance(key, str) for key in value):
            raise SnapshotError(f"cannot save a mapping with non-string keys: {list(value)!r}")
        encoded = {key: encode(item) for key, item in value.items()}
        return {"$dict": encoded} if any(key.startswith("$") for key in value) else encoded
    raise SnapshotError(f"cannot save a value of type {type(value).__name__}: {value!r}")


def decode(value: Any) -> Any:
    if isinstance(value, list):
        return [decode(item) for item in value]
    if not isinstance(value, dict):
        return value
    if len(value) == 1:
        ((tag, inner),) = value.items()
        if tag == "$bytes":
            return base64.b64decode(inner, validate=True)
        if tag == "$reply":
            return Reply(**decode(inner))
        if tag == "$dict":
            return {key: decode(item) for key, item in inner.items()}
    return {key: decode(item) for key, item in value.items()}


def _reply_fields(reply: Reply) -> dict[str, Any]:
    fields = {f.name: getattr(reply, f.name) for f in dataclasses.fields(reply)}
    fields["tool_calls"] = [dataclasses.asdict(call) for call in reply.calls]
    fields["code_interpreter"] = [_code_step(step) for step in reply.code_steps]
    fields["error"] = None if reply.error is None else dict(reply.error)
    return fields


def _code_step(step: CodeStep) -> dict[str, Any]:
    return {
        "input": step.input,
        "logs": step.logs,
        "images": list(step.images),
        "files": dict(step.files),
    }


# --- the service ----------------------------------------------------------------------------


def dump(service: Service) -> dict[str, Any]:
    """The service's state (see the module docstring), under its lock."""
    with service.lock:
        return {
            "resources": [_resource(r, r.host in service.resources) for r in _seen(service)],
            "replies": _replies(service),
        }


def _seen(service: Service) -> list[Resource]:
    seen: dict[str, Resource] = dict(service._seen)
    return list({**seen, **service.resources}.values())


def _resource(resource: Resource, used: bool) -> dict[str, Any]:
    stores = []
    for key, store in resource.stores().items():
        state = store.state()
        stores.append(
            {
                "key": list(key),
                "items": [[object_id, encode(item)] for object_id, item in state.items],
                "keys": {object_id: list(k) for object_id, k in state.keys.items()},
                "next": state.next,
            }
        )
    return {"host": resource.host, "used": used, "ids": resource.ids.state(), "stores": stores}


def _replies(service: Service) -> list[dict[str, Any]]:
    queued = service.replies.queued()
    functions = sum(1 for source, _, _ in queued if callable(source))
    if functions:
        raise SnapshotError(
            f"cannot save {functions} scripted reply function(s): a snapshot holds data "
            "only; script them as texts or Reply values, or add them again after load()"
        )
    return [
        {"reply": encode(source), "assistant_id": assistant, "thread_id": thread}
        for source, assistant, thread in queued
    ]


def load(service: Service, data: Mapping[str, Any]) -> None:
    """Replaces the service's state with the snapshot's. The snapshot is read whole
    first: a damaged one raises SnapshotError and leaves the service as it was."""
    check(data)
    try:
        state = data["state"]
        resources = [
            (_rebuilt(saved, service.options.seed), saved["used"]) for saved in state["resources"]
        ]
        replies = [_queued(queued) for queued in state["replies"]]
    except SnapshotError:
        raise
    except Exception as error:  # a tampered or truncated snapshot may fail anywhere
        raise SnapshotError(f"a damaged snapshot: {_named(error)}") from None
    with service.lock:
        service.reset()
        for resource, used in resources:
            service._seen[resource.host] = resource
            if used is True:
                service.resources[resource.host] = resource
        for reply, assistant_id, thread_id in replies:
            service.replies.add(reply, assistant_id, thread_id)


def _named(error: Exception) -> str:
    if isinstance(error, KeyError):
        return f"the key {error} is missing"
    return f"{type(error).__name__}: {error}"


def _queued(queued: Mapping[str, Any]) -> tuple[Reply | str, str | None, str | None]:
    reply = decode(queued["reply"])
    as_reply(reply)  # refuses what is no reply (or a text no answer can carry) now
    ids = (queued["assistant_id"], queued["thread_id"])
    if not all(value is None or isinstance(value, str) for value in ids):
        raise TypeError(f"assistant_id and thread_id are strings or null, not {ids!r}")
    return reply, ids[0], ids[1]


def _rebuilt(saved: Mapping[str, Any], seed: object) -> Resource:
    if not isinstance(saved["host"], str) or not isinstance(saved["used"], bool):
        raise TypeError(f"a resource's host is a string and used a boolean: {saved!r:.200}")
    resource = Resource(saved["host"], seed)
    resource.ids.restore(saved["ids"])
    for store in saved["stores"]:
        items: list[tuple[str, Record]] = [(str(i), decode(item)) for i, item in store["items"]]
        if not all(isinstance(item, dict) for _, item in items):
            raise TypeError("a stored item is not a JSON object")
        keys = {object_id: (k[0], k[1]) for object_id, k in store["keys"].items()}
        state: StoreState[Record] = StoreState(items, keys, store["next"])
        resource.put(tuple(store["key"]), OrderedStore.from_state(state))
    return resource


def check(data: Mapping[str, Any]) -> None:
    """Refuses what is not a snapshot, or one newer than this version reads."""
    if not isinstance(data, Mapping) or data.get("format") != FORMAT:
        raise SnapshotError(f'not a fake-assistants snapshot (no "format": {FORMAT!r})')
    version = data.get("version")
    if not isinstance(version, int) or isinstance(version, bool) or version < 1:
        raise SnapshotError(f"snapshot version {version!r} is not a version number")
    if version > VERSION:
        raise SnapshotError(
            f"snapshot version {version} is newer than this fake-assistants reads "
            f"(up to {VERSION}); load it with a newer fake-assistants"
        )


def settings(saved: Mapping[str, Any]) -> dict[str, Any]:
    """The fake's options kept in a snapshot: all but code and credentials."""
    kept = {key: value for key, value in saved.items() if key not in UNSAVED}
    if not isinstance(kept.get("seed"), JsonScalar):
        kept["seed"] = str(kept["seed"])  # every use of the seed reads str(seed)
    for key in ("endpoint", "api_versions", "deployments"):
        if isinstance(kept.get(key), tuple):
            kept[key] = list(kept[key])
    return kept


UNSAVED = frozenset({"clock", "api_key", "ad_token"})


def write_atomically(path: Path, data: bytes) -> None:
    """Writes a temporary file beside `path`, then renames it over `path`: readers see
    the old file or the new one, never a part, and a failed write leaves the old one."""
    mode = path.stat().st_mode & 0o777 if path.exists() else 0o644  # mkstemp makes 0o600
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        os.chmod(temporary, mode)
        with os.fdopen(handle, "wb") as file:
            file.write(data)
            file.flush()
            os.fsync(file.fileno())
        os.replace(temporary, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temporary)
        raise
