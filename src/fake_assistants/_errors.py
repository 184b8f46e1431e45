"""Wire errors as values: each knows its status and renders the real service's envelope.

Handlers raise them; the service turns them into responses. Texts follow the captured
service messages (see docs/fidelity.md for which are captured and which inferred).
"""

from __future__ import annotations

from typing import Any

AZURE_401 = (
    "Access denied due to invalid subscription key or wrong API endpoint. Make sure to "
    "provide a valid key for an active subscription and use a correct regional API "
    "endpoint for your resource."
)
ENTRA_401 = (
    "Unauthorized. Access token is missing, invalid, audience is incorrect "
    "(https://cognitiveservices.azure.com), or have expired."
)
INVALID_JSON = (
    "We could not parse the JSON body of your request. (HINT: This likely means you aren't "
    "using your HTTP library correctly. The OpenAI API expects a JSON payload, but what was "
    "sent was not valid JSON. If you have trouble figuring out how to fix this, please "
    "contact us through our help center at help.openai.com.)"
)


class FakeAssistantsError(Exception):
    """Base of every error the fake raises (and of what it answers over HTTP)."""


class WireError(FakeAssistantsError):
    """An error the service answers with; `status` and `body()` are what goes on the wire."""

    status: int = 400

    def body(self) -> dict[str, Any]:
        raise NotImplementedError

    def __str__(self) -> str:
        return f"{self.status}: {self.body()}"


# --- the OpenAI envelope: {"error": {"message", "type", "param", "code"}} -----------------


class ApiError(WireError):
    """An error in the OpenAI envelope, used by the assistants backend."""

    type: str = "invalid_request_error"
    code: str | None = None

    def __init__(self, message: str, param: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.param = param

    def body(self) -> dict[str, Any]:
        return {
            "error": {
                "message": self.message,
                "type": self.type,
                "param": self.param,
                "code": self.code,
            }
        }


class NotFound(ApiError):
    status = 404

    def __init__(self, kind: str, object_id: str) -> None:
        super().__init__(f"No {kind} found with id '{object_id}'.")


class InvalidJson(ApiError):
    def __init__(self) -> None:
        super().__init__(INVALID_JSON)


class UnknownParameter(ApiError):
    code = "unknown_parameter"

    def __init__(self, param: str) -> None:
        super().__init__(f"Unknown parameter: '{param}'.", param)


class MissingParameter(ApiError):
    code = "missing_required_parameter"

    def __init__(self, param: str) -> None:
        super().__init__(f"Missing required parameter: '{param}'.", param)


class InvalidType(ApiError):
    code = "invalid_type"

    def __init__(self, param: str, expected: str, got: str) -> None:
        super().__init__(
            f"Invalid type for '{param}': expected {expected}, but got {got} instead.", param
        )


class InvalidValue(ApiError):
    code = "invalid_value"

    def __init__(self, param: str | None, value: str, supported: list[str]) -> None:
        super().__init__(
            f"Invalid value: '{value}'. Supported values are: {quote_list(supported)}.", param
        )


class InvalidParam(ApiError):
    """`Invalid '<param>': <detail>` with a given code: limits, patterns, ids."""

    def __init__(self, param: str, detail: str, code: str = "invalid_value") -> None:
        super().__init__(f"Invalid '{param}': {detail}", param)
        self.code = code


class InvalidId(ApiError):
    code = "invalid_value"

    def __init__(self, param: str, value: str, prefix: str) -> None:
        super().__init__(
            f"Invalid '{param}': '{value}'. Expected an ID that begins with '{prefix}'.", param
        )


class ModelNotFound(ApiError):
    code = "model_not_found"

    def __init__(self, model: str) -> None:
        super().__init__(
            f"The provided model deployment '{model}' does not exist in the AOAI resource.",
            "model",
        )


class InternalError(ApiError):
    """A bug in the fake: answered as a 500 the SDK will not retry, never raised into httpx."""

    status = 500
    type = "server_error"

    def __init__(self, detail: str) -> None:
        super().__init__(f"fake-assistants internal error (please report it): {detail}")


# --- the Azure gateway envelopes ----------------------------------------------------------


class GatewayError(WireError):
    """Azure's gateway shape: {"error": {"code", "message"}} with no type or param."""

    def __init__(self, status: int, code: str, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message

    def body(self) -> dict[str, Any]:
        return {"error": {"code": self.code, "message": self.message}}


class ResourceNotFound(GatewayError):
    def __init__(self) -> None:
        super().__init__(404, "404", "Resource not found")


class UnservedPath(ResourceNotFound):
    """A path the fake does not serve: Azure's 404, body and all (the real service
    answers a path it lacks so). That the fake does not serve it is said beside the body:
    in the `x-fake-assistants-unserved` header, the exit report and this error's text."""

    def __init__(self, method: str, path: str) -> None:
        super().__init__()
        self.method = method
        self.path = path

    def __str__(self) -> str:
        return f"{super().__str__()} (fake-assistants does not serve {self.method} {self.path})"


class BodyTooLarge(ApiError):
    status = 413
    code = "request_too_large"

    def __init__(self, limit: int) -> None:
        super().__init__(f"Request body too large. The maximum request size is {limit} bytes.")


class ApiVersionNotSupported(GatewayError):
    def __init__(self) -> None:
        super().__init__(400, "BadRequest", "API version not supported")


class AccessDenied(GatewayError):
    def __init__(self) -> None:
        super().__init__(401, "401", AZURE_401)


class TokenRejected(WireError):
    """Entra ID token failures come flat, without the `error` wrapper."""

    status = 401

    def body(self) -> dict[str, Any]:
        return {"statusCode": 401, "message": ENTRA_401}


def quote_list(values: list[str]) -> str:
    """'a' / 'a' and 'b' / 'a', 'b', and 'c' -- the service's way of listing choices."""
    quoted = [f"'{v}'" for v in values]
    if len(quoted) <= 2:
        return " and ".join(quoted)
    return ", ".join(quoted[:-1]) + ", and " + quoted[-1]
