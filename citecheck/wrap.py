"""Whether a line break stands inside a URL: the one decision, made from the evidence. Pure.

A URL that reaches a line's end either ended there or was cut by the wrap, and the next line
either goes on with it or is prose, a new citation, a DOI. Every extractor and typesetter leaves
different traces, so the decision weighs several, in this order:

1. What the next line starts with: a new URL, a bracket or quote, a DOI after a URL that is no
   DOI resolver end the URL; `/?&#=%` or a `.` glued to a word can only go on with it.
2. Whether the URL is complete so far: a bare scheme (`https://`), a host without a dot or that
   ends in `.` or `-` (`https://www.`, `https://ec.`) must go on.
3. How the URL's text ends: after `-_=&?%#~+` it is cut mid-URL; after `/`, `.`, `:` or a letter
   it may have ended.
4. The next token's shape: URL-shaped (`/`, `=`, `_`, digits among letters, `host.tld`, a slug,
   a file extension) or a prose word, a capitalised word, a number.
5. The line: a line as full as the document's full lines was cut by the wrap; a shorter one
   ended where the text did. An extractor that keeps the space a line broke at (mutool, pypdf on
   some producers) says outright that the line ended at a space.

Where the evidence cannot settle it, the verdict is LIKELY or UNLIKELY: the reading it favours is
the URL, and the other is kept as a candidate for `verify` to settle against the live web.
"""

from __future__ import annotations

import dataclasses
import enum
import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass

from citecheck import words


class Join(enum.IntEnum):
    """The verdict on one line break at a URL's end, weakest to strongest."""

    STOP = 0
    """The URL ended at the line's end."""
    UNLIKELY = 1
    """It probably ended; the joined reading is kept as a candidate."""
    LIKELY = 2
    """It probably goes on; the reading cut at the line end is kept as a candidate."""
    SURE = 3
    """It goes on."""


FULL_SHARE = 0.8
"""A line at least this share of the document's full width was filled up to the break."""
_SPACED_SHARE = 0.1
"""An extractor keeps break spaces when at least this share of lines end in one."""
_MIN_LINES = 8

OPEN_ENDINGS = "-_=&?%#~+"
"""A URL written up to one of these at a line's end is cut mid-URL."""
_CONTINUATION_STARTS = "/?&#=%"
_EXTENSIONS = frozenset(
    (
        "html",
        "htm",
        "shtml",
        "php",
        "asp",
        "aspx",
        "jsp",
        "cfm",
        "pdf",
        "xml",
        "json",
        "txt",
        "csv",
        "doc",
        "docx",
    )
)
_NEW_URL = re.compile(r"(?:https?|ftp)://|www\.|[a-z][a-z0-9+.-]*://|doi:", re.IGNORECASE)
_DOI = re.compile(r"10\.\d{4,9}/")
_DOI_RESOLVER = re.compile(r"(?:https?://)?(?:dx\.)?doi\.org/$", re.IGNORECASE)
_TRAILING = ".,;:!?)]"
# A token no prose word is: URL punctuation, digits among letters, a host or dotted id, a file.
_URL_PIECE = re.compile(
    r"[/=&?%#_~]|[A-Za-z]\d+[A-Za-z]|\d[A-Za-z]+\d|\w{2,}\.\w{2,}|\.(?:html?|php|aspx?|pdf|jsp)\b",
)
# A slug: alphanumerics joined by hyphens (also a hyphenated prose word, hence weaker).
_SLUG = re.compile(r"[A-Za-z0-9]-[A-Za-z0-9]")
_WORD = re.compile(r"[a-z]+")
_CAPITALISED = re.compile(r"[A-Z][a-z]+|[A-Z]+")
_NUMBER = re.compile(r"\d+")


