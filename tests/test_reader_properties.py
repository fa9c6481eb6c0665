"""Property-based tests (hypothesis) over every document reader and the pipeline after it.

Whatever the bytes, `ingest.document_from_bytes` then `extract` either give an `Extraction` or
raise `InputError` with a one-line message; nothing else escapes. Where a document comes out,
cheap invariants hold: every line a link, marker or footnote names is a line of the document,
and every URL found in the text is written there (line breaks inside it aside, NFKC as the
URL finder reads it). Inputs are
arbitrary bytes, text built from each format's syntax, random WordprocessingML in a real zip,
and mutated real PDFs. `tests/fuzz/fuzz_parsers.py` runs the same contract for minutes.
"""

from __future__ import annotations

import io
import os
import random
import re
import zipfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from citecheck.errors import InputError
from citecheck.extract import extract
from citecheck.ingest import document_from_bytes
from citecheck.models import Document, Extraction
from citecheck.urls import normalize

ROOT = Path(__file__).resolve().parent.parent
SCALE = int(os.environ.get("CITECHECK_PROPERTY_SCALE", "1"))
FAST = settings(max_examples=100 * SCALE, deadline=None, suppress_health_check=[HealthCheck.too_slow])
SLOW = settings(max_examples=25 * SCALE, deadline=None, suppress_health_check=[HealthCheck.too_slow])
W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
R = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"


def read(data: bytes, fmt: str) -> tuple[Document, Extraction] | None:
    """The document and its extraction, or None when the reader refused it in one line."""
    try:
        doc = document_from_bytes(data, f"prop.{fmt}", fmt)
    except InputError as err:
        message = str(err)
        assert message and "\n" not in message, message
        return None
    return doc, extract(doc)


def squash(text: str) -> str:
    return re.sub(r"\s+", "", text)


def check_invariants(doc: Document, found: Extraction) -> None:
    lines = doc.text.split("\n")
    last = len(lines)
    for fn in found.footnotes:
        assert 1 <= fn.line <= last
        for link in fn.links:
            assert 1 <= link.line <= last
    for link in found.unnumbered_links:
        assert 1 <= link.line <= last
    for problem in found.problems:
        assert problem.line is None or 1 <= problem.line <= last
    if doc.known_links:
        return  # a stated link's target need not be written anywhere
    flows = [doc.text] if doc.notes is None else [t for _, t in doc.notes.body]
    if doc.notes is not None:  # the format stated its notes: URLs are found in its rendered lines
        flows += [t for note in doc.notes.notes for _, t in note.pieces]
    flat = squash(normalize("\n".join(flows)))  # URLs are found in NFKC text
    for link in [*found.unnumbered_links, *(lk for fn in found.footnotes for lk in fn.links)]:
        assert squash(link.written) in flat, link.written


# --- plain text and arbitrary bytes --------------------------------------------------------------------


TEXT_PIECES = [
    "https://example.org/a-b",
    "www.example.org/x",
    "¹",
    "²³",
    "[^1]",
    "[^1]: ",
    "^{1,2}",
    "[2]",
    "1. ",
    "\n",
    "\n\n",
    "\f",
    "-",
    "_",
    "(",
    ")",
    "Notes\n",
    "last visited Mar. 16, 2025",
    " ",
    "word",
]
text_docs = st.lists(st.one_of(st.sampled_from(TEXT_PIECES), st.text(max_size=5)), max_size=60).map("".join)


@FAST
@given(st.binary(max_size=2000), st.sampled_from(["text", "markdown", "html", "docx", "pdf"]))
def test_arbitrary_bytes_in_any_format(data: bytes, fmt: str) -> None:
    result = read(data, fmt)
    if result is not None:
        check_invariants(*result)


@FAST
@given(text_docs, st.sampled_from(["utf-8", "utf-8-sig", "utf-16", "utf-32"]))
def test_text_in_any_unicode_encoding(text: str, encoding: str) -> None:
    result = read(text.encode(encoding, "surrogatepass"), "text")
    if result is not None:
        check_invariants(*result)


