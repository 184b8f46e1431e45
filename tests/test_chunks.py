"""Text extraction for each supported file type, and token-window chunking."""

from __future__ import annotations

import io
import itertools
import zipfile

import pytest
from helpers import pdf_of, pdf_string
from hypothesis import given
from hypothesis import strategies as st
from pypdf import PdfReader, PdfWriter

from fake_assistants._chunks import UnsupportedFile, chunk, extract_text
from fake_assistants._default_reply import count_tokens

# --- files the tests build ---------------------------------------------------------------


def make_pdf(pages: list[str]) -> bytes:
    """A minimal valid PDF: one page of Helvetica text per string, with a correct xref."""
    return pdf_of([f"BT /F1 12 Tf 72 720 Td {pdf_string(text)} Tj ET" for text in pages])


W = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'
A = 'xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main"'


def make_zip(parts: dict[str, str]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, text in parts.items():
            archive.writestr(name, text)
    return buffer.getvalue()


def make_docx(body: str) -> bytes:
    document = f"<?xml version='1.0'?><w:document {W}><w:body>{body}</w:body></w:document>"
    return make_zip({"[Content_Types].xml": "<Types/>", "word/document.xml": document})


def slide(body: str) -> str:
    return f"<p:sld {A} xmlns:p='urn:p'><p:cSld><p:spTree>{body}</p:spTree></p:cSld></p:sld>"


# --- plain text ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "filename",
    [
        *("notes.txt", "README.md", "data.json", "table.csv", "main.py", "app.js", "app.ts"),
        *("Main.java", "lib.c", "lib.cpp", "Prog.cs", "main.go", "tool.rb", "index.php"),
        *("run.sh", "site.css", "paper.tex", "UPPER.TXT", "docs/v1.2/notes.md"),
    ],
)
def test_text_types_are_read_as_they_are(filename: str) -> None:
    text = 'line one\n  "quoted", 2 € \n\tend'
    assert extract_text(filename, text.encode()) == text


def test_utf8_bom_is_dropped() -> None:
    assert extract_text("a.txt", b"\xef\xbb\xbfcaf\xc3\xa9") == "café"


def test_utf16_with_bom_is_read() -> None:
    assert extract_text("a.md", "Grüße, 世界".encode("utf-16")) == "Grüße, 世界"


def test_non_utf8_text_falls_back_to_windows_1252() -> None:
    assert extract_text("a.txt", "café “quoted”".encode("cp1252")) == "café “quoted”"


def test_empty_file_has_no_text() -> None:
    assert extract_text("empty.txt", b"") == ""


@pytest.mark.parametrize("data", [b"\x00\x01\x02binary\x00", bytes(range(256)) * 4])
def test_binary_data_in_a_text_file_is_invalid(data: bytes) -> None:
    with pytest.raises(UnsupportedFile) as caught:
        extract_text("dump.txt", data)
    assert caught.value.code == "invalid_file"
    assert "dump.txt" in caught.value.message


# --- HTML --------------------------------------------------------------------------------


def test_html_keeps_visible_text_only() -> None:
    page = b"""<!doctype html><html><head><title>Guide</title>
        <style>p { color: red }</style><script>var secret = "hidden";</script></head>
        <body><h1>Opening hours</h1><p>Mon&mdash;Fri <b>9</b>&nbsp;to 5 &amp; Sat</p>
        <noscript>enable js</noscript><ul><li>one</li><li>two</li></ul></body></html>"""
    assert (
        extract_text("page.html", page)
        == "Guide\nOpening hours\nMon\u2014Fri 9 to 5 & Sat\none\ntwo"
    )


def test_htm_is_html_and_inline_tags_do_not_split_words() -> None:
    assert extract_text("a.htm", b"<p>un<i>believ</i>able</p>") == "unbelievable"


# --- PDF ---------------------------------------------------------------------------------


def test_pdf_text_of_every_page() -> None:
    data = make_pdf(["Quarterly report (draft)", "Revenue rose 12% in Oslo."])
    assert (
        extract_text("report.PDF", data) == "Quarterly report (draft)\n\nRevenue rose 12% in Oslo."
    )


def test_pdf_without_text_has_none() -> None:
    assert extract_text("scan.pdf", make_pdf([""])) == ""


