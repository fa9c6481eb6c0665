"""Real HTTP/1.1 servers on 127.0.0.1 for tests: a scriptable web server and a forward/CONNECT proxy.

Standard library only (asyncio streams). Each server runs its own event loop in a background thread,
so synchronous tests use it as a context manager (or through the ``web_server``/``proxy_server``
fixtures defined here) and talk to it with any HTTP client::

    with WebServer() as server:
        server.add("/ok", Route(body=b"hello"))
        server.add("/moved", Route(status=301, headers=[("Location", "/ok")]))
        server.add("/flaky", Route(sequence=[Route(status=429, headers=[("Retry-After", "0")]), Route()]))
        httpx.get(server.url("/ok"))
        assert server.count("/ok") == 1

Counters (log, per-path counts, in-flight maxima overall and per Host, body bytes sent per path) are
safe to read from the test thread. ``wait_idle()`` waits until every request has finished on the
server side (response sent or connection gone), which is the moment counters are final.
"""

from __future__ import annotations

import asyncio
import base64
import contextlib
import gzip as gzip_module
import socket
import ssl
import threading
import time
import traceback
import zlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from http import HTTPStatus
from types import TracebackType
from typing import Any, Generic, Literal, Self, TypeVar
from urllib.parse import SplitResult, urlsplit

import pytest

__all__ = [
    "NOT_FOUND_PAGE",
    "HeadMode",
    "ProxyRecord",
    "ProxyServer",
    "RequestRecord",
    "Route",
    "WebServer",
    "proxy_server_fixture",
    "web_server_fixture",
]

HeadMode = Literal["normal", "405", "404", "403", "close"]
_HEAD_MODES = ("normal", "405", "404", "403", "close")

NOT_FOUND_PAGE = (
    b"<!DOCTYPE html>\n<html><head><title>404 Not Found</title></head>"
    b"<body><h1>Not Found</h1><p>The requested URL was not found on this server.</p></body></html>\n"
)

_LOCALHOST = "127.0.0.1"
_HEAD_LIMIT = 64 * 1024  # longest accepted request/response head
_BODY_KEEP = 1024 * 1024  # request body bytes kept in the log; the rest is read and discarded
_FILL = b"abcdefghijklmnopqrstuvwxyz0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ.\n"  # 64 bytes
_HOP_BY_HOP = frozenset(
    {
        "connection",
        "keep-alive",
        "proxy-connection",
        "proxy-authorization",
        "proxy-authenticate",
        "te",
        "trailer",
        "transfer-encoding",
        "upgrade",
        "content-length",
    }
)


@dataclass
class Route:
    """What the server answers for one path (and optionally one virtual host).

    ``status``/``headers``/``body``: the response; headers are (name, value) pairs, repeats allowed.
    Content-Length (or chunked framing), Content-Encoding for ``gzip`` and a default Content-Type are
    added unless ``headers`` already has them. If ``headers`` sets Content-Length or
    Transfer-Encoding itself, the body is sent verbatim and the connection closed afterwards (for
    deliberately broken framing).

    ``delay``: seconds to wait before sending the response head.
    ``head``: HEAD handling: "normal" (same status/headers, no body), "405"/"404"/"403" (that status,
    empty body) or "close" (close the connection without answering).
    ``body_size``: stream a generated body of this many bytes instead of ``body`` (never held in memory).
    ``chunk_size``/``chunk_delay``: the body is written in pieces of ``chunk_size`` bytes with
    ``chunk_delay`` seconds between pieces.
    ``never_answer``: read the request, then never respond; the request stays in flight until the
    client closes the connection (or the server stops).
    ``sequence``: the Nth request (0-based) to this path gets ``sequence[min(N, len - 1)]``; the
    other fields of this route are then ignored.
    ``gzip``: send the body gzip-encoded (``Content-Encoding: gzip``); with ``body_size`` the
    compressed stream is sent chunked.
    ``hold``: hold each request (before ``delay``) until ``hold`` requests to this Route object are
    held at once, then release them all; later requests pass straight through (until
    ``WebServer.reset()``). Add the same Route object at several paths/hosts to share one barrier.
    Makes in-flight counts deterministic. ``WebServer.release()`` opens a barrier by hand.
    ``chunked``: use ``Transfer-Encoding: chunked`` instead of Content-Length.
    ``close``: close the connection after this response (sends ``Connection: close``).
    ``content_type``: Content-Type added when ``headers`` has none (None: add nothing).
    ``reason``: reason phrase (default: the standard one for ``status``).
    """

    status: int = 200
    headers: list[tuple[str, str]] = field(default_factory=list)
    body: bytes = b""
    delay: float = 0.0
    head: HeadMode = "normal"
    body_size: int | None = None
    chunk_size: int = 64 * 1024
    chunk_delay: float = 0.0
    never_answer: bool = False
    sequence: list[Route] | None = None
    gzip: bool = False
    hold: int | None = None
    chunked: bool = False
    close: bool = False
    content_type: str | None = "text/html; charset=utf-8"
    reason: str | None = None

    def __post_init__(self) -> None:
        if self.head not in _HEAD_MODES:
            raise ValueError(f"head must be one of {_HEAD_MODES}, not {self.head!r}")
        if self.sequence is not None and not self.sequence:
            raise ValueError("sequence must not be empty")
        if self.sequence is not None and any(r.sequence is not None for r in self.sequence):
            raise ValueError("sequence entries cannot have sequences themselves")
        if self.chunk_size < 1:
            raise ValueError("chunk_size must be positive")
        if self.body_size is not None and self.body_size < 0:
            raise ValueError("body_size must not be negative")
        if self.hold is not None and self.hold < 1:
            raise ValueError("hold must be at least 1")
        if not 100 <= self.status <= 999:
            raise ValueError(f"bad status {self.status}")


