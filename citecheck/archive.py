"""The Wayback Machine: the capture that best matches a citation, captures under a prefix, and
Save Page Now. Network I/O (through `net.Client`), within the archive's budgets.

Budgets (shared/DESIGN.md): playback lookups at most 8 a second; CDX queries at most 24 a
minute, and none at all for 60 s after a 429 (which carries no Retry-After); Save Page Now at most
3 captures a minute anonymously, 7 with keys. Every wait goes through an injectable clock, so
tests assert budgets without sleeping. The availability API is never used: it misses captures
that exist.

Choosing a capture uses playback first, because it is cheap: `/web/<ts>id_/<url>` without
following redirects names the nearest capture (302 + `X-Archive-Redirect-Reason`), a response with
`Memento-Datetime` is a capture (its status is the archived status), and a 404 without it means
never archived. CDX is asked only when playback cannot settle "the closest 2xx capture before the
cited date, else the closest after".
"""

from __future__ import annotations

import asyncio
import datetime as dt
import email.utils
import json
import re
import time
from collections import Counter, deque
from collections.abc import Sequence
from dataclasses import dataclass, field
from urllib.parse import quote, urlencode, urljoin, urlsplit

from waybackpy.cdx_snapshot import CDXSnapshot
from waybackpy.cdx_utils import check_collapses, check_filters, check_match_type
from waybackpy.exceptions import WaybackError

from citecheck.credentials import strip
from citecheck.models import SaveResult, SaveStatus, Snapshot
from citecheck.net import Client, Clock, Failure, FailureKind, Response, Sleep
from citecheck.version import WAYBACK

EARLIEST = "19960101000000"
_REASON = re.compile(r"found capture at (\d{14})")
_LOCATION_TS = re.compile(r"/web/(\d{14})")
_RAW_PLAYBACK = re.compile(r"/web/(\d{14})/")
_CDX_FIELDS = ["urlkey", "timestamp", "original", "mimetype", "statuscode", "digest", "length"]


def wayback_timestamp(when: dt.datetime) -> str:
    """The archive's 14-digit UTC timestamp."""
    return when.astimezone(dt.UTC).strftime("%Y%m%d%H%M%S")


def parse_timestamp(ts: str) -> dt.datetime:
    return dt.datetime.strptime(ts[:14].ljust(14, "0"), "%Y%m%d%H%M%S").replace(tzinfo=dt.UTC)


def end_of_day(day: dt.date) -> dt.datetime:
    """A citation dated a day was read that day: captures up to its end come "before"."""
    return dt.datetime(day.year, day.month, day.day, 23, 59, 59, tzinfo=dt.UTC)


@dataclass(frozen=True, slots=True)
class ArchiveOptions:
    """Where the archive is and how much of it we may use."""

    base_url: str = WAYBACK
    playback_per_second: int = 8
    cdx_per_minute: int = 24
    cdx_pause_after_429: float = 60.0
    save_per_minute: int | None = None
    access_key: str | None = None
    secret_key: str | None = None
    max_wait: float = 300.0
    poll_interval: float = 5.0
    poll_timeout: float = 180.0

    @property
    def captures_per_minute(self) -> int:
        if self.save_per_minute is not None:
            return self.save_per_minute
        return 7 if self.access_key and self.secret_key else 3


@dataclass(frozen=True, slots=True)
class Capture:
    """One capture: when, and the status the archive recorded."""

    timestamp: str
    status: int | None
    original: str

    @property
    def ok(self) -> bool:
        return self.status is not None and 200 <= self.status < 300


class Budget:
    """At most `count` starts in any `period` seconds, and none while blocked."""

    def __init__(self, count: int, period: float, clock: Clock, sleep: Sleep) -> None:
        self.count, self.period = count, period
        self.clock, self.sleep = clock, sleep
        self.starts: deque[float] = deque()
        self.blocked_until = 0.0
        self._lock = asyncio.Lock()

    def block(self, seconds: float) -> None:
        self.blocked_until = max(self.blocked_until, self.clock() + seconds)

    async def take(self, max_wait: float) -> bool:
        """Wait for a turn; False if that would take longer than `max_wait` seconds."""
        async with self._lock:
            deadline = self.clock() + max_wait
            while True:
                now = self.clock()
                while self.starts and self.starts[0] <= now - self.period:
                    self.starts.popleft()
                free_at = max(
                    self.blocked_until,
                    self.starts[0] + self.period if len(self.starts) >= self.count else now,
                )
                if free_at <= now:
                    self.starts.append(now)
                    return True
                if free_at > deadline:
                    return False
                await self.sleep(free_at - now)


