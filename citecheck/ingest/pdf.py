"""PDF documents: bytes to a `Document` with the text in reading order. Pure: no I/O (the bytes
come from `ingest.read_document`; nothing here opens files or touches the network).

The text layer is read glyph by glyph with PDFium (pypdfium2): each glyph's box, baseline and
effective size. From these we rebuild lines, put them in reading order (a two-column page column
by column; the footnote zone at the bottom of a page after its body) and write plain text that
`footnotes.parse` reads like a viewer's copy: footnote markers (digits raised and smaller than
their line) become Unicode superscripts (`CECOT.¹`), so a footnote definition starts its line
with its superscript number; paragraphs and page zones are separated by blank lines, and pages
by a form feed.

Link annotations with a URI action become `KnownLink`s: the visible text under the annotation's
rectangles, and the line of `Document.text` where that text starts. A link that wraps (several
rectangles, or several annotations, one per line, even across a page break) is one link.

Unusable input raises `InputError` with a one-line reason: not a PDF, truncated, corrupt,
encrypted with a password, no text layer (a scan), too many pages, too slow to read.
"""

from __future__ import annotations

import bisect
import ctypes
import itertools
import math
import re
import statistics
import time
import unicodedata
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c

from citecheck.errors import InputError
from citecheck.models import Document, KnownLink
from citecheck.urls import SUPERSCRIPT_DIGITS

MAX_PAGES = 2000
"""Longer PDFs are refused rather than read in part: a citation check that skips pages would
report a document clean that is not."""
MAX_SECONDS = 120.0
"""Reading stops with an error past this (a dense page takes ~25 ms: 2,000 pages in about 50 s)."""
MAX_GLYPHS_PER_PAGE = 200_000
MAX_LINKS_PER_PAGE = 5_000

_TO_SUPER = str.maketrans("0123456789", SUPERSCRIPT_DIGITS)
_FROM_SUPER = str.maketrans(SUPERSCRIPT_DIGITS, "0123456789")
_SPACES = frozenset({0x09, 0x0A, 0x0D, 0x20, 0xA0, 0x3000, *range(0x2000, 0x200C)})
_HYPHEN_CODES = frozenset({0x02, 0xFFFE})
"""PDFium's codes for a hyphen it saw at a line end (it would drop it when copying text; we keep it)."""
_URL_START = re.compile(r"(?:(?:https?|ftp)://|www\.)", re.IGNORECASE)

_SUPER_SMALLER = 0.85
"""A raised glyph at most this size of its line is a superscript..."""
_SUPER_RAISE = 0.12
"""...when its baseline is this much of the line's size above the line's baseline."""
_SUPER_RAISE_SAME_SIZE = 0.3
"""A glyph of full size must be raised this much to count."""
_RUN_GAP = 1.5
"""In content order, a gap wider than this many sizes starts a new run of text."""
_WORD_GAP = 0.2
"""A gap wider than this many sizes between two glyphs is a space."""
_FOOTNOTE_SIZE = 0.93
"""Lines smaller than this fraction of the page's body size, below its last body line, are its
footnote zone."""
_GUTTER_BINS = 4096
"""Most bins of the histogram that finds a gutter (a page 10,000 points wide still gets 1-point bins)."""
_PARAGRAPH_PITCH = 1.3
"""Consecutive lines further apart than this many times the usual line pitch are paragraphs."""


def read(data: bytes, name: str) -> Document:
    """Read a PDF's text in reading order, with footnote markers as superscripts and its links."""
    _check_bytes(data, name)
    try:
        return _read(data, name, time.monotonic() + MAX_SECONDS)
    except InputError:
        raise
    except Exception as err:  # hostile or broken input may fail anywhere in a PDF library
        raise InputError(f"{name}: cannot read this PDF ({_one_line(err)})") from None


def _one_line(err: BaseException) -> str:
    text = " ".join(str(err).split()) or type(err).__name__
    return text[:200]


