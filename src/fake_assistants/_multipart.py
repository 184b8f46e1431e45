"""multipart/form-data bodies (file uploads), parsed with python-multipart."""

from __future__ import annotations

from dataclasses import dataclass

from python_multipart.exceptions import FormParserError
from python_multipart.multipart import Field, File, create_form_parser

from ._errors import ApiError
from ._limits import MAX_UPLOAD_BYTES

MALFORMED = "We could not parse the multipart form body of your request."


@dataclass(frozen=True)
class Part:
    """One form part: its bytes, and the file name when it was sent as a file."""

    data: bytes
    filename: str | None = None


def parse(content_type: str, body: bytes) -> dict[str, Part]:
    """The parts of a multipart body by name (a repeated name: the last one wins)."""
    parts: dict[str, Part] = {}

    def on_field(field: Field) -> None:
        parts[(field.field_name or b"").decode("utf-8", "replace")] = Part(field.value or b"")

    def on_file(file: File) -> None:
        file.file_object.seek(0)
        name = file.file_name.decode("utf-8", "replace") if file.file_name else ""
        parts[(file.field_name or b"").decode("utf-8", "replace")] = Part(
            file.file_object.read(), name
        )

    # Keep uploads in memory: the default spills anything over 1 MiB to a temporary file.
    config = {"MAX_MEMORY_FILE_SIZE": MAX_UPLOAD_BYTES, "MAX_BODY_SIZE": MAX_UPLOAD_BYTES}
    try:
        parser = create_form_parser(
            {"Content-Type": content_type.encode("latin-1")}, on_field, on_file, config
        )
        parser.write(body)
        parser.finalize()
    except (FormParserError, ValueError, UnicodeEncodeError):
        raise ApiError(MALFORMED) from None
    return parts
