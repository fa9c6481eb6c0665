"""The HTTP client: polite, bounded, one request at a time per call. Network I/O.

Why per-host httpx clients: one `httpx.AsyncClient` slows down quadratically with hundreds of
connections in its pool (shared/DESIGN.md; measured again here), so each host gets a small client
of its own, all sharing one SSL context. Politeness lives here too, so both link checks and archive
lookups obey it: a global limit of requests in flight, a per-host limit, a minimum interval
between request starts to one host, and per-host pauses when a server asks us to wait.

A request never raises for network trouble: it returns a `Failure` value.
"""

from __future__ import annotations

import asyncio
import socket
import ssl
import time
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field
from urllib.parse import urlsplit

import httpx

from citecheck.version import DEFAULT_USER_AGENT

ACCEPT = "text/html,application/xhtml+xml,application/xml;q=0.9,application/pdf;q=0.9,*/*;q=0.8"


@dataclass(frozen=True, slots=True)
class NetOptions:
    """How hard and how politely to ask."""

    timeout: float = 20.0
    max_concurrency: int = 128
    max_per_host: int = 4
    min_interval: float = 0.05
    max_body: int = 256 * 1024
    user_agent: str = DEFAULT_USER_AGENT
    host_limits: Mapping[str, int] = field(default_factory=dict)
    host_headers: Mapping[str, Mapping[str, str]] = field(default_factory=dict)


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


@dataclass(frozen=True, slots=True)
class Failure:
    """A request that got no HTTP response. `kind`: dns, refused, reset, tls, timeout, protocol, malformed."""

    url: str
    kind: str
    detail: str

    @property
    def network_level(self) -> bool:
        """Whether the host could not be reached at all (what "no network" looks like)."""
        return self.kind in ("dns", "refused", "unreachable")


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

    def _client(self, url: str) -> httpx.AsyncClient:
        parts = urlsplit(url)
        key = (parts.scheme, parts.netloc.lower())
        if key not in self._clients:
            limit = self.options.host_limits.get(host_key(url), self.options.max_per_host)
            headers = {
                "User-Agent": self.options.user_agent,
                "Accept": ACCEPT,
                "Accept-Language": "en;q=0.9, *;q=0.5",
            }
            headers.update(self.options.host_headers.get(host_key(url), {}))
            self._clients[key] = httpx.AsyncClient(
                verify=self._ssl,
                trust_env=True,
                follow_redirects=False,
                headers=headers,
                timeout=httpx.Timeout(self.options.timeout),
                limits=httpx.Limits(max_connections=limit, max_keepalive_connections=limit),
            )
        return self._clients[key]

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
        try:
            client = self._client(url)
        except (ValueError, httpx.InvalidURL) as err:
            return Failure(url, "malformed", f"malformed URL ({err})")
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
                    return Failure(url, "timeout", f"no complete answer within {self.options.timeout:g} s")
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
                async for chunk in response.aiter_bytes():
                    data += chunk
                    if len(data) >= self.options.max_body:
                        del data[self.options.max_body :]
                        break
            return Response(
                str(response.url), response.status_code, tuple(response.headers.multi_items()), bytes(data)
            )
        finally:
            await response.aclose()


def _failure(url: str, err: BaseException) -> Failure:
    """Name what went wrong below HTTP, from the exception and its causes."""
    chain: list[BaseException] = []
    seen: BaseException | None = err
    while seen is not None and len(chain) < 10:
        chain.append(seen)
        seen = seen.__cause__ or seen.__context__
    for exc in chain:
        if isinstance(exc, socket.gaierror):
            return Failure(url, "dns", f"the host does not resolve ({exc.strerror or exc})")
        if isinstance(exc, ssl.SSLCertVerificationError):
            return Failure(url, "tls", f"TLS certificate not valid ({exc.verify_message or exc.reason})")
        if isinstance(exc, ssl.SSLError):
            return Failure(url, "tls", f"TLS failed ({exc.reason or exc})")
        if isinstance(exc, ConnectionRefusedError):
            return Failure(url, "refused", "connection refused")
        if isinstance(exc, ConnectionResetError):
            return Failure(url, "reset", "connection reset by the server")
        if isinstance(exc, OSError) and exc.errno in (101, 113):  # ENETUNREACH, EHOSTUNREACH
            return Failure(url, "unreachable", f"network unreachable ({exc.strerror})")
    if isinstance(err, httpx.TimeoutException):
        return Failure(url, "timeout", f"timed out ({type(err).__name__})")
    if isinstance(err, httpx.UnsupportedProtocol | httpx.InvalidURL):
        return Failure(url, "malformed", f"malformed URL ({err})")
    if isinstance(err, httpx.RemoteProtocolError | httpx.ReadError | httpx.WriteError):
        return Failure(url, "protocol", f"the server broke the connection ({err or type(err).__name__})")
    if isinstance(err, httpx.ConnectError):
        return Failure(url, "refused", f"could not connect ({err})")
    return Failure(url, "protocol", f"{type(err).__name__}: {err}")
