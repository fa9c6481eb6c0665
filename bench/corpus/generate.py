"""Write the corpus: typeset every source with real toolchains, read it back with real extractors.

Run by hand (the tools are listed in bench/corpus/README.md):
`python bench/corpus/generate.py [--seed 13] [--only libreoffice,typst] [--docs N] [--truth-only]`.
With `--only`, the other toolchains' files stay as they are and the truth is re-derived for all.

For every document × toolchain it writes the PDF (kept when under 150 KB) and one text file per
extractor under `docs/<toolchain>/`, then `truth/<document>.json` (every cited URL, the note it
belongs to, and how each extraction damaged it), `manifest.json` and `VERSIONS.txt`. The same seed
writes the same sources; the PDFs and texts are whatever the installed tools make of them.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import random
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import corpus_damage
import corpus_render as render
import corpus_tools as tools
from corpus_render import Settings
from corpus_source import Source, corpus

HERE = Path(__file__).resolve().parent
MAX_PDF_BYTES = 150 * 1024
TOOLCHAINS = ("libreoffice", "pdflatex", "chromium", "typst")
FONTS = {
    "libreoffice": ("Liberation Serif", "Liberation Sans", "Carlito"),
    "pdflatex": ("Computer Modern",),  # TeX's default
    "chromium": ("Liberation Serif", "Liberation Sans", "Carlito"),
    "typst": ("Liberation Serif", "Carlito", "New Computer Modern", "Libertinus Serif"),
}
VARIANTS = {
    "libreoffice": ("footnotes",),
    "pdflatex": (
        "url",
        "url-hyphens",
        "xurl",
        "url-hyphens+enotez",
        "xurl+enotez",
        "xurl+endnotes",
        "url-hyphens+endnotes",
    ),
    "chromium": ("anywhere", "break-all", "anywhere+p", "break-all+p"),
    "typst": ("footnotes",),
}
SOURCE_SUFFIX = {"libreoffice": ".md", "pdflatex": ".tex", "chromium": ".html", "typst": ".typ"}


def settings_for(seed: int, doc: str, toolchain: str) -> Settings:
    """The document's typesetting for one toolchain, drawn from its own seeded generator."""
    digest = hashlib.sha256(f"{seed}/{doc}/{toolchain}".encode()).hexdigest()
    rng = random.Random(int(digest[:16], 16))
    return Settings(
        font=rng.choice(FONTS[toolchain]),
        paper=rng.choice(("a4", "letter")),
        justify=rng.random() < 0.6,
        hyphenate=rng.random() < 0.6,
        margin_mm=rng.choice((18, 25, 30, 38, 45, 55)),
        size_pt=rng.choice((10, 11, 12)),
        variant=rng.choice(VARIANTS[toolchain]),
    )


def source_text(toolchain: str, src: Source, s: Settings) -> str:
    if toolchain == "libreoffice":
        return render.to_markdown(src)
    if toolchain == "pdflatex":
        return render.to_latex(src, s)
    if toolchain == "chromium":
        return render.to_html(src, s)
    return render.to_typst(src, s)


def typeset(toolchain: str, text: str, s: Settings, pdf: Path) -> None:
    builders: dict[str, Callable[[], None]] = {
        "libreoffice": lambda: tools.libreoffice(text, s, pdf),
        "pdflatex": lambda: tools.pdflatex(text, pdf),
        "chromium": lambda: tools.chromium(text, pdf),
        "typst": lambda: tools.typst(text, pdf),
    }
    builders[toolchain]()


def truth_urls(src: Source) -> list[dict[str, Any]]:
    """Every cited URL occurrence, in note order, with its note's number and series."""
    return [
        {"url": u, "footnote": n.number, "series": n.series, "damage": {}}
        for n in src.notes
        for u in n.urls()
    ]


def record_damage(urls: list[dict[str, Any]], key: str, text: str) -> None:
    """How this extraction shows each URL, searched in order (a URL cited twice is found twice)."""
    position = 0
    for entry in urls:
        damage, position = corpus_damage.locate(entry["url"], text, position)
        entry["damage"][key] = {"summary": corpus_damage.summary(damage), **damage}


def write_truth(src: Source, urls: list[dict[str, Any]]) -> None:
    truth = {
        "document": src.name,
        "kind": src.kind,
        "title": src.title,
        "notes": len(src.notes),
        "series": sorted({n.series for n in src.notes}),
        "urls": urls,
    }
    (HERE / "truth" / f"{src.name}.json").write_text(json.dumps(truth, indent=1, ensure_ascii=False) + "\n")


