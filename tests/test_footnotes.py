"""Footnote styles, page-break reassembly and integrity checks, table-driven over small real-shaped texts."""

from __future__ import annotations

import pytest

from citecheck.footnotes import parse
from citecheck.models import ProblemKind


def numbers(text: str) -> list[int]:
    return [n.number for n in parse(text).notes]


def note_text(text: str, number: int) -> str:
    (note,) = [n for n in parse(text).notes if n.number == number]
    return " ".join(piece for _, piece in note.pieces)


def kinds(text: str) -> list[tuple[str, int | None]]:
    return [(p.kind.value, p.number) for p in parse(text).problems]


SUPERSCRIPT = """Body sentence one.¹ Body sentence two.²³

¹ First, Outlet (Mar. 1, 2025), https://a.example.org/one.
² Second note.
³ Third note, <https://c.example.org/three>.
"""

CARET_LIST = """The body cites two at once.^{1, 2} And a range.^{3–4}

¹ One.

² Two.

³ Three.

⁴ Four.
"""

MARKDOWN = """Body with a reference.[^1] And another.[^2]

[^1]: See https://example.org/one.
[^2]: See also https://example.org/two.
"""

BRACKET = """A paper cites a source [1] and two more [2, 3].

[1] A. Author, Title, https://doi.org/10.1000/one
[2] B. Author, Title two.
[3] C. Author, Title three, https://example.org/three
"""

NUMBERED = """A report cites a source.¹ And another.² A list in the body is not a footnote:

1. first item
2. second item

Notes

1. See https://example.org/one.
2. See https://example.org/two.
"""

TEN_PLUS = "".join(
    f"Claim {i}.{str(i).translate(str.maketrans('0123456789', '⁰¹²³⁴⁵⁶⁷⁸⁹'))} " for i in range(1, 13)
)
TEN_PLUS += "\n\n" + "\n".join(
    f"{str(i).translate(str.maketrans('0123456789', '⁰¹²³⁴⁵⁶⁷⁸⁹'))} Note {i}." for i in range(1, 13)
)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (SUPERSCRIPT, [1, 2, 3]),
        (CARET_LIST, [1, 2, 3, 4]),
        (MARKDOWN, [1, 2]),
        (BRACKET, [1, 2, 3]),
        (NUMBERED, [1, 2]),
        (TEN_PLUS, list(range(1, 13))),
    ],
    ids=["superscript", "caret-list", "markdown", "bracket", "numbered-notes", "multi-digit"],
)
def test_footnote_styles(text: str, expected: list[int]) -> None:
    assert numbers(text) == expected
    assert parse(text).problems == ()


def test_numbered_list_before_notes_heading_is_body() -> None:
    notes = parse(NUMBERED)
    assert any("first item" in line for _, line in notes.body)


def test_markers_with_no_footnote_and_gaps() -> None:
    text = "One.¹ Two.² Four.⁴ Nine.⁹\n\n¹ A.\n\n² B.\n\n⁴ D.\n"
    assert kinds(text) == [
        ("orphan-marker", 9),
        ("missing-footnote", 3),
    ]


def test_marker_inside_range_without_footnote_is_missing() -> None:
    text = "One.¹ Two.² Three.³\n\n¹ A.\n\n³ C.\n"
    assert kinds(text) == [("missing-footnote", 2)]


def test_unreferenced_duplicate_and_out_of_order() -> None:
    text = "One.¹ Three.³ Two.²\n\n¹ A.\n\n³ C.\n\n² B.\n\n² B again.\n\n⁴ D.\n"
    assert sorted(kinds(text), key=str) == sorted(
        [
            ("out-of-order", 2),  # definition 2 after 3
            ("duplicate-footnote", 2),
            ("out-of-order", 2),  # marker 2 first appears after marker 3
            ("unreferenced-footnote", 4),
        ],
        key=str,
    )


def test_stray_superscript_without_footnotes_is_not_a_problem() -> None:
    assert kinds("The room is 20 m² large.\n") == []


PAGE_BREAK = """Body text on page one.¹ More body text.²

¹ First note ends here.

² Second note, Outlet (Mar. 16, 2025),

The body continues on page two, and cites a third source.³ It goes on.

<https://example.org/second-note-url>; see also Another Outlet (Mar. 17, 2025).

³ Third note.
"""


def test_bare_url_after_page_break_joins_the_previous_footnote() -> None:
    assert "https://example.org/second-note-url" in note_text(PAGE_BREAK, 2)
    assert "The body continues" not in note_text(PAGE_BREAK, 2)


LOWER_CASE = """Body.¹ Body.²

¹ A note that goes on to the

Body text on the next page, with its own marker.³

next page: continued words (Mar. 1, 2025), <https://example.org/cont>

² Second.

³ Third.
"""


def test_lower_case_continuation_before_the_next_zone() -> None:
    assert "next page: continued words" in note_text(LOWER_CASE, 1)
    assert "Body text on the next page" not in note_text(LOWER_CASE, 1)


ORPHAN_TAIL = """Body.¹ Body.²

¹ See https://example.org/page?gclid=CjwKCAjwz

Body continues on the next page without markers and ends mid-sentence before the notes

Mi_BhACEiwAX4YZUETSvO3iGy_BwE.

² Second.
"""


