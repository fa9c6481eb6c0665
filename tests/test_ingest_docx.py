"""Word documents: real footnotes and endnotes, hyperlinks as truth, integrity, and bad files refused.

The fixtures in fixtures/docx/ are built by fixtures/docx/make_fixtures.py (checked below to be
what the committed files hold); small documents for single behaviours are built here in memory.
"""

from __future__ import annotations

import importlib.util
import io
import struct
import zipfile
from pathlib import Path

import pytest
from cli_run import run_citecheck

from citecheck.errors import InputError
from citecheck.extract import extract
from citecheck.ingest import docx, read_document
from citecheck.models import Confirmation, Document, Extraction, ProblemKind

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "fixtures" / "docx"
LETTER_TXT = ROOT / "fixtures" / "letter.txt"

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
R = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
MC = "http://schemas.openxmlformats.org/markup-compatibility/2006"
RELS = "http://schemas.openxmlformats.org/package/2006/relationships"
HYPERLINK_TYPE = f"{R}/hyperlink"
SUPERSCRIPT = str.maketrans("0123456789", "⁰¹²³⁴⁵⁶⁷⁸⁹")


def read(name: str) -> Document:
    return read_document(str(FIXTURES / name))


@pytest.fixture(scope="module")
def letter_text() -> Extraction:
    return extract(read_document(str(LETTER_TXT)))


@pytest.fixture(scope="module")
def letter_doc() -> Document:
    return read("letter.docx")


@pytest.fixture(scope="module")
def letter(letter_doc: Document) -> Extraction:
    return extract(letter_doc)


# --- the letter -----------------------------------------------------------------------------------


def test_letter_has_its_33_footnotes_numbered_as_word_shows_them(
    letter_doc: Document, letter: Extraction
) -> None:
    # The file's w:ids are 100 + 17n mod 33 and listed in id order: only the order of reference
    # in the body gives 1..33.
    assert [fn.number for fn in letter.footnotes] == list(range(1, 34))
    assert letter_doc.notes is not None
    assert [m.number for m in letter_doc.notes.markers] == list(range(1, 34))
    assert letter.problems == ()
    assert letter.unnumbered_links == ()


def test_letter_footnotes_say_what_the_text_version_says(letter_text: Extraction, letter: Extraction) -> None:
    for text_fn, docx_fn in zip(letter_text.footnotes, letter.footnotes, strict=True):
        assert docx_fn.text == text_fn.text, docx_fn.number
        assert docx_fn.accessed == text_fn.accessed, docx_fn.number
    assert letter.date == letter_text.date


def test_letter_urls_per_footnote_are_those_of_the_text_version(
    letter_text: Extraction, letter: Extraction
) -> None:
    text_urls = {fn.number: [lk.url for lk in fn.links] for fn in letter_text.footnotes}
    docx_urls = {fn.number: [lk.url for lk in fn.links] for fn in letter.footnotes}
    assert docx_urls == text_urls
    assert sum(len(urls) for urls in docx_urls.values()) == 37


def test_letter_hyperlinks_confirm_the_repairs_of_damaged_urls(
    letter_text: Extraction, letter: Extraction
) -> None:
    repaired = 0
    for text_fn, docx_fn in zip(letter_text.footnotes, letter.footnotes, strict=True):
        for text_link, docx_link in zip(text_fn.links, docx_fn.links, strict=True):
            assert docx_link.written == text_link.written
            if text_link.repair is None:
                assert docx_link.repair is None, docx_link.written
                continue
            repaired += 1
            # the hyperlink's target is the true URL, its visible text the damaged written form
            assert docx_link.url == text_link.url
            assert docx_link.repair is not None
            assert docx_link.repair.confirmed_by is Confirmation.DOCUMENT, docx_link.written
    assert repaired == 9
    (aragua, _) = letter.footnotes[1].links
    assert aragua.written.endswith("tren-aragua64e72142a171ea57c869c3b35eeecce7")
    assert aragua.url.endswith("tren-aragua-64e72142a171ea57c869c3b35eeecce7")


