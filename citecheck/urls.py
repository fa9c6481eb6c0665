"""Finding URLs in text: where each starts and ends, and exactly what the document wrote. Pure.

Text copied from a PDF is normalised first (NFKC, soft hyphens and zero-width characters
removed) but superscript digits are kept: they are footnote markers, and a marker glued to the
end of a URL must split off rather than become part of it. A URL that a line break cut is joined
back when the break stands inside it (`Flow.links`); `written` is the joined text, and the
offsets of the joins are kept so repair can tell where the line ended.
"""

from __future__ import annotations

import re
import unicodedata
from bisect import bisect_right
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from urllib.parse import urlsplit

from citecheck.credentials import strip as strip_credentials

SUPERSCRIPT_DIGITS = "⁰¹²³⁴⁵⁶⁷⁸⁹"

_CLEANUP: dict[int, str | None] = {
    **dict.fromkeys(map(ord, "\u00ad\u200b\u200c\u200d\u2060\ufeff"), None),  # invisible
    ord("\u2010"): "-",  # Unicode hyphens
    ord("\u2011"): "-",
}
_SUPER_RUN = re.compile(f"([{SUPERSCRIPT_DIGITS}]+)")

# Characters that never stand inside a URL as written in prose (control characters included: a
# terminal escape glued to a URL is not part of it).
_NOT_URL = f'\\s\\x00-\\x1f\\x7f-\\x9f<>"“”‘’«»{{}}|\\\\^`{SUPERSCRIPT_DIGITS}'
URL_RE = re.compile(rf"(?:(?:https?|ftp)://|(?<![\w@./-])www\.)[^{_NOT_URL}]+", re.IGNORECASE)
_TOKEN_RE = re.compile(rf"[^{_NOT_URL}]+")
_TRAILING = ".,;:!?'*"
_CLOSERS = {")": "(", "]": "[", "}": "{"}

# A line that ends on one of these is cut mid-URL, whatever follows.
_OPEN_ENDINGS = "-_=&?%#~+"
# A continuation that starts with one of these can only be the rest of a URL.
_CONTINUATION_STARTS = "/?&#=%"
_URLISH = re.compile(r"[/=&?_%#]|\.(?:html?|php|aspx?|pdf|jsp)\b|\d[a-z]|[a-z]\d", re.IGNORECASE)


def normalize(text: str) -> str:
    """NFKC, minus invisible characters, with superscript digits and line breaks kept as they are."""
    if text.isascii():
        return text  # ASCII is already NFKC, and holds no invisible characters or superscripts
    text = text.translate(_CLEANUP)
    if unicodedata.is_normalized("NFKC", text):
        return text
    parts = _SUPER_RUN.split(text)
    return "".join(part if i % 2 else unicodedata.normalize("NFKC", part) for i, part in enumerate(parts))


def trim(url: str) -> str:
    """Drop sentence punctuation and unbalanced closing brackets from the end of a URL.

    Brackets are counted once and the counts kept as closers are dropped: linear, however many
    closers a hostile text piles up at a URL's end."""
    end = len(url)
    counts: dict[str, int] | None = None
    while end:
        last = url[end - 1]
        if last in _TRAILING:
            end -= 1
        elif last in _CLOSERS:
            if counts is None:
                counts = {ch: url.count(ch, 0, end) for ch in "()[]{}"}
            if counts[last] <= counts[_CLOSERS[last]]:
                break
            counts[last] -= 1
            end -= 1
        else:
            break
    return url[:end]


def is_plausible(url: str) -> bool:
    """True when the text has a host that could exist (a dot, or localhost), so it is worth a link."""
    if url.lower().startswith("www."):
        url = "https://" + url
    try:
        host = urlsplit(url).hostname or ""
    except ValueError:
        return False
    return "." in host.strip(".") or host == "localhost"


def meant(written: str) -> str:
    """The URL to check for a written one: a scheme is added to `www.` URLs and credentials
    (`user:pass@`) are dropped, nothing else changes."""
    return strip_credentials("https://" + written if written.lower().startswith("www.") else written)


@dataclass(frozen=True, slots=True)
class FoundURL:
    """A URL occurrence in a flow: its written text, first line, and where line breaks were joined."""

    written: str
    line: int
    start: int
    end: int
    breaks: tuple[int, ...]


class Flow:
    """Lines of one footnote (or of the body) joined by newlines, with their line numbers.

    Lines may come from separate paragraphs (a footnote continued after a page break); the URL
    search treats each join as a line end, which is what it is.
    """

    def __init__(self, pieces: Sequence[tuple[int, str]]) -> None:
        texts = [normalize(text) for _, text in pieces]
        self.text = "\n".join(texts)
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
        """Every plausible URL in the flow, joined across line breaks that stand inside it."""
        found: list[FoundURL] = []
        pos = 0
        while (m := URL_RE.search(self.text, pos)) is not None:
            start, end = m.start(), m.end()
            pieces, breaks = [m.group(0)], []
            size, closed = end - start, ">" in m.group(0)
            angle = start > 0 and self.text[start - 1] == "<"
            while (cont := self._continuation(pieces[-1][-1], closed, end, angle)) is not None:
                breaks.append(size)  # pieces are joined once: a URL wrapped on many lines stays linear
                pieces.append(cont.group(0))
                size += len(pieces[-1])
                closed = closed or ">" in pieces[-1]
                end = cont.end()
            written = "".join(pieces)
            kept = trim(written)
            breaks = [b for b in breaks if b < len(kept)]
            pos = end
            if is_plausible(kept):
                flow_end = end - (len(written) - len(kept))  # the flow still holds the line breaks
                found.append(FoundURL(kept, self.line_at(start), start, flow_end, tuple(breaks)))
        return found

    def _continuation(self, last: str, closed: bool, end: int, angle: bool) -> re.Match[str] | None:
        """The rest of a URL on the next line, if the line ended inside it (`last`: the URL's
        last character so far; `closed`: whether it holds a `>`)."""
        newline = re.compile(r"[ \t]*\n[ \t]*").match(self.text, end)
        if newline is None:
            return None
        tail = _TOKEN_RE.match(self.text, newline.end())
        if tail is None or URL_RE.match(tail.group(0)):
            return None
        token = tail.group(0)
        after = self.text[tail.end() : tail.end() + 1]
        if angle and after == ">" and not closed:
            return tail
        if token[0] in _CONTINUATION_STARTS:
            return tail
        if last in _OPEN_ENDINGS and (token[0].islower() or token[0].isdigit() or _URLISH.search(token)):
            return tail
        if last.isalnum() and _URLISH.search(trim(token)) and " " not in token:
            return tail if _looks_like_url_piece(trim(token)) else None
        return None

    def text_without_url_breaks(self, found: Sequence[FoundURL]) -> str:
        """The flow as one line of text: breaks inside URLs removed, others made spaces."""
        out, pos = [], 0
        for url in found:
            out.append(self.text[pos : url.start])
            out.append(url.written)
            pos = url.end
        out.append(self.text[pos:])
        return " ".join("".join(out).split())


def _looks_like_url_piece(token: str) -> bool:
    """A token that only a URL would contain: no prose word is mixed case with digits or underscores."""
    return bool(re.search(r"[/=&?%#]|_|\d.*[A-Za-z].*\d|\.(?:html?|php|aspx?|pdf)\b", token))


@lru_cache(maxsize=1 << 16)
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
