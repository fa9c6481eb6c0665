"""The HTTP client: polite, bounded, one request at a time per call. Network I/O.

Why per-host httpx clients: one `httpx.AsyncClient` slows down quadratically with hundreds of
connections in its pool (shared/DESIGN.md; measured again here), so each host gets a small client
of its own, all sharing one SSL context. Politeness lives here too, so both link checks and archive
lookups obey it: a global limit of requests in flight, a per-host limit, a minimum interval
between request starts to one host, and per-host pauses when a server asks us to wait.

A request never raises for network trouble: it returns a `Failure` value.

Safety: a URL's `user:password@` is never sent; no cookie is kept (a Set-Cookie from one response
never goes back on a later request); a body is read only up to `max_body` decoded bytes
(`decode.py` caps what gzip/deflate inflate to). With a `GuardPolicy` active, every request's host
is checked before sending (IP literals, localhost-style names) and every direct connection at
connect time (`netguard.py`); origins in `trusted_origins` (the archive the user configured) are
exempt.

One gate decides whether a URL can be requested at all: `unrequestable`. Every request passes it
first (live checks, redirect hops, archive lookups, Save Page Now all go through `Client.request`),
and check.py asks it of a cited link and of each redirect target. It judges a URL with the parser
that will send it (httpx: IDNA 2008 hosts, IP literals, its length limit) plus what the resolver
would refuse later (empty or overlong DNS labels), so a URL urllib accepts but httpx or the
resolver would not becomes a reason, never an exception.
"""

from __future__ import annotations

import asyncio
import functools
import os
import re
import socket
import ssl
import time
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from http.cookiejar import CookieJar, DefaultCookiePolicy
from typing import Any
from urllib.parse import urlsplit

import httpx

from citecheck import credentials, defaults, netguard
from citecheck.decode import ACCEPT_ENCODING, CappedDecoder, DecodeError
from citecheck.guard import Excluded, GuardPolicy, host_refusal
from citecheck.version import DEFAULT_USER_AGENT

MAX_URL = 65_536
"""The longest URL httpx builds a request for (its own limit, checked here without parsing)."""
MAX_HOST = 253
MAX_LABEL = 63
_SHORT = 160
_CONTROL = re.compile(r"[\s\x00-\x1f\x7f-\x9f]")
"""Whitespace (as `str.isspace` has it), C0 and C1 controls and DEL: nothing a URL carries unencoded."""
ACCEPT = "text/html,application/xhtml+xml,application/xml;q=0.9,application/pdf;q=0.9,*/*;q=0.8"


@dataclass(frozen=True, slots=True)
class NetOptions:
    """How hard and how politely to ask."""

    timeout: float = defaults.TIMEOUT
    max_concurrency: int = defaults.MAX_CONCURRENCY
    max_per_host: int = defaults.MAX_PER_HOST
    min_interval: float = defaults.MIN_INTERVAL
    max_body: int = 256 * 1024
    user_agent: str = DEFAULT_USER_AGENT
    host_limits: Mapping[str, int] = field(default_factory=dict)
    host_headers: Mapping[str, Mapping[str, str]] = field(default_factory=dict)
    guard: GuardPolicy = field(default_factory=GuardPolicy)
    trusted_origins: frozenset[str] = frozenset()
    """Origins (`origin(url)`) the guard does not apply to: the archive the user configured."""


def origin(url: str) -> str:
    """`scheme://host:port` of a URL, lower-case, the port always given."""
    parts = urlsplit(url)
    scheme = parts.scheme.lower()
    port = parts.port or (443 if scheme == "https" else 80)
    return f"{scheme}://{(parts.hostname or '').lower()}:{port}"


@functools.lru_cache(maxsize=4096)
def unrequestable(url: str) -> str | None:
    """Why this URL cannot be requested (None: it can). Never raises, whatever the string.
    Remembered: a link is asked about when it is checked and again when it is requested."""
    if len(url) > MAX_URL:
        return f"it is {len(url)} characters long (at most {MAX_URL})"
    if (bad := _CONTROL.search(url)) is not None:
        return f"it contains a space or control character (U+{ord(bad.group(0)):04X})"
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018 - raises on a port out of range or not a number
    except ValueError as err:
        return _short(str(err))
    scheme = parts.scheme.lower()
    if scheme not in ("http", "https"):
        return f"not an http(s) URL ({_short(scheme) or 'no scheme'})"
    if not parts.hostname:
        return "it has no host"
    try:
        host = httpx.URL(url).raw_host
    except Exception as err:  # InvalidURL, and whatever its IDNA or UTF-8 encoding raises
        return _short(str(err) or type(err).__name__)
    return _name_problem(host)


