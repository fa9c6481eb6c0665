"""Plain-digit footnotes (citecheck/plainnotes.py), table-driven over texts shaped like what pdftotext,
`pdftotext -layout`, mutool and pypdf give for footnoted PDFs (bench/corpus/), with negatives: numbered
lists, years at a line start, statute numbers, page numbers and tables are no notes."""

from __future__ import annotations

import pytest

from citecheck.footnotes import parse
from citecheck.plainnotes import body_markers

BODY = (
    "The court ordered the transfer of detainees to CECOT.1 Lawyers were denied access to the\n"
    "prison for months,2 and the government refused to answer. 3 The record was sealed.\n"
)
NOTES = (
    ("Jane Doe, “Deportation Flights,” Reuters, Mar. 3, 2025,", "https://example.org/one"),
    ("ACLU, “Access Denied,” Apr. 4, 2025,", "https://example.org/two"),
    ("Id. at 4; see also", "https://example.org/three"),
)


def doc(form: str, body: str = BODY, notes: tuple[tuple[str, str], ...] = NOTES) -> str:
    """A one-page document whose notes use a definition form (the number then the note's text)."""
    defs = (form.format(n=n, text=text, url=url) for n, (text, url) in enumerate(notes, 1))
    return body + "\n" + "".join(defs)


FORMS = {
    "spaced (mutool, pypdf)": "{n} {text} {url}.\n",
    "period (chromium <ol>)": "{n}. {text} {url}.\n",
    "tab": "{n}\t{text} {url}.\n",
    "glued (typst, pdflatex with mutool/pypdf)": "{n}{text} {url}.\n",
    "indented glued (typst -layout)": "   {n}{text} {url}.\n",
    "alone, blank, text (pdftotext)": "{n}\n\n{text} {url}.\n",
    "alone, text on the next line (-layout)": "  {n}\n      {text}\n{url}.\n",
}


@pytest.mark.parametrize("form", FORMS.values(), ids=FORMS.keys())
def test_each_definition_form_gives_the_notes_and_their_urls(form: str) -> None:
    notes = parse(doc(form))
    assert [n.number for n in notes.notes] == [1, 2, 3]
    for note, (_, url) in zip(notes.notes, NOTES, strict=True):
        text = " ".join(piece for _, piece in note.pieces)
        assert url in text
        assert not any(other in text for _, other in NOTES if other != url)
    assert [m.number for m in notes.markers] == [1, 2, 3]


MARKERS = [
    ("governments.12 more", [12]),
    ("CECOT,12 and", [12]),
    ("CECOT.12 13 Then", [12, 13]),
    ("under art.9 of", [9]),
    ("in 2020. 3 Parliament", [3]),
    ("in 2020.3 Parliament", [3]),
    ("see https://example.org/report.12 now", []),
    ("gov.uscourts.dcd.441696.15.0.pdf", []),
    ("access-4342c9f9d6f63c9129e6f01d2f963a09.", []),
    ("8 U.S.C. 1231 and 75.7 percent", []),
]


@pytest.mark.parametrize(("text", "expected"), MARKERS)
def test_body_markers(text: str, expected: list[int]) -> None:
    assert [n for _, n in body_markers(text)] == expected


NUMBERED_LIST = """Findings of the inspection

1. Budget embassy treaty release habeas sanctions (29 cases in 2007).
2. Survey emergency watch council families camps (6 cases in 2011).
3. Sanctions testimony prison payment obligations (6 cases in 2005).

2. Monitoring rights census under Art. 3 ECHR and Pub. L. No. 118-47 since 2015.
"""

YEARS_AND_STATUTES = """Custody oversight under
8 U.S.C. 1231 and 8 C.F.R. 208.16 since 2022, see page 26, para. 17.
2015 was the first year, and
2016 the second; 24 people, 75.7 percent.
3 people were released.
"""

PAGE_NUMBERS = "Body text of the first page.\n\n1\n\fBody text of the second page.\n\n2\n\fThe third.\n\n3\n"

