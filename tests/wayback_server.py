"""A local stand-in for the Wayback Machine's public APIs, for tests (standard library only).

``WaybackServer`` serves, on 127.0.0.1 from an in-memory archive that tests fill with
``add_capture``, the API shapes described in DESIGN.md ("Facts measured", Wayback bullets):

* playback   ``GET /web/<ts>[id_]/<url>`` (exact capture, or ``302`` to the nearest, or ``404``);
* CDX        ``GET /cdx/search/cdx?url=...`` (JSON or plain text; fl, filter, matchType, from/to,
  limit, collapse);
* timemap    ``GET /web/timemap/<json|link|cdx>/<url>`` (shares the CDX rate budget);
* availability ``GET /wayback/available?url=...&timestamp=...`` (can be made to lie);
* Save Page Now 2 ``POST /save`` and ``GET /save/status/<job_id>``.

It uses the threading model of ``webserver.py`` (its ``_BackgroundServer``: an asyncio loop in a
daemon thread), so a synchronous test uses it as a context manager::

    clock = FakeTime()
    with WaybackServer(clock=clock, cdx_limit=24) as wb:
        wb.add_capture("https://example.com/a", "20200101000000", body=b"old")
        httpx.get(f"{wb.base_url}/web/20200101000000id_/https://example.com/a")  # 200, Memento-Datetime
        httpx.get(f"{wb.base_url}/web/2021id_/http://www.example.com/a/")      # 302 to the capture
        clock.advance(60)  # the CDX budget window rolls on without sleeping

Behaviour worth knowing (chosen to follow the real service where it is known):

* URL matching uses a SURT-like key (``surt()``): scheme, ``www.``/``wwwN.``, default port, a trailing
  slash, the fragment, query-parameter order and letter case (of the whole URL, as the real
  canonicaliser does) are ignored. ``urlkey`` looks like ``com,apnews)/article/x``.
* Playback: a capture is served only when the requested timestamp is the full 14 digits of one
  (as pywb does, a shorter timestamp is never "exact"); otherwise ``302`` to the capture nearest in
  absolute time, over all captures of the URL whatever their status; ties go to the earlier one.
  A timestamp shorter than 14 digits stands for the start of the period it names (``2025`` =
  2025-01-01 00:00:00, ``20251`` = 2025-10-01 00:00:00); no timestamp (``/web/<url>``) = latest.
  The redirect goes to the capture's original URL, with the same modifier (``id_``, none, ...).
  Bodies are served verbatim for every modifier (no rewriting, no toolbar).
* Rate limits: CDX and timemap requests share ``cdx_limit`` requests per rolling ``window`` seconds
  of the injected ``clock``; only admitted requests use the budget; refused ones get ``429`` without
  ``Retry-After``. Playback has its own budget (``playback_limit``, unlimited by default).
"""

from __future__ import annotations

import asyncio
import base64
import calendar
import hashlib
import json
import re
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email.utils import format_datetime
from typing import Literal
from urllib.parse import parse_qs, quote, unquote, urljoin, urlsplit

import pytest
from fakes import FakeTime
from webserver import (
    _BackgroundServer,
    _BadRequest,
    _encode_head,
    _header_dict,
    _parse_request,
    _read_body,
    _read_head,
    _Reader,
    _tokens,
)

__all__ = [
    "CDX_FIELDS",
    "KINDS",
    "SPN2_LIMIT_MESSAGE",
    "Capture",
    "Kind",
    "SaveOutcome",
    "SaveRecord",
    "WaybackRequest",
    "WaybackServer",
    "digest_of",
    "pad_timestamp",
    "surt",
    "wayback_server_fixture",
]

Kind = Literal["playback", "cdx", "timemap", "available", "save", "status", "other"]
KINDS: tuple[Kind, ...] = ("playback", "cdx", "timemap", "available", "save", "status", "other")

CDX_FIELDS = ("urlkey", "timestamp", "original", "mimetype", "statuscode", "digest", "length")
_EXTRA_FIELDS = ("redirect",)  # accepted in fl=/filter=, not in the default set
SPN2_LIMIT_MESSAGE = "You have already reached the limit of active sessions"

_TS_RE = re.compile(r"\d{14}")
_PLAYBACK_RE = re.compile(r"/web/(\d+)([a-z]{2}_)?/(.*)", re.DOTALL)
_SCHEME_RE = re.compile(r"^([a-zA-Z][a-zA-Z0-9+.-]*):/*")
_WWW_RE = re.compile(r"^www\d*\.")
_IPV4_RE = re.compile(r"^\d{1,3}(\.\d{1,3}){3}$")
_URL_SAFE = "!#$%&'()*+,/:;=?@[]~-._"
_PATH_SAFE = "/:@!$&'()*+,;=-._~"