def _name_problem(host: bytes) -> str | None:
    """What the resolver would refuse in a DNS name (IP literals pass: httpx checked them)."""
    if b":" in host:
        return None
    name = host[:-1] if host.endswith(b".") else host
    if len(name) > MAX_HOST:
        return f"the host name is {len(name)} characters long (at most {MAX_HOST})"
    for label in name.split(b"."):
        if not label:
            return "the host name has an empty label"
        if len(label) > MAX_LABEL:
            return f"a label of the host name is {len(label)} characters long (at most {MAX_LABEL})"
    return None


def _short(text: str) -> str:
    """A reason fit for one line of a report: at most `_SHORT` characters."""
    return text if len(text) <= _SHORT else f"{text[:_SHORT]}…"


@dataclass(frozen=True, slots=True)
class Response:
    """One HTTP response (no redirects followed); `body` holds at most `max_body` bytes."""

    url: str
    status: int
    headers: tuple[tuple[str, str], ...]
    body: bytes = b""

    def header(self, name: str) -> str | None:
        name = name.lower()
        return next((v for k, v in self.headers if k.lower() == name), None)


class FailureKind(StrEnum):
    """Why a request got no HTTP response (each becomes a link's status and detail in `check`)."""

    DNS = "dns"
    """The host does not resolve."""
    REFUSED = "refused"
    """The connection was refused."""
    RESET = "reset"
    """The server reset the connection."""
    UNREACHABLE = "unreachable"
    """The network is unreachable."""
    TLS = "tls"
    """TLS failed or its certificate is not valid."""
    TIMEOUT = "timeout"
    """No complete answer in time, or given up waiting."""
    PROTOCOL = "protocol"
    """The server broke HTTP or the body does not decode."""
    MALFORMED = "malformed"
    """The URL cannot be requested."""
    EXCLUDED = "excluded"
    """The network guard refused the host or a redirect."""
    RATE_LIMITED = "rate-limited"
    """The host asked us to wait longer than the run allows."""
    REDIRECT = "redirect"
    """A redirect to an address that cannot be opened."""
    LOOP = "loop"
    """A redirect loop, or too many redirects."""
    MAX_TIME = "max-time"
    """Not requested: --max-time was reached."""


@dataclass(frozen=True, slots=True)
class Failure:
    """A request that got no HTTP response, and why (`FailureKind`)."""

    url: str
    kind: FailureKind
    detail: str

    @property
    def network_level(self) -> bool:
        """Whether the host could not be reached at all (what "no network" looks like)."""
        return self.kind in (FailureKind.DNS, FailureKind.REFUSED, FailureKind.UNREACHABLE)


Clock = Callable[[], float]
Sleep = Callable[[float], Awaitable[None]]


@dataclass
class _Host:
    limit: asyncio.Semaphore
    next_start: float = 0.0
    paused_until: float = 0.0


def host_key(url: str) -> str:
    """The politeness unit: the lower-case host name (all ports and schemes of a host share it)."""
    try:
        return (urlsplit(url).hostname or "").lower()
    except ValueError:
        return ""


