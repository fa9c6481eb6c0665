"""Markdown ingest: `[^id]` and inline `^[...]` footnotes, links of every kind, code that is not
read, and line numbers that are the file's own. Real files, no network.
"""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from citecheck.errors import InputError
from citecheck.extract import extract
from citecheck.ingest import markdown, read_document
from citecheck.models import Confirmation, Document, Extraction, Footnote, ProblemKind

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"
LETTER_MD = FIXTURES / "markdown" / "letter.md"
FEATURES_MD = FIXTURES / "markdown" / "features.md"

# Footnote → the URL its `[damaged](true)` link points at (see fixtures/html/make_fixtures.py).
LINKED: dict[int, str] = {
    12: "https://www.motherjones.com/politics/2025/03/trump-el-salvador-venezuela-deportation-prison-cecot-bukele/",
    20: "https://www.nytimes.com/2025/04/14/us/politics/trump-bukele-prison-deported-migrants.html",
    21: "https://abcnews.go.com/Politics/homegrown-trump-doubles-sending-convicted-us-citizens-foreign/"
    "story?id=120802863",
    22: "https://www.reuters.com/world/americas/rubio-meet-el-salvadors-bukele-amid-migration-push-2025-02-03",
}


def _read(source: str) -> Document:
    return markdown.read(source.encode("utf-8"), "doc.md")


def _footnote(extraction: Extraction, number: int) -> Footnote:
    (fn,) = [f for f in extraction.footnotes if f.number == number]
    return fn


def _line_of(path: Path, needle: str) -> int:
    """The 1-based number of the first line of a file holding `needle`."""
    lines = path.read_text(encoding="utf-8").split("\n")
    return next(k for k, line in enumerate(lines, 1) if needle in line)


# ----------------------------------------------------------------------------------------- letter


@pytest.fixture(scope="module")
def letter_doc() -> Document:
    return read_document(str(LETTER_MD))


@pytest.fixture(scope="module")
def letter(letter_doc: Document) -> Extraction:
    return extract(letter_doc)


def test_letter_markdown_has_the_33_footnotes_and_no_problems(letter: Extraction) -> None:
    assert [f.number for f in letter.footnotes] == list(range(1, 34))
    assert letter.problems == ()
    assert letter.unnumbered_links == ()


def test_letter_markdown_cites_the_same_urls_as_the_text(letter: Extraction) -> None:
    text = extract(read_document(str(FIXTURES / "letter.txt")))
    assert {fn.number: [lk.url for lk in fn.links] for fn in letter.footnotes} == {
        fn.number: [lk.url for lk in fn.links] for fn in text.footnotes
    }
    assert letter.date == text.date


def test_letter_markdown_link_targets_confirm_the_repairs(letter: Extraction) -> None:
    for number, true_url in LINKED.items():
        (link,) = [lk for lk in _footnote(letter, number).links if lk.url == true_url]
        assert link.repair is not None and link.repair.confirmed_by is Confirmation.DOCUMENT
        assert link.written != true_url


def test_letter_markdown_lines_are_the_files_lines(letter_doc: Document, letter: Extraction) -> None:
    source = LETTER_MD.read_text(encoding="utf-8")
    assert letter_doc.text == source
    lines = source.split("\n")
    for fn in letter.footnotes:
        assert lines[fn.line - 1].startswith(f"[^{fn.number}]: ")
        assert all(lk.line == fn.line for lk in fn.links)
    assert letter_doc.notes is not None
    for marker in letter_doc.notes.markers:
        assert f"[^{marker.number}]" in lines[marker.line - 1]
    assert sorted({m.number for m in letter_doc.notes.markers}) == list(range(1, 34))


# --------------------------------------------------------------------------------------- features


@pytest.fixture(scope="module")
def features_doc() -> Document:
    return read_document(str(FEATURES_MD))


@pytest.fixture(scope="module")
def features(features_doc: Document) -> Extraction:
    return extract(features_doc)