def _check_bytes(data: bytes, name: str) -> None:
    if not data.strip():
        raise InputError(f"{name}: the file is empty")
    if b"%PDF-" not in data[:1024]:
        raise InputError(f"{name}: not a PDF (no %PDF header)")
    if b"%%EOF" not in data[-4096:]:
        raise InputError(f"{name}: the PDF is truncated (no %%EOF at its end): an incomplete download?")


def _open(data: bytes, name: str) -> Any:
    try:
        return pdfium.PdfDocument(data)
    except pdfium.PdfiumError as err:
        code = getattr(err, "err_code", None)
        if code is None:
            code = int(pdfium_c.FPDF_GetLastError())
        if code == pdfium_c.FPDF_ERR_PASSWORD:
            raise InputError(
                f"{name}: the PDF is encrypted with a password; check a copy saved without it "
                "(qpdf --decrypt --password=PASSWORD in.pdf out.pdf)"
            ) from None
        if code == pdfium_c.FPDF_ERR_SECURITY:
            raise InputError(f"{name}: the PDF uses an encryption scheme that cannot be opened") from None
        raise InputError(f"{name}: the PDF is corrupt and cannot be opened") from None


# --- glyphs ---------------------------------------------------------------------------------------


@dataclass(slots=True)
class _Glyph:
    """One character drawn on a page, in upright coordinates (its text runs left to right)."""

    ch: str
    x0: float
    y0: float
    x1: float
    y1: float
    base: float
    size: float
    index: int
    space: bool
    """A space (real or one PDFium inferred) comes just before it in the content stream."""
    cx: float
    cy: float
    """The centre of its box in page space, for link rectangles."""
    line: int = 0
    col: int = -1
    """Where it landed in the document's text: line number and column."""


def _upright(quarter: int, x: float, y: float) -> tuple[float, float]:
    """Rotate a point so that text written at `quarter` × 90° reads left to right."""
    if quarter == 1:
        return y, -x
    if quarter == 2:
        return -x, -y
    if quarter == 3:
        return -y, x
    return x, y


def _glyphs(textpage: Any, deadline: float, where: str) -> dict[int, list[_Glyph]]:
    """The page's glyphs in content order, grouped by writing direction (quarter turns)."""
    raw = textpage.raw
    count = int(pdfium_c.FPDFText_CountChars(raw))
    if count > MAX_GLYPHS_PER_PAGE:
        raise InputError(f"{where} has more than {MAX_GLYPHS_PER_PAGE:,} characters")
    rect, matrix = pdfium_c.FS_RECTF(), pdfium_c.FS_MATRIX()
    ox, oy = ctypes.c_double(), ctypes.c_double()
    rect_ref, matrix_ref, ox_ref, oy_ref = (ctypes.byref(v) for v in (rect, matrix, ox, oy))
    unicode_of, box_of = pdfium_c.FPDFText_GetUnicode, pdfium_c.FPDFText_GetLooseCharBox
    origin_of, matrix_of = pdfium_c.FPDFText_GetCharOrigin, pdfium_c.FPDFText_GetMatrix
    size_of = pdfium_c.FPDFText_GetFontSize
    groups: dict[int, list[_Glyph]] = {}
    space = False
    for i in range(count):
        if i % 4096 == 4095 and time.monotonic() > deadline:
            raise InputError(f"{where}: reading took longer than {MAX_SECONDS:.0f} s")
        code = int(unicode_of(raw, i))
        if code in _SPACES:  # also every character PDFium generates (spaces and line ends)
            space = True
            continue
        if code in _HYPHEN_CODES or (code < 0x20 and pdfium_c.FPDFText_IsHyphen(raw, i)):
            ch = "-"
        elif code < 0x20 or 0xD800 <= code <= 0xDFFF or code > 0x10FFFF or code == 0xFFFF:
            continue
        else:
            ch = chr(code)
            if 0xFB00 <= code <= 0xFB06:  # ligatures: ﬁ → fi
                ch = unicodedata.normalize("NFKC", ch)
        box_of(raw, i, rect_ref)
        origin_of(raw, i, ox_ref, oy_ref)
        matrix_of(raw, i, matrix_ref)
        font_size = float(size_of(raw, i))
        scale = math.sqrt(abs(matrix.a * matrix.d - matrix.b * matrix.c))
        size = font_size * scale if scale > 0 else font_size
        quarter = round(math.atan2(matrix.b, matrix.a) / (math.pi / 2)) % 4
        left, right = min(rect.left, rect.right), max(rect.left, rect.right)
        bottom, top = min(rect.bottom, rect.top), max(rect.bottom, rect.top)
        ax, ay = _upright(quarter, left, bottom)
        bx, by = _upright(quarter, right, top)
        _, base = _upright(quarter, ox.value, oy.value)
        glyph = _Glyph(
            ch,
            min(ax, bx),
            min(ay, by),
            max(ax, bx),
            max(ay, by),
            base,
            max(size, 0.1),
            i,
            space,
            (left + right) / 2,
            (bottom + top) / 2,
        )
        groups.setdefault(quarter, []).append(glyph)
        space = False
    return groups