@dataclass(frozen=True, slots=True)
class Layout:
    """What a document's lines say about how its text was wrapped."""

    width: int | None
    """The length of a full line (the 90th percentile), None when there are too few lines."""
    spaced: bool
    """Whether the extractor keeps the space a line was broken at."""
    hyphenates: bool = False
    """Whether the typesetter hyphenated words at line ends (and so may have in URLs too): the
    text shows prose words split by a hyphen at a line's end (`investi-` / `gation`)."""
    median: int | None = None
    """The median line length: most lines of wrapped text are full, so this is where a line the
    extractor joined to the next one had ended."""
    dehyphenated: bool = False
    """Whether the extractor joins a line that ends in a hyphen to the next, dropping the hyphen
    (pdftotext's default): wrapped text with no line ending in a hyphen, and some lines far
    longer than the rest. Measure it over the whole document (`with_document`): a region of a
    few lines may end none in a hyphen by chance."""

    def with_document(self, document: Layout) -> Layout:
        """This region's layout with what only the whole document can tell."""
        return dataclasses.replace(self, dehyphenated=document.dehyphenated)

    @classmethod
    def measure(cls, lines: Iterable[str]) -> Layout:
        """The layout of a region's lines (notes and body are typeset in different sizes)."""
        lengths: Counter[int] = Counter()
        spaced = split_words = hyphen_ends = 0
        open_hyphen = False  # the previous line ended in a hyphen after a letter
        cut = ""  # the word fragment the previous line ended with before a hyphen
        for line in lines:
            stripped = line.rstrip()
            if stripped:
                lengths[len(stripped)] += 1
                spaced += stripped != line
            if cut and (start := _WORD_START.match(line.lstrip())) and _hyphenated(cut, start.group(0)):
                split_words += 1
            end = _WORD_CUT.search(stripped)
            cut = end.group(1) if end else ""
            # A hyphen kept before a blank line says nothing: no extractor joins across one.
            hyphen_ends += bool(stripped) and open_hyphen
            open_hyphen = stripped[-2:-1].isalpha() and stripped.endswith("-")
        total = sum(lengths.values())
        hyphenates = split_words >= _MIN_SPLIT_WORDS
        if total < _MIN_LINES:
            return cls(None, total > 0 and spaced >= _SPACED_SHARE * total, hyphenates)
        median, width = _percentile(lengths, 0.5), _percentile(lengths, 0.9)
        # Wrapped text: most lines are full, at the median or (ragged notes) at the widest lines.
        near = max(
            sum(n for length, n in lengths.items() if abs(length - full) <= _NEAR * full)
            for full in (median, width)
        )
        joined = sum(n for length, n in lengths.items() if length >= _JOINED * median)
        text_lines = sum(n for length, n in lengths.items() if length >= _SHORT_LINE)  # no page numbers
        dehyphenated = (
            total >= _MIN_DEHYPHENATED_LINES
            and hyphen_ends == 0
            and near >= _WRAPPED_SHARE * text_lines
            and joined >= _MIN_JOINED_LINES
        )
        return cls(width, spaced >= _SPACED_SHARE * total, hyphenates, median, dehyphenated)

    def at_width(self, column: int) -> bool:
        """Whether a column is where a full line ended (one, two or three lines' width from the
        start of a line the extractor joined), within the spread of full lines' lengths."""
        return self.line_end(column) is not None

    def line_end(self, column: int) -> int | None:
        """Which full line's end a column is at (1: the first line's, 2: the second's, of lines
        the extractor joined), None when it is at none. The k-th end of joined lines is the sum
        of k full lines' lengths, so its spread is k times one line's."""
        if self.median is None or column < (1 - _NEAR) * self.median:
            return None
        k = round(column / self.median)
        spread = k * _NEAR * self.median
        return k if 1 <= k <= _MAX_JOINED and abs(column - k * self.median) <= spread else None

    def full(self, line: str) -> bool | None:
        """Whether a line was filled to the margin (None: the layout cannot tell)."""
        if self.width is None:
            return None
        return len(line.rstrip()) >= FULL_SHARE * self.width


UNKNOWN = Layout(None, False)