@dataclass
class Wayback:
    """A Wayback-compatible archive, reached through the run's polite client."""

    client: Client
    options: ArchiveOptions = field(default_factory=ArchiveOptions)
    clock: Clock = time.monotonic
    sleep: Sleep = asyncio.sleep
    requests: Counter[str] = field(default_factory=Counter)
    answered: int = 0

    def __post_init__(self) -> None:
        self.base = self.options.base_url.rstrip("/")
        self.playback_budget = Budget(self.options.playback_per_second, 1.0, self.clock, self.sleep)
        self.cdx_budget = Budget(self.options.cdx_per_minute, 60.0, self.clock, self.sleep)
        self.save_budget = Budget(self.options.captures_per_minute, 60.0, self.clock, self.sleep)

    def snapshot(self, capture: Capture, url: str) -> Snapshot:
        """A capture as the report shows it: `<base>/web/<14-digit ts>/<url>`."""
        return Snapshot(f"{self.base}/web/{capture.timestamp}/{url}", parse_timestamp(capture.timestamp))

    # --- playback -----------------------------------------------------------------------------

    async def _playback(self, url: str, ts: str) -> Response | Failure:
        if not await self.playback_budget.take(self.options.max_wait):
            return Failure(url, FailureKind.RATE_LIMITED, "the archive's playback budget is used up")
        self.requests["playback"] += 1
        answer = await self.client.request("GET", f"{self.base}/web/{ts}id_/{strip(url)}", body=False)
        self.answered += isinstance(answer, Response)
        return answer

    async def capture_near(self, url: str, ts: str, *, need_status: bool = True) -> Capture | Failure | None:
        """The capture nearest `ts` (any status), None if the URL was never archived. Without
        `need_status`, the redirect that names the capture is enough (one request, status unknown)."""
        answer = await self._playback(url, ts)
        for _ in range(3):
            if isinstance(answer, Failure):
                return answer
            if answer.header("memento-datetime") is not None:
                return Capture(_capture_ts(answer) or ts, answer.status, url)
            if answer.status == 404:
                return None
            if answer.status in (301, 302, 303, 307, 308):
                found = _redirect_ts(answer)
                if found is None:
                    return Failure(
                        url, FailureKind.PROTOCOL, "the archive redirected without naming a capture"
                    )
                if not need_status:
                    return Capture(found, None, url)
                answer = await self._playback(url, found)
                continue
            if answer.status == 429:
                self.playback_budget.block(self.options.cdx_pause_after_429)
            return Failure(url, FailureKind.PROTOCOL, f"the archive answered {answer.status}")
        return Failure(url, FailureKind.PROTOCOL, "the archive kept redirecting")

    async def capture_page(self, snapshot: Snapshot) -> Response | Failure:
        """The archived bytes of a capture, in the raw `id_` form (no archive banner or rewritten
        links), within the playback budget; one redirect to the nearest capture is followed."""
        url = _RAW_PLAYBACK.sub(r"/web/\1id_/", snapshot.url, count=1)
        for _ in range(2):
            if not await self.playback_budget.take(self.options.max_wait):
                return Failure(url, FailureKind.RATE_LIMITED, "the archive's playback budget is used up")
            self.requests["playback"] += 1
            answer = await self.client.request("GET", url)
            if isinstance(answer, Failure):
                return answer
            self.answered += 1
            location = answer.header("location")
            if answer.status not in (301, 302, 303, 307, 308) or not location:
                return answer
            try:
                url = urljoin(url, location.strip())
            except ValueError as err:
                return Failure(
                    url, FailureKind.PROTOCOL, f"the archive redirected to a malformed address ({err})"
                )
        return Failure(url, FailureKind.PROTOCOL, "the archive kept redirecting")

    # --- CDX ----------------------------------------------------------------------------------

    async def cdx(
        self,
        url: str,
        *,
        match_type: str | None = None,
        filters: Sequence[str] = (),
        collapses: Sequence[str] = (),
        since: str | None = None,
        until: str | None = None,
        limit: int | None = None,
    ) -> list[CDXSnapshot] | Failure:
        """Rows of the CDX index, validated as waybackpy validates them, within the CDX budget."""
        try:
            check_filters(list(filters))
            check_collapses(list(collapses))
            check_match_type(match_type, url)
        except WaybackError as err:
            return Failure(url, FailureKind.MALFORMED, f"bad CDX query ({err})")
        params: list[tuple[str, str]] = [("url", strip(url)), ("output", "json")]
        params += [("matchType", match_type)] if match_type else []
        params += [("filter", f) for f in filters] + [("collapse", c) for c in collapses]
        params += [("from", since)] if since else []
        params += [("to", until)] if until else []
        params += [("limit", str(limit))] if limit is not None else []
        for _ in range(2):
            if not await self.cdx_budget.take(self.options.max_wait):
                return Failure(url, FailureKind.RATE_LIMITED, "the archive's CDX budget is used up")
            self.requests["cdx"] += 1
            answer = await self.client.request("GET", f"{self.base}/cdx/search/cdx?{urlencode(params)}")
            if isinstance(answer, Failure):
                return answer
            self.answered += 1
            if answer.status == 429:  # no Retry-After: the archive firewalls those who ignore it
                self.cdx_budget.block(self.options.cdx_pause_after_429)
                continue
            if answer.status != 200:
                return Failure(url, FailureKind.PROTOCOL, f"the CDX server answered {answer.status}")
            return _cdx_rows(answer.body)
        return Failure(url, FailureKind.RATE_LIMITED, "the archive's CDX server keeps refusing (429)")

    # --- choosing the capture -----------------------------------------------------------------

    async def best(self, url: str, when: dt.date | None) -> Snapshot | Failure | None:
        """The 2xx capture closest before `when` (end of that day), else the closest after; with no
        date, the latest 2xx capture. None when there is none."""
        target = wayback_timestamp(end_of_day(when)) if when else wayback_timestamp(dt.datetime.now(dt.UTC))
        near = await self.capture_near(url, target)
        if near is None or isinstance(near, Failure):
            return near
        if near.ok and (near.timestamp <= target or when is None):
            return self.snapshot(near, url)
        if when is None:
            return await self._edge(url, until=None, last=True)
        earliest = await self.capture_near(url, EARLIEST, need_status=False)  # only its time matters
        if isinstance(earliest, Failure):
            return earliest
        if earliest is not None and earliest.timestamp <= target:
            before = await self._edge(url, until=target, last=True)
            if before is not None:
                return before
        if near.ok and near.timestamp > target:
            return self.snapshot(near, url)
        return await self._edge(url, since=target, last=False)

    async def _edge(
        self, url: str, *, until: str | None = None, since: str | None = None, last: bool
    ) -> Snapshot | Failure | None:
        """The last 2xx capture up to `until`, or the first from `since` (one CDX query)."""
        rows = await self.cdx(
            url, filters=["statuscode:2.."], until=until, since=since, limit=-1 if last else 1
        )
        if isinstance(rows, Failure):
            return rows
        if not rows:
            return None
        row = rows[-1] if last else rows[0]
        return self.snapshot(Capture(row.timestamp, _int(row.statuscode), row.original), url)

    async def archived_spelling(self, written: str, candidates: Sequence[str]) -> str | Failure | None:
        """The URL the archive holds for a damaged one: one prefix query on the longest undamaged
        prefix of the path, then a match ignoring hyphens, underscores and case."""
        written = strip(written)  # as the candidates are: credentials never go to the archive
        prefix, want = _undamaged_prefix(written, candidates), _squash(written)
        if prefix is None or want is None:
            return None
        rows = await self.cdx(
            prefix, match_type="prefix", filters=["statuscode:2.."], collapses=["urlkey"], limit=10000
        )
        if isinstance(rows, Failure):
            return rows
        preferred = {_squash(c): c for c in candidates}
        matches = [row.original for row in rows if _squash(row.original) == want]
        if not matches:
            return None
        chosen = next((m for m in matches if _squash(m) in preferred), matches[0])
        return _keep_written_query(written, chosen)

    # --- Save Page Now 2 ----------------------------------------------------------------------

    def _auth(self) -> dict[str, str]:
        headers = {"Accept": "application/json"}
        if self.options.access_key and self.options.secret_key:
            headers["Authorization"] = f"LOW {self.options.access_key}:{self.options.secret_key}"
        return headers

    async def save(self, url: str) -> SaveResult:
        """Request a capture and follow its job to the end, within the capture budget."""
        if not await self.save_budget.take(self.options.max_wait):
            return SaveResult(url, SaveStatus.RATE_LIMITED, "the capture budget for this run is used up")
        self.requests["save"] += 1
        answer = await self.client.post_form(f"{self.base}/save", {"url": strip(url)}, headers=self._auth())
        if isinstance(answer, Failure):
            return SaveResult(url, SaveStatus.ERROR, answer.detail)
        data = _json(answer.body)
        if answer.status == 429:
            self.save_budget.block(60.0)
            return SaveResult(url, SaveStatus.RATE_LIMITED, str(data.get("message", "429 Too Many Requests")))
        job = data.get("job_id")
        if answer.status >= 400 or not isinstance(job, str):
            return SaveResult(
                url, SaveStatus.ERROR, str(data.get("message", f"Save Page Now answered {answer.status}"))
            )
        return await self.follow_job(url, job)

    async def follow_job(self, url: str, job: str) -> SaveResult:
        """Poll a Save Page Now job until it succeeds, fails or takes too long."""
        waited = 0.0
        while waited <= self.options.poll_timeout:
            await self.sleep(self.options.poll_interval)
            waited += self.options.poll_interval
            self.requests["status"] += 1
            answer = await self.client.request(
                "GET", f"{self.base}/save/status/{quote(job)}", headers=self._auth()
            )
            if isinstance(answer, Failure):
                continue
            data = _json(answer.body)
            status = data.get("status")
            if status == "success" and isinstance(data.get("timestamp"), str):
                snap = self.snapshot(Capture(str(data["timestamp"]), 200, url), url)
                return SaveResult(url, SaveStatus.SUCCESS, f"captured at {data['timestamp']}", job, snap)
            if status == "error":
                detail = str(data.get("message") or data.get("status_ext") or "the capture failed")
                return SaveResult(url, SaveStatus.ERROR, detail, job)
        return SaveResult(
            url, SaveStatus.TIMEOUT, f"the job was still pending after {self.options.poll_timeout:g} s", job
        )


