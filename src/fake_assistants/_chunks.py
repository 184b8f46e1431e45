"""The text of an uploaded file, and the chunks that file_search indexes.

`extract_text` reads the file types that the service's file_search accepts, chosen by
extension as the service does; `chunk` cuts text into overlapping windows of tokens as
`count_tokens` counts them (the service's "auto" strategy is 800 tokens, 400 overlap).
Both are pure functions: the same bytes give the same text and chunks in every process.
"""

from __future__ import annotations

import codecs
import html
import io
import re
import zipfile
from collections.abc import Callable, Iterator
from typing import Any, Literal
from xml.parsers import expat

from ._default_reply import _TOKEN  # the regex behind count_tokens: one tokenizer for all
from ._limits import (
    MAX_PDF_CONTENT_BYTES,
    MAX_PDF_PAGES,
    MAX_TEXT_CHARS,
    MAX_UNPACKED_BYTES,
    MAX_ZIP_MEMBERS,
)

ErrorCode = Literal["unsupported_file", "invalid_file"]

# Plain-text types from the file_search list of supported files, and csv.
TEXT_EXTENSIONS = frozenset(
    {"txt", "md", "json", "csv", "tex", "css", "sh", "py", "js", "ts", "java", "c", "cpp"}
    | {"cs", "go", "rb", "php"}
)
HTML_EXTENSIONS = frozenset({"html", "htm"})
CONTROL_SHARE = 0.05  # more control characters than this and "text" is binary data
_CONTROL = re.compile(r"[\x00-\x08\x0e-\x1f\x7f]")
# Element names as expat gives them with namespace_separator "}": "<uri>}<name>".
_WORD = "http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_DRAWING = "http://schemas.openxmlformats.org/drawingml/2006/main}"
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
    try:
        text = reader(filename, data)
    except UnsupportedFile:
        raise
    except Exception as error:  # any reader's failure on bytes it cannot read, this file alone
        kind = _KINDS.get(extension, "text file")
        raise _invalid(filename, kind, f"{type(error).__name__}: {error}") from error
    if len(text) > MAX_TEXT_CHARS:
        raise _too_large(filename, f"its text is longer than {MAX_TEXT_CHARS:,} characters")
    return text


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


_KINDS = {
    **dict.fromkeys(HTML_EXTENSIONS, "HTML file"),
    "pdf": "PDF",
    "docx": "Word document",
    "pptx": "PowerPoint presentation",
}


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


def _too_large(filename: str, reason: str) -> UnsupportedFile:
    """A file past one of the bounds in _limits.py: too costly to read (a bomb)."""
    return UnsupportedFile("invalid_file", f"File {filename!r} is too large to index: {reason}.")


# --- plain text and HTML -----------------------------------------------------------------

_BOMS = (
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)


def _decode(filename: str, data: bytes) -> str:
    """UTF-8 (or UTF-16 with a byte-order mark), else Windows-1252, which maps nearly
    every byte: files saved by older Windows editors read right, nothing fails."""
    if len(data) > 4 * MAX_TEXT_CHARS:  # more characters than the bound, whatever the encoding
        raise _too_large(filename, f"its text is longer than {MAX_TEXT_CHARS:,} characters")
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


# What a browser shows: the text outside scripts, styles and the like, a line per block.
_HIDDEN = frozenset({"script", "style", "noscript", "template"})
_RAW_TEXT = frozenset({"script", "style"})  # their content is text up to their end tag
_BLOCKS = frozenset(
    {"p", "div", "br", "li", "tr", "td", "th", "title", "section", "article", "header"}
    | {"footer", "nav", "aside", "table", "ul", "ol", "dl", "dt", "dd", "blockquote"}
    | {"pre", "hr", "h1", "h2", "h3", "h4", "h5", "h6", "figcaption", "main", "form"}
)
# Where markup starts: a comment, a start or end tag (and its name), or a bogus comment
# (`<!doctype>`, `<![CDATA[`, `<?xml>`, `</ >`). A `<` before anything else is text.
_MARKUP = re.compile(r"<!--|<(/?)([a-zA-Z][^\s/>]*)|<[!?/]")
# The rest of a tag up to its `>`: a quote after `=` opens a value that may hold `>`.
# Possessive: a failed match costs one scan, and a tag that never closes ends the text.
_TAG_REST = re.compile(r"""(?:[^>"'=]++|=\s*+(?:"[^"]*+"|'[^']*+')?+|["'])*+>""")
_RAW_END = {name: re.compile(f"</{name}", re.IGNORECASE) for name in _RAW_TEXT}


