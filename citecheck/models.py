"""The values that flow between pipeline stages. Pure data, no I/O.

Every type is a frozen, slotted dataclass holding tuples, so a stage can never mutate what an
earlier stage produced. Enum `.value`s are the machine strings of `shared/CONTRACT.md`.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from enum import StrEnum

from citecheck.credentials import strip as strip_credentials


class Status(StrEnum):
    """What a link check found, as the contract names it."""

    OK = "ok"
    REDIRECTED = "redirected"
    BLOCKED = "blocked"
    SOFT_404 = "soft-404"
    DEAD = "dead"
    BROKEN = "broken"
    TIMEOUT = "timeout"
    UNCHECKED = "unchecked"

    @property
    def works(self) -> bool:
        """A working page: it answered, at its address or where it moved."""
        return self in (Status.OK, Status.REDIRECTED)


class Confirmation(StrEnum):
    """What proved a repair: the live site, the archive, or the document itself."""

    LIVE = "live"
    ARCHIVE = "archive"
    DOCUMENT = "document"


class ProblemKind(StrEnum):
    """Citation-integrity problems between body markers and footnote definitions."""

    MISSING_FOOTNOTE = "missing-footnote"
    ORPHAN_MARKER = "orphan-marker"
    UNREFERENCED_FOOTNOTE = "unreferenced-footnote"
    DUPLICATE_FOOTNOTE = "duplicate-footnote"
    OUT_OF_ORDER = "out-of-order"


class RepairKind(StrEnum):
    """What damaged a URL that a repair corrects (the contract's `repair.kind`)."""

    LINE_WRAP = "line-wrap"
    """Wrapping at a line's end: a hyphen or space added or lost, a line break inside it."""


@dataclass(frozen=True, slots=True)
class Repair:
    """A proposed correction of a URL that line-wrapping damaged.

    `candidates` are full URLs, best first; `edits` say in words what each change was
    (for people); `confirmed_by` is None while the repair is only a proposal.
    """

    kind: RepairKind
    candidates: tuple[str, ...]
    edits: tuple[str, ...]
    confirmed_by: Confirmation | None = None

    def __post_init__(self) -> None:
        # a candidate becomes a link's URL: it never holds credentials either (see Link)
        object.__setattr__(self, "candidates", tuple(strip_credentials(c) for c in self.candidates))


@dataclass(frozen=True, slots=True)
class Link:
    """One URL occurrence: as written, as meant, and where it stands.

    `suspects` are low-confidence alternatives (e.g. a lone path segment that might have lost
    a hyphen): never applied offline, only tried when the written URL fails live.

    `readings` are the other ways to read line breaks at the URL's end that the text could not
    settle (cut where it was joined, or joined where it was cut): tried when the URL fails live.

    `url`, `suspects` and `readings` never hold credentials (`user:pass@`), however the link was
    made: they are stripped here, the one place every link passes, so no check, archive lookup, cache entry or
    Save Page Now request can carry them. `written` keeps them; reports mask it.
    """

    written: str
    url: str
    line: int
    repair: Repair | None = None
    accessed: dt.date | None = None
    suspects: tuple[str, ...] = ()
    readings: tuple[str, ...] = ()
    archive_date: dt.date | None = None
    """The date its archived copy is chosen by: `accessed`, else its document's date (set by the
    run that looks it up; None: today's latest capture)."""

    anchor: str | None = None
    """The visible text of a stated link that is not a URL (`available here`, a title): where the
    link stands in its note, and so which words are its citation."""
    visible: str | None = None
    """The URL the reader sees when the document links it to a different URL (`url`), not by
    wrapping: a defect of its own (`mismatch`), since on paper only the visible URL survives."""

    def __post_init__(self) -> None:
        object.__setattr__(self, "url", strip_credentials(self.url))
        if self.visible is not None:
            object.__setattr__(self, "visible", strip_credentials(self.visible))
        if any("@" in s for s in self.suspects):
            object.__setattr__(self, "suspects", tuple(strip_credentials(s) for s in self.suspects))
        if any("@" in s for s in self.readings):
            object.__setattr__(self, "readings", tuple(strip_credentials(s) for s in self.readings))

    @property
    def archive_key(self) -> tuple[str, dt.date | None]:
        """What its archive lookup is keyed by: the URL and the date the lookup used."""
        return (self.url, self.archive_date or self.accessed)


@dataclass(frozen=True, slots=True)
class Footnote:
    """A numbered footnote, reassembled across page breaks, with the links it cites."""

    number: int
    line: int
    text: str
    accessed: dt.date | None
    links: tuple[Link, ...]
    label: str | None = None
    """The label as written when it is not simply the number shown (Markdown's `[^note-3]`)."""
    series: int = 1
    """Which numbering series the note is in: court opinions, chapters and endnote sections
    number their notes anew (`number` is what the reader sees)."""


@dataclass(frozen=True, slots=True)
class Problem:
    """A citation-integrity problem (see ProblemKind)."""

    kind: ProblemKind
    number: int | None
    line: int
    detail: str


@dataclass(frozen=True, slots=True)
class Marker:
    """A footnote reference in the body."""

    number: int
    line: int
    series: int = 1


@dataclass(frozen=True, slots=True)
class NoteDraft:
    """A footnote's number and its lines (label removed), possibly from several places."""

    number: int
    line: int
    pieces: tuple[tuple[int, str], ...]
    label: str | None = None
    """The label as written, when the format has labels apart from the number it shows."""
    series: int = 1


@dataclass(frozen=True, slots=True)
class Notes:
    """A document's structure: footnotes, body markers, the body's own lines, integrity problems.

    Plain text gets it from `footnotes.parse`; formats that state footnotes outright (Word,
    HTML, Markdown) build it in their ingest module, with `problems` left empty (extract checks).
    """

    notes: tuple[NoteDraft, ...]
    markers: tuple[Marker, ...]
    body: tuple[tuple[int, str], ...]
    problems: tuple[Problem, ...] = ()
    named: frozenset[int] = frozenset()
    """Numbers given to notes the document does not number itself (`[^name]`, `^[inline]`, lettered
    notes): they have no numbering to skip or to be out of order in."""


@dataclass(frozen=True, slots=True)
class KnownLink:
    """A link target the document format states outright (PDF annotation, href, Word hyperlink).

    `text` is the visible text it covers; the target is truth for that text.
    """

    target: str
    text: str
    line: int


@dataclass(frozen=True, slots=True)
class Document:
    """A document as ingested: its text (lines numbered from 1), any links its format knows, and
    its footnotes when the format states them.

    Line numbers everywhere (notes, markers, known links) are lines of `text`.
    """

    path: str
    text: str
    known_links: tuple[KnownLink, ...] = ()
    notes: Notes | None = None
    """The footnotes as the format states them; None: find them in `text`."""


@dataclass(frozen=True, slots=True)
class Extraction:
    """Everything found offline in one document: the input of checking and reporting."""

    path: str
    footnotes: tuple[Footnote, ...]
    unnumbered_links: tuple[Link, ...]
    problems: tuple[Problem, ...]
    date: dt.date | None = None
    """The date the document implies (its own date line, else its newest citation): the date
    an undated citation's archived copy is chosen by."""

    def links(self) -> tuple[Link, ...]:
        """Every link of the document, footnoted first, in document order within each group."""
        return tuple(link for fn in self.footnotes for link in fn.links) + self.unnumbered_links


@dataclass(frozen=True, slots=True)
class PageMeta:
    """What a fetched page says it is: its titles (by source: `title`, `og:title`, `citation_title`,
    `json-ld`, `h1`, `pdf`), publication dates and authors, read from the bytes already fetched."""

    titles: tuple[tuple[str, str], ...] = ()
    dates: tuple[dt.date, ...] = ()
    authors: tuple[str, ...] = ()
    site: str | None = None
    kind: str = "html"
    """`html`, `pdf`, or `other` (nothing to read titles from)."""


@dataclass(frozen=True, slots=True)
class LinkCheck:
    """The outcome of checking one URL live. An outcome is a value, never an exception."""

    status: Status
    http_status: int | None = None
    final_url: str | None = None
    detail: str = ""
    page: PageMeta | None = None
    """The page's metadata when it answered 2xx with a body (None: not read)."""


class MatchVerdict(StrEnum):
    """Whether a page is the work its citation names."""

    MATCH = "match"
    DRIFT = "drift"
    UNKNOWN = "unknown"


@dataclass(frozen=True, slots=True)
class Match:
    """The cited work against what the page (and, for a drifted page, its archived capture) shows."""

    verdict: MatchVerdict
    score: float | None
    cited_title: str | None
    page_title: str | None
    reason: str = ""
    cited_date: dt.date | None = None
    page_date: dt.date | None = None
    archive_verdict: MatchVerdict | None = None
    """For a drifted page with a capture: whether the capture is the cited work (None: not compared)."""
    archive_title: str | None = None
    archive_url: str | None = None


@dataclass(frozen=True, slots=True)
class Snapshot:
    """A Wayback Machine capture of a URL."""

    url: str
    timestamp: dt.datetime


class SaveStatus(StrEnum):
    """What a Save Page Now request came to, as the JSON report names it."""

    SUCCESS = "success"
    ERROR = "error"
    RATE_LIMITED = "rate-limited"
    """The run's capture budget, or the archive, said no more."""
    TIMEOUT = "timeout"
    """The job was still pending when the run stopped polling it."""


@dataclass(frozen=True, slots=True)
class SaveResult:
    """What a Save Page Now request for a URL came to."""

    url: str
    status: SaveStatus
    detail: str
    job_id: str | None = None
    snapshot: Snapshot | None = None
