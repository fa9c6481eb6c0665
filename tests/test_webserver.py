"""Tests of the test web server and proxy in tests/webserver.py, with real httpx clients."""

from __future__ import annotations

import asyncio
import gzip
import socket
import time
from collections.abc import Iterator

import httpx
import pytest
from webserver import (
    NOT_FOUND_PAGE,
    HeadMode,
    ProxyServer,
    Route,
    WebServer,
    proxy_server_fixture,  # noqa: F401  (pytest fixture "proxy_server")
    web_server_fixture,  # noqa: F401  (pytest fixture "web_server")
)


def client(*, proxy: str | None = None, follow_redirects: bool = False) -> httpx.Client:
    # trust_env=False: an HTTP(S)_PROXY in the environment must not reroute requests to 127.0.0.1.
    return httpx.Client(trust_env=False, timeout=10, proxy=proxy, follow_redirects=follow_redirects)


def async_client(connections: int = 100) -> httpx.AsyncClient:
    limits = httpx.Limits(max_connections=connections, max_keepalive_connections=connections)
    return httpx.AsyncClient(trust_env=False, timeout=10, limits=limits)


# --------------------------------------------------------------------------------------------------
# routes, status, headers, bodies


def test_route_status_headers_and_body(web_server: WebServer) -> None:
    web_server.add(
        "/page",
        Route(
            status=201,
            headers=[("Set-Cookie", "a=1"), ("Set-Cookie", "b=2"), ("X-Test", "yes")],
            body=b"<p>hello</p>",
        ),
    )
    with client() as c:
        response = c.get(web_server.url("/page?x=1"))
    assert response.status_code == 201
    assert response.headers.get_list("set-cookie") == ["a=1", "b=2"]
    assert response.headers["x-test"] == "yes"
    assert response.headers["content-type"] == "text/html; charset=utf-8"
    assert response.headers["content-length"] == "12"
    assert response.content == b"<p>hello</p>"
    assert web_server.count("/page") == 1
    record = web_server.log[0]
    assert (record.method, record.target, record.path) == ("GET", "/page?x=1", "/page")
    assert record.host == f"127.0.0.1:{web_server.port}"
    assert record.headers["user-agent"].startswith("python-httpx/")
    assert web_server.base_url == f"http://127.0.0.1:{web_server.port}"
    assert web_server.errors == []


def test_unknown_path_is_404_page(web_server: WebServer) -> None:
    with client() as c:
        response = c.get(web_server.url("/nothing/here"))
    assert response.status_code == 404
    assert response.headers["content-type"].startswith("text/html")
    assert "Not Found" in response.text
    assert response.content == NOT_FOUND_PAGE
    assert web_server.path_counts == {"/nothing/here": 1}


def test_exact_query_route_wins_over_path_route(web_server: WebServer) -> None:
    web_server.add("/search", Route(body=b"path"))
    web_server.add("/search?q=1", Route(body=b"exact"))
    with client() as c:
        assert c.get(web_server.url("/search?q=1")).content == b"exact"
        assert c.get(web_server.url("/search?q=2")).content == b"path"
    assert web_server.count("/search") == 2


def test_keep_alive_post_body_and_chunked_upload(web_server: WebServer) -> None:
    web_server.add("/submit", Route(body=b"ok"))

    def parts() -> Iterator[bytes]:
        yield b"chunk-one,"
        yield b"chunk-two"

    with client() as c:
        assert c.post(web_server.url("/submit"), content=b"x" * 5000).content == b"ok"
        assert c.post(web_server.url("/submit"), content=parts()).content == b"ok"
        assert c.get(web_server.url("/submit")).content == b"ok"
    first, second, third = web_server.log
    assert first.body == b"x" * 5000
    assert second.headers["transfer-encoding"] == "chunked"
    assert second.body == b"chunk-one,chunk-two"
    assert third.method == "GET"
    assert first.connection == second.connection == third.connection
    assert web_server.connections == 1


