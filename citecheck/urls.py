"""Finding URLs in text: where each starts and ends, and exactly what the document wrote. Pure.

Text copied from a PDF is normalised first (NFKC, soft hyphens and zero-width characters
removed) but superscript digits are kept: they are footnote markers, and a marker glued to the
end of a URL must split off rather than become part of it. A zero-width joiner or non-joiner
after a character of a script that shapes with it (Indic, Arabic, Myanmar, Khmer, Mongolian) is
part of the word and kept. A URL that a line break cut is joined back when the break stands
inside it (`Flow.links`); `written` is the joined text, and the offsets of the joins are kept so
repair can tell where the line ended.

Where a URL ends (one set of rules, applied in this order; every rule is one linear scan):

1. A URL starts at `http://`, `https://`, `ftp://` or a `www.` that follows no word character,
   and runs to the first character no URL holds as written in prose: whitespace, control
   characters, `<>"\\^`, the backquote, typographic quotes, superscript digits, and the bidirectional
   marks U+200E/U+200F, U+202A–U+202E, U+2066–U+2069 (at a URL's edges they are thus left out;
   inside one, what follows is shown reordered and is not what the reader sees as the URL).
   `{}` and `|` are URL characters (`/api/{version}/docs`, `P1|0||P2|0`).
2. Brackets `()[]{}` balance inside a URL (`…/Foo_(bar)` keeps its `)`). A closing bracket that
   closes nothing opened in the URL ends it there, wherever it stands (`(a.org/x)(b.org/y)` is
   two URLs, `…/report)(emphasis added)` ends at `report`). An opening bracket that is never
   closed ends the URL before it (`…/path.(last visited …` ends at `path`); so does one nested
   deeper than 8, which keeps the scan short.
3. A wide (East Asian) character ends a URL unless the segment it stands in (host, or the text
   after a `/`, `?`, `#`, `&` or `=`; in the host, also after a `.`) begins with a wide character
   or with a percent-escape of a non-ASCII byte (`%80`–`%FF`): `example.comだよね` ends at `com`,
   `…/wiki/東京` keeps `東京`. Wide punctuation (`、。「」（）` …) always ends a URL.
4. Then sentence punctuation `.,;:!?*|-` is dropped from the end, with closing brackets left
   unbalanced (`trim`). A trailing `'` stays only when it closes a `'` opened inside the URL
   right after a letter or digit (`a'b'`); a trailing `'s` whose `'` opened nothing is a
   possessive (`https://x.org/a's report` gives `https://x.org/a`).
5. A host that cannot be parsed is cut back, not dropped: the URL ends before a `[` or `]` in a
   host that is not an IPv6 literal, or before an invalid IPv6 literal. Any host with a letter
   or digit is reported: IPv6 literals (`http://[2001:db8::1]/`) and dotless hosts
   (`http://intranet/`) too; the network guard and `verify` decide what happens to them.

After a URL that rule 2 or 3 ended early, the search goes on right after it, so a URL glued to
it (`(http://one.org/)(http://two.org/)`) is found too.
"""

from __future__ import annotations

import dataclasses
import ipaddress
import re
import unicodedata
from bisect import bisect_right
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from itertools import accumulate
from urllib.parse import urlsplit

from citecheck import wrap
from citecheck.credentials import strip as strip_credentials

SUPERSCRIPT_DIGITS = "⁰¹²³⁴⁵⁶⁷⁸⁹"

_CLEANUP: dict[int, str | None] = {
    **dict.fromkeys(map(ord, "\u00ad\u200b\u2060\ufeff"), None),  # invisible
    ord("\u2010"): "-",  # Unicode hyphens
    ord("\u2011"): "-",
}
_SUPER_RUN = re.compile(f"([{SUPERSCRIPT_DIGITS}]+)")
# Zero-width (non-)joiners not after a letter of a script that shapes with them (`normalize`).
_STRAY_JOINER = re.compile(
    "(?<![\u0600-\u0dff\u1000-\u109f\u1780-\u18af\ufb50-\ufdff\ufe70-\ufeff])[\u200c\u200d]"
)