# --- lines ----------------------------------------------------------------------------------------


@dataclass(slots=True)
class _Run:
    """Glyphs that follow each other on one line: in content order, then side by side."""

    glyphs: list[_Glyph]
    x0: float
    x1: float
    y0: float
    y1: float
    size: float

    @classmethod
    def of(cls, g: _Glyph) -> _Run:
        return cls([g], g.x0, g.x1, g.y0, g.y1, g.size)

    def add(self, g: _Glyph) -> None:
        self.glyphs.append(g)
        self.x0, self.x1 = min(self.x0, g.x0), max(self.x1, g.x1)
        self.y0, self.y1 = min(self.y0, g.y0), max(self.y1, g.y1)
        self.size = max(self.size, g.size)

    def merge(self, other: _Run) -> None:
        self.glyphs += other.glyphs
        self.x0, self.x1 = min(self.x0, other.x0), max(self.x1, other.x1)
        self.y0, self.y1 = min(self.y0, other.y0), max(self.y1, other.y1)
        self.size = max(self.size, other.size)

    @property
    def mid(self) -> float:
        return (self.y0 + self.y1) / 2

    def level_with(self, y0: float, y1: float) -> bool:
        """Whether a box from y0 to y1 stands on this run's line (either one's middle in the other)."""
        return self.y0 <= (y0 + y1) / 2 <= self.y1 or y0 <= self.mid <= y1


@dataclass(slots=True)
class _Line:
    """A line of text (one column's part of a row), with its geometry and its text."""

    glyphs: list[_Glyph]
    x0: float
    x1: float
    y0: float
    y1: float
    base: float
    size: float
    text: str = ""
    cols: list[int] = field(default_factory=list)


def _runs(glyphs: Sequence[_Glyph]) -> list[_Run]:
    """Content-order runs: a run ends where the text jumps back, down, or far ahead."""
    runs: list[_Run] = []
    for g in glyphs:
        if runs:
            run = runs[-1]
            last = run.glyphs[-1]
            size = max(run.size, g.size)
            gap = g.x0 - last.x1
            if -0.5 * size <= gap <= _RUN_GAP * size and run.level_with(g.y0, g.y1):
                run.add(g)
                continue
        runs.append(_Run.of(g))
    return runs


def _lines(glyphs: Sequence[_Glyph]) -> tuple[list[_Line], float | None]:
    """Lines from glyphs, and the x of the gutter if the text stands in two columns: content-order
    runs, joined with the runs beside them on the same row unless the gutter is between them."""
    runs = _runs(glyphs)
    gutter = _gutter(runs)
    if gutter is not None:
        runs = [piece for run in runs for piece in _split(run, gutter)]
    rows: list[list[_Run]] = []
    for run in sorted(runs, key=lambda r: -r.mid):
        if rows and rows[-1][0].level_with(run.y0, run.y1):
            rows[-1].append(run)
        else:
            rows.append([run])
    lines: list[_Line] = []
    for row in rows:
        row.sort(key=lambda r: r.x0)
        merged: list[_Run] = [row[0]]
        for run in row[1:]:
            prev = merged[-1]
            if _across(prev.x1, run.x0, gutter) or not prev.level_with(run.y0, run.y1):
                merged.append(run)
            else:
                prev.merge(run)
        lines += [_line(run.glyphs) for run in merged]
    return lines, None if gutter is None else gutter[0]