def truth_only() -> int:
    """The truth again from the committed texts (after a change to the damage finder): no tools."""
    manifest = json.loads((HERE / "manifest.json").read_text(encoding="utf-8"))
    for src in corpus(manifest["seed"]):
        if src.name not in manifest["documents"]:
            continue
        urls = truth_urls(src)
        for chain, made in manifest["documents"][src.name]["renders"].items():
            for name, rel in made["extractions"].items():
                record_damage(urls, f"{chain}/{name}", (HERE / rel).read_text(encoding="utf-8"))
        write_truth(src, urls)
    return 0


def build_document(src: Source, toolchain: str, seed: int, urls: list[dict[str, Any]]) -> dict[str, Any]:
    """Typeset one document with one toolchain and extract it four ways; what was made."""
    folder = HERE / "docs" / toolchain
    (folder / "src").mkdir(parents=True, exist_ok=True)
    s = settings_for(seed, src.name, toolchain)
    text = source_text(toolchain, src, s)
    (folder / "src" / f"{src.name}{SOURCE_SUFFIX[toolchain]}").write_text(text, encoding="utf-8")
    pdf = folder / f"{src.name}.pdf"
    typeset(toolchain, text, s, pdf)
    size = pdf.stat().st_size
    extractions = {}
    for name, extractor in tools.EXTRACTORS.items():
        out = folder / f"{src.name}.{name}.txt"
        extracted = extractor(pdf)
        out.write_text(extracted, encoding="utf-8")
        extractions[name] = out.relative_to(HERE).as_posix()
        record_damage(urls, f"{toolchain}/{name}", extracted)
    kept = size <= MAX_PDF_BYTES
    if not kept:
        pdf.unlink()
    return {
        "settings": s.describe(),
        "source": f"docs/{toolchain}/src/{src.name}{SOURCE_SUFFIX[toolchain]}",
        "pdf": pdf.relative_to(HERE).as_posix() if kept else None,
        "pdf_bytes": size,
        "extractions": extractions,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seed", type=int, default=13)
    parser.add_argument("--only", default=",".join(TOOLCHAINS), help="comma-separated toolchains")
    parser.add_argument("--docs", type=int, default=0, help="only the first N documents (0: all)")
    parser.add_argument("--truth-only", action="store_true", help="only the truth, from the committed texts")
    args = parser.parse_args(argv)
    if args.truth_only:
        return truth_only()
    chains = [c for c in args.only.split(",") if c]
    unknown = set(chains) - set(TOOLCHAINS)
    if unknown:
        print(f"unknown toolchain(s): {', '.join(sorted(unknown))}", file=sys.stderr)
        return 2
    sources = corpus(args.seed)
    if args.docs:
        sources = sources[: args.docs]
    (HERE / "truth").mkdir(exist_ok=True)
    partial = set(chains) != set(TOOLCHAINS) and (HERE / "manifest.json").exists()
    manifest: dict[str, Any] = {"seed": args.seed, "toolchains": chains, "documents": {}}
    if partial:  # remake some toolchains, keep the others
        manifest = json.loads((HERE / "manifest.json").read_text(encoding="utf-8"))
        manifest["toolchains"] = [c for c in TOOLCHAINS if c in {*chains, *manifest["toolchains"]}]
    manifest["versions"] = tools.versions()
    for src in sources:
        urls = truth_urls(src)
        renders = manifest["documents"].get(src.name, {}).get("renders", {})
        for chain in chains:
            renders[chain] = build_document(src, chain, args.seed, urls)
            print(f"{src.name} {chain}: {renders[chain]['pdf_bytes']} bytes", flush=True)
        write_truth(src, urls)
        manifest["documents"][src.name] = {
            "kind": src.kind,
            "truth": f"truth/{src.name}.json",
            "renders": renders,
        }
    (HERE / "manifest.json").write_text(json.dumps(manifest, indent=1, ensure_ascii=False) + "\n")
    lines = [f"{tool}: {version}" for tool, version in manifest["versions"].items()]
    (HERE / "VERSIONS.txt").write_text("\n".join(lines) + "\n")
    return truth_only() if partial else 0


if __name__ == "__main__":
    raise SystemExit(main())