# Characters that never stand inside a URL as written in prose (control characters included: a
# terminal escape glued to a URL is not part of it).
_BIDI = "\u200e\u200f\u202a-\u202e\u2066-\u2069"
_NOT_URL = f'\\s\\x00-\\x1f\\x7f-\\x9f<>"“”‘’«»\\\\^`{SUPERSCRIPT_DIGITS}{_BIDI}'
URL_RE = re.compile(rf"(?:(?:https?|ftp)://|(?<![\w@./-])www\.)[^{_NOT_URL}]+", re.IGNORECASE)
_URL_START = re.compile(r"(?:https?|ftp)://|(?<![\w@./-])www\.", re.IGNORECASE)
# A scheme that a line break cut (`ht` / `tps://`, `https:` / `//`): browsers' break-all does it.
_BR = r"[ \t]*\n[ \t]*"
_SPLIT_SCHEME = re.compile(
    rf"(?<![\w/])(?:h(?:{_BR})?t(?:{_BR})?t(?:{_BR})?p(?:{_BR})?s?|f(?:{_BR})?t(?:{_BR})?p)(?:{_BR})?:(?:{_BR})?/(?:{_BR})?/",
    re.IGNORECASE,
)
_BREAK = re.compile(_BR)
_URL_RUN = re.compile(rf"[^{_NOT_URL}]+")
# The next line's first token, as line-wrap joining has always read it (`{}|` end it).
_TOKEN_RE = re.compile(rf"[^{_NOT_URL}{{}}|]+")
_TRAILING = ".,;:!?*|-"
_CLOSERS = {")": "(", "]": "[", "}": "{"}
_OPENERS = "([{"
_MAX_DEPTH = 8
# What the boundary scan must look at: brackets, segment starts, and anything not ASCII.
_EVENT_RE = re.compile(r"[()\[\]{}/?#&=]|[^\x00-\x7f]")
_SEGMENT_ENDS = "/?#&="
_NON_ASCII_ESCAPE = re.compile(r"%[89a-fA-F][0-9a-fA-F]")

_MAX_ALTERNATIVES = 3
_HEAD_KEPT = 256
"""What the join decision reads of a URL's start (its host is in there): a long wrap stays linear."""


def normalize(text: str) -> str:
    """NFKC, minus invisible characters, with superscript digits and line breaks kept as they are."""
    if text.isascii():
        return text  # ASCII is already NFKC, and holds no invisible characters or superscripts
    text = _STRAY_JOINER.sub("", text.translate(_CLEANUP))
    if unicodedata.is_normalized("NFKC", text):
        return text
    parts = _SUPER_RUN.split(text)
    return "".join(part if i % 2 else unicodedata.normalize("NFKC", part) for i, part in enumerate(parts))


def _is_wide(ch: str) -> bool:
    """A character of the scripts written without spaces between words (East Asian wide)."""
    return unicodedata.east_asian_width(ch) in "WF"


def _opens_wide_segment(url: str, at: int) -> bool:
    """Whether the segment starting at `at` is in a wide script: a wide character or a
    percent-escape of a non-ASCII byte comes first."""
    return _is_wide(url[at]) or _NON_ASCII_ESCAPE.match(url, at) is not None


def bound(url: str, start: int = 0, end: int | None = None) -> int:
    """Where the bracket and script rules (2 and 3) end the URL candidate `url[start:end]`.

    One pass over the characters that matter, stopping at the first cut; the stack of open
    brackets is capped, so the work is linear in the candidate however brackets pile up."""
    end = len(url) if end is None else end
    stack: list[int] = []
    wide_ok, host_end = False, _authority(url, start, end)[1]
    for m in _EVENT_RE.finditer(url, start, end):
        i, ch = m.start(), m.group(0)
        if ch in _SEGMENT_ENDS:
            wide_ok = i + 1 < end and _opens_wide_segment(url, i + 1)
        elif ch in _OPENERS:
            stack.append(i)
            if len(stack) > _MAX_DEPTH:
                return stack[0]
        elif ch in _CLOSERS:
            if not stack or url[stack[-1]] != _CLOSERS[ch]:
                return stack[0] if stack else i
            stack.pop()
        elif _is_wide(ch):
            wide_ok = _wide_kept(ch, wide_ok or (i < host_end and url[i - 1] == "."))
            if not wide_ok:
                return stack[0] if stack else i
    return stack[0] if stack else end


