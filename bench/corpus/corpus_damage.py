"""How an extracted text damaged each true URL: where it broke, which hyphens came and went. Pure.

A URL is looked for in the text with every damage a PDF extractor is known to do allowed between
its characters: a line break (with the indentation of the next line), a hyphen or soft hyphen put
before that break, a space (pypdf puts some inside words), one of the URL's own hyphens dropped,
a ligature glyph for `fi`/`ff`/`fl`. The match that needs least damage is taken, and the damage it
needed is the answer. A URL that a page break cut (other text between its two halves) is found as
a prefix ending a line and the rest starting a later line; one whose end never appears (set past
the page's edge, where extractors do not look) is `truncated`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

LIGATURES = {"ﬀ": "ff", "ﬁ": "fi", "ﬂ": "fl", "ﬃ": "ffi", "ﬄ": "ffl", "ﬅ": "st", "ﬆ": "st"}
SOFT_HYPHEN = "\u00ad"
_GAP = rf"(?:[-{SOFT_HYPHEN}]?[ \t]*\r?\n\s*|{SOFT_HYPHEN}| +)"
PAGE_REACH = 6000
"""How far after a URL's first half its second half may stand (a page's worth of text)."""


@dataclass(frozen=True)
class Normalized:
    """Text with ligatures spelled out, and where each character came from in the original."""

    text: str
    origin: tuple[int, ...]

    @classmethod
    def of(cls, text: str) -> Normalized:
        out: list[str] = []
        origin: list[int] = []
        for i, ch in enumerate(text):
            spelled = LIGATURES.get(ch, ch)
            out.append(spelled)
            origin += [i] * len(spelled)
        return cls("".join(out), tuple(origin))


def pattern(url: str) -> re.Pattern[str]:
    """The URL with the damage extractors do allowed between its characters (least damage first)."""
    parts = []
    for i, ch in enumerate(url):
        if i:
            parts.append(f"(?P<g{i}>{_GAP})??")
        parts.append(f"(?P<c{i}>-)?" if ch == "-" else re.escape(ch))
    return re.compile("".join(parts))


def events(
    url: str, match: re.Match[str], original: str, norm: Normalized, shift: int = 0
) -> list[dict[str, Any]]:
    """The damage one match needed, positions counted in the URL (0 = its first character)."""
    out: list[dict[str, Any]] = []
    for i in range(1, len(url)):
        gap = match.group(f"g{i}")
        if gap:
            at = i + shift
            if "\n" in gap:
                out.append({"kind": "line-break", "at": at, "after": url[i - 1], "before": url[i]})
            if gap[0] == "-":
                out.append({"kind": "hyphen-inserted", "at": at})
            elif gap[0] == SOFT_HYPHEN:
                out.append({"kind": "soft-hyphen-inserted", "at": at})
            elif "\n" not in gap:
                out.append({"kind": "space-inserted", "at": at})
        if url[i] == "-" and match.group(f"c{i}") is None:
            out.append({"kind": "hyphen-dropped", "at": i + shift})
    out = _soft_hyphens_for_hyphens(out)
    start, end = norm.origin[match.start()], norm.origin[match.end() - 1] + 1
    for j, ch in enumerate(original[start:end]):
        if ch in LIGATURES:
            out.append({"kind": "ligature", "char": ch, "offset": j})
    return out


def _soft_hyphens_for_hyphens(found: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """A URL hyphen dropped with a soft hyphen right after it is one event: the extractor gave the
    hyphen glyph as U+00AD (typst's PDFs map it so; mutool and pypdf repeat it)."""
    dropped = {e["at"] for e in found if e["kind"] == "hyphen-dropped"}
    soft = {e["at"] - 1 for e in found if e["kind"] == "soft-hyphen-inserted"} & dropped
    out = []
    for e in found:
        if e["kind"] == "hyphen-dropped" and e["at"] in soft:
            out.append({"kind": "hyphen-as-soft-hyphen", "at": e["at"]})
        elif not (e["kind"] == "soft-hyphen-inserted" and e["at"] - 1 in soft):
            out.append(e)
    return out


def locate(url: str, text: str, start: int = 0) -> tuple[dict[str, Any], int]:
    """How `text` shows `url` (searching from `start` first), and where the search may go on."""
    norm = Normalized.of(text)
    found = pattern(url).search(norm.text, start) or pattern(url).search(norm.text)
    if found is not None:
        damage = events(url, found, text, norm)
        return {"form": "damaged" if damage else "intact", "events": damage}, found.end()
    split = _page_split(url, text, norm, start)
    if split is not None:
        return split
    return {"form": "missing", "events": []}, start


def _prefix_pattern(url: str) -> re.Pattern[str]:
    """The longest prefix of `url` (damage allowed as in `pattern`) that ends a line; group p<i>
    is set when the prefix reaches character i."""
    inner = ""
    for i in range(len(url) - 1, -1, -1):
        gap = f"(?:{_GAP})??" if i else ""
        char = "-?" if url[i] == "-" else re.escape(url[i])
        inner = f"(?P<p{i}>){gap}{char}" + (f"(?:{inner})?" if inner else "")
    return re.compile(inner + r"(?=[ \t]*(?:\n|\Z))")


def _cut(match: re.Match[str], length: int) -> int:
    return 1 + max(i for i in range(length) if match.group(f"p{i}") is not None)


def _page_split(url: str, text: str, norm: Normalized, start: int) -> tuple[dict[str, Any], int] | None:
    """A URL whose halves other text (a page's end and the next page's start) stands between, or
    whose end the extractor lost (text set past the page's edge): a prefix ending a line, longest
    first, whose rest starts a later line; else a prefix of at least half the URL that nothing follows."""
    heads = [(_cut(m, len(url)), m) for m in _prefix_pattern(url).finditer(norm.text)]
    heads = sorted(
        ((cut, m) for cut, m in heads if cut > url.find("//") + 3),
        key=lambda h: (-h[0], h[1].start() < start, h[1].start()),
    )
    for cut, first in heads:
        tail = re.compile(r"(?m)^[ \t]*" + pattern(url[cut:]).pattern)
        second = tail.search(norm.text, first.end(), first.end() + PAGE_REACH)
        if second is not None:
            damage = _head_damage(url, cut, first, text, norm) + events(
                url[cut:], second, text, norm, shift=cut
            )
            between = norm.text[first.end() : second.start()].count("\n")
            split = {"kind": "page-split", **_where(url, cut), "lines": between}
            return {"form": "damaged", "events": [split, *damage]}, second.end()
    if heads and heads[0][0] >= len(url) // 2:
        cut, first = heads[0]
        truncated = {"kind": "truncated", **_where(url, cut)}
        return {
            "form": "damaged",
            "events": [truncated, *_head_damage(url, cut, first, text, norm)],
        }, first.end()
    return None


def _where(url: str, cut: int) -> dict[str, Any]:
    return {"at": cut, "after": url[cut - 1], "before": url[cut]}


def _head_damage(
    url: str, cut: int, first: re.Match[str], text: str, norm: Normalized
) -> list[dict[str, Any]]:
    head = pattern(url[:cut]).fullmatch(norm.text, first.start(), first.end())
    return events(url[:cut], head, text, norm) if head else []


def summary(damage: dict[str, Any]) -> str:
    """One word for a damage record: intact, missing, or its kinds joined by `+`."""
    if damage["form"] != "damaged":
        return str(damage["form"])
    return "+".join(sorted({e["kind"] for e in damage["events"]}))