def _across(x0: float, x1: float, gutter: tuple[float, float] | None) -> bool:
    """Whether a gap from x0 to x1 is the gutter between columns (not a space in a spanning line)."""
    return gutter is not None and x0 <= gutter[0] <= x1 and x1 - x0 >= 0.8 * gutter[1]


def _split(run: _Run, gutter: tuple[float, float]) -> list[_Run]:
    """A run cut where it jumps over the gutter (two columns' lines written as one)."""
    out = [_Run.of(run.glyphs[0])]
    for prev, g in itertools.pairwise(run.glyphs):
        if _across(prev.x1, g.x0, gutter):
            out.append(_Run.of(g))
        else:
            out[-1].add(g)
    return out


def _gutter(runs: Sequence[_Run]) -> tuple[float, float] | None:
    """The x and width of the gap between two text columns, if the page has two.

    The gutter is the widest band in the middle of the text that the fewest runs cross (only the
    lines that span both columns: titles, full-width footnotes); it must have text beside it on
    both sides, at the same heights, in more runs than cross it.
    """
    if len(runs) < 6:
        return None
    size = statistics.median(r.size for r in runs)
    lo_x, hi_x = min(r.x0 for r in runs), max(r.x1 for r in runs)
    span = hi_x - lo_x
    if span < 20 * size or not math.isfinite(span):
        return None
    lo = lo_x + 0.3 * span
    # Bins are one point wide on any real page; text that a hostile matrix spreads over 10^9
    # points gets coarser bins, not a list of 10^9 counters (found by fuzzing: 13.8 GB, 189 s).
    bins = min(int(0.4 * span) + 1, _GUTTER_BINS)
    unit = 1.0 if bins < _GUTTER_BINS else 0.4 * span / (bins - 1)
    starts = [0] * (bins + 1)
    for r in runs:  # each run covers a range of bins: counted at its ends, summed once below
        a, b = max((r.x0 - lo) / unit, 0.0), min((r.x1 - lo) / unit, bins - 1.0)
        if a <= b and math.ceil(a) <= math.floor(b):
            starts[math.ceil(a)] += 1
            starts[math.floor(b) + 1] -= 1
    cover = list(itertools.accumulate(starts[:bins]))
    least = min(cover)
    best, start = (0, 0), -1
    for k, c in enumerate([*cover, least + 1]):
        if c == least and start < 0:
            start = k
        elif c != least and start >= 0:
            best, start = max(best, (k - start, start)), -1
    width, at = best[0] * unit, best[1] * unit
    if width < max(4.0, 0.4 * size):
        return None
    gx = lo + at + width / 2
    left = [r for r in runs if r.x1 <= gx]
    right = [r for r in runs if r.x0 >= gx]
    if len(left) < 3 or len(right) < 3 or least >= 0.5 * min(len(left), len(right)):
        return None
    if min(r.y0 for r in left) > max(r.y1 for r in right) or min(r.y0 for r in right) > max(
        r.y1 for r in left
    ):
        return None  # one above the other, not side by side
    return gx, float(width)


def _line(glyphs: list[_Glyph]) -> _Line:
    """A line's geometry from its main glyphs (the size most of them have), and its text."""
    glyphs = _dedupe(sorted(glyphs, key=lambda g: (g.x0, g.index)))
    sizes = Counter(round(g.size * 4) / 4 for g in glyphs)
    size = max(sizes.items(), key=lambda kv: (kv[1], kv[0]))[0]
    main = [g for g in glyphs if abs(g.size - size) <= 0.1 * size] or glyphs
    line = _Line(
        glyphs,
        min(g.x0 for g in glyphs),
        max(g.x1 for g in glyphs),
        min(g.y0 for g in main),
        max(g.y1 for g in main),
        statistics.median(g.base for g in main),
        size,
    )
    _set_text(line)
    return line