def test_route_close_and_http10(web_server: WebServer) -> None:
    web_server.add("/bye", Route(body=b"bye", close=True))
    with client() as c:
        response = c.get(web_server.url("/bye"))
        assert response.headers["connection"] == "close"
        c.get(web_server.url("/bye"))
    assert web_server.connections == 2
    with socket.create_connection(web_server.address) as sock:
        sock.sendall(b"GET /bye HTTP/1.0\r\n\r\n")
        data = _recv_all(sock)
    assert data.startswith(b"HTTP/1.1 200 OK\r\n") and data.endswith(b"\r\n\r\nbye")


def test_bad_request_gets_400(web_server: WebServer) -> None:
    with socket.create_connection(web_server.address) as sock:
        sock.sendall(b"NONSENSE\r\n\r\n")
        assert _recv_all(sock).startswith(b"HTTP/1.1 400 ")
    assert web_server.total_requests == 0
    assert web_server.errors == []


def test_redirect_chain(web_server: WebServer) -> None:
    web_server.add("/old", Route(status=301, headers=[("Location", "/middle")]))
    web_server.redirect("/middle", web_server.url("/new"))
    web_server.add("/new", Route(body=b"arrived"))
    with client(follow_redirects=True) as c:
        response = c.get(web_server.url("/old"))
    assert response.content == b"arrived"
    assert [r.status_code for r in response.history] == [301, 302]
    assert [r.path for r in web_server.log] == ["/old", "/middle", "/new"]


# --------------------------------------------------------------------------------------------------
# HEAD


def test_head_normal_has_get_headers_and_no_body(web_server: WebServer) -> None:
    web_server.add("/doc", Route(body=b"0123456789", headers=[("ETag", '"v1"')]))
    web_server.add("/big", Route(body_size=10_000_000))
    with client() as c:
        response = c.head(web_server.url("/doc"))
        assert response.status_code == 200
        assert response.headers["content-length"] == "10"
        assert response.headers["etag"] == '"v1"'
        assert response.content == b""
        big = c.head(web_server.url("/big"))
        assert big.headers["content-length"] == "10000000"
        assert c.get(web_server.url("/doc")).content == b"0123456789"  # same connection still usable
    assert web_server.connections == 1
    assert web_server.bytes_sent("/big") == 0


@pytest.mark.parametrize("mode", ["405", "404", "403"])
def test_head_refusals(web_server: WebServer, mode: HeadMode) -> None:
    web_server.add("/doc", Route(body=b"content", head=mode))
    with client() as c:
        head = c.head(web_server.url("/doc"))
        get = c.get(web_server.url("/doc"))
    assert head.status_code == int(mode)
    assert ("allow" in head.headers) == (mode == "405")
    assert (get.status_code, get.content) == (200, b"content")


def test_head_close_drops_connection(web_server: WebServer) -> None:
    web_server.add("/doc", Route(body=b"content", head="close"))
    with client() as c:
        with pytest.raises(httpx.RemoteProtocolError):
            c.head(web_server.url("/doc"))
        assert c.get(web_server.url("/doc")).content == b"content"
    assert web_server.count("/doc") == 2
    assert web_server.wait_idle()
    assert web_server.errors == []


# --------------------------------------------------------------------------------------------------
# delays, sequences, never answering


def test_delay_postpones_the_response(web_server: WebServer) -> None:
    web_server.add("/slow", Route(body=b"late", delay=0.3))
    with client() as c:
        start = time.monotonic()
        response = c.get(web_server.url("/slow"))
        elapsed = time.monotonic() - start
    assert response.content == b"late"
    assert elapsed >= 0.29  # a lower bound only: the server slept at least this long


def test_client_timeout_during_delay_ends_request_on_server(web_server: WebServer) -> None:
    web_server.add("/slow", Route(delay=30))
    with client() as c, pytest.raises(httpx.ReadTimeout):
        c.get(web_server.url("/slow"), timeout=0.2)
    assert web_server.wait_idle(5)  # noticed the disconnect long before the 30 s delay ran out
    assert web_server.count("/slow") == 1


def test_sequence_429_then_200(web_server: WebServer) -> None:
    web_server.add(
        "/limited",
        Route(sequence=[Route(status=429, headers=[("Retry-After", "1")]), Route(body=b"finally")]),
    )
    web_server.add("/flaky", Route(sequence=[Route(status=503), Route(status=503), Route(body=b"up")]))
    with client() as c:
        statuses = [c.get(web_server.url("/limited")).status_code for _ in range(3)]
        flaky = [c.get(web_server.url("/flaky")).status_code for _ in range(4)]
        assert c.get(web_server.url("/limited")).content == b"finally"
    assert statuses == [429, 200, 200]
    assert flaky == [503, 503, 200, 200]
    web_server.reset()
    with client() as c:
        assert c.get(web_server.url("/limited")).status_code == 429
    assert web_server.total_requests == 1