def _wide_kept(ch: str, wide_segment: bool) -> bool:
    """Whether a wide character stays in the URL: in a wide segment, and not punctuation (but
    for the katakana middle dot, which joins the words of a name)."""
    return wide_segment and (ch == "・" or not unicodedata.category(ch).startswith("P"))


def _authority(url: str, start: int = 0, end: int | None = None) -> tuple[int, int]:
    """Where the authority (user, host and port) of the URL `url[start:end]` starts and ends."""
    end = len(url) if end is None else end
    scheme = url.find("://", start, min(end, start + 8))
    first = scheme + 3 if scheme > start else start
    stop = _AUTHORITY_END.search(url, first, end)
    return first, stop.start() if stop else end


_AUTHORITY_END = re.compile("[/?#]")


def trim(url: str) -> str:
    """Drop sentence punctuation, unpaired quotes, a possessive `'s` and unbalanced closing
    brackets from the end of a URL (rule 4).

    Brackets and quotes are counted once and the counts kept as characters are dropped: linear,
    however many closers a hostile text piles up at a URL's end."""
    end = len(url)
    counts: dict[str, int] | None = None
    while end:
        last = url[end - 1]
        if last in _TRAILING:
            end -= 1
            continue
        if last not in _CLOSERS and last not in "'s":
            break
        if counts is None:
            counts = {ch: url.count(ch, 0, end) for ch in "()[]{}'"}
        drop = _trailing_drop(url, end, counts)
        if not drop:
            break
        end -= drop
    return url[:end]


def _trailing_drop(url: str, end: int, counts: dict[str, int]) -> int:
    """How many characters to drop from `url[:end]`'s end for a closer, quote or `'s` (0: keep
    them), with `counts` (of brackets and quotes in `url[:end]`) updated to match."""
    last, before = url[end - 1], url[end - 2] if end > 1 else ""
    if last in _CLOSERS:
        if counts[last] <= counts[_CLOSERS[last]]:
            return 0
        counts[last] -= 1
        return 1
    if last == "'":
        if counts["'"] % 2 == 0 and before.isalnum():
            return 0  # closes a quote opened inside the URL: `a'b'`
        counts["'"] -= 1
        return 1
    if last == "s" and before == "'" and counts["'"] % 2 == 1:
        counts["'"] -= 1  # a possessive: `https://x.org/a's report`
        return 2
    return 0


def host_cut(url: str) -> str:
    """The URL cut before the first character its host cannot hold (rule 5): a `[` or `]` in a
    host that is not an IPv6 literal, or an IPv6 literal that is not valid."""
    start, stop = _authority(url)
    host = url.rfind("@", start, stop) + 1 or start
    if url.startswith("[", host):
        close = url.find("]", host, stop)
        port = url[close + 1 : stop] if close > 0 else ""
        if close > 0 and _is_ipv6(url[host + 1 : close]) and _PORT_RE.fullmatch(port):
            return url
        return url[:host]
    cuts = [at for at in (url.find("[", host, stop), url.find("]", host, stop)) if at >= 0]
    return url[: min(cuts)] if cuts else url


_PORT_RE = re.compile(r"(?::\d*)?")


def _is_ipv6(text: str) -> bool:
    """Whether the text is an IPv6 address (what may stand between a host's brackets)."""
    try:
        ipaddress.IPv6Address(text)
    except ValueError:
        return False
    return True