# --- Markdown ------------------------------------------------------------------------------------------


MD_PIECES = [
    *TEXT_PIECES,
    "[",
    "]",
    "](",
    "[x](https://example.org/l)",
    "[x][r]",
    "\n[r]: https://example.org/r\n",
    "^[",
    "`",
    "```\n",
    "<https://example.org/auto>",
    '<a href="https://example.org/raw">',
    "</a>",
    "<!--",
    "-->",
    "> ",
    "- ",
    "    ",
    "\\",
    "![img](https://example.org/i.png)",
    "[^n]",
    "\n[^n]: note https://example.org/n\n",
]
markdown_docs = st.lists(st.sampled_from(MD_PIECES), max_size=80).map("".join)


@FAST
@given(markdown_docs)
def test_markdown_syntax_soup(source: str) -> None:
    result = read(source.encode(), "markdown")
    if result is not None:
        doc, found = result
        assert doc.text == source  # a Markdown document's text is its source: lines are the file's
        check_invariants(doc, found)


# --- HTML ----------------------------------------------------------------------------------------------


HTML_PIECES = [
    "<p>",
    "</p>",
    "<div>",
    "</div>",
    "<sup>",
    "</sup>",
    '<a href="#fn1">',
    '<a href="https://example.org/h">',
    '<a href="/rel">',
    "</a>",
    '<section class="footnotes"><ol>',
    "</ol></section>",
    '<li id="fn1">',
    "</li>",
    '<base href="https://example.org/">',
    "<script>",
    "</script>",
    "<br>",
    "<table><tr><td>",
    "&amp;",
    "&#x2F;",
    "<!--",
    "-->",
    '<meta charset="latin-1">',
    "1",
    " https://example.org/t ",
    "text",
    "<",
    ">",
]
html_docs = st.lists(st.one_of(st.sampled_from(HTML_PIECES), st.text(max_size=4)), max_size=80).map("".join)


@FAST
@given(html_docs)
def test_html_tag_soup(markup: str) -> None:
    result = read(markup.encode("utf-8", "surrogatepass"), "html")
    if result is not None:
        doc, found = result
        lines = len(doc.text.split("\n"))
        assert all(1 <= lk.line <= lines for lk in doc.known_links)
        check_invariants(doc, found)


# --- DOCX: random WordprocessingML in a real package ----------------------------------------------------


def _element(draw: st.DrawFn, depth: int) -> str:
    kind = draw(
        st.sampled_from(["p", "r", "t", "hyperlink", "footnoteReference", "fld", "tbl", "text", "br"])
    )
    if depth > 4 or kind == "text":
        return draw(st.sampled_from(["", "See https://example.org/d-x", "word", "&amp;", "¹"]))
    inner = "".join(_element(draw, depth + 1) for _ in range(draw(st.integers(0, 3))))
    if kind == "t":
        return f'<w:t xml:space="preserve">{draw(st.sampled_from(["a", "https://example.org/t", " "]))}</w:t>'
    if kind == "br":
        return "<w:br/>"
    if kind == "hyperlink":
        return f'<w:hyperlink r:id="{draw(st.sampled_from(["rId2", "rId9", ""]))}">{inner}</w:hyperlink>'
    if kind == "footnoteReference":
        return f'<w:r><w:footnoteReference w:id="{draw(st.integers(-1, 3))}"/></w:r>'
    if kind == "fld":
        return f'<w:fldSimple w:instr=" HYPERLINK &quot;https://example.org/f&quot; ">{inner}</w:fldSimple>'
    if kind == "tbl":
        return f"<w:tbl><w:tr><w:tc>{inner}</w:tc></w:tr></w:tbl>"
    return f"<w:{kind}>{inner}</w:{kind}>"


