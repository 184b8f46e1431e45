"""Hostile files and listings (issue 14, item 6): a file its reader chokes on fails alone,
a decompression bomb fails `invalid_file` at the fake's bounds instead of costing minutes
and gigabytes, files are read outside the service lock, malformed HTML reads in one pass,
file listings page on with any id they showed, and the poll helpers do not sleep.

Every hostile file is built here, small; what bounds each test's time is the fake's own
limits (docs/fidelity.md), not a timed assertion.
"""

from __future__ import annotations

import io
import threading
import zipfile
import zlib
from typing import Any

import openai
import pytest
from helpers import ENDPOINT, client
from hypothesis import given, settings
from hypothesis import strategies as st

import fake_assistants
from fake_assistants import FakeAssistants
from fake_assistants._chunks import extract_text
from fake_assistants._store import OrderedStore

API_VERSION = "2025-04-01-preview"
MIB = 1024 * 1024
GOOD = b"The capital of Norway is Oslo. Oslo lies at the head of the Oslofjord."
DRAWING = "http://schemas.openxmlformats.org/drawingml/2006/main"
WORD = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"


@pytest.fixture
def sdk() -> openai.AzureOpenAI:
    return client(api_version=API_VERSION)


def upload(sdk: openai.AzureOpenAI, name: str, data: bytes) -> str:
    return sdk.files.create(file=(name, data), purpose="assistants").id


def ingested(sdk: openai.AzureOpenAI, name: str, data: bytes) -> Any:
    """The vector store file of `data` once ingested (through `upload_and_poll`)."""
    store = sdk.vector_stores.create()
    return sdk.vector_stores.files.upload_and_poll(vector_store_id=store.id, file=(name, data))


def assert_too_large(record: Any, name: str) -> None:
    assert record.status == "failed"
    assert record.last_error.code == "invalid_file"
    assert record.last_error.message.startswith(f"File '{name}' is too large to index: ")


# --- hostile files built here --------------------------------------------------------------


def zipped(members: dict[str, bytes]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return out.getvalue()


def slide(text: str, padding: int = 0) -> bytes:
    return (
        f'<p:sld xmlns:a="{DRAWING}" xmlns:p="p"><a:p><a:r><a:t>{text}</a:t></a:r></a:p>'
        + " " * padding
        + "</p:sld>"
    ).encode()


def document(text: str) -> bytes:
    body = f"<w:p><w:r><w:t>{text}</w:t></w:r></w:p>"
    return f'<w:document xmlns:w="{WORD}">{body}</w:document>'.encode()


def unknown_method(data: bytes) -> bytes:
    """A one-entry zip whose entry claims compression method 99, which no reader has."""
    local, central = data.index(b"PK\x03\x04"), data.index(b"PK\x01\x02")
    patched = bytearray(data)
    patched[local + 8 : local + 10] = (99).to_bytes(2, "little")
    patched[central + 10 : central + 12] = (99).to_bytes(2, "little")
    return bytes(patched)


def garbled_deflate(name: str, data: bytes) -> bytes:
    """A zip whose entry's deflated bytes are noise: zlib fails reading it."""
    archive = zipped({name: data})
    info = zipfile.ZipFile(io.BytesIO(archive)).getinfo(name)
    start = info.header_offset + 30 + len(name)
    patched = bytearray(archive)
    patched[start : start + info.compress_size] = b"\xff" * info.compress_size
    return bytes(patched)


def pdf(pages: int, content: bytes, *, form: bool = False) -> bytes:
    """A PDF whose pages all draw with one (deflated) content stream, or (`form`) with one
    form XObject that holds the drawing."""
    first_page = 5 if form else 4
    kids = " ".join(f"{first_page + i} 0 R" for i in range(pages))
    stream = zlib.compress(content, 9)
    font = b"<< /Font << /F1 << /Type /Font /Subtype /Type1 /BaseFont /Helvetica >> >> >>"
    heavy = b"<< /Length %d /Filter /FlateDecode" % len(stream)
    if form:
        heavy += b" /Type /XObject /Subtype /Form /BBox [0 0 612 792] /Resources " + font
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        f"<< /Type /Pages /Kids [{kids}] /Count {pages} >>".encode(),
        heavy + b" >>\nstream\n" + stream + b"\nendstream",
    ]
    resources = font
    if form:
        objects.append(b"<< /Length 10 >>\nstream\nq /X1 Do Q\nendstream")
        resources = font[:-2] + b" /XObject << /X1 3 0 R >> >>"
    page = b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Resources " + resources
    objects += [page + b" /Contents %d 0 R >>" % (4 if form else 3)] * pages
    out = io.BytesIO()
    out.write(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, 1):
        offsets.append(out.tell())
        out.write(b"%d 0 obj\n" % number + body + b"\nendobj\n")
    xref = out.tell()
    out.write(b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1))
    out.write(b"".join(b"%010d 00000 n \n" % offset for offset in offsets))
    trailer = b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n"
    out.write(trailer % (len(objects) + 1, xref))
    return out.getvalue()