def test_never_answer_holds_until_client_gives_up(web_server: WebServer) -> None:
    web_server.add("/void", Route(never_answer=True))
    with client() as c, pytest.raises(httpx.ReadTimeout):
        c.get(web_server.url("/void"), timeout=0.2)
    assert web_server.wait_idle(5)
    assert web_server.max_in_flight == 1
    assert web_server.count("/void") == 1


def test_stop_closes_connections_that_are_waiting() -> None:
    server = WebServer().start()
    server.add("/void", Route(never_answer=True))
    with socket.create_connection(server.address) as sock:
        sock.sendall(b"GET /void HTTP/1.1\r\nHost: x\r\n\r\n")
        assert server.wait_for_requests(1)
        started = time.monotonic()
        server.stop()
        assert time.monotonic() - started < 5
        sock.settimeout(5)
        assert sock.recv(100) == b""  # closed without an answer
    server.stop()  # idempotent


# --------------------------------------------------------------------------------------------------
# bodies: gzip, streaming, early close


def test_gzip_body_and_streamed_gzip(web_server: WebServer) -> None:
    web_server.add("/z", Route(body=b"compress me " * 100, gzip=True))
    web_server.add("/zs", Route(body_size=3_000_000, gzip=True))
    with client() as c:
        response = c.get(web_server.url("/z"))
        assert response.headers["content-encoding"] == "gzip"
        assert response.content == b"compress me " * 100
        with c.stream("GET", web_server.url("/z")) as raw_response:
            raw = b"".join(raw_response.iter_raw())
        assert gzip.decompress(raw) == b"compress me " * 100
        streamed = c.get(web_server.url("/zs"))
        assert streamed.headers["transfer-encoding"] == "chunked"
        assert len(streamed.content) == 3_000_000
    assert web_server.wait_idle()
    assert 0 < web_server.bytes_sent("/zs") < 3_000_000  # compressed bytes on the wire


def test_body_size_chunk_delay_and_chunked(web_server: WebServer) -> None:
    web_server.add("/gen", Route(body_size=1_000_001, chunk_size=100_000))
    web_server.add("/drip", Route(body=b"abcdef", chunk_size=2, chunk_delay=0.05, chunked=True))
    with client() as c:
        gen = c.get(web_server.url("/gen"))
        start = time.monotonic()
        drip = c.get(web_server.url("/drip"))
        elapsed = time.monotonic() - start
    assert len(gen.content) == 1_000_001 and gen.headers["content-length"] == "1000001"
    assert drip.content == b"abcdef" and drip.headers["transfer-encoding"] == "chunked"
    assert elapsed >= 0.09  # two pauses between three chunks
    assert web_server.wait_idle()
    assert web_server.bytes_sent_by_path == {"/gen": 1_000_001, "/drip": 6}


def test_client_reading_only_part_of_60mb_body(web_server: WebServer) -> None:
    size = 60 * 1024 * 1024
    web_server.add("/huge", Route(body_size=size))
    received = 0
    with client() as c:
        with c.stream("GET", web_server.url("/huge")) as response:
            assert response.headers["content-length"] == str(size)
            for piece in response.iter_raw(16 * 1024):
                received += len(piece)
                if received >= 256 * 1024:
                    break
        # leaving the block closes the half-read connection
        assert web_server.wait_idle(5)
        sent = web_server.bytes_sent("/huge")
        assert received <= sent < 8 * 1024 * 1024
        assert c.get(web_server.url("/nope")).status_code == 404  # server still fine
    assert web_server.errors == []


# --------------------------------------------------------------------------------------------------
# concurrency: in-flight counting, hold barriers, many connections