def _html_text(filename: str, data: bytes) -> str:
    parts = "".join(_visible(_decode(filename, data)))
    lines = (" ".join(line.split()) for line in parts.splitlines())
    return "\n".join(line for line in lines if line)


def _visible(page: str) -> Iterator[str]:
    """The visible text of an HTML page, and a line break at each block tag, in one pass:
    every search starts where the last ended (the standard library's parser rescans
    malformed markup, quadratic in its length, and raises on some, e.g. `<![ `). As in a
    browser, markup left open at the end (a comment, a tag, a script) hides the rest."""
    pos, hidden = 0, 0
    while (found := _MARKUP.search(page, pos)) is not None:
        if not hidden:
            yield html.unescape(page[pos : found.start()])
        slash, name = found.group(1, 2)
        if name is None:  # a comment or a bogus one
            closing = "-->" if found.group() == "<!--" else ">"
            end = page.find(closing, found.end())
            if end < 0:
                return
            pos = end + len(closing)
            continue
        rest = _TAG_REST.match(page, found.end())
        if rest is None:
            return
        pos, name = rest.end(), name.lower()
        closes = slash or rest.group().endswith("/>")
        if not slash:
            hidden += name in _HIDDEN
            yield "\n" if name in _BLOCKS else ""
        if closes:
            hidden = max(hidden - (name in _HIDDEN), 0)
            yield "\n" if name in _BLOCKS else ""
        elif name in _RAW_TEXT:
            raw_end = _RAW_END[name].search(page, pos)
            if raw_end is None:
                return
            pos = raw_end.start()
    if not hidden:
        yield html.unescape(page[pos:])


# --- PDF ---------------------------------------------------------------------------------


def _pdf_text(filename: str, data: bytes) -> str:
    from pypdf import PdfReader  # here, not at the top: importing it takes ~80 ms

    try:
        reader = PdfReader(io.BytesIO(data))
        if reader.is_encrypted and not reader.decrypt(""):
            raise _invalid(filename, "PDF", "it is encrypted with a password")
        pages = _pdf_pages(filename, reader)
    except UnsupportedFile:
        raise
    except Exception as error:  # pypdf raises many kinds of error on malformed files
        raise _invalid(filename, "PDF", f"{type(error).__name__}: {error}") from error
    return "\n\n".join(pages)


def _pdf_pages(filename: str, reader: Any) -> list[str]:
    """Each page's text, within the bounds: pages, drawing operators, text."""
    if len(reader.pages) > MAX_PDF_PAGES:
        raise _too_large(filename, f"it has more than {MAX_PDF_PAGES:,} pages")
    drawn = 0  # summed before any page is read (decoding is cheap, parsing is not)
    for page in reader.pages:
        drawn += _drawn_bytes(page)
        if drawn > MAX_PDF_CONTENT_BYTES:
            reason = f"its pages draw with more than {MAX_PDF_CONTENT_BYTES:,} bytes of operators"
            raise _too_large(filename, reason)
    size, texts = 0, []
    for page in reader.pages:
        text = page.extract_text().strip()
        size += len(text)
        if size > MAX_TEXT_CHARS:
            raise _too_large(filename, f"its text is longer than {MAX_TEXT_CHARS:,} characters")
        if text:
            texts.append(text)
    return texts


def _drawn_bytes(page: Any) -> int:
    """The decoded size of what pypdf parses to read a page: its content stream and the
    form XObjects of its resources (decoding is fast, parsing is what costs)."""
    contents = page.get_contents()
    size = 0 if contents is None else len(contents.get_data())
    return size + sum(len(form.get_data()) for form in _forms(page))


def _forms(page: Any) -> list[Any]:
    """The form XObjects of a page's resources; none where the structure is odd (pypdf
    itself copes with it, or says why it cannot)."""
    resources = _dictionary(page.get("/Resources"))
    xobjects = _dictionary(None if resources is None else resources.get("/XObject"))
    if xobjects is None:
        return []
    found = (_dictionary(ref) for ref in xobjects.values())
    return [
        x
        for x in found
        if x is not None and x.get("/Subtype") == "/Form" and hasattr(x, "get_data")
    ]


def _dictionary(value: Any) -> Any:
    """A PDF object (resolved) if it is a dictionary or a stream, else None."""
    resolved = value.get_object() if hasattr(value, "get_object") else value
    return resolved if isinstance(resolved, dict) else None


# --- Office Open XML (docx, pptx) --------------------------------------------------------