def _capture_ts(answer: Response) -> str | None:
    value = answer.header("memento-datetime")
    try:
        return wayback_timestamp(email.utils.parsedate_to_datetime(value or ""))
    except (TypeError, ValueError):
        return None


def _redirect_ts(answer: Response) -> str | None:
    if m := _REASON.search(answer.header("x-archive-redirect-reason") or ""):
        return m.group(1)
    if m := _LOCATION_TS.search(answer.header("location") or ""):
        return m.group(1)
    return None


def _cdx_rows(body: bytes) -> list[CDXSnapshot] | Failure:
    try:
        data = json.loads(body or b"[]")
    except ValueError:
        return Failure("", FailureKind.PROTOCOL, "the CDX server sent something that is not JSON")
    if not isinstance(data, list) or not data:
        return []
    header, *rows = data
    out = []
    for row in rows:
        fields = dict.fromkeys(_CDX_FIELDS, "-") | dict(zip(header, row, strict=False))
        try:
            out.append(CDXSnapshot(fields))
        except (KeyError, ValueError):
            continue
    return out


def _json(body: bytes) -> dict[str, object]:
    try:
        data = json.loads(body or b"{}")
    except ValueError:
        return {}
    return data if isinstance(data, dict) else {}


def _int(value: str) -> int | None:
    return int(value) if value.isdigit() else None


