"""Reading PDFs (`citecheck.ingest.pdf`): real files, offline.

The fixtures in fixtures/pdf/ are made by fixtures/pdf/make_fixtures.py (the letter typeset with
footnotes at page bottoms and link annotations, a two-column paper, broken and encrypted files)
or copied from shared/corpus (a LibreOffice link, a JACoW conference paper). Expected values are
written out here, never read back from the tool.
"""

from __future__ import annotations

import random
import re
from pathlib import Path

import pytest
from cli_run import run_citecheck

from citecheck.errors import InputError
from citecheck.extract import extract
from citecheck.ingest import pdf, read_document
from citecheck.models import Confirmation, Document, Extraction

ROOT = Path(__file__).resolve().parent.parent
PDFS = ROOT / "fixtures" / "pdf"

BRENNAN_WRITTEN = "https://www.brennancenter.org/ourwork/research-reports/alien-enemies-act-explained"
BRENNAN_TRUE = "https://www.brennancenter.org/our-work/research-reports/alien-enemies-act-explained"

ANNOTATION_FIXES = {
    2: "https://www.theguardian.com/world/2025/mar/20/cecot-el-salvador-venezuela-prison-trump-deportations",
    12: "https://www.motherjones.com/politics/2025/03/trump-el-salvador-venezuela-deportation-prison-cecot-bukele/",
    13: BRENNAN_TRUE,
    16: "https://www.hrw.org/news/2025/03/20/human-rights-watch-declaration-prison-conditions-el-salvador-"
    "jgg-v-trump-case?gad_source=1&gbraid=0AAAAADrFXcjuf1d50lhSv7IVLciJuoY7A&gclid=CjwKCAjwzMi_BhACEiwAX4YZU"
    "ETSvO3iGyyZkLJ3WtaBqYILup8ciiduEVFY_GDtOH2nDSc_CHifRoCURYQAvD_BwE",
    20: "https://www.nytimes.com/2025/04/14/us/politics/trump-bukele-prison-deported-migrants.html",
    22: "https://www.reuters.com/world/americas/rubio-meet-el-salvadors-bukele-amid-migration-push-2025-02-03",
}
"""Footnote → a damaged URL whose link annotation in the letter PDF holds the true URL."""

WHITEHOUSE = (
    "https://www.whitehouse.gov/presidential-actions/2025/03/invocation-of-the-alien-enemies-act-regarding-"
    "the-invasion-of-the-united-states-by-tren-de-aragua/"
)

UNANNOTATED_REPAIRS = {
    2: "https://apnews.com/article/trump-deportations-salvador-tren-aragua-64e72142a171ea57c869c3b35eeecce7",
    21: "https://abcnews.go.com/Politics/homegrown-trump-doubles-sending-convicted-us-citizens-foreign/"
    "story?id=120802863",
    33: "https://www.pbs.org/newshour/show/the-conditions-inside-the-infamous-el-salvador-prison-where-"
    "deported-migrants-are-held",
}
"""Damaged URLs the PDF has no annotation for: repaired as in the text version, only proposed."""


@pytest.fixture(scope="module")
def letter_text() -> Extraction:
    return extract(read_document(str(ROOT / "fixtures" / "letter.txt")))


@pytest.fixture(scope="module")
def letter_doc() -> Document:
    return read_document(str(PDFS / "letter.pdf"))


@pytest.fixture(scope="module")
def letter_pdf(letter_doc: Document) -> Extraction:
    return extract(letter_doc)


def lines_of(doc: Document) -> list[str]:
    return doc.text.split("\n")


# --- the letter -----------------------------------------------------------------------------------


def test_letter_pdf_has_the_texts_footnotes(letter_pdf: Extraction) -> None:
    assert [fn.number for fn in letter_pdf.footnotes] == list(range(1, 34))
    assert letter_pdf.problems == ()
    assert letter_pdf.unnumbered_links == ()