def test_numbering_numeric_named_and_inline(features: Extraction, features_doc: Document) -> None:
    """Every note, numeric label, named label or inline, is numbered in order of first reference, as
    pandoc renders this file: `[^1]` 1, `[^funds]` 2, the inline note 3, `[^2]` 4, the second inline 5."""
    assert sorted(f.number for f in features.footnotes) == [1, 2, 3, 4, 5]
    assert _footnote(features, 2).text.startswith("Senator Jeanne Shaheen")
    assert _footnote(features, 3).text.startswith("Associated Press")
    assert _footnote(features, 4).text.startswith("See Juanita Goebertus")
    assert _footnote(features, 5).text.startswith("See Human Rights Watch")
    assert [f.label for f in sorted(features.footnotes, key=lambda f: f.number)] == [
        "1",
        "funds",
        None,
        "2",
        None,
    ]
    assert features_doc.notes is not None
    assert [m.number for m in features_doc.notes.markers] == [1, 2, 3, 4, 5]


def test_multi_paragraph_footnote(features: Extraction) -> None:
    fn = _footnote(features, 1)
    assert fn.line == _line_of(FEATURES_MD, "[^1]:")
    assert "A second paragraph of the same note" in fn.text
    assert "A third paragraph, indented with a tab" in fn.text
    assert [(lk.url, lk.line) for lk in fn.links] == [
        ("https://democrats-foreignaffairs.house.gov/2025/4/meeks-castro-letter", fn.line + 1),
        ("https://www.youtube.com/live/pYZPzHyCtt0", _line_of(FEATURES_MD, "[https://www.youtube.com")),
        (
            "https://www.cnn.com/2025/04/08/americas/el-salvador-cecot-prison-deportees",
            _line_of(FEATURES_MD, "the CNN report"),
        ),
    ]
    youtube = fn.links[1]
    assert youtube.written == "https://www.youtube.com/live/pYZPzHyCt"
    assert youtube.repair is not None and youtube.repair.confirmed_by is Confirmation.DOCUMENT


def test_lazy_continuation_joins_the_footnote(features: Extraction) -> None:
    fn = _footnote(features, 2)
    assert [lk.url for lk in fn.links] == [
        "https://www.foreign.senate.gov/imo/media/doc/shaheen_case_act_letter_to_rubio.pdf"
    ]


def test_inline_notes_span_lines_and_hold_links(features: Extraction) -> None:
    note4, note5 = _footnote(features, 3), _footnote(features, 5)
    assert note4.line == _line_of(FEATURES_MD, "transfers were reported at once")
    assert [lk.url for lk in note4.links] == [
        "https://apnews.com/article/trump-deportations-salvador-tren-aragua-64e72142a171ea57c869c3b35eeecce7"
    ]
    assert note5.text == (
        "See Human Rights Watch <https://www.hrw.org/news/2025/03/13/el-salvadors-prisons-are-no-place-us-"
        "deportees> (March 13, 2025)."
    )
    assert [lk.line for lk in note5.links] == [note5.line + 1]


def test_reference_links(features: Extraction) -> None:
    assert [lk.url for lk in features.unnumbered_links] == [
        "https://www.state.gov/releases/2025/02/secretary-rubios-visit-to-el-salvador",
        "https://www.foreign.senate.gov/press/ranking/release/shaheen-letter",
        "https://en.wikipedia.org/wiki/Terrorism_Confinement_Center",
        "https://www.npr.org/2025/03/17/g-s1-54206/el-salvador-mega-prison-cecot",
    ]
    assert [lk.url for lk in _footnote(features, 4).links] == [
        "https://www.hrw.org/news/2025/03/20/human-rights-watch-declaration-prison-conditions-el-salvador-jgg-v-"
        "trump-case"
    ]


def test_code_and_comments_are_not_read(features: Extraction, features_doc: Document) -> None:
    assert features_doc.notes is not None
    assert 9 not in {m.number for m in features_doc.notes.markers}
    assert 9 not in {n.number for n in features_doc.notes.notes}
    urls = [lk.url for lk in features.links()]
    assert not any("not-a-footnote" in u or "commented-out" in u for u in urls)
    body = dict(features_doc.notes.body)
    assert not any("fenced example" in line or "indented code block" in line for line in body.values())
    assert "[^9] in inline code is no marker" in body[_line_of(FEATURES_MD, "in inline code is no marker")]


def test_document_text_is_the_source(features_doc: Document) -> None:
    assert features_doc.text == FEATURES_MD.read_text(encoding="utf-8")


def test_features_have_no_problems(features: Extraction) -> None:
    assert features.problems == ()


# ----------------------------------------------------------------------------------- small sources


