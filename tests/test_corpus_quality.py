"""A floor under citecheck's offline figures on the committed corpus (bench/corpus/), so that a change
that loses footnotes or URLs on text as real PDF tools give it fails here, not in a user's hands.

The floors sit just under the figures measured when they were set (`python bench/corpus_score.py
--offline-only`; the README gives them); raise them when the figures rise. The scorer is the
benchmark's own, run in-process over every toolchain x extractor."""

from __future__ import annotations

import importlib.util
import json
import sys
from collections import defaultdict
from pathlib import Path
from typing import Any

from citecheck.extract import extract
from citecheck.ingest import read_document
from citecheck.models import Extraction

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "bench" / "corpus"

ALL_RIGHT = 0.96
"""Share of cited URLs in their own footnote, over the whole corpus (measured: 96.8%)."""
PAIR_RIGHT = 0.90
"""The same for every toolchain x extractor (measured: 91.2% at the lowest, libreoffice/pdftotext;
the issue's floor is 85%)."""
ALL_FALSE = 0.03
"""Found URLs that are no cited URL, as a share of all found (measured: 2.3%; offline, a URL
whose dropped hyphen the text cannot place stays as written, its readings left to verify)."""


def _scorer() -> Any:
    spec = importlib.util.spec_from_file_location("corpus_score", ROOT / "bench" / "corpus_score.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["corpus_score"] = module
    spec.loader.exec_module(module)
    return module


def _as_report(ex: Extraction) -> dict[str, Any]:
    """What the scorer reads of a JSON report's document."""
    return {
        "footnotes": [
            {"series": fn.series, "number": fn.number, "links": [{"url": lk.url} for lk in fn.links]}
            for fn in ex.footnotes
        ],
        "unnumbered_links": [{"url": lk.url} for lk in ex.unnumbered_links],
    }


def test_offline_figures_on_the_corpus_stay_above_their_floors() -> None:
    scorer = _scorer()
    manifest = json.loads((CORPUS / "manifest.json").read_text(encoding="utf-8"))
    truths = scorer.load_truths()
    pairs: dict[tuple[str, str], Any] = defaultdict(scorer.Figures)
    total = scorer.Figures()
    for item in scorer.extractions(manifest, quick=False, only=()):
        got = scorer.score(truths[item.document], _as_report(extract(read_document(str(item.path)))))
        pairs[(item.toolchain, item.extractor)].add(got)
        total.add(got)
    assert total.invented_notes == 0  # negative documents: no footnote invented
    assert total.right_note >= ALL_RIGHT * total.true_urls
    assert total.false <= ALL_FALSE * total.found
    low = {
        pair: f.right_note / f.true_urls
        for pair, f in pairs.items()
        if f.right_note < PAIR_RIGHT * f.true_urls
    }
    assert not low, low
