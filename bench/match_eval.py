"""Precision and recall of the `drift` verdict on the labelled pairs in tests/data/match_pairs.csv.

Run by hand: `python bench/match_eval.py [--csv PATH] [--threshold T]`. Each row holds a citation's
words exactly as a real footnote writes them and a page title; `label` says whether the page is the
cited work (`same`) or another article (`different`). Rows whose `source` starts `real:` hold a
title read on a real page (its address follows); the rest (`built:`) were written by hand in the
outlet's title form, so the real subset is the one that measures anything. Both are reported. The
citation goes through the same parsing as a verify run (`citecheck.cited.parse_citation`), the page
title through `citecheck.match.judge`; `drift` is the positive class. Prints the chosen threshold's
confusion counts, a sweep of thresholds, and every misjudged pair. Deterministic: no network,
nothing timed.
"""

from __future__ import annotations

import argparse
import csv
from dataclasses import dataclass
from pathlib import Path

from citecheck.cited import parse_citation
from citecheck.match import THRESHOLD, judge
from citecheck.models import MatchVerdict, PageMeta

PAIRS = Path(__file__).resolve().parent.parent / "tests" / "data" / "match_pairs.csv"


@dataclass(frozen=True, slots=True)
class Pair:
    cited: str
    page: str
    different: bool
    source: str

    @property
    def real(self) -> bool:
        """The page title was read on a real page (`source` starts `real:`), not built by hand."""
        return self.source.startswith("real:")


@dataclass(frozen=True, slots=True)
class Scores:
    tp: int
    fp: int
    fn: int
    tn: int
    unknown: int

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 1.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 1.0


def load(path: Path = PAIRS) -> list[Pair]:
    with path.open(encoding="utf-8", newline="") as f:
        return [
            Pair(r["cited_title_or_footnote"], r["page_title"], r["label"] == "different", r["source"])
            for r in csv.DictReader(f)
        ]


def verdict(pair: Pair, threshold: float) -> MatchVerdict:
    return judge(parse_citation(pair.cited), PageMeta((("title", pair.page),)), threshold).verdict


def evaluate(pairs: list[Pair], threshold: float) -> Scores:
    """Drift is the positive class; `unknown` counts as not drift."""
    tp = fp = fn = tn = unknown = 0
    for pair in pairs:
        v = verdict(pair, threshold)
        unknown += v is MatchVerdict.UNKNOWN
        drift = v is MatchVerdict.DRIFT
        tp += drift and pair.different
        fp += drift and not pair.different
        fn += not drift and pair.different
        tn += not drift and not pair.different
    return Scores(tp, fp, fn, tn, unknown)


def report(name: str, pairs: list[Pair], threshold: float) -> None:
    """One subset's counts at the threshold and its sweep."""
    same = sum(not p.different for p in pairs)
    print(f"\n== {name}: {len(pairs)} pairs, {same} same, {len(pairs) - same} different")
    s = evaluate(pairs, threshold)
    print(
        f"threshold {threshold:.2f}: precision {s.precision:.3f} recall {s.recall:.3f} "
        f"(tp {s.tp} fp {s.fp} fn {s.fn} tn {s.tn}; {s.unknown} unknown)"
    )
    print("threshold  precision  recall  tp  fp  fn")
    for step in range(20, 90, 5):
        t = step / 100
        r = evaluate(pairs, t)
        print(f"  {t:.2f}      {r.precision:.3f}    {r.recall:.3f}  {r.tp:2d}  {r.fp:2d}  {r.fn:2d}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--csv", type=Path, default=PAIRS)
    parser.add_argument("--threshold", type=float, default=THRESHOLD)
    args = parser.parse_args()
    pairs = load(args.csv)
    print("drift is the positive class; `unknown` counts as not drift")
    report("real page titles", [p for p in pairs if p.real], args.threshold)
    report("all pairs (real and built)", pairs, args.threshold)
    print("\nmisjudged at the chosen threshold:")
    for pair in pairs:
        v = verdict(pair, args.threshold)
        if (v is MatchVerdict.DRIFT) != pair.different:
            m = judge(parse_citation(pair.cited), PageMeta((("title", pair.page),)), args.threshold)
            print(f"  [{'different' if pair.different else 'same'} → {v.value} {m.score}] {pair.page!r}")
            print(f"      {pair.source}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
