"""A hostile HTTP server on 127.0.0.1 for tests: the abuses an HTTP framework will not produce.

Raw asyncio streams (the threading model of `webserver.py`): the request is read, then the path
picks the abuse. Each abuse is a coroutine that writes bytes by hand: headers that never end, a
body trickled a byte at a time, a malformed status line, an HTTP/1.0 answer framed by closing,
a reset in the middle of a body (SO_LINGER 0), silence, gzip and deflate bombs (a few KB on the
wire that would inflate to gigabytes: one compressed block of 16 MiB of zeros, repeated without
end) and an endless chunked body. Counters: requests per path and body bytes sent per path, so a
test can show how little a client read.

    with HostileServer() as server:
        httpx.get(server.url("/malformed-status"))   # raises: the status line is not HTTP
        assert server.count("/malformed-status") == 1
"""

from __future__ import annotations

import asyncio
import socket
import struct
import zlib
from collections.abc import Awaitable, Callable
from functools import cache

from webserver import _BackgroundServer, _pause, _read_head, _Reader

__all__ = ["ABUSES", "HostileServer", "bomb_block"]

_PAGE = b"<html><head><title>An old page</title></head><body><h1>An old page</h1></body></html>"
_BOMB_BLOCK_INPUT = 16 * 1024 * 1024
TRICKLE_INTERVAL = 0.1
"""Seconds between trickled bytes: far shorter than any read timeout, so only a total deadline ends it."""


@cache
def bomb_block() -> bytes:
    """Raw deflate of 16 MiB of zeros, ending on a full flush: repeatable as many times as wanted."""
    compressor = zlib.compressobj(9, zlib.DEFLATED, -zlib.MAX_WBITS)
    return compressor.compress(bytes(_BOMB_BLOCK_INPUT)) + compressor.flush(zlib.Z_FULL_FLUSH)


@cache
def _double_bomb_blocks() -> tuple[bytes, bytes]:
    """The outer layer of `gzip, gzip`: its first block carries the inner gzip header, then a block
    (1 MiB of inner stream, i.e. 1 GiB of zeros) that repeats."""
    inner = bomb_block() * 64
    first = zlib.compressobj(9, zlib.DEFLATED, -zlib.MAX_WBITS)
    head = first.compress(_GZIP_HEADER + inner) + first.flush(zlib.Z_FULL_FLUSH)
    again = zlib.compressobj(9, zlib.DEFLATED, -zlib.MAX_WBITS)
    return head, again.compress(inner) + again.flush(zlib.Z_FULL_FLUSH)


_GZIP_HEADER = b"\x1f\x8b\x08\x00" + struct.pack("<I", 0) + b"\x00\xff"
_ZLIB_HEADER = b"\x78\xda"


class HostileServer(_BackgroundServer[None]):  # it logs nothing: counters only
    """Serves one abuse per path (see `ABUSES`); any other path is a plain 404."""

    _thread_name = "test-hostile-server"

    def __init__(self) -> None:
        super().__init__()
        self._counts: dict[str, int] = {}
        self._bytes: dict[str, int] = {}

    def url(self, path: str) -> str:
        return f"{self.base_url}{path}"

    def count(self, path: str) -> int:
        with self._cond:
            return self._counts.get(path, 0)

    def bytes_sent(self, path: str) -> int:
        """Bytes written after the response head (the body, however framed)."""
        with self._cond:
            return self._bytes.get(path, 0)

    async def _handle(self, reader: _Reader, writer: asyncio.StreamWriter, connection: int) -> None:
        sock = writer.get_extra_info("socket")
        if sock is not None:  # keep the kernel from buffering megabytes ahead of the client
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_SNDBUF, 64 * 1024)
        head = await _read_head(reader)
        if head is None:
            return
        path = head.split(b" ", 2)[1].decode("latin-1").split("?", 1)[0]
        with self._cond:
            self._counts[path] = self._counts.get(path, 0) + 1
            self._cond.notify_all()
        abuse = ABUSES.get(path)
        if abuse is None:
            writer.write(b"HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\nConnection: close\r\n\r\n")
            await writer.drain()
            return
        await abuse(_Conn(self, path, reader, writer))

    def _sent(self, path: str, n: int) -> None:
        with self._cond:
            self._bytes[path] = self._bytes.get(path, 0) + n
            self._cond.notify_all()


class _Conn:
    """One client connection, as an abuse sees it."""

    def __init__(
        self, server: HostileServer, path: str, reader: _Reader, writer: asyncio.StreamWriter
    ) -> None:
        self.server, self.path, self.reader, self.writer = server, path, reader, writer

    async def head(self, text: str) -> None:
        self.writer.write(text.replace("\n", "\r\n").encode("latin-1") + b"\r\n")
        await self.writer.drain()

    async def body(self, data: bytes) -> None:
        self.writer.write(data)
        await self.writer.drain()
        self.server._sent(self.path, len(data))

    async def forever(self, first: bytes, block: bytes) -> None:
        """`first`, then `block` again and again until the client goes away."""
        await self.body(first)
        while not self.reader.gone.done():
            await self.body(block)

    async def trickle(self, data: bytes, *, counted: bool = True) -> None:
        for i in range(len(data)):
            if not await _pause(TRICKLE_INTERVAL, self.reader, self.writer):
                return
            self.writer.write(data[i : i + 1])
            await self.writer.drain()
            if counted:
                self.server._sent(self.path, 1)

    async def silence(self) -> None:
        await asyncio.wait([self.reader.gone])


