"""Tests never reach the internet: in a process where `install()` ran, only loopback names resolve
and sockets connect only to loopback addresses (or Unix sockets).

Both layers are needed: a resolver guard alone lets an IP literal (`http://192.0.2.10/`, a redirect
to `169.254.169.254`) through, and a connect guard alone would let a name reach the real DNS. The
test process installs it from conftest; every subprocess a test starts installs it through the
`sitecustomize` beside this file, which conftest puts on `PYTHONPATH`.
"""

from __future__ import annotations

import errno
import ipaddress
import socket
from typing import Any

_LOOPBACK_NAMES = ("localhost", "127.", "::1")
_installed = False


def _is_loopback_name(name: str) -> bool:
    return name.startswith(_LOOPBACK_NAMES)


def _loopback_address(address: Any) -> bool:
    if not isinstance(address, tuple) or not address:
        return True  # AF_UNIX paths and other families: not the network
    host = address[0].decode() if isinstance(address[0], bytes) else str(address[0])
    try:
        return ipaddress.ip_address(host.split("%", 1)[0]).is_loopback
    except ValueError:
        return host == "localhost"  # a name here would be resolved by C, past our resolver


def install() -> None:
    """Replace the resolver and the connect calls for the rest of the process (idempotent)."""
    global _installed
    if _installed:
        return
    _installed = True
    real_getaddrinfo = socket.getaddrinfo
    real_connect = socket.socket.connect
    real_connect_ex = socket.socket.connect_ex

    def getaddrinfo(host: Any, *args: Any, **kwargs: Any) -> Any:
        name = host.decode() if isinstance(host, bytes) else str(host)
        if not _is_loopback_name(name):
            raise socket.gaierror(socket.EAI_NONAME, "Name or service not known (tests: loopback only)")
        return real_getaddrinfo(host, *args, **kwargs)

    def refuse(address: Any) -> OSError:
        return OSError(errno.ENETUNREACH, f"tests connect to loopback only, not {address!r}")

    def connect(self: socket.socket, address: Any) -> None:
        if not _loopback_address(address):
            raise refuse(address)
        real_connect(self, address)

    def connect_ex(self: socket.socket, address: Any) -> int:
        if not _loopback_address(address):
            return errno.ENETUNREACH
        return real_connect_ex(self, address)

    socket.getaddrinfo = getaddrinfo
    socket.socket.connect = connect  # type: ignore[method-assign,assignment]
    socket.socket.connect_ex = connect_ex  # type: ignore[method-assign,assignment]