TABLE = "Year\nCases\nShare\n2015\n9495\n11%\n2016\n1507\n85%\n1\n2\n3\n"


@pytest.mark.parametrize(
    "text",
    [NUMBERED_LIST, YEARS_AND_STATUTES, PAGE_NUMBERS, TABLE],
    ids=["numbered list", "years and statutes", "page numbers", "table"],
)
def test_no_notes_without_evidence(text: str) -> None:
    assert parse(text).notes == ()


MIXED = {
    "a numbered list in the body": NUMBERED_LIST + "\n",
    "years and statutes at line starts": YEARS_AND_STATUTES + "\n",
    "page numbers": "Intro page.\n\n1\n\f",
}


@pytest.mark.parametrize("before", MIXED.values(), ids=MIXED.keys())
def test_notes_are_found_past_look_alike_numbers(before: str) -> None:
    notes = parse(before + doc(FORMS["spaced (mutool, pypdf)"]))
    assert [n.number for n in notes.notes] == [1, 2, 3]
    assert "https://example.org/one" in " ".join(piece for _, piece in notes.notes[0].pieces)


def test_a_gap_and_a_page_number_in_the_run() -> None:
    """Note 3 lost in extraction and a page number `2` between notes: the chain skips the one and
    prefers the note (a citation) over the page number."""
    notes = (*NOTES, ("The Guardian, “Camps,” May 5, 2025,", "https://example.org/four"))
    text = doc("{n} {text} {url}.\n", notes=notes)
    lines = text.splitlines(keepends=True)
    third = next(i for i, line in enumerate(lines) if line.startswith("3 "))
    lines[third] = lines[third][2:]
    lines.insert(third, "2\n\f")
    body = BODY + "A fourth claim.4\n"
    result = parse(body + "".join(lines[len(BODY.splitlines()) :]))
    assert [n.number for n in result.notes] == [1, 2, 4]
    second = " ".join(piece for _, piece in result.notes[1].pieces)
    assert "https://example.org/two" in second


def test_a_document_with_other_note_forms_keeps_them() -> None:
    text = "Body.¹ More.²\n\n¹ One, https://example.org/one.\n² Two, https://example.org/two.\n"
    text += "3 items, 2025.\n"
    assert [n.number for n in parse(text).notes] == [1, 2]


NUMBERS_AFTER_TEXT = (
    "The first page cites a report.1 And another.2 And a third.3\n"
    "Jane Doe, “Deportation Flights,” Mar. 3, 2025, https://example.org/one.\n"
    "1\n"
    "\n"
    "ACLU, “Access Denied,” Apr. 4, 2025, https://example.org/two.\n"
    "2\n"
    "\n"
    "Id. at 4; see also https://example.org/three/part3\n"
    "\n"
    "\fThe second page cites a fourth.4\n"
    "Human Rights Watch, “Camps,” May 5, 2025, https://example.org/four.\n"
    "4\n"
    "\n"
    "\f"
)


def test_numbers_printed_after_their_notes() -> None:
    """pdftotext prints each note's number after its text for some layouts (the run ends with a number
    that has no text after it), and a page's last number glued to the end of its last line."""
    notes = parse(NUMBERS_AFTER_TEXT).notes
    assert [n.number for n in notes] == [1, 2, 3, 4]
    texts = [" ".join(piece for _, piece in n.pieces) for n in notes]
    assert texts == [
        "Jane Doe, “Deportation Flights,” Mar. 3, 2025, https://example.org/one.",
        "ACLU, “Access Denied,” Apr. 4, 2025, https://example.org/two.",
        "Id. at 4; see also https://example.org/three/part",
        "Human Rights Watch, “Camps,” May 5, 2025, https://example.org/four.",
    ]


