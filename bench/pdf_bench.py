"""Benchmark the PDF libraries citecheck could read PDFs with, on our documents.

Run: `python bench/pdf_bench.py [--runs N]`. For pypdf (BSD), pypdfium2 (Apache-2.0/BSD-3),
pdfminer.six and pdfplumber (MIT), on the JACoW paper (two columns, `[n]` references), the
LibreOffice link, and our letter and two-column fixtures, it prints:

- text ms/page: the library's own plain-text extraction, per page (best of N runs);
- chars ms/page: every character with its position and font size (what superscript detection
  needs), per page;
- order: reading order on two-column pages, as the share of consecutive anchor phrases (headings,
  paragraph starts and ends, footnotes) that the library's own text gives in the right order (the
  two-column fixture is written row by row across its columns, so content order interleaves them);
- sup: superscript digit runs found in the letter from the library's character data (the letter has
  33 markers, `¹²,¹³` and `²⁰,²¹` among them, and 33 footnote labels: 66 runs); pypdf gives text
  chunks without their rise, so it can only go by size;
- links: URI link annotations found in the letter, and whether QuadPoints are reachable.

The last row, citecheck, is `citecheck.ingest.pdf.read` (pypdfium2 characters, our own line and
column analysis) on the same documents. Not a test: numbers are printed, never asserted. PyMuPDF
is left out: AGPL.
"""

from __future__ import annotations

import argparse
import ctypes
import io
import itertools
import re
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from citecheck.ingest import pdf as citecheck_pdf  # noqa: E402
from citecheck.urls import SUPERSCRIPT_DIGITS  # noqa: E402

PDFS = ROOT / "fixtures" / "pdf"
CORPUS = ROOT.parent / "shared" / "corpus"
JACOW = (
    CORPUS / "jacow-wepml008.pdf"
    if (CORPUS / "jacow-wepml008.pdf").exists()
    else PDFS / "jacow-wepml008-p1p3.pdf"
)
DOCUMENTS = {
    "jacow": JACOW,
    "libreoffice": PDFS / "libreoffice-link.pdf",
    "letter": PDFS / "letter.pdf",
    "two-column": PDFS / "two-column.pdf",
}
ANCHORS = {
    "jacow": [
        "Abstract",
        "INTRODUCTION",
        "TUNER TEST RESULTS",
        "small safety gap can result",
        "* This manuscript has been authorized",
        "Figure 1: Slim Blade Tuner",
        "The tuner normally operates by stretching",
        "sections of the slow tuner operation",
    ],
    "two-column": [
        *[f"Paragraph {n:02d} {edge} here" for n in range(1, 11) for edge in ("begins", "ends")],
        "Alpha Institute",
        *[f"Paragraph {n:02d} {edge} here" for n in range(11, 16) for edge in ("begins", "ends")],
        "Epsilon Project",
    ],
}
"""Phrases in reading order (for the JACoW paper, on its first page)."""


@dataclass
class Library:
    name: str
    licence: str
    pages: Callable[[Path], int]
    text: Callable[[Path], list[str]]
    chars: Callable[[Path], int]
    superscripts: Callable[[Path], int]
    links: Callable[[Path], tuple[int, bool]]


def _flat(text: str) -> str:
    return " ".join(text.split())


def order_score(text: str, anchors: Sequence[str]) -> float:
    """The share of consecutive anchor pairs found in the right order."""
    flat = _flat(text)
    positions = [flat.find(a) for a in anchors]
    pairs = list(itertools.pairwise(positions))
    return sum(1 for a, b in pairs if 0 <= a < b) / len(pairs)


def _runs_of(flags: Sequence[bool]) -> int:
    return sum(1 for i, f in enumerate(flags) if f and (i == 0 or not flags[i - 1]))


# --- pypdf ----------------------------------------------------------------------------------------