async def _endless_headers(c: _Conn) -> None:
    await c.head("HTTP/1.1 200 OK")
    await c.forever(b"", b"X-Padding: " + b"a" * 1000 + b"\r\n")


async def _slow_headers(c: _Conn) -> None:
    c.writer.write(b"HTTP/1.1 200 OK\r\n")
    await c.trickle(b"X-Slow: " + b"a" * 100_000, counted=False)


async def _trickle_body(c: _Conn) -> None:
    await c.head("HTTP/1.1 200 OK\nContent-Type: text/html\nContent-Length: 1000000\n")
    await c.trickle(b"<" * 1_000_000)


async def _ten_gb(c: _Conn) -> None:
    await c.head("HTTP/1.1 200 OK\nContent-Type: text/html\nContent-Length: 10737418240\n")
    await c.forever(_PAGE, b"a" * 65536)


async def _endless_chunked(c: _Conn) -> None:
    await c.head("HTTP/1.1 200 OK\nContent-Type: text/html\nTransfer-Encoding: chunked\n")
    chunk = b"a" * 65536
    await c.forever(b"%x\r\n%b\r\n" % (len(_PAGE), _PAGE), b"%x\r\n%b\r\n" % (len(chunk), chunk))


async def _gzip_bomb(c: _Conn) -> None:
    await c.head(
        "HTTP/1.1 200 OK\nContent-Type: text/html\nContent-Encoding: gzip\nTransfer-Encoding: chunked\n"
    )
    block = bomb_block()
    framed = b"%x\r\n%b\r\n" % (len(block), block)
    await c.forever(b"%x\r\n%b\r\n" % (len(_GZIP_HEADER), _GZIP_HEADER), framed)


async def _deflate_bomb(c: _Conn) -> None:
    # framed by closing the connection (no length, no chunks): the oldest way, still legal
    await c.head("HTTP/1.1 200 OK\nContent-Type: text/html\nContent-Encoding: deflate\nConnection: close\n")
    await c.forever(_ZLIB_HEADER, bomb_block())


async def _double_gzip_bomb(c: _Conn) -> None:
    await c.head(
        "HTTP/1.1 200 OK\nContent-Type: text/html\nContent-Encoding: gzip, gzip\nConnection: close\n"
    )
    first, again = _double_bomb_blocks()
    await c.forever(_GZIP_HEADER + first, again)


async def _corrupt_gzip(c: _Conn) -> None:
    junk = b"\x1f\x8b\x08\x00\x00\x00\x00\x00\x00\xffthis is not deflate data at all" * 4
    await c.head(
        f"HTTP/1.1 200 OK\nContent-Type: text/html\nContent-Encoding: gzip\nContent-Length: {len(junk)}\n"
    )
    await c.body(junk)


async def _brotli(c: _Conn) -> None:
    # an encoding we never asked for and cannot decode: the status still counts, the body is not read
    await c.head("HTTP/1.1 200 OK\nContent-Type: text/html\nContent-Encoding: br\nContent-Length: 5\n")
    await c.body(b"\x8b\x03\x80ab")


async def _malformed_status(c: _Conn) -> None:
    await c.head("HTTP/1.1 2OO OK\nContent-Length: 0\n")


async def _not_http(c: _Conn) -> None:
    c.writer.write(b"SSH-2.0-OpenSSH_9.6p1 Ubuntu-3ubuntu13\r\n")  # an SSH server on the port
    await c.writer.drain()


async def _http10_close(c: _Conn) -> None:
    await c.head("HTTP/1.0 200 OK\nContent-Type: text/html\n")
    await c.body(_PAGE)  # then the connection closes: that is the end of the body


async def _short_body(c: _Conn) -> None:
    await c.head("HTTP/1.1 200 OK\nContent-Type: text/html\nContent-Length: 100000\n")
    await c.body(_PAGE)  # and close: 99 900 bytes are missing


async def _reset_mid_body(c: _Conn) -> None:
    await c.head("HTTP/1.1 200 OK\nContent-Type: text/html\nContent-Length: 100000\n")
    await c.body(_PAGE)
    await asyncio.sleep(0.05)
    sock = c.writer.get_extra_info("socket")
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    c.writer.transport.abort()  # close with linger 0: the client gets RST, not FIN


async def _never_answer(c: _Conn) -> None:
    await c.silence()


async def _continue_forever(c: _Conn) -> None:
    await c.head("HTTP/1.1 100 Continue\n")
    await c.trickle(b"HTTP/1.1 102 Processing\r\n\r\n" * 1000, counted=False)


ABUSES: dict[str, Callable[[_Conn], Awaitable[None]]] = {
    "/endless-headers": _endless_headers,
    "/slow-headers": _slow_headers,
    "/trickle-body": _trickle_body,
    "/ten-gb": _ten_gb,
    "/endless-chunked": _endless_chunked,
    "/gzip-bomb": _gzip_bomb,
    "/deflate-bomb": _deflate_bomb,
    "/double-gzip-bomb": _double_gzip_bomb,
    "/corrupt-gzip": _corrupt_gzip,
    "/brotli": _brotli,
    "/malformed-status": _malformed_status,
    "/not-http": _not_http,
    "/http10-close": _http10_close,
    "/short-body": _short_body,
    "/reset-mid-body": _reset_mid_body,
    "/never-answer": _never_answer,
    "/continue-forever": _continue_forever,
}