def test_named_labels_only_are_numbered_as_pandoc_does() -> None:
    doc = _read("B first[^b], then a[^a], b again[^b].\n\n[^a]: Note a.\n[^b]: Note b.\n[^c]: Never used.\n")
    found = extract(doc)
    assert {f.number: f.text for f in found.footnotes} == {1: "Note b.", 2: "Note a.", 3: "Never used."}
    assert [f.number for f in found.footnotes] == [1, 2, 3]
    assert {(p.kind, p.number) for p in found.problems} == {(ProblemKind.UNREFERENCED_FOOTNOTE, 3)}


def test_duplicate_and_orphan_footnotes_are_problems() -> None:
    found = extract(_read("One[^1] two[^2] three[^3].\n\n[^1]: First.\n\n[^1]: Again.\n\n[^2]: Second.\n"))
    kinds = {(p.kind, p.number) for p in found.problems}
    assert (ProblemKind.DUPLICATE_FOOTNOTE, 1) in kinds
    assert (ProblemKind.ORPHAN_MARKER, 3) in kinds


def test_definition_starting_on_the_next_line() -> None:
    found = extract(_read("Text[^1].\n\n[^1]:\n    The note, <https://example.org/a>.\n"))
    (fn,) = found.footnotes
    assert fn.text == "The note, <https://example.org/a>."
    assert fn.links[0].line == 4


def test_links_on_a_line_shared_with_an_inline_note_stay_in_their_flow() -> None:
    """A stated link belongs to every flow on its line, so there the target is written out instead."""
    found = extract(
        _read("See [the body](https://example.org/body) and^[the [note](https://example.org/note)] here.\n")
    )
    (fn,) = found.footnotes
    assert [lk.url for lk in fn.links] == ["https://example.org/note"]
    assert [lk.url for lk in found.unnumbered_links] == ["https://example.org/body"]


def test_autolinks_state_nothing_their_text_does_not() -> None:
    """An autolinked wrapped URL keeps its repair proposal: the target is only the text again."""
    found = extract(
        _read(
            "Text[^1].\n\n[^1]: AP (2025), "
            "<https://apnews.com/article/trump-deportations-salvador-tren-aragua64e72142a171ea57c869c3b35eeecce7>\n"
        )
    )
    (link,) = found.footnotes[0].links
    assert link.url.endswith("tren-aragua-64e72142a171ea57c869c3b35eeecce7")
    assert link.repair is not None and link.repair.confirmed_by is None


def test_link_forms() -> None:
    doc = _read(
        "A [titled](https://example.org/t 'T') link, [parens](https://example.org/a_(b)), "
        "[angle](<https://example.org/s p>), [esc](https://example.org/x\\_y), "
        '<a href="https://example.org/raw">raw</a>, ![img](https://example.org/i.png), '
        "[mail](mailto:a@example.org), [rel](../x.md), [anchor](#top), \\[not a link](https://example.org/no).\n"
    )
    assert [(k.target, k.text) for k in doc.known_links] == [
        ("https://example.org/t", "titled"),
        ("https://example.org/a_(b)", "parens"),
        ("https://example.org/s p", "angle"),
        ("https://example.org/x_y", "esc"),
        ("https://example.org/raw", "raw"),
    ]


def test_crlf_and_bom() -> None:
    doc = markdown.read(b"\xef\xbb\xbfText[^1].\r\n\r\n[^1]: [x](https://example.org/a)\r\n", "doc.md")
    (fn,) = extract(doc).footnotes
    assert (fn.line, [lk.url for lk in fn.links]) == (3, ["https://example.org/a"])


def test_empty_input_is_refused() -> None:
    with pytest.raises(InputError, match="empty"):
        markdown.read(b"  \n", "doc.md")


@pytest.mark.parametrize(
    "source",
    [
        "[" * 100_000 + "x" + "]" * 100_000 + "(https://example.org)",
        "[" * 100_000 + "x" + "](https://example.org)" * 100_000,
        "^[" * 100_000 + "x" + "]" * 100_000,
        "`" * 100_000 + " a " + "``" * 1000,
        "[a](b" * 100_000,
        "<!--" * 50_000,
        "> " * 50_000 + "[^1]\n\n[^1]: x",
    ],
    ids=[
        "brackets",
        "nested-links",
        "nested-inline-notes",
        "backticks",
        "open-destinations",
        "comments",
        "quotes",
    ],
)
def test_hostile_markdown_does_not_crash(source: str) -> None:
    start = time.monotonic()
    doc = _read(source)
    assert doc.notes is not None
    assert time.monotonic() - start < 20
