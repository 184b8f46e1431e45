"""fake-assistants: an offline, in-memory fake of the Azure OpenAI Assistants API.

Names load on first use (PEP 562), so the pytest plugin, which imports this package
first, costs next to nothing in sessions that never use the fake.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"

# The modules that hold the names below, searched in this order on first use. The wire
# errors (`NotFound`, `InvalidParam`, ...) are what the direct API (`fake.assistants`)
# and `handle()` raise; tests may catch them.
_MODULES = (
    "._errors",
    "._http",
    "._service",
    "._views",
    "._replies",
    "._faults",
    "._snapshot",
    "._unserved",
    "._fake",
    "._server",
)

__all__ = [
    "AccessDenied",
    "ApiError",
    "ApiVersionNotSupported",
    "AssistantsView",
    "BodyTooLarge",
    "Call",
    "CallList",
    "CodeStep",
    "Collection",
    "Dropped",
    "FakeAssistants",
    "FakeAssistantsError",
    "Fault",
    "GatewayError",
    "InternalError",
    "InvalidId",
    "InvalidJson",
    "InvalidParam",
    "InvalidType",
    "InvalidValue",
    "Item",
    "MissingParameter",
    "ModelNotFound",
    "NotFound",
    "Reply",
    "ReplyContext",
    "Request",
    "ResourceNotFound",
    "ResourceView",
    "Response",
    "Service",
    "SnapshotError",
    "TokenRejected",
    "ToolCall",
    "UnknownParameter",
    "UnservedPath",
    "UnsupportedRequestWarning",
    "WireError",
    "__version__",
    "mock",
    "serve",
]

if TYPE_CHECKING:
    from ._errors import (
        AccessDenied,
        ApiError,
        ApiVersionNotSupported,
        BodyTooLarge,
        FakeAssistantsError,
        GatewayError,
        InternalError,
        InvalidId,
        InvalidJson,
        InvalidParam,
        InvalidType,
        InvalidValue,
        MissingParameter,
        ModelNotFound,
        NotFound,
        ResourceNotFound,
        TokenRejected,
        UnknownParameter,
        UnservedPath,
        WireError,
    )
    from ._fake import FakeAssistants, mock
    from ._faults import Fault
    from ._http import Dropped, Request, Response
    from ._replies import CodeStep, Reply, ReplyContext, ToolCall
    from ._server import serve
    from ._service import Call, CallList, Service
    from ._snapshot import SnapshotError
    from ._unserved import UnsupportedRequestWarning
    from ._views import AssistantsView, Collection, Item, ResourceView
else:  # hidden from type checkers, so a misspelt name stays an error for them

    def __getattr__(name: str) -> Any:
        if name in __all__:
            for home in _MODULES:
                module = importlib.import_module(home, __name__)
                if hasattr(module, name):
                    globals()[name] = value = getattr(module, name)  # next time: no call
                    return value
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")

    def __dir__() -> list[str]:
        return sorted({*globals(), *__all__})
