"""HTML ingest: footnotes as Pandoc, GitHub, MediaWiki and hand-made pages write them, hrefs as
the truth for the text they cover, and pages that try to break the reader. Real files, no network.
"""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from citecheck.errors import InputError
from citecheck.extract import extract
from citecheck.ingest import html, read_document
from citecheck.models import Confirmation, Document, Extraction, Footnote, ProblemKind

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"
HTML = FIXTURES / "html"

# The letter's damaged URLs that fixtures/markdown/letter.md (and so its Pandoc HTML) writes as
# `[damaged](true)` links: footnote → the URL the link points at.
LINKED: dict[int, str] = {
    12: "https://www.motherjones.com/politics/2025/03/trump-el-salvador-venezuela-deportation-prison-cecot-bukele/",
    20: "https://www.nytimes.com/2025/04/14/us/politics/trump-bukele-prison-deported-migrants.html",
    21: "https://abcnews.go.com/Politics/homegrown-trump-doubles-sending-convicted-us-citizens-foreign/"
    "story?id=120802863",
    22: "https://www.reuters.com/world/americas/rubio-meet-el-salvadors-bukele-amid-migration-push-2025-02-03",
}


def _read(markup: str, name: str = "page.html") -> Document:
    return html.read(markup.encode("utf-8"), name)


def _footnote(extraction: Extraction, number: int) -> Footnote:
    (fn,) = [f for f in extraction.footnotes if f.number == number]
    return fn


@pytest.fixture(scope="module")
def letter_text() -> Extraction:
    return extract(read_document(str(FIXTURES / "letter.txt")))


@pytest.fixture(scope="module")
def pandoc_doc() -> Document:
    return read_document(str(HTML / "letter.pandoc.html"))


@pytest.fixture(scope="module")
def pandoc(pandoc_doc: Document) -> Extraction:
    return extract(pandoc_doc)


# ------------------------------------------------------------------------------- Pandoc: the letter


def test_pandoc_letter_has_the_33_footnotes_and_no_problems(pandoc: Extraction) -> None:
    assert [f.number for f in pandoc.footnotes] == list(range(1, 34))
    assert pandoc.problems == ()
    assert pandoc.unnumbered_links == ()


def test_pandoc_letter_cites_the_same_urls_as_the_text(pandoc: Extraction, letter_text: Extraction) -> None:
    text_urls = {fn.number: [lk.url for lk in fn.links] for fn in letter_text.footnotes}
    html_urls = {fn.number: [lk.url for lk in fn.links] for fn in pandoc.footnotes}
    assert html_urls == text_urls


def test_pandoc_letter_link_targets_confirm_the_repairs(pandoc: Extraction) -> None:
    for number, true_url in LINKED.items():
        (link,) = [lk for lk in _footnote(pandoc, number).links if lk.url == true_url]
        assert link.repair is not None and link.repair.confirmed_by is Confirmation.DOCUMENT
        assert link.written != true_url  # the visible text is the damaged URL
    others = [lk for fn in pandoc.footnotes if fn.number not in LINKED for lk in fn.links]
    confirmed = [lk.url for lk in others if lk.repair and lk.repair.confirmed_by is Confirmation.DOCUMENT]
    assert len(confirmed) == 1 and "hrw.org/news/2025/03/20" in confirmed[0]  # footnote 30, as in the text


def test_pandoc_letter_autolinks_keep_their_repair_proposals(pandoc: Extraction) -> None:
    """An href that only repeats its visible text proves nothing: the wrapped URL is still repaired."""
    apnews = _footnote(pandoc, 2).links[0]
    assert apnews.written.endswith("tren-aragua64e72142a171ea57c869c3b35eeecce7")
    assert apnews.url.endswith("tren-aragua-64e72142a171ea57c869c3b35eeecce7")
    assert apnews.repair is not None and apnews.repair.confirmed_by is None


def test_pandoc_letter_lines_refer_to_the_rendered_text(pandoc_doc: Document, pandoc: Extraction) -> None:
    lines = pandoc_doc.text.split("\n")
    for fn in pandoc.footnotes:
        assert lines[fn.line - 1].startswith(f"[^{fn.number}]: ")
        for link in fn.links:
            assert link.line == fn.line
    assert pandoc_doc.notes is not None
    body = dict(pandoc_doc.notes.body)
    assert [m.number for m in pandoc_doc.notes.markers][:4] == [1, 2, 3, 4]
    for marker in pandoc_doc.notes.markers:
        assert marker.line in body
    assert "CECOT." in body[pandoc_doc.notes.markers[0].line]
    assert not any("↩" in line for line in lines)


def test_pandoc_letter_date_is_the_letters(pandoc: Extraction, letter_text: Extraction) -> None:
    assert pandoc.date == letter_text.date


