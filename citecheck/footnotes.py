"""Numbered footnotes in plain text: definitions, body markers, and page-break reassembly. Pure.

Text copied from a PDF interleaves body and footnotes page by page. We split it into blocks
(paragraphs, and lines that start a footnote definition) and classify each one. A footnote
continues in a later block when that block has the shape of a continuation (it starts with a
URL, is an orphan URL tail, or starts in lower case while reading like a citation) and stands
where continuations stand: inside a footnote zone, or just before the next page's definitions.
A block with body markers in it is always body, so body text is never swallowed.
"""

from __future__ import annotations

import re
from collections import deque
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from citecheck.dates import has_date
from citecheck.models import Marker, NoteDraft, Notes, Problem, ProblemKind
from citecheck.plainnotes import PlainNotes, find_plain
from citecheck.urls import SUPERSCRIPT_DIGITS, URL_RE, goes_on
from citecheck.wrap import Join

_SUP_TO_DIGIT = str.maketrans(SUPERSCRIPT_DIGITS, "0123456789")
_SUP = f"[{SUPERSCRIPT_DIGITS}]"

_DEF_SUPER = re.compile(rf"^[ \t]*({_SUP}+)[ \t]*(?=\S)")
_DEF_MD = re.compile(r"^[ \t]{0,3}\[\^([^\]\s]{1,40})\]:[ \t]*")
_DEF_BRACKET = re.compile(r"^[ \t]*\[(\d+)\][ \t]+(?=\S)")
_DEF_NUMBERED = re.compile(r"^[ \t]*(\d+)\.[ \t]+(?=\S)")
_NOTES_HEADING = re.compile(
    r"^[ \t]*(?:#{1,6}[ \t]*)?(?:end\s*notes|foot\s*notes|notes|references|sources|works cited"
    r"|bibliography)[ \t]*:?[ \t]*$",
    re.IGNORECASE,
)

_MARK_SUPER = re.compile(rf"{_SUP}+")
_MARK_CARET_LIST = re.compile(r"\^\{(\d+(?:\s*[,–-]\s*\d+){0,30})\}")
_MARK_CARET = re.compile(r"(?<!\[)\^(\d+)\b")
_MARK_MD = re.compile(r"\[\^([^\]\s]{1,40})\](?!:)")
_MARK_BRACKET = re.compile(r"\[(\d+(?:\s*[,–-]\s*\d+){0,30})\]")

_PLAIN_DIGITS = 4
"""A label of up to this many digits is a footnote number by its shape alone. A longer one (a
zip code, a docket or page number, an id) is one only where the sequence vouches for it: a
definition that follows the previous one within `_SEQUENCE_STEP`, a marker whose footnote exists.
The length of a number is no limit on footnotes; it only decides how much evidence is needed."""
_SEQUENCE_STEP = 20
_MAX_DIGITS = 15
"""A run of more digits is no number at all (a 32 MB document holds under 10^8 notes); the bound
keeps int() and the split of a superscript run linear, however long a hostile run is."""

_ORPHAN_TAIL = re.compile(r"^[^\s<>\"]{8,}$")
_CITATION_SIZE = 600
"""A lower-case block longer than this, with no URL or date, reads as body, not a note."""


@dataclass(frozen=True, slots=True)
class Block:
    """Consecutive non-blank lines, each with its 1-based line number."""

    lines: tuple[tuple[int, str], ...]

    @property
    def start(self) -> int:
        return self.lines[0][0]

    @property
    def first(self) -> str:
        return self.lines[0][1]

    @property
    def text(self) -> str:
        return " ".join(line.strip() for _, line in self.lines)


@dataclass(frozen=True, slots=True)
class _Def:
    label: str
    rest: str