def test_letter_links_come_as_hyperlinks_field_codes_and_plain_text(letter_doc: Document) -> None:
    with zipfile.ZipFile(FIXTURES / "letter.docx") as zf:
        footnotes = zf.read("word/footnotes.xml").decode()
        rels = zf.read("word/_rels/footnotes.xml.rels").decode()
    assert footnotes.count("<w:hyperlink ") == rels.count('TargetMode="External"') > 5
    assert footnotes.count('w:fldCharType="begin"') > 5
    assert footnotes.count("<w:fldSimple ") >= 3
    stated = len(letter_doc.known_links)
    assert 20 < stated < 37  # the others are plain text, found by extraction
    assert {k.target for k in letter_doc.known_links} <= {
        lk.url for fn in extract(letter_doc).footnotes for lk in fn.links
    }


def test_letter_line_numbers_are_lines_of_the_text(letter_doc: Document) -> None:
    lines = letter_doc.text.split("\n")
    notes = letter_doc.notes
    assert notes is not None
    for number, text in notes.body:
        assert lines[number - 1] == text
    assert lines[notes.body[0][0] - 1] == "April 29, 2025"
    assert "CECOT.¹" in letter_doc.text
    for draft in notes.notes:
        ((line, text),) = draft.pieces
        assert line == draft.line
        assert lines[line - 1] == f"{str(draft.number).translate(SUPERSCRIPT)} {text}"
    note_lines = {draft.line for draft in notes.notes}
    assert all(k.line in note_lines for k in letter_doc.known_links)
    assert all(m.line in {n for n, _ in notes.body} for m in notes.markers)
    assert lines[notes.notes[0].line - 2] == "Footnotes"


# --- footnotes and endnotes -----------------------------------------------------------------------

NOTES_TEXT = """\
Deportation flights resumed in March 2025.¹ The court disagreed.⁴
See the full report and the ministry statement.²,³ Inserted text.
A table cell.
Background is in the annex.⁵

Footnotes
¹ Reuters, Flights resume (Mar. 16, 2025), https://www.reuters.com/world/flights-resume-2025-03-16/
² Ministry statement, the ministry's site; also at https://mirror.example.org/statement.
³ Court order (Apr. 2, 2025), https://court.example.gov/orders/2025-04-02.pdf
Archived: archive copy.

Endnotes
⁴ Endnote source: https://www.theguardian.com/world/endnote-source
⁵ Plain URL in an endnote, https://www.npr.org/2025/03/17/endnote-plain-url and a wrapped one, \
https://news.example/world/trump-bukele-deportedmigrants-story (Mar. 18, 2025).
"""


def test_footnotes_then_endnotes_rendered_one_paragraph_a_line() -> None:
    doc = read("notes.docx")
    assert doc.text == NOTES_TEXT  # no deleted text, no field instruction, the table cell kept
    assert doc.notes is not None
    assert [(d.number, d.line) for d in doc.notes.notes] == [(1, 7), (2, 8), (3, 9), (4, 13), (5, 14)]
    assert [p[0] for p in doc.notes.notes[2].pieces] == [9, 10]  # two paragraphs, two lines
    # footnote markers first, then endnote markers, each in body order
    assert [(m.number, m.line) for m in doc.notes.markers] == [(1, 1), (2, 2), (3, 2), (4, 1), (5, 4)]


def test_footnotes_and_endnotes_with_their_links() -> None:
    result = extract(read("notes.docx"))
    assert result.problems == ()
    links = {fn.number: [(lk.written, lk.url) for lk in fn.links] for fn in result.footnotes}
    assert links == {
        # w:hyperlink rId1 of footnotes.xml.rels
        1: [("https://www.reuters.com/world/flights-resume-2025-03-16/",) * 2],
        # a plain URL, and a HYPERLINK field whose visible text is not a URL
        2: [
            ("https://mirror.example.org/statement",) * 2,
            ("https://gob.example.sv/statement?id=7&lang=en",) * 2,
        ],
        # w:fldSimple, and a hyperlink with w:anchor in the footnote's second paragraph
        3: [
            ("https://court.example.gov/orders/2025-04-02.pdf",) * 2,
            ("https://archive.example.org/court-order#page=2",) * 2,
        ],
        # rId1 again, of endnotes.xml.rels: another URL
        4: [("https://www.theguardian.com/world/endnote-source",) * 2],
        # plain URLs, one of them damaged: repaired as in plain text, a proposal only
        5: [
            ("https://www.npr.org/2025/03/17/endnote-plain-url",) * 2,
            (
                "https://news.example/world/trump-bukele-deportedmigrants-story",
                "https://news.example/world/trump-bukele-deported-migrants-story",
            ),
        ],
    }
    damaged = result.footnotes[4].links[1].repair
    assert damaged is not None and damaged.confirmed_by is None
    assert [lk.line for lk in result.footnotes[2].links] == [9, 10]
    assert [(lk.url, lk.line) for lk in result.unnumbered_links] == [("https://www.example.org/report", 2)]


