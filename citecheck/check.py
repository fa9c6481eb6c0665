"""Checking links live: fetch each URL politely and say what was found. Network I/O (via `net.Client`).

Method: web pages are fetched with GET (streamed, body capped) because the title is what tells a
soft 404 from the page; URLs that name a file (`.pdf`, `.docx`, …) are asked with HEAD first and
fall back to GET when HEAD is refused or inconclusive. Redirects are followed here, hop by hop, so
the chain is kept and every hop passes the same per-host politeness. Timeouts, connection errors
and 5xx are retried with backoff and jitter; 429/503 with `Retry-After` pause the host (up to a
cap); a host that keeps refusing is reported, not waited on.
"""

from __future__ import annotations

import asyncio
import dataclasses
import datetime as dt
import email.utils
import random
import secrets
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from urllib.parse import urljoin, urlsplit

from citecheck import defaults
from citecheck.classify import Fetched, Hop, classify, needs_sibling_probe, reason, same_page
from citecheck.guard import bad_port
from citecheck.models import LinkCheck, Status
from citecheck.net import Client, Failure, FailureKind, Response, host_key, unrequestable
from citecheck.pagemeta import from_response

REDIRECTS = frozenset({301, 302, 303, 307, 308})
FILE_SUFFIXES = (
    ".pdf",
    ".zip",
    ".gz",
    ".tar",
    ".doc",
    ".docx",
    ".xls",
    ".xlsx",
    ".ppt",
    ".pptx",
    ".odt",
    ".epub",
    ".mp3",
    ".mp4",
    ".mov",
    ".avi",
    ".webm",
    ".jpg",
    ".jpeg",
    ".png",
    ".gif",
    ".csv",
)
HEAD_INCONCLUSIVE = frozenset({400, 403, 404, 405, 406, 409, 429, 500, 501, 502, 503})
RETRIED_FAILURES = frozenset(
    {
        FailureKind.TIMEOUT,
        FailureKind.RESET,
        FailureKind.PROTOCOL,
        FailureKind.REFUSED,
        FailureKind.UNREACHABLE,
    }
)


@dataclass(frozen=True, slots=True)
class CheckOptions:
    """Retries and limits of a link check."""

    retries: int = defaults.RETRIES
    backoff: float = 0.5
    max_retry_after: float = 60.0
    max_redirects: int = 10
    sibling_probe: bool = True
    accept: Mapping[str, frozenset[int]] = field(default_factory=dict)
    """Statuses a host's pages answer with that count as ok (a site known to answer 403 to bots)."""
    host_timeouts: int = 3
    """Different URLs of one host that may time out before the host is given up (0: never)."""


def failure_check(f: Failure) -> LinkCheck:
    """A request without an HTTP answer, as a contract status."""
    if f.kind == FailureKind.DNS:
        return LinkCheck(Status.DEAD, None, None, f.detail)
    if f.kind == FailureKind.TIMEOUT:
        return LinkCheck(Status.TIMEOUT, None, None, f.detail)
    if f.kind == FailureKind.RATE_LIMITED:
        return LinkCheck(Status.BLOCKED, 429, None, f.detail)
    if f.kind == FailureKind.EXCLUDED:
        return LinkCheck(Status.UNCHECKED, None, None, f.detail)
    return LinkCheck(Status.BROKEN, None, None, f.detail)


def malformed(url: str) -> str | None:
    """Why a cited URL or redirect target cannot be opened, or None: what the client's one gate
    (`net.unrequestable`) says, then the ports browsers refuse."""
    if (why := unrequestable(url)) is not None:
        return why
    port = urlsplit(url).port
    if bad_port(port):
        return f"port {port} belongs to another protocol; browsers refuse to open it"
    return None


def internal_error(err: Exception) -> str:
    """The detail of a link whose check met a bug of ours: named, so it can be reported."""
    return f"internal error while checking ({type(err).__name__}: {str(err)[:200]}); please report it"


def retry_after(value: str | None, now: dt.datetime | None = None) -> float | None:
    """Seconds a `Retry-After` header asks for (delta-seconds or an HTTP date), or None."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=dt.UTC)
    return max(0.0, (when - (now or dt.datetime.now(dt.UTC))).total_seconds())


def with_page(result: LinkCheck, fetched: Fetched, max_body: int) -> LinkCheck:
    """A working page's check, with the metadata its fetched bytes hold (no extra request)."""
    if not result.status.works or fetched.method != "GET":
        return result
    length = fetched.header("content-length")
    complete = len(fetched.body) < max_body or (
        length is not None and length.strip() == str(len(fetched.body))
    )
    page = from_response(fetched.body, fetched.header("content-type"), complete=complete)
    return dataclasses.replace(result, page=page) if page is not None else result


