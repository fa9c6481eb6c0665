"""Benchmark `citecheck extract`: start-up on the letter, and throughput on a generated long document.

Run from anywhere: `python bench/extract_bench.py [--runs N] [--footnotes N] [--big-runs N]`.
Targets: the whole process on fixtures/letter.txt in < 0.5 s; extraction at >= 5 MB of text per
second (MB = 10^6 bytes). Also checks that every generated footnote is found. Standard library
plus citecheck only; not a test: timings are printed, never asserted, and it exits 0 unless the
CLI itself fails.
"""

from __future__ import annotations

import argparse
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import TypeVar

from citecheck.extract import extract
from citecheck.ingest import read_document
from citecheck.models import Extraction

ROOT = Path(__file__).resolve().parent.parent
LETTER = ROOT / "fixtures" / "letter.txt"
STARTUP_TARGET_S = 0.5
THROUGHPUT_TARGET_MB_S = 5.0
MB = 1_000_000
T = TypeVar("T")

SUPERSCRIPTS = str.maketrans("0123456789", "⁰¹²³⁴⁵⁶⁷⁸⁹")

# --- the generated document -------------------------------------------------------------------------


def words(text: str) -> list[str]:
    return text.split()


PROSE = words(
    "the government agreement detention transfer review court ruling policy report officials "
    "families lawyers access hearing evidence conditions prison camp border asylum claim "
    "record statement investigation program funding contract ministry council commission "
    "rights international national regional public private legal formal urgent serious recent "
    "former announced confirmed described reported denied challenged documented published "
    "requested"
)
GLUED = [("deported", "migrants"), ("border", "camps"), ("asylum", "seekers"), ("prison", "transfers")]
SLUG_WORDS = words(
    "court ruling detention transfer policy report border asylum prison families lawyers "
    "hearing evidence funding contract agreement council commission rights review"
)
AUTHORS = ["Ana Ruiz", "John Smith", "Mei Chen", "Omar Haddad", "Lena Vogel", "Tomás Silva", "Priya Nair"]
OUTLETS = ["Associated Press", "The Guardian", "Reuters", "CBS News", "El País", "Le Monde"]
MONTHS = ["Jan.", "Feb.", "Mar.", "Apr.", "May", "June", "July", "Aug.", "Sept.", "Oct.", "Nov.", "Dec."]
NOTES_PER_PAGE = 6


def sup(number: int) -> str:
    """A footnote number in Unicode superscript digits."""
    return str(number).translate(SUPERSCRIPTS)


def _sentence(rng: random.Random, marker: str) -> str:
    words = rng.choices(PROSE, k=rng.randint(10, 22))
    if rng.random() < 0.3:
        first, second = rng.choice(GLUED)
        words.insert(rng.randrange(len(words)), f"{first} {second}")
    return " ".join(words).capitalize() + "." + marker


def _citation(rng: random.Random) -> str:
    month, day, year = rng.choice(MONTHS), rng.randint(1, 28), rng.randint(2019, 2025)
    title = " ".join(rng.choices(SLUG_WORDS, k=rng.randint(4, 8))).capitalize()
    return f"{rng.choice(AUTHORS)}, {title}, {rng.choice(OUTLETS)} ({month} {day}, {year}),"


def _slug(rng: random.Random, number: int, glued: bool) -> list[str]:
    words = rng.sample(SLUG_WORDS, k=rng.randint(3, 6))
    if glued:
        first, second = rng.choice(GLUED)
        words.insert(rng.randrange(1, len(words)), first + second)
    return [*words, str(number)]


@dataclass(frozen=True, slots=True)
class Generated:
    text: str
    footnotes: int
    styles: dict[str, int]