def test_orphan_url_tail_joins_the_note() -> None:
    text = note_text(ORPHAN_TAIL, 1)
    assert "Mi_BhACEiwAX4YZUETSvO3iGy_BwE." in text
    assert "Body continues" not in text


BODY_AFTER_NOTES = """Body.¹

¹ A note with a URL, https://example.org/a,

lower-case body text that continues the page but carries a marker of its own.² It is body.

² Second.
"""


def test_body_with_markers_is_never_swallowed() -> None:
    assert "lower-case body text" not in note_text(BODY_AFTER_NOTES, 1)
    assert [m.number for m in parse(BODY_AFTER_NOTES).markers] == [1, 2]


SIGNATURES = """Body.¹

¹ A note, <https://example.org/a>;

Civil Society Organizations

Alliance One
Alliance Two
"""


def test_signature_block_after_last_note_is_body() -> None:
    assert "Civil Society" not in note_text(SIGNATURES, 1)


def test_lines_are_numbered_from_one() -> None:
    notes = parse(SUPERSCRIPT)
    assert [n.line for n in notes.notes] == [3, 4, 5]
    assert [(m.number, m.line) for m in notes.markers] == [(1, 1), (2, 1), (3, 1)]


def test_adjacent_superscripts_split_only_when_the_whole_number_is_undefined() -> None:
    text = "A.¹ B.² C.¹²\n\n¹ One.\n\n² Two.\n\n¹² Twelve.\n"
    assert [m.number for m in parse(text).markers] == [1, 2, 12]


def test_form_feed_separates_pages() -> None:
    text = "Body.¹\f¹ Note on a new page, https://example.org/x.\n"
    assert numbers(text) == [1]


@pytest.mark.parametrize("kind", list(ProblemKind))
def test_problem_kinds_are_the_contract_strings(kind: ProblemKind) -> None:
    assert kind.value in {
        "missing-footnote",
        "orphan-marker",
        "unreferenced-footnote",
        "duplicate-footnote",
        "out-of-order",
    }


def test_five_digit_footnotes_and_excerpts_that_start_late() -> None:
    text = "Body.⁹⁹⁹⁹ More.¹⁰⁰⁰⁰\n\n⁹⁹⁹⁹ See https://example.org/a.\n\n¹⁰⁰⁰⁰ See https://example.org/b.\n"
    assert numbers(text) == [9999, 10000]
    assert parse(text).problems == ()  # no "numbering skips 1..9998" for an excerpt


MUTOOL_LINK_BLOCKS = """\
The transfers were reported widely.3 The camps were visited.4

3Center for Constitutional Rights, "Border Ruling," May 15, 2023,

https://ccrjustice.org/home/what-we-do/our-cases/abuses-v-judge (last visited May 15, 2025).

4The Guardian, "Survey Release," Apr. 2, 2024, https://www.theguardian.com/world/

2023/mar/01/torture-conditions-statement (last visited
April 2, 2025).

5Human Rights Watch, Dec. 25, 2024, available at https://www.hrw.

org/report/2025/01/23/abuses-rights-investigation.

6Report, https://example.org/report

2023 was the year the court first heard the case, and the body goes on here.
"""


def test_a_url_that_goes_on_after_a_blank_line_keeps_its_note() -> None:
    """mutool writes a blank line before a link's text that starts a line (typst PDFs): the part
    after it belongs to the note when the wrap decision says the URL goes on, never otherwise."""
    notes = parse(MUTOOL_LINK_BLOCKS)
    texts = {d.number: " ".join(line for _, line in d.pieces) for d in notes.notes}
    assert "2023/mar/01/torture-conditions-statement" in texts[4]
    assert "April 2, 2025" in texts[4]
    assert "org/report/2025/01/23/abuses-rights-investigation" in texts[5]
    assert texts[6] == "Report, https://example.org/report"  # a complete URL, then the body
    assert any(line.startswith("2023 was the year") for _, line in notes.body)


MUTOOL_DATE_BLOCKS = """\
The guards were moved.1 The commission visited.2 The names were published.3

1Access Secrecy Census Sanctions, Wash. Post, Sept.

19, 2025, available at https://www.washingtonpost.com/immigration/2025/07/05/guards-cecot/.

2Lawyers Council Hunger Mandate, Organization of American States,

Oct. 10, 2023, available at https://www.oas.org/en/iachr/jsForm/?File=/en/iachr/106.asp.

3cbsnews.com, "Torture Emergency Oversight," Mar. 5, 2023, https://www.cbsnews.com/news/names/

The letter goes on after the notes.
"""


def test_a_note_cut_inside_a_date_or_after_a_comma_goes_on_with_the_date() -> None:
    """mutool's blank lines inside one note: after `Sept.` the day, after `States,` a date."""
    notes = parse(MUTOOL_DATE_BLOCKS)
    texts = {d.number: " ".join(line for _, line in d.pieces) for d in notes.notes}
    assert sorted(texts) == [1, 2, 3]  # 3 glued to a publisher named by its host
    assert "19, 2025, available at https://www.washingtonpost.com/" in texts[1]
    assert "Oct. 10, 2023, available at https://www.oas.org/" in texts[2]
    assert texts[3].startswith("cbsnews.com,")
    assert not notes.problems
    assert any(line.startswith("The letter goes on") for _, line in notes.body)