class Checker:
    """Checks URLs with one shared client; remembers per-host quirks for the run."""

    def __init__(
        self, client: Client, options: CheckOptions | None = None, rng: random.Random | None = None
    ) -> None:
        self.client = client
        self.options = options or CheckOptions()
        self.rng = rng or random.Random()
        self._head_unreliable: set[str] = set()
        self._rate_limited: dict[str, str] = {}
        self._probes: dict[str, asyncio.Task[Fetched | Failure]] = {}
        self.failures: dict[str, Failure] = {}
        self.give_up = HostGiveUp(client, self.options.host_timeouts)

    async def check_many(
        self, urls: Iterable[str], on_done: Callable[[str, LinkCheck], None] | None = None
    ) -> dict[str, LinkCheck]:
        """Check each distinct URL once, concurrently."""

        async def one(url: str) -> tuple[str, LinkCheck]:
            try:
                result = await self.check(url)
            except Exception as err:  # a bug met on one link is that link's outcome, never the run's end
                result = LinkCheck(Status.BROKEN, None, None, internal_error(err))
            if on_done is not None:
                on_done(url, result)
            return url, result

        return dict(await asyncio.gather(*(one(u) for u in dict.fromkeys(urls))))

    async def check(self, url: str) -> LinkCheck:
        """What one URL answers now."""
        scheme = url.split(":", 1)[0].lower() if ":" in url else ""
        if scheme not in ("http", "https"):
            return LinkCheck(Status.UNCHECKED, None, None, f"not an http(s) URL ({scheme or 'no scheme'})")
        if (problem := malformed(url)) is not None:
            return LinkCheck(Status.BROKEN, None, None, f"malformed URL: {problem}")
        fetched = await self.fetch(url)
        if isinstance(fetched, Failure):
            self.failures[url] = fetched
            return failure_check(fetched)
        accepted = self.options.accept.get(host_key(url), frozenset())
        if fetched.status in accepted:
            return LinkCheck(
                Status.OK,
                fetched.status,
                fetched.final_url,
                f"{reason(fetched.status)} (accepted for this host by configuration)",
            )
        if fetched.status == 503 and (limited := self._rate_limited.get(host_key(url))):
            # down "for a day": the server asked us to stay away; the page may well exist
            return LinkCheck(Status.BLOCKED, 503, fetched.final_url, limited)
        result = with_page(classify(fetched), fetched, self.client.options.max_body)
        if result.status is Status.BLOCKED and (limited := self._rate_limited.get(host_key(url))):
            return dataclasses.replace(result, detail=limited)
        if self.options.sibling_probe and needs_sibling_probe(fetched, result):
            probe = await self._sibling(fetched)
            if isinstance(probe, Fetched) and 200 <= probe.status < 300 and same_page(fetched, probe):
                return LinkCheck(
                    Status.SOFT_404,
                    fetched.status,
                    fetched.final_url,
                    "a made-up address on the same site shows the same page (soft 404)",
                )
        return result

    async def fetch(self, url: str) -> Fetched | Failure:
        """Fetch with retries: HEAD for files where the host handles it, else GET."""
        host = host_key(url)
        method = "HEAD" if self._wants_head(url) else "GET"
        outcome: Fetched | Failure = Failure(url, FailureKind.PROTOCOL, "not fetched")
        for attempt in range(self.options.retries + 1):
            if host in self._rate_limited:
                return Failure(url, FailureKind.RATE_LIMITED, self._rate_limited[host])
            if attempt and self.give_up.reason(host) is not None:
                break  # the host hangs: keep what the last try found, try no more
            outcome = await self._follow(url, method)
            refused = isinstance(outcome, Failure) and outcome.kind == FailureKind.EXCLUDED
            if (
                method == "HEAD"
                and not refused
                and (isinstance(outcome, Failure) or outcome.status in HEAD_INCONCLUSIVE)
            ):
                self._head_unreliable.add(host)
                method = "GET"
                outcome = await self._follow(url, method)
            if not await self._should_retry(url, outcome, attempt):
                break
        return outcome

    def _wants_head(self, url: str) -> bool:
        path = urlsplit(url).path.lower()
        return path.endswith(FILE_SUFFIXES) and host_key(url) not in self._head_unreliable

    async def _should_retry(self, url: str, outcome: Fetched | Failure, attempt: int) -> bool:
        """Decide on a retry, waiting as asked (per host) or backing off with jitter."""
        last = attempt >= self.options.retries
        if isinstance(outcome, Failure):
            if outcome.kind not in RETRIED_FAILURES or last or self.give_up.reason(host_key(url)):
                return False
            await self.client.sleep(self._backoff(attempt))
            return True
        if outcome.status != 429 and outcome.status < 500:
            return False
        wait = retry_after(outcome.header("retry-after"))
        if wait is not None and wait > self.options.max_retry_after:
            self._rate_limited[host_key(url)] = (
                f"{reason(outcome.status)}: the host asks us to wait {wait:.0f} s "
                f"(more than the {self.options.max_retry_after:.0f} s cap); not retried"
            )
            return False
        if last:
            if outcome.status == 429:
                self._rate_limited[host_key(url)] = (
                    f"{reason(429)}: still rate-limited after {attempt + 1} tries"
                )
            return False
        if wait is not None or outcome.status == 429:
            self.client.pause_host(url, wait if wait is not None else self._backoff(attempt))  # asked to
        else:
            await self.client.sleep(self._backoff(attempt))  # one page failing: back off for it alone
        return True

    def _backoff(self, attempt: int) -> float:
        return float(self.options.backoff * 2.0**attempt * self.rng.uniform(0.5, 1.5))

    async def _follow(self, url: str, method: str) -> Fetched | Failure:
        """One request and its redirects, up to the limit, keeping the chain."""
        hops: list[Hop] = []
        current, seen = url, {url}
        for _ in range(self.options.max_redirects + 1):
            answer: Response | Failure = await self.give_up.request(method, current)
            if isinstance(answer, Failure):
                if hops and answer.kind == FailureKind.EXCLUDED:
                    why = answer.detail.removeprefix("excluded: ")
                    return Failure(
                        url, FailureKind.EXCLUDED, f"excluded: a redirect leads to {current[:80]}: {why}"
                    )
                return answer
            location = answer.header("location")
            if answer.status not in REDIRECTS or not location:
                return Fetched(url, answer.status, current, answer.headers, tuple(hops), answer.body, method)
            try:
                target = urljoin(current, location.strip())
            except ValueError as err:
                return Failure(url, FailureKind.REDIRECT, f"redirected to a malformed address ({err})")
            hops.append(Hop(current, answer.status, target))
            if urlsplit(target).scheme.lower() not in ("http", "https"):
                return Failure(url, FailureKind.REDIRECT, f"redirected to a non-HTTP address ({target[:80]})")
            if (problem := malformed(target)) is not None:
                return Failure(
                    url, FailureKind.REDIRECT, f"redirected to an address that cannot be opened: {problem}"
                )
            if target in seen:
                return Failure(url, FailureKind.LOOP, f"redirect loop after {len(hops)} hops")
            seen.add(target)
            current = target
            if answer.status == 303:
                method = "GET"
        return Failure(url, FailureKind.LOOP, f"more than {self.options.max_redirects} redirects")

    async def _sibling(self, fetched: Fetched) -> Fetched | Failure:
        """A made-up address next to the page, fetched once per directory (Bar-Yossef et al. 2004)."""
        base = urljoin(fetched.url, ".")
        if base not in self._probes:
            probe_url = urljoin(base, f"citecheck-{secrets.token_hex(8)}")
            self._probes[base] = asyncio.ensure_future(self._follow(probe_url, "GET"))
        return await self._probes[base]


