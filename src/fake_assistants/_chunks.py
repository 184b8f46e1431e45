"""The text of an uploaded file, and the chunks that file_search indexes.

`extract_text` reads the file types that the service's file_search accepts, chosen by
extension as the service does; `chunk` cuts text into overlapping windows of tokens as
`count_tokens` counts them (the service's "auto" strategy is 800 tokens, 400 overlap).
Both are pure functions: the same bytes give the same text and chunks in every process.
"""

from __future__ import annotations

import codecs
import io
import re
import zipfile
from collections.abc import Callable
from html.parser import HTMLParser
from typing import Literal
from xml.etree import ElementTree

from ._default_reply import _TOKEN  # the regex behind count_tokens: one tokenizer for all

ErrorCode = Literal["unsupported_file", "invalid_file"]

# Plain-text types from the file_search list of supported files, and csv.
TEXT_EXTENSIONS = frozenset(
    {"txt", "md", "json", "csv", "tex", "css", "sh", "py", "js", "ts", "java", "c", "cpp"}
    | {"cs", "go", "rb", "php"}
)
HTML_EXTENSIONS = frozenset({"html", "htm"})
MAX_XML_BYTES = 64 * 1024 * 1024  # one unpacked docx/pptx part; more is a zip bomb here
CONTROL_SHARE = 0.05  # more control characters than this and "text" is binary data
_CONTROL = re.compile(r"[\x00-\x08\x0e-\x1f\x7f]")
_WORD = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_DRAWING = "{http://schemas.openxmlformats.org/drawingml/2006/main}"
_SLIDE = re.compile(r"ppt/slides/slide(\d+)\.xml")


class UnsupportedFile(Exception):
    """A file that file_search cannot index. `code` is `"unsupported_file"` for a type
    the fake cannot read, `"invalid_file"` for a known type whose bytes do not parse;
    `message` is a sentence naming the file and the reason."""

    def __init__(self, code: ErrorCode, message: str) -> None:
        super().__init__(message)
        self.code: ErrorCode = code
        self.message = message


def extract_text(filename: str, data: bytes) -> str:
    """The text of a file, by its extension (case-insensitive); `""` when it holds none.
    Raises `UnsupportedFile` for other types and for files that do not parse."""
    base = filename.replace("\\", "/").rpartition("/")[2]  # a path's folders have dots too
    extension = base.rpartition(".")[2].lower() if "." in base else ""
    reader = _reader(extension)
    if reader is None:
        raise UnsupportedFile("unsupported_file", _unsupported(filename, extension))
    return reader(filename, data)


def chunk(text: str, max_tokens: int = 800, overlap: int = 400) -> list[str]:
    """Windows of `max_tokens` tokens, each starting `max_tokens - overlap` tokens after
    the previous one, until one reaches the last token. Each chunk is the exact
    substring of `text` from its first token to its last, whitespace inside kept."""
    if max_tokens < 1 or not 0 <= overlap < max_tokens:
        raise ValueError(
            f"need 1 <= max_tokens and 0 <= overlap < max_tokens: {max_tokens}, {overlap}"
        )
    spans = [match.span() for match in _TOKEN.finditer(text)]
    step = max_tokens - overlap
    chunks: list[str] = []
    for start in range(0, len(spans), step):
        end = min(start + max_tokens, len(spans))
        chunks.append(text[spans[start][0] : spans[end - 1][1]])
        if end == len(spans):
            break
    return chunks


# --- which reader ------------------------------------------------------------------------

Reader = Callable[[str, bytes], str]


def _reader(extension: str) -> Reader | None:
    if extension in TEXT_EXTENSIONS:
        return _decode
    if extension in HTML_EXTENSIONS:
        return _html_text
    return {"pdf": _pdf_text, "docx": _docx_text, "pptx": _pptx_text}.get(extension)


def _unsupported(filename: str, extension: str) -> str:
    if not extension:
        return f"File {filename!r} has no extension, so file_search cannot tell its type."
    if extension in ("doc", "ppt"):
        return (
            f"File {filename!r} is a legacy binary .{extension} file, which fake-assistants "
            f"cannot read (the service can); save it as .{extension}x instead."
        )
    return f"File {filename!r} is of type .{extension}, which file_search does not support."


def _invalid(filename: str, kind: str, reason: str) -> UnsupportedFile:
    return UnsupportedFile("invalid_file", f"File {filename!r} is not a valid {kind}: {reason}.")


# --- plain text and HTML -----------------------------------------------------------------

_BOMS = (
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)


def _decode(filename: str, data: bytes) -> str:
    """UTF-8 (or UTF-16 with a byte-order mark), else Windows-1252, which maps nearly
    every byte: files saved by older Windows editors read right, nothing fails."""
    text = _decoded(data)
    if text is None or _binary(text):
        raise _invalid(filename, "text file", "it holds binary data, not UTF-8 or UTF-16 text")
    return text


def _decoded(data: bytes) -> str | None:
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            try:
                return data.decode(encoding)
            except UnicodeDecodeError:
                return None
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return data.decode("cp1252", errors="replace")