def is_plausible(url: str) -> bool:
    """True when the text has a host with a letter or digit (dotless hosts and IPv6 literals
    included: the network guard and `verify` decide about them), so it is worth a link; a host
    that is `www` and at most one label more (`www.`, `www.grants`) is a URL cut at a page's end."""
    try:
        host = urlsplit(meant(url)).hostname or ""
    except ValueError:
        return False
    labels = host.rstrip(".").split(".")
    if labels[0] == "www" and len(labels) < 3:
        return False
    return any(ch.isalnum() for ch in host)


def meant(written: str) -> str:
    """The URL to check for a written one: a scheme is added to `www.` URLs and credentials
    (`user:pass@`) are dropped, nothing else changes."""
    return strip_credentials("https://" + written if written.lower().startswith("www.") else written)


def goes_on(line: str, following: str) -> wrap.Join:
    """The verdict on whether a URL that ends `line` goes on in `following`, the text after a
    line break: the same decision as inside a flow (`wrap.decide`), for a break the text put a
    blank line or a block boundary at (mutool does, before a link's text on a new line)."""
    start = None
    for start in _URL_START.finditer(line):  # noqa: B007 (the last one)
        pass
    line = line.rstrip()
    if start is None or _URL_RUN.fullmatch(line, start.start()) is None:
        return wrap.Join.STOP  # no URL, or text after it
    token = _TOKEN_RE.match(following.lstrip())
    if token is None:
        return wrap.Join.STOP
    return wrap.decide(normalize(line[start.start() :]), line, token.group(0), wrap.UNKNOWN)


@dataclass(frozen=True, slots=True)
class FoundURL:
    """A URL occurrence in a flow: its written text, first line, and where line breaks were joined.

    `reading` is the URL the line breaks favour when it is not the written one (a hyphen at a
    break that the typesetter added, or one the extractor dropped); `alternatives` are the other
    readings the text could not settle (the URL cut at a break it was joined across, joined
    across one it was cut at, a hyphen read the other way)."""

    written: str
    line: int
    start: int
    end: int
    breaks: tuple[int, ...]
    alternatives: tuple[str, ...] = ()
    reading: Reading | None = None


@dataclass(frozen=True, slots=True)
class Reading:
    """The URL as the line breaks favour reading it, its own breaks, and why, in words."""

    url: str
    breaks: tuple[int, ...]
    reason: str


_Pieces = list[tuple[int, str]]