@st.composite
def word_xml(draw: st.DrawFn) -> str:
    body = "".join(_element(draw, 0) for _ in range(draw(st.integers(0, 6))))
    return f'<w:document xmlns:w="{W}" xmlns:r="{R}"><w:body>{body}</w:body></w:document>'


RELS = (
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    f'<Relationship Id="rId1" Type="{R}/footnotes" Target="footnotes.xml"/>'
    f'<Relationship Id="rId2" Type="{R}/hyperlink" Target="https://example.org/rel" TargetMode="External"/>'
    "</Relationships>"
)
NOTES = (
    f'<w:footnotes xmlns:w="{W}"><w:footnote w:id="0" w:type="separator"><w:p/></w:footnote>'
    '<w:footnote w:id="1"><w:p><w:r><w:t>Note https://example.org/n1</w:t></w:r></w:p></w:footnote>'
    '<w:footnote w:id="2"><w:p><w:r><w:t>Note two</w:t></w:r></w:p></w:footnote></w:footnotes>'
)


def docx_bytes(document_xml: str | bytes, rels: bool = True) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("word/document.xml", document_xml)
        if rels:
            zf.writestr("word/_rels/document.xml.rels", RELS)
            zf.writestr("word/footnotes.xml", NOTES)
    return buffer.getvalue()


@FAST
@given(word_xml(), st.booleans())
def test_docx_of_random_wordprocessingml(document_xml: str, rels: bool) -> None:
    result = read(docx_bytes(document_xml, rels), "docx")
    if result is not None:
        check_invariants(*result)


@FAST
@given(st.one_of(st.binary(max_size=500), word_xml().map(str.encode)), st.data())
def test_docx_of_damaged_xml(document_xml: bytes, data: st.DataObject) -> None:
    if document_xml:
        cut = data.draw(st.integers(0, len(document_xml)))
        junk = data.draw(st.sampled_from([b"", b"<", b"&", b"\x00", b"<!DOCTYPE x>", b"]]>", b"\xff"]))
        document_xml = document_xml[:cut] + junk + document_xml[cut:]
    result = read(docx_bytes(document_xml), "docx")
    if result is not None:
        check_invariants(*result)


LETTER_DOCX = (ROOT / "fixtures" / "docx" / "letter.docx").read_bytes()


@SLOW
@given(st.integers(0, 2**32 - 1), st.integers(1, 20))
def test_docx_package_with_flipped_bytes(seed: int, flips: int) -> None:
    rng = random.Random(seed)
    data = bytearray(LETTER_DOCX)
    for _ in range(flips):
        data[rng.randrange(len(data))] = rng.randrange(256)
    result = read(bytes(data), "docx")
    if result is not None:
        check_invariants(*result)


# --- PDF: mutated real files --------------------------------------------------------------------------------

PDFS = [
    (ROOT / "fixtures" / "pdf" / name).read_bytes() for name in ("libreoffice-link.pdf", "two-column.pdf")
]


@SLOW
@given(st.sampled_from(range(len(PDFS))), st.integers(0, 2**32 - 1), st.integers(1, 30), st.booleans())
def test_pdf_with_damaged_bytes(which: int, seed: int, edits: int, keep_tail: bool) -> None:
    rng = random.Random(seed)
    data = bytearray(PDFS[which])
    for _ in range(edits):
        at = rng.randrange(len(data))
        op = rng.randrange(3)
        if op == 0:
            data[at] = rng.randrange(256)
        elif op == 1:
            del data[at : at + rng.randint(1, 200)]
        else:
            data[at:at] = rng.choice(
                [b"0", b" obj ", b"endstream", b"<<", b">>", b"/Count 99999", b"\x00" * 50]
            )
    if keep_tail and b"%%EOF" not in data[-4096:]:
        data += b"\n%%EOF\n"
    result = read(bytes(data), "pdf")
    if result is not None:
        check_invariants(*result)
