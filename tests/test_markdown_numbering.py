"""Markdown notes carry the numbers the rendered document shows (GitHub's rules, which pandoc,
markdown-it-footnote and Python-Markdown share for referenced notes), and keep their labels.

Table-driven over real Markdown sources; each row gives the notes as (number, label, text) and the
integrity problems expected, negatives included.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from cli_run import run_citecheck

from citecheck.extract import extract
from citecheck.ingest import document_from_bytes

CASES: list[tuple[str, str, list[tuple[int, str | None, str]], set[tuple[str, int | None]]]] = [
    ("a lone [^3] renders as 1", "A[^3].\n\n[^3]: Three.\n", [(1, "3", "Three.")], set()),
    (
        "labels 1, 2, 4 render 1, 2, 3 with no gap",
        "A[^1] B[^2] C[^4].\n\n[^1]: One.\n[^2]: Two.\n[^4]: Four.\n",
        [(1, "1", "One."), (2, "2", "Two."), (3, "4", "Four.")],
        set(),
    ),
    ("a huge label is 1", "A[^1234567890].\n\n[^1234567890]: Big.\n", [(1, "1234567890", "Big.")], set()),
    (
        "order of first reference, not of the labels",
        "A[^2] B[^1] C[^2].\n\n[^1]: One.\n[^2]: Two.\n",
        [(1, "2", "Two."), (2, "1", "One.")],
        set(),
    ),
    (
        "a reference with no definition shifts no other note",
        "A[^1] B[^missing] C[^2].\n\n[^1]: One.\n[^2]: Two.\n",
        [(1, "1", "One."), (2, "2", "Two.")],
        {("orphan-marker", 3)},
    ),
    (
        "a note referenced only from another note is referenced",
        "A[^1].\n\n[^1]: One, see[^2].\n\n[^2]: Two.\n",
        [(1, "1", "One, see."), (2, "2", "Two.")],
        set(),
    ),
    (
        "a definition never referenced comes after the rendered notes",
        "A[^b].\n\n[^a]: Never.\n[^b]: Bee.\n",
        [(1, "b", "Bee."), (2, "a", "Never.")],
        {("unreferenced-footnote", 2)},
    ),
    (
        "a definition inside a block quote",
        "> Quoted[^1].\n>\n> [^1]: In a quote,\n> second line.\n>\n> After.\n",
        [(1, "1", "In a quote, second line.")],
        set(),
    ),
    (
        "a definition inside a list item",
        "- item[^q]\n- [^q]: In a list.\n",
        [(1, "q", "In a list.")],
        set(),
    ),
    # negatives: what already rendered as written stays as it was
    (
        "labels already in order",
        "A[^1] B[^2].\n\n[^1]: One.\n[^2]: Two.\n",
        [(1, "1", "One."), (2, "2", "Two.")],
        set(),
    ),
    (
        "a duplicate definition is still a duplicate",
        "A[^1].\n\n[^1]: First.\n\n[^1]: Again.\n",
        [(1, "1", "First."), (1, "1", "Again.")],
        {("duplicate-footnote", 1)},
    ),
    ("a quote without a definition holds no note", "> Not[^x] a note.\n", [], set()),
]


@pytest.mark.parametrize(("source", "notes", "problems"), [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_rendered_numbers(
    source: str, notes: list[tuple[int, str | None, str]], problems: set[tuple[str, int | None]]
) -> None:
    found = extract(document_from_bytes(source.encode(), "d.md", "markdown"))
    assert [(f.number, f.label, f.text) for f in found.footnotes] == notes
    assert {(p.kind.value, p.number) for p in found.problems} == problems


def test_json_reports_number_and_label(tmp_path: Path) -> None:
    doc = tmp_path / "d.md"
    doc.write_text(
        "A[^note-3] B[^7].\n\n[^note-3]: One, <https://a.example/x>.\n[^7]: Two.\n", encoding="utf-8"
    )
    done = run_citecheck("extract", "--format", "json", str(doc))
    assert done.returncode == 0, done.stderr
    notes = json.loads(done.stdout)["documents"][0]["footnotes"]
    assert [(n["number"], n["label"]) for n in notes] == [(1, "note-3"), (2, "7")]