def test_hold_makes_in_flight_maximum_deterministic(web_server: WebServer) -> None:
    web_server.add("/held", Route(hold=20, body=b"released"))

    async def main() -> list[httpx.Response]:
        async with async_client() as c:
            return await asyncio.gather(*(c.get(web_server.url("/held")) for _ in range(20)))

    responses = asyncio.run(main())
    assert [r.content for r in responses] == [b"released"] * 20
    assert web_server.max_in_flight == 20
    assert web_server.max_in_flight_for("127.0.0.1") == 20
    assert web_server.hold_timeouts == 0
    assert web_server.wait_idle() and web_server.in_flight == 0


def test_hold_with_client_side_limit(web_server: WebServer) -> None:
    """The pattern for testing a client's concurrency limit: a barrier of exactly the limit."""
    route = Route(hold=4, delay=0.05)  # one barrier shared by all 12 paths
    for i in range(12):
        web_server.add(f"/p{i}", route)

    async def main() -> None:
        async with async_client(connections=4) as c:
            await asyncio.gather(*(c.get(web_server.url(f"/p{i}")) for i in range(12)))

    asyncio.run(main())
    assert web_server.max_in_flight == 4  # >= 4 by the barrier, <= 4 by the client's limit
    assert web_server.total_requests == 12
    assert web_server.hold_timeouts == 0


def test_max_in_flight_per_virtual_host(web_server: WebServer) -> None:
    barrier = Route(hold=8, body=b"x")  # shared: all 8 requests are in flight at once
    web_server.add("/a", barrier, host="a.test")
    web_server.add("/b", barrier, host="b.test")

    async def main() -> None:
        async with async_client() as c:
            await asyncio.gather(
                *(c.get(web_server.url("/a"), headers={"Host": "a.test"}) for _ in range(5)),
                *(c.get(web_server.url("/b"), headers={"Host": "B.test:8080"}) for _ in range(3)),
            )

    asyncio.run(main())
    assert web_server.max_in_flight == 8
    assert web_server.max_in_flight_for("a.test") == 5
    assert web_server.max_in_flight_for("b.test") == 3
    assert web_server.max_in_flight_by_host == {"a.test": 5, "b.test": 3}
    assert web_server.count("/a", host="a.test") == 5


def test_release_opens_a_barrier_by_hand(web_server: WebServer) -> None:
    web_server.add("/gate", Route(hold=100, body=b"through"))

    async def main() -> httpx.Response:
        async with async_client() as c:
            request = asyncio.ensure_future(c.get(web_server.url("/gate")))
            assert await asyncio.to_thread(web_server.wait_for, lambda: web_server.in_flight == 1)
            assert not request.done()
            await asyncio.to_thread(web_server.release, "/gate")
            return await request

    assert asyncio.run(main()).content == b"through"
    with client() as c:  # the barrier stays open
        assert c.get(web_server.url("/gate")).content == b"through"
    assert web_server.hold_timeouts == 0


