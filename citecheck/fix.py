"""The document with its repairs applied: every other byte as it was. Pure.

A URL's written form had line breaks (and invisible characters) removed when it was found, so it
is located in the original text by a pattern that allows them between its characters, starting
at its line. Only repairs that something confirmed are applied, unless proposals are accepted;
with archived copies, each fixed or checked URL gets its archived copy after it, in the style the
format uses (`(archived <url>)` in text, a Markdown link in Markdown).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass

from citecheck.models import Extraction, Link, Snapshot

FIXABLE = frozenset({"text", "markdown"})
_GAP = r"-?[ \t]*\n[ \t]*|[\u00ad\u200b\u200c\u200d\u2060\ufeff]"
"""What extraction removed from inside a URL: a line break (with its indentation, and a hyphen
the wrap added), an invisible character."""
_BETWEEN = f"(?:{_GAP})*"


@dataclass(frozen=True, slots=True)
class Edit:
    start: int
    end: int
    text: str


_SKIP = re.compile(_GAP)


def _locate(text: str, line_starts: list[int], link: Link) -> tuple[int, int, int] | None:
    """Where the written URL stands in the original text, from its line on: (start, end, how many
    of its characters stand there). A URL whose tail a page break moved far away matches in part."""
    head = link.written[:40]
    pattern = re.compile(_BETWEEN.join("[-\u00ad]" if ch == "-" else re.escape(ch) for ch in head))
    start = line_starts[min(max(link.line, 1), len(line_starts)) - 1]
    m = pattern.search(text, start, min(len(text), start + 20 * (len(head) + 200)))
    if m is None:
        return None
    i, j, end = 0, m.start(), m.start()
    while i < len(link.written) and j < len(text):
        if text[j] == link.written[i] or (text[j] == "\u00ad" and link.written[i] == "-"):
            i, j = i + 1, j + 1
            end = j  # the span ends after the last character that matched, never in a gap
        elif skip := _SKIP.match(text, j):
            j = skip.end()
        else:
            break
    return m.start(), end, i


def _archived(snapshot: Snapshot, fmt: str) -> str:
    return f" ([archived]({snapshot.url}))" if fmt == "markdown" else f" (archived {snapshot.url})"


def fix(
    text: str,
    extraction: Extraction,
    fmt: str,
    *,
    accept_proposals: bool = False,
    archives: Mapping[str, Snapshot | None] | None = None,
) -> tuple[str, int]:
    """The fixed text, and how many URLs were changed."""
    line_starts = [0] + [m.end() for m in re.finditer("\n", text)]
    edits: list[Edit] = []
    changed = 0
    taken: set[tuple[int, int]] = set()
    for link in extraction.links():
        repair = link.repair
        apply = repair is not None and link.url != link.written and (repair.confirmed_by or accept_proposals)
        snapshot = (archives or {}).get(link.url)
        if not apply and snapshot is None:
            continue
        found = _locate(text, line_starts, link)
        if found is None:
            continue
        start, end, matched = found
        tail = link.written[matched:]  # the part a page break moved away: never what a repair changes
        if (start, end) in taken or (apply and not link.url.endswith(tail)):
            continue
        taken.add((start, end))
        new = link.url[: len(link.url) - len(tail)] if apply else text[start:end]
        changed += bool(apply)
        if snapshot is not None and not tail:
            if text[end : end + 1] == ">":  # keep `<url>` together, the copy after it
                new, end = new + ">", end + 1
            new += _archived(snapshot, fmt)
        edits.append(Edit(start, end, new))
    out, pos = [], 0
    for edit in sorted(edits, key=lambda e: e.start):
        out += [text[pos : edit.start], edit.text]
        pos = edit.end
    out.append(text[pos:])
    return "".join(out), changed