def drawing(operators: int) -> bytes:
    return b"BT /F1 12 Tf 72 700 Td " + b"(ab) Tj " * operators + b"ET"


# --- a file its reader chokes on fails alone ---------------------------------------------


def test_files_their_readers_choke_on_fail_alone(
    fake: FakeAssistants, sdk: openai.AzureOpenAI
) -> None:
    ids = {
        "broken.docx": upload(
            sdk, "broken.docx", unknown_method(zipped({"word/document.xml": document("x")}))
        ),
        "broken.pptx": upload(
            sdk, "broken.pptx", garbled_deflate("ppt/slides/slide1.xml", slide("x" * 500))
        ),
        "odd.html": upload(sdk, "odd.html", b"<p>before</p><![ x ]><p>after the odd markup</p>"),
        "good.txt": upload(sdk, "good.txt", GOOD),
    }
    store = sdk.vector_stores.create(file_ids=list(ids.values()))
    shown = sdk.vector_stores.retrieve(store.id)
    assert (shown.file_counts.completed, shown.file_counts.failed) == (2, 2)
    assert [s.id for s in sdk.vector_stores.list().data] == [store.id]
    listed = {f.id: f for f in sdk.vector_stores.files.list(vector_store_id=store.id)}
    for name, kind in (
        ("broken.docx", "Word document"),
        ("broken.pptx", "PowerPoint presentation"),
    ):
        error = listed[ids[name]].last_error
        assert listed[ids[name]].status == "failed" and error is not None
        assert error.code == "invalid_file"
        assert error.message.startswith(f"File '{name}' is not a valid {kind}: ")
    assert listed[ids["odd.html"]].status == "completed"

    assistant = sdk.beta.assistants.create(
        model="gpt-4o",
        tools=[{"type": "file_search"}],
        tool_resources={"file_search": {"vector_store_ids": [store.id]}},
    )
    thread = sdk.beta.threads.create(messages=[{"role": "user", "content": "Capital of Norway?"}])
    run = sdk.beta.threads.runs.create_and_poll(thread_id=thread.id, assistant_id=assistant.id)
    assert run.status == "completed"
    sdk.beta.threads.messages.create(thread.id, role="user", content="And the fjord?")


# --- bounds: what a file may expand to ---------------------------------------------------


def test_a_pptx_whose_slides_unpack_past_the_bound_fails(
    fake: FakeAssistants, sdk: openai.AzureOpenAI
) -> None:
    # 17 slides of 4 MiB (mostly spaces, deflated to a few KiB each): past the 32 MiB
    # that the parts of one docx/pptx may unpack to.
    padded = slide("hello", 4 * MIB)
    bomb = zipped({f"ppt/slides/slide{n}.xml": padded for n in range(1, 18)})
    assert len(bomb) < 256 * 1024
    assert_too_large(ingested(sdk, "bomb.pptx", bomb), "bomb.pptx")