@pytest.mark.parametrize("data", [b"%PDF-1.4\nnot really", b"hello", b""])
def test_broken_pdf_is_invalid(data: bytes) -> None:
    with pytest.raises(UnsupportedFile) as caught:
        extract_text("broken.pdf", data)
    assert caught.value.code == "invalid_file"
    assert caught.value.message.startswith("File 'broken.pdf' is not a valid PDF: ")


def encrypted(data: bytes, user_password: str) -> bytes:
    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(data)))
    writer.encrypt(user_password, owner_password="owner", algorithm="RC4-128")
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def test_password_protected_pdf_is_invalid() -> None:
    data = encrypted(make_pdf(["secret plans"]), user_password="pw")
    with pytest.raises(UnsupportedFile, match="encrypted with a password") as caught:
        extract_text("locked.pdf", data)
    assert caught.value.code == "invalid_file"


def test_pdf_encrypted_without_a_user_password_is_read() -> None:
    data = encrypted(make_pdf(["open plans"]), user_password="")
    assert extract_text("restricted.pdf", data) == "open plans"


def test_truncated_pdf_is_invalid() -> None:
    data = make_pdf(["some text"])
    with pytest.raises(UnsupportedFile, match="not a valid PDF") as caught:
        extract_text("cut.pdf", data[: len(data) // 2])
    assert caught.value.code == "invalid_file"


# --- docx and pptx -----------------------------------------------------------------------


def test_docx_paragraphs_tabs_breaks_and_tables() -> None:
    body = (
        "<w:p><w:pPr><w:tabs><w:tab w:val='left' w:pos='720'/></w:tabs></w:pPr>"
        "<w:r><w:t>Leave policy</w:t></w:r></w:p>"
        "<w:p><w:r><w:t xml:space='preserve'>Days: </w:t></w:r><w:r><w:tab/><w:t>25</w:t>"
        "<w:br/><w:t>per year</w:t></w:r></w:p>"
        "<w:p/>"
        "<w:tbl><w:tr><w:tc><w:p><w:r><w:t>cell</w:t></w:r></w:p></w:tc></w:tr></w:tbl>"
        "<w:p><w:r><w:delText>deleted</w:delText><w:instrText>PAGE</w:instrText></w:r></w:p>"
    )
    assert (
        extract_text("policy.docx", make_docx(body)) == "Leave policy\nDays: \t25\nper year\ncell"
    )


def test_docx_text_box_inside_a_paragraph_is_not_repeated() -> None:
    box = "<w:txbxContent><w:p><w:r><w:t>boxed</w:t></w:r></w:p></w:txbxContent>"
    body = f"<w:p><w:r><w:t>before</w:t></w:r><w:r>{box}</w:r><w:r><w:t>after</w:t></w:r></w:p>"
    assert extract_text("box.docx", make_docx(body)) == "beforeboxed\nafter"


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        (b"PK\x03\x04 not a zip", "not a zip archive"),
        (make_zip({"other.xml": "<x/>"}), "no word/document.xml"),
        (make_zip({"word/document.xml": "<w:document"}), "XML does not parse"),
    ],
)
def test_broken_docx_is_invalid(data: bytes, reason: str) -> None:
    with pytest.raises(UnsupportedFile, match=reason) as caught:
        extract_text("letter.docx", data)
    assert caught.value.code == "invalid_file"
    assert "'letter.docx' is not a valid Word document" in caught.value.message


def test_pptx_slides_in_number_order() -> None:
    def shape(*paragraphs: str) -> str:
        runs = "".join(f"<a:p><a:r><a:t>{text}</a:t></a:r></a:p>" for text in paragraphs)
        return f"<p:sp><p:txBody>{runs}</p:txBody></p:sp>"

    data = make_zip(
        {
            "ppt/slides/slide10.xml": slide(shape("Ten")),
            "ppt/slides/slide2.xml": slide(shape("Two", "second line")),
            "ppt/slides/_rels/slide2.xml.rels": "<Relationships/>",
            "ppt/slideLayouts/slideLayout1.xml": slide(shape("layout, not a slide")),
        }
    )
    assert extract_text("deck.pptx", data) == "Two\nsecond line\n\nTen"


# --- unsupported -------------------------------------------------------------------------

PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00"