def test_letter_pdf_cites_the_texts_urls(letter_pdf: Extraction, letter_text: Extraction) -> None:
    text = {fn.number: [link.url for link in fn.links] for fn in letter_text.footnotes}
    for fn in letter_pdf.footnotes:
        expected = [BRENNAN_TRUE if url == BRENNAN_WRITTEN else url for url in text[fn.number]]
        assert [link.url for link in fn.links] == expected, fn.number


def test_annotations_confirm_repairs(letter_pdf: Extraction) -> None:
    by_number = {fn.number: fn for fn in letter_pdf.footnotes}
    for number, url in [*ANNOTATION_FIXES.items(), (13, WHITEHOUSE)]:
        link = next(lk for lk in by_number[number].links if lk.url == url)
        assert link.repair is not None and link.repair.confirmed_by == Confirmation.DOCUMENT, number
        assert link.written != url
    brennan = next(lk for lk in by_number[13].links if lk.url == BRENNAN_TRUE)
    assert brennan.written == BRENNAN_WRITTEN  # the page shows it damaged; the annotation is the truth


def test_urls_without_annotations_are_only_proposed(letter_pdf: Extraction) -> None:
    by_number = {fn.number: fn for fn in letter_pdf.footnotes}
    for number, url in UNANNOTATED_REPAIRS.items():
        link = next(lk for lk in by_number[number].links if lk.url == url)
        assert link.repair is not None and link.repair.confirmed_by is None, number


def test_footnote_markers_are_superscripts(letter_doc: Document) -> None:
    text = letter_doc.text
    assert "at CECOT.¹ Through" in text
    assert "Southern border.¹²,¹³" in text
    assert re.search(r"^¹⁶ Leire Ventas", text, re.MULTILINE)
    assert text.count("\f") == 8  # nine pages


def test_wrapped_links_are_one_known_link_each(letter_doc: Document) -> None:
    lines = lines_of(letter_doc)
    targets = [k.target for k in letter_doc.known_links]
    assert targets.count("https://x.com/nayibbukele/status/1901245427216978290") == 3  # footnotes 1, 24, 25
    for k in letter_doc.known_links:
        assert targets.count(k.target) == 1 or "x.com/nayibbukele/status/19012" in k.target
        assert k.text[:12] in lines[k.line - 1], k  # the line where its visible text starts
    hrw = next(k for k in letter_doc.known_links if k.target == ANNOTATION_FIXES[16])
    assert hrw.text.startswith("https://www.hrw.org/news/2025/03/20/human-rights-watch-declarationprison")
    assert hrw.text.endswith(
        "CjwKCAjwzMi_BhACEiwAX4YZUETSvO3iGyyZkLJ3WtaBqYILup8ciiduEVFY_GDtOH2nDSc_CHifRoCURYQAvD_BwE"
    )
    page_of_start = letter_doc.text[: sum(len(ln) + 1 for ln in lines[: hrw.line])].count("\f")
    assert page_of_start == 5  # the URL goes on over the page break: one link all the same
    quads = next(k for k in letter_doc.known_links if k.target == WHITEHOUSE)  # one annotation, QuadPoints
    assert quads.text.replace("actregarding", "act-regarding") == WHITEHOUSE


def test_a_split_footnote_is_reassembled(letter_pdf: Extraction) -> None:
    fn16 = next(fn for fn in letter_pdf.footnotes if fn.number == 16)
    assert fn16.text.endswith("CHifRoCURYQAvD_BwE.")
    assert [link.url for link in fn16.links][-1] == ANNOTATION_FIXES[16]


# --- two columns ----------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def two_column() -> Document:
    return read_document(str(PDFS / "two-column.pdf"))


def test_two_columns_read_column_by_column(two_column: Document) -> None:
    flat = " ".join(two_column.text.split())
    marks = re.findall(r"Paragraph (\d\d) (begins|ends) here", flat)
    expected = [(f"{n:02d}", edge) for n in range(1, 16) for edge in ("begins", "ends")]
    assert marks == expected
    assert flat.index("Reading Order in Two-Column Pages") < flat.index("Paragraph 01 begins")