_NEAR = 0.15
_WRAPPED_SHARE = 0.33
"""Wrapped text: a third of its lines (page numbers aside) are at a full width; notes and ragged
text have many short last lines."""
_SHORT_LINE = 10
_JOINED = 1.6
_MAX_JOINED = 3
_MIN_JOINED_LINES = 2
"""Two lines far longer than the rest: one may be a wide table row or a long URL, two joins are a habit."""
_MIN_DEHYPHENATED_LINES = 20


def _percentile(lengths: Counter[int], share: float) -> int:
    rank, seen = share * sum(lengths.values()), 0
    for length in sorted(lengths):
        seen += lengths[length]
        if seen >= rank:
            return length
    return max(lengths)


_MIN_SPLIT_WORDS = 2
_WORD_CUT = re.compile(r"(?<![\w-])([a-z]{2,})-$")
_WORD_START = re.compile(r"[a-z]{2,}(?![\w-])")
_COMMON = 50_000
"""A part of a URL more frequent than this (English rank) is a word of its own."""


def _is_word(text: str, rank: int = 10**9) -> bool:
    return words.english_ranks().get(text.lower(), 10**9) < rank


def _hyphenated(head: str, tail: str) -> bool:
    """Whether a word split at a line end is one word hyphenated (`investi-` / `gation`), not a
    compound that keeps its hyphen (`long-` / `term`)."""
    return _is_word(head + tail) and not (_is_word(head, _COMMON) and _is_word(tail, _COMMON))


def keeps_hyphen(before: str, after: str, layout: Layout, in_host: bool = False) -> bool:
    """Whether a hyphen written at a line break inside a URL, between the letters `before` and
    `after` (the letter runs on either side), is the URL's own rather than the typesetter's.

    Only a typesetter that hyphenates adds one, and it splits words, not slug words: a hyphen
    between two words whose join is none (`torture-` / `conditions`, `us-` / `deportees`) is
    kept; one whose join is a common word (`state-` / `ment`, `in-` / `junction`), or between
    fragments (`courtlisten-` / `er`, `b-` / `bc`), is dropped. Hyphenation splits letters, so
    one before a digit (`TA-` / `10-2024`) is kept; host names rarely hold a hyphen, so one in
    the host of hyphenated text (`www.the-` / `guardian.com`) is dropped. A hyphen after a `.`
    or `/` (`before` empty: `www.-` / `nytimes.com`) is dropped whatever the layout. Either way
    the other reading is kept."""
    if not before:
        return False  # after `.` or `/`: no host label starts with a hyphen, and hardly a path word
    if not layout.hyphenates or not after:
        return True
    if in_host or _is_word(before + after):
        return False
    return _slug_word(before) and _slug_word(after)


def decide(head: str, line: str, token: str, layout: Layout = UNKNOWN) -> Join:
    """Whether the URL whose text so far is `head` (its first characters at least up to the
    host, and its last character) goes on with `token`, the next line's first run of URL
    characters; `line` is the line that ended."""
    if not token:
        return Join.STOP
    first = token[0]
    if first in _CONTINUATION_STARTS:
        return Join.SURE
    if _NEW_URL.match(token):
        return Join.SURE if _bare_scheme(head) and token[:4].lower() == "www." else Join.STOP
    if _DOI.match(token):
        return Join.SURE if _DOI_RESOLVER.search(head) else Join.STOP
    incomplete = _incomplete(head)
    if _BARE_WWW.search(head) and "." not in token.split("/", 1)[0]:
        return Join.STOP  # `www.` is no host's last label: `https://www.` / `grants budget` is prose
    if incomplete is not None and (incomplete or first == "." or _URL_PIECE.search(token)):
        return Join.SURE if first.isalnum() or first in ".-" else Join.STOP
    if first == "." and len(token) > 1 and token[1].isalnum():
        return Join.SURE
    if not (first.isalnum() or first in "-_~"):
        return Join.STOP
    verdict = _by_shape(head[-1], token.rstrip(_TRAILING), layout.full(line))
    if layout.spaced and line[-1:] in (" ", "\t"):
        return Join.UNLIKELY if verdict == Join.SURE else Join.STOP  # the line broke at a space
    return verdict