def test_hundreds_of_concurrent_connections(web_server: WebServer) -> None:
    n, clients = 300, 20  # several clients: one httpcore pool with hundreds of connections is slow
    web_server.add("/many", Route(hold=n, body=b"ok"))

    async def main() -> list[httpx.Response]:
        pool = [async_client(connections=n // clients) for _ in range(clients)]
        try:
            return await asyncio.gather(*(pool[i % clients].get(web_server.url("/many")) for i in range(n)))
        finally:
            await asyncio.gather(*(c.aclose() for c in pool))

    responses = asyncio.run(main())
    assert all(r.content == b"ok" for r in responses)
    assert web_server.connections == n
    assert web_server.max_in_flight == n
    assert web_server.errors == []


# --------------------------------------------------------------------------------------------------
# virtual hosts


def test_virtual_hosts(web_server: WebServer) -> None:
    web_server.add("/", Route(body=b"site A"), host="a.test")
    web_server.add("/", Route(body=b"site B"), host="B.Test")
    web_server.add("/", Route(body=b"any other host"))
    web_server.add("/only-a", Route(body=b"A only"), host="a.test")
    with client() as c:

        def get(path: str, host: str) -> httpx.Response:
            return c.get(web_server.url(path), headers={"Host": host})

        assert get("/", "a.test").content == b"site A"
        assert get("/", "A.TEST:8080").content == b"site A"
        assert get("/", "b.test").content == b"site B"
        assert get("/", "c.test").content == b"any other host"
        assert get("/only-a", "a.test").content == b"A only"
        assert get("/only-a", "b.test").status_code == 404
    assert [r.host for r in web_server.log[:2]] == ["a.test", "A.TEST:8080"]
    assert web_server.count("/", host="a.test") == 2


# --------------------------------------------------------------------------------------------------
# proxy


def test_proxy_forwards_plain_http(web_server: WebServer, proxy_server: ProxyServer) -> None:
    web_server.add("/via", Route(body=b"proxied", headers=[("X-Origin", "web")]))
    with client(proxy=proxy_server.url) as c:
        response = c.get(web_server.url("/via?q=1"))
        posted = c.post(web_server.url("/via"), content=b"payload")
    assert response.content == b"proxied" and response.headers["x-origin"] == "web"
    assert posted.status_code == 200
    assert proxy_server.forward_count == 2 and proxy_server.connect_count == 0
    record = proxy_server.log[0]
    assert (record.method, record.host, record.port) == ("GET", "127.0.0.1", web_server.port)
    assert record.target == web_server.url("/via?q=1")
    first, second = web_server.log
    assert first.target == "/via?q=1"  # origin-form towards the server
    assert first.host == f"127.0.0.1:{web_server.port}"
    assert "proxy-connection" not in first.headers
    assert second.body == b"payload"
    assert proxy_server.errors == [] and web_server.errors == []


def test_proxy_upstream_override_reaches_virtual_hosts(web_server: WebServer) -> None:
    web_server.add("/page", Route(body=b"from a.test"), host="a.test")
    with ProxyServer(upstream=web_server.address) as proxy, client(proxy=proxy.url) as c:
        assert c.get("http://a.test/page").content == b"from a.test"
        assert c.get("http://b.test/page").status_code == 404
    assert [r.host for r in web_server.log] == ["a.test", "b.test"]


def test_proxy_connect_tunnel(web_server: WebServer, proxy_server: ProxyServer) -> None:
    web_server.add("/tunnelled", Route(body=b"through the tunnel"))
    with socket.create_connection(proxy_server.address, timeout=5) as sock:
        target = f"127.0.0.1:{web_server.port}"
        sock.sendall(f"CONNECT {target} HTTP/1.1\r\nHost: {target}\r\n\r\n".encode())
        assert _recv_until(sock, b"\r\n\r\n").startswith(b"HTTP/1.1 200 ")
        sock.sendall(b"GET /tunnelled HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
        assert _recv_all(sock).endswith(b"\r\n\r\nthrough the tunnel")
    assert proxy_server.connect_count == 1
    assert proxy_server.log[0].port == web_server.port
    assert web_server.count("/tunnelled") == 1


def test_proxy_bad_gateway_and_auth() -> None:
    with socket.socket() as unused:
        unused.bind(("127.0.0.1", 0))  # bound but not listening: connections are refused
        port = unused.getsockname()[1]
        with ProxyServer(auth=("user", "secret")) as proxy:
            with client(proxy=proxy.url) as c:
                assert c.get(f"http://127.0.0.1:{port}/").status_code == 407
            assert proxy.rejected == 1 and proxy.count == 0
            with client(proxy=f"http://user:secret@127.0.0.1:{proxy.port}") as c:
                assert c.get(f"http://127.0.0.1:{port}/").status_code == 502
            assert proxy.count == 1


def test_proxy_client_giving_up_on_never_answering_origin(
    web_server: WebServer, proxy_server: ProxyServer
) -> None:
    web_server.add("/void", Route(never_answer=True))
    with client(proxy=proxy_server.url) as c, pytest.raises(httpx.ReadTimeout):
        c.get(web_server.url("/void"), timeout=0.2)
    assert web_server.wait_idle(5)  # the proxy dropped its upstream connection too
    assert proxy_server.errors == []


# --------------------------------------------------------------------------------------------------
# helpers


def _recv_all(sock: socket.socket) -> bytes:
    sock.settimeout(5)
    chunks = []
    while data := sock.recv(65536):
        chunks.append(data)
    return b"".join(chunks)


def _recv_until(sock: socket.socket, marker: bytes) -> bytes:
    sock.settimeout(5)
    data = b""
    while marker not in data:
        piece = sock.recv(1)
        if not piece:
            break
        data += piece
    return data
