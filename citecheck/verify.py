"""Live evidence applied to extractions: which URL each citation really means, and what it answers.

A repaired link is confirmed live by the first candidate that answers 2xx (possibly after
redirects); if only the written URL works, the written URL was right and the proposal is dropped;
if nothing works, the best proposal stays, unconfirmed. A suspect (a low-confidence alternative)
is tried only when the written URL is dead; so are the other readings of the line breaks at the
URL's end (`Link.readings`), first, as a URL cut or joined at the wrong break fails whatever
its hyphens. No I/O here: the check function is passed in.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Awaitable, Callable, Iterable, Mapping, Sequence

from citecheck.models import Confirmation, Extraction, Link, LinkCheck, Repair, RepairKind, Status
from citecheck.urls import meant

MAX_LIVE_CANDIDATES = 4
"""Candidates checked live per damaged link, besides the written form."""

CheckMany = Callable[[list[str]], Awaitable[dict[str, LinkCheck]]]


def works(check: LinkCheck | None) -> bool:
    return check is not None and check.status.works


def _fails(check: LinkCheck | None) -> bool:
    return check is not None and check.status in (Status.DEAD, Status.SOFT_404)


def first_pass(links: Iterable[Link]) -> list[str]:
    """What to check first: every link's URL, the written form of every repaired one, and the
    visible URL of every mismatched one (a reader of the printed page can only follow that)."""
    urls: list[str] = []
    for link in links:
        urls.append(link.url)
        if link.repair is not None:
            urls.append(meant(link.written))
        if link.visible is not None:
            urls.append(link.visible)
    return list(dict.fromkeys(urls))


def second_pass(links: Iterable[Link], checks: Mapping[str, LinkCheck]) -> list[str]:
    """Then: the other candidates of repairs the first pass did not confirm, and suspects of dead links."""
    urls: list[str] = []
    for link in links:
        if link.readings and _fails(checks.get(link.url)):
            urls += link.readings[:MAX_LIVE_CANDIDATES]
        if link.repair is not None and not works(checks.get(link.url)):
            urls += link.repair.candidates[1:MAX_LIVE_CANDIDATES]
        elif link.repair is None and link.suspects and _fails(checks.get(link.url)):
            urls += link.suspects[:MAX_LIVE_CANDIDATES]
    return [u for u in dict.fromkeys(urls) if u not in checks]


def resolve(link: Link, checks: Mapping[str, LinkCheck]) -> Link:
    """The link as the live evidence shows it."""
    if link.readings and _fails(checks.get(link.url)) and not _confirmed(link, checks):
        for reading in link.readings[:MAX_LIVE_CANDIDATES]:
            if works(checks.get(reading)):
                found = Repair(
                    RepairKind.LINE_WRAP,
                    (reading,),
                    (f"{link.written} → {reading} (read across the line break, found live)",),
                    Confirmation.LIVE,
                )
                return dataclasses.replace(link, url=reading, repair=found)
    repair = link.repair
    if repair is not None:
        for candidate in repair.candidates[:MAX_LIVE_CANDIDATES]:
            if works(checks.get(candidate)):
                ordered = (candidate, *[c for c in repair.candidates if c != candidate])
                confirmed = dataclasses.replace(repair, candidates=ordered, confirmed_by=Confirmation.LIVE)
                return dataclasses.replace(link, url=candidate, repair=confirmed)
        if works(checks.get(meant(link.written))):
            return dataclasses.replace(link, url=meant(link.written), repair=None)
        return link
    if link.suspects and _fails(checks.get(link.url)):
        for suspect in link.suspects[:MAX_LIVE_CANDIDATES]:
            if works(checks.get(suspect)):
                found = Repair(
                    RepairKind.LINE_WRAP,
                    (suspect,),
                    (f"{link.written} → {suspect} (found live)",),
                    Confirmation.LIVE,
                )
                return dataclasses.replace(link, url=suspect, repair=found)
    return link


def _confirmed(link: Link, checks: Mapping[str, LinkCheck]) -> bool:
    """Whether a repair candidate or the written URL works: then the reading was right."""
    tried = (*link.repair.candidates[:MAX_LIVE_CANDIDATES], meant(link.written)) if link.repair else ()
    return any(works(checks.get(url)) for url in tried)


def apply(extraction: Extraction, checks: Mapping[str, LinkCheck]) -> Extraction:
    """An extraction with every link resolved by the checks."""
    footnotes = tuple(
        dataclasses.replace(fn, links=tuple(resolve(lk, checks) for lk in fn.links))
        for fn in extraction.footnotes
    )
    unnumbered = tuple(resolve(lk, checks) for lk in extraction.unnumbered_links)
    return dataclasses.replace(extraction, footnotes=footnotes, unnumbered_links=unnumbered)


async def verify(
    extractions: Sequence[Extraction], check_many: CheckMany
) -> tuple[list[Extraction], dict[str, LinkCheck]]:
    """Check every link (and the repair candidates it needs), and resolve each link."""
    links = [link for e in extractions for link in e.links()]
    checks = dict(await check_many(first_pass(links)))
    more = second_pass(links, checks)
    if more:
        checks.update(await check_many(more))
    return [apply(e, checks) for e in extractions], checks


def needs_archive_proof(link: Link) -> bool:
    """A repair the live web did not confirm (dead, blocked, unreachable) and the document did not either."""
    return link.repair is not None and link.repair.confirmed_by is None


def archive_candidates(link: Link) -> tuple[str, ...]:
    """The spellings to look up in the archive for an unconfirmed repair (bounded, best first)."""
    return link.repair.candidates[:MAX_LIVE_CANDIDATES] if link.repair else ()


def confirmed_by_archive(link: Link, url: str) -> Link:
    """The link once the archive shows which spelling existed."""
    repair = link.repair or Repair(RepairKind.LINE_WRAP, (), ())
    edits = repair.edits if url in repair.candidates else (*repair.edits, f"the archive holds it as {url}")
    proven = Repair(
        repair.kind, (url, *[c for c in repair.candidates if c != url]), edits, Confirmation.ARCHIVE
    )
    return dataclasses.replace(link, url=url, repair=proven)


def replace_links(extraction: Extraction, new: Mapping[int, Link]) -> Extraction:
    """An extraction with some links (by their position in `extraction.links()`) replaced."""
    position = iter(range(len(extraction.links())))

    def pick(link: Link) -> Link:
        return new.get(next(position), link)

    footnotes = tuple(
        dataclasses.replace(fn, links=tuple(pick(lk) for lk in fn.links)) for fn in extraction.footnotes
    )
    unnumbered = tuple(pick(lk) for lk in extraction.unnumbered_links)
    return dataclasses.replace(extraction, footnotes=footnotes, unnumbered_links=unnumbered)


def with_archive_dates(extraction: Extraction) -> Extraction:
    """Every link with the date its archive lookup uses: its citation's own, else the document's."""
    when = extraction.date
    links = enumerate(extraction.links())
    dated = {i: dataclasses.replace(lk, archive_date=lk.accessed or when) for i, lk in links}
    return replace_links(extraction, dated)