class Client:
    """Polite HTTP for the whole run: make one, pass it to the stages that fetch, close it once."""

    def __init__(
        self,
        options: NetOptions | None = None,
        *,
        clock: Clock = time.monotonic,
        sleep: Sleep = asyncio.sleep,
    ) -> None:
        self.options = options or NetOptions()
        self.clock = clock
        self.sleep = sleep
        self._global = asyncio.Semaphore(self.options.max_concurrency)
        self._hosts: dict[str, _Host] = {}
        self._clients: dict[tuple[str, str], httpx.AsyncClient] = {}
        self._ssl = httpx.create_ssl_context(trust_env=True)
        self.requests_sent = 0
        self.body_bytes_read = 0
        """Body bytes received from servers (still encoded), over the run."""
        self.body_bytes_decoded = 0
        """Body bytes after Content-Encoding decoding, over the run (each response at most max_body)."""

    async def __aenter__(self) -> Client:
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.aclose()

    async def aclose(self) -> None:
        clients, self._clients = list(self._clients.values()), {}
        await asyncio.gather(*(c.aclose() for c in clients), return_exceptions=True)

    def _host(self, key: str) -> _Host:
        if key not in self._hosts:
            limit = self.options.host_limits.get(key, self.options.max_per_host)
            self._hosts[key] = _Host(asyncio.Semaphore(max(1, limit)))
        return self._hosts[key]

    def pause_host(self, url: str, seconds: float) -> None:
        """Send nothing more to this host for a while (a server's Retry-After, a backoff)."""
        host = self._host(host_key(url))
        host.paused_until = max(host.paused_until, self.clock() + seconds)

    async def post_form(
        self, url: str, form: Mapping[str, str], headers: Mapping[str, str] | None = None
    ) -> Response | Failure:
        """A form POST, as polite as any request."""
        return await self.request("POST", url, headers=headers, form=form)

    def guarded(self, url: str) -> bool:
        """Whether the guard applies to this URL (it is on, and the URL is not a trusted origin)."""
        return self.options.guard.active and origin(url) not in self.options.trusted_origins

    def _client(self, url: str) -> httpx.AsyncClient:
        parts = urlsplit(url)
        key = (parts.scheme, parts.netloc.lower())  # guarded or not is fixed per origin for the run
        if key not in self._clients:
            limit = self.options.host_limits.get(host_key(url), self.options.max_per_host)
            headers = {
                "User-Agent": self.options.user_agent,
                "Accept": ACCEPT,
                "Accept-Language": "en;q=0.9, *;q=0.5",
                "Accept-Encoding": ACCEPT_ENCODING,
            }
            headers.update(self.options.host_headers.get(host_key(url), {}))
            limits = httpx.Limits(max_connections=limit, max_keepalive_connections=limit)
            self._clients[key] = httpx.AsyncClient(
                verify=self._ssl,
                trust_env=True,
                follow_redirects=False,
                headers=headers,
                cookies=CookieJar(DefaultCookiePolicy(allowed_domains=[])),  # a jar that keeps nothing
                event_hooks={"response": [_keep_location_from_httpx]},
                timeout=httpx.Timeout(self.options.timeout),
                limits=limits,
                **self._route(url, limits),
            )
        return self._clients[key]

    def _route(self, url: str, limits: httpx.Limits) -> dict[str, Any]:
        """How an origin's client connects: unguarded, as httpx reads the environment; guarded,
        through the environment's proxy for it (which resolves names itself) or directly through
        the guard's transport (a client given a transport reads no proxy from the environment)."""
        if not self.guarded(url):
            return {}
        parts = urlsplit(url)
        proxy = netguard.environment_proxy(parts.scheme, parts.hostname or "", os.environ)
        if proxy is not None:
            return {"proxy": proxy}
        return {"transport": netguard.GuardedTransport(self.options.guard, self._ssl, limits)}

    async def request(
        self,
        method: str,
        url: str,
        *,
        body: bool = True,
        headers: Mapping[str, str] | None = None,
        form: Mapping[str, str] | None = None,
    ) -> Response | Failure:
        """One request, politely: per-host limit and pacing, global limit, total deadline, capped body."""
        shown, url = url, credentials.strip(url)
        if (why := unrequestable(url)) is not None:
            return Failure(url, FailureKind.MALFORMED, f"malformed URL: {why}")
        if self.guarded(url) and (why := host_refusal(host_key(url), self.options.guard)) is not None:
            return Failure(shown, FailureKind.EXCLUDED, f"excluded: the host is {why}")
        try:
            client = self._client(url)
        except (ValueError, httpx.InvalidURL) as err:
            return Failure(url, FailureKind.MALFORMED, f"malformed URL ({err})")
        host = self._host(host_key(url))
        async with host.limit:
            while (wait := max(host.next_start, host.paused_until) - self.clock()) > 0:
                await self.sleep(wait)
            host.next_start = self.clock() + self.options.min_interval
            async with self._global:
                self.requests_sent += 1
                try:
                    async with asyncio.timeout(self.options.timeout):
                        return await self._send(client, method, url, body, headers, form)
                except TimeoutError:
                    return Failure(
                        url, FailureKind.TIMEOUT, f"no complete answer within {self.options.timeout:g} s"
                    )
                except Excluded as err:
                    return Failure(url, FailureKind.EXCLUDED, f"excluded: {err.detail}")
                except DecodeError as err:
                    return Failure(url, FailureKind.PROTOCOL, f"the body does not decode ({err})")
                except (httpx.InvalidURL, UnicodeError) as err:  # not httpx.HTTPError: the gate's backstop
                    return Failure(url, FailureKind.MALFORMED, f"malformed URL: {_short(str(err))}")
                except httpx.HTTPError as err:
                    return _failure(url, err)
                except (ssl.SSLError, OSError) as err:
                    return _failure(url, err)

    async def _send(
        self,
        client: httpx.AsyncClient,
        method: str,
        url: str,
        body: bool,
        headers: Mapping[str, str] | None,
        form: Mapping[str, str] | None = None,
    ) -> Response:
        request = client.build_request(method, url, headers=headers, data=form)
        response = await client.send(request, stream=True)
        try:
            data = bytearray()
            if body and method != "HEAD":
                decoder = CappedDecoder(response.headers.get("content-encoding"), self.options.max_body)
                raw_limit = 4 * self.options.max_body  # an encoded body that inflates to nothing ends too
                raw = 0
                async for chunk in response.aiter_raw():
                    raw += len(chunk)
                    self.body_bytes_read += len(chunk)
                    data += decoder.feed(chunk)
                    if decoder.full or not decoder.known or raw >= raw_limit:
                        break
                self.body_bytes_decoded += len(data)
            kept = [*response.headers.multi_items(), *response.extensions.get(_LOCATION, [])]
            return Response(str(response.url), response.status_code, tuple(kept), bytes(data))
        finally:
            await response.aclose()


