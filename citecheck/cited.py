"""The work a citation names: title, authors, outlet and date, read from footnote text. Pure.

Why heuristics and not a grammar: footnotes mix Bluebook (`Author, Title, Outlet (Date)`), news
styles (`Author, “Title,” Outlet`), social posts (`Name (@handle), X (date)`) and bare URLs. The
title is what matching needs, so it is taken from the strongest signal present: a quoted title,
then an italic one (`*Title*`), then the segment between the authors and the outlet. Posts, case
reporters and bare URLs name no title: matching says `unknown` for them rather than guess.

A link over words that are not a URL (`available here`, a title in a Word hyperlink) has no URL in
the note's text: its citation is the note's words around those words (its anchor), the anchor
taken as the title when it looks like one and left out when it is only link words.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from citecheck.dates import cited_date

_URL = re.compile(r"<?(?:https?|ftp)://[^\s>]+>?|www\.\S+")
_SIGNAL = re.compile(
    r"^\s*(?:see,?\s+e\.g\.,?|see\s+also|see\s+generally|see|cf\.|but\s+see|accord|compare|e\.g\.,)\s+",
    re.IGNORECASE,
)
_HANDLE = re.compile(r"\(@\w{1,30}\)")
_QUOTED = re.compile(r"[“\"]([^“”\"]{8,400}?)[,.]?[”\"]")
_CJK_QUOTED = re.compile(r"[「『]([^「」『』]{2,200})[」』]")  # Chinese and Japanese title quotes
_ITALIC = re.compile(r"(?<![\w*])[*_]{1,2}([^*_]{8,300}?)[*_]{1,2}(?![\w*])")
_ITALIC_ANY = re.compile(r"(?<![\w*])[*_]{1,2}([^*_]{2,300}?)[*_]{1,2}(?![\w*])")
_PAREN = re.compile(r"\(([^()]*)\)")
_DATEISH = re.compile(
    r"(?:updated|last\s+visited|last\s+accessed|accessed|visited|posted|published)?\s*"
    r"(?:(?:jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*\.?\s+\d{1,2},?\s+\d{4}"
    r"|\d{1,2}\s+(?:jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*\.?,?\s+\d{4}"
    r"|\d{4}-\d{2}-\d{2}|\d{4})(?:,\s*\d{1,2}:\d{2}\s*[ap]\.?m\.?)?",
    re.IGNORECASE,
)
_REPORTER = re.compile(r"^\d+\s+[A-Z][\w.’' ]{0,30}\s+\d+(?:,\s*\d+)*$")  # 90 Fed. Reg. 13033
_PIN = re.compile(r"^(?:at\s+)?\d+(?:[-–]\d+)?$|^(?:art|arts|para|paras|§+|no|ecf no)\.?\s", re.IGNORECASE)
_NAME_WORD = re.compile(r"^(?:[A-Z][\w’'.-]*|&|and|of|the|de|del|la|van|von|der|et|al\.|al)$")
_MONTH_DAY_COMMA = re.compile(r"(\b[A-Z][a-z]{2,8}\.?\s+\d{1,2}),(\s+\d{4})")
_HAS_DIGIT = re.compile(r"\d")
_REFERENCE = re.compile(r"[/\[\]§]|\bDoc\.|\bU\.N\.T\.S\.|\bUNTS\b")
_ID = re.compile(r"^[*_]*(?:id|ibid)\.?[*_]*(?:\s|,|$)", re.IGNORECASE)
_EXPLANATORY = re.compile(r"\(\s*[“\"][^()]*\)")
_DOCUMENT_WORDS = frozenset(
    [
        "Convention",
        "Covenant",
        "Treaty",
        "Protocol",
        "Act",
        "Declaration",
        "Resolution",
        "Proclamation",
        "Report",
        "Letter",
        "Statement",
        "Order",
        "Opinion",
        "Agreement",
        "Charter",
        "Rules",
        "Regulation",
        "Directive",
    ]
)
_CASE = re.compile(r"\bv\.\s")


@dataclass(frozen=True, slots=True)
class CitedWork:
    """What a citation says the linked source is. `title` None: the citation names no title."""

    title: str | None
    authors: tuple[str, ...] = ()
    outlet: str | None = None
    date: dt.date | None = None
    kind: str = "work"
    """`work`, `post` (a social-media post: its text is no title), `bare` (only a URL) or `id`
    (*Id.*: the previous citation)."""


_LINK_WORDS = frozenset(
    {
        *("here", "available", "at", "online", "link", "this", "click", "see", "read", "more"),
        *("website", "site", "page", "source", "full", "text", "pdf", "view", "download"),
        *("it", "on", "the", "via", "from", "in"),
    }
)


def title_like(anchor: str) -> bool:
    """Whether a link's words name a work (`Annual Report on Prisons`) rather than point at it
    (`available here`): it starts capitalised and holds two words that are not link words."""
    words = [w.strip(".,;:“”\"'*_()") for w in anchor.split()]
    named = [w for w in words if w and w.lower() not in _LINK_WORDS]
    return anchor[:1].isupper() and len(named) >= 2


def only_signal(words: str) -> bool:
    """Whether a citation's words are at most a signal (`See`): nothing that could name a work."""
    rest = re.sub(r"^\W*(?:see\s+also|see|cf)\b\.?", "", words.strip(), flags=re.IGNORECASE)
    return not re.search(r"[^\W\d_]{2}", rest)


