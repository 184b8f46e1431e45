"""fake-assistants: an offline, in-memory fake of the Azure OpenAI Assistants API."""

from ._errors import FakeAssistantsError, WireError
from ._fake import (
    AssistantsView,
    FakeAssistants,
    ResourceView,
    UnsupportedRequestWarning,
    mock,
)
from ._http import Request, Response
from ._service import Call, CallList, Service

__version__ = "0.1.0"

__all__ = [
    "AssistantsView",
    "Call",
    "CallList",
    "FakeAssistants",
    "FakeAssistantsError",
    "Request",
    "ResourceView",
    "Response",
    "Service",
    "UnsupportedRequestWarning",
    "WireError",
    "__version__",
    "mock",
]