def test_two_column_footnotes_close_their_page(two_column: Document) -> None:
    text = two_column.text
    first, second = text.split("\f")
    assert first.index("¹ Alpha Institute") > first.index("Paragraph 10 ends")
    assert "Paragraph 11" not in first
    assert second.index("⁶ Epsilon Project") > second.index("Paragraph 15 ends")


def test_two_column_footnotes_and_links(two_column: Document) -> None:
    found = extract(two_column)
    assert found.problems == ()
    urls = {fn.number: [link.url for link in fn.links] for fn in found.footnotes}
    assert urls == {
        1: ["https://example.org/reports/annual-review-2024"],
        2: ["https://example.org/commission/report-2024"],  # the word "report" is the link
        3: [
            "https://example.net/publications/2023/findings-on-coastal-erosion-and-the-long-term-effects-"
            "of-sea-walls.html"
        ],
        4: ["https://example.com/data/appendix?table=4&format=csv"],
        5: [],
        6: ["https://example.org/field-notes/2024/05/02/epsilon"],
        7: ["https://example.edu/zeta/review/the-second-column-problem-in-document-layout-analysis"],
    }
    report = next(k for k in two_column.known_links if k.target.endswith("report-2024"))
    assert report.text == "report"


# --- real documents -------------------------------------------------------------------------------


def test_libreoffice_link_whose_text_is_not_a_url() -> None:
    doc = read_document(str(PDFS / "libreoffice-link.pdf"))
    assert doc.text == "This is a link to an awesome blog."
    assert len(doc.known_links) == 1
    link = doc.known_links[0]
    assert link.target == "https://martin-thoma.com/" and "awesome blog" in link.text and link.line == 1
    assert [lk.url for lk in extract(doc).unnumbered_links] == ["https://martin-thoma.com/"]


@pytest.fixture(scope="module")
def jacow() -> Document:
    return read_document(str(PDFS / "jacow-wepml008-p1p3.pdf"))


def test_jacow_reads_its_two_columns_in_order(jacow: Document) -> None:
    first = jacow.text.split("\f")[0]
    order = [
        "TUNER TESTING OF A DRESSED",
        "Abstract",
        "INTRODUCTION",
        "TUNER TEST RESULTS",
        "small safety gap can result in the locking of the piezo-\nactuators",
        "* This manuscript has been authorized",
        "Figure 1: Slim Blade Tuner",
        "The tuner normally operates by stretching the cavity.",
        "sections of the slow tuner operation are presented in Fig. 2.",
    ]
    positions = [first.index(s) for s in order]
    assert positions == sorted(positions)
    assert "Content from this work may be used under the terms of the CC BY 3.0 licence" in first  # sideways


def test_jacow_references_with_doi_urls(jacow: Document) -> None:
    found = extract(jacow)
    refs = {fn.number: fn for fn in found.footnotes if fn.number <= 5 and "et al." in fn.text}
    assert sorted(refs) == [1, 2, 3, 4, 5]
    assert [lk.url for lk in refs[2].links] == ["https://doi.org/10.18429/JACoW-MOPOB32"]
    assert [lk.url for lk in refs[4].links] == ["https://doi.org/10.18429/JACoW-TUP082"]
    assert [lk.url for lk in refs[5].links] == ["https://doi.org/10.18429/JACoW-HP071-WEPTY035"]
    assert "https://doi.org/10.18429/JACoW-HP071" in {lk.url for lk in found.links()}
    assert (
        "[3] A. Hocker et al." in jacow.text
        and "\n2011. https://doi.org/10.18429/JACoW-HP071\n" in jacow.text
    )


def test_jacow_reference_3_keeps_its_doi(jacow: Document) -> None:
    ref3 = next(fn for fn in extract(jacow).footnotes if fn.number == 3 and "Hocker" in fn.text)
    assert [lk.url for lk in ref3.links] == ["https://doi.org/10.18429/JACoW-HP071"]


# --- unusable PDFs --------------------------------------------------------------------------------

BAD = {
    "encrypted.pdf": "encrypted with a password",
    "corrupt.pdf": "corrupt",
    "truncated.pdf": "truncated",
    "scanned.pdf": "no text layer (a scanned PDF?)",
}