def test_numbers_after_their_notes_with_some_numbers_before_body_text() -> None:
    """poppler on LibreOffice's PDFs: every number follows its note's text, and where body text
    follows a number the forward reading gives it no note: it still labels the text before it."""
    text = (
        "The transfer was reported.1 Lawyers objected.2 The court ruled.3\n\n"
        "Jane Doe, “Deportation Flights,” Reuters, https://example.org/one.\n1\n\n"
        "ACLU, “Access Denied,” Apr. 4, 2025, https://example.org/two.\n2\n\n"
        "more body text about the ruling.4 And on.\n\n"
        "Id. at 4; see also https://example.org/three.\n3\n\n"
        "Court, “Order,” https://example.org/four.\n4\n\n"
        "Sincerely,\nThe Clinic\n"
    )
    notes = parse(text)
    urls = {n.number: " ".join(p for _, p in n.pieces) for n in notes.notes}
    assert sorted(urls) == [1, 2, 3, 4]
    for number, tail in ((1, "one"), (2, "two"), (3, "three"), (4, "four")):
        assert f"https://example.org/{tail}" in urls[number], (number, urls[number])


def test_two_numbers_around_one_text_share_it_at_the_last_citation() -> None:
    """poppler on LibreOffice's PDFs prints one note's number before the zone's text and the next
    one's after it (`6` / two notes' text / `7`): the second note starts at the last citation."""
    text = (
        "The transfer was reported.1 Lawyers objected.2 The court ruled.3 The camps grew.4\n\n"
        "1\n\n"
        "Ana Lucía González, Disappearance Court Families, United Nations (Sept. 1, 2025),\n"
        "https://undocs.org/Home/Mobile?FinalSymbol=A%2FHRC%2F50%2F41.\n"
        "Priya Natarajan, Statement Obligations Deportation Inspection Hearing\n"
        "Guards, YouTube (Jan. 19, 2024), https://www.youtube.com/watch?v=d1a024e8b05.\n"
        "Response statement monitoring judge report families mandate salvador.\n"
        "2\n\n"
        "3\n\n"
        "Report Inspection Payment, El País, June 3, 2023, available at https://elpais.com/a.html.\n"
        "Tomás Herrera, Prison Statement, CNN (Jan. 4, 2023), https://www.cnn.com/2025/08/13/b.\n"
        "4\n\n"
        "more body text about the ruling.5 And on.\n"
    )
    notes = parse(text)
    texts = {n.number: " ".join(p for _, p in n.pieces) for n in notes.notes}
    assert sorted(texts) == [1, 2, 3, 4]
    assert texts[1].startswith("Ana Lucía González") and "undocs.org" in texts[1]
    assert texts[2].startswith("Priya Natarajan") and "youtube.com" in texts[2]
    assert "Response statement" in texts[2]  # no citation after it: no note of its own
    assert texts[3].startswith("Report Inspection Payment") and "youtube" not in texts[3]
    assert texts[4].startswith("Tomás Herrera")


def test_numbers_printed_together_label_the_texts_after_them_in_order() -> None:
    """`3` / a note citing once / `4` / `5` / text / text (poppler on LibreOffice's PDFs): the
    text between is 3's, and 4 and 5 label the two texts after them."""
    text = (
        "The transfer was reported.1 Lawyers objected.2 The court ruled.3 It was cited.4 Again.5\n\n"
        "1\n\nJane Doe, “Deportation Flights,” Reuters, https://example.org/one.\n"
        "2\n\nACLU, “Access Denied,” Apr. 4, 2025, https://example.org/two.\n"
        "3\n\nCourt, “Order,” Nov. 25, 2024, available at https://example.org/three.\n"
        "4\n5\n\nId. at 23.\n\n"
        "Julia Ainsley, Response Refugees, UN Digital Library (Oct. 18, 2023),\n"
        "https://example.org/five.\n\n"
        "more body text about the ruling.6 And on.\n"
    )
    texts = {n.number: " ".join(p for _, p in n.pieces) for n in parse(text).notes}
    assert sorted(texts) == [1, 2, 3, 4, 5]
    assert "https://example.org/three" in texts[3]
    assert texts[4] == "Id. at 23."
    assert texts[5].startswith("Julia Ainsley") and "https://example.org/five" in texts[5]