def _path_and_host(url: str) -> tuple[str, str] | None:
    try:
        parts = urlsplit(url if "://" in url else f"https://{url}")
    except ValueError:  # `http://[::1/`, from the document or from the archive's own rows
        return None
    return (parts.hostname or "").lower().removeprefix("www."), parts.path


def _squash(url: str) -> tuple[str, str] | None:
    """A URL as a damaged spelling cannot tell apart: host, and path without - _ case or end slash
    (None for a URL that does not parse: it matches nothing)."""
    if (found := _path_and_host(url)) is None:
        return None
    host, path = found
    return host, re.sub(r"[-_]", "", path.lower()).rstrip("/")


def _undamaged_prefix(written: str, candidates: Sequence[str]) -> str | None:
    """The written URL up to the last `/` before the first place a candidate changes it."""
    if not candidates:
        return None
    first = min(
        next(
            (i for i, (a, b) in enumerate(zip(written, c, strict=False)) if a != b), min(len(written), len(c))
        )
        for c in candidates
    )
    cut = written.rfind("/", 0, first)
    scheme_end = written.find("://") + 3 if "://" in written else 0
    if cut < written.find("/", scheme_end):
        return None
    return written[: cut + 1]


def _keep_written_query(written: str, archived: str) -> str:
    """The archived spelling's path with the written URL's scheme, host, query and fragment."""
    w, a = urlsplit(written), urlsplit(archived if "://" in archived else f"https://{archived}")
    return w._replace(path=a.path).geturl()