def _dedupe(glyphs: list[_Glyph]) -> list[_Glyph]:
    """Drop glyphs drawn twice in the same place (fake bold, shadows)."""
    out: list[_Glyph] = []
    for g in glyphs:
        if any(
            p.ch == g.ch and abs(p.x0 - g.x0) < 0.15 * g.size and abs(p.base - g.base) < 0.15 * g.size
            for p in out[-3:]
        ):
            continue
        out.append(g)
    return out


def _superscript(g: _Glyph, line: _Line) -> bool:
    raised = g.base - line.base
    if g.size <= _SUPER_SMALLER * line.size:
        return raised >= _SUPER_RAISE * line.size
    return raised >= _SUPER_RAISE_SAME_SIZE * line.size


def _set_text(line: _Line) -> None:
    """The line's text: spaces where the content or the gaps have them, raised digits superscript."""
    out: list[str] = []
    cols: list[int] = []
    length = 0
    prev: _Glyph | None = None
    for g in line.glyphs:
        ch = g.ch
        if "0" <= ch <= "9" and _superscript(g, line):
            ch = ch.translate(_TO_SUPER)
        if prev is not None:
            gap = g.x0 - prev.x1
            if (g.space and g.index > prev.index) or gap > _WORD_GAP * min(g.size, prev.size):
                out.append(" ")
                length += 1
        cols.append(length)
        out.append(ch)
        length += len(ch)
        prev = g
    line.text = "".join(out)
    line.cols = cols


# --- reading order --------------------------------------------------------------------------------


def _body_size(lines: Sequence[_Line]) -> float:
    sizes: Counter[float] = Counter()
    for line in lines:
        sizes[round(line.size * 2) / 2] += len(line.glyphs)
    return max(sizes.items(), key=lambda kv: (kv[1], kv[0]))[0]


def _rows(lines: Sequence[_Line]) -> list[_Line]:
    """Lines top to bottom, and left to right within a row."""
    ordered = sorted(lines, key=lambda ln: -ln.base)
    out: list[_Line] = []
    row: list[_Line] = []
    for line in ordered:
        if row and abs(row[0].base - line.base) > 0.3 * min(row[0].size, line.size):
            out += sorted(row, key=lambda ln: ln.x0)
            row = []
        row.append(line)
    return out + sorted(row, key=lambda ln: ln.x0)


def _columns(lines: Sequence[_Line], gutter: float | None) -> list[tuple[_Line, int]]:
    """Reading order of one zone: two columns read one after the other between the lines that
    span them (titles, full-width footnotes). Each line with its column: 0 spanning, 1 left, 2 right."""
    rows = _rows(lines)
    if gutter is None:
        return [(ln, 0) for ln in rows]
    out: list[tuple[_Line, int]] = []
    section: list[_Line] = []

    def flush() -> None:
        out.extend((ln, 1) for ln in section if ln.x1 <= gutter)
        out.extend((ln, 2) for ln in section if ln.x1 > gutter)
        section.clear()

    for ln in rows:
        if ln.x0 < gutter < ln.x1:
            flush()
            out.append((ln, 0))
        else:
            section.append(ln)
    flush()
    return out


