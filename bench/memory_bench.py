"""Benchmark `citecheck extract` for time and peak memory on generated text, Markdown and HTML.

Run: `python bench/memory_bench.py [--sizes 3,30] [--formats text,markdown,html] [--report json]`
(sizes in MB = 10^6 bytes). Each run is a child process; its peak RSS comes from `os.wait4`, so
nothing else in this process is counted. The documents are URL lines as a long reading list
writes them (`1. Title, https://host/path-words-1` under a Notes heading, with superscript
markers in the body), generated, never stored. Standard library only; prints, never asserts.
Point `--root` at another checkout (e.g. `git worktree` of an older commit) to compare.
"""

from __future__ import annotations

import argparse
import os
import random
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
WORDS = [
    "court",
    "ruling",
    "detention",
    "transfer",
    "policy",
    "report",
    "border",
    "asylum",
    "prison",
    "families",
    "hearing",
]
SUPER = str.maketrans("0123456789", "⁰¹²³⁴⁵⁶⁷⁸⁹")


def _url(rng: random.Random, n: int) -> str:
    return f"https://example{n % 997}.org/news/{'-'.join(rng.sample(WORDS, 3))}-{n}"


def text_doc(size: int, rng: random.Random) -> str:
    """URL lines: body lines with superscript markers, then numbered notes, one URL each."""
    count = max(1, size // 120)
    body = "\n".join(f"Claim {n}{str(n).translate(SUPER)}." for n in range(1, count + 1))
    notes = "\n".join(f"{n}. Report, {_url(rng, n)}" for n in range(1, count + 1))
    return f"{body}\n\nNotes\n\n{notes}\n"


def markdown_doc(size: int, rng: random.Random) -> str:
    count = max(1, size // 110)
    body = "\n".join(f"Claim {n}[^{n}]." for n in range(1, count + 1))
    notes = "\n".join(f"[^{n}]: Report, <{_url(rng, n)}>" for n in range(1, count + 1))
    return f"{body}\n\n{notes}\n"


def html_doc(size: int, rng: random.Random) -> str:
    count = max(1, size // 260)
    body = "".join(f'<p>Claim {n}<sup><a href="#fn{n}">{n}</a></sup>.</p>\n' for n in range(1, count + 1))
    notes = "".join(
        f'<li id="fn{n}">Report, <a href="{(u := _url(rng, n))}">{u}</a></li>\n' for n in range(1, count + 1)
    )
    return f'<html><body>{body}<section class="footnotes"><ol>{notes}</ol></section></body></html>\n'


GENERATORS = {"text": (text_doc, ".txt"), "markdown": (markdown_doc, ".md"), "html": (html_doc, ".html")}


def run(path: Path, root: Path, report: str) -> tuple[float, float, int]:
    """Wall seconds, peak RSS (MB) and exit code of one `citecheck extract` child."""
    env = {**os.environ, "PYTHONPATH": str(root)}
    argv = [sys.executable, "-m", "citecheck", "extract", "--format", report, str(path)]
    start = time.perf_counter()
    pid = os.fork()
    if pid == 0:  # the child: output discarded
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, 1)
        os.execve(sys.executable, argv, env)
    _, status, usage = os.wait4(pid, 0)
    return time.perf_counter() - start, usage.ru_maxrss / 1024, os.waitstatus_to_exitcode(status)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="3", help="document sizes in MB, comma-separated")
    parser.add_argument("--formats", default="text,markdown,html")
    parser.add_argument("--report", default="json", choices=["json", "text"])
    parser.add_argument("--root", type=Path, default=ROOT, help="the checkout whose citecheck runs")
    args = parser.parse_args()
    print(f"{'format':<9} {'MB in':>7} {'seconds':>8} {'peak MB':>8} {'peak/in':>8} exit")
    with tempfile.TemporaryDirectory() as tmp:
        for fmt in args.formats.split(","):
            make, suffix = GENERATORS[fmt]
            for mb in (float(s) for s in args.sizes.split(",")):
                path = Path(tmp) / f"doc{suffix}"
                path.write_text(make(int(mb * 1_000_000), random.Random(2025)), encoding="utf-8")
                size = path.stat().st_size / 1_000_000
                seconds, peak, code = run(path, args.root, args.report)
                row = f"{fmt:<9} {size:7.2f} {seconds:8.1f} {peak:8.0f} {peak / size:8.0f} {code}"
                print(row, flush=True)


if __name__ == "__main__":
    main()
