"""Benchmark extraction on pathological ("regex bomb") inputs: time per MB must stay flat.

Run: `python bench/regex_bomb.py [--sizes 0.25,0.5,1,2] [--only NAME,...] [--timeout S]`.

Each case is a crafted text aimed at one regex-heavy stage (URL finding and line-wrap joining in
`urls.py`, footnote shapes in `footnotes.py`, dates in `dates.py`, repair in `repair.py`, the
Markdown inline parser, HTML nesting through bs4), repeated to each size (MB = 10^6 bytes of
UTF-8). A case is read the way the CLI reads it (`ingest.document_from_bytes`, then
`extract.extract`), in a child process that is killed past `--timeout` seconds. The table gives
seconds per MB at each size and the ratio of time/MB at the largest size to time/MB at the
smallest: linear work keeps it near 1; a ratio over 2 (or a timeout) is flagged SUPER-LINEAR and
the script exits 1. Not a test: nothing here is run by pytest, and numbers depend on the machine.
"""

from __future__ import annotations

import argparse
import multiprocessing as mp
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from multiprocessing.connection import Connection

from citecheck.credentials import mask
from citecheck.extract import extract
from citecheck.ingest import document_from_bytes

MB = 1_000_000
FLAG_RATIO = 2.0


@dataclass(frozen=True, slots=True)
class Case:
    name: str
    fmt: str
    make: Callable[[int], str]
    """Text of about n bytes of UTF-8."""
    stage: str