@pytest.mark.parametrize(("name", "reason"), BAD.items())
def test_bad_pdfs_are_input_errors(name: str, reason: str) -> None:
    with pytest.raises(InputError) as err:
        read_document(str(PDFS / name))
    message = str(err.value)
    assert reason in message and "\n" not in message and message.startswith(str(PDFS / name))


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        (b"", "empty"),
        (b"   \n", "empty"),
        (b"<html>not a pdf</html>", "not a PDF"),
        (b"\x89PNG\r\n\x1a\n" + bytes(100), "not a PDF"),
        (b"%PDF-1.7\n" + bytes(200), "truncated"),
    ],
)
def test_not_pdfs(data: bytes, reason: str) -> None:
    with pytest.raises(InputError, match=re.escape(reason)):
        pdf.read(data, "x.pdf")


def _minimal_pdf(*objects: bytes) -> bytes:
    out = b"%PDF-1.4\n"
    offsets = []
    for number, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n%s\nendobj\n" % (number, body)
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return out


def test_a_blank_page_has_no_text_layer() -> None:
    blank = _minimal_pdf(
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] >>",
    )
    with pytest.raises(InputError, match=re.escape("no text layer (a scanned PDF?)")):
        pdf.read(blank, "blank.pdf")
    with pytest.raises(InputError):  # no pages at all
        pdf.read(
            _minimal_pdf(b"<< /Type /Catalog /Pages 2 0 R >>", b"<< /Type /Pages /Kids [] /Count 0 >>"), "x"
        )


def test_an_empty_user_password_is_no_obstacle() -> None:
    doc = read_document(str(PDFS / "encrypted-empty-password.pdf"))
    assert doc.text.startswith("Confidential submission.¹")
    assert "¹ See https://example.org/encrypted-source." in doc.text


def test_work_is_bounded(monkeypatch: pytest.MonkeyPatch) -> None:
    data = (PDFS / "letter.pdf").read_bytes()
    monkeypatch.setattr(pdf, "MAX_PAGES", 5)
    with pytest.raises(InputError, match="at most 5 pages"):
        pdf.read(data, "letter.pdf")
    monkeypatch.setattr(pdf, "MAX_PAGES", 2000)
    monkeypatch.setattr(pdf, "MAX_SECONDS", 0.0)
    with pytest.raises(InputError, match="took longer than"):
        pdf.read(data, "letter.pdf")


def test_damaged_bytes_never_escape_as_tracebacks() -> None:
    rng = random.Random(2024)
    sources = [(PDFS / n).read_bytes() for n in ("letter.pdf", "two-column.pdf", "libreoffice-link.pdf")]
    for _ in range(40):
        data = bytearray(rng.choice(sources))
        start = rng.randrange(len(data))
        if rng.random() < 0.5:
            data[start : start + rng.randint(1, 400)] = bytes(
                rng.randrange(256) for _ in range(rng.randint(0, 40))
            )
        else:
            for _ in range(rng.randint(1, 30)):
                data[rng.randrange(len(data))] = rng.randrange(256)
        try:
            doc = pdf.read(bytes(data), "damaged.pdf")
        except InputError as err:
            assert "\n" not in str(err)
        else:
            assert isinstance(doc.text, str)


def test_reading_is_pure_and_repeatable() -> None:
    data = (PDFS / "two-column.pdf").read_bytes()
    assert pdf.read(data, "a.pdf") == pdf.read(data, "a.pdf")


@pytest.mark.parametrize("name", sorted(BAD))
def test_cli_refuses_bad_pdfs_in_one_line(name: str) -> None:
    run = run_citecheck("extract", str(PDFS / name))
    assert run.returncode == 2
    assert run.stdout == ""
    assert len(run.stderr.strip().splitlines()) == 1 and "Traceback" not in run.stderr
    assert BAD[name] in run.stderr


def test_cli_extracts_the_letter_pdf() -> None:
    run = run_citecheck("extract", "--format", "json", str(PDFS / "letter.pdf"))
    assert run.returncode == 0, run.stderr
    assert "cecot-el-salvador-venezuela-prison-trump-deportations" in run.stdout