def pypdf_library() -> Library:
    from pypdf import PdfReader  # type: ignore[import-not-found, unused-ignore]

    def reader(path: Path) -> PdfReader:
        return PdfReader(io.BytesIO(path.read_bytes()))

    def text(path: Path) -> list[str]:
        return [page.extract_text() for page in reader(path).pages]

    def chunks(path: Path) -> list[tuple[str, float, float]]:
        """Text chunks with effective size and baseline y: pypdf's finest grain (no per-char boxes)."""
        out: list[tuple[str, float, float]] = []

        def visit(text: str, cm: Sequence[float], tm: Sequence[float], font: Any, size: float) -> None:
            scale = abs(tm[0] * tm[3] - tm[1] * tm[2]) ** 0.5 * abs(cm[0] * cm[3] - cm[1] * cm[2]) ** 0.5
            out.append((text, size * scale, tm[5] * cm[3] + cm[5]))

        for page in reader(path).pages:
            page.extract_text(visitor_text=visit)
        return out

    def chars(path: Path) -> int:
        return sum(len(t) for t, _, _ in chunks(path))

    def superscripts(path: Path) -> int:
        """By size alone: pypdf reports no text rise (Ts), so raised and lowered digits look alike."""
        found, prev = 0, None
        for text, size, _ in chunks(path):
            if prev is not None and text.strip().isdigit() and size < 0.85 * prev:
                found += 1
            elif text.strip():
                prev = size
        return found

    def links(path: Path) -> tuple[int, bool]:
        count, quads = 0, False
        for page in reader(path).pages:
            for ref in page.get("/Annots") or []:
                annot = ref.get_object()
                action = annot.get("/A")
                if annot.get("/Subtype") == "/Link" and action is not None and action.get("/S") == "/URI":
                    count += 1
                    quads = quads or "/QuadPoints" in annot
        return count, quads

    return Library("pypdf", "BSD-3", lambda p: len(reader(p).pages), text, chars, superscripts, links)


# --- pypdfium2 ------------------------------------------------------------------------------------


def pypdfium2_library() -> Library:
    import pypdfium2 as pdfium
    import pypdfium2.raw as pdfium_c

    def text(path: Path) -> list[str]:
        doc = pdfium.PdfDocument(path.read_bytes())
        out = [str(doc[i].get_textpage().get_text_bounded()) for i in range(len(doc))]
        doc.close()
        return out

    def chars(path: Path) -> int:
        """Per character: code, loose box, baseline origin, font size and matrix (size × scale)."""
        doc = pdfium.PdfDocument(path.read_bytes())
        rect, matrix = pdfium_c.FS_RECTF(), pdfium_c.FS_MATRIX()
        x, y = ctypes.c_double(), ctypes.c_double()
        total = 0
        for i in range(len(doc)):
            tp = doc[i].get_textpage()
            raw = tp.raw
            for k in range(int(pdfium_c.FPDFText_CountChars(raw))):
                pdfium_c.FPDFText_GetUnicode(raw, k)
                pdfium_c.FPDFText_GetLooseCharBox(raw, k, ctypes.byref(rect))
                pdfium_c.FPDFText_GetCharOrigin(raw, k, ctypes.byref(x), ctypes.byref(y))
                pdfium_c.FPDFText_GetMatrix(raw, k, ctypes.byref(matrix))
                pdfium_c.FPDFText_GetFontSize(raw, k)
                total += 1
        doc.close()
        return total

    def superscripts(path: Path) -> int:
        text = citecheck_pdf.read(path.read_bytes(), path.name).text
        return len(re.findall(f"[{SUPERSCRIPT_DIGITS}]+", text))

    def links(path: Path) -> tuple[int, bool]:
        doc = pdfium.PdfDocument(path.read_bytes())
        count, quads = 0, False
        for i in range(len(doc)):
            found = citecheck_pdf._uri_links(doc, doc[i])
            count += len(found)
            quads = quads or any(len(rects) > 1 for _, rects in found)
        doc.close()
        return count, quads

    def pages(path: Path) -> int:
        doc = pdfium.PdfDocument(path.read_bytes())
        n = len(doc)
        doc.close()
        return n

    return Library("pypdfium2", "Apache-2.0/BSD-3", pages, text, chars, superscripts, links)


