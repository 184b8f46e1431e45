"""fake-assistants: an offline, in-memory fake of the Azure OpenAI Assistants API."""

from ._errors import FakeAssistantsError, WireError
from ._fake import FakeAssistants, UnsupportedRequestWarning, mock
from ._http import Request, Response
from ._service import Call, CallList, Service
from ._views import AssistantsView, Collection, Item, ResourceView

__version__ = "0.1.0"

__all__ = [
    "AssistantsView",
    "Call",
    "CallList",
    "Collection",
    "FakeAssistants",
    "FakeAssistantsError",
    "Item",
    "Request",
    "ResourceView",
    "Response",
    "Service",
    "UnsupportedRequestWarning",
    "WireError",
    "__version__",
    "mock",
]