def _by_shape(last: str, token: str, full: bool | None) -> Join:
    """The verdict from how the URL ends and what the next token looks like."""
    if not token:
        return Join.STOP
    url_piece = _URL_PIECE.search(token) is not None or token.lower().split(".")[-1] in _EXTENSIONS
    slug = _SLUG.search(token) is not None
    if last in OPEN_ENDINGS:
        if url_piece or slug or token[0].islower() or token[0].isdigit():
            return Join.SURE
        return Join.UNLIKELY
    lean = Join.LIKELY if full else Join.UNLIKELY
    if url_piece:
        return Join.SURE if last in "/.:" or full else Join.LIKELY
    if slug:
        return Join.SURE if last == "/" else lean
    if last == "." and token.lower() in _EXTENSIONS:
        return Join.SURE
    if _WORD.fullmatch(token):
        return Join.UNLIKELY if last in ".:" else lean
    if _NUMBER.fullmatch(token):
        if last == "/" and len(token) >= _ID_DIGITS:
            return Join.SURE  # `…/status/` / `3440676293603094160`: an id, no sentence starts so
        if last.isdigit() and len(token) >= _ID_DIGITS:
            return Join.LIKELY  # `…/status/4160737` / `101437549160`: an id broken anywhere
        return lean if last in "/:" else Join.UNLIKELY
    if _CAPITALISED.fullmatch(token):
        return Join.STOP  # a sentence goes on: a path's capitalised word is rarely alone
    return Join.UNLIKELY if full else Join.STOP


_ID_DIGITS = 6
"""A number this long is an id: prose writes a year, a page or a count (`10,000`) shorter."""


def _bare_scheme(head: str) -> bool:
    return re.fullmatch(r"(?:https?|ftp)://", head, re.IGNORECASE) is not None


def _incomplete(head: str) -> bool | None:
    """Whether the URL so far lacks its host or ends inside it: True when it must go on (a bare
    scheme, a host ending in `.` or `-`), False for a dotless host (`https://storage`: it goes on
    only with a URL-shaped token), None when the host is complete."""
    scheme = head.find("://")
    authority = head[scheme + 3 :] if scheme >= 0 else head
    if re.search(r"[/?#]", authority):
        return None
    host = authority.rsplit("@", 1)[-1]
    if not host or host.endswith("-") or (host.endswith(".") and "." not in host[:-1]):
        return True  # `https://www.`, `https://ec.`: a host that has a dot already may end a sentence
    return False if "." not in host else None


_BARE_WWW = re.compile(r"(?:^|//)www\.$", re.IGNORECASE)
_YEAR_MONTH_END = re.compile(r"(?<![\d])(?:19|20)\d\d-[01]\d$")
_SURE_EVIDENCE = 2
_FREQUENT = 15_000
_SHORT = 2_000
"""A two-letter part of a split is a word only this frequent (`we`, `do`, `el`; not `ns`)."""
_YEAR = re.compile(r"(?:19|20)\d\d")


def host_end(url: str) -> int:
    """Where a URL's host ends: its path, query or fragment starts (its length when none does)."""
    scheme = url.find("://")
    start = scheme + 3 if scheme >= 0 else 0
    return min((i for c in "/?#" if (i := url.find(c, start)) >= 0), default=len(url))


