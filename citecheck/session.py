"""One `verify` run at the I/O edge: the client, the cache and the checker, put together. I/O.

Pure stages (extract, verify's decisions, reports) stay pure; this module owns the resources
they need for a run and closes them. Successes come from the cache when fresh and go back into it;
errors are never cached, so they are always checked again.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from citecheck.cache import ResultCache, open_cache
from citecheck.check import Checker, CheckOptions
from citecheck.errors import NoNetworkError
from citecheck.models import Extraction, LinkCheck, Status
from citecheck.net import Client, NetOptions, host_key
from citecheck.verify import first_pass, verify

CACHED_STATUSES = frozenset({Status.OK, Status.REDIRECTED})


@dataclass(frozen=True, slots=True)
class Settings:
    """Everything a verify run needs to know besides the documents."""

    net: NetOptions = field(default_factory=NetOptions)
    check: CheckOptions = field(default_factory=CheckOptions)
    use_cache: bool = True
    cache_dir: Path | None = None
    cache_max_age: dt.timedelta = dt.timedelta(days=1)


@dataclass
class Progress:
    """Callbacks for a progress display: more work announced, one URL done."""

    add: Callable[[int], None] = lambda n: None
    done: Callable[[str, LinkCheck], None] = lambda url, check: None


@dataclass
class RunResult:
    extractions: list[Extraction]
    checks: dict[str, LinkCheck]
    warnings: list[str]
    requests: int


def _to_cache(check: LinkCheck) -> dict[str, object]:
    return {
        "status": check.status.value,
        "http_status": check.http_status,
        "final_url": check.final_url,
        "detail": check.detail,
    }


def _from_cache(value: dict[str, object]) -> LinkCheck | None:
    try:
        status = Status(str(value["status"]))
        code = value.get("http_status")
        final = value.get("final_url")
        return LinkCheck(
            status,
            int(code) if isinstance(code, int) else None,
            str(final) if final is not None else None,
            f"{value.get('detail', '')} (cached)",
        )
    except (KeyError, ValueError):
        return None


async def run_verify(
    extractions: Sequence[Extraction], settings: Settings, progress: Progress | None = None
) -> RunResult:
    """Check every link of the extractions live, with the cache, and resolve repairs."""
    progress = progress or Progress()
    cache: ResultCache | None = open_cache(settings.cache_dir) if settings.use_cache else None
    warnings: list[str] = []
    async with Client(settings.net) as client:
        checker = Checker(client, settings.check)

        async def check_many(urls: list[str]) -> dict[str, LinkCheck]:
            found: dict[str, LinkCheck] = {}
            if cache is not None:
                for url, value in cache.get_many("check", urls).items():
                    if (hit := _from_cache(value)) is not None:
                        found[url] = hit
            todo = [u for u in urls if u not in found]
            progress.add(len(urls))
            for url, hit in found.items():
                progress.done(url, hit)
            fresh = await checker.check_many(todo, progress.done)
            if cache is not None:
                good = {u: _to_cache(c) for u, c in fresh.items() if c.status in CACHED_STATUSES}
                cache.put_many("check", good, settings.cache_max_age)
                cache.forget("check", [u for u, c in fresh.items() if c.status not in CACHED_STATUSES])
            return found | fresh

        try:
            resolved, checks = await verify(extractions, check_many)
        finally:
            if cache is not None:
                warnings += cache.warnings
                cache.close()
        _refuse_if_offline(first_pass(link for e in extractions for link in e.links()), checker)
        return RunResult(resolved, checks, warnings, client.requests_sent)


def _refuse_if_offline(urls: list[str], checker: Checker) -> None:
    """No network at all: every host we tried failed below HTTP. Say so rather than call links dead."""
    tried = [u for u in urls if u.lower().startswith(("http://", "https://"))]
    failed = [checker.failures[u] for u in tried if u in checker.failures]
    answered = [u for u in tried if u not in checker.failures]
    if failed and not answered and all(f.network_level for f in failed):
        hosts = {host_key(f.url) for f in failed}
        raise NoNetworkError(
            f"no network: none of the {len(hosts)} host{'s' if len(hosts) != 1 else ''} could be reached "
            f"({failed[0].detail}); nothing was reported dead"
        )
