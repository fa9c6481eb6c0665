"""List what citecheck gets wrong on the committed corpus, one line per case, to find the rule at fault.

Run by hand: `python bench/corpus_misses.py [--verify] [--only typst] [--extractor mutool] [--doc letter-03]`.

For each toolchain × extractor (offline, `citecheck extract --format json`, or with `--verify`
after `verify` against bench/corpus_score.py's local web), prints every true URL
that is not in its own footnote (with the damage the corpus recorded for it and where citecheck put
it instead, if anywhere) and every false URL (with the footnote it was found in). The counts agree
with bench/corpus_score.py's figures.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections import Counter
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from corpus_score import CORPUS, extractions, groups, load_truths, local_web, run_citecheck


def _places(doc: dict[str, Any]) -> dict[str, list[str]]:
    """Where each found URL was put: `n3` (footnote 3 of series 1), `s2n3`, or `unnumbered`."""
    out: dict[str, list[str]] = {}
    for fn in doc["footnotes"]:
        series = fn.get("series", 1)
        label = f"n{fn['number']}" if series == 1 else f"s{series}n{fn['number']}"
        for link in fn["links"]:
            out.setdefault(link["url"], []).append(label)
    for link in doc["unnumbered_links"]:
        out.setdefault(link["url"], []).append("unnumbered")
    return out


def _event(e: dict[str, Any]) -> str:
    """A damage event as `line-break@30[/|1]` (position, and the characters either side)."""
    sides = f"[{e.get('after', '')}|{e.get('before', '')}]" if "after" in e else ""
    return f"{e['kind']}@{e['at']}{sides}"


def misses(truth: dict[str, Any], doc: dict[str, Any], pair: str) -> list[str]:
    """One line per true URL not in its note, then one per false URL."""
    places = _places(doc)
    in_notes = Counter(
        (fn.get("series", 1), fn["number"], link["url"]) for fn in doc["footnotes"] for link in fn["links"]
    )
    lines = []
    for u in truth["urls"]:
        key = (u["series"], u["footnote"], u["url"])
        if in_notes[key] > 0:
            in_notes[key] -= 1
            continue
        damage = u.get("damage", {}).get(pair, {})
        events = " ".join(_event(e) for e in damage.get("events", [])) or "intact"
        where = ",".join(places.get(u["url"], [])) or "nowhere"
        lines.append(f"  MISS s{u['series']}n{u['footnote']} {u['url']}  ({events}; found: {where})")
    true_urls = {u["url"] for u in truth["urls"]}
    for url, notes in places.items():
        if url not in true_urls:
            lines.append(f"  FALSE {url}  (in {','.join(notes)})")
    return lines


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", default="", help="comma-separated toolchains")
    parser.add_argument("--extractor", default="", help="comma-separated extractors")
    parser.add_argument("--doc", default="", help="comma-separated documents")
    parser.add_argument("--verify", action="store_true", help="after verify against the local web")
    args = parser.parse_args(argv)
    import json

    manifest = json.loads((CORPUS / "manifest.json").read_text(encoding="utf-8"))
    truths = load_truths()
    only = [c for c in args.only.split(",") if c]
    wanted_x = {x for x in args.extractor.split(",") if x}
    wanted_d = {d for d in args.doc.split(",") if d}
    items = [
        i
        for i in extractions(manifest, False, only)
        if (not wanted_x or i.extractor in wanted_x) and (not wanted_d or i.document in wanted_d)
    ]
    if args.verify:
        with local_web(truths) as web_env:
            command = ["verify", "--no-archive", "--no-cache", "--min-interval", "0", "--format", "json"]
            _print(items, truths, command, {**os.environ, **web_env})
    else:
        _print(items, truths, ["extract", "--format", "json"], dict(os.environ))
    return 0


def _print(items: list[Any], truths: dict[str, Any], command: list[str], env: dict[str, str]) -> None:
    for (chain, extractor), group in sorted(groups(items).items()):
        report = run_citecheck([*command, *(str(i.path) for i in group)], env)
        by_path = {doc["path"]: doc for doc in report["documents"]}
        pair = f"{chain}/{extractor}"
        for item in group:
            lines = misses(truths[item.document], by_path[str(item.path)], pair)
            if lines:
                print(f"{pair} {item.document} ({item.path.relative_to(CORPUS)})")
                print("\n".join(lines))


if __name__ == "__main__":
    raise SystemExit(main())
