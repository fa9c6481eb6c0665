"""What CI formats share: every link with the document and footnote it belongs to, and its verdict.

The reason a link fails or warns is written once here, so JUnit, SARIF, GitHub annotations and
the Markdown summary all say the same thing. Pure.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from citecheck.models import Extraction, Link, LinkCheck, Match, MatchVerdict, Status
from citecheck.report import Results
from citecheck.report.sanitize import clean
from citecheck.verdict import Verdict


@dataclass(frozen=True, slots=True)
class Finding:
    """One link in context."""

    document: Extraction
    footnote: int | None
    link: Link
    check: LinkCheck
    verdict: Verdict
    match: Match | None = None
    visible_check: LinkCheck | None = None

    @property
    def drifted(self) -> bool:
        return self.match is not None and self.match.verdict is MatchVerdict.DRIFT

    @property
    def path(self) -> str:
        """The document's path, safe to show (a file name can hold escapes too)."""
        return clean(self.document.path)

    @property
    def rule(self) -> str:
        """A stable rule id: the status, `wrapped` for a live link whose written form is damaged,
        `mismatch` for a live link whose visible URL is another URL, or `drift` for a working page
        that shows something other than the cited work."""
        if self.check.status in (Status.OK, Status.UNCHECKED) and self.link.repair is not None:
            return "wrapped"
        if self.check.status in (Status.OK, Status.UNCHECKED) and self.link.visible is not None:
            return "mismatch"
        if self.drifted and self.check.status.works:
            return "drift"
        return self.check.status.value

    @property
    def message(self) -> str:
        """One line a person can act on."""
        where = f"footnote {self.footnote}: " if self.footnote is not None else ""
        text = f"{where}{clean(self.link.url)} is {self.check.status.value}"
        if self.check.detail:
            text += f" ({clean(self.check.detail)})"
        repair = self.link.repair
        if repair is not None and self.link.url != self.link.written:
            how = f"confirmed by the {repair.confirmed_by.value}" if repair.confirmed_by else "a proposal"
            if repair.confirmed_by is not None and repair.confirmed_by.value == "live":
                how = "confirmed live"
            text += f"; the document writes {clean(self.link.written)}: change it to this URL ({how})"
        if self.link.visible is not None:
            text += f"; {mismatch_note(self.link, self.visible_check)}"
        if self.drifted and self.match is not None:
            text += f"; {drift_note(self.match)}"
        return text


def mismatch_note(link: Link, visible: LinkCheck | None) -> str:
    """What the reader sees instead of the link's target, and what that visible URL answers."""
    status = f" (which is {visible.status.value})" if visible is not None else ""
    return (
        f"the reader sees {clean(link.visible or '')}{status}, but the link goes to {clean(link.url)}: "
        "show the URL it links, or link the URL it shows"
    )


def drift_note(m: Match) -> str:
    """What a drifted page shows instead of the cited work, and whether the archive holds it."""
    text = f"the page shows “{clean(m.page_title or '')}”, not the cited “{clean(m.cited_title or '')}”"
    if m.archive_verdict is MatchVerdict.MATCH:
        text += " (the archived copy holds the cited work: cite it)"
    elif m.archive_verdict is not None:
        text += " (the archived copy does not show it either)"
    return text


def findings(results: Results) -> Iterator[Finding]:
    """Every link of every document, in order, with its verdict."""
    for e in results.extractions:
        for fn in e.footnotes:
            for link in fn.links:
                yield _finding(results, e, fn.number, link)
        for link in e.unnumbered_links:
            yield _finding(results, e, None, link)


def _finding(results: Results, e: Extraction, footnote: int | None, link: Link) -> Finding:
    return Finding(
        e,
        footnote,
        link,
        results.check(link),
        results.verdict(link),
        results.match(link),
        results.visible_check(link),
    )