def generate(footnotes: int, seed: int = 2025) -> Generated:
    """A long letter: pages of body text with superscript markers, each followed by its footnotes.

    Footnote styles: a URL in <>, a bare URL, a URL wrapped across two lines after a `-`, a
    hyphenated slug with two words glued together (`deportedmigrants`), and a footnote whose URL a
    page break carried past the next page's body (the last footnote of a page).
    """
    rng = random.Random(seed)
    styles = dict.fromkeys(("angle", "bare", "wrapped", "glued", "page-break"), 0)
    out: list[str] = []
    carried: str | None = None  # the URL line of a footnote a page break interrupted
    number = 1
    while number <= footnotes:
        page = range(number, min(number + NOTES_PER_PAGE, footnotes + 1))
        body = [_sentence(rng, sup(n)) for n in page]
        for start in range(0, len(body), 3):
            out.append(" ".join(body[start : start + 3]) + "\n\n")
        if carried is not None:
            out.append(carried + "\n\n")
            carried = None
        for n in page:
            last_on_page = n == page[-1] and n < footnotes
            kind = "page-break" if last_on_page and rng.random() < 0.5 else rng.choice(list(styles)[:4])
            styles[kind] += 1
            words = _slug(rng, n, glued=kind == "glued")
            url = f"https://example.org/news/{'-'.join(words)}"
            head = f"{sup(n)} {_citation(rng)}"
            if kind == "bare":
                out.append(f"{head} {url}.\n\n")
            elif kind == "wrapped":
                cut = len(words) // 2
                first = f"https://example.org/news/{'-'.join(words[:cut])}-"
                out.append(f"{head} <{first}\n{'-'.join(words[cut:])}>.\n\n")
            elif kind == "page-break":
                out.append(f"{head}\n\n")
                carried = f"<{url}>; see also {_citation(rng)} <https://example.com/n/{n}>."
            else:
                out.append(f"{head} <{url}>.\n\n")
        number = page[-1] + 1
    return Generated("".join(out), footnotes, styles)


# --- timing -------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Timing:
    name: str
    seconds: list[float]
    target: str
    megabytes: float | None = None  # the size of the input, for a throughput

    @property
    def rate(self) -> float | None:
        return None if self.megabytes is None else self.megabytes / statistics.median(self.seconds)

    @property
    def ok(self) -> bool:
        if self.rate is not None:
            return self.rate >= THROUGHPUT_TARGET_MB_S
        return max(self.seconds) < STARTUP_TARGET_S

    def cells(self) -> list[str]:
        lo, mid, hi = min(self.seconds), statistics.median(self.seconds), max(self.seconds)
        rate = "-" if self.rate is None else f"{self.rate:.3g}"
        return [
            self.name,
            str(len(self.seconds)),
            f"{lo:.3f}",
            f"{mid:.3f}",
            f"{hi:.3f}",
            rate,
            self.target,
            "ok" if self.ok else "MISSED",
        ]


def timed(call: Callable[[], T], runs: int) -> tuple[list[float], T]:
    """Wall seconds of each of `runs` calls, and what the last call returned."""
    seconds: list[float] = []
    for _ in range(runs):
        start = time.perf_counter()
        value = call()
        seconds.append(time.perf_counter() - start)
    return seconds, value


def run_process(command: Sequence[str]) -> None:
    """Run the CLI to completion, output discarded; a failure stops the benchmark."""
    proc = subprocess.run(
        command, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, check=False, timeout=7200
    )
    if proc.returncode != 0:
        reason = proc.stderr.decode("utf-8", "replace").strip().splitlines()
        raise SystemExit(f"{' '.join(command)} exited {proc.returncode}: {reason[-1] if reason else ''}")


def console_script() -> str | None:
    """The `citecheck` console script: on PATH, else next to this Python (an unactivated venv)."""
    return shutil.which("citecheck") or shutil.which("citecheck", path=str(Path(sys.executable).parent))


def table(rows: Sequence[Sequence[str]]) -> str:
    """Rows as aligned columns, the first left-aligned, a rule under the header."""
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]

    def line(row: Sequence[str]) -> str:
        cells = enumerate(zip(row, widths, strict=True))
        return "  ".join(c.ljust(w) if i == 0 else c.rjust(w) for i, (c, w) in cells)

    return "\n".join([line(rows[0]), "  ".join("-" * w for w in widths), *map(line, rows[1:])])


