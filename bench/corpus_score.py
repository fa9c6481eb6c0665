"""Score citecheck on the committed corpus (bench/corpus/): per toolchain × extractor, how many true URLs
it attributes to the right footnote, finds anywhere, and how many URLs it makes up.

Run by hand: `python bench/corpus_score.py [--offline-only] [--quick] [--only pdflatex,typst]`.

Offline figures come from `citecheck extract --format json`; the "after verify" figures from
`citecheck verify --no-archive --no-cache --min-interval 0 --format json` (no pause between requests
to one host: the web is local) against a local web (the test suite's HTTPS
WebServer behind its ProxyServer, as bench/letter_e2e.py does, trusted through a local CA) where
every true URL answers 200 and everything else 404. Both run as subprocesses of this checkout, one
per toolchain × extractor with all its texts. Traffic stays on 127.0.0.1.

A true URL is one citation: its URL, and the footnote (number, series) it belongs to. Found links
are the report's `url`s (after repair). "right note" counts true URLs found in their own footnote,
"anywhere" those found in any footnote or among the unnumbered links; "false" counts found links
whose URL is not exactly a true URL of that document. Negative documents have no footnotes: every
footnote citecheck reports there is invented.
"""

from __future__ import annotations

import argparse
import json
import os
import ssl
import subprocess
import sys
import tempfile
from collections import Counter
from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, fields
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "bench" / "corpus"
QUICK_DOCS = ("letter-01", "report-01", "negative-01")
RUN_TIMEOUT_S = 1800


@dataclass
class Figures:
    """Counts for one or more documents; shares are computed when printed."""

    true_urls: int = 0
    right_note: int = 0
    anywhere: int = 0
    found: int = 0
    false: int = 0
    negative_docs: int = 0
    invented_notes: int = 0

    def add(self, other: Figures) -> None:
        for f in fields(self):
            setattr(self, f.name, getattr(self, f.name) + getattr(other, f.name))


def _multiset_hits(truth: Counter[Any], found: Counter[Any]) -> int:
    return sum(min(n, found[key]) for key, n in truth.items())


def score(truth: Mapping[str, Any], doc: Mapping[str, Any]) -> Figures:
    """The figures of one report document (`documents[]` of citecheck's JSON) against its truth."""
    true_notes = Counter((u["series"], u["footnote"], u["url"]) for u in truth["urls"])
    true_urls = Counter(u["url"] for u in truth["urls"])
    in_notes = Counter(
        (fn.get("series", 1), fn["number"], link["url"]) for fn in doc["footnotes"] for link in fn["links"]
    )
    found = [link["url"] for fn in doc["footnotes"] for link in fn["links"]]
    found += [link["url"] for link in doc["unnumbered_links"]]
    negative = truth["kind"] == "negative"
    return Figures(
        true_urls=sum(true_notes.values()),
        right_note=_multiset_hits(true_notes, in_notes),
        anywhere=_multiset_hits(true_urls, Counter(found)),
        found=len(found),
        false=sum(1 for url in found if url not in true_urls),
        negative_docs=int(negative),
        invented_notes=len(doc["footnotes"]) if negative else 0,
    )


# --- the corpus -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Extraction:
    document: str
    toolchain: str
    extractor: str
    path: Path


def load_truths() -> dict[str, dict[str, Any]]:
    return {
        p.stem: json.loads(p.read_text(encoding="utf-8")) for p in sorted((CORPUS / "truth").glob("*.json"))
    }


def extractions(manifest: Mapping[str, Any], quick: bool, only: Sequence[str]) -> list[Extraction]:
    """Every extracted text the manifest lists (with --quick, only a few documents)."""
    out = []
    for name, doc in manifest["documents"].items():
        if quick and name not in QUICK_DOCS:
            continue
        for chain, made in doc["renders"].items():
            if only and chain not in only:
                continue
            for extractor, rel in made["extractions"].items():
                out.append(Extraction(name, chain, extractor, CORPUS / rel))
    return out


def groups(items: Iterable[Extraction]) -> dict[tuple[str, str], list[Extraction]]:
    out: dict[tuple[str, str], list[Extraction]] = {}
    for item in items:
        out.setdefault((item.toolchain, item.extractor), []).append(item)
    return out


# --- running citecheck ------------------------------------------------------------------------------


def run_citecheck(args: Sequence[str], env: Mapping[str, str]) -> dict[str, Any]:
    """citecheck (this checkout's) as a subprocess; its JSON report."""
    done = subprocess.run(
        [sys.executable, "-m", "citecheck", *args],
        capture_output=True,
        text=True,
        env={**env, "PYTHONPATH": str(ROOT)},
        cwd=ROOT,
        timeout=RUN_TIMEOUT_S,
        check=False,
    )
    if done.returncode not in (0, 1) or not done.stdout.strip():
        raise RuntimeError(f"citecheck {args[0]} exited {done.returncode}: {done.stderr.strip()[-500:]}")
    report: dict[str, Any] = json.loads(done.stdout)
    return report


def figures_for(
    items: Sequence[Extraction], truths: Mapping[str, Any], command: Sequence[str], env: Mapping[str, str]
) -> Figures:
    report = run_citecheck([*command, *(str(i.path) for i in items)], env)
    by_path = {doc["path"]: doc for doc in report["documents"]}
    total = Figures()
    for item in items:
        total.add(score(truths[item.document], by_path[str(item.path)]))
    return total