_NOT_ARCHIVED_PAGE = (
    b"<!DOCTYPE html>\n<html><head><title>Wayback Machine</title></head><body>"
    b"<p>Hrm. The Wayback Machine has not archived that URL.</p></body></html>\n"
)
_TOO_MANY_PAGE = b"<html><body><h1>429 Too Many Requests</h1></body></html>\n"


# --------------------------------------------------------------------------------------------------
# URL keys and timestamps


def surt(url: str, *, strip_slash: bool = True) -> str:
    """SURT-like canonical key of url, e.g. ``https://www.APNews.com/Article/X/?b=2&a=1`` ->
    ``com,apnews)/article/x?a=1&b=2``. Scheme, ``www``/``wwwN`` prefix, default port, user info,
    fragment, query-parameter order and case are ignored; percent-encoding is normalised. With
    ``strip_slash`` (default) a trailing slash of the path is dropped (except for the root ``/``)."""
    text = url.strip()
    match = _SCHEME_RE.match(text)
    text = "http://" + (text[match.end() :] if match else text)
    parts = urlsplit(text)
    host = (parts.hostname or "").rstrip(".").lower()
    host = _WWW_RE.sub("", host)
    try:
        port = parts.port
    except ValueError:
        port = None
    scheme = match.group(1).lower() if match else "http"
    if port is not None and port == {"http": 80, "https": 443}.get(scheme):
        port = None
    host_key = host if _IPV4_RE.match(host) else ",".join(reversed(host.split(".")))
    if port is not None:
        host_key += f":{port}"
    path = quote(unquote(parts.path or "/"), safe=_PATH_SAFE) or "/"
    if strip_slash and len(path) > 1:
        path = path.rstrip("/") or "/"
    key = f"{host_key}){path}"
    params = sorted(p for p in parts.query.split("&") if p)
    if params:
        key += "?" + "&".join(params)
    return key.lower()


def _host_part(key: str) -> str:
    return key.split(")", 1)[0]


def pad_timestamp(ts: str) -> str:
    """The first second of the period a 1-14 digit timestamp prefix names, as 14 valid digits
    (``2025`` -> ``20250101000000``; ``20251`` -> ``20251001000000``). Out-of-range fields are clamped."""
    if not ts.isdigit():
        raise ValueError(f"timestamp must be digits: {ts!r}")
    digits = ts[:14].ljust(14, "0")
    year = max(int(digits[:4]), 1)
    month = min(max(int(digits[4:6]), 1), 12)
    day = min(max(int(digits[6:8]), 1), calendar.monthrange(year, month)[1])
    hour, minute, second = min(int(digits[8:10]), 23), min(int(digits[10:12]), 59), min(int(digits[12:]), 59)
    return f"{year:04d}{month:02d}{day:02d}{hour:02d}{minute:02d}{second:02d}"


def _ts_seconds(ts: str) -> float:
    return datetime.strptime(ts, "%Y%m%d%H%M%S").replace(tzinfo=UTC).timestamp()


def _http_date(ts: str) -> str:
    return format_datetime(datetime.strptime(ts, "%Y%m%d%H%M%S").replace(tzinfo=UTC), usegmt=True)


def digest_of(body: bytes) -> str:
    """The CDX digest of a payload: base32 of its SHA-1 (as the real archive computes it)."""
    return base64.b32encode(hashlib.sha1(body).digest()).decode("ascii")


def _safe_url(url: str) -> str:
    """url with anything outside printable ASCII percent-encoded (for header values)."""
    return quote(url, safe=_URL_SAFE)


# --------------------------------------------------------------------------------------------------
# Records and configuration


@dataclass(frozen=True)
class Capture:
    """One capture in the archive. ``url`` is the original URL as captured; ``status`` the archived
    HTTP status; ``location`` the archived Location of a 3xx capture."""

    url: str
    timestamp: str
    status: int
    mimetype: str
    body: bytes
    digest: str
    urlkey: str
    location: str | None = None

    @property
    def memento_datetime(self) -> str:
        """RFC 1123 date of the capture, as sent in Memento-Datetime."""
        return _http_date(self.timestamp)

    def field(self, name: str) -> str:
        """The CDX field name of this capture, as a string."""
        values = {
            "urlkey": self.urlkey,
            "timestamp": self.timestamp,
            "original": self.url,
            "mimetype": self.mimetype,
            "statuscode": str(self.status),
            "digest": self.digest,
            "length": str(len(self.body)),
            "redirect": self.location or "-",
        }
        return values[name]