def test_integrity_problems_of_a_word_document() -> None:
    doc = read("integrity.docx")
    result = extract(doc)
    assert [fn.number for fn in result.footnotes] == [1, 3]
    assert [(p.kind, p.number) for p in result.problems] == [
        (ProblemKind.MISSING_FOOTNOTE, 2),  # referenced, never defined
        (ProblemKind.UNREFERENCED_FOOTNOTE, 3),  # defined, never referenced: numbered after the rest
    ]
    assert [lk.url for fn in result.footnotes for lk in fn.links] == [
        "https://example.org/one",
        "https://example.org/two",
    ]


# --- small documents built here -------------------------------------------------------------------


def package(
    body: str,
    *,
    footnotes: str = "",
    body_links: dict[str, str] | None = None,
    note_links: dict[str, str] | None = None,
    w: str = W,
    r: str = R,
) -> bytes:
    """A minimal .docx: a body, optionally footnotes, and external hyperlink relationships."""

    def rels(links: dict[str, str], extra: str = "") -> str:
        items = "".join(
            f'<Relationship Id="{rid}" Type="{HYPERLINK_TYPE}" Target="{url}" TargetMode="External"/>'
            for rid, url in links.items()
        )
        return f'<Relationships xmlns="{RELS}">{extra}{items}</Relationships>'

    ns = f'xmlns:w="{w}" xmlns:r="{r}" xmlns:mc="{MC}"'
    members = {
        "[Content_Types].xml": "<Types/>",
        "_rels/.rels": rels(
            {}, f'<Relationship Id="rId1" Type="{R}/officeDocument" Target="word/document.xml"/>'
        ),
        "word/document.xml": f"<w:document {ns}><w:body>{body}</w:body></w:document>",
        "word/_rels/document.xml.rels": rels(body_links or {}),
    }
    if footnotes:
        members["word/footnotes.xml"] = f"<w:footnotes {ns}>{footnotes}</w:footnotes>"
        members["word/_rels/footnotes.xml.rels"] = rels(note_links or {})
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, text in members.items():
            zf.writestr(name, text)
    return buffer.getvalue()


def p(*content: str) -> str:
    return f"<w:p>{''.join(content)}</w:p>"


def t(text: str) -> str:
    return f'<w:r><w:t xml:space="preserve">{text}</w:t></w:r>'


def ref(note_id: int) -> str:
    return f'<w:r><w:footnoteReference w:id="{note_id}"/></w:r>'


def footnote(note_id: int, *paragraphs: str) -> str:
    return f'<w:footnote w:id="{note_id}">{"".join(paragraphs)}</w:footnote>'


def fld(instruction: str, visible: str) -> str:
    return (
        '<w:r><w:fldChar w:fldCharType="begin"/></w:r>'
        f'<w:r><w:instrText xml:space="preserve">{instruction}</w:instrText></w:r>'
        '<w:r><w:fldChar w:fldCharType="separate"/></w:r>'
        f"{t(visible)}"
        '<w:r><w:fldChar w:fldCharType="end"/></w:r>'
    )


def test_a_url_a_line_break_cut_is_joined_like_in_plain_text() -> None:
    note = footnote(1, p(t("See https://news.example/world/a-long-"), "<w:r><w:br/></w:r>", t("slug-here.")))
    doc = docx.read(package(p(t("Claim."), ref(1)), footnotes=note), "d.docx")
    assert doc.text.split("\n")[3:5] == ["¹ See https://news.example/world/a-long-", "slug-here."]
    (fn,) = extract(doc).footnotes
    assert [lk.url for lk in fn.links] == ["https://news.example/world/a-long-slug-here"]