class _Styles:
    """Which definition styles the document uses, decided once from its lines."""

    def __init__(self, lines: Sequence[tuple[int, str]]) -> None:
        self.bracket = sum(1 for _, line in lines if _DEF_BRACKET.match(line)) >= 2
        headings = (number for number, line in lines if _NOTES_HEADING.match(line))
        self.notes_from = next(headings, len(lines) + 1)
        self.labels: dict[str, int] = {}
        self.named_base = 0
        self.vouched = self._vouched(lines)
        self.plain: PlainNotes | None = None
        self.plain_defs: dict[tuple[int, str], _Def] = {}

    def _vouched(self, lines: Sequence[tuple[int, str]]) -> frozenset[int]:
        """The long numeric definition labels that the sequence vouches for (as `_vouch_key`s): the
        definition before or after them is within `_SEQUENCE_STEP` (an excerpt may start at 12000)."""
        found = [
            (number, d.label, int(d.label))
            for number, line in lines
            if (d := self._shape(number, line)) is not None and _numeric(d.label)
        ]
        ok: set[int] = set()  # only long labels: a short one needs no vouching
        for k, (number, label, value) in enumerate(found):
            if not _long(label):
                continue
            before = found[k - 1][2] if k else None
            after = found[k + 1][2] if k + 1 < len(found) else None
            if (before is not None and 0 < value - before <= _SEQUENCE_STEP) or (
                after is not None and 0 < after - value <= _SEQUENCE_STEP
            ):
                ok.add(_vouch_key(number, value))
        return frozenset(ok)

    def use_plain(self, lines: Sequence[tuple[int, str]]) -> list[tuple[int, str]]:
        """Take plain-digit notes (plainnotes.py) when no other definition form is present; the lines
        left once the lines that only held a note's number are dropped."""
        if self.bracket or any(_DEF_SUPER.match(line) or _DEF_MD.match(line) for _, line in lines):
            return list(lines)
        self.plain = find_plain(lines)
        if self.plain is None:
            return list(lines)
        trims = self.plain.trims
        kept = [(n, trims.get(i, line)) for i, (n, line) in enumerate(lines) if i not in self.plain.skip]
        for i, (label, rest) in self.plain.starts.items():
            self.plain_defs[(lines[i][0], trims.get(i, lines[i][1]))] = _Def(label, rest)
        return kept

    def definition(self, number: int, line: str) -> _Def | None:
        """The definition label a line starts with, if any, for this document's styles."""
        if self.plain is not None:
            return self.plain_defs.get((number, line))
        d = self._shape(number, line)
        if d is not None and _long(d.label) and _vouch_key(number, int(d.label)) not in self.vouched:
            return None
        return d

    def _shape(self, number: int, line: str) -> _Def | None:
        """The label a line starts with by its shape alone (a long number still needs vouching)."""
        d = self._label(number, line)
        return None if d is None or (_numeric(d.label) and len(d.label) > _MAX_DIGITS) else d

    def _label(self, number: int, line: str) -> _Def | None:
        if m := _DEF_SUPER.match(line):
            return _Def(m.group(1).translate(_SUP_TO_DIGIT), line[m.end() :])
        if m := _DEF_MD.match(line):
            return _Def(m.group(1), line[m.end() :])
        if self.bracket and (m := _DEF_BRACKET.match(line)):
            return _Def(m.group(1), line[m.end() :])
        if number > self.notes_from and not self.bracket and (m := _DEF_NUMBERED.match(line)):
            return _Def(m.group(1), line[m.end() :])
        return None

    def number(self, label: str) -> int:
        """A footnote number for a label: numeric labels are themselves; named ones (`[^note]`)
        are numbered on after the highest numeric definition, in order of first appearance."""
        if _numeric(label):
            return int(label)
        if label not in self.labels:
            self.labels[label] = self.named_base + len(self.labels) + 1
        return self.labels[label]

    def is_named(self, number: int) -> bool:
        return number in self.labels.values()

    def markers(self, text: str) -> list[str]:
        """The footnote labels referenced in a body text, in order."""
        found: list[tuple[int, list[str]]] = []
        found += [
            (m.start(), ["⁺" + m.group(0).translate(_SUP_TO_DIGIT)]) for m in _MARK_SUPER.finditer(text)
        ]
        found += [(m.start(), _expand(m.group(1))) for m in _MARK_CARET_LIST.finditer(text)]
        found += [(m.start(), [m.group(1)]) for m in _MARK_CARET.finditer(text)]
        found += [(m.start(), [m.group(1)]) for m in _MARK_MD.finditer(text)]
        if self.bracket:
            found += [(m.start(), _expand(m.group(1))) for m in _MARK_BRACKET.finditer(text)]
        if self.plain is not None:
            found += [(pos, [label]) for pos, label in self.plain.markers(text)]
        labels = [label for _, labels in sorted(found) for label in labels]
        return [
            label
            for label in labels
            if len(label.removeprefix("⁺")) <= _MAX_DIGITS or not label[-1].isdigit()
        ]


def _vouch_key(line: int, value: int) -> int:
    """A definition's line and label value as one int: a document of 200,000 long labels keeps
    200,000 small ints, not as many tuples and strings. Exact, as a label has at most 15 digits."""
    return int(line * 10**_MAX_DIGITS + value)


def _numeric(label: str) -> bool:
    return label.isascii() and label.isdigit()