@dataclass(frozen=True)
class RequestRecord:
    """One request as the web server received it."""

    method: str
    target: str  # request-target as sent, e.g. "/a/b?q=1"
    path: str  # target without the query
    host: str | None  # Host header as sent (None when absent)
    headers: dict[str, str]  # lower-cased names; repeated headers joined with ", "
    body: bytes  # request body (first 1 MiB)
    time: float  # time.monotonic() when the request had been read
    connection: int  # serial number (1-based) of the TCP connection it came on


@dataclass(frozen=True)
class ProxyRecord:
    """One request the proxy accepted: a CONNECT tunnel or an absolute-form forward."""

    method: str
    target: str  # request-target as sent to the proxy
    host: str  # host it was meant for
    port: int
    headers: dict[str, str]
    time: float


class _BadRequest(Exception):
    pass


class _ClientGone(Exception):
    pass


# --------------------------------------------------------------------------------------------------
# HTTP/1.1 message helpers


async def _read_head(reader: asyncio.StreamReader, refuse_tls: bool = False) -> bytes | None:
    """The bytes of the next message head, or None on a clean EOF before any byte. With
    `refuse_tls`, a TLS handshake on this plain port is refused at once, as real servers do
    (nginx answers 400), rather than waited on for a head that never comes."""
    first = b""
    try:
        first = await reader.readexactly(1)
        if refuse_tls and first == _TLS_HANDSHAKE:
            raise _BadRequest("a TLS handshake on a plain HTTP port")
        data = first + await reader.readuntil(b"\r\n\r\n")
    except asyncio.IncompleteReadError as exc:
        if not (first + exc.partial).strip():
            return None
        raise _BadRequest("truncated message head") from exc
    except asyncio.LimitOverrunError as exc:
        raise _BadRequest("message head too large") from exc
    return data


_TLS_HANDSHAKE = b"\x16"
"""The first byte of a TLS record that opens a handshake (a ClientHello)."""


def _parse_head(data: bytes) -> tuple[str, list[tuple[str, str]]]:
    lines = data.decode("latin-1").lstrip("\r\n").split("\r\n")
    headers: list[tuple[str, str]] = []
    for line in lines[1:]:
        if not line:
            continue
        name, sep, value = line.partition(":")
        if not sep or not name or name != name.strip():
            raise _BadRequest(f"bad header line {line!r}")
        headers.append((name, value.strip()))
    return lines[0], headers


def _parse_request(data: bytes) -> tuple[str, str, str, list[tuple[str, str]]]:
    start, headers = _parse_head(data)
    parts = start.split(" ")
    if len(parts) != 3 or not parts[0] or not parts[1] or not parts[2].startswith("HTTP/1."):
        raise _BadRequest(f"bad request line {start!r}")
    return parts[0], parts[1], parts[2], headers


def _header_dict(headers: list[tuple[str, str]]) -> dict[str, str]:
    result: dict[str, str] = {}
    for name, value in headers:
        key = name.lower()
        result[key] = f"{result[key]}, {value}" if key in result else value
    return result


def _tokens(value: str | None) -> set[str]:
    return {t.strip().lower() for t in (value or "").split(",") if t.strip()}


async def _read_exactly_keep(reader: asyncio.StreamReader, n: int, keep: bytearray) -> None:
    while n > 0:
        data = await reader.readexactly(min(n, 64 * 1024))
        n -= len(data)
        room = _BODY_KEEP - len(keep)
        if room > 0:
            keep += data[:room]


async def _read_body(reader: asyncio.StreamReader, headers: dict[str, str]) -> bytes:
    """Read a request body framed by Content-Length or chunked encoding; keep the first 1 MiB."""
    keep = bytearray()
    if "chunked" in _tokens(headers.get("transfer-encoding")):
        while True:
            line = await reader.readuntil(b"\r\n")
            try:
                size = int(line.split(b";", 1)[0].strip(), 16)
            except ValueError as exc:
                raise _BadRequest("bad chunk size") from exc
            if size == 0:
                while (await reader.readuntil(b"\r\n")) != b"\r\n":  # trailers
                    pass
                return bytes(keep)
            await _read_exactly_keep(reader, size, keep)
            if await reader.readexactly(2) != b"\r\n":
                raise _BadRequest("bad chunk terminator")
    length = headers.get("content-length")
    if length is None:
        return b""
    if not length.isdigit():
        raise _BadRequest(f"bad Content-Length {length!r}")
    await _read_exactly_keep(reader, int(length), keep)
    return bytes(keep)


def _hostname(host: str | None) -> str:
    """Host header value without port, lower-cased ("" when absent)."""
    if not host:
        return ""
    host = host.strip().lower()
    if host.startswith("["):
        end = host.find("]")
        return host[: end + 1] if end != -1 else host
    name, sep, port = host.rpartition(":")
    return name if sep and port.isdigit() else host