@pytest.mark.parametrize(
    ("filename", "data"),
    [
        ("photo.png", PNG),
        ("photo.jpg", b"\xff\xd8\xff\xe0"),
        ("bundle.zip", make_zip({"a.txt": "hi"})),
        ("archive.tar.gz", b"\x1f\x8b\x08"),
        ("notes.xyz", b"plain words"),
        ("Makefile", b"all:\n\techo hi"),
        ("build.v2/Makefile", b"all:"),
        ("C:\\docs.old\\LICENSE", b"MIT"),
        ("old.doc", b"\xd0\xcf\x11\xe0"),
    ],
)
def test_other_types_are_unsupported(filename: str, data: bytes) -> None:
    with pytest.raises(UnsupportedFile) as caught:
        extract_text(filename, data)
    assert caught.value.code == "unsupported_file"
    assert repr(filename) in caught.value.message
    assert str(caught.value) == caught.value.message


def test_unsupported_messages_say_why() -> None:
    def message(filename: str) -> str:
        with pytest.raises(UnsupportedFile) as caught:
            extract_text(filename, b"x")
        return caught.value.message

    assert message("a.png") == "File 'a.png' is of type .png, which file_search does not support."
    assert "has no extension" in message("LICENSE")
    assert "save it as .docx" in message("old.doc")


# --- chunking ----------------------------------------------------------------------------


def test_chunks_are_windows_of_tokens_with_overlap() -> None:
    assert chunk("a b c d e f g", max_tokens=3, overlap=1) == ["a b c", "c d e", "e f g"]
    assert chunk("a b c d e f", max_tokens=3, overlap=1) == ["a b c", "c d e", "e f"]


def test_chunks_keep_whitespace_and_punctuation_exactly() -> None:
    text = "  Hello,\n\tworld!  It's   me.  "
    # tokens: Hello , world ! It ' s me .
    assert chunk(text, max_tokens=4, overlap=2) == [
        "Hello,\n\tworld!",
        "world!  It'",
        "It's   me",
        "s   me.",
    ]


def test_a_short_text_is_one_chunk_and_no_text_is_none() -> None:
    assert chunk("only a few words here.") == ["only a few words here."]
    assert chunk("") == []
    assert chunk(" \n\t ") == []


def test_default_is_800_tokens_with_400_overlap() -> None:
    text = " ".join(f"w{i}" for i in range(2000))
    chunks = chunk(text)
    assert [count_tokens(piece) for piece in chunks] == [800, 800, 800, 800]
    assert [piece.split()[0] for piece in chunks] == ["w0", "w400", "w800", "w1200"]
    assert chunks[-1].endswith("w1999")


@pytest.mark.parametrize(("max_tokens", "overlap"), [(0, 0), (10, 10), (10, 11), (10, -1)])
def test_bad_window_sizes_are_refused(max_tokens: int, overlap: int) -> None:
    with pytest.raises(ValueError, match="max_tokens"):
        chunk("some text", max_tokens, overlap)


# Tokens that are all different, so each chunk's place in the text is unambiguous: letters
# numbered by position, and one distinct symbol per position (U+2200 on, all non-word).
words = st.text(alphabet="abcxyzé", min_size=1, max_size=6)
spaces = st.text(alphabet=" \t\n\r\u00a0\u3000", min_size=1, max_size=3)
token_kinds = st.lists(st.tuples(st.booleans(), words, spaces), max_size=60)


@given(
    token_kinds,
    spaces,
    st.integers(min_value=1, max_value=12),
    st.integers(min_value=0, max_value=11),
)
def test_chunks_cover_the_text_in_windows(
    kinds: list[tuple[bool, str, str]], lead: str, max_tokens: int, overlap_wish: int
) -> None:
    overlap = overlap_wish % max_tokens
    tokens = [
        f"{word}{i}" if is_word else chr(0x2200 + i) for i, (is_word, word, _) in enumerate(kinds)
    ]
    starts, ends, text = [], [], lead
    for token, (_, _, gap) in zip(tokens, kinds, strict=True):
        starts.append(len(text))
        text += token
        ends.append(len(text))
        text += gap

    chunks = chunk(text, max_tokens, overlap)

    if not tokens:
        assert chunks == []
        return
    windows = []  # (first token, last token) of each chunk
    for piece in chunks:
        start = text.index(piece)
        windows.append((starts.index(start), ends.index(start + len(piece))))
        assert count_tokens(piece) == windows[-1][1] - windows[-1][0] + 1
    assert windows[0][0] == 0
    assert windows[-1][1] == len(tokens) - 1
    for (first, last), (next_first, _) in itertools.pairwise(windows):
        assert last - first + 1 == max_tokens  # only the last chunk may be shorter
        assert last - next_first + 1 == overlap
    assert windows[-1][1] - windows[-1][0] + 1 <= max_tokens