def _find_anchor(text: str, anchor: str) -> re.Match[str] | None:
    """The anchor in the note's text, whitespace runs matching any whitespace."""
    return re.search(r"\s+".join(map(re.escape, anchor.split())), text)


def _anchor_bounds(footnote_text: str, anchor: str) -> tuple[int, int, re.Match[str]] | None:
    """The citation an anchor stands in: from the previous `;` or URL to the next `;` or URL."""
    m = _find_anchor(footnote_text, anchor)
    if m is None:
        return None
    before = footnote_text[: m.start()]
    previous_url = max((u.end() for u in _URL.finditer(before)), default=0)
    start = max(before.rfind(";") + 1, previous_url)
    ends = [footnote_text.find(";", m.end()), *(u.start() for u in _URL.finditer(footnote_text, m.end()))]
    end = min((e for e in ends if e >= 0), default=len(footnote_text))
    return start, end, m


def citation_segment(footnote_text: str, written: str, anchor: str | None = None) -> str:
    """The words of the citation a URL belongs to: after the previous URL or `;`, up to this URL;
    for a link over words (`anchor`), the citation around them, mere link words left out."""
    if anchor is not None:
        bounds = _anchor_bounds(footnote_text, anchor)
        if bounds is None:
            return ""
        start, end, m = bounds
        if title_like(anchor):
            return footnote_text[start:end].strip()
        return (footnote_text[start : m.start()].rstrip(" ,;:") + footnote_text[m.end() : end]).strip()
    at = footnote_text.find(written)
    if at < 0:
        return ""
    before = footnote_text[:at]
    previous_url = max((m.end() for m in _URL.finditer(before)), default=0)
    start = max(before.rfind(";") + 1, previous_url)
    return before[start:].strip().rstrip("<").strip()


def cited_work(footnote_text: str, written: str, anchor: str | None = None) -> CitedWork:
    """The work the citation of one URL names (see the module docstring for how)."""
    if anchor is not None and (bounds := _anchor_bounds(footnote_text, anchor)) is not None:
        start, end, m = bounds
        date = cited_date(footnote_text[start:end]) or cited_date(footnote_text, m.start())
        if not title_like(anchor):
            words = citation_segment(footnote_text, written, anchor)
            return (
                CitedWork(None, date=date, kind="bare") if only_signal(words) else parse_citation(words, date)
            )
        head, tail = footnote_text[start : m.start()], footnote_text[m.end() : end]
        title = _clean_title(anchor)
        return CitedWork(title or None, _authors(_SIGNAL.sub("", head)), _outlet_after(tail), date)
    segment = citation_segment(footnote_text, written)
    at = footnote_text.find(written)
    date = cited_date(footnote_text, at if at >= 0 else None)
    return parse_citation(segment, date)


def parse_citation(segment: str, date: dt.date | None = None) -> CitedWork:
    """A citation's words (no URL) as a cited work."""
    text = " ".join(_SIGNAL.sub("", segment).split()).strip(" ,;:.(")
    if not re.search(r"[^\W\d_]{2}", text):
        return CitedWork(None, date=date, kind="bare")
    if _ID.match(text):
        return CitedWork(None, date=date, kind="id")
    text = _EXPLANATORY.sub("", text).strip(" ,;:.")  # (“a quoted passage”) is no title
    if handle := _HANDLE.search(text):
        author = text[: handle.start()].strip()
        return CitedWork(None, (author,) if author else (), _post_outlet(text), date, "post")
    quoted = _quoted_title(text) or _CJK_QUOTED.search(text)
    italic = _ITALIC.search(text) if quoted is None else None
    if quoted is not None or italic is not None:
        m = quoted or italic
        assert m is not None
        title = _clean_title(m.group(1))
        head, tail = text[: m.start()], text[m.end() :]
        authors = _authors(head.strip(" ,"))
        return CitedWork(title, authors, _outlet_after(tail), date)
    return _by_segments(text, date)