def _long(label: str) -> bool:
    """A numeric label longer than a number's shape alone makes a footnote label."""
    return _numeric(label) and len(label) > _PLAIN_DIGITS


def _expand(spec: str) -> list[str]:
    """`12, 13` or `12-14` to the labels it names (ranges capped to stay small)."""
    labels: list[str] = []
    for part in re.split(r"\s*,\s*", spec.strip()):
        bounds = re.split(r"\s*[–-]\s*", part)
        if len(bounds) == 2 and bounds[0].isdigit() and bounds[1].isdigit():
            lo, hi = int(bounds[0]), int(bounds[1])
            labels += [str(n) for n in range(lo, min(hi, lo + 50) + 1)] if lo <= hi else bounds
        elif part:
            labels.append(part)
    return labels


def physical_lines(text: str) -> list[tuple[int, str]]:
    """Lines with their numbers; a form feed (a page break from pdftotext) also ends a block."""
    out: list[tuple[int, str]] = []
    for number, line in enumerate(text.split("\n"), 1):
        for k, part in enumerate(line.split("\f")):
            if k:
                out.append((number, ""))
            out.append((number, part))
    return out


def blocks(lines: Sequence[tuple[int, str]], styles: _Styles) -> list[Block]:
    """Split lines into blocks at blank lines and footnote definitions."""
    out: list[Block] = []
    current: list[tuple[int, str]] = []
    for item in lines:  # the line's own tuple goes into the block: a copy per line doubled them
        number, line = item
        if not line.strip() or styles.definition(number, line):
            if current:
                out.append(Block(tuple(current)))
            current = []
        if line.strip():
            current.append(item)
    if current:
        out.append(Block(tuple(current)))
    return out


def _continuation_shape(block: Block, styles: _Styles) -> bool:
    """Whether a block could be part of a footnote: never when it carries body markers."""
    text = block.text
    if styles.markers(text) or _NOTES_HEADING.match(text):
        return False
    head = text.lstrip("<(")
    if URL_RE.match(head):
        return True
    if len(block.lines) == 1 and _ORPHAN_TAIL.match(text) and re.search(r"[_=&%/]|[a-z]\d|\d[a-z]", text):
        return True
    has_url = URL_RE.search(text) is not None
    if text[0].islower() or text[0] in "([;,)":
        return has_url or (len(text) <= _CITATION_SIZE and (has_date(text) or len(text) <= 200))
    return has_url


def parse(text: str) -> Notes:
    """Find the footnotes, body markers and integrity problems of a plain-text document."""
    styles = _Styles(physical_lines(text))
    # Only the blocks hold the lines, and _sort consumes them: each line is let go once sorted.
    drafts, body, markers = _sort(deque(blocks(styles.use_plain(physical_lines(text)), styles)), styles)
    markers = _marker_series(drafts, markers)
    defined = {d.number for d in drafts}
    named = frozenset(n for n in defined | {m.number for m in markers} if styles.is_named(n))
    return Notes(drafts, markers, body, tuple(integrity(drafts, markers, named)), named)


def _sort(
    blks: deque[Block], styles: _Styles
) -> tuple[tuple[NoteDraft, ...], tuple[tuple[int, str], ...], tuple[Marker, ...]]:
    """The footnotes, the body lines and the body's markers of the blocks, which it consumes.

    Each block and label is let go once read (only later ones are looked ahead at), so a note's
    first line is held once, as its text, and a marker as its number. Definitions are numbered
    first, in order, so that markers resolve as they are read, as they would after the notes."""
    labels = [d.label if (d := styles.definition(b.start, b.first)) else None for b in blks]
    numeric = (int(label) for label in labels if label is not None and _numeric(label))
    styles.named_base = max(numeric, default=0)
    shapes = [label is None and _continuation_shape(b, styles) for b, label in zip(blks, labels, strict=True)]
    defined = {styles.number(label) for label in labels if label is not None}
    drafts: list[NoteDraft] = []
    note: tuple[int, int, list[tuple[int, str]]] | None = None
    notes_series = _Series()
    body: list[tuple[int, str]] = []
    markers: list[Marker] = []
    attached_prev = False
    for i in range(len(labels)):
        blk, label = blks.popleft(), labels[i]
        labels[i] = None
        if label is not None:
            d = styles.definition(blk.start, blk.first)
            assert d is not None  # the same question as above
            if note is not None:
                drafts.append(NoteDraft(note[0], note[1], tuple(note[2]), None, notes_series.of(note[0])))
            note = (styles.number(label), blk.start, [(blk.start, d.rest), *blk.lines[1:]])
            attached_prev = True
            continue
        if note is not None and (
            (
                (shapes[i] or (attached_prev and _cut_off(note[2][-1][1], blk, styles)))
                and _attaches(i, blk, labels, shapes, attached_prev, note[2][-_QUOTE_REACH:])
            )
            or (attached_prev and goes_on(note[2][-1][1], blk.first) >= Join.LIKELY)
        ):
            note[2].extend(blk.lines)
            attached_prev = True
            continue
        attached_prev = False
        body += blk.lines  # the block's own line tuples, not copies
        for number, line in blk.lines:
            markers += [
                Marker(n, number)
                for lbl in styles.markers(line)
                for n in _resolve(lbl, defined, styles)
                if n in defined or not _long(str(n))  # a long number marks only a footnote that exists
            ]
    if note is not None:
        drafts.append(NoteDraft(note[0], note[1], tuple(note[2]), None, notes_series.of(note[0])))
    return tuple(drafts), tuple(body), tuple(markers)