@dataclass(frozen=True)
class WaybackRequest:
    """One request as the server received it, with the status it was answered with."""

    method: str
    target: str  # request-target as sent
    path: str  # target without the query
    query: dict[str, list[str]]  # parsed query (for playback it is the archived URL's query)
    headers: dict[str, str]  # lower-cased names
    body: bytes
    kind: Kind
    status: int
    time: float  # the server's clock() when the request was read


@dataclass(frozen=True)
class SaveOutcome:
    """What Save Page Now does for a URL.

    ``result``: "success" (the job succeeds and adds a capture when it completes), "error" (the job
    fails with ``status_ext``/``message``) or "429" (``POST /save`` is refused with 429).
    ``pending_polls``: status polls answered ``{"status": "pending"}`` before the final answer.
    ``timestamp``: the capture's 14-digit timestamp (None: the server's ``utcnow()`` at completion).
    ``capture_status``/``mimetype``/``body``: the capture added on success.
    ``at_submit``: for "error", answer the error to ``POST /save`` itself (no job is created).
    """

    result: Literal["success", "error", "429"] = "success"
    pending_polls: int = 1
    timestamp: str | None = None
    capture_status: int = 200
    mimetype: str = "text/html"
    body: bytes = b"<html><body>saved</body></html>"
    status_ext: str = "error:not-found"
    message: str | None = None  # None: "Server returned a 404 Not Found for <url>"-style text
    duration_sec: float = 6.5
    at_submit: bool = False

    def __post_init__(self) -> None:
        if self.result not in ("success", "error", "429"):
            raise ValueError(f"bad result {self.result!r}")
        if self.pending_polls < 0:
            raise ValueError("pending_polls must not be negative")
        if self.timestamp is not None and not _valid_ts(self.timestamp):
            raise ValueError(f"bad timestamp {self.timestamp!r}")


@dataclass(frozen=True)
class SaveRecord:
    """One ``POST /save`` request."""

    url: str | None
    form: dict[str, str]  # form fields (first value of each)
    authorization: str | None  # the Authorization header as sent, None when absent
    accept: str | None
    job_id: str | None  # None when refused or failed at submit
    status: int
    time: float


@dataclass
class _Job:
    job_id: str
    url: str
    outcome: SaveOutcome
    polls: int = 0
    final: dict[str, object] | None = None


@dataclass
class _Response:
    status: int
    body: bytes = b""
    content_type: str | None = "text/plain; charset=utf-8"
    headers: list[tuple[str, str]] = field(default_factory=list)


def _json_response(obj: object, status: int = 200) -> _Response:
    return _Response(status, json.dumps(obj).encode() + b"\n", "application/json")


def _text_response(status: int, text: str) -> _Response:
    return _Response(status, text.encode() + b"\n")


def _valid_ts(ts: str) -> bool:
    if not _TS_RE.fullmatch(ts):
        return False
    try:
        _ts_seconds(ts)
    except ValueError:
        return False
    return True


def _utcnow() -> datetime:
    return datetime.now(UTC)


class _CdxError(Exception):
    pass


# --------------------------------------------------------------------------------------------------
# The server