def _reading_order(lines: Sequence[_Line], gutter: float | None) -> list[tuple[_Line, bool]]:
    """A page's lines in reading order, each with whether a blank line comes before it: the body
    (in columns if it has them), then the footnote zone (smaller lines below the last body line)."""
    if not lines:
        return []
    body = _body_size(lines)
    main_lines = [ln for ln in lines if ln.size >= _FOOTNOTE_SIZE * body and len(ln.glyphs) >= 20]
    floor = min((ln.y0 for ln in main_lines), default=-math.inf)
    zone = [ln for ln in lines if (ln.y0 + ln.y1) / 2 < floor]
    in_zone = {id(ln) for ln in zone}
    ordered = [(ln, 0, col) for ln, col in _columns([ln for ln in lines if id(ln) not in in_zone], gutter)]
    ordered += [(ln, 1, col) for ln, col in _columns(zone, gutter)]
    _raise_labels([ln for ln, region, _ in ordered if region == 0], zone)
    pitch = _usual_pitch(ordered)
    out: list[tuple[_Line, bool]] = []
    for k, (ln, region, col) in enumerate(ordered):
        if k == 0:
            out.append((ln, False))
            continue
        prev, prev_region, prev_col = ordered[k - 1]
        blank = region != prev_region
        if not blank and (col == prev_col or 0 in (col, prev_col)):  # not from one column to the next
            usual = pitch.get(_size_key(prev, ln), 1.2 * max(prev.size, ln.size))
            blank = prev.base - ln.base > _PARAGRAPH_PITCH * usual
        out.append((ln, blank))
    return out


_PLAIN_LABEL = re.compile(r"(\d+)(?=[ \t]+\S)")
_SUPER_RUN = re.compile(f"[{SUPERSCRIPT_DIGITS}]+")


def _raise_labels(body: Sequence[_Line], zone: Sequence[_Line]) -> None:
    """Footnotes numbered in plain digits (`1 See …`) where the body above has the superscript
    marker `¹`: their number is a footnote label, and is written as one."""
    markers = {m.group(0).translate(_FROM_SUPER) for ln in body for m in _SUPER_RUN.finditer(ln.text)}
    for ln in zone:
        if (m := _PLAIN_LABEL.match(ln.text)) and m.group(1) in markers:
            ln.text = m.group(1).translate(_TO_SUPER) + ln.text[m.end() :]


def _size_key(a: _Line, b: _Line) -> float:
    return round(max(a.size, b.size) * 2) / 2


def _usual_pitch(ordered: Sequence[tuple[_Line, int, int]]) -> dict[float, float]:
    """The usual distance between the baselines of consecutive lines, by (the larger) line size."""
    seen: dict[float, list[float]] = {}
    for (a, ra, ca), (b, rb, cb) in itertools.pairwise(ordered):
        if ra == rb and ca == cb:
            drop = a.base - b.base
            if 0.8 * max(a.size, b.size) <= drop <= 2.5 * max(a.size, b.size):
                seen.setdefault(_size_key(a, b), []).append(drop)
    return {size: statistics.median(drops) for size, drops in seen.items()}


# --- links ----------------------------------------------------------------------------------------


@dataclass(slots=True)
class _Annot:
    """A URI link annotation and the glyphs under it."""

    target: str
    page: int
    glyphs: list[_Glyph]
    line: int


def _uri_links(pdf: Any, page: Any) -> list[tuple[str, list[tuple[float, float, float, float]]]]:
    """The page's URI link annotations: target and rectangles (QuadPoints if any, else Rect)."""
    out: list[tuple[str, list[tuple[float, float, float, float]]]] = []
    pos, link = ctypes.c_int(0), pdfium_c.FPDF_LINK()
    for _ in range(MAX_LINKS_PER_PAGE):
        if not pdfium_c.FPDFLink_Enumerate(page.raw, ctypes.byref(pos), ctypes.byref(link)):
            break
        action = pdfium_c.FPDFLink_GetAction(link)
        if not action or pdfium_c.FPDFAction_GetType(action) != pdfium_c.PDFACTION_URI:
            continue
        size = int(pdfium_c.FPDFAction_GetURIPath(pdf.raw, action, None, 0))
        if size <= 1 or size > 65536:
            continue
        buf = ctypes.create_string_buffer(size)
        pdfium_c.FPDFAction_GetURIPath(pdf.raw, action, buf, size)
        target = _decode_uri(buf.raw[: size - 1])
        if not target:
            continue
        rects: list[tuple[float, float, float, float]] = []
        quad = pdfium_c.FS_QUADPOINTSF()
        for k in range(min(int(pdfium_c.FPDFLink_CountQuadPoints(link)), 1000)):
            if pdfium_c.FPDFLink_GetQuadPoints(link, k, ctypes.byref(quad)):
                xs, ys = (quad.x1, quad.x2, quad.x3, quad.x4), (quad.y1, quad.y2, quad.y3, quad.y4)
                rects.append((min(xs), min(ys), max(xs), max(ys)))
        if not rects:
            rect = pdfium_c.FS_RECTF()
            if pdfium_c.FPDFLink_GetAnnotRect(link, ctypes.byref(rect)):
                rects.append(
                    (
                        min(rect.left, rect.right),
                        min(rect.top, rect.bottom),
                        max(rect.left, rect.right),
                        max(rect.top, rect.bottom),
                    )
                )
        out.append((target, rects))
    return out


