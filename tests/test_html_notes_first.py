"""HTML pages that list their notes before the text (issue 16): the notes are found as notes, with
the links they cite; a lone link back to an earlier block is no note. Expected values in the table."""

from __future__ import annotations

import pytest

from citecheck.extract import extract
from citecheck.ingest import document_from_bytes

A, B = "https://a.example/one", "https://b.example/two"
BODY = '<p>A claim.<sup><a href="#n1" id="r1">1</a></sup> Another.<sup><a href="#n2" id="r2">2</a></sup></p>'
NOTES = f'<div><p id="n1">1. Doe, A report, {A}</p>\n<p id="n2">2. Roe, Another, {B}</p></div>'
BACKLINKED = (
    f'<div><p id="n1"><a href="#r1">↩</a> 1. Doe, A report, {A}</p>\n'
    f'<p id="n2"><a href="#r2">↩</a> 2. Roe, Another, {B}</p></div>'
)

CASES = [
    ("notes-first", f"<html><body>{NOTES}\n{BODY}</body></html>", [(1, [A]), (2, [B])], []),
    ("notes-first-backlinked", f"<html><body>{BACKLINKED}\n{BODY}</body></html>", [(1, [A]), (2, [B])], []),
    ("notes-after", f"<html><body>{BODY}\n{NOTES}</body></html>", [(1, [A]), (2, [B])], []),
    # negatives: a marker pointing back at a heading or at one earlier paragraph is no note
    (
        "back-to-a-heading",
        f'<html><body><h2 id="s1">Introduction</h2><p>Text {A}</p><p>See.<sup><a href="#s1">1</a></sup></p>'
        "</body></html>",
        [],
        [A],
    ),
    (
        "back-to-one-paragraph",
        f'<html><body><p id="p1">A paragraph with {A}.</p><p>As said.<sup><a href="#p1">1</a></sup></p>'
        "</body></html>",
        [],
        [A],
    ),
]


@pytest.mark.parametrize(("page", "notes", "unnumbered"), [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_notes_listed_before_the_text(
    page: str, notes: list[tuple[int, list[str]]], unnumbered: list[str]
) -> None:
    extraction = extract(document_from_bytes(page.encode(), "page.html", "html"))
    assert [(f.number, [lk.url for lk in f.links]) for f in extraction.footnotes] == notes
    assert [lk.url for lk in extraction.unnumbered_links] == unnumbered
