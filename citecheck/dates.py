"""Dates that citations give: `(Mar. 16, 2025)`, `(last visited Apr. 16, 2025)`, `16 March 2025`. Pure.

A footnote's `accessed` date is the one a reader would use to find the right archived copy: a
"last visited" date when the citation states one, otherwise the date printed with the work.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence

_MONTHS = {
    "jan": 1,
    "feb": 2,
    "mar": 3,
    "apr": 4,
    "may": 5,
    "jun": 6,
    "jul": 7,
    "aug": 8,
    "sep": 9,
    "oct": 10,
    "nov": 11,
    "dec": 12,
}
_MONTH = (
    r"(?P<month>jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?"
    r"|sept?(?:ember)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\.?"
)
_DATE = re.compile(
    rf"\b(?:{_MONTH}\s+(?P<day>\d{{1,2}}),?\s+(?P<year>\d{{4}})"
    rf"|(?P<day2>\d{{1,2}})\s+{_MONTH.replace('month', 'month2')},?\s+(?P<year2>\d{{4}})"
    r"|(?P<iy>\d{4})-(?P<im>\d{2})-(?P<id>\d{2}))\b",
    re.IGNORECASE,
)
_YEAR = re.compile(r"\d{4}")
_VISITED = re.compile(
    r"(?:last\s+visited|last\s+accessed|accessed(?:\s+on)?|retrieved(?:\s+on)?|visited(?:\s+on)?)\s*:?\s*$",
    re.IGNORECASE,
)


def find_dates(text: str) -> list[tuple[int, dt.date, bool]]:
    """Every valid date in the text: (offset, date, whether it is a "last visited" date)."""
    found: list[tuple[int, dt.date, bool]] = []
    if not _YEAR.search(text):
        return found
    for m in _DATE.finditer(text):
        date = _to_date(m)
        if date is not None:
            visited = _VISITED.search(text[max(0, m.start() - 40) : m.start()]) is not None
            found.append((m.start(), date, visited))
    return found


def has_date(text: str) -> bool:
    """Whether the text gives a date."""
    return any(True for _ in find_dates(text))


def cited_date(text: str, at: int | None = None) -> dt.date | None:
    """The date a citation gives: "last visited" first; else the last date before offset `at`
    (dates precede the URL in legal citation styles), else the first date after it."""
    return choose_date(find_dates(text), at)


def choose_date(dates: Sequence[tuple[int, dt.date, bool]], at: int | None = None) -> dt.date | None:
    """`cited_date` over dates already found (`find_dates`), so a long text is searched once."""
    visited = [d for _, d, v in dates if v]
    if visited:
        return visited[0]
    if at is None:
        return dates[0][1] if dates else None
    before = [d for pos, d, _ in dates if pos < at]
    after = [d for pos, d, _ in dates if pos >= at]
    return before[-1] if before else (after[0] if after else None)


def _to_date(m: re.Match[str]) -> dt.date | None:
    g = m.groupdict()
    try:
        if g["iy"]:
            return dt.date(int(g["iy"]), int(g["im"]), int(g["id"]))
        month = (g["month"] or g["month2"])[:3].lower()
        day = g["day"] or g["day2"]
        year = g["year"] or g["year2"]
        return dt.date(int(year), _MONTHS[month], int(day))
    except (ValueError, KeyError):
        return None
