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
import ipaddress
import socket
from collections.abc import Iterable

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


def install(client: httpx.AsyncClient, policy: GuardPolicy) -> None:
    """Route the client's direct connections through the guard (proxied ones reach only the proxy)."""
    transport = client._transport  # the transport for URLs no proxy mount takes
    pool = getattr(transport, "_pool", None)
    if not isinstance(pool, httpcore.AsyncConnectionPool) or isinstance(pool, httpcore.AsyncHTTPProxy):
        raise RuntimeError("httpx's transport changed shape: the network guard cannot be installed")
    pool._network_backend = GuardedBackend(policy)