def lost_hyphen(written: str, positions: Iterable[int]) -> list[tuple[int, bool]]:
    """Where a hyphen the extractor dropped may have stood, among `positions` (an index of
    `written`: the hyphen stood just before it), best first, each with whether the text is sure
    of it; none where no evidence says so.

    Sure: inside a date (`2024-08` / `23`), between a slug word and a number (`commission` /
    `2025`), or between two common words inside a hyphenated slug (`what-we` / `do`). Possible
    only: between two common words of a segment without hyphens (`press` / `releases`, but a site
    may write `presscorner`: `verify` tries it when the written URL fails). Never
    inside a word or a number (`investi` / `gation`, `2336353`)."""
    path = host_end(written)
    scored = []
    for i in sorted(set(positions)):
        if i <= path:
            continue  # a host's hyphens are few, and a host's words are no slug
        if not (0 < i < len(written) and written[i - 1].isalnum() and written[i].isalnum()):
            continue
        score = _hyphen_evidence(written, i)
        if score:
            scored.append((-score, _split_cost(written, i), i))
    return [(i, -score >= _SURE_EVIDENCE) for score, _, i in sorted(scored)[:3]]


def _split_cost(written: str, i: int) -> tuple[int, int]:
    """How little of a split is words: of two splits of one token the text supports equally, the
    one whose parts are words over more letters (`salvadors` / `prisons` rather than
    `salvadorspri` / `sons`), then into commoner words (`we` / `do` rather than `w` / `edo`)."""
    a, b = _letters_at_end(written[:i]), _letters_at_start(written[i:])
    ranks = words.english_ranks()
    covered = sum(len(part) for part in (a, b) if part.lower() in ranks)
    return -covered, sum(ranks.get(part.lower(), 10**6) for part in (a, b) if part)


def _hyphen_evidence(written: str, i: int) -> int:
    """How strongly the text says a hyphen stood before `written[i]` (0: it says nothing)."""
    left, right = written[i - 1], written[i]
    run_start, run_end = i, i
    while run_start > 0 and written[run_start - 1].isalnum():
        run_start -= 1
    while run_end < len(written) and written[run_end].isalnum():
        run_end += 1
    before, after = written[run_start:i], written[i:run_end]
    if left.isalpha() and right.isalpha():
        a, b = _letters_at_end(before), _letters_at_start(after)
        if a != before or b != after or _is_word(a + b):
            return 0
        in_slug = written[run_start - 1 : run_start] == "-" or written[run_end : run_end + 1] == "-"
        if in_slug and all(_slug_word(p) for p in (a, b)):
            return 2  # `what-wedo`, `venezuelans-deportedel-salvador`, `rapporteur-vmigrants`
        if min(len(a), len(b)) >= 3 and _is_word(a, _FREQUENT) and _is_word(b, _FREQUENT):
            return 1  # `press` / `releases`
        named = any(_slug_word(p) for p in (a, b)) and max(len(a), len(b)) >= 4
        if in_slug and min(len(a), len(b)) >= 2 and named:
            return 1  # `salvadors` / `prisons`, `us` / `deportees`, `eu` / `common`: `verify` decides
        return 0
    if left.isdigit() and right.isdigit():  # `2024-08` / `23`, `2024` / `08-23`: a date
        if before.isdigit() and after.isdigit() and _YEAR_MONTH_END.search(written, 0, i):
            return 3 if len(after) == 2 and after[0] in "0123" else 0
        if _YEAR.fullmatch(before) and after.isdigit() and len(after) == 2 and after[0] in "01":
            return 3
        if _YEAR.fullmatch(before) and after.isdigit() and 3 <= len(after) <= 6:
            return 1  # `2025` / `19641`: a year and a document number (`FR-…/2025-19641.pdf`), or an id
        return 0
    word = before if left.isalpha() else after
    return 2 if len(word) >= 3 and _is_word(word, _COMMON) and written.count("-") >= 1 else 0


def _slug_word(part: str) -> bool:
    """A word a hyphenated slug may hold: a common one, a frequent short one, or the `v` of a
    case name (`khalil-v-trump`)."""
    if len(part) == 1:
        return part.lower() == "v"
    return _is_word(part, _COMMON if len(part) > 2 else _SHORT)


def _letters_at_end(text: str) -> str:
    k = len(text)
    while k and text[k - 1].isalpha():
        k -= 1
    return text[k:]


def _letters_at_start(text: str) -> str:
    k = 0
    while k < len(text) and text[k].isalpha():
        k += 1
    return text[:k]