def test_a_docx_with_too_many_zip_entries_fails(
    fake: FakeAssistants, sdk: openai.AzureOpenAI
) -> None:
    members = {"word/document.xml": document("hello")}
    members.update({f"customXml/item{n}.xml": b"" for n in range(10_000)})
    assert_too_large(ingested(sdk, "many.docx", zipped(members)), "many.docx")


def test_a_pdf_whose_pages_share_one_heavy_stream_fails(
    fake: FakeAssistants, sdk: openai.AzureOpenAI
) -> None:
    # 8 pages drawing one stream of 600 KB of operators: 4.8 MB to parse, past 2 MiB.
    bomb = pdf(8, drawing(75_000))
    assert len(bomb) < 16 * 1024
    assert_too_large(ingested(sdk, "shared.pdf", bomb), "shared.pdf")


def test_a_pdf_whose_pages_share_one_heavy_form_fails(
    fake: FakeAssistants, sdk: openai.AzureOpenAI
) -> None:
    bomb = pdf(8, drawing(75_000), form=True)
    assert_too_large(ingested(sdk, "form.pdf", bomb), "form.pdf")


def test_a_pdf_with_too_many_pages_fails(fake: FakeAssistants, sdk: openai.AzureOpenAI) -> None:
    assert_too_large(ingested(sdk, "long.pdf", pdf(2_001, drawing(1))), "long.pdf")


def test_a_pdf_within_the_bounds_is_read(fake: FakeAssistants, sdk: openai.AzureOpenAI) -> None:
    for name, data in (
        ("fine.pdf", pdf(3, drawing(3))),
        ("form.pdf", pdf(3, drawing(3), form=True)),
    ):
        record = ingested(sdk, name, data)
        assert record.status == "completed" and record.last_error is None
    assert extract_text("form.pdf", pdf(2, drawing(2), form=True)) == "abab\n\nabab"