def test_field_instructions_that_are_not_web_links() -> None:
    body = p(
        t("One "),
        fld(r'HYPERLINK \l "_Toc1"', "a bookmark"),
        t(" two "),
        fld(r"HYPERLINK https://unquoted.example/a \o &quot;tip&quot;", "unquoted"),
        t(" three "),
        fld(r'hyperlink "https://anchored.example/page" \l "part"', "anchored"),
        t(" four "),
        fld(r"PAGEREF _Toc1 \h", "7"),
    )
    doc = docx.read(package(body), "d.docx")
    assert doc.text == "One a bookmark two unquoted three anchored four 7\n"
    assert [k.target for k in doc.known_links] == [
        "https://unquoted.example/a",
        "https://anchored.example/page#part",
    ]


def test_internal_relationships_and_bookmarks_are_no_links() -> None:
    body = p(
        '<w:hyperlink w:anchor="_Ref1">', t("see above"), "</w:hyperlink>",
        '<w:hyperlink r:id="rId9">', t("missing relationship"), "</w:hyperlink>",
    )  # fmt: skip
    doc = docx.read(package(body), "d.docx")
    assert doc.known_links == ()
    assert doc.text == "see abovemissing relationship\n"


def test_alternate_content_is_read_once_and_text_boxes_follow_their_paragraph() -> None:
    box = "<w:txbxContent><w:p><w:r><w:t>Boxed https://box.example/x</w:t></w:r></w:p></w:txbxContent>"
    body = p(
        t("Before the box."),
        f'<w:r><mc:AlternateContent><mc:Choice Requires="wps"><w:drawing>{box}</w:drawing></mc:Choice>'
        f"<mc:Fallback><w:pict>{box}</w:pict></mc:Fallback></mc:AlternateContent></w:r>",
        t(" After it."),
    )
    doc = docx.read(package(body + p(t("Next."))), "d.docx")
    assert doc.text == "Before the box. After it.\nBoxed https://box.example/x\nNext.\n"
    assert [lk.url for lk in extract(doc).unnumbered_links] == ["https://box.example/x"]


def test_strict_ooxml_namespaces_are_read() -> None:
    strict_w = "http://purl.oclc.org/ooxml/wordprocessingml/main"
    strict_r = "http://purl.oclc.org/ooxml/officeDocument/relationships"
    note = footnote(1, p('<w:hyperlink r:id="rId1">', t("https://a.example/page"), "</w:hyperlink>"))
    data = package(
        p(t("Claim."), ref(1)),
        footnotes=note,
        note_links={"rId1": "https://a.example/page"},
        w=strict_w,
        r=strict_r,
    )
    doc = docx.read(data, "strict.docx")
    assert doc.notes is not None and [d.number for d in doc.notes.notes] == [1]
    assert [k.target for k in doc.known_links] == ["https://a.example/page"]


def test_separators_are_not_footnotes_and_a_document_without_notes_has_none() -> None:
    separators = (
        '<w:footnote w:type="separator" w:id="-1"><w:p><w:r><w:separator/></w:r></w:p></w:footnote>'
        '<w:footnote w:type="continuationSeparator" w:id="0"><w:p><w:r><w:continuationSeparator/></w:r>'
        "</w:p></w:footnote>"
    )
    doc = docx.read(package(p(t("Plain https://plain.example/page.")), footnotes=separators), "d.docx")
    assert doc.notes is not None and doc.notes.notes == () and doc.notes.markers == ()
    result = extract(doc)
    assert result.problems == ()
    assert [lk.url for lk in result.unnumbered_links] == ["https://plain.example/page"]


# --- bad files ------------------------------------------------------------------------------------

BAD = [
    ("not-a-zip.docx", "not a Word document (not a zip archive)"),
    ("encrypted.docx", "encrypted or legacy .doc"),
    ("bomb.docx", "zip bomb"),
    ("no-document.docx", "no word/document.xml"),
    ("corrupt-xml.docx", "word/document.xml is not well-formed XML"),
    ("entities.docx", "declares a DTD or entities"),
]


