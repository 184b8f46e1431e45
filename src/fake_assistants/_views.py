"""Direct access to state, without HTTP: one generic view for every API, nested where the
API nests (`fake.threads[thread_id].messages`).

A view calls the same handlers a request reaches, through `Service.direct`: the same
validation, the same shapes (of the fake's `api_version`), the same errors (raised as
`WireError`s), but no credentials and no journal entry.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any, cast
from urllib.parse import quote

from ._errors import InvalidId, InvalidJson, NotFound
from ._service import Service, direct_match
from ._versions import ApiVersion

UNNAMED = (
    "fake-assistants cannot tell which Azure resource you mean: pass "
    "endpoint='https://<name>.openai.azure.com' to the fake, or use "
    "fake.resource('https://<name>.openai.azure.com')."
)
PAGE = "100"


def fields_body(fields: dict[str, Any]) -> bytes:
    """What a test passed, as the body HTTP would carry: the same parser then refuses
    the same values (NaN, infinities, lone surrogates, nesting too deep)."""
    try:
        return json.dumps(fields).encode()
    except RecursionError:
        raise InvalidJson() from None


class _Node:
    def __init__(self, service: Service, version: ApiVersion, host: str | None, path: str):
        self._service = service
        self._version = version
        self._host = host
        self._path = path

    def _call(
        self,
        method: str,
        path: str,
        body: bytes = b"",
        query: dict[str, str] | None = None,
        headers: dict[str, str] | None = None,
    ) -> Any:
        if self._host is None:
            raise LookupError(UNNAMED)
        service = self._service
        return service.direct(self._host, method, path, self._version, body, query, headers)

    def _child(self, name: str) -> str:
        path = f"{self._path}/{name}"
        if direct_match("GET", path) is None:
            raise AttributeError(f"{type(self).__name__} has no collection {name!r}")
        return path


class Collection(_Node):
    """The objects at one collection path (`/openai/assistants`, a thread's messages):
    `create`, `retrieve`, `get`, `update`, `delete`, `list`, `len`, `in`, and `[id]`."""

    def create(self, **fields: Any) -> dict[str, Any]:
        return cast(dict[str, Any], self._call("POST", self._path, fields_body(fields)))

    def retrieve(self, object_id: str) -> dict[str, Any]:
        return cast(dict[str, Any], self._call("GET", self._item(object_id)))

    def get(self, object_id: str) -> dict[str, Any] | None:
        """Like `retrieve`, but None for an id that is not stored (as `dict.get`)."""
        if self._host is None:
            return None
        try:
            return self.retrieve(object_id)
        except (NotFound, InvalidId):
            return None

    def update(self, object_id: str, **fields: Any) -> dict[str, Any]:
        path = self._item(object_id)
        return cast(dict[str, Any], self._call("POST", path, fields_body(fields)))

    def delete(self, object_id: str) -> dict[str, Any]:
        return cast(dict[str, Any], self._call("DELETE", self._item(object_id)))

    def list(self, order: str = "asc", **filters: str) -> list[dict[str, Any]]:
        """Every stored object, oldest first (newest first with order='desc'); filters
        are the list endpoint's own query parameters (`run_id=` for messages)."""
        if self._host is None:
            return []
        shown: list[dict[str, Any]] = []
        query = {"order": order, "limit": PAGE, **filters}
        while True:
            page = self._call("GET", self._path, query=query)
            shown.extend(page["data"])
            if not page["has_more"]:
                return shown
            query["after"] = page["last_id"]

    def __len__(self) -> int:
        return len(self.list())

    def __iter__(self) -> Iterator[dict[str, Any]]:
        return iter(self.list())

    def __contains__(self, object_id: object) -> bool:
        return isinstance(object_id, str) and self.get(object_id) is not None

    def __getitem__(self, object_id: str) -> Item:
        return Item(self._service, self._version, self._host, self._item(object_id))

    def _item(self, object_id: str) -> str:
        return f"{self._path}/{quote(object_id, safe='')}"


class Files(Collection):
    """The files: `upload(...)` sends what `client.files.create(...)` sends, and
    `content(id)` gives the stored bytes, whatever the purpose (the service itself
    refuses to download `assistants` files)."""

    def upload(
        self, data: bytes | str, filename: str = "file.txt", purpose: str = "assistants"
    ) -> dict[str, Any]:
        raw = data.encode() if isinstance(data, str) else data
        body, content_type = multipart_body({"purpose": purpose}, ("file", filename, raw))
        headers = {"content-type": content_type}
        return cast(dict[str, Any], self._call("POST", self._path, body, headers=headers))

    def content(self, file_id: str) -> bytes:
        return cast(bytes, self._call("GET", f"{self._item(file_id)}/stored_content"))


def multipart_body(fields: dict[str, str], file: tuple[str, str, bytes]) -> tuple[bytes, str]:
    """A multipart/form-data body as an HTTP client builds it, and its content type."""
    boundary = "fake-assistants-boundary-7d3b1e"
    chunks = [
        f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'.encode()
        for name, value in fields.items()
    ]
    name, filename, data = file
    head = (
        f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"; '
        f'filename="{filename}"\r\nContent-Type: application/octet-stream\r\n\r\n'
    )
    chunks.append(head.encode() + data + f"\r\n--{boundary}--\r\n".encode())
    return b"".join(chunks), f"multipart/form-data; boundary={boundary}"


class Item(_Node):
    """One object by id; its nested collections are attributes (`.messages`, `.runs`)."""

    def retrieve(self) -> dict[str, Any]:
        return cast(dict[str, Any], self._call("GET", self._path))

    def update(self, **fields: Any) -> dict[str, Any]:
        return cast(dict[str, Any], self._call("POST", self._path, fields_body(fields)))

    def delete(self) -> dict[str, Any]:
        return cast(dict[str, Any], self._call("DELETE", self._path))

    def __getattr__(self, name: str) -> Collection:
        if name.startswith("_"):
            raise AttributeError(name)
        return Collection(self._service, self._version, self._host, self._child(name))


class ResourceView(_Node):
    """The state of one Azure resource: `.assistants` and every other top-level API."""

    @property
    def host(self) -> str | None:
        return self._host

    @property
    def assistants(self) -> Collection:
        return self.collection("assistants")

    @property
    def threads(self) -> Collection:
        """Threads by id: `threads[thread_id].messages`, `.runs`; `threads.list()`."""
        return self.collection("threads")

    @property
    def files(self) -> Files:
        """Files: `files.upload(data, filename, purpose)`, `files.content(id)`."""
        return Files(self._service, self._version, self._host, self._child("files"))

    @property
    def vector_stores(self) -> Collection:
        """Vector stores: `vector_stores[store_id].files`, `.file_batches`."""
        return self.collection("vector_stores")

    def collection(self, name: str) -> Collection:
        return Collection(self._service, self._version, self._host, self._child(name))

    def __getattr__(self, name: str) -> Collection:
        if name.startswith("_"):
            raise AttributeError(name)
        return self.collection(name)


AssistantsView = Collection  # the name this view had when assistants were all there was