def test_text_past_the_bound_fails(fake: FakeAssistants, sdk: openai.AzureOpenAI) -> None:
    text = b"abcdefghijklmno " * (MIB // 8 + 1)  # 2 MiB + 16 characters
    assert_too_large(ingested(sdk, "huge.txt", text), "huge.txt")


# --- reading happens outside the service lock --------------------------------------------


def test_reading_a_file_does_not_hold_the_service_lock(
    fake: FakeAssistants, sdk: openai.AzureOpenAI, monkeypatch: pytest.MonkeyPatch
) -> None:
    from fake_assistants import _chunks

    reading, released = threading.Event(), threading.Event()
    html_text = _chunks._html_text

    def slow(filename: str, data: bytes) -> str:
        reading.set()
        released.wait(60)  # a slow reader: until the other request was served (or not)
        return html_text(filename, data)

    monkeypatch.setattr(_chunks, "_html_text", slow)
    store = sdk.vector_stores.create()

    def add() -> None:
        file_id = upload(sdk, "slow.html", b"<p>" + GOOD + b"</p>")
        sdk.vector_stores.files.create_and_poll(vector_store_id=store.id, file_id=file_id)

    adding = threading.Thread(target=add)
    adding.start()
    try:
        assert reading.wait(10), "the file was not read on upload"
        listing = threading.Thread(target=lambda: sdk.vector_stores.list())
        listing.start()
        listing.join(5)
        assert not listing.is_alive(), "a request waited for a file being read"
    finally:
        released.set()
        adding.join(10)
    (record,) = sdk.vector_stores.files.list(vector_store_id=store.id).data
    assert record.status == "completed"


def found_passages(sdk: openai.AzureOpenAI, file_id: str, question: str) -> list[str]:
    """The passages a file_search run over a new store of this file finds."""
    store = sdk.vector_stores.create(file_ids=[file_id])
    assistant = sdk.beta.assistants.create(
        model="gpt-4o",
        tools=[{"type": "file_search"}],
        tool_resources={"file_search": {"vector_store_ids": [store.id]}},
    )
    thread = sdk.beta.threads.create(messages=[{"role": "user", "content": question}])
    run = sdk.beta.threads.runs.create_and_poll(thread_id=thread.id, assistant_id=assistant.id)
    include = ["step_details.tool_calls[*].file_search.results[*].content"]
    steps = sdk.beta.threads.runs.steps.list(
        run.id,
        thread_id=thread.id,
        order="asc",
        include=include,  # type: ignore[list-item]
    ).data
    results = steps[0].step_details.tool_calls[0].file_search.results  # type: ignore[union-attr]
    return [part.text for result in results for part in result.content]


def test_a_file_read_again_under_the_lock_reads_the_same(
    fake: FakeAssistants, sdk: openai.AzureOpenAI, monkeypatch: pytest.MonkeyPatch
) -> None:
    from fake_assistants._apis.vector_stores import ingest

    data = zipped({"word/document.xml": document(GOOD.decode())})
    file_id = upload(sdk, "capital.docx", data)  # read now, before the lock
    first = found_passages(sdk, file_id, "Capital of Norway?")
    saved = fake.snapshot()
    monkeypatch.setattr(ingest, "_TEXTS", ingest._Texts())  # nothing read is remembered
    fake.restore(saved)
    again = found_passages(sdk, file_id, "Capital of Norway?")  # read under the lock
    assert first == again == [GOOD.decode()]


# --- malformed HTML is read in one pass, as a browser shows it ---------------------------


def test_malformed_html_reads_as_a_browser_shows_it() -> None:
    assert extract_text("a.html", b"<p>before</p><![ x ]><p>after</p>") == "before\nafter"
    # A tag left open at the end hides the rest (the standard library's parser rescanned
    # it once per `<`: quadratic, 117 KiB took 11.6 s).
    assert extract_text("b.html", b"<p>kept</p>" + b"<a " * 3_000) == "kept"
    assert extract_text("c.html", b"<p>kept</p><!-- open" + b"<b>" * 1_000) == "kept"
    assert extract_text("d.html", b'<a title="x>y">link</a> &amp; <script>a<b</script>z') == (
        "link & z"
    )


# --- listings page on with any id they showed ---------------------------------------------


def test_list_and_delete_each_sees_every_file(
    fake: FakeAssistants, sdk: openai.AzureOpenAI
) -> None:
    file_ids = [upload(sdk, f"f{n}.txt", GOOD) for n in range(5)]
    store = sdk.vector_stores.create(file_ids=file_ids)
    batch = sdk.vector_stores.file_batches.create_and_poll(
        vector_store_id=store.id, file_ids=file_ids[:3]
    )
    seen = []
    for record in sdk.vector_stores.file_batches.list_files(
        batch_id=batch.id, vector_store_id=store.id, limit=1
    ):
        seen.append(record.id)
        sdk.vector_stores.files.delete(record.id, vector_store_id=store.id)
    assert sorted(seen) == sorted(file_ids[:3])
    for record in sdk.vector_stores.files.list(vector_store_id=store.id, limit=1):
        seen.append(record.id)
        sdk.vector_stores.files.delete(record.id, vector_store_id=store.id)
    assert sorted(seen) == sorted(file_ids)
    assert sdk.vector_stores.retrieve(store.id).file_counts.total == 0


def test_a_filtered_listing_pages_on_while_files_are_ingested(sdk: openai.AzureOpenAI) -> None:
    with fake_assistants.mock(endpoint=ENDPOINT, ingestion_polls=1):
        store = sdk.vector_stores.create(
            file_ids=[upload(sdk, f"f{n}.txt", GOOD) for n in range(3)]
        )
        pages = sdk.vector_stores.files.list(
            vector_store_id=store.id, filter="in_progress", limit=1
        )
        first = pages.data[0].id
        assert pages.has_more
        # The listing observed every file: now they are ingested, none in progress.
        following = sdk.vector_stores.files.list(
            vector_store_id=store.id, filter="in_progress", limit=1, after=first
        )
        assert following.data == [] and not following.has_more
        assert [p.id for p in pages] == [first]


@settings(max_examples=150, deadline=None)
@given(
    steps=st.lists(st.tuples(st.sampled_from(["add", "remove"]), st.integers(0, 9)), max_size=30),
    kept=st.sets(st.integers(0, 9)),
    limit=st.integers(1, 4),
    descending=st.booleans(),
)
def test_a_subset_pages_from_any_id_its_store_knew(
    steps: list[tuple[str, int]], kept: set[int], limit: int, descending: bool
) -> None:
    store: OrderedStore[str] = OrderedStore()
    made: list[str] = []  # every id ever added, in order
    for action, n in steps:
        name = f"id{n}"
        if action == "add" and not store.knows(name):
            store.add(name, 0, name)
            made.append(name)
        elif action == "remove" and name in store:
            store.remove(name)
    shown = {name: name.upper() for name in made if name in store and int(name[2:]) in kept}
    subset = store.subset(shown)
    order = made[::-1] if descending else made
    for cursor in made:
        page = subset.page(limit, descending, after=cursor)
        rest = [shown[n] for n in order[order.index(cursor) + 1 :] if n in shown]
        assert page.items == rest[:limit]
        assert page.has_more == (len(rest) > limit)


# --- refusals change nothing; the poll helpers do not sleep -------------------------------


def test_a_refused_listing_moves_no_ingestion_on(sdk: openai.AzureOpenAI) -> None:
    with fake_assistants.mock(endpoint=ENDPOINT, ingestion_polls=1):
        store = sdk.vector_stores.create(file_ids=[upload(sdk, "a.txt", GOOD)])
        for refused in ({"limit": 0}, {"order": "sideways"}, {"after": "assistant-never"}):
            with pytest.raises(openai.APIStatusError):
                sdk.vector_stores.files.list(vector_store_id=store.id, **refused)  # type: ignore[arg-type]
        (record,) = sdk.vector_stores.files.list(vector_store_id=store.id).data
        assert record.status == "in_progress"  # its first observation


def test_listing_files_by_purpose_makes_nothing(
    fake: FakeAssistants, sdk: openai.AzureOpenAI
) -> None:
    def stores() -> list[Any]:
        return [resource["stores"] for resource in fake.snapshot()["state"]["resources"]]

    sdk.files.list()
    before = stores()
    for purpose in ("assistants", "batch", "nonsense", "x" * 100):
        assert sdk.files.list(purpose=purpose).data == []
    assert stores() == before


@pytest.mark.parametrize("helper", ["upload_and_poll", "create_and_poll", "batch"])
def test_the_poll_helpers_do_not_sleep_while_files_are_ingested(
    sdk: openai.AzureOpenAI, no_sleep: list[float], helper: str
) -> None:
    with fake_assistants.mock(endpoint=ENDPOINT, ingestion_polls=3):
        store = sdk.vector_stores.create()
        if helper == "upload_and_poll":
            done: Any = sdk.vector_stores.files.upload_and_poll(
                vector_store_id=store.id, file=("a.txt", GOOD)
            )
        elif helper == "create_and_poll":
            done = sdk.vector_stores.files.create_and_poll(
                vector_store_id=store.id, file_id=upload(sdk, "a.txt", GOOD)
            )
        else:
            done = sdk.vector_stores.file_batches.upload_and_poll(
                vector_store_id=store.id, files=[("a.txt", GOOD), ("b.txt", GOOD)]
            )
    assert getattr(done, "status", None) == "completed"
    assert len(no_sleep) == 3 and all(seconds <= 0.001 for seconds in no_sleep)


# --- the journal is bounded in bytes ------------------------------------------------------


def test_the_journal_keeps_bodies_within_its_byte_budget(
    fake: FakeAssistants, sdk: openai.AzureOpenAI
) -> None:
    data = b"x" * (4 * MIB)
    for n in range(20):  # 80 MiB of uploads, each deleted at once
        sdk.files.delete(upload(sdk, f"{n}.txt", data))
    kept = sum(len(c.request.body) + len(c.response.body) for c in fake.calls)
    assert kept <= 64 * MIB
    assert fake.call_count == 40 and fake.calls.last.method == "DELETE"
    assert sdk.files.list().data == []
