"""Bounded work: `extract` on a long reading list holds memory proportional to the document with a
small constant (issue 12). Peak RSS of a real child process, from `os.wait4` (only that child is
counted, not this process nor other tests' children); memory, never time.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from cli_run import ROOT

SUPER = str.maketrans("0123456789", "⁰¹²³⁴⁵⁶⁷⁸⁹")
WORDS = ("court", "ruling", "detention", "transfer", "policy", "report", "border", "asylum")


def _reading_list(count: int) -> str:
    """`count` body lines with superscript markers, then `count` numbered notes of one URL each."""
    body = "\n".join(f"Claim {n}{str(n).translate(SUPER)}." for n in range(1, count + 1))
    notes = "\n".join(
        f"{n}. Report, https://example{n % 997}.org/news/{WORDS[n % 8]}-{WORDS[(n // 8) % 8]}-{n}"
        for n in range(1, count + 1)
    )
    return f"{body}\n\nNotes\n\n{notes}\n"


def _peak_rss_mb(*args: str) -> float:
    """Peak RSS (MB) of one `python -m citecheck ARGS` child, its output discarded."""
    env = {**os.environ, "PYTHONPATH": str(ROOT), "NO_COLOR": "1"}
    proc = subprocess.Popen(
        [sys.executable, "-m", "citecheck", *args], cwd=ROOT, env=env, stdout=subprocess.DEVNULL
    )
    _, status, usage = os.wait4(proc.pid, 0)
    proc.returncode = os.waitstatus_to_exitcode(status)  # reaped here, so Popen must not wait again
    assert proc.returncode == 0
    return usage.ru_maxrss / 1024  # kilobytes on Linux


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="ru_maxrss is in kilobytes on Linux")
@pytest.mark.parametrize("report", ["json", "text"])
def test_extract_memory_is_proportional_to_the_document(tmp_path: Path, report: str) -> None:
    doc = tmp_path / "list.txt"
    doc.write_text(_reading_list(12_000), encoding="utf-8")
    size_mb = doc.stat().st_size / 1_000_000
    one = tmp_path / "one.txt"
    one.write_text(_reading_list(1), encoding="utf-8")
    base = _peak_rss_mb("extract", "--format", report, str(one))  # the interpreter and word lists
    peak = _peak_rss_mb("extract", "--format", report, str(doc))
    assert peak - base < 40 * size_mb, f"{peak:.0f} MB peak for {size_mb:.2f} MB (base {base:.0f} MB)"


def test_footnote_parse_peak_is_a_small_multiple_of_the_text() -> None:
    """footnotes.parse holds each line once: no per-line tuple copies, no vouching entry per short
    label, and each block, label and line is let go as it is sorted, markers resolved as they are read
    (24.5x the text at 0f29c92, 14.5x at 97f71bf, now 11.9x).
    Counted by tracemalloc, so only this call's own allocations are measured."""
    import tracemalloc

    from citecheck import footnotes

    text = _reading_list(3_000)
    tracemalloc.start()
    try:
        notes = footnotes.parse(text)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert len(notes.notes) == 3_000 and len(notes.markers) == 3_000
    assert peak < 13 * len(text), f"parse peak {peak / len(text):.1f}x the text ({len(text)} chars)"