class Flow:
    """Lines of one footnote (or of the body) joined by newlines, with their line numbers.

    Lines may come from separate paragraphs (a footnote continued after a page break); the URL
    search treats each join as a line end, which is what it is. `layout` is what the region's
    lines say about the wrap (`wrap.Layout`), the evidence for joining a URL across a break.
    """

    def __init__(self, pieces: Sequence[tuple[int, str]], layout: wrap.Layout = wrap.UNKNOWN) -> None:
        texts = [normalize(text) for _, text in pieces]
        self.text = "\n".join(texts)
        self.layout = layout
        self._lines = [line for line, _ in pieces]
        self._offsets: list[int] = []
        pos = 0
        for text in texts:
            self._offsets.append(pos)
            pos += len(text) + 1

    def line_at(self, offset: int) -> int:
        """The document line number of a flow offset."""
        return self._lines[max(0, bisect_right(self._offsets, offset) - 1)] if self._lines else 1

    def links(self) -> list[FoundURL]:
        """Every plausible URL in the flow, joined across line breaks that stand inside it.

        A search that goes on inside a run of URL characters (after a URL the boundary rules
        ended early) reuses where that run ends: measured once, so glued URLs stay linear."""
        found: list[FoundURL] = []
        pos = run_end = 0
        while (m := self._start(pos)) is not None:
            start, scheme = m
            if scheme:  # a cut scheme: the run starts where the scheme's last piece does
                run = _URL_RUN.match(self.text, scheme[-1][0])
                run_end = run.end() if run else scheme[-1][0]
            elif start >= run_end:
                run = _URL_RUN.match(self.text, start)
                run_end = run.end() if run else start
            link, pos = self._link_at(start, run_end, scheme)
            if link is not None:
                found.append(link)
        return found

    def _start(self, pos: int) -> tuple[int, _Pieces] | None:
        """Where the next URL starts, and, if a line break cut its scheme, the scheme's pieces
        before the line its last part is on."""
        m = _URL_START.search(self.text, pos)
        end = m.start() if m else len(self.text)
        if "\n" in self.text[pos : end + 8]:
            for split in _SPLIT_SCHEME.finditer(self.text, pos, min(len(self.text), end + 16)):
                if split.start() >= end:
                    break
                if "\n" in split.group(0):
                    return split.start(), self._scheme_pieces(split)
        return (m.start(), []) if m else None

    def _scheme_pieces(self, split: re.Match[str]) -> _Pieces:
        """A cut scheme's pieces: one per line, the last one starting where its last line does."""
        pieces: _Pieces = []
        at = split.start()
        for br in _BREAK.finditer(self.text, split.start(), split.end()):
            pieces.append((at, self.text[at : br.start()]))
            at = br.end()
        return [*pieces, (at, "")]

    def _link_at(self, start: int, end: int, scheme: _Pieces) -> tuple[FoundURL | None, int]:
        """The URL a run starts (None if not plausible) and where the search goes on: right
        after it when the boundary rules ended it early, else after all its text."""
        rest = scheme[-1][0] if scheme else start
        head = bound(self.text, rest, end)
        pieces = [*scheme[:-1], (rest, self.text[rest:head])]
        joins = [wrap.Join.SURE] * (len(pieces) - 1)
        # A URL that ends before its line does holds no line break: it is not joined to the next.
        if head == end:
            pieces, more = self._pieces(pieces, end)
            joins += more
        readings = _readings(joins)
        link, pos = self._reading(pieces[: readings[0]], start)
        if link is None:
            return None, pos
        link, alternatives = self._hyphens(link, pieces[: readings[0]])
        for n in readings[1:]:
            alt, _ = self._reading(pieces[:n], start)
            if alt is not None and alt.written not in (link.written, *alternatives):
                alternatives.append(alt.written)
        if alternatives:
            link = dataclasses.replace(link, alternatives=tuple(alternatives[: _MAX_ALTERNATIVES + 1]))
        return link, pos

    def _hyphens(self, link: FoundURL, pieces: _Pieces) -> tuple[FoundURL, list[str]]:
        """The URL with its hyphens at line breaks read as the layout says, and the other readings:
        one written at a break between letters may be the typesetter's (`wrap.keeps_hyphen`), and
        an extractor that dehyphenates may have dropped one where a line ended (`wrap.lost_hyphen`)."""
        w = link.written
        spots = [
            b
            for b in link.breaks
            if 2 <= b < len(w)
            and w[b - 1] == "-"
            and w[b].isalnum()
            and (w[b - 2].isalpha() or w[b - 2] in "./")
        ]
        if not spots:
            return self._lost_hyphen(link, pieces)
        host_end = wrap.host_end(w)
        dropped = [
            b
            for b in spots
            if not wrap.keeps_hyphen(_letters(w, b - 1, -1), _letters(w, b, 1), self.layout, b < host_end)
        ]
        kept = [b for b in spots if b not in dropped]
        other, _ = _without_hyphens(w, link.breaks, kept)
        if not dropped:
            return link, [other]
        url, breaks = _without_hyphens(w, link.breaks, dropped)
        reading = Reading(url, breaks, "a hyphen the typesetter added where the line broke")
        return dataclasses.replace(link, reading=reading), [other] if other not in (url, w) else []

    def _lost_hyphen(self, link: FoundURL, pieces: _Pieces) -> tuple[FoundURL, list[str]]:
        """Where a dehyphenating extractor joined two lines inside the URL, dropping the hyphen the
        line ended with: at a full line's width from the line's start (`Layout.dehyphenated`).

        Each line end the URL crosses is looked at on its own (a long URL may have lost two
        hyphens): the sure ones make the reading, and each possible one is an alternative on top.
        Where no full width shows one, the likeliest places anywhere are candidates only."""
        if not self.layout.dehyphenated:
            return link, []
        w = link.written
        at, ends = 0, dict[tuple[int, int], list[int]]()
        for offset, text in pieces:
            line_start = self.text.rfind("\n", 0, offset) + 1
            col = offset - line_start
            for i in range(1, len(text)):
                k = self.layout.line_end(col + i)
                if k is not None and at + i < len(w):
                    ends.setdefault((line_start, k), []).append(at + i)
            at += len(text)
        ranked = [r for spots in ends.values() if (r := wrap.lost_hyphen(w, spots))]
        sure = [r[0][0] for r in ranked if r[0][1]]
        possible = [r[0][0] for r in ranked if not r[0][1]]
        options = [[*sure, *possible]] if len(possible) > 1 else []
        options += [[*sure, i] for i in possible] + [[*sure, i] for r in ranked for i, _ in r[1:]]
        # A line that ended short of the width (the next part did not fit) shows no place: the
        # likeliest places anywhere are candidates too, after those the widths show.
        seen = {i for r in ranked for i, _ in r}
        loose = [i for i, _ in wrap.lost_hyphen(w, range(1, len(w))) if i not in seen]
        options += [[*sure, i] for i in loose[:_LOOSE_CANDIDATES]]
        fixed = list(dict.fromkeys(_with_hyphens(w, link.breaks, option)[0] for option in options))
        if not sure:
            return link, fixed  # only candidates for `verify`
        url, breaks = _with_hyphens(w, link.breaks, sure)
        reading = Reading(url, breaks, "a hyphen the extractor dropped where it joined two lines")
        return dataclasses.replace(link, reading=reading), [f for f in fixed if f != url]

    def _reading(self, pieces: _Pieces, start: int) -> tuple[FoundURL | None, int]:
        """The URL that a reading (the first pieces of a wrapped run) writes, and where the
        search goes on after it."""
        written = "".join(text for _, text in pieces)
        head = bound(written)
        kept = trim(host_cut(trim(written[:head])))
        starts = list(accumulate(len(text) for _, text in pieces[:-1]))
        breaks = tuple(b for b in starts if b < len(kept))
        pos = _flow_offset(pieces, head) if head < len(written) else pieces[-1][0] + len(pieces[-1][1])
        if not is_plausible(kept):
            return None, pos
        return FoundURL(kept, self.line_at(start), start, _flow_offset(pieces, len(kept)), breaks), pos

    def _pieces(self, pieces: _Pieces, end: int) -> tuple[_Pieces, list[wrap.Join]]:
        """A run of URL characters and its continuations on the next lines, with flow offsets,
        and the verdict on each line break joined."""
        joins: list[wrap.Join] = []
        head = "".join(text for _, text in pieces)[:_HEAD_KEPT]
        closed = ">" in head
        angle = pieces[0][0] > 0 and self.text[pieces[0][0] - 1] == "<"
        last = head[-1:]
        while cont := self._continuation(head if len(head) < _HEAD_KEPT else head + last, closed, end, angle):
            tail, verdict = cont
            pieces.append((tail.start(), tail.group(0)))  # joined once: a long wrap stays linear
            joins.append(verdict)
            closed = closed or ">" in tail.group(0)
            if len(head) < _HEAD_KEPT:
                head = (head + tail.group(0))[:_HEAD_KEPT]
            last, end = tail.group(0)[-1], tail.end()
        return pieces, joins

    def _continuation(
        self, head: str, closed: bool, end: int, angle: bool
    ) -> tuple[re.Match[str], wrap.Join] | None:
        """The rest of a URL on the next line, if the line may have ended inside it (`head`: the
        URL's first characters and its last), with the verdict on that line break."""
        newline = _BREAK.match(self.text, end)
        if newline is None or not head:
            return None
        tail = _TOKEN_RE.match(self.text, newline.end())
        if tail is None:
            return None
        after = self.text[tail.end() : tail.end() + 1]
        if angle and after == ">" and not closed and not URL_RE.match(tail.group(0)):
            return tail, wrap.Join.SURE
        line = self.text[self.text.rfind("\n", 0, end) + 1 : self.text.index("\n", end)]
        verdict = wrap.decide(head, line, tail.group(0), self.layout)
        return (tail, verdict) if verdict > wrap.Join.STOP else None

    def text_without_url_breaks(self, found: Sequence[FoundURL]) -> str:
        """The flow as one line of text: breaks inside URLs removed, others made spaces."""
        out, pos = [], 0
        for url in found:
            out.append(self.text[pos : url.start])
            out.append(url.written)
            pos = url.end
        out.append(self.text[pos:])
        return " ".join("".join(out).split())