def _quoted_title(text: str) -> re.Match[str] | None:
    """A quoted span that stands as the title: the quote closes the title (a comma, a date, an
    outlet or the end follows), so a quoted phrase inside a longer title is not taken for it."""
    for m in _QUOTED.finditer(text):
        rest = text[m.end() :].lstrip()
        if not rest or rest[0] in ",(*_" or _ITALIC_ANY.match(rest) or m.group(0)[-2:-1] == ",":
            return m
    return None


def _post_outlet(text: str) -> str | None:
    after = _HANDLE.split(text, maxsplit=1)[-1]
    name = _PAREN.sub("", after).strip(" ,")
    return name.split(",")[0].strip() or None


def _strip_dates(text: str) -> str:
    """Remove parentheticals that hold a date or a note."""
    text = _PAREN.sub(
        lambda m: "" if _DATEISH.search(m.group(1)) or len(m.group(1)) > 40 else m.group(0), text
    )
    return text.strip(" ,;:")


def _segments(text: str) -> list[str]:
    """Comma-separated parts, a date's own comma kept inside it; parts that are only a date,
    a pin cite or a reporter citation dropped."""
    protected = _MONTH_DAY_COMMA.sub("\\1\x00\\2", _strip_dates(text))
    protected = re.sub(r",([’”])", r"\1,", protected)  # ‘Title,’ Outlet: the comma ends the title
    parts = [p.replace("\x00", ",").strip() for p in protected.split(",")]
    return [
        p
        for p in parts
        if p and not _is_date(p) and not _PIN.match(p) and not _REPORTER.match(p) and not _REFERENCE.search(p)
    ]


def _is_date(part: str) -> bool:
    return _DATEISH.fullmatch(part.strip(" .")) is not None


def _by_segments(text: str, date: dt.date | None) -> CitedWork:
    """`Authors, Title, Outlet`: the outlet is a short capitalised last segment, the authors a
    name-like first one; the title is what lies between (commas inside titles are kept)."""
    parts = _segments(text)
    if not parts:
        return CitedWork(None, date=date, kind="bare")
    outlet = None
    if len(parts) > 1 and _outlet_like(parts[-1]):
        outlet = parts.pop()
    authors: tuple[str, ...] = ()
    if len(parts) > 1 and _name_like(parts[0]):
        authors = _split_authors(parts.pop(0))
        while len(parts) > 1 and _name_like(parts[0]) and re.search(r"\s(?:&|and)\s", parts[0]):
            authors += _split_authors(parts.pop(0))  # Zittrain, Albert & Lessig
    title = _clean_title(", ".join(parts))
    return CitedWork(title or None, authors, outlet, date)


def _outlet_like(part: str) -> bool:
    words = part.split()
    if part in _ABBREV_OUTLETS:
        return True
    return (
        0 < len(words) <= 5 and part[0].isupper() and not part.endswith(".") and not _HAS_DIGIT.search(part)
    )


_ABBREV_OUTLETS = frozenset({"Brennan Ctr.", "Hum. Rts. Watch", "N.Y. Times", "Ctr. Constitutional Rts."})


def _name_like(part: str) -> bool:
    """A person's or an institution's name: a few capitalised words, no digits, no case name."""
    words = part.split()
    if not 1 <= len(words) <= 7 or any(ch.isdigit() for ch in part) or _CASE.search(part + " "):
        return False
    if ":" in part or "?" in part or _DOCUMENT_WORDS & set(words):
        return False
    return all(_NAME_WORD.match(w) for w in words) and sum(w[0].isupper() for w in words) >= 1


def _authors(head: str) -> tuple[str, ...]:
    head = head.strip(" ,")
    return _split_authors(head) if head and _name_like(head) else ()


def _split_authors(names: str) -> tuple[str, ...]:
    names = re.sub(r"\s+et\s+al\.?$", "", names)
    return tuple(n.strip() for n in re.split(r"\s+(?:&|and)\s+|,\s*", names) if n.strip())


def _outlet_after(tail: str) -> str | None:
    tail = _strip_dates(tail).strip(' ,.”"')
    italic = _ITALIC_ANY.match(tail)
    if italic:
        return italic.group(1).strip()
    first = tail.split(",")[0].strip()
    return first if first and _outlet_like(first) else None


def _clean_title(title: str) -> str:
    title = _ITALIC_ANY.sub(r"\1", title)
    title = re.sub(r"\s+art\.?\s*\d+.*$", "", title, flags=re.IGNORECASE)  # a treaty's pin cite
    return " ".join(title.split()).strip(" ,;:“”\"'*_").rstrip(".").strip()