def _marker_series(drafts: Sequence[NoteDraft], markers: tuple[Marker, ...]) -> tuple[Marker, ...]:
    """Markers in the series of their note: the first note with their number at or after them
    (a note stands on the page that cites it, or a later one), else the last one before them."""
    if all(d.series == 1 for d in drafts):
        return markers
    by_number: dict[int, list[NoteDraft]] = {}
    for d in drafts:
        by_number.setdefault(d.number, []).append(d)
    out = []
    for m in markers:
        notes = by_number.get(m.number, [])
        after = [d for d in notes if d.line >= m.line]
        note = after[0] if after else (notes[-1] if notes else None)
        series = (
            note.series if note else next((d.series for d in drafts if d.line >= m.line), drafts[-1].series)
        )
        out.append(Marker(m.number, m.line, series))
    return tuple(out)


class _Series:
    """Which numbering series each number read in order is in: a 1 after a series that began at
    1 and went past it starts the next (each opinion of a decision, each chapter numbers from 1
    again); a 1 repeated at once is a duplicate, and `2, 1` is out of order, not a series."""

    def __init__(self) -> None:
        self.current, self.first, self.top = 1, 0, 0

    def of(self, number: int) -> int:
        if number == 1 and self.first == 1 and self.top > 1:
            self.current, self.top = self.current + 1, 0
        if not self.top:
            self.first = number
        self.top = max(self.top, number)
        return self.current


def _resolve(label: str, defined: set[int], styles: _Styles) -> list[int]:
    """A marker's numbers: superscript `²³` is 23 if footnote 23 exists, else 2 and 3 if those do."""
    superscript = label.startswith("⁺")
    label = label.removeprefix("⁺")
    number = styles.number(label)
    if not superscript or number in defined or len(label) < 2:
        return [number]
    for cut in range(1, len(label)):
        left, right = label[:cut], label[cut:]
        if right[0] != "0" and int(left) in defined and int(right) in defined:
            return [int(left), int(right)]
    return [number]


def _attaches(
    i: int,
    blk: Block,
    defs: Sequence[str | None],
    shapes: Sequence[bool],
    in_zone: bool,
    tail: Sequence[tuple[int, str]],
) -> bool:
    """Whether continuation-shaped block i (`blk`) belongs to the last footnote, by where it
    stands and how the note's `last` line so far ends."""
    j = i + 1
    while j < len(defs) and defs[j] is None and shapes[j]:
        j += 1
    if j < len(defs) and defs[j] is not None:
        return True  # the start of the next page's footnote zone
    if not in_zone:
        return False
    text = blk.text
    takes_up = text[0].islower() or text[0].isdigit() or _DATE_START.match(text) is not None
    if _UNFINISHED.search(tail[-1][1]) and takes_up:
        return True  # `…, CourtListener, Jan. 26,` / `2024, available at https://…`: one sentence
    if _open_quote(tail) and URL_RE.search(text):
        return True  # `“Venezuelans Budget Prison Evidence` / `Flights Treaty,” Sept. 27, 2024, https://…`
    return URL_RE.match(text.lstrip("<(")) is not None or (len(blk.lines) == 1 and " " not in text)


_QUOTE_REACH = 3
"""How many of a note's last lines a title quote that is still open is looked for in."""


def _open_quote(lines: Sequence[tuple[int, str]]) -> bool:
    """Whether a title quote opened in the note's last lines is not closed yet."""
    text = " ".join(line for _, line in lines)
    return text.count("“") > text.count("”")