# --- pdfminer.six and pdfplumber --------------------------------------------------------------------


def _pdfminer_annot_links(path: Path) -> tuple[int, bool]:
    from pdfminer.pdfdocument import PDFDocument  # type: ignore[import-not-found, unused-ignore]
    from pdfminer.pdfpage import PDFPage  # type: ignore[import-not-found, unused-ignore]
    from pdfminer.pdfparser import PDFParser  # type: ignore[import-not-found, unused-ignore]
    from pdfminer.pdftypes import resolve1  # type: ignore[import-not-found, unused-ignore]

    doc = PDFDocument(PDFParser(io.BytesIO(path.read_bytes())))
    count, quads = 0, False
    for page in PDFPage.create_pages(doc):
        for ref in resolve1(page.annots) or []:
            annot = resolve1(ref)
            action = resolve1(annot.get("A")) if isinstance(annot, dict) else None
            if isinstance(action, dict) and str(resolve1(action.get("S"))) == "/'URI'":
                count += 1
                quads = quads or "QuadPoints" in annot
    return count, quads


def pdfminer_library() -> Library:
    from pdfminer.high_level import extract_pages, extract_text  # type: ignore[import-not-found, unused-ignore]
    from pdfminer.layout import LTChar, LTTextContainer, LTTextLine  # type: ignore[import-not-found, unused-ignore]

    def text(path: Path) -> list[str]:
        text: str = extract_text(io.BytesIO(path.read_bytes()))
        return text.split("\f")

    def lines(path: Path) -> list[list[LTChar]]:
        out: list[list[LTChar]] = []
        for page in extract_pages(io.BytesIO(path.read_bytes())):
            for box in page:
                if isinstance(box, LTTextContainer):
                    for line in box:
                        if isinstance(line, LTTextLine):
                            out.append([c for c in line if isinstance(c, LTChar)])
        return out

    def chars(path: Path) -> int:
        return sum(len(line) for line in lines(path))

    def superscripts(path: Path) -> int:
        found = 0
        for line in lines(path):
            if not line:
                continue
            size = max(c.size for c in line)
            bottom = min(c.y0 for c in line if c.size >= 0.95 * size)
            flags = [
                c.get_text().isdigit() and c.size < 0.85 * size and c.y0 > bottom + 0.1 * size for c in line
            ]
            found += _runs_of(flags)
        return found

    def pages(path: Path) -> int:
        return sum(1 for _ in extract_pages(io.BytesIO(path.read_bytes())))

    return Library("pdfminer.six", "MIT", pages, text, chars, superscripts, _pdfminer_annot_links)


def pdfplumber_library() -> Library:
    import pdfplumber  # type: ignore[import-not-found, unused-ignore]

    def text(path: Path) -> list[str]:
        with pdfplumber.open(io.BytesIO(path.read_bytes())) as doc:
            return [page.extract_text() or "" for page in doc.pages]

    def chars(path: Path) -> int:
        with pdfplumber.open(io.BytesIO(path.read_bytes())) as doc:
            return sum(len(page.chars) for page in doc.pages)

    def superscripts(path: Path) -> int:
        found = 0
        with pdfplumber.open(io.BytesIO(path.read_bytes())) as doc:
            for page in doc.pages:
                for line in page.extract_text_lines(return_chars=True):
                    cs = line["chars"]
                    size = max(c["size"] for c in cs)
                    bottom = max(c["bottom"] for c in cs if c["size"] >= 0.95 * size)
                    flags = [
                        c["text"].isdigit() and c["size"] < 0.85 * size and c["bottom"] < bottom - 0.1 * size
                        for c in cs
                    ]
                    found += _runs_of(flags)
        return found

    def links(path: Path) -> tuple[int, bool]:
        count, quads = 0, False
        with pdfplumber.open(io.BytesIO(path.read_bytes())) as doc:
            for page in doc.pages:
                for link in page.hyperlinks:
                    count += 1
                    quads = quads or "QuadPoints" in (link.get("data") or {})
        return count, quads

    def pages(path: Path) -> int:
        with pdfplumber.open(io.BytesIO(path.read_bytes())) as doc:
            return len(doc.pages)

    return Library("pdfplumber", "MIT", pages, text, chars, superscripts, links)