def _letters(text: str, at: int, step: int) -> str:
    """The run of letters before `at` (step -1) or from `at` on (step 1)."""
    end = at
    if step < 0:
        while end > 0 and text[end - 1].isalpha():
            end -= 1
        return text[end:at]
    while end < len(text) and text[end].isalpha():
        end += 1
    return text[at:end]


_LOOSE_CANDIDATES = 2
"""Hyphens a dehyphenating extractor may have dropped away from any full line's width: only
candidates for `verify`, the likeliest two."""


def _with_hyphens(written: str, breaks: Sequence[int], at: Sequence[int]) -> tuple[str, tuple[int, ...]]:
    """`written` with a hyphen put in before each index `at`, a line break after each, and its
    other breaks moved to match."""
    spots = sorted(set(at))
    out, pos = [], 0
    for i in spots:
        out += [written[pos:i], "-"]
        pos = i
    out.append(written[pos:])
    moved = {b + bisect_right(spots, b) for b in breaks}
    moved |= {i + k + 1 for k, i in enumerate(spots)}
    return "".join(out), tuple(sorted(moved))


def _without_hyphens(written: str, breaks: Sequence[int], at: Sequence[int]) -> tuple[str, tuple[int, ...]]:
    """`written` without the hyphens just before the breaks `at`, and its breaks moved to match."""
    drop = set(at)
    out, pos, shift, moved = [], 0, 0, []
    for b in breaks:
        if b in drop:
            out.append(written[pos : b - 1])
            pos, shift = b, shift + 1
        moved.append(b - shift)
    out.append(written[pos:])
    return "".join(out), tuple(moved)