def _status_line(status: int, reason: str | None = None) -> bytes:
    if reason is None:
        try:
            reason = HTTPStatus(status).phrase
        except ValueError:
            reason = "Unknown"
    return f"HTTP/1.1 {status} {reason}\r\n".encode("latin-1")


def _encode_head(status: int, headers: list[tuple[str, str]], reason: str | None = None) -> bytes:
    lines = b"".join(f"{name}: {value}\r\n".encode("latin-1") for name, value in headers)
    return _status_line(status, reason) + lines + b"\r\n"


def _generated(size: int, chunk_size: int) -> Iterator[bytes]:
    block = (_FILL * (chunk_size // len(_FILL) + 1))[:chunk_size]
    while size > 0:
        n = min(size, chunk_size)
        yield block if n == chunk_size else block[:n]
        size -= n


def _pieces(data: bytes, chunk_size: int) -> Iterator[bytes]:
    for start in range(0, len(data), chunk_size):
        yield data[start : start + chunk_size]


def _gzip_stream(source: Iterator[bytes]) -> Iterator[bytes]:
    compressor = zlib.compressobj(6, zlib.DEFLATED, 31)
    for piece in source:
        out = compressor.compress(piece)
        if out:
            yield out
    yield compressor.flush()


class _Reader(asyncio.StreamReader):
    """A StreamReader whose ``gone`` future completes when the peer closes or resets the connection
    (even while nobody is reading). A half-close counts as gone."""

    def __init__(self, limit: int, loop: asyncio.AbstractEventLoop) -> None:
        super().__init__(limit=limit, loop=loop)
        self.gone: asyncio.Future[None] = loop.create_future()

    def feed_eof(self) -> None:
        super().feed_eof()
        self._mark_gone()

    def set_exception(self, exc: Exception) -> None:
        super().set_exception(exc)
        self._mark_gone()

    def _mark_gone(self) -> None:
        if not self.gone.done():
            self.gone.set_result(None)


def _gone(reader: _Reader, writer: asyncio.StreamWriter) -> bool:
    return reader.gone.done() or writer.is_closing()


async def _pause(seconds: float, reader: _Reader, writer: asyncio.StreamWriter) -> bool:
    """Sleep, but return False as soon as the client goes away."""
    if _gone(reader, writer):
        return False
    await asyncio.wait([reader.gone], timeout=seconds)
    return not _gone(reader, writer)


# --------------------------------------------------------------------------------------------------
# Threading model shared by both servers


R = TypeVar("R")


class _BackgroundServer(Generic[R]):
    """An asyncio server on 127.0.0.1:0 whose event loop runs in a daemon thread, keeping a log of
    what it received (records of type `R`)."""

    _thread_name = "test-server"

    def __init__(self) -> None:
        self._loop: asyncio.AbstractEventLoop | None = None
        self._thread: threading.Thread | None = None
        self._server: asyncio.Server | None = None
        self._tasks: set[asyncio.Task[Any]] = set()
        self._port = 0
        self._stopping = False
        self._cond = threading.Condition(threading.RLock())
        self._errors: list[str] = []
        self._connections = 0
        self._log: list[R] = []
        self.ssl_context: ssl.SSLContext | None = None  # set before start() to serve HTTPS

    @property
    def log(self) -> list[R]:
        """Every request received, in order."""
        with self._cond:
            return list(self._log)

    @property
    def total_requests(self) -> int:
        """Number of requests received."""
        with self._cond:
            return len(self._log)

    # lifecycle ------------------------------------------------------------------------------------

    def start(self) -> Self:
        """Start listening on 127.0.0.1 (a free port) in a background thread."""
        if self._thread is not None:
            raise RuntimeError("server already started")
        self._stopping = False
        loop = asyncio.new_event_loop()
        loop.set_exception_handler(self._loop_exception)
        thread = threading.Thread(target=self._run_loop, args=(loop,), name=self._thread_name, daemon=True)
        thread.start()
        try:
            self._port = asyncio.run_coroutine_threadsafe(self._open(), loop).result(timeout=10)
        except BaseException:
            loop.call_soon_threadsafe(loop.stop)
            thread.join(timeout=10)
            raise
        self._loop, self._thread = loop, thread
        return self

    def stop(self) -> None:
        """Close the listener and every open connection, stop the loop and join the thread."""
        loop, thread = self._loop, self._thread
        if loop is None or thread is None:
            return
        with contextlib.suppress(Exception):
            asyncio.run_coroutine_threadsafe(self._shutdown(), loop).result(timeout=10)
        loop.call_soon_threadsafe(loop.stop)
        thread.join(timeout=10)
        self._loop = self._thread = None
        self._server = None

    def __enter__(self) -> Self:
        return self.start()

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.stop()

    @staticmethod
    def _run_loop(loop: asyncio.AbstractEventLoop) -> None:
        asyncio.set_event_loop(loop)
        try:
            loop.run_forever()
        finally:
            pending = asyncio.all_tasks(loop)
            for task in pending:
                task.cancel()
            if pending:
                loop.run_until_complete(asyncio.gather(*pending, return_exceptions=True))
            loop.run_until_complete(loop.shutdown_asyncgens())
            loop.close()

    async def _open(self) -> int:
        loop = asyncio.get_running_loop()

        def protocol() -> asyncio.StreamReaderProtocol:  # what asyncio.start_server does, with _Reader
            return asyncio.StreamReaderProtocol(_Reader(_HEAD_LIMIT, loop), self._client_connected, loop=loop)

        self._server = await loop.create_server(protocol, _LOCALHOST, 0, backlog=2048, ssl=self.ssl_context)
        port: int = self._server.sockets[0].getsockname()[1]
        return port

    async def _shutdown(self) -> None:
        self._stopping = True
        if self._server is not None:
            self._server.close()
        tasks = list(self._tasks)
        for task in tasks:
            task.cancel()
        if tasks:
            await asyncio.wait(tasks, timeout=5)
        if self._server is not None:
            with contextlib.suppress(Exception):
                await asyncio.wait_for(self._server.wait_closed(), 5)

    def _loop_exception(self, loop: asyncio.AbstractEventLoop, context: dict[str, Any]) -> None:
        exc = context.get("exception")
        if isinstance(exc, ConnectionError | asyncio.CancelledError):
            return
        self._record_error(f"event loop: {context.get('message')} {exc!r}")

    def _record_error(self, message: str) -> None:
        with self._cond:
            self._errors.append(message)

    def _call_in_loop(self, fn: Callable[[], None]) -> None:
        """Run fn in the server's loop thread (or directly when not running) and wait for it."""
        loop = self._loop
        if loop is None or threading.current_thread() is self._thread:
            fn()
            return

        async def run() -> None:
            fn()

        asyncio.run_coroutine_threadsafe(run(), loop).result(timeout=10)

    # connections ----------------------------------------------------------------------------------

    async def _client_connected(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        assert isinstance(reader, _Reader)
        task = asyncio.current_task()
        if task is not None:
            self._tasks.add(task)
        with self._cond:
            self._connections += 1
            connection = self._connections
        try:
            await self._handle(reader, writer, connection)
        except (
            asyncio.CancelledError,
            ConnectionError,
            TimeoutError,
            asyncio.IncompleteReadError,
            _ClientGone,
        ):
            pass
        except Exception as exc:
            self._record_error(f"{type(exc).__name__}: {exc}\n{traceback.format_exc()}")
        finally:
            if task is not None:
                self._tasks.discard(task)
            await self._close_writer(writer)

    async def _close_writer(self, writer: asyncio.StreamWriter) -> None:
        if self._stopping or writer.is_closing():
            writer.transport.abort()
            return
        writer.close()
        try:
            await asyncio.wait_for(writer.wait_closed(), 2)
        except (Exception, asyncio.CancelledError):
            writer.transport.abort()

    async def _handle(self, reader: _Reader, writer: asyncio.StreamWriter, connection: int) -> None:
        raise NotImplementedError

    # public properties ----------------------------------------------------------------------------

    @property
    def port(self) -> int:
        """The port the server listens on (0 before start())."""
        return self._port

    @property
    def address(self) -> tuple[str, int]:
        """("127.0.0.1", port)."""
        return (_LOCALHOST, self._port)

    @property
    def base_url(self) -> str:
        """ "http://127.0.0.1:PORT"."""
        if self._thread is None:
            raise RuntimeError("server not started")
        scheme = "https" if self.ssl_context is not None else "http"
        return f"{scheme}://{_LOCALHOST}:{self._port}"

    @property
    def connections(self) -> int:
        """TCP connections accepted so far."""
        with self._cond:
            return self._connections

    @property
    def errors(self) -> list[str]:
        """Unexpected exceptions inside the server (tests should expect this to be empty)."""
        with self._cond:
            return list(self._errors)

    def wait_for(self, predicate: Callable[[], bool], timeout: float = 5.0) -> bool:
        """Wait until predicate() is true; it is re-checked whenever the server's counters change."""
        with self._cond:
            return self._cond.wait_for(predicate, timeout)


# --------------------------------------------------------------------------------------------------
# The web server


def _open_barrier(state: _Hold) -> None:
    if not state.released.done():
        state.released.set_result(None)


@dataclass
class _Hold:
    route: Route  # keeps the Route alive so its id() stays unique
    released: asyncio.Future[None]
    waiting: int = 0


class WebServer(_BackgroundServer[RequestRecord]):
    """A scriptable HTTP/1.1 origin server on 127.0.0.1 with a request log and counters."""

    _thread_name = "test-webserver"

    def __init__(
        self,
        *,
        hold_timeout: float = 10.0,
        send_buffer: int | None = 256 * 1024,
        ssl_context: ssl.SSLContext | None = None,
        refuse_tls: bool = False,
    ) -> None:
        """``hold_timeout``: seconds after which a held request proceeds anyway (and is counted in
        ``hold_timeouts``). ``send_buffer``: SO_SNDBUF for accepted sockets (keeps the kernel from
        buffering many MB ahead of a slow client so ``bytes_sent`` stays close to what the client
        read; None leaves the OS default). ``refuse_tls``: answer a TLS handshake on the plain
        port with 400 at once, as nginx does (default: wait for a head, as a bare server does)."""
        super().__init__()
        self.refuse_tls = refuse_tls
        self.ssl_context = ssl_context
        self.hold_timeout = hold_timeout
        self.send_buffer = send_buffer
        self._routes: dict[tuple[str | None, str], Route] = {}
        self._not_found = Route(status=404, body=NOT_FOUND_PAGE)
        # loop-thread state
        self._sequence_pos: dict[tuple[str | None, str], int] = {}
        self._holds: dict[int, _Hold] = {}
        # counters, guarded by self._cond
        self._path_counts: dict[str, int] = {}
        self._in_flight = 0
        self._max_in_flight = 0
        self._in_flight_by_host: dict[str, int] = {}
        self._max_in_flight_by_host: dict[str, int] = {}
        self._bytes_sent: dict[str, int] = {}
        self._hold_timeouts = 0

    # configuration --------------------------------------------------------------------------------

    def url(self, path: str = "/") -> str:
        """Absolute URL of path on this server."""
        if not path.startswith("/"):
            raise ValueError(f"path must start with '/': {path!r}")
        return self.base_url + path

    def set_default(self, route: Route) -> None:
        """Answer every path that has no route of its own with this route (a catch-all site)."""
        self._not_found = route

    def add(self, path: str, route: Route | None = None, *, host: str | None = None) -> Route:
        """Serve route at path (a path, or a path with query for an exact-query match) for requests
        whose Host (port ignored, case-insensitive) is host; host None matches any host. Returns the
        route. Replacing a route resets its sequence position."""
        if not path.startswith("/"):
            raise ValueError(f"path must start with '/': {path!r}")
        route = route if route is not None else Route()
        key = (_hostname(host) or None, path)
        with self._cond:
            self._routes[key] = route

        def reset_position() -> None:
            self._sequence_pos.pop(key, None)

        self._call_in_loop(reset_position)
        return route

    def redirect(self, path: str, location: str, status: int = 302, *, host: str | None = None) -> Route:
        """Shortcut for add(path, Route(status=status, headers=[("Location", location)]))."""
        return self.add(path, Route(status=status, headers=[("Location", location)]), host=host)

    def release(self, path: str | None = None, *, host: str | None = None) -> None:
        """Open the hold barrier of the route at (host, path) (and its sequence entries), or of every
        route when path is None, releasing the requests it holds."""

        def do_release() -> None:
            with self._cond:
                if path is None:
                    routes = list(self._routes.values())
                else:
                    route = self._routes.get((_hostname(host) or None, path))
                    routes = [route] if route is not None else []
            for route in routes:
                for r in [route, *(route.sequence or [])]:
                    if r.hold is not None:
                        _open_barrier(self._hold_state(r))

        self._call_in_loop(do_release)

    def reset(self) -> None:
        """Clear the log and every counter, rewind sequences and re-arm hold barriers (routes stay)."""

        def do_reset() -> None:
            self._sequence_pos.clear()
            for state in self._holds.values():
                _open_barrier(state)  # let anything still held go
            self._holds.clear()

        self._call_in_loop(do_reset)
        with self._cond:
            self._log.clear()
            self._path_counts.clear()
            self._max_in_flight = self._in_flight
            self._max_in_flight_by_host = {h: n for h, n in self._in_flight_by_host.items() if n}
            self._bytes_sent.clear()
            self._hold_timeouts = 0
            self._errors.clear()

    # counters ---------------------------------------------------------------------------------------

    def count(self, path: str, host: str | None = None) -> int:
        """Requests received for path (query ignored), optionally only those with that Host."""
        with self._cond:
            if host is None:
                return self._path_counts.get(path, 0)
            name = _hostname(host)
            return sum(1 for r in self._log if r.path == path and _hostname(r.host) == name)

    @property
    def path_counts(self) -> dict[str, int]:
        """Requests received per path (query ignored)."""
        with self._cond:
            return dict(self._path_counts)

    @property
    def in_flight(self) -> int:
        """Requests received whose response is not yet fully sent (and connection still open)."""
        with self._cond:
            return self._in_flight

    @property
    def max_in_flight(self) -> int:
        """Highest number of requests in flight at once."""
        with self._cond:
            return self._max_in_flight

    def max_in_flight_for(self, host: str) -> int:
        """Highest number of requests in flight at once with this Host (port ignored)."""
        with self._cond:
            return self._max_in_flight_by_host.get(_hostname(host), 0)

    @property
    def max_in_flight_by_host(self) -> dict[str, int]:
        """max_in_flight_for, for every Host seen (keys: lower-cased host names without port)."""
        with self._cond:
            return dict(self._max_in_flight_by_host)

    def bytes_sent(self, path: str) -> int:
        """Body bytes (after gzip, without chunk framing) written and drained for path."""
        with self._cond:
            return self._bytes_sent.get(path, 0)

    @property
    def bytes_sent_by_path(self) -> dict[str, int]:
        """bytes_sent for every path."""
        with self._cond:
            return dict(self._bytes_sent)

    @property
    def hold_timeouts(self) -> int:
        """Held requests that gave up waiting after hold_timeout seconds."""
        with self._cond:
            return self._hold_timeouts

    def wait_idle(self, timeout: float = 5.0) -> bool:
        """Wait until no request is in flight (counters are then final); False on timeout."""
        return self.wait_for(lambda: self._in_flight == 0, timeout)

    def wait_for_requests(self, n: int, timeout: float = 5.0) -> bool:
        """Wait until at least n requests have been received; False on timeout."""
        return self.wait_for(lambda: len(self._log) >= n, timeout)

    # serving ------------------------------------------------------------------------------------------

    def _tune_socket(self, writer: asyncio.StreamWriter) -> None:
        sock = writer.get_extra_info("socket")
        if sock is not None and self.send_buffer:
            with contextlib.suppress(OSError):
                sock.setsockopt(socket.SOL_SOCKET, socket.SO_SNDBUF, self.send_buffer)

    def _begin(self, record: RequestRecord, host: str) -> None:
        with self._cond:
            self._log.append(record)
            self._path_counts[record.path] = self._path_counts.get(record.path, 0) + 1
            self._in_flight += 1
            self._max_in_flight = max(self._max_in_flight, self._in_flight)
            n = self._in_flight_by_host.get(host, 0) + 1
            self._in_flight_by_host[host] = n
            self._max_in_flight_by_host[host] = max(self._max_in_flight_by_host.get(host, 0), n)
            self._cond.notify_all()

    def _end(self, host: str) -> None:
        with self._cond:
            self._in_flight -= 1
            self._in_flight_by_host[host] -= 1
            self._cond.notify_all()

    def _add_bytes(self, path: str, n: int) -> None:
        with self._cond:
            self._bytes_sent[path] = self._bytes_sent.get(path, 0) + n
            self._cond.notify_all()

    def _resolve(self, host: str, target: str, path: str) -> tuple[Route, tuple[str | None, str]]:
        with self._cond:
            for key in ((host, target), (host, path), (None, target), (None, path)):
                route = self._routes.get(key)
                if route is not None:
                    return route, key
        return self._not_found, (None, "\0not-found")

    def _hold_state(self, route: Route) -> _Hold:
        state = self._holds.get(id(route))
        if state is None:
            state = self._holds[id(route)] = _Hold(route, asyncio.get_running_loop().create_future())
        return state

    async def _hold(self, route: Route, reader: _Reader, writer: asyncio.StreamWriter) -> bool:
        """Wait at route's barrier; False if the client went away meanwhile."""
        assert route.hold is not None
        state = self._hold_state(route)
        if state.released.done():
            return True
        state.waiting += 1
        if state.waiting >= route.hold:
            _open_barrier(state)
            return True
        try:
            await asyncio.wait(
                [state.released, reader.gone], timeout=self.hold_timeout, return_when=asyncio.FIRST_COMPLETED
            )
        finally:
            if not state.released.done():
                state.waiting -= 1
        if state.released.done():
            return True
        if _gone(reader, writer):
            return False
        with self._cond:
            self._hold_timeouts += 1
            self._cond.notify_all()
        return True

    async def _handle(self, reader: _Reader, writer: asyncio.StreamWriter, connection: int) -> None:
        self._tune_socket(writer)
        while True:
            try:
                data = await _read_head(reader, self.refuse_tls)
                if data is None:
                    return
                method, target, version, header_list = _parse_request(data)
                headers = _header_dict(header_list)
                body = await _read_body(reader, headers)
            except (_BadRequest, asyncio.LimitOverrunError):
                writer.write(_encode_head(400, [("Content-Length", "0"), ("Connection", "close")]))
                await writer.drain()
                return
            route_host = _hostname(headers.get("host"))
            lookup = target
            if target.lower().startswith(("http://", "https://")):  # absolute-form (we were used as a proxy)
                parts = urlsplit(target)
                route_host = _hostname(parts.netloc)
                lookup = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
            path = lookup.split("?", 1)[0]
            record = RequestRecord(
                method, target, path, headers.get("host"), headers, body, time.monotonic(), connection
            )
            connection_tokens = _tokens(headers.get("connection"))
            keep_alive = (
                "keep-alive" in connection_tokens
                if version == "HTTP/1.0"
                else "close" not in connection_tokens
            )
            self._begin(record, route_host)
            try:
                keep_alive = await self._respond(reader, writer, record, route_host, lookup, keep_alive)
            finally:
                self._end(route_host)
            if not keep_alive:
                return

    async def _respond(
        self,
        reader: _Reader,
        writer: asyncio.StreamWriter,
        record: RequestRecord,
        host: str,
        lookup: str,
        keep_alive: bool,
    ) -> bool:
        """Answer one request; returns whether the connection stays open."""
        route, key = self._resolve(host, lookup, record.path)
        if route.sequence is not None:
            position = self._sequence_pos.get(key, 0)
            self._sequence_pos[key] = position + 1
            route = route.sequence[min(position, len(route.sequence) - 1)]
        if route.hold is not None and not await self._hold(route, reader, writer):
            return False
        if route.delay > 0 and not await _pause(route.delay, reader, writer):
            return False
        if route.never_answer:
            await asyncio.wait([reader.gone])
            return False
        is_head = record.method.upper() == "HEAD"
        if is_head and route.head == "close":
            return False
        if is_head and route.head != "normal":
            status = int(route.head)
            extra = [("Allow", "GET")] if status == 405 else []
            closing = [("Connection", "close")] if not keep_alive else []
            writer.write(_encode_head(status, [*extra, ("Content-Length", "0"), *closing]))
            await writer.drain()
            return keep_alive

        names = {name.lower() for name, _ in route.headers}
        user_framing = bool(names & {"content-length", "transfer-encoding"})
        keep_alive = keep_alive and not route.close and not user_framing
        has_body = route.status >= 200 and route.status not in (204, 304)
        headers = list(route.headers)
        if has_body and route.content_type is not None and "content-type" not in names:
            headers.append(("Content-Type", route.content_type))
        if route.gzip and has_body and "content-encoding" not in names:
            headers.append(("Content-Encoding", "gzip"))

        payload: Iterator[bytes] = iter(())
        chunked = False
        if route.body_size is not None:
            generated = _generated(route.body_size, route.chunk_size)
            payload = _gzip_stream(generated) if route.gzip else generated
            length: int | None = None if route.gzip else route.body_size
        else:
            body = gzip_module.compress(route.body, mtime=0) if route.gzip else route.body
            payload = _pieces(body, route.chunk_size)
            length = len(body)
        if has_body and not user_framing:
            if route.chunked or length is None:
                headers.append(("Transfer-Encoding", "chunked"))
                chunked = True
            else:
                headers.append(("Content-Length", str(length)))
        if not keep_alive:
            headers.append(("Connection", "close"))

        writer.write(_encode_head(route.status, headers, route.reason))
        await writer.drain()
        if has_body and not is_head:
            await self._send_body(reader, writer, payload, chunked, route.chunk_delay, record.path)
        return keep_alive

    async def _send_body(
        self,
        reader: _Reader,
        writer: asyncio.StreamWriter,
        payload: Iterator[bytes],
        chunked: bool,
        chunk_delay: float,
        path: str,
    ) -> None:
        first = True
        for piece in payload:
            if not piece:
                continue
            if not first and chunk_delay > 0 and not await _pause(chunk_delay, reader, writer):
                raise _ClientGone
            first = False
            if _gone(reader, writer):
                raise _ClientGone
            writer.write(b"%x\r\n%b\r\n" % (len(piece), piece) if chunked else piece)
            await writer.drain()
            self._add_bytes(path, len(piece))
        if chunked:
            writer.write(b"0\r\n\r\n")
            await writer.drain()


# --------------------------------------------------------------------------------------------------
# The proxy


class ProxyServer(_BackgroundServer[ProxyRecord]):
    """A forward HTTP proxy on 127.0.0.1: absolute-form requests (``GET http://host:port/path``) are
    forwarded, ``CONNECT host:port`` opens a tunnel. One request per client connection (responses
    carry ``Connection: close``)."""

    _thread_name = "test-proxy"

    def __init__(
        self,
        *,
        upstream: tuple[str, int] | None = None,
        auth: tuple[str, str] | None = None,
        connect_timeout: float = 5.0,
    ) -> None:
        """``upstream``: send every forward and tunnel to this address instead of the named host
        (so URLs on made-up host names such as http://a.test/ reach a WebServer, Host preserved).
        ``auth``: (user, password) required as Proxy-Authorization Basic; else 407."""
        super().__init__()
        self.upstream = upstream
        self.auth = auth
        self.connect_timeout = connect_timeout
        self._rejected = 0

    @property
    def url(self) -> str:
        """The proxy URL for clients, e.g. "http://127.0.0.1:PORT"."""
        return self.base_url

    @property
    def count(self) -> int:
        """Requests accepted for proxying (forwards plus CONNECTs)."""
        return self.total_requests

    @property
    def connect_count(self) -> int:
        """CONNECT tunnels requested."""
        with self._cond:
            return sum(1 for r in self._log if r.method == "CONNECT")

    @property
    def forward_count(self) -> int:
        """Absolute-form requests forwarded."""
        with self._cond:
            return sum(1 for r in self._log if r.method != "CONNECT")

    @property
    def rejected(self) -> int:
        """Requests refused (bad request or missing/wrong credentials)."""
        with self._cond:
            return self._rejected

    async def _reply(self, writer: asyncio.StreamWriter, status: int, extra: list[tuple[str, str]]) -> None:
        body = f"{status} {HTTPStatus(status).phrase}\n".encode()
        headers = [*extra, ("Content-Type", "text/plain"), ("Content-Length", str(len(body)))]
        writer.write(_encode_head(status, [*headers, ("Connection", "close")]) + body)
        await writer.drain()

    async def _reject(self, writer: asyncio.StreamWriter, status: int, extra: list[tuple[str, str]]) -> None:
        with self._cond:
            self._rejected += 1
            self._cond.notify_all()
        await self._reply(writer, status, extra)

    async def _handle(self, reader: _Reader, writer: asyncio.StreamWriter, connection: int) -> None:
        try:
            data = await _read_head(reader)
            if data is None:
                return
            method, target, _version, header_list = _parse_request(data)
            headers = _header_dict(header_list)
            body = b"" if method == "CONNECT" else await _read_body(reader, headers)
        except _BadRequest:
            await self._reject(writer, 400, [])
            return
        if self.auth is not None:
            token = base64.b64encode(f"{self.auth[0]}:{self.auth[1]}".encode()).decode()
            if headers.get("proxy-authorization", "") != f"Basic {token}":
                await self._reject(writer, 407, [("Proxy-Authenticate", 'Basic realm="test-proxy"')])
                return
        if method == "CONNECT":
            host, _, port_text = target.rpartition(":")
            host = host.strip("[]")
            if not host or not port_text.isdigit():
                await self._reject(writer, 400, [])
                return
            self._note(ProxyRecord(method, target, host, int(port_text), headers, time.monotonic()))
            await self._tunnel(reader, writer, host, int(port_text))
            return
        parts = urlsplit(target)
        if parts.scheme.lower() != "http" or not parts.hostname:
            await self._reject(writer, 400, [])
            return
        port = parts.port or 80
        self._note(ProxyRecord(method, target, parts.hostname, port, headers, time.monotonic()))
        await self._forward(reader, writer, method, parts.hostname, port, parts, header_list, body)

    def _note(self, record: ProxyRecord) -> None:
        with self._cond:
            self._log.append(record)
            self._cond.notify_all()

    async def _connect(
        self, host: str, port: int
    ) -> tuple[asyncio.StreamReader, asyncio.StreamWriter] | None:
        address = self.upstream or (host, port)
        try:
            return await asyncio.wait_for(
                asyncio.open_connection(address[0], address[1], limit=_HEAD_LIMIT), self.connect_timeout
            )
        except (OSError, TimeoutError):
            return None

    async def _tunnel(
        self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter, host: str, port: int
    ) -> None:
        upstream = await self._connect(host, port)
        if upstream is None:
            await self._reply(writer, 502, [])
            return
        up_reader, up_writer = upstream
        try:
            writer.write(b"HTTP/1.1 200 Connection Established\r\n\r\n")
            await writer.drain()
            await _splice(reader, writer, up_reader, up_writer)
        finally:
            up_writer.transport.abort()

    async def _forward(
        self,
        reader: _Reader,
        writer: asyncio.StreamWriter,
        method: str,
        host: str,
        port: int,
        parts: SplitResult,
        header_list: list[tuple[str, str]],
        body: bytes,
    ) -> None:
        upstream = await self._connect(host, port)
        if upstream is None:
            await self._reply(writer, 502, [])
            return
        up_reader, up_writer = upstream
        tasks: list[asyncio.Future[Any]] = []
        try:
            path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
            headers = [(n, v) for n, v in header_list if n.lower() not in _HOP_BY_HOP]
            if not any(n.lower() == "host" for n, _ in headers):
                headers.insert(0, ("Host", parts.netloc))
            if body or method.upper() in ("POST", "PUT", "PATCH"):
                headers.append(("Content-Length", str(len(body))))
            headers.append(("Connection", "close"))
            lines = b"".join(f"{n}: {v}\r\n".encode("latin-1") for n, v in headers)
            up_writer.write(f"{method} {path} HTTP/1.1\r\n".encode("latin-1") + lines + b"\r\n" + body)
            await up_writer.drain()

            head_task = asyncio.ensure_future(up_reader.readuntil(b"\r\n\r\n"))
            tasks.append(head_task)
            first: list[asyncio.Future[Any]] = [head_task, reader.gone]
            await asyncio.wait(first, return_when=asyncio.FIRST_COMPLETED)
            if not head_task.done():  # the client gave up first
                return
            try:
                status_line, response_headers = _parse_head(head_task.result())
            except (asyncio.IncompleteReadError, asyncio.LimitOverrunError, ConnectionError, _BadRequest):
                await self._reply(writer, 502, [])
                return
            kept = [(n, v) for n, v in response_headers if n.lower() not in {"connection", "keep-alive"}]
            lines = b"".join(f"{n}: {v}\r\n".encode("latin-1") for n, v in [*kept, ("Connection", "close")])
            writer.write(status_line.encode("latin-1") + b"\r\n" + lines + b"\r\n")
            await writer.drain()
            copy = asyncio.ensure_future(_pipe(up_reader, writer))
            tasks.append(copy)
            await asyncio.wait([copy, reader.gone], return_when=asyncio.FIRST_COMPLETED)
        finally:
            for task in tasks:
                task.cancel()
            await asyncio.gather(*tasks, return_exceptions=True)
            up_writer.transport.abort()


async def _pipe(src: asyncio.StreamReader, dst: asyncio.StreamWriter) -> None:
    """Copy src to dst until EOF, then half-close dst."""
    while True:
        data = await src.read(64 * 1024)
        if not data:
            break
        dst.write(data)
        await dst.drain()
    if dst.can_write_eof() and not dst.is_closing():
        with contextlib.suppress(OSError):
            dst.write_eof()


async def _splice(
    a_reader: asyncio.StreamReader,
    a_writer: asyncio.StreamWriter,
    b_reader: asyncio.StreamReader,
    b_writer: asyncio.StreamWriter,
) -> None:
    """Copy both ways until both directions reached EOF or either side failed."""
    tasks = [
        asyncio.ensure_future(_pipe(a_reader, b_writer)),
        asyncio.ensure_future(_pipe(b_reader, a_writer)),
    ]
    try:
        pending: set[asyncio.Future[None]] = set(tasks)
        while pending:
            done, pending = await asyncio.wait(pending, return_when=asyncio.FIRST_COMPLETED)
            if any(t.exception() is not None for t in done if not t.cancelled()):
                break
    finally:
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)


# --------------------------------------------------------------------------------------------------
# pytest fixtures (import them into a test module or conftest.py to use them)


@pytest.fixture(name="web_server")
def web_server_fixture() -> Iterator[WebServer]:
    """A started WebServer, stopped after the test."""
    with WebServer() as server:
        yield server


@pytest.fixture(name="proxy_server")
def proxy_server_fixture() -> Iterator[ProxyServer]:
    """A started ProxyServer (no upstream override, no auth), stopped after the test."""
    with ProxyServer() as proxy:
        yield proxy
