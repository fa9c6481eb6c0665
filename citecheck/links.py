"""Links a document format states outright (a PDF link annotation, an HTML `href`, a Word
hyperlink) applied to the links found in the text. Pure.

The stated target is the truth for the text it covers: a visible URL that wrapping damaged is
repaired to the target with `confirmed_by: "document"`; a visible URL that is another URL (not
the target with break-point hyphens or spaces, nor the target cut short) is a mismatch: the link
keeps the target as its URL and the visible URL beside it. A target whose visible text is not a URL
("awesome blog", "here") is a link of its own. A target that only repeats its visible text (an
autolink, a Word field made from the typed URL) is no evidence either way: the text's own repair
proposal, if any, stands and the live check decides.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence

from citecheck.dates import cited_date
from citecheck.models import Confirmation, KnownLink, Link, Repair, RepairKind
from citecheck.urls import meant, normalize

WEB_SCHEMES = ("http://", "https://", "ftp://")
_SPACE = re.compile(r"\s+")


def _flat(text: str) -> str:
    return _SPACE.sub("", normalize(text)).rstrip(".,;:)>").lstrip("<(")


def _covers(known: KnownLink, link: Link) -> bool:
    """Whether the visible text of a stated link is this written URL (whitespace and wrapping aside)."""
    visible, written = _flat(known.text), _flat(link.written)
    if not visible:
        return False
    return visible == written or (len(visible) >= 12 and (visible in written or written in visible))


def apply_known(
    links: Sequence[Link], lines: Iterable[int], known: Sequence[KnownLink], flow_text: str
) -> tuple[Link, ...]:
    """The links of one footnote (or of the body), with the document's stated links applied."""
    here = set(lines)
    stated = [
        k
        for k in known
        if k.line in here and k.target.lower().startswith(WEB_SCHEMES) and _flat(k.target) != _flat(k.text)
    ]  # a link whose target is its own visible text (an autolink) says nothing the text does not
    if not stated:
        return tuple(links)
    unused = list(stated)
    out: list[Link] = []
    for link in links:
        match = next((k for k in unused if _covers(k, link)), None)
        if match is None:
            out.append(link)
            continue
        unused.remove(match)
        out.append(_truth(link, match.target))
    date = cited_date(flow_text)
    out += [
        Link(k.target, k.target, k.line, None, date, anchor=_anchor(k.text))
        for k in unused
        if (k.target, k.line) not in {(lk.url, lk.line) for lk in out}
    ]  # the same URL on another line is another occurrence: each keeps its line
    return tuple(sorted(out, key=lambda lk: lk.line))


def _anchor(text: str) -> str | None:
    """A stated link's visible text on one line, or None when it shows nothing."""
    return " ".join(text.split()) or None


def _squash(url: str) -> str:
    """A URL as wrapping cannot change it: no scheme, `www.`, break-point hyphens, spaces or case."""
    flat = re.sub(r"^[a-z]+://(www\.)?", "", _flat(url).lower())
    return re.sub(r"[-\u00ad]", "", flat).rstrip("/")


def wrapped_form(visible: str, target: str) -> bool:
    """Whether a visible URL is its target as line-wrapping leaves it: the same characters but for
    the hyphens and spaces of line breaks, or the target cut short at a line's end."""
    shown, real = _squash(visible), _squash(target)
    return bool(shown) and real.startswith(shown)


def _truth(link: Link, target: str) -> Link:
    """A found link as its stated target says it is."""
    if target in (link.written, meant(link.written)):
        return Link(link.written, meant(link.written), link.line, None, link.accessed)
    if not wrapped_form(link.written, target):
        return Link(link.written, target, link.line, None, link.accessed, visible=meant(link.written))
    edits = (f"the document's link points to {target}",)
    repair = Repair(RepairKind.LINE_WRAP, (target,), edits, Confirmation.DOCUMENT)
    return Link(link.written, target, link.line, repair, link.accessed)
