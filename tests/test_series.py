"""Numbering that restarts: court opinions, chapters and endnote sections number their notes from 1
again. Footnotes carry their `series`; integrity is checked within each series."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from citecheck.extract import extract
from citecheck.footnotes import parse
from citecheck.models import Document

ROOT = Path(__file__).resolve().parent.parent
SCOTUS = ROOT / "fixtures" / "scotus-fisher-2013-opinion.txt"

# Fisher v. University of Texas (2013), as pdftotext gives it: the Court's opinion has no notes;
# THOMAS, J., concurring numbers 1-5, GINSBURG, J., dissenting 1-4, each note after a `——————`
# rule at the foot of its page, its number plain digits.
SCOTUS_NOTES = [
    (1, 1, 754, "The standard of “pressing public necessity” is more frequently called"),
    (1, 2, 938, "Similar arguments were advanced unsuccessfully in other cases as"),
    (1, 3, 1147, "While the arguments advanced by the University in defense of dis-"),
    (1, 4, 1356, "The lowest possible score on the SAT is 600, and the highest possi-"),
    (1, 5, 1428, "The success of historically black colleges at producing graduates"),
    (2, 1, 1504, "See Brief for Amherst College et al. as Amici Curiae 33–35; Brief for"),
    (2, 2, 1545, "The notion that Texas’ Top Ten Percent Law is race neutral calls to"),
    (2, 3, 1584, "As the Court said in Grutter v. Bollinger, 539 U. S. 306, 339 (2003),"),
    (2, 4, 1622, "Because the University’s admissions policy, in my view, is constitu-"),
]


def test_the_scotus_opinion_has_its_footnotes_per_opinion() -> None:
    ex = extract(Document(str(SCOTUS), SCOTUS.read_text(encoding="utf-8")))
    got = [(fn.series, fn.number, fn.line, fn.text) for fn in ex.footnotes]
    assert [g[:3] for g in got] == [n[:3] for n in SCOTUS_NOTES]
    for (_, _, _, text), (_, _, _, first_line) in zip(got, SCOTUS_NOTES, strict=True):
        assert text.startswith(" ".join(first_line.split()).rstrip("-"))
    assert ex.problems == ()  # each opinion's markers and notes agree within it


def test_the_json_report_writes_each_footnote_with_its_series(tmp_path: Path) -> None:
    out = tmp_path / "scotus.json"
    done = subprocess.run(
        [sys.executable, "-m", "citecheck", "extract", str(SCOTUS), "--format", "json", "-o", str(out)],
        capture_output=True,
        text=True,
        cwd=ROOT,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    (document,) = json.loads(out.read_text(encoding="utf-8"))["documents"]
    assert [(fn["series"], fn["number"]) for fn in document["footnotes"]] == [n[:2] for n in SCOTUS_NOTES]


CHAPTERS = """Chapter one

The deportations began in March.¹ The prison held them.²

¹ Jane Doe, Reuters, https://example.org/one.
² ACLU, https://example.org/two.

Chapter two

The court ruled in April.¹ The government appealed.² It lost.³

¹ Court ruling, https://example.org/three.
² Appeal, https://example.org/four.
³ Decision, https://example.org/five.
"""


def test_superscript_notes_that_restart_make_two_series_without_problems() -> None:
    notes = parse(CHAPTERS)
    assert [(d.series, d.number) for d in notes.notes] == [(1, 1), (1, 2), (2, 1), (2, 2), (2, 3)]
    assert [(m.series, m.number) for m in notes.markers] == [(1, 1), (1, 2), (2, 1), (2, 2), (2, 3)]
    assert notes.problems == ()


def test_a_footnote_defined_twice_at_once_is_a_duplicate_not_a_series() -> None:
    text = "Body.¹ More.²\n\n¹ One, https://example.org/a.\n¹ One again, https://example.org/b.\n"
    notes = parse(text)
    assert [d.series for d in notes.notes] == [1, 1]
    assert [p.kind.value for p in notes.problems][:1] == ["duplicate-footnote"]


def test_a_missing_note_is_reported_within_its_series() -> None:
    text = CHAPTERS.replace("² Appeal, https://example.org/four.\n", "")
    kinds = [(p.kind.value, p.number) for p in parse(text).problems]
    assert kinds == [("missing-footnote", 2)]


def test_numbered_lists_that_restart_are_no_notes() -> None:
    text = (
        "Steps for the clinic:\n1. Open the file.\n2. Read the record.\n3. Close the file.\n\n"
        "Steps for the court:\n1. File the motion in 2025.\n2. Serve the parties.\n3. Wait for 30 days.\n"
    )
    notes = parse(text)
    assert notes.notes == () and notes.problems == ()