# --- running ----------------------------------------------------------------------------------------


def _read(path: Path) -> object:
    return citecheck_pdf.read(path.read_bytes(), path.name)


def best_ms(fn: Callable[[], object], runs: int) -> float:
    best = float("inf")
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - start)
    return best * 1000


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--runs", type=int, default=3, help="timing runs per measurement (best is kept)")
    args = parser.parse_args(argv)
    makers = (pypdf_library, pypdfium2_library, pdfminer_library, pdfplumber_library)
    libraries: list[Library] = []
    for make in makers:
        try:
            libraries.append(make())
        except ImportError as err:
            print(f"skipped: {err}")
    pages = {
        name: citecheck_pdf.read(path.read_bytes(), name).text.count("\f") + 1
        for name, path in DOCUMENTS.items()
    }
    print(f"documents: {', '.join(f'{n} ({pages[n]} p.)' for n in DOCUMENTS)}; jacow from {JACOW}")
    print(f"timings: best of {args.runs}, ms per page\n")
    head = (
        f"{'library':<13}{'licence':<17}"
        + "".join(f"{'text ' + n[:6]:>13}" for n in DOCUMENTS)
        + "".join(f"{'chars ' + n[:6]:>14}" for n in DOCUMENTS)
        + f"{'order jacow':>13}{'order 2-col':>13}{'sup':>6}{'links':>7}{'quads':>7}"
    )
    print(head)
    print("-" * len(head))
    for lib in libraries:
        text_ms = [best_ms(partial(lib.text, path), args.runs) / pages[n] for n, path in DOCUMENTS.items()]
        char_ms = [best_ms(partial(lib.chars, path), args.runs) / pages[n] for n, path in DOCUMENTS.items()]
        jacow_first = lib.text(DOCUMENTS["jacow"])[0]
        two_col = "\n".join(lib.text(DOCUMENTS["two-column"]))
        order = (order_score(jacow_first, ANCHORS["jacow"]), order_score(two_col, ANCHORS["two-column"]))
        sup = lib.superscripts(DOCUMENTS["letter"])
        links, quads = lib.links(DOCUMENTS["letter"])
        print(
            f"{lib.name:<13}{lib.licence:<17}"
            + "".join(f"{v:>13.1f}" for v in text_ms)
            + "".join(f"{v:>14.1f}" for v in char_ms)
            + f"{order[0]:>13.0%}{order[1]:>13.0%}{sup:>6}{links:>7}{'yes' if quads else 'no':>7}"
        )
    ours = [best_ms(partial(_read, path), args.runs) / pages[n] for n, path in DOCUMENTS.items()]
    docs = {n: citecheck_pdf.read(p.read_bytes(), n) for n, p in DOCUMENTS.items()}
    jacow_first = docs["jacow"].text.split("\f")[0]
    order = (
        order_score(jacow_first, ANCHORS["jacow"]),
        order_score(docs["two-column"].text, ANCHORS["two-column"]),
    )
    sup = len(re.findall(f"[{SUPERSCRIPT_DIGITS}]+", docs["letter"].text))
    print(
        f"{'citecheck':<13}{'(pypdfium2)':<17}"
        + "".join(f"{v:>13.1f}" for v in ours)
        + "".join(f"{'':>14}" for _ in ours)
        + f"{order[0]:>13.0%}{order[1]:>13.0%}{sup:>6}{len(docs['letter'].known_links):>7}{'merged':>7}"
    )
    print("\ncitecheck's text column is the whole read (characters, layout, links) per page.")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
