"""Source matching for a verify run: each footnoted link's page against the work its citation
names, and, for a page that drifted, its archived capture. Network I/O only through
`archive.Wayback` (one raw playback request per drifted link that has a capture).

The live page's metadata comes from the bytes the link check already read (`LinkCheck.page`), so
matching the live web costs no request. A drifted page is worth one more: if the capture nearest
the cited date shows the cited work, the archive holds what was cited and the report says so.
"""

from __future__ import annotations

import asyncio
import dataclasses
import datetime as dt
from collections.abc import Mapping, Sequence

from citecheck.archive import Wayback
from citecheck.cited import CitedWork, cited_work
from citecheck.match import judge
from citecheck.models import Extraction, Link, LinkCheck, Match, MatchVerdict, Snapshot, Status
from citecheck.net import Failure
from citecheck.pagemeta import from_response

NOT_JUDGED = {
    Status.BLOCKED: "the server refused us",
    Status.SOFT_404: "the address shows an error page",
    Status.DEAD: "the page is gone",
    Status.BROKEN: "the page could not be fetched",
    Status.TIMEOUT: "the page did not answer in time",
}


def match_links(extractions: Sequence[Extraction], checks: Mapping[str, LinkCheck]) -> dict[Link, Match]:
    """A match for every footnoted link that was checked: judged when its page answered, else
    `unknown` with the reason (an unchecked link has none)."""
    found: dict[Link, Match] = {}
    for e in extractions:
        for fn in e.footnotes:
            for link in fn.links:
                check = checks.get(link.url)
                if check is None:
                    continue
                cited = cited_work(fn.text, link.written, link.anchor)
                if check.status.works:
                    found[link] = judge(cited, check.page)
                elif check.status in NOT_JUDGED:
                    reason = NOT_JUDGED[check.status]
                    found[link] = Match(MatchVerdict.UNKNOWN, None, cited.title, None, reason, cited.date)
    return found


async def recheck_in_archive(
    matches: Mapping[Link, Match],
    archives: Mapping[tuple[str, dt.date | None], Snapshot | None],
    wayback: Wayback,
) -> dict[Link, Match]:
    """Drifted links with a capture, judged again against the capture (each capture fetched once)."""
    todo: dict[str, Snapshot] = {}
    for link, m in matches.items():
        snap = archives.get(link.archive_key)
        if m.verdict is MatchVerdict.DRIFT and snap is not None:
            todo[snap.url] = snap
    pages = dict(
        zip(todo, await asyncio.gather(*(wayback.capture_page(s) for s in todo.values())), strict=True)
    )
    out = dict(matches)
    for link, m in matches.items():
        snap = archives.get(link.archive_key)
        if m.verdict is not MatchVerdict.DRIFT or snap is None:
            continue
        answer = pages[snap.url]
        if isinstance(answer, Failure) or not 200 <= answer.status < 300:
            continue
        complete = len(answer.body) < wayback.client.options.max_body
        page = from_response(answer.body, answer.header("content-type"), complete=complete)
        if page is None:
            continue
        again = judge(CitedWork(m.cited_title, date=m.cited_date), page)
        out[link] = dataclasses.replace(
            m, archive_verdict=again.verdict, archive_title=again.page_title, archive_url=snap.url
        )
    return out
