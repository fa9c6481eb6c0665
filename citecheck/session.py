"""One `verify` run at the I/O edge: the client, the cache, the checker and the archive. I/O.

Pure stages (extract, verify's decisions, reports) stay pure; this module owns the resources a run
needs and closes them. Archive lookups start with the live checks and run alongside them, so a
letter's time is not the sum of both. Successes and found captures go into the cache; errors are
never cached, and "no capture" is kept for a day only.

Bounds (issue 12): `--max-time` is a `Budget` from the start of the network work; links not checked
when it runs out are `timeout` and archive work not done is skipped, with a warning. "No network"
is said only when a probe that does not depend on the cited hosts (the archive's address, or
`probe_url`) fails too: a document whose only host is gone is reported `dead`, not offline.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import re
import time
from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from citecheck import pagemeta
from citecheck.archive import ArchiveOptions, Wayback, parse_timestamp, wayback_timestamp
from citecheck.budget import Budget
from citecheck.cache import ResultCache, open_cache
from citecheck.check import Checker, CheckOptions
from citecheck.config import Config, guard_policy
from citecheck.credentials import mask, secret_parameters
from citecheck.drift import match_links, recheck_in_archive
from citecheck.errors import NoNetworkError
from citecheck.models import Extraction, Link, LinkCheck, Match, SaveResult, Snapshot, Status
from citecheck.net import Client, Clock, Failure, FailureKind, NetOptions, Sleep, host_key, origin
from citecheck.verify import (
    apply,
    archive_candidates,
    confirmed_by_archive,
    first_pass,
    needs_archive_proof,
    replace_links,
    verify,
    with_archive_dates,
)

NO_CAPTURE_MAX_AGE = dt.timedelta(days=1)
ArchiveKey = tuple[str, dt.date | None]


@dataclass(frozen=True, slots=True)
class Settings:
    """Everything a verify run needs to know besides the documents."""

    net: NetOptions = field(default_factory=NetOptions)
    check: CheckOptions = field(default_factory=CheckOptions)
    archive: ArchiveOptions | None = field(default_factory=ArchiveOptions)
    save: bool = False
    use_cache: bool = True
    cache_dir: Path | None = None
    cache_max_age: dt.timedelta = dt.timedelta(days=1)
    include: tuple[re.Pattern[str], ...] = ()
    exclude: tuple[re.Pattern[str], ...] = ()
    """URL patterns, compiled when the configuration was read (config.patterns)."""
    max_time: float | None = None
    """Seconds the network work may take (None: no limit)."""
    probe_url: str | None = None
    """Asked before a run is called "no network" (None: no probe; the CLI gives the archive's address)."""
    clock: Clock = time.monotonic
    sleep: Sleep = asyncio.sleep
    """The clock every pacing wait of the run reads and sleeps on (hosts' intervals, Retry-After,
    the archive's budgets): one for the whole run, so a test passes a fake one and waits for nothing.
    `max_time` stays on the event loop's real clock: it is the user's wall-clock limit."""


def settings_from(
    config: Config,
    environ: Mapping[str, str],
    *,
    archive: bool = True,
    save: bool = False,
    cache: bool = True,
) -> Settings:
    """A verify run's settings from the configuration and the environment (the archive's keys,
    the network guard's CI default): the one place the command line's choices become a run's.
    `archive`, `save`, `cache`: the switches `--no-archive`, `--save` and `--no-cache` set."""
    hosts = config.hosts
    probe = config.probe_url or config.wayback_url
    wayback = ArchiveOptions(
        base_url=config.wayback_url,
        access_key=environ.get("IA_ACCESS_KEY") or None,
        secret_key=environ.get("IA_SECRET_KEY") or None,
    )
    return Settings(
        net=NetOptions(
            timeout=config.timeout,
            max_concurrency=config.max_concurrency,
            max_per_host=config.max_per_host,
            min_interval=config.min_interval,
            user_agent=config.user_agent,
            host_limits={h: c.max_per_host for h, c in hosts.items() if c.max_per_host is not None},
            host_headers={h: dict(c.headers) for h, c in hosts.items() if c.headers},
            guard=guard_policy(config, environ),
            trusted_origins=frozenset({origin(config.wayback_url), origin(probe)}),  # the user's choices
        ),
        check=CheckOptions(
            retries=config.retries,
            accept={h: c.accept for h, c in hosts.items() if c.accept},
            host_timeouts=config.host_timeouts,
        ),
        archive=wayback if archive else None,
        save=save and archive,
        use_cache=cache,
        cache_max_age=dt.timedelta(hours=config.cache_max_age),
        include=config.include,
        exclude=config.exclude,
        max_time=config.max_time,
        probe_url=probe,
    )


@dataclass
class Progress:
    """Callbacks for a progress display: more work announced, one piece of it done."""

    add: Callable[[int], None] = lambda n: None
    done: Callable[[str], None] = lambda what: None


@dataclass
class RunResult:
    extractions: list[Extraction]
    checks: dict[str, LinkCheck]
    archives: dict[ArchiveKey, Snapshot | None]
    saves: dict[str, SaveResult]
    archive_requests: dict[str, int]
    warnings: list[str]
    requests: int
    matches: dict[Link, Match] = field(default_factory=dict)
    hosts_given_up: dict[str, int] = field(default_factory=dict)
    """Hosts whose remaining links were not requested, with how many of their URLs timed out."""
    time_limit_reached: bool = False


def _to_cache(check: LinkCheck) -> dict[str, object]:
    return {
        "status": check.status.value,
        "http_status": check.http_status,
        "final_url": check.final_url,
        "detail": check.detail,
        "page": pagemeta.to_json(check.page),
    }


def _from_cache(value: dict[str, object]) -> LinkCheck | None:
    if "page" not in value:
        return None  # kept before pages were read: check again, or matching would be skipped
    try:
        status = Status(str(value["status"]))
        code = value.get("http_status")
        final = value.get("final_url")
        return LinkCheck(
            status,
            int(code) if isinstance(code, int) else None,
            str(final) if final is not None else None,
            f"{value.get('detail', '')} (cached)",
            pagemeta.from_json(value["page"]),
        )
    except (KeyError, ValueError):
        return None


def _excluded(url: str, settings: Settings) -> bool:
    """Configured include/exclude URL patterns (regular expressions searched in the URL)."""
    if settings.include and not any(p.search(url) for p in settings.include):
        return True
    return any(p.search(url) for p in settings.exclude)


def _is_web(url: str) -> bool:
    return url.lower().startswith(("http://", "https://"))


def _cache_key(url: str, when: dt.date | None) -> str:
    return f"{when.isoformat() if when else '-'} {url}"


class _Lookups:
    """Archive lookups for (URL, date used) pairs (`Link.archive_key`), each started once, through
    the cache."""

    def __init__(
        self, wayback: Wayback, cache: ResultCache | None, progress: Progress, budget: Budget
    ) -> None:
        self.wayback, self.cache, self.progress, self.budget = wayback, cache, progress, budget
        self.tasks: dict[ArchiveKey, asyncio.Task[Snapshot | Failure | None]] = {}

    def start(self, url: str, when: dt.date | None) -> None:
        """Look `url` up by `when`, the date the lookup uses, which is also its key (two documents
        of different dates citing one undated URL are two lookups)."""
        key = (url, when)
        if key not in self.tasks and _is_web(url):
            self.progress.add(1)
            skipped = Failure(url, FailureKind.MAX_TIME, self.budget.detail)
            self.tasks[key] = asyncio.ensure_future(self.budget.within(self._one(url, when), skipped))

    async def get(self, url: str, when: dt.date | None) -> Snapshot | Failure | None:
        self.start(url, when)
        return await self.tasks[(url, when)] if (url, when) in self.tasks else None

    async def _one(self, url: str, when: dt.date | None) -> Snapshot | Failure | None:
        key = _cache_key(url, when)
        if self.cache is not None:
            hit = self.cache.get_many("archive", [key]).get(key)
            if isinstance(hit, dict):
                self.progress.done(url)
                if hit.get("none"):
                    return None
                return Snapshot(str(hit["url"]), parse_timestamp(str(hit["timestamp"])))
        found = await self.wayback.best(url, when)
        if found is None and self.cache is not None:
            self.cache.put_many("archive", {key: {"none": True}}, NO_CAPTURE_MAX_AGE)
        elif isinstance(found, Snapshot):
            self.remember(url, when, found)
        self.progress.done(url)
        return found

    def remember(self, url: str, when: dt.date | None, found: Snapshot) -> None:
        """Keep a capture for good (one found, or one Save Page Now just made)."""
        if self.cache is not None:
            stamp = wayback_timestamp(found.timestamp)
            self.cache.put_many(
                "archive", {_cache_key(url, when): {"url": found.url, "timestamp": stamp}}, None
            )

    async def results(self) -> tuple[dict[ArchiveKey, Snapshot | None], int, int]:
        """Every lookup's snapshot (None when none, or when the lookup failed or was skipped), the
        failures, and the lookups the time limit skipped."""
        done = dict(zip(self.tasks, await asyncio.gather(*self.tasks.values()), strict=True))
        skipped = sum(1 for v in done.values() if isinstance(v, Failure) and v.kind == FailureKind.MAX_TIME)
        failed = sum(1 for v in done.values() if isinstance(v, Failure)) - skipped
        return {k: (None if isinstance(v, Failure) else v) for k, v in done.items()}, failed, skipped


async def run_verify(
    extractions: Sequence[Extraction], settings: Settings, progress: Progress | None = None
) -> RunResult:
    """Check every link of the extractions live and in the archive, with the cache; settle repairs."""
    progress = progress or Progress()
    extractions = [with_archive_dates(e) for e in extractions]
    cache: ResultCache | None = open_cache(settings.cache_dir) if settings.use_cache else None
    warnings: list[str] = []
    budget = Budget(settings.max_time)
    try:
        async with Client(settings.net, clock=settings.clock, sleep=settings.sleep) as client:
            checker = Checker(client, settings.check)
            wayback = (
                Wayback(client, settings.archive, settings.clock, settings.sleep)
                if settings.archive is not None
                else None
            )
            lookups = _Lookups(wayback, cache, progress, budget) if wayback is not None else None

            async def check_many(urls: list[str]) -> dict[str, LinkCheck]:
                return await _check_many(urls, checker, cache, settings, progress, budget)

            if lookups is not None:
                for e in extractions:
                    for link in e.links():
                        lookups.start(*link.archive_key)
            resolved, checks = await verify(extractions, check_many)
            if lookups is not None and wayback is not None:
                await asyncio.gather(*lookups.tasks.values())
            urls = first_pass(lk for e in extractions for lk in e.links())
            await budget.within(_refuse_if_offline(urls, checker, wayback, settings.probe_url), None)

            archives: dict[ArchiveKey, Snapshot | None] = {}
            saves: dict[str, SaveResult] = {}
            if lookups is not None and wayback is not None:
                resolved, archives, saves = await _archive_stage(
                    resolved, checks, check_many, lookups, settings, warnings
                )
            matches = match_links(resolved, checks)
            if wayback is not None:
                matches = await budget.within(recheck_in_archive(matches, archives, wayback), matches)
            if budget.reached:
                warnings.append(_over_time(budget, checks))
            return RunResult(
                resolved,
                checks,
                archives,
                saves,
                dict(wayback.requests) if wayback else {},
                warnings,
                client.requests_sent,
                matches,
                checker.give_up.hosts(),
                budget.reached,
            )
    finally:
        budget.close()
        if cache is not None:
            warnings += cache.warnings
            cache.close()


async def _archive_stage(
    resolved: list[Extraction],
    checks: dict[str, LinkCheck],
    check_many: Callable[[list[str]], Awaitable[dict[str, LinkCheck]]],
    lookups: _Lookups,
    settings: Settings,
    warnings: list[str],
) -> tuple[list[Extraction], dict[ArchiveKey, Snapshot | None], dict[str, SaveResult]]:
    """Repairs proven by the archive, every link's capture, and Save Page Now for the missing."""
    wayback, budget = lookups.wayback, lookups.budget
    resolved = [await _prove_by_archive(e, wayback, lookups) for e in resolved]
    new = [lk.url for e in resolved for lk in e.links() if lk.url not in checks and _is_web(lk.url)]
    if new:
        checks.update(await check_many(new))
        resolved = [apply(e, checks) for e in resolved]
    for e in resolved:
        for link in e.links():
            lookups.start(*link.archive_key)
    archives, failed, skipped = await lookups.results()
    if failed:
        warnings.append(f"{failed} archive lookup(s) could not be completed (see the archive budgets)")
    if skipped:
        warnings.append(f"{skipped} archive lookup(s) skipped: --max-time {budget.seconds:g} s reached")
    saves: dict[str, SaveResult] = {}
    if settings.save:
        saves = await budget.within(_save_missing(resolved, archives, wayback, warnings), saves)
        for e in resolved:
            for link in e.links():
                snap = archives.get(link.archive_key)
                if link.url in saves and snap is not None:
                    lookups.remember(*link.archive_key, snap)
    return resolved, archives, saves


def _over_time(budget: Budget, checks: Mapping[str, LinkCheck]) -> str:
    """The warning of a run the time limit cut short."""
    cut = sum(1 for c in checks.values() if c.detail == budget.detail)
    return f"--max-time {budget.seconds:g} s reached: {cut} URL(s) not checked, reported as timeout"


async def _check_many(
    urls: list[str],
    checker: Checker,
    cache: ResultCache | None,
    settings: Settings,
    progress: Progress,
    budget: Budget,
) -> dict[str, LinkCheck]:
    found: dict[str, LinkCheck] = {}
    found.update(
        {
            u: LinkCheck(Status.UNCHECKED, detail="excluded by configuration")
            for u in urls
            if _excluded(u, settings)
        }
    )
    urls = [u for u in urls if u not in found]
    if cache is not None:
        for url, value in cache.get_many("check", urls).items():
            if (hit := _from_cache(value)) is not None:
                found[url] = hit
    todo = [u for u in urls if u not in found]
    progress.add(len(urls))
    for url in found:
        progress.done(url)
    cut = LinkCheck(Status.TIMEOUT, detail=budget.detail)

    async def one(url: str) -> tuple[str, LinkCheck]:
        result = await budget.within(checker.check(url), cut)
        progress.done(url)
        return url, result

    fresh = dict(await asyncio.gather(*(one(u) for u in dict.fromkeys(todo))))
    if cache is not None:
        good = {u: _to_cache(c) for u, c in fresh.items() if c.status.works}  # only a working page is cached
        cache.put_many("check", good, settings.cache_max_age)
        cache.forget("check", [u for u, c in fresh.items() if not c.status.works and c is not cut])
    return found | fresh


async def _prove_by_archive(extraction: Extraction, wayback: Wayback, lookups: _Lookups) -> Extraction:
    """Repairs the live web could not confirm, confirmed (or not) by the archive."""

    async def prove(link: Link) -> Link | None:
        for candidate in archive_candidates(link):
            if isinstance(await lookups.get(candidate, link.archive_date), Snapshot):
                return confirmed_by_archive(link, candidate)
        spelled = await lookups.budget.within(
            wayback.archived_spelling(link.written, archive_candidates(link)), None
        )
        return confirmed_by_archive(link, spelled) if isinstance(spelled, str) else None

    links = extraction.links()
    todo = [i for i, link in enumerate(links) if needs_archive_proof(link)]
    proven = await asyncio.gather(*(prove(links[i]) for i in todo))
    return replace_links(extraction, {i: p for i, p in zip(todo, proven, strict=True) if p is not None})


async def _save_missing(
    extractions: Sequence[Extraction],
    archives: dict[ArchiveKey, Snapshot | None],
    wayback: Wayback,
    warnings: list[str],
) -> dict[str, SaveResult]:
    """Ask Save Page Now for every cited URL the archive does not hold, within the capture budget.
    A URL with a secret-looking parameter is never submitted (a capture is public): a warning says so."""
    missing = list(
        dict.fromkeys(
            link.url
            for e in extractions
            for link in e.links()
            if _is_web(link.url) and archives.get(link.archive_key) is None
        )
    )
    for url in [u for u in missing if secret_parameters(u)]:
        missing.remove(url)
        names = ", ".join(secret_parameters(url))
        warnings.append(
            f"{mask(url)} was not submitted to Save Page Now: a capture is public, and its query holds "
            f"a secret-looking parameter ({names})"
        )
    outcomes = dict(zip(missing, await asyncio.gather(*(wayback.save(u) for u in missing)), strict=True))
    for (url, when), snap in list(archives.items()):
        outcome = outcomes.get(url)
        if snap is None and outcome is not None and outcome.snapshot is not None:
            archives[(url, when)] = outcome.snapshot
    return outcomes


async def _refuse_if_offline(
    urls: list[str], checker: Checker, wayback: Wayback | None, probe_url: str | None
) -> None:
    """No network at all: every host we tried failed below HTTP (the archive too, if we asked it),
    and so did the probe, which does not depend on the cited hosts. Say so rather than call links
    dead; while the probe answers, the hosts themselves are gone and their links are dead."""
    tried = [u for u in urls if _is_web(u)]
    failed = [checker.failures[u] for u in tried if u in checker.failures]
    answered = [u for u in tried if u not in checker.failures]
    archive_answered = wayback is not None and wayback.answered > 0
    if failed and not answered and not archive_answered and all(f.network_level for f in failed):
        probe = await checker.client.request("HEAD", probe_url, body=False) if probe_url else None
        if probe is not None and not isinstance(probe, Failure):
            return
        hosts = {host_key(f.url) for f in failed}
        asked = f", nor {host_key(probe_url)}" if probe_url else ""
        raise NoNetworkError(
            f"no network: none of the {len(hosts)} host{'s' if len(hosts) != 1 else ''} could be reached "
            f"({failed[0].detail}){asked}; nothing was reported dead"
        )