def _docx_text(filename: str, data: bytes) -> str:
    kind = "Word document"
    archive = _Archive(filename, data, kind)
    return _ooxml_text(filename, kind, archive.read("word/document.xml"), _WORD)


def _pptx_text(filename: str, data: bytes) -> str:
    kind = "PowerPoint presentation"
    archive = _Archive(filename, data, kind)
    numbered = [(name, _SLIDE.fullmatch(name)) for name in archive.zip.namelist()]
    slides = sorted((int(match[1]), name) for name, match in numbered if match)
    archive.reserve([name for _, name in slides])
    texts, size = [], 0
    for _, name in slides:
        text = _ooxml_text(filename, kind, archive.read(name), _DRAWING)
        size += len(text)
        if size > MAX_TEXT_CHARS:
            raise _too_large(filename, f"its text is longer than {MAX_TEXT_CHARS:,} characters")
        if text:
            texts.append(text)
    return "\n\n".join(texts)


class _Archive:
    """A docx/pptx zip, whose parts are read within the bounds: entries, unpacked bytes."""

    def __init__(self, filename: str, data: bytes, kind: str) -> None:
        self.filename, self.kind = filename, kind
        # Counted before zipfile reads the central directory (an entry costs it memory):
        # the signature of a directory entry, which compressed data rarely holds.
        if data.count(b"PK\x01\x02") > MAX_ZIP_MEMBERS:
            raise _too_large(filename, f"it has more than {MAX_ZIP_MEMBERS:,} zip entries")
        try:
            self.zip = zipfile.ZipFile(io.BytesIO(data))
        except zipfile.BadZipFile as error:
            raise _invalid(filename, kind, "it is not a zip archive") from error
        self.left = MAX_UNPACKED_BYTES

    def reserve(self, names: list[str]) -> None:
        """Fails now if these parts would unpack past the bound, before any is read."""
        if sum(self.zip.getinfo(name).file_size for name in names) > self.left:
            raise self._past_bound()

    def read(self, name: str) -> bytes:
        try:
            info = self.zip.getinfo(name)
        except KeyError as error:
            raise _invalid(self.filename, self.kind, f"it has no {name}") from error
        self.left -= info.file_size  # the size zipfile stops reading at
        if self.left < 0:
            raise self._past_bound()
        return self.zip.read(info)  # a damaged entry raises: extract_text says so

    def _past_bound(self) -> UnsupportedFile:
        reason = f"its parts unpack to more than {MAX_UNPACKED_BYTES:,} bytes"
        return _too_large(self.filename, reason)


def _ooxml_text(filename: str, kind: str, xml: bytes, namespace: str) -> str:
    """Paragraphs (`p`) as lines of their text runs (`t`), with tabs and line breaks.
    Read as a stream (expat: no tree in memory, linear). Acting on end tags keeps a text
    box nested in a paragraph from repeating; paragraph and run properties (`pPr`,
    `rPr`) are skipped, as their `tab` elements are tab stops, not tabs."""
    reader = _OoxmlText(namespace)
    parser = expat.ParserCreate(namespace_separator="}")
    parser.buffer_text = True
    parser.StartElementHandler = reader.start
    parser.EndElementHandler = reader.end
    parser.CharacterDataHandler = reader.data
    try:
        parser.Parse(xml, True)
    except expat.ExpatError as error:
        raise _invalid(filename, kind, f"its XML does not parse ({error})") from error
    lines = (line.rstrip() for line in "".join(reader.parts).splitlines())
    return "\n".join(line for line in lines if line)


class _OoxmlText:
    def __init__(self, namespace: str) -> None:
        self.text, self.tab = namespace + "t", namespace + "tab"
        self.breaks = frozenset({namespace + "br", namespace + "cr", namespace + "p"})
        self.properties = frozenset({namespace + "pPr", namespace + "rPr"})
        self.parts: list[str] = []
        self.depth = 0  # inside properties
        self.run: list[str] | None = None  # the text of the `t` being read

    def start(self, name: str, attributes: Any) -> None:
        if name in self.properties:
            self.depth += 1
        elif name == self.text and not self.depth:
            self.run = []

    def data(self, text: str) -> None:
        if self.run is not None:
            self.run.append(text)

    def end(self, name: str) -> None:
        if name in self.properties:
            self.depth -= 1
        elif self.depth:
            return
        elif name == self.text:
            self.parts.append("".join(self.run or ()))
            self.run = None
        elif name == self.tab:
            self.parts.append("\t")
        elif name in self.breaks:
            self.parts.append("\n")