def test_pandoc_3_aside_endnotes() -> None:
    doc = _read(
        '<p>Text<a href="#fn1" class="footnote-ref" id="fnref1" role="doc-noteref"><sup>1</sup></a>.</p>'
        '<aside id="footnotes" class="footnotes footnotes-end-of-document" role="doc-endnotes"><hr />'
        '<ol><li id="fn1"><p>See <a href="https://example.org/report">the report</a>.'
        '<a href="#fnref1" class="footnote-back" role="doc-backlink">↩︎</a></p></li></ol></aside>'
    )
    found = extract(doc)
    (fn,) = found.footnotes
    assert (fn.number, fn.text, [lk.url for lk in fn.links]) == (
        1,
        "See the report.",
        ["https://example.org/report"],
    )
    assert found.problems == () and found.unnumbered_links == ()


# ------------------------------------------------------------------------------------------- GitHub


@pytest.fixture(scope="module")
def github() -> Extraction:
    return extract(read_document(str(HTML / "github.html")))


def test_github_footnotes_numbered_as_shown(github: Extraction) -> None:
    assert [f.number for f in github.footnotes] == [1, 2]
    assert github.problems == ()
    fn1, fn2 = github.footnotes
    assert [lk.url for lk in fn1.links] == [
        "https://x.com/nayibbukele/status/1901245427216978290",
        "https://www.cbsnews.com/news/venezuelans-deported-el-salvador-names",
    ]
    assert "↩" not in fn1.text and "↩" not in fn2.text


def test_github_second_reference_and_named_label() -> None:
    doc = read_document(str(HTML / "github.html"))
    assert doc.notes is not None
    assert [m.number for m in doc.notes.markers] == [1, 2, 1]


def test_github_href_repairs_a_damaged_visible_url(github: Extraction) -> None:
    mother, hrw = _footnote(github, 2).links
    assert mother.written.endswith("prisoncecot-bukel-e/")
    assert mother.url.endswith("prison-cecot-bukele/")
    assert mother.repair is not None and mother.repair.confirmed_by is Confirmation.DOCUMENT
    assert hrw.url == "https://www.hrw.org/news/2025/03/13/el-salvadors-prisons-are-no-place-us-deportees"


def test_github_chrome_and_relative_links_are_not_read(github: Extraction) -> None:
    assert [lk.url for lk in github.unnumbered_links] == ["https://www.hrw.org/americas/el-salvador"]
    doc = read_document(str(HTML / "github.html"))
    for noise in ("Features", "Docs", "window.location", "sr-only", "Breadcrumb", "citecheck-demo /"):
        assert noise not in doc.text


# ---------------------------------------------------------------------------------------- Wikipedia


@pytest.fixture(scope="module")
def wikipedia_doc() -> Document:
    return read_document(str(HTML / "wikipedia.html"))


def test_wikipedia_references_and_lettered_notes(wikipedia_doc: Document) -> None:
    found = extract(wikipedia_doc)
    assert [f.number for f in found.footnotes] == [1, 2, 3, 4]
    assert wikipedia_doc.notes is not None
    assert [m.number for m in wikipedia_doc.notes.markers] == [1, 2, 4, 2, 3]
    assert _footnote(found, 4).text == "The government first announced a capacity of 20,000."
    assert [lk.url for lk in _footnote(found, 2).links] == [
        "https://www.hrw.org/news/2025/03/20/human-rights-watch-declaration-prison-conditions-el-salvador-jgg-v-"
        "trump-case",
        "https://web.archive.org/web/20250321000000/https://www.hrw.org/news/2025/03/20/human-rights-watch-"
        "declaration-prison-conditions-el-salvador-jgg-v-trump-case",
    ]
    assert _footnote(found, 1).text == '"What to know about CECOT". NPR. 17 March 2025.'
    assert _footnote(found, 1).accessed is not None


def test_wikipedia_chrome_is_not_read(wikipedia_doc: Document) -> None:
    found = extract(wikipedia_doc)
    for noise in ("edit", "Main page", "Donate", "RLQ"):
        assert noise not in wikipedia_doc.text
    assert not any(fn.text.startswith("^") or " a b " in fn.text for fn in found.footnotes)  # backlinks
    assert [lk.url for lk in found.unnumbered_links] == [
        "https://foundation.wikimedia.org/wiki/Special:MyLanguage/Policy:Privacy_policy"
    ]


def test_wikipedia_has_no_problems(wikipedia_doc: Document) -> None:
    assert extract(wikipedia_doc).problems == ()


# ------------------------------------------------------------------------------------------ generic


@pytest.fixture(scope="module")
def generic_doc() -> Document:
    return read_document(str(HTML / "generic.html"))


def test_generic_sup_markers_find_their_notes(generic_doc: Document) -> None:
    found = extract(generic_doc)
    assert [f.number for f in found.footnotes] == [1, 2, 3]
    assert found.problems == ()
    assert _footnote(found, 1).text.startswith("Gregory Meeks")  # the repeated "1." is dropped
    assert [lk.url for lk in _footnote(found, 1).links] == [
        "https://democrats-foreignaffairs.house.gov/2025/4/meeks-castro-letter"
    ]
    assert [lk.url for lk in _footnote(found, 3).links] == [
        "https://apnews.com/article/donald-trump-white-house-el-salvador-kilmar-abrego-garcia-"
        "ad338d6b4558a6aba80e8290fd3eece9"
    ]


