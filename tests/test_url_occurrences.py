"""A URL repeated in a document keeps every occurrence's line (issue 16): each place it stands is a
citation of its own, whichever way each one is written (a bare URL, an autolink, a link over words)."""

from __future__ import annotations

import pytest

from citecheck.extract import extract
from citecheck.ingest import document_from_bytes

URL = "https://a.example/report"

CASES = [
    ("text", "text", f"See {URL} here.\n\nAnd again {URL} there.\n", [1, 3]),
    ("md-inline-then-autolink", "markdown", f"See [the report]({URL}).\n\nAnd <{URL}> again.\n", [1, 3]),
    ("md-autolink-then-inline", "markdown", f"See <{URL}>.\n\nAnd [the report]({URL}) again.\n", [1, 3]),
    ("md-two-inline", "markdown", f"See [one]({URL}).\n\nAnd [two]({URL}).\n", [1, 3]),
    ("md-bare-then-inline", "markdown", f"See {URL} here.\n\nAnd [the report]({URL}).\n", [1, 3]),
    ("html-two-anchors", "html", f'<p><a href="{URL}">1</a></p>\n<p>\n<a href="{URL}">2</a></p>\n', [1, 2]),
    # negatives: one occurrence stays one link
    ("md-one-inline", "markdown", f"See [the report]({URL}).\n", [1]),
    ("md-visible-url-link", "markdown", f"See [{URL}]({URL}).\n", [1]),
]


@pytest.mark.parametrize(("fmt", "text", "lines"), [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_every_occurrence_keeps_its_line(fmt: str, text: str, lines: list[int]) -> None:
    extraction = extract(document_from_bytes(text.encode(), f"doc.{fmt}", fmt))
    found = [(lk.url, lk.line) for lk in extraction.unnumbered_links]
    assert found == [(URL, line) for line in lines]