class WaybackServer(_BackgroundServer[WaybackRequest]):
    """The Wayback Machine's playback, CDX, timemap, availability and SPN2 APIs on 127.0.0.1."""

    _thread_name = "test-wayback"

    def __init__(
        self,
        *,
        clock: Callable[[], float] = time.monotonic,
        cdx_limit: int | None = 30,
        window: float = 60.0,
        playback_limit: int | None = None,
        save_limit: int | None = None,
        utcnow: Callable[[], datetime] = _utcnow,
        default_save_outcome: SaveOutcome | None = None,
    ) -> None:
        """``clock``: seconds (monotonic) for rate-limit windows and the request log.
        ``cdx_limit``: CDX + timemap requests admitted per rolling ``window`` seconds (None: no
        limit); the real service allows about 30/minute. ``playback_limit``: the same for playback
        (None: no limit; the real one allows about 600/minute). ``save_limit``: ``POST /save``
        submissions admitted per window (None: no limit). ``utcnow``: the time SPN2 captures get when
        their outcome names no timestamp. ``default_save_outcome``: for URLs without
        ``set_save_outcome`` (default: success after one pending poll)."""
        super().__init__()
        self.clock = clock
        self.cdx_limit = cdx_limit
        self.window = window
        self.playback_limit = playback_limit
        self.save_limit = save_limit
        self.utcnow = utcnow
        self.default_save_outcome = default_save_outcome or SaveOutcome()
        self.available_lies = False  # True: the availability API answers "no snapshots" for every URL
        # archive and configuration, guarded by self._cond
        self._captures: list[Capture] = []
        self._hidden_from_available: set[str] = set()
        self._save_outcomes: dict[str, SaveOutcome] = {}
        self._jobs: dict[str, _Job] = {}
        self._job_serial = 0
        # rate-limit state
        self._forced_429: dict[str, int] = {"cdx": 0, "playback": 0, "save": 0}
        self._admitted: dict[str, list[float]] = {"cdx": [], "playback": [], "save": []}
        # counters
        self._saves: list[SaveRecord] = []
        self._cdx_times: list[float] = []
        self._sent_429 = 0

    # archive --------------------------------------------------------------------------------------

    def add_capture(
        self,
        url: str,
        timestamp: str,
        status: int = 200,
        mimetype: str = "text/html",
        body: bytes = b"<html><body>archived</body></html>",
        digest: str | None = None,
        *,
        location: str | None = None,
    ) -> Capture:
        """Archive a capture of url at timestamp (14 digits, YYYYMMDDhhmmss, UTC) with the archived
        status (an archived 404/403 is a capture too), mimetype and body. digest defaults to the
        body's base32 SHA-1. ``location``: the archived Location of a 3xx capture (playback answers
        with it rewritten into the archive). Returns the capture."""
        if not _valid_ts(timestamp):
            raise ValueError(f"timestamp must be 14 digits YYYYMMDDhhmmss: {timestamp!r}")
        if not 100 <= status <= 599:
            raise ValueError(f"bad status {status}")
        capture = Capture(
            url=url,
            timestamp=timestamp,
            status=status,
            mimetype=mimetype,
            body=body,
            digest=digest if digest is not None else digest_of(body),
            urlkey=surt(url),
            location=location,
        )
        with self._cond:
            self._captures.append(capture)
            self._cond.notify_all()
        return capture

    def captures(self, url: str | None = None) -> list[Capture]:
        """Captures of url (canonical match), or all, sorted by urlkey then timestamp."""
        with self._cond:
            found = list(self._captures)
        if url is not None:
            key = surt(url)
            found = [c for c in found if c.urlkey == key]
        return sorted(found, key=lambda c: (c.urlkey, c.timestamp))

    def hide_from_available(self, url: str) -> None:
        """Make the availability API claim url was never archived (the real one misses captures)."""
        with self._cond:
            self._hidden_from_available.add(surt(url))

    def set_save_outcome(self, url: str, outcome: SaveOutcome) -> None:
        """What Save Page Now does for url (canonical match) from now on."""
        with self._cond:
            self._save_outcomes[surt(url)] = outcome

    # rate limits ----------------------------------------------------------------------------------

    def force_cdx_429(self, n: int = 1) -> None:
        """Answer the next n CDX/timemap requests with 429 (they do not use the budget)."""
        with self._cond:
            self._forced_429["cdx"] += n

    def force_playback_429(self, n: int = 1) -> None:
        """Answer the next n playback requests with 429."""
        with self._cond:
            self._forced_429["playback"] += n

    def force_save_429(self, n: int = 1) -> None:
        """Answer the next n ``POST /save`` requests with 429 (SPN2's "limit of active sessions")."""
        with self._cond:
            self._forced_429["save"] += n

    def _admit(self, budget: str, limit: int | None, now: float) -> bool:
        with self._cond:
            if self._forced_429[budget] > 0:
                self._forced_429[budget] -= 1
                return False
            if limit is not None:
                recent = [t for t in self._admitted[budget] if now - t < self.window]
                self._admitted[budget] = recent
                if len(recent) >= limit:
                    return False
            self._admitted[budget].append(now)
            return True

    # counters -------------------------------------------------------------------------------------

    def url(self, path: str = "/") -> str:
        """Absolute URL of path on this server."""
        if not path.startswith("/"):
            raise ValueError(f"path must start with '/': {path!r}")
        return self.base_url + path

    def playback_url(self, timestamp: str, url: str, modifier: str = "id_") -> str:
        """``<base_url>/web/<timestamp><modifier>/<url>``."""
        return f"{self.base_url}/web/{timestamp}{modifier}/{url}"

    @property
    def counts(self) -> dict[Kind, int]:
        """Requests received per kind (every kind present, zero included)."""
        with self._cond:
            result: dict[Kind, int] = dict.fromkeys(KINDS, 0)
            for record in self._log:
                result[record.kind] += 1
            return result

    def count(self, kind: Kind) -> int:
        """Requests received of one kind."""
        return self.counts[kind]

    @property
    def sent_429(self) -> int:
        """429 responses sent (all kinds)."""
        with self._cond:
            return self._sent_429

    @property
    def cdx_times(self) -> list[float]:
        """clock() of every CDX and timemap request (refused ones included), in order."""
        with self._cond:
            return list(self._cdx_times)

    def max_cdx_in_window(self, window: float | None = None) -> int:
        """Most CDX+timemap requests (refused included) received within any span shorter than
        window seconds (default: the server's window)."""
        span = self.window if window is None else window
        times = sorted(self.cdx_times)
        best = start = 0
        for end, t in enumerate(times):
            while t - times[start] >= span:
                start += 1
            best = max(best, end - start + 1)
        return best

    @property
    def save_requests(self) -> list[SaveRecord]:
        """Every ``POST /save``, in order (with its Authorization header, or None)."""
        with self._cond:
            return list(self._saves)

    def reset(self) -> None:
        """Clear the log, counters, forced 429s and rate-limit windows (the archive, save outcomes
        and jobs stay)."""
        with self._cond:
            self._log.clear()
            self._saves.clear()
            self._cdx_times.clear()
            self._sent_429 = 0
            for key in self._forced_429:
                self._forced_429[key] = 0
                self._admitted[key] = []
            self._errors.clear()

    # serving --------------------------------------------------------------------------------------

    async def _handle(self, reader: _Reader, writer: asyncio.StreamWriter, connection: int) -> None:
        while True:
            try:
                data = await _read_head(reader)
                if data is None:
                    return
                method, target, version, header_list = _parse_request(data)
                headers = _header_dict(header_list)
                body = await _read_body(reader, headers)
            except (_BadRequest, asyncio.LimitOverrunError):
                writer.write(_encode_head(400, [("Content-Length", "0"), ("Connection", "close")]))
                await writer.drain()
                return
            tokens = _tokens(headers.get("connection"))
            keep_alive = "keep-alive" in tokens if version == "HTTP/1.0" else "close" not in tokens
            now = self.clock()
            if target.lower().startswith(("http://", "https://")):  # absolute-form
                parts = urlsplit(target)
                target = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
            path, _, query_string = target.partition("?")
            query = parse_qs(query_string, keep_blank_values=True)
            try:
                kind, response = self._dispatch(method.upper(), target, path, query, headers, body, now)
            except Exception as exc:  # a bug in this emulator: answer 500 and let the test see it
                self._record_error(f"{type(exc).__name__}: {exc}")
                kind, response = "other", _text_response(500, "internal error")
            record = WaybackRequest(method, target, path, query, headers, body, kind, response.status, now)
            with self._cond:
                self._log.append(record)
                if response.status == 429:
                    self._sent_429 += 1
                self._cond.notify_all()
            await self._send(writer, response, method.upper() == "HEAD", keep_alive)
            if not keep_alive:
                return

    async def _send(
        self, writer: asyncio.StreamWriter, response: _Response, head_only: bool, keep_alive: bool
    ) -> None:
        headers = list(response.headers)
        has_body = response.status >= 200 and response.status not in (204, 304)
        if has_body:
            if response.content_type is not None:
                headers.append(("Content-Type", response.content_type))
            headers.append(("Content-Length", str(len(response.body))))
        if not keep_alive:
            headers.append(("Connection", "close"))
        payload = response.body if has_body and not head_only else b""
        writer.write(_encode_head(response.status, headers) + payload)
        await writer.drain()

    def _dispatch(
        self,
        method: str,
        target: str,
        path: str,
        query: dict[str, list[str]],
        headers: dict[str, str],
        body: bytes,
        now: float,
    ) -> tuple[Kind, _Response]:
        reading = method in ("GET", "HEAD")
        if path.startswith("/web/timemap/"):
            with self._cond:
                self._cdx_times.append(now)
            return "timemap", self._timemap(target, query, now) if reading else _text_response(
                405, "GET only"
            )
        if path.startswith("/web/"):
            return "playback", self._playback(target, now) if reading else _text_response(405, "GET only")
        if path.rstrip("/") == "/cdx/search/cdx":
            with self._cond:
                self._cdx_times.append(now)
            return "cdx", self._cdx_endpoint(query, now) if reading else _text_response(405, "GET only")
        if path.rstrip("/") == "/wayback/available":
            return "available", self._available(query) if reading else _text_response(405, "GET only")
        if path.rstrip("/") == "/save/status" or path.startswith("/save/status/"):
            return "status", self._save_status(path, query, headers, body)
        if path.rstrip("/") == "/save":
            if method != "POST":
                return "save", _text_response(405, "POST only")
            return "save", self._save(query, headers, body, now)
        return "other", _Response(404, _NOT_ARCHIVED_PAGE, "text/html; charset=utf-8")

    # playback -------------------------------------------------------------------------------------

    def _nearest(self, candidates: Sequence[Capture], ts: str | None) -> Capture:
        """The capture nearest to ts (None: the latest); ties go to the earlier, then the first added."""
        if ts is None:
            return max(candidates, key=lambda c: c.timestamp)  # max keeps the first of equals
        target = _ts_seconds(pad_timestamp(ts))
        return min(candidates, key=lambda c: (abs(_ts_seconds(c.timestamp) - target), c.timestamp))

    def _playback(self, target: str, now: float) -> _Response:
        if not self._admit("playback", self.playback_limit, now):
            return _Response(429, _TOO_MANY_PAGE, "text/html; charset=utf-8")
        match = _PLAYBACK_RE.fullmatch(target)
        if match:
            ts: str | None = match.group(1)[:14]
            modifier, url = match.group(2) or "", match.group(3)
        else:
            ts, modifier, url = None, "", target[len("/web/") :]
        if url.lower().startswith(("http%3a", "https%3a")):
            url = unquote(url)
        if not url:
            return _text_response(400, "no URL")
        key = surt(url)
        with self._cond:
            candidates = [c for c in self._captures if c.urlkey == key]
        if not candidates:
            return _Response(404, _NOT_ARCHIVED_PAGE, "text/html; charset=utf-8")
        exact = next((c for c in candidates if c.timestamp == ts), None)
        if exact is None:
            nearest = self._nearest(candidates, ts)
            location = self.playback_url(nearest.timestamp, nearest.url, modifier)
            return _Response(
                302,
                b"",
                "text/plain; charset=utf-8",
                [
                    ("Location", _safe_url(location)),
                    ("X-Archive-Redirect-Reason", f"found capture at {nearest.timestamp}"),
                ],
            )
        original = _safe_url(exact.url)
        links = (
            f'<{original}>; rel="original", '
            f'<{self.base_url}/web/timemap/link/{original}>; rel="timemap"; type="application/link-format", '
            f'<{self.playback_url(exact.timestamp, original, "")}>; rel="memento"; '
            f'datetime="{exact.memento_datetime}"'
        )
        headers = [("Memento-Datetime", exact.memento_datetime), ("Link", links)]
        if exact.location is not None and 300 <= exact.status < 400:
            absolute = urljoin(exact.url, exact.location)
            headers.append(("Location", _safe_url(self.playback_url(exact.timestamp, absolute, modifier))))
        return _Response(exact.status, exact.body, exact.mimetype, headers)

    # CDX ------------------------------------------------------------------------------------------

    def _cdx_endpoint(self, query: dict[str, list[str]], now: float) -> _Response:
        if not self._admit("cdx", self.cdx_limit, now):
            return _Response(429, _TOO_MANY_PAGE, "text/html; charset=utf-8")
        try:
            fields, rows = self._cdx_rows(query)
        except _CdxError as exc:
            return _text_response(400, f"org.archive.util.io.RuntimeIOException: {exc}")
        if query.get("output", [""])[0] == "json":
            return self._cdx_json(fields, rows)
        return _Response(200, "".join(" ".join(row) + "\n" for row in rows).encode())

    @staticmethod
    def _cdx_json(fields: Sequence[str], rows: list[list[str]]) -> _Response:
        if not rows:
            return _Response(200, b"[]\n", "application/json")
        lines = [json.dumps(list(fields)), *(json.dumps(row) for row in rows)]
        return _Response(200, ("[" + ",\n".join(lines) + "]\n").encode(), "application/json")

    def _cdx_rows(self, query: dict[str, list[str]]) -> tuple[list[str], list[list[str]]]:
        """(fields, rows) of a CDX query; raises _CdxError for a bad parameter."""

        def first(name: str, default: str = "") -> str:
            values = query.get(name)
            return values[0] if values else default

        url = first("url").strip()
        if not url:
            raise _CdxError("url parameter is required")
        match_type = first("matchType", "exact")
        if url.endswith("*"):
            url, match_type = url.rstrip("*"), "prefix"
        if url.startswith("*."):
            url, match_type = url[2:], "domain"
        if match_type not in ("exact", "prefix", "host", "domain"):
            raise _CdxError(f"bad matchType {match_type!r}")
        known = (*CDX_FIELDS, *_EXTRA_FIELDS)
        fields = [f.strip() for f in first("fl").split(",") if f.strip()] or list(CDX_FIELDS)
        for name in fields:
            if name not in known:
                raise _CdxError(f"unknown field {name!r}")
        filters: list[tuple[bool, bool, str, re.Pattern[str]]] = []  # (negate, contains, field, pattern)
        for spec in query.get("filter", []):
            negate = spec.startswith("!")
            spec = spec[1:] if negate else spec
            contains = spec.startswith("~")
            spec = spec[1:] if contains else spec
            name, sep, pattern = spec.partition(":")
            if not sep or name not in known:
                raise _CdxError(f"bad filter {spec!r}")
            try:
                compiled = re.compile(re.escape(pattern) if contains else pattern)
            except re.error as exc:
                raise _CdxError(f"bad filter regex {pattern!r}") from exc
            filters.append((negate, contains, name, compiled))
        start, end = first("from"), first("to")
        if (start and not start.isdigit()) or (end and not end.isdigit()):
            raise _CdxError("from/to must be digits")
        limit_text = first("limit")
        try:
            limit = int(limit_text) if limit_text else None
        except ValueError as exc:
            raise _CdxError(f"bad limit {limit_text!r}") from exc
        collapses: list[tuple[str, int | None]] = []
        for spec in query.get("collapse", []):
            name, sep, width = spec.partition(":")
            if name not in known or (sep and not width.isdigit()):
                raise _CdxError(f"bad collapse {spec!r}")
            collapses.append((name, int(width) if sep else None))

        wanted = surt(url, strip_slash=match_type != "prefix")
        wanted_host = _host_part(wanted)

        def matches(capture: Capture) -> bool:
            key = capture.urlkey
            if match_type == "exact":
                return key == wanted
            if match_type == "prefix":
                return (key + "/").startswith(wanted)
            host = _host_part(key)
            return host == wanted_host or (match_type == "domain" and host.startswith(wanted_host + ","))

        def passes(capture: Capture) -> bool:
            ts = capture.timestamp
            if start and ts[: len(start)] < start:
                return False
            if end and ts[: len(end)] > end:
                return False
            for negate, contains, name, pattern in filters:
                value = capture.field(name)
                hit = bool(pattern.search(value) if contains else pattern.fullmatch(value))
                if hit == negate:
                    return False
            return True

        with self._cond:
            found = [c for c in self._captures if matches(c) and passes(c)]
        found.sort(key=lambda c: (c.urlkey, c.timestamp))
        for collapse_field, collapse_width in collapses:
            kept: list[Capture] = []
            previous: str | None = None
            for capture in found:
                value = capture.field(collapse_field)[:collapse_width]
                if value != previous:
                    kept.append(capture)
                previous = value
            found = kept
        if limit is not None:
            found = found[:limit] if limit >= 0 else found[limit:]
        return fields, [[c.field(name) for name in fields] for c in found]

    def _timemap(self, target: str, query: dict[str, list[str]], now: float) -> _Response:
        if not self._admit("cdx", self.cdx_limit, now):
            return _Response(429, _TOO_MANY_PAGE, "text/html; charset=utf-8")
        rest = target[len("/web/timemap/") :]
        fmt, sep, url = rest.partition("/")
        if sep and url:  # /web/timemap/<fmt>/<url>: the URL (with its query) is the rest of the target
            query = {"url": [url]}
        else:
            fmt = fmt.split("?", 1)[0]
        if fmt not in ("json", "link", "cdx"):
            return _text_response(400, f"unknown timemap format {fmt!r}")
        try:
            fields, rows = self._cdx_rows(query)
        except _CdxError as exc:
            return _text_response(400, str(exc))
        if fmt == "json":
            return self._cdx_json(fields, rows)
        if fmt == "cdx":
            return _Response(200, "".join(" ".join(row) + "\n" for row in rows).encode())
        captures = self._cdx_rows({**query, "fl": ["original,timestamp"]})[1]
        if not captures:
            return _text_response(404, "")
        original = _safe_url(query["url"][0])
        lines = [
            f'<{original}>; rel="original"',
            f'<{self.base_url}/web/timemap/link/{original}>; rel="self"; type="application/link-format"',
        ]
        lines += [
            f'<{self.playback_url(ts, _safe_url(orig), "")}>; rel="memento"; datetime="{_http_date(ts)}"'
            for orig, ts in captures
        ]
        return _Response(200, (",\n".join(lines) + "\n").encode(), "application/link-format")

    # availability ---------------------------------------------------------------------------------

    def _available(self, query: dict[str, list[str]]) -> _Response:
        url = query.get("url", [""])[0]
        ts = query.get("timestamp", [""])[0]
        answer: dict[str, object] = {"url": url}
        if ts:
            answer["timestamp"] = ts
        key = surt(url) if url else ""
        with self._cond:
            lying = self.available_lies or key in self._hidden_from_available
            candidates = [c for c in self._captures if c.urlkey == key and 200 <= c.status < 400]
        if not url or lying or not candidates or (ts and not ts.isdigit()):
            answer["archived_snapshots"] = {}
            return _json_response(answer)
        best = self._nearest(candidates, ts or None)
        answer["archived_snapshots"] = {
            "closest": {
                "status": str(best.status),
                "available": True,
                "url": self.playback_url(best.timestamp, best.url, ""),
                "timestamp": best.timestamp,
            }
        }
        return _json_response(answer)

    # Save Page Now 2 ------------------------------------------------------------------------------

    def _save(
        self, query: dict[str, list[str]], headers: dict[str, str], body: bytes, now: float
    ) -> _Response:
        form_lists = dict(query)
        if body:
            form_lists.update(parse_qs(body.decode("utf-8", "replace"), keep_blank_values=True))
        form = {name: values[0] for name, values in form_lists.items() if values}
        url = form.get("url", "").strip()
        authorization = headers.get("authorization")
        job_id: str | None = None
        if not url:
            response = _json_response(
                {"status": "error", "status_ext": "error:invalid-url-syntax", "message": "No URL given."}, 400
            )
        else:
            with self._cond:
                outcome = self._save_outcomes.get(surt(url), self.default_save_outcome)
            if outcome.result == "429" or not self._admit("save", self.save_limit, now):
                response = _json_response({"message": SPN2_LIMIT_MESSAGE}, 429)
            elif outcome.result == "error" and outcome.at_submit:
                response = _json_response(self._error_answer(url, outcome, None))
            else:
                with self._cond:
                    self._job_serial += 1
                    digest = hashlib.sha1(f"{self._job_serial}:{url}".encode()).hexdigest()
                    job_id = f"spn2-{digest}"
                    self._jobs[job_id] = _Job(job_id, url, outcome)
                response = _json_response({"url": url, "job_id": job_id})
        record = SaveRecord(
            url or None, form, authorization, headers.get("accept"), job_id, response.status, now
        )
        with self._cond:
            self._saves.append(record)
        return response

    @staticmethod
    def _error_answer(url: str, outcome: SaveOutcome, job_id: str | None) -> dict[str, object]:
        message = outcome.message
        if message is None:
            message = f"Save failed ({outcome.status_ext}) for {url}."
            if outcome.status_ext == "error:not-found":
                message = f"Server returned a 404 Not Found for {url}."
        answer: dict[str, object] = {"status": "error", "status_ext": outcome.status_ext, "message": message}
        if job_id is not None:
            answer["job_id"] = job_id
        return answer

    def _save_status(
        self, path: str, query: dict[str, list[str]], headers: dict[str, str], body: bytes
    ) -> _Response:
        job_id = path[len("/save/status/") :] if path.startswith("/save/status/") else ""
        if not job_id:
            params = dict(query)
            if body:
                params.update(parse_qs(body.decode("utf-8", "replace")))
            job_id = params.get("job_id", [""])[0]
        with self._cond:
            job = self._jobs.get(job_id)
            if job is None:
                return _json_response({"status": "error", "message": f"Job {job_id!r} not found."}, 404)
            job.polls += 1
            if job.final is not None:
                return _json_response(job.final)
            if job.polls <= job.outcome.pending_polls:
                return _json_response({"status": "pending", "job_id": job_id, "resources": []})
            outcome = job.outcome
            if outcome.result == "success":
                ts = outcome.timestamp or self.utcnow().astimezone(UTC).strftime("%Y%m%d%H%M%S")
                self.add_capture(job.url, ts, outcome.capture_status, outcome.mimetype, outcome.body)
                job.final = {
                    "status": "success",
                    "job_id": job_id,
                    "timestamp": ts,
                    "original_url": job.url,
                    "duration_sec": outcome.duration_sec,
                    "http_status": outcome.capture_status,
                    "resources": [job.url],
                }
            else:
                job.final = self._error_answer(job.url, outcome, job_id)
            return _json_response(job.final)


# --------------------------------------------------------------------------------------------------
# pytest fixture (import it into a test module or conftest.py to use it)


@pytest.fixture(name="wayback_server")
def wayback_server_fixture() -> Iterator[WaybackServer]:
    """A started WaybackServer with default limits on a FakeTime (``server.clock``; advance it
    with ``server.clock.advance(s)`` after ``assert isinstance(server.clock, FakeTime)``), SPN2
    "now" fixed at 2026-11-01 12:00:00 UTC; stopped after the test."""
    fixed = datetime(2026, 11, 1, 12, 0, 0, tzinfo=UTC)
    with WaybackServer(clock=FakeTime(), utcnow=lambda: fixed) as server:
        yield server
