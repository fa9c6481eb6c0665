"""Reports: one module per output format, each a pure function from results to a string.

`Results` is what every format renders: the extractions plus what checking and archiving
found for each URL. Offline (`extract`) every link is `unchecked` with no archive.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from citecheck.models import Extraction, Link, LinkCheck, Match, SaveResult, Snapshot, Status
from citecheck.verdict import Policy, Verdict


def utc_stamp(when: dt.datetime) -> str:
    """A moment as every report writes it: ISO 8601 in UTC, to the second (`2025-04-15T12:00:00Z`)."""
    return when.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


@dataclass(frozen=True, slots=True)
class Results:
    """Everything a report shows."""

    extractions: Sequence[Extraction]
    checked_at: dt.datetime
    checks: Mapping[str, LinkCheck] = field(default_factory=dict)
    archives: Mapping[tuple[str, dt.date | None], Snapshot | None] = field(default_factory=dict)
    policy: Policy = field(default_factory=Policy)
    unchecked_detail: str = "not checked"
    saves: Mapping[str, SaveResult] = field(default_factory=dict)
    archive_requests: Mapping[str, int] = field(default_factory=dict)
    archive_looked_up: bool = False
    matches: Mapping[Link, Match] = field(default_factory=dict)
    config: str | None = None
    """The configuration file the run used (None: none, or the run reads no configuration)."""
    hosts_given_up: Mapping[str, int] = field(default_factory=dict)
    """Hosts whose remaining links were not requested (`--host-timeouts`), with their timeouts."""
    time_limit: float | None = None
    """The `--max-time` that cut the run short (None: it finished within any limit)."""

    def check(self, link: Link) -> LinkCheck:
        """What checking found for a link's URL (unchecked when it was not checked)."""
        found = self.checks.get(link.url)
        return found if found is not None else LinkCheck(Status.UNCHECKED, detail=self.unchecked_detail)

    def visible_check(self, link: Link) -> LinkCheck | None:
        """What checking found for a mismatched link's visible URL (None: the link is no mismatch)."""
        if link.visible is None:
            return None
        found = self.checks.get(link.visible)
        return found if found is not None else LinkCheck(Status.UNCHECKED, detail=self.unchecked_detail)

    def archive(self, link: Link) -> Snapshot | None:
        """The capture chosen for a link (by its URL and the date its lookup used)."""
        return self.archives.get(link.archive_key)

    def match(self, link: Link) -> Match | None:
        """Whether the link's page is the cited work (None: not judged, e.g. offline)."""
        return self.matches.get(link)

    def verdict(self, link: Link) -> Verdict:
        return self.policy.judge(link, self.check(link), self.match(link))

    def all_links(self) -> list[Link]:
        return [link for e in self.extractions for link in e.links()]

    def failing(self) -> int:
        return sum(1 for link in self.all_links() if self.verdict(link) is Verdict.FAIL)