def _binary(text: str) -> bool:
    return "\x00" in text or len(_CONTROL.findall(text)) > CONTROL_SHARE * len(text)


class _VisibleText(HTMLParser):
    """What a browser shows: the text outside scripts and styles, a line per block."""

    HIDDEN = frozenset({"script", "style", "noscript", "template"})
    BLOCKS = frozenset(
        {"p", "div", "br", "li", "tr", "td", "th", "title", "section", "article", "header"}
        | {"footer", "nav", "aside", "table", "ul", "ol", "dl", "dt", "dd", "blockquote"}
        | {"pre", "hr", "h1", "h2", "h3", "h4", "h5", "h6", "figcaption", "main", "form"}
    )

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.hidden = 0  # depth inside hidden elements

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in self.HIDDEN:
            self.hidden += 1
        elif tag in self.BLOCKS:
            self.parts.append("\n")

    def handle_endtag(self, tag: str) -> None:
        if tag in self.HIDDEN:
            self.hidden = max(self.hidden - 1, 0)
        elif tag in self.BLOCKS:
            self.parts.append("\n")

    def handle_data(self, data: str) -> None:
        if not self.hidden:
            self.parts.append(data)


def _html_text(filename: str, data: bytes) -> str:
    parser = _VisibleText()
    parser.feed(_decode(filename, data))
    parser.close()
    lines = (" ".join(line.split()) for line in "".join(parser.parts).splitlines())
    return "\n".join(line for line in lines if line)


# --- PDF ---------------------------------------------------------------------------------


def _pdf_text(filename: str, data: bytes) -> str:
    from pypdf import PdfReader  # here, not at the top: importing it takes ~80 ms

    try:
        reader = PdfReader(io.BytesIO(data))
        if reader.is_encrypted and not reader.decrypt(""):
            raise _invalid(filename, "PDF", "it is encrypted with a password")
        pages = [page.extract_text() for page in reader.pages]
    except UnsupportedFile:
        raise
    except Exception as error:  # pypdf raises many kinds of error on malformed files
        raise _invalid(filename, "PDF", f"{type(error).__name__}: {error}") from error
    return "\n\n".join(text.strip() for text in pages if text.strip())


# --- Office Open XML (docx, pptx) --------------------------------------------------------


def _docx_text(filename: str, data: bytes) -> str:
    kind = "Word document"
    archive = _zip(filename, data, kind)
    xml = _part(filename, archive, "word/document.xml", kind)
    return _ooxml_text(filename, kind, xml, _WORD)


def _pptx_text(filename: str, data: bytes) -> str:
    kind = "PowerPoint presentation"
    archive = _zip(filename, data, kind)
    numbered = [(name, _SLIDE.fullmatch(name)) for name in archive.namelist()]
    slides = sorted((int(match[1]), name) for name, match in numbered if match)
    texts = (
        _ooxml_text(filename, kind, _part(filename, archive, name, kind), _DRAWING)
        for _, name in slides
    )
    return "\n\n".join(text for text in texts if text)


def _zip(filename: str, data: bytes, kind: str) -> zipfile.ZipFile:
    try:
        return zipfile.ZipFile(io.BytesIO(data))
    except zipfile.BadZipFile as error:
        raise _invalid(filename, kind, "it is not a zip archive") from error


def _part(filename: str, archive: zipfile.ZipFile, name: str, kind: str) -> bytes:
    try:
        info = archive.getinfo(name)
    except KeyError as error:
        raise _invalid(filename, kind, f"it has no {name}") from error
    if info.file_size > MAX_XML_BYTES:
        raise _invalid(filename, kind, f"{name} unpacks to {info.file_size} bytes")
    try:
        return archive.read(info)
    except (zipfile.BadZipFile, OSError, EOFError) as error:  # a damaged entry
        raise _invalid(filename, kind, f"{name} cannot be unpacked ({error})") from error


def _ooxml_text(filename: str, kind: str, xml: bytes, namespace: str) -> str:
    """Paragraphs (`p`) as lines of their text runs (`t`), with tabs and line breaks.
    Acting on `end` events keeps a text box nested in a paragraph from repeating;
    paragraph and run properties (`pPr`, `rPr`) are skipped, as their `tab` elements
    are tab stops, not tabs."""
    text, tab, paragraph = namespace + "t", namespace + "tab", namespace + "p"
    breaks = (namespace + "br", namespace + "cr", paragraph)
    properties = (namespace + "pPr", namespace + "rPr")
    parts: list[str] = []
    depth = 0  # inside properties
    try:
        for event, element in ElementTree.iterparse(io.BytesIO(xml), events=("start", "end")):
            tag = element.tag
            if tag in properties:
                depth += 1 if event == "start" else -1
            elif depth or event == "start":
                continue
            elif tag == text:
                parts.append(element.text or "")
            elif tag == tab:
                parts.append("\t")
            elif tag in breaks:
                parts.append("\n")
    except ElementTree.ParseError as error:
        raise _invalid(filename, kind, f"its XML does not parse ({error})") from error
    lines = (line.rstrip() for line in "".join(parts).splitlines())
    return "\n".join(line for line in lines if line)