_LOCATION = "citecheck.location"


async def _keep_location_from_httpx(response: httpx.Response) -> None:
    """Hide `Location` from httpx: it parses a redirect's target even when it does not follow it, and a
    malformed one (`javascript:x`, `http://[::1`) raises outside its own errors. check.py judges it."""
    found = response.headers.get_list("location")
    if found:
        del response.headers["location"]
        response.extensions[_LOCATION] = [("location", v) for v in found]


def _failure(url: str, err: BaseException) -> Failure:
    """Name what went wrong below HTTP, from the exception and its causes."""
    chain: list[BaseException] = []
    seen: BaseException | None = err
    while seen is not None and len(chain) < 10:
        chain.append(seen)
        seen = seen.__cause__ or seen.__context__
    for exc in chain:
        if isinstance(exc, socket.gaierror):
            return Failure(url, FailureKind.DNS, f"the host does not resolve ({exc.strerror or exc})")
        if isinstance(exc, ssl.SSLCertVerificationError):
            return Failure(
                url, FailureKind.TLS, f"TLS certificate not valid ({exc.verify_message or exc.reason})"
            )
        if isinstance(exc, ssl.SSLError):
            return Failure(url, FailureKind.TLS, f"TLS failed ({exc.reason or exc})")
        if isinstance(exc, ConnectionRefusedError):
            return Failure(url, FailureKind.REFUSED, "connection refused")
        if isinstance(exc, ConnectionResetError):
            return Failure(url, FailureKind.RESET, "connection reset by the server")
        if isinstance(exc, OSError) and exc.errno in (101, 113):  # ENETUNREACH, EHOSTUNREACH
            return Failure(url, FailureKind.UNREACHABLE, f"network unreachable ({exc.strerror})")
    if isinstance(err, httpx.TimeoutException):
        return Failure(url, FailureKind.TIMEOUT, f"timed out ({type(err).__name__})")
    if isinstance(err, httpx.UnsupportedProtocol | httpx.InvalidURL):
        return Failure(url, FailureKind.MALFORMED, f"malformed URL ({err})")
    if isinstance(err, httpx.RemoteProtocolError | httpx.ReadError | httpx.WriteError):
        return Failure(
            url, FailureKind.PROTOCOL, f"the server broke the connection ({err or type(err).__name__})"
        )
    if isinstance(err, httpx.ConnectError):
        return Failure(url, FailureKind.REFUSED, f"could not connect ({err})")
    return Failure(url, FailureKind.PROTOCOL, f"{type(err).__name__}: {err}")
