"""The network guard at connect time: resolve, check every address, connect to a checked one. Network I/O.

Why here and not before the request: a check that resolves a name and then lets the HTTP library
resolve it again can be fooled by DNS rebinding (a public answer for the check, 127.0.0.1 for the
connection). This httpcore network backend does the only lookup itself and connects to the very
address it checked; TLS still verifies (and sends SNI for) the host name, which httpcore passes
separately. Every connection of a direct (non-proxy) client goes through it, redirect hops too.
Behind a proxy the proxy resolves names, so this backend is not used there (see `net.py`).
"""

from __future__ import annotations

import asyncio
import contextlib
import ipaddress
import socket
import ssl
from collections.abc import AsyncIterable, AsyncIterator, Iterable, Iterator, Mapping

import httpcore
import httpx

from citecheck.guard import Excluded, GuardPolicy, refusal


class GuardedBackend(httpcore.AsyncNetworkBackend):
    """Connects only to addresses the policy allows (looked up once per connection)."""

    def __init__(self, policy: GuardPolicy, inner: httpcore.AsyncNetworkBackend | None = None) -> None:
        self.policy = policy
        self.inner = inner or httpcore.AnyIOBackend()

    async def resolve(self, host: str, port: int) -> list[str]:
        """Every address the name has now (an IP literal is its own answer)."""
        try:
            infos = await asyncio.get_running_loop().getaddrinfo(host, port, type=socket.SOCK_STREAM)
        except socket.gaierror as err:
            raise httpcore.ConnectError(f"the host does not resolve ({err.strerror or err})") from err
        return list(dict.fromkeys(str(info[4][0]) for info in infos))

    async def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: Iterable[httpcore.SOCKET_OPTION] | None = None,
    ) -> httpcore.AsyncNetworkStream:
        allowed: list[str] = []
        refused: list[str] = []
        for address in await self.resolve(host, port):
            why = refusal(ipaddress.ip_address(address.split("%", 1)[0]), self.policy)
            (refused if why is not None else allowed).append(why or address)
        if not allowed:
            raise Excluded(f"{host} resolves to {refused[0]}" if refused else f"{host} has no address")
        error: Exception | None = None
        for address in allowed:
            try:
                return await self.inner.connect_tcp(address, port, timeout, local_address, socket_options)
            except (httpcore.ConnectError, httpcore.ConnectTimeout) as err:
                error = err
        assert error is not None
        raise error

    async def connect_unix_socket(
        self,
        path: str,
        timeout: float | None = None,
        socket_options: Iterable[httpcore.SOCKET_OPTION] | None = None,
    ) -> httpcore.AsyncNetworkStream:
        raise Excluded("unix sockets are not used for cited links")

    async def sleep(self, seconds: float) -> None:
        await self.inner.sleep(seconds)


def environment_proxy(scheme: str, host: str, environ: Mapping[str, str]) -> str | None:
    """The proxy the environment names for a URL's scheme and host (`HTTP_PROXY`, `HTTPS_PROXY`,
    `ALL_PROXY`, upper or lower case), None when there is none or `NO_PROXY` exempts the host
    (an entry matches the host and its subdomains, `*` every host, an address range its
    addresses): what httpx reads from the environment, for a client given its own transport."""

    def get(name: str) -> str:
        return environ.get(name.lower()) or environ.get(name.upper()) or ""

    proxy = get(f"{scheme}_proxy") or get("all_proxy")
    if not proxy or _exempt(host.lower().strip("[]"), get("no_proxy")):
        return None
    return proxy if "://" in proxy else f"http://{proxy}"


def _exempt(host: str, no_proxy: str) -> bool:
    for entry in (e.strip().lower() for e in no_proxy.split(",")):
        if not entry:
            continue
        if entry == "*":
            return True
        name = entry.split("://", 1)[-1].lstrip(".")
        if name.count(":") == 1:  # `host:port`: the port does not narrow it here
            name = name.split(":", 1)[0]
        if host == name or host.endswith(f".{name}"):
            return True
        with contextlib.suppress(ValueError):
            if ipaddress.ip_address(host) in ipaddress.ip_network(name.strip("[]"), strict=False):
                return True
    return False


class GuardedTransport(httpx.AsyncBaseTransport):
    """httpx's transport for direct connections, on a connection pool whose every connection goes
    through `GuardedBackend`. Public APIs only: an httpcore pool given its network backend, and
    httpx's transport interface (requests in, responses out, httpcore's errors as httpx's)."""

    def __init__(self, policy: GuardPolicy, ssl_context: ssl.SSLContext, limits: httpx.Limits) -> None:
        self._pool = httpcore.AsyncConnectionPool(
            ssl_context=ssl_context,
            max_connections=limits.max_connections,
            max_keepalive_connections=limits.max_keepalive_connections,
            keepalive_expiry=limits.keepalive_expiry,
            network_backend=GuardedBackend(policy),
        )

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        assert isinstance(request.stream, httpx.AsyncByteStream)
        core = httpcore.Request(
            method=request.method,
            url=httpcore.URL(
                scheme=request.url.raw_scheme,
                host=request.url.raw_host,
                port=request.url.port,
                target=request.url.raw_path,
            ),
            headers=request.headers.raw,
            content=request.stream,
            extensions=request.extensions,
        )
        with _as_httpx_errors():
            answer = await self._pool.handle_async_request(core)
        assert isinstance(answer.stream, AsyncIterable)
        return httpx.Response(
            status_code=answer.status,
            headers=answer.headers,
            stream=_Body(answer.stream),
            extensions=answer.extensions,
        )

    async def aclose(self) -> None:
        await self._pool.aclose()


class _Body(httpx.AsyncByteStream):
    """A response body read from the pool, its errors as httpx's."""

    def __init__(self, stream: AsyncIterable[bytes]) -> None:
        self._stream = stream

    async def __aiter__(self) -> AsyncIterator[bytes]:
        with _as_httpx_errors():
            async for part in self._stream:
                yield part

    async def aclose(self) -> None:
        close = getattr(self._stream, "aclose", None)
        if close is not None:
            with _as_httpx_errors():
                await close()


_ERRORS: tuple[tuple[type[Exception], type[httpx.TransportError]], ...] = (
    (httpcore.ConnectTimeout, httpx.ConnectTimeout),
    (httpcore.ReadTimeout, httpx.ReadTimeout),
    (httpcore.WriteTimeout, httpx.WriteTimeout),
    (httpcore.PoolTimeout, httpx.PoolTimeout),
    (httpcore.TimeoutException, httpx.TimeoutException),
    (httpcore.ConnectError, httpx.ConnectError),
    (httpcore.ReadError, httpx.ReadError),
    (httpcore.WriteError, httpx.WriteError),
    (httpcore.NetworkError, httpx.NetworkError),
    (httpcore.ProxyError, httpx.ProxyError),
    (httpcore.UnsupportedProtocol, httpx.UnsupportedProtocol),
    (httpcore.LocalProtocolError, httpx.LocalProtocolError),
    (httpcore.RemoteProtocolError, httpx.RemoteProtocolError),
    (httpcore.ProtocolError, httpx.ProtocolError),
)
"""httpcore's errors and httpx's, the most specific first (a read timeout is no mere timeout)."""


@contextlib.contextmanager
def _as_httpx_errors() -> Iterator[None]:
    try:
        yield
    except Exception as err:
        for core, ours in _ERRORS:
            if isinstance(err, core):
                raise ours(str(err)) from err
        raise