def _decode_uri(raw: bytes) -> str:
    raw = raw.rstrip(b"\x00")
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        text = raw.decode("latin-1")
    return text.strip()


def _covered(
    rects: Sequence[tuple[float, float, float, float]], glyphs: Sequence[_Glyph], ys: Sequence[float]
) -> list[_Glyph]:
    """Glyphs whose centre lies in one of the rectangles (`glyphs` sorted by centre y, `ys` those ys)."""
    found: dict[int, _Glyph] = {}
    for x0, y0, x1, y1 in rects:
        lo, hi = bisect.bisect_left(ys, y0 - 1), bisect.bisect_right(ys, y1 + 1)
        for g in glyphs[lo:hi]:
            if x0 <= g.cx <= x1 and g.col >= 0:
                found[id(g)] = g
    return sorted(found.values(), key=lambda g: (g.line, g.col))


def _visible(glyphs: Sequence[_Glyph], lines: Sequence[str]) -> str:
    """The text under a link: its part of each line, joined without a space if it is a URL."""
    pieces: list[str] = []
    for number in dict.fromkeys(g.line for g in glyphs):
        here = [g for g in glyphs if g.line == number]
        start, end = min(g.col for g in here), max(g.col + len(g.ch) for g in here)
        pieces.append(lines[number - 1][start:end].strip("\f"))
    joiner = "" if pieces and _URL_START.match(pieces[0]) else " "
    return joiner.join(pieces)


def _ends_line(g: _Glyph, lines: Sequence[str]) -> bool:
    rest = lines[g.line - 1][g.col + 1 :]
    return len(rest.strip()) <= 2


def _starts_line(g: _Glyph, lines: Sequence[str]) -> bool:
    before = lines[g.line - 1][: g.col]
    return len(before.strip().strip("\f")) <= 2


def _known_links(annots: Sequence[_Annot], lines: Sequence[str]) -> tuple[KnownLink, ...]:
    """One KnownLink per link: annotations with one target on consecutive lines (a wrapped URL,
    on the same page or over a page break) are joined."""
    groups: list[list[_Annot]] = []
    for annot in annots:
        if groups and _continues(groups[-1][-1], annot, annots, lines):
            groups[-1].append(annot)
        else:
            groups.append([annot])
    out: list[KnownLink] = []
    for group in groups:
        glyphs = [g for a in group for g in a.glyphs]
        out.append(KnownLink(group[0].target, _visible(glyphs, lines) if glyphs else "", group[0].line))
    return tuple(out)


def _continues(prev: _Annot, annot: _Annot, annots: Sequence[_Annot], lines: Sequence[str]) -> bool:
    if prev.target != annot.target or not prev.glyphs or not annot.glyphs:
        return False
    last, first = prev.glyphs[-1], annot.glyphs[0]
    if not (_ends_line(last, lines) and _starts_line(first, lines)):
        return False
    if _URL_START.match(lines[first.line - 1], first.col):
        return False  # a URL of its own (the same one cited again), not the rest of a wrapped one
    if annot.page == prev.page:
        between = [ln for ln in lines[last.line : first.line - 1] if ln.strip()]
        return first.line > last.line and not between
    on_prev = [a for a in annots if a.page == prev.page and a.glyphs]
    on_next = [a for a in annots if a.page == annot.page and a.glyphs]
    return annot.page == prev.page + 1 and on_prev[-1] is prev and on_next[0] is annot