@contextmanager
def local_web(truths: Mapping[str, Any]) -> Iterator[dict[str, str]]:
    """HTTPS origin for every cited host behind a local proxy: true URLs 200, the rest 404.
    Yields the environment that sends citecheck there."""
    sys.path.insert(0, str(ROOT / "tests"))
    import trustme
    from webserver import ProxyServer, Route, WebServer

    urls = sorted({u["url"] for t in truths.values() for u in t["urls"]})
    hosts = sorted({urlsplit(u).hostname or "" for u in urls})
    ca = trustme.CA()
    server_ctx = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    ca.issue_cert(*hosts).configure_cert(server_ctx)
    with (
        tempfile.TemporaryDirectory() as tmp,
        WebServer(ssl_context=server_ctx) as web,
        ProxyServer(upstream=web.address) as proxy,
    ):
        for i, url in enumerate(urls):
            parts = urlsplit(url)
            target = parts.path + (f"?{parts.query}" if parts.query else "")
            title = f"Cited source {i}: {parts.hostname}"
            head = f"<!doctype html><html><head><title>{title}</title></head>"
            body = f"{head}<body><h1>{title}</h1></body></html>"
            web.add(target or "/", Route(200, body=body.encode()), host=parts.hostname)
        ca_file = Path(tmp) / "ca.pem"
        ca.cert_pem.write_to_path(str(ca_file))
        yield {
            "HTTPS_PROXY": proxy.url,
            "HTTP_PROXY": proxy.url,
            "NO_PROXY": "127.0.0.1,localhost",
            "SSL_CERT_FILE": str(ca_file),
            "CITECHECK_WAYBACK_URL": "http://127.0.0.1:9",
        }


# --- the table --------------------------------------------------------------------------------------


def _share(n: int, of: int) -> str:
    return f"{100 * n / of:5.1f}%" if of else "    -"


def row(name: str, offline: Figures, verified: Figures | None) -> str:
    cells = [
        f"{name:<30}",
        f"{offline.true_urls:>5}",
        _share(offline.right_note, offline.true_urls),
        _share(offline.anywhere, offline.true_urls),
        f"{offline.false:>4} {_share(offline.false, offline.found)}",
        f"{offline.invented_notes:>4}/{offline.negative_docs}",
    ]
    if verified is not None:
        cells += [
            _share(verified.right_note, verified.true_urls),
            _share(verified.anywhere, verified.true_urls),
            f"{verified.false:>4} {_share(verified.false, verified.found)}",
        ]
    return "  ".join(cells)


HEADER = f"{'toolchain/extractor':<30}  {'true':>5}  {'right':>6}  {'any':>6}  {'false':>11}  {'inv/neg':>6}"
HEADER_VERIFY = f"  {'v.right':>6}  {'v.any':>6}  {'v.false':>11}"


def table(results: Mapping[tuple[str, str], tuple[Figures, Figures | None]]) -> list[str]:
    """One row per toolchain × extractor, one per toolchain, and the total."""
    with_verify = any(v is not None for _, v in results.values())
    lines = [HEADER + (HEADER_VERIFY if with_verify else "")]
    chains: dict[str, tuple[Figures, Figures]] = {}
    total = (Figures(), Figures())
    for (chain, extractor), (offline, verified) in sorted(results.items()):
        lines.append(row(f"{chain}/{extractor}", offline, verified))
        sums = chains.setdefault(chain, (Figures(), Figures()))
        for acc in (sums, total):
            acc[0].add(offline)
            if verified is not None:
                acc[1].add(verified)
    lines.append("")
    for chain, (offline, verified) in sorted(chains.items()):
        lines.append(row(f"{chain} (all extractors)", offline, verified if with_verify else None))
    lines.append(row("all", total[0], total[1] if with_verify else None))
    return lines


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--offline-only", action="store_true", help="extract only, no local web and verify")
    parser.add_argument("--quick", action="store_true", help=f"only the documents {', '.join(QUICK_DOCS)}")
    parser.add_argument("--only", default="", help="comma-separated toolchains")
    parser.add_argument("--json", type=Path, help="also write the figures here")
    args = parser.parse_args(argv)
    manifest = json.loads((CORPUS / "manifest.json").read_text(encoding="utf-8"))
    truths = load_truths()
    todo = groups(extractions(manifest, args.quick, [c for c in args.only.split(",") if c]))
    env = {k: v for k, v in os.environ.items() if not k.lower().endswith("_proxy")}
    results: dict[tuple[str, str], tuple[Figures, Figures | None]] = {}
    for key, items in todo.items():
        results[key] = (figures_for(items, truths, ["extract", "--format", "json"], env), None)
    if not args.offline_only:
        with local_web(truths) as web_env:
            command = ["verify", "--no-archive", "--no-cache", "--min-interval", "0", "--format", "json"]
            for key, items in todo.items():
                results[key] = (results[key][0], figures_for(items, truths, command, {**env, **web_env}))
    print("\n".join(table(results)))
    print(
        "\ntrue: cited URLs; right: in their own footnote; any: found anywhere; false: found URLs that are"
        " no true URL (count, share of found); inv/neg: footnotes invented in negative documents;"
        " v.*: after verify against the local web."
    )
    if args.json:
        data = {
            f"{c}/{e}": {"offline": vars(o), "verify": vars(v) if v else None}
            for (c, e), (o, v) in results.items()
        }
        args.json.write_text(json.dumps(data, indent=1) + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