def test_generic_relative_links_resolve_against_base(generic_doc: Document) -> None:
    found = extract(generic_doc)
    assert [lk.url for lk in _footnote(found, 2).links] == [
        "https://blog.example.org/imo/media/doc/shaheen_letter.pdf"
    ]
    assert [lk.url for lk in found.unnumbered_links] == [
        "https://blog.example.org/2025/03/cecot-first-look.html"
    ]


def test_generic_noise_and_declared_charset(generic_doc: Document) -> None:
    assert "Café talk" in generic_doc.text and "one man’s return" in generic_doc.text  # windows-1252
    for noise in ("tracker", "Archive", "font-size", "No comments yet. [^"):
        assert noise not in generic_doc.text
    assert all("javascript" not in k.target and "mailto" not in k.target for k in generic_doc.known_links)


# ------------------------------------------------------------------------------ no footnotes at all


def test_page_without_footnotes_gives_unnumbered_links_only() -> None:
    doc = read_document(str(HTML / "no-footnotes.html"))
    assert doc.notes is not None and doc.notes.notes == () and doc.notes.markers == ()
    found = extract(doc)
    assert found.footnotes == () and found.problems == ()
    assert sorted(lk.url for lk in found.unnumbered_links) == [
        "https://www.hrw.org/news/2025/03/20/human-rights-watch-declaration-prison-conditions-el-salvador-jgg-v-"
        "trump-case",
        "https://www.npr.org/2025/03/17/g-s1-54206/el-salvador-mega-prison-cecot",
    ]
    assert "analytics" not in doc.text and "Home" not in doc.text


def test_links_without_text_and_odd_hrefs() -> None:
    doc = _read(
        '<p><a href=" https://example.org/a\n\tb "><img src="x.png" alt=""></a> '
        '<a href="HTTPS://Example.org/Caps">caps</a> <a href="//cdn.example.org/x">proto-relative</a> '
        '<a href="data:text/html,hi">data</a> <a>no href</a></p>'
    )
    found = extract(doc)
    assert [lk.url for lk in found.unnumbered_links] == ["https://example.org/ab", "HTTPS://Example.org/Caps"]


def test_a_marker_whose_note_is_missing_is_reported() -> None:
    doc = _read(
        '<p>One<a href="#fn1" class="footnote-ref"><sup>1</sup></a> two'
        '<a href="#fn2" class="footnote-ref"><sup>2</sup></a>.</p>'
        '<section class="footnotes"><ol><li id="fn1"><p>Only one.</p></li></ol></section>'
    )
    kinds = {(p.kind, p.number) for p in extract(doc).problems}
    assert (ProblemKind.ORPHAN_MARKER, 2) in kinds


# ----------------------------------------------------------------------------------- hostile pages


def test_deeply_nested_html_does_not_crash() -> None:
    depth = 100_000
    markup = (
        "<div>" * depth
        + '<p>Deep<sup><a href="#fn1">1</a></sup> and <a href="https://example.org/deep">a link</a>.</p>'
        + "</div>" * depth
        + '<ol><li id="fn1">A note, https://example.org/note</li></ol>'
    )
    start = time.monotonic()
    found = extract(_read(markup))
    assert time.monotonic() - start < 30
    # past html.MAX_DEPTH the tree is flattened (as browsers do), so a marker that deep loses
    # its <sup><a> shape: its note is read as a link, not as footnote 1
    assert [lk.url for lk in found.unnumbered_links] == [
        "https://example.org/deep",
        "https://example.org/note",
    ]


def test_nested_anchors_and_superscripts_do_not_crash() -> None:
    n = 30_000
    doc = _read("<sup><a href='#x'>1" * n + "</a></sup>" * n + "<p id='x'>t</p>" + "<a href='#y'>" * n)
    assert doc.notes is not None


def test_huge_attributes_do_not_crash() -> None:
    markup = f"<p title='{'a' * 5_000_000}'>Text <a href='https://example.org/{'b' * 100_000}'>link</a></p>"
    (link,) = extract(_read(markup)).unnumbered_links
    assert link.url.startswith("https://example.org/bbbb")


def test_too_large_input_is_refused() -> None:
    with pytest.raises(InputError, match="larger than"):
        html.read(b"<p>" + b"a" * html.MAX_BYTES, "big.html")


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "empty"),
        (b"<p>caf\xe9</p>", "not UTF-8"),
        (b'<meta charset="shift_jis"><p>\x81\x39</p>', "shift_jis"),
    ],
)
def test_undecodable_input_is_refused(data: bytes, message: str) -> None:
    with pytest.raises(InputError, match=message):
        html.read(data, "page.html")


def test_utf16_page_is_read() -> None:
    markup = '<p>Voir <a href="https://example.org/été">ici</a>.</p>'
    doc = html.read(b"\xff\xfe" + markup.encode("utf-16-le"), "page.html")
    assert [k.target for k in doc.known_links] == ["https://example.org/été"]