class HostGiveUp:
    """Per-host give-up, so one hanging host cannot hold the run: once `limit` different URLs of a
    host have timed out, its requests still waiting for a slot are not sent and those in flight are
    abandoned, each a `timeout` saying why. Different URLs, not tries: one slow page retried does
    not condemn its site. Requests pass through here in at most the host's own concurrency, so
    "waiting" (not yet sent) and "in flight" are told apart."""

    def __init__(self, client: Client, limit: int) -> None:
        self.client, self.limit = client, limit
        self._timed_out: dict[str, set[str]] = {}
        self._slots: dict[str, asyncio.Semaphore] = {}
        self._stop: dict[str, asyncio.Event] = {}

    def reason(self, host: str) -> str | None:
        """Why the host is given up, or None while it is not."""
        n = len(self._timed_out.get(host, ()))
        return f"host {host} timed out {n} times" if self.limit and n >= self.limit else None

    def hosts(self) -> dict[str, int]:
        """The hosts given up, with how many of their URLs timed out."""
        return {h: len(urls) for h, urls in sorted(self._timed_out.items()) if self.reason(h)}

    async def request(self, method: str, url: str) -> Response | Failure:
        """One request through the client, unless (or until) its host is given up."""
        host = host_key(url)
        options = self.client.options
        slots = self._slots.setdefault(
            host, asyncio.Semaphore(max(1, options.host_limits.get(host, options.max_per_host)))
        )
        async with slots:
            if (why := self.reason(host)) is not None:
                return Failure(url, FailureKind.TIMEOUT, f"not requested: {why}")
            stop = self._stop.setdefault(host, asyncio.Event())
            sent = asyncio.ensure_future(self.client.request(method, url))
            stopped = asyncio.ensure_future(stop.wait())
            try:
                await asyncio.wait((sent, stopped), return_when=asyncio.FIRST_COMPLETED)
            finally:
                stopped.cancel()
                if not sent.done():
                    sent.cancel()
            if sent.cancelled() or not sent.done():
                return Failure(
                    url, FailureKind.TIMEOUT, f"given up waiting for an answer: {self.reason(host)}"
                )
            answer = sent.result()
            if isinstance(answer, Failure) and answer.kind == FailureKind.TIMEOUT and self.limit:
                self._timed_out.setdefault(host, set()).add(url)
                if self.reason(host) is not None:
                    stop.set()
            return answer