@pytest.mark.parametrize(("name", "reason"), BAD)
def test_bad_files_are_refused_with_one_line(name: str, reason: str) -> None:
    with pytest.raises(InputError) as err:
        read(name)
    message = str(err.value)
    assert reason in message
    assert message.startswith(str(FIXTURES / name))
    assert "\n" not in message


@pytest.mark.parametrize(("name", "reason"), BAD)
def test_bad_files_via_the_cli_exit_2_with_one_line(name: str, reason: str) -> None:
    proc = run_citecheck("extract", f"fixtures/docx/{name}")
    stderr = proc.stderr
    assert proc.returncode == 2
    assert proc.stdout == ""
    assert "Traceback" not in stderr
    assert stderr.count("\n") == 1 and stderr.startswith("citecheck: error: ")
    assert reason in stderr


def _central_entry(data: bytes, name: str) -> int:
    """Where a member's central directory entry starts."""
    pos = data.find(b"PK\x01\x02")
    while pos >= 0:
        (length,) = struct.unpack_from("<H", data, pos + 28)
        if data[pos + 46 : pos + 46 + length] == name.encode():
            return pos
        pos = data.find(b"PK\x01\x02", pos + 4)
    raise AssertionError(name)


def test_a_member_that_inflates_past_its_declared_size_is_refused() -> None:
    data = bytearray(package(p(t("x" * 5000))))
    with zipfile.ZipFile(io.BytesIO(bytes(data))) as zf:
        local = zf.getinfo("word/document.xml").header_offset
    # Declare word/document.xml 100 bytes long, in the central directory and the local header:
    # no more is ever inflated, and the CRC then fails.
    struct.pack_into("<I", data, _central_entry(bytes(data), "word/document.xml") + 24, 100)
    struct.pack_into("<I", data, local + 22, 100)
    with pytest.raises(InputError, match="corrupt Word document"):
        docx.read(bytes(data), "lying.docx")


def test_all_parts_together_are_capped(monkeypatch: pytest.MonkeyPatch) -> None:
    data = (FIXTURES / "letter.docx").read_bytes()
    monkeypatch.setattr(docx, "MAX_TOTAL_BYTES", 50_000)  # document.xml fits, the footnotes do not
    with pytest.raises(InputError, match="for all parts together: refused as a possible zip bomb"):
        docx.read(data, "letter.docx")


def test_nesting_too_deep_is_refused() -> None:
    deep = "<w:sdt><w:sdtContent>" * 300 + p(t("deep")) + "</w:sdtContent></w:sdt>" * 300
    with pytest.raises(InputError, match="nested more than"):
        docx.read(package(deep), "deep.docx")


def test_a_zip_that_is_not_a_word_document() -> None:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as zf:
        zf.writestr("word/document.xml", "<sheet xmlns='urn:x'/>")
    with pytest.raises(InputError, match="not a Word document"):
        docx.read(buffer.getvalue(), "sheet.docx")
    with pytest.raises(InputError, match=r"not a Word document \(not a zip archive\)"):
        docx.read(b"", "empty.docx")


# --- the fixtures are what the script builds ------------------------------------------------------


def test_fixtures_are_what_make_fixtures_builds() -> None:
    spec = importlib.util.spec_from_file_location("make_fixtures", FIXTURES / "make_fixtures.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    built: dict[str, bytes] = module.build()
    assert sorted(built) == sorted(p.name for p in FIXTURES.glob("*.docx"))
    for name, data in built.items():
        committed = (FIXTURES / name).read_bytes()
        assert len(committed) < 200_000, name
        if not data.startswith(b"PK"):
            assert committed == data, f"{name}: run fixtures/docx/make_fixtures.py"
            continue
        with zipfile.ZipFile(io.BytesIO(data)) as new, zipfile.ZipFile(io.BytesIO(committed)) as old:
            members = [(i.filename, i.CRC, i.file_size) for i in new.infolist()]
            assert members == [(i.filename, i.CRC, i.file_size) for i in old.infolist()], (
                f"{name}: run fixtures/docx/make_fixtures.py"
            )