# --- the document ---------------------------------------------------------------------------------


def _read(data: bytes, name: str, deadline: float) -> Document:
    pdf = _open(data, name)
    try:
        count = len(pdf)
        if count == 0:
            raise InputError(f"{name}: the PDF has no pages")
        if count > MAX_PAGES:
            raise InputError(f"{name}: {count:,} pages; citecheck reads PDFs of at most {MAX_PAGES:,} pages")
        lines: list[str] = []
        annots: list[_Annot] = []
        glyph_count = readable = 0
        for index in range(count):
            if time.monotonic() > deadline:
                raise InputError(
                    f"{name}: reading took longer than {MAX_SECONDS:.0f} s (at page {index + 1})"
                )
            try:
                page = pdf[index]
            except pdfium.PdfiumError:
                raise InputError(f"{name}: page {index + 1} cannot be read (the PDF is corrupt)") from None
            try:
                textpage = page.get_textpage()
                try:
                    groups = _glyphs(textpage, deadline, f"{name}: page {index + 1}")
                finally:
                    textpage.close()
                placed = _place_page(groups, lines)
                glyph_count += len(placed)
                readable += sum(1 for g in placed if g.ch.isalnum())
                annots += _page_annots(pdf, page, index, placed, lines)
            finally:
                page.close()
        if glyph_count == 0:
            raise InputError(f"{name}: no text layer (a scanned PDF?); run OCR on it first, e.g. ocrmypdf")
        if readable < 0.2 * glyph_count:
            raise InputError(f"{name}: the text layer is unreadable (fonts without a Unicode map?)")
        known = _known_links(annots, lines)
    finally:
        pdf.close()
    return Document(path=name, text="\n".join(lines), known_links=known)


def _place_page(groups: dict[int, list[_Glyph]], lines: list[str]) -> list[_Glyph]:
    """Append a page's lines to the document's, noting where each glyph landed; its glyphs."""
    if not groups:
        return []
    main = max(groups, key=lambda q: len(groups[q]))
    ordered = _reading_order(*_lines(groups[main]))
    for quarter, glyphs in sorted(groups.items()):
        if quarter != main:  # text in the margin, written sideways: after the page
            ordered += [(ln, k == 0) for k, ln in enumerate(_rows(_lines(glyphs)[0]))]
    first = True
    placed: list[_Glyph] = []
    for ln, blank in ordered:
        if blank and not first:
            lines.append("")
        prefix = "\f" if first and lines else ""
        lines.append(prefix + ln.text)
        for g, col in zip(ln.glyphs, ln.cols, strict=True):
            g.line, g.col = len(lines), col + len(prefix)
        placed += ln.glyphs
        first = False
    return placed


def _page_annots(pdf: Any, page: Any, index: int, placed: list[_Glyph], lines: Sequence[str]) -> list[_Annot]:
    links = _uri_links(pdf, page)
    if not links:
        return []
    by_y = sorted(placed, key=lambda g: g.cy)
    ys = [g.cy for g in by_y]
    out: list[_Annot] = []
    for target, rects in links:
        glyphs = _covered(rects, by_y, ys)
        if glyphs:
            out.append(_Annot(target, index, glyphs, glyphs[0].line))
        elif by_y and rects:  # a link on no text (an image): the nearest line
            x0, y0, x1, y1 = rects[0]
            nearest = min(by_y, key=lambda g: abs(g.cy - (y0 + y1) / 2) + abs(g.cx - (x0 + x1) / 2) / 10)
            out.append(_Annot(target, index, [], nearest.line))
    out.sort(key=lambda a: (a.glyphs[0].line, a.glyphs[0].col) if a.glyphs else (a.line, -1))
    return out