def _cut_off(last: str, blk: Block, styles: _Styles) -> bool:
    """Whether a note whose line so far ends `last` goes on in `blk` whatever its length: the
    note stops mid-word (`deten-`) or mid-sentence, and the block takes it up in lower case."""
    text = blk.text
    return _UNFINISHED.search(last) is not None and text[0].islower() and not styles.markers(text)


_MONTH = (
    r"(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec)\.?"
    r"|(?:January|February|March|April|June|July|August|September|October|November|December)"
)
_UNFINISHED = re.compile(
    rf"(?:[,;:][\u201d\u2019\"]?|\w-|\b(?:at|in|of|and|the|see|from|by|to|on|v\.)|\b(?:{_MONTH}))[ \t]*$"
)
"""A note line that ends mid-sentence, or inside a date (`Sept.` / `19, 2025`): the note goes on in
the next block (mutool writes a blank line between some lines of one note)."""
_DATE_START = re.compile(rf"(?:{_MONTH}) \d{{1,2}}\b")
"""A block that starts with a date goes on with a citation cut after a comma (`…States,` /
`Oct. 10, 2023, …`)."""


def integrity(
    notes: Sequence[NoteDraft], markers: Sequence[Marker], named: frozenset[int] = frozenset()
) -> Iterable[Problem]:
    """Cross-check body markers with footnote definitions, each numbering series on its own."""
    series = sorted({n.series for n in notes} | {m.series for m in markers})
    if len(series) <= 1:
        yield from _integrity(notes, markers, named)
        return
    for s in series:
        yield from _integrity(
            [n for n in notes if n.series == s], [m for m in markers if m.series == s], named
        )


def _integrity(
    notes: Sequence[NoteDraft], markers: Sequence[Marker], named: frozenset[int] = frozenset()
) -> Iterable[Problem]:
    """Cross-check body markers with footnote definitions (`named`: numbers given to `[^name]` labels,
    which have no numbering of their own to skip or disorder)."""
    defined: dict[int, NoteDraft] = {}
    last = 0
    for note in notes:
        if note.number in defined:
            yield Problem(
                ProblemKind.DUPLICATE_FOOTNOTE,
                note.number,
                note.line,
                f"footnote {note.number} is defined again (first at line {defined[note.number].line})",
            )
            continue
        if note.number < last and note.number not in named:
            yield Problem(
                ProblemKind.OUT_OF_ORDER,
                note.number,
                note.line,
                f"footnote {note.number} comes after footnote {last}",
            )
        defined[note.number] = note
        if note.number not in named:
            last = max(last, note.number)
    if not defined and len(markers) < 2:
        return  # a stray superscript (m², x³) in a document without footnotes is no citation
    top = max((n for n in defined if n not in named), default=0)
    referenced: dict[int, Marker] = {}
    last = 0
    for marker in markers:
        if marker.number in referenced:
            continue
        referenced[marker.number] = marker
        if marker.number in named:
            if marker.number not in defined:
                yield Problem(
                    ProblemKind.ORPHAN_MARKER,
                    marker.number,
                    marker.line,
                    f"marker {marker.number} has no footnote",
                )
            continue
        if marker.number < last:
            yield Problem(
                ProblemKind.OUT_OF_ORDER,
                marker.number,
                marker.line,
                f"marker {marker.number} first appears after marker {last}",
            )
        last = max(last, marker.number)
        if marker.number not in defined:
            kind = ProblemKind.MISSING_FOOTNOTE if marker.number <= top else ProblemKind.ORPHAN_MARKER
            yield Problem(kind, marker.number, marker.line, f"marker {marker.number} has no footnote")
    for number, note in defined.items():
        if number not in referenced and markers:
            yield Problem(
                ProblemKind.UNREFERENCED_FOOTNOTE,
                number,
                note.line,
                f"footnote {number} is never referenced in the body",
            )
    if defined and not markers:
        first = min(defined.values(), key=lambda n: n.line)
        yield Problem(
            ProblemKind.UNREFERENCED_FOOTNOTE,
            None,
            first.line,
            "no footnote markers found in the body (were superscripts lost in copying?)",
        )
    numbered = [n for n in defined if n not in named]
    lowest = min(numbered, default=1)
    if top - lowest + 1 > 3 * len(numbered) + 20:
        return  # numbering this sparse is not a footnote sequence with gaps (a year read as a label)
    for number in range(lowest, top + 1):  # an excerpt may start at footnote 40
        if number not in defined and number not in referenced:
            line = next((n.line for n in notes if n.number > number), 1)
            yield Problem(
                ProblemKind.MISSING_FOOTNOTE,
                number,
                line,
                f"footnote numbering skips {number}: no footnote and no marker",
            )