def check_footnotes(result: Extraction, count: int) -> None:
    """Print whether every generated footnote was found, by number."""
    numbers = {note.number for note in result.footnotes}
    missing = sorted(set(range(1, count + 1)) - numbers)
    found = len(result.footnotes)
    verdict = "ok" if found == count and not missing else "MISMATCH"
    links = sum(len(note.links) for note in result.footnotes)
    print(f"  footnotes found: {found} of {count} generated, {links} links: {verdict}")
    if missing:
        print(f"  not found: {', '.join(map(str, missing[:10]))}{' ...' if len(missing) > 10 else ''}")


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Benchmark citecheck extract (start-up and throughput).")
    parser.add_argument("--runs", type=int, default=10, help="runs of each start-up timing (default 10)")
    parser.add_argument("--footnotes", type=int, default=10_000, help="footnotes to generate (default 10000)")
    parser.add_argument("--big-runs", type=int, default=1, help="runs on the generated document (default 1)")
    parser.add_argument("--seed", type=int, default=2025, help="seed of the generated document")
    parser.add_argument("--keep", action="store_true", help="keep the generated documents and print where")
    args = parser.parse_args(argv)
    if min(args.runs, args.big_runs, args.footnotes) < 1:
        parser.error("--runs, --big-runs and --footnotes must be at least 1")

    timings: list[Timing] = []
    startup = f"< {STARTUP_TARGET_S:g} s"
    letter = [sys.executable, "-m", "citecheck", "extract", str(LETTER.relative_to(ROOT)), "--format", "json"]
    run_process(letter)  # warm the file cache and the bytecode cache
    timings.append(
        Timing("python -m citecheck, letter", timed(partial(run_process, letter), args.runs)[0], startup)
    )
    script = console_script()
    if script is not None:
        command = [script, *letter[3:]]
        timings.append(
            Timing("citecheck script, letter", timed(partial(run_process, command), args.runs)[0], startup)
        )
    else:
        print("(no citecheck console script found: not timed)")

    extract(read_document(str(LETTER)))  # load the word list once, as every CLI run does
    throughput = f">= {THROUGHPUT_TARGET_MB_S:g} MB/s"
    tmp = Path(tempfile.mkdtemp(prefix="citecheck-bench-"))
    try:
        # A tenth of the document first: the ratio of the two times shows how extraction scales.
        sizes = [args.footnotes // 10, args.footnotes] if args.footnotes >= 100 else [args.footnotes]
        medians: list[float] = []
        for count in sizes:
            doc = generate(count, args.seed)
            path = tmp / f"long-letter-{count}.txt"
            path.write_text(doc.text, encoding="utf-8")
            megabytes = path.stat().st_size / MB
            styles = ", ".join(f"{k} {v}" for k, v in doc.styles.items())
            print(f"generated {count} footnotes, {megabytes:.2f} MB ({styles})")
            if args.keep:
                print(f"  kept at {path}")

            seconds, result = timed(partial(in_process, path), args.big_runs)
            medians.append(statistics.median(seconds))
            timing = Timing(f"in-process extract, {count} fn", seconds, throughput, megabytes)
            timings.append(timing)
            check_footnotes(result, count)
            print(f"  in-process: {timing.rate or 0:.3g} MB/s (median of {len(seconds)})")
            if count == args.footnotes:
                whole = [sys.executable, "-m", "citecheck", "extract", str(path), "--format", "json"]
                seconds = timed(partial(run_process, whole), args.big_runs)[0]
                timing = Timing(f"python -m citecheck, {count} fn", seconds, throughput, megabytes)
                timings.append(timing)
                print(f"  whole process: {timing.rate or 0:.3g} MB/s (median of {len(seconds)})")
        if len(medians) == 2:
            print(f"scaling: 10x the footnotes took {medians[1] / medians[0]:.1f}x the time (linear: ~10x)")
    finally:
        if not args.keep:
            shutil.rmtree(tmp, ignore_errors=True)

    print()
    header = ["measurement", "runs", "min s", "median s", "max s", "MB/s", "target", "verdict"]
    print(table([header, *(t.cells() for t in timings)]))
    return 0


def in_process(path: Path) -> Extraction:
    """The call being measured: read and decode the file, then the whole offline pipeline."""
    return extract(read_document(str(path)))


if __name__ == "__main__":
    sys.exit(main())