def repeat(unit: str, head: str = "", tail: str = "") -> Callable[[int], str]:
    """`head + unit * k + tail`, k chosen so the whole is about n bytes of UTF-8."""

    def make(n: int) -> str:
        k = max(1, (n - len((head + tail).encode())) // len(unit.encode()))
        return head + unit * k + tail

    return make


def nested(opener: str, closer: str, middle: str = "x") -> Callable[[int], str]:
    """`opener * k + middle + closer * k` of about n bytes."""

    def make(n: int) -> str:
        k = max(1, n // (len(opener.encode()) + len(closer.encode())))
        return opener * k + middle + closer * k

    return make


CASES = [
    # urls.py: URL_RE, trim, Flow.links and line-wrap continuations
    Case("https-prefixes", "text", repeat("https://"), "urls"),
    Case("https-prefixes-spaced", "text", repeat("https:// "), "urls"),
    Case("www-runs", "text", repeat("www."), "urls"),
    Case("dotted-host", "text", repeat("a.", head="https://"), "urls"),
    Case("dotted-words", "text", repeat("a."), "urls"),
    Case("open-parens-url", "text", repeat("(", head="https://example.org/"), "urls"),
    Case("close-parens-url", "text", repeat(")", head="https://example.org/"), "urls"),
    Case("trailing-dots-url", "text", repeat(".", head="https://example.org/"), "urls"),
    Case("open-parens", "text", repeat("("), "urls"),
    Case("dashes-url", "text", repeat("-", head="https://example.org/"), "urls"),
    Case("underscores-url", "text", repeat("_", head="https://example.org/"), "urls"),
    Case("percents-url", "text", repeat("%", head="https://example.org/"), "urls"),
    Case("wrapped-url-chain", "text", repeat("a-\n", head="https://example.org/"), "urls"),
    Case("wrapped-slash-chain", "text", repeat("\n/a", head="https://example.org"), "urls"),
    Case("angle-url-chain", "text", repeat("a\n", head="<https://example.org/"), "urls"),
    Case("many-short-urls", "text", repeat("https://a.org/b-c "), "urls + repair"),
    Case("url-per-line", "text", repeat("https://example.org/some-slug-words-1\n"), "urls + repair"),
    Case("long-line-no-spaces", "text", repeat("abcdefgh"), "urls"),
    Case("long-url-no-spaces", "text", repeat("abcdefgh", head="https://example.org/"), "urls + repair"),
    Case("hex-slug-url", "text", repeat("ab12" * 8 + "x", head="https://example.org/"), "repair"),
    Case("superscript-glued-urls", "text", repeat("https://a.org/x¹"), "urls"),
    # urls.py boundary rules: each cut URL is searched on from the cut, so a rescan must stay short
    Case("opener-glued-urls", "text", repeat("https://a.org/x("), "urls"),
    Case("opener-then-pairs", "text", repeat("(b)" * 20 + "https://a.org/x(", head="https://a.org("), "urls"),
    Case("closer-glued-urls", "text", repeat("https://a.org/x)("), "urls"),
    Case("wide-glued-urls", "text", repeat("https://a.org/x東"), "urls"),
    Case("wide-segment-url", "text", repeat("東京", head="https://a.org/"), "urls"),
    Case("quotes-url", "text", repeat("'", head="https://example.org/a"), "urls"),
    Case("bidi-glued-urls", "text", repeat("https://a.org/x\u200f"), "urls"),
    # footnotes.py: definitions, markers, blocks
    Case("md-footnote-open", "text", repeat("[^"), "footnotes"),
    Case("md-footnote-markers", "text", repeat("[^1]"), "footnotes"),
    Case("md-footnote-defs", "text", repeat("[^1]: x\n"), "footnotes"),
    Case("caret-brace-open", "text", repeat("^{"), "footnotes"),
    Case("caret-brace-list", "text", repeat("1, ", head="^{"), "footnotes"),
    Case("bracket-list-open", "text", repeat("1,", head="["), "footnotes"),
    Case("caret-digits", "text", repeat("^1"), "footnotes"),
    Case("superscript-run", "text", repeat("¹²³⁴⁵⁶⁷⁸⁹⁰"), "footnotes"),
    Case("superscript-markers", "text", repeat("¹"), "footnotes"),
    Case("superscript-spaced", "text", repeat("a¹ "), "footnotes"),
    Case("superscript-defs", "text", repeat("¹ x\n"), "footnotes"),
    Case("numbered-defs", "text", repeat("1. https://a.org/x\n"), "footnotes + urls"),
    Case("notes-heading-lines", "text", repeat("Notes\n"), "footnotes"),
    Case("orphan-tails", "text", repeat("¹ a\n\nabc_def=ghi\n\n"), "footnotes"),
    # dates.py
    Case("digit-run", "text", repeat("1"), "dates"),
    Case("iso-date-chain", "text", repeat("2025-"), "dates"),
    Case("month-day-chain", "text", repeat("Mar. 16, "), "dates"),
    Case("visited-dates-url", "text", repeat("last visited Mar. 16, 2025; https://a.org/x "), "dates"),
    # line structure
    Case("many-line-breaks", "text", repeat("\n", head="x"), "blocks"),
    Case("many-short-lines", "text", repeat("a\n"), "blocks"),
    # Markdown inline parser
    Case("md-nested-brackets", "markdown", nested("[", "]"), "markdown"),
    Case("md-open-brackets", "markdown", repeat("["), "markdown"),
    Case("md-link-openers", "markdown", repeat("[a]("), "markdown"),
    Case("md-inline-note-openers", "markdown", repeat("^["), "markdown"),
    Case("md-nested-inline-notes", "markdown", nested("^[", "]"), "markdown"),
    Case("md-backticks", "markdown", repeat("`"), "markdown"),
    Case("md-backtick-runs", "markdown", repeat("` `` ``` "), "markdown"),
    Case("md-raw-anchors", "markdown", repeat('<a href="https://a.org/">x'), "markdown"),
    Case("md-angle-openers", "markdown", repeat("<a "), "markdown"),
    Case("md-autolink-openers", "markdown", repeat("<https://"), "markdown"),
    Case("md-blockquote-nesting", "markdown", repeat(">", tail=" [x](https://a.org/)\n"), "markdown"),
    Case("md-refdef-like", "markdown", repeat("[a]: "), "markdown"),
    Case("md-footnote-refs", "markdown", repeat("x[^1]", tail="\n\n[^1]: https://a.org/\n"), "markdown"),
    # HTML (bs4's html.parser, then our walk)
    Case("html-nested-divs", "html", nested("<div>", "</div>"), "html"),
    Case("html-unclosed-inline", "html", repeat("<b><span><sup>", tail="https://a.org/x"), "html"),
    Case(
        "html-sup-markers",
        "html",
        repeat('<sup><a href="#fn1">1</a></sup>', tail='<p id="fn1">n</p>'),
        "html",
    ),
    Case("html-links", "html", repeat('<a href="https://a.org/x">https://a.org/x</a> '), "html"),
    # credentials.py: masking what every report shows (fmt "mask": the text goes through mask, not a reader)
    Case("mask-dotted-host", "mask", repeat("a.", head="https://"), "credentials"),
    Case("mask-at-runs", "mask", repeat("a@", head="https://"), "credentials"),
    Case("mask-userinfo-dotted-host", "mask", repeat("a.", head="https://u:p@", tail="x/"), "credentials"),
]


def run_once(case: Case, size: int) -> float:
    """Seconds to read and extract one input of `size` bytes."""
    data = case.make(size).encode()
    start = time.perf_counter()
    if case.fmt == "mask":
        mask(data.decode())
        return time.perf_counter() - start
    extract(document_from_bytes(data, case.name, case.fmt))
    return time.perf_counter() - start


def _child(case: Case, size: int, conn: Connection) -> None:
    try:
        conn.send(run_once(case, size))
    except Exception as err:  # report, do not hide: a crash here is a finding
        conn.send(f"{type(err).__name__}: {err}")


def timed(case: Case, size: int, timeout: float) -> float | str:
    """Seconds, or 'timeout' / an error text, from a child process killed at `timeout`."""
    ctx = mp.get_context("fork")
    parent, child = ctx.Pipe(duplex=False)
    proc = ctx.Process(target=_child, args=(case, size, child))
    proc.start()
    if not parent.poll(timeout):
        proc.kill()
        proc.join()
        return "timeout"
    result: float | str = parent.recv()
    proc.join()
    return result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0] if __doc__ else None)
    parser.add_argument("--sizes", default="0.25,0.5,1,2", help="sizes in MB (10^6 bytes)")
    parser.add_argument("--only", default="", help="comma-separated case names")
    parser.add_argument("--timeout", type=float, default=60.0, help="seconds per run before giving up")
    args = parser.parse_args(argv)
    sizes = [int(float(s) * MB) for s in args.sizes.split(",")]
    wanted = set(filter(None, args.only.split(",")))
    cases = [c for c in CASES if not wanted or c.name in wanted]
    head = f"{'case':<26} {'fmt':<8} {'stage':<18}" + "".join(f" {s / MB:>6g}MB" for s in sizes)
    print("seconds per MB")
    print(head + "   ratio")
    flagged: list[str] = []
    for case in cases:
        per_mb: list[float] = []
        cells: list[str] = []
        failed = ""
        for size in sizes:
            if failed:
                cells.append(f" {'-':>8}")
                continue
            result = timed(case, size, args.timeout)
            if isinstance(result, str):
                failed = result
                cells.append(f" {result[:8]:>8}")
                continue
            per_mb.append(result / (size / MB))
            cells.append(f" {per_mb[-1]:>8.3f}")
        ratio = per_mb[-1] / per_mb[0] if len(per_mb) == len(sizes) and per_mb[0] > 0 else float("inf")
        bad = bool(failed) or ratio > FLAG_RATIO
        if bad:
            flagged.append(case.name)
        mark = f"{ratio:7.2f}" if not failed else "      -"
        note = f"  SUPER-LINEAR{f' ({failed})' if failed else ''}" if bad else ""
        print(
            f"{case.name:<26} {case.fmt:<8} {case.stage:<18}" + "".join(cells) + f" {mark}{note}", flush=True
        )
    if flagged:
        print(f"\nsuper-linear: {', '.join(flagged)}")
        return 1
    print("\nall linear (time/MB ratio at largest vs smallest size <= 2)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