def _readings(joins: Sequence[wrap.Join]) -> list[int]:
    """How many pieces each reading of a wrapped run takes, the favoured one first: up to the
    first break that probably ended the URL; then the other unsettled cuts and the whole run."""
    n = len(joins) + 1
    primary = next((i + 1 for i, j in enumerate(joins) if j == wrap.Join.UNLIKELY), n)
    others = [i + 1 for i, j in enumerate(joins) if j in (wrap.Join.LIKELY, wrap.Join.UNLIKELY)]
    others.append(n)
    return [primary, *[k for k in dict.fromkeys(others) if k != primary][:_MAX_ALTERNATIVES]]


def _flow_offset(pieces: Sequence[tuple[int, str]], k: int) -> int:
    """The flow offset just after the first `k` characters of the joined pieces."""
    for offset, text in pieces:
        if k <= len(text):
            return offset + k
        k -= len(text)
    return pieces[-1][0] + len(pieces[-1][1])


@lru_cache(maxsize=1 << 12)
def host_of(url: str) -> str:
    """The lower-case host of a URL without `www.`, or '' when it has none."""
    try:
        host = (urlsplit(meant(url)).hostname or "").lower()
    except ValueError:
        return ""
    return host.removeprefix("www.")


def same_resource(a: str, b: str) -> bool:
    """Whether two URLs name the same page: host without `www.`, path without trailing slash."""
    try:
        sa, sb = urlsplit(meant(a)), urlsplit(meant(b))
    except ValueError:
        return False
    return host_of(a) == host_of(b) and sa.path.rstrip("/") == sb.path.rstrip("/")
