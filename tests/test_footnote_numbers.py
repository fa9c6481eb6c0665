"""Footnote numbers have no digit cap: notes 10,000 and above are their own footnotes, in every
style, while long numbers that are not footnotes (zip codes, page and docket numbers) stay text."""

from __future__ import annotations

import pytest

from citecheck import footnotes
from citecheck.extract import extract
from citecheck.ingest import html
from citecheck.models import Document

SUPER = str.maketrans("0123456789", "⁰¹²³⁴⁵⁶⁷⁸⁹")
NUMBERS = range(9998, 10003)


def sup(n: int) -> str:
    return str(n).translate(SUPER)


def url(n: int) -> str:
    return f"https://example.org/note/{n}"


def _superscript() -> str:
    body = " ".join(f"Claim {n}{sup(n)}." for n in NUMBERS)
    return body + "\n\n" + "\n".join(f"{sup(n)} See {url(n)}." for n in NUMBERS) + "\n"


def _bracket() -> str:
    body = " ".join(f"Claim [{n}]." for n in NUMBERS)
    return body + "\n\n" + "\n".join(f"[{n}] See {url(n)}." for n in NUMBERS) + "\n"


def _numbered() -> str:
    body = " ".join(f"Claim {n}{sup(n)}." for n in NUMBERS)
    return body + "\n\nNotes\n\n" + "\n".join(f"{n}. See {url(n)}." for n in NUMBERS) + "\n"


def _caret() -> str:
    body = " ".join(f"Claim ^{n} and ^{{{n}}}." for n in NUMBERS)
    return body + "\n\n" + "\n".join(f"{sup(n)} See {url(n)}." for n in NUMBERS) + "\n"


def _markdown() -> str:
    body = " ".join(f"Claim[^{n}]." for n in NUMBERS)
    return body + "\n\n" + "\n".join(f"[^{n}]: See {url(n)}." for n in NUMBERS) + "\n"


@pytest.mark.parametrize(
    "text",
    [_superscript(), _bracket(), _numbered(), _caret(), _markdown()],
    ids=["superscript", "bracket", "numbered", "caret", "markdown"],
)
def test_notes_9998_to_10002_are_each_their_own_footnote(text: str) -> None:
    found = extract(Document("long.txt", text))
    assert [(f.number, [lk.url for lk in f.links]) for f in found.footnotes] == [
        (n, [url(n)]) for n in NUMBERS
    ]
    assert found.unnumbered_links == ()
    assert found.problems == ()


def test_a_hundred_thousand_notes_each_hold_their_own_url() -> None:
    count = 100_000
    body = "\n".join(f"Claim {n}{sup(n)}." for n in range(1, count + 1))
    notes = "\n".join(f"{n}. See {url(n)}." for n in range(1, count + 1))
    parsed = footnotes.parse(body + "\n\nNotes\n\n" + notes + "\n")
    assert [d.number for d in parsed.notes] == list(range(1, count + 1))
    assert all(d.pieces[-1][1] == f"See {url(d.number)}." for d in parsed.notes)
    assert [m.number for m in parsed.markers] == list(range(1, count + 1))
    assert parsed.problems == ()


def test_html_markers_of_five_digits_point_at_their_notes() -> None:
    markers = "".join(f'<p>Claim<sup><a href="#fn{n}">[{n}]</a></sup>.</p>' for n in NUMBERS)
    notes = "".join(f'<p id="fn{n}">{n}. See <a href="{url(n)}">{url(n)}</a>.</p>' for n in NUMBERS)
    found = extract(html.read(f"<html><body>{markers}<hr>{notes}</body></html>".encode(), "long.html"))
    assert [[lk.url for lk in f.links] for f in found.footnotes] == [[url(n)] for n in NUMBERS]
    assert found.unnumbered_links == ()


@pytest.mark.parametrize(
    ("text", "numbers"),
    [
        # a zip code or a docket number at a line start under Notes is no footnote 10001
        (
            "Claim¹ and².\n\nNotes\n\n1. See https://example.org/1.\n2. Sent to the office at\n"
            "10001. New York, https://example.org/2.\n",
            [1, 2],
        ),
        # a long number in brackets is no marker of a footnote that does not exist
        (
            "Claim [1] and [2], see page [12345] and case [20250101].\n\n[1] https://example.org/1\n"
            "[2] https://example.org/2\n",
            [1, 2],
        ),
        # a jump from 2 to 50000 is not a sequence: no footnote 50000
        (
            "Claim¹ and² and³.\n\n¹ https://example.org/1\n² https://example.org/2\n"
            "⁵⁰⁰⁰⁰ https://example.org/3\n",
            [1, 2],
        ),
        # a caret before a long id is not a marker
        # a five-digit number alone at a line start under Notes is no footnote
        ("Claim¹.\n\nNotes\n\n1. See https://example.org/1 (filed\n20251. and refiled).\n", [1]),
        ("Claim¹ (ids ^20251 and ^{123456}).\n\n¹ https://example.org/1\n", [1]),
    ],
    ids=["zip-code", "page-number", "no-sequence", "five-digit-alone", "caret-number"],
)
def test_long_numbers_that_are_not_footnotes_stay_text(text: str, numbers: list[int]) -> None:
    found = extract(Document("negatives.txt", text))
    assert [f.number for f in found.footnotes] == numbers
    assert all(p.number is None or p.number < 10 for p in found.problems)
