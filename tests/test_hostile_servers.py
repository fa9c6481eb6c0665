"""Hostile servers, all on 127.0.0.1: none may hang a run past its deadline, exhaust memory or crash it.

Every check runs under an outer guard of ten times its worst-case deadline, so a hang fails the
test rather than the suite, and no assertion depends on how long anything took. Bombs are judged
by what the client decoded (counted in `net.Client`) and what the server sent, not by memory use.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import ssl
from collections.abc import Iterator
from pathlib import Path

import pytest
import trustme
from hostile_server import HostileServer
from webserver import Route, WebServer

from citecheck.check import Checker, CheckOptions
from citecheck.models import LinkCheck, Status
from citecheck.net import Client, NetOptions

TIMEOUT = 1.0
MAX_BODY = 256 * 1024
PAGE = b"<html><head><title>A real article</title></head><body>text</body></html>"


def check(url: str, *, retries: int = 0, timeout: float = TIMEOUT) -> tuple[LinkCheck, Client]:
    """One check with a short deadline, under an outer guard of 10x the worst case."""

    async def go() -> tuple[LinkCheck, Client]:
        options = NetOptions(timeout=timeout, min_interval=0.0, max_body=MAX_BODY)
        async with Client(options) as client:
            checker = Checker(client, CheckOptions(retries=retries, backoff=0.01, sibling_probe=False))
            return await checker.check(url), client

    async def guarded() -> tuple[LinkCheck, Client]:
        return await asyncio.wait_for(go(), 10 * timeout * (retries + 1) * 2)  # x2: HEAD then GET

    return asyncio.run(guarded())


@pytest.fixture(scope="module")
def hostile() -> Iterator[HostileServer]:
    with HostileServer() as server:
        yield server


# --------------------------------------------------------------------------------------------------
# Abuses at the HTTP level


@pytest.mark.parametrize(
    ("path", "status", "detail"),
    [
        ("/endless-headers", Status.BROKEN, "broke the connection"),
        ("/slow-headers", Status.TIMEOUT, "within 1 s"),
        ("/trickle-body", Status.TIMEOUT, "within 1 s"),
        ("/never-answer", Status.TIMEOUT, "within 1 s"),
        ("/continue-forever", Status.TIMEOUT, "within 1 s"),
        ("/ten-gb", Status.OK, "200 OK"),
        ("/endless-chunked", Status.OK, "200 OK"),
        ("/gzip-bomb", Status.OK, "200 OK"),
        ("/deflate-bomb", Status.OK, "200 OK"),
        ("/double-gzip-bomb", Status.OK, "200 OK"),
        ("/brotli", Status.OK, "200 OK"),
        ("/corrupt-gzip", Status.BROKEN, "does not decode"),
        ("/malformed-status", Status.BROKEN, "broke the connection"),
        ("/not-http", Status.BROKEN, "broke the connection"),
        ("/http10-close", Status.OK, "200 OK"),
        ("/short-body", Status.BROKEN, "broke the connection"),
        ("/reset-mid-body", Status.BROKEN, "reset"),
    ],
)
def test_each_abuse_ends_with_the_right_status(
    hostile: HostileServer, path: str, status: Status, detail: str
) -> None:
    result, client = check(hostile.url(path))
    assert (result.status, detail in result.detail) == (status, True), result.detail
    assert client.body_bytes_decoded <= MAX_BODY


@pytest.mark.parametrize("path", ["/gzip-bomb", "/deflate-bomb", "/double-gzip-bomb"])
def test_a_bomb_is_inflated_only_up_to_the_cap(hostile: HostileServer, path: str) -> None:
    result, client = check(hostile.url(path))
    assert result.status is Status.OK
    assert 0 < client.body_bytes_decoded <= MAX_BODY  # of the gigabytes of zeros on offer
    assert client.body_bytes_read < 4 * MAX_BODY
    hostile.wait_for(lambda: True)
    assert hostile.bytes_sent(path) < 16 * 1024 * 1024  # the server did not get to send much either


@pytest.mark.parametrize("path", ["/ten-gb", "/endless-chunked"])
def test_an_endless_body_is_read_only_up_to_the_cap(hostile: HostileServer, path: str) -> None:
    before = hostile.bytes_sent(path)
    result, client = check(hostile.url(path))
    assert result.status is Status.OK
    assert client.body_bytes_decoded == MAX_BODY
    assert hostile.bytes_sent(path) - before < 16 * 1024 * 1024


def test_a_trickle_is_cut_by_the_total_deadline_not_a_read_timeout(hostile: HostileServer) -> None:
    # a byte every 0.1 s never trips a 1 s read timeout; only a deadline for the whole request ends it
    result, _ = check(hostile.url("/trickle-body"))
    assert result.status is Status.TIMEOUT
    assert hostile.bytes_sent("/trickle-body") < 1_000_000


def test_timeouts_are_retried_and_still_end(hostile: HostileServer) -> None:
    before = hostile.count("/never-answer")
    result, _ = check(hostile.url("/never-answer"), retries=1, timeout=0.5)
    assert result.status is Status.TIMEOUT
    assert hostile.count("/never-answer") - before == 2


# --------------------------------------------------------------------------------------------------
# Redirects to places a link must not lead


@pytest.mark.parametrize(
    ("location", "detail"),
    [
        ("ftp://files.example.org/report.pdf", "non-HTTP address"),
        ("javascript:alert(document.cookie)", "non-HTTP address"),
        ("data:text/html,<title>A real article</title>", "non-HTTP address"),
        ("file:///etc/passwd", "non-HTTP address"),
        ("http://127.0.0.1:25/", "port 25 belongs to another protocol"),
        ("http://127.0.0.1:22/", "port 22 belongs to another protocol"),
        ("https://127.0.0.1:6667/", "port 6667 belongs to another protocol"),
        ("http://[::1/", "malformed address"),
        ("http://exa mple.org/", "cannot be opened"),
    ],
)
def test_redirect_to_a_forbidden_target_is_broken_without_following(
    web_server: WebServer, location: str, detail: str
) -> None:
    web_server.add("/r", Route(302, headers=[("Location", location)]))
    result, client = check(web_server.url("/r"))
    assert result.status is Status.BROKEN
    assert detail in result.detail
    assert client.requests_sent == 1


def test_a_link_to_a_mail_port_is_broken_without_a_request() -> None:
    result, client = check("http://127.0.0.1:25/")
    assert result.status is Status.BROKEN and "browsers refuse" in result.detail
    assert client.requests_sent == 0


def test_other_ports_stay_allowed(web_server: WebServer) -> None:
    # browsers open http://host:8000/ or :8888; so do we (the test server's own port is one such)
    web_server.add("/p", Route(200, body=PAGE))
    assert check(web_server.url("/p"))[0].status is Status.OK


def test_a_50_hop_chain_stops_at_the_limit(web_server: WebServer) -> None:
    for i in range(50):
        web_server.add(f"/hop{i}", Route(301, headers=[("Location", f"/hop{i + 1}?n={i}")]))
    result, _ = check(web_server.url("/hop0"))
    assert result.status is Status.BROKEN and "more than 10 redirects" in result.detail
    assert sum(web_server.count(f"/hop{i}") for i in range(50)) == 11


def test_retry_after_a_day_is_not_waited(web_server: WebServer) -> None:
    web_server.add("/busy", Route(503, headers=[("Retry-After", "86400")]))
    result, _ = check(web_server.url("/busy"), retries=2)
    assert result.status is Status.BLOCKED and "86400" in result.detail
    assert web_server.count("/busy") == 1


# --------------------------------------------------------------------------------------------------
# Invalid TLS


@pytest.fixture(scope="module")
def ca() -> trustme.CA:
    return trustme.CA()


@pytest.fixture
def trusting(ca: trustme.CA, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> trustme.CA:
    """The client trusts the test CA (through SSL_CERT_FILE, as a user's would)."""
    path = tmp_path / "ca.pem"
    ca.cert_pem.write_to_path(str(path))
    monkeypatch.setenv("SSL_CERT_FILE", str(path))
    return ca


def _tls_server(configure: object) -> ssl.SSLContext:
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    configure(context)  # type: ignore[operator]
    return context


def _self_signed(ca: trustme.CA) -> ssl.SSLContext:
    """A server presenting a self-signed certificate (the test CA's own, which nobody trusts here)."""
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    with ca.cert_pem.tempfile() as cert, ca.private_key_pem.tempfile() as key:
        context.load_cert_chain(cert, key)
    return context


@pytest.mark.parametrize(
    ("case", "detail"),
    [
        ("self-signed", "self-signed certificate"),
        ("wrong-host", "not valid for '127.0.0.1'"),
        ("expired", "certificate has expired"),
        ("not-yet-valid", "certificate is not yet valid"),
        ("unknown-ca", "unable to get local issuer certificate"),
    ],
)
def test_invalid_tls_is_broken_with_a_clear_detail(trusting: trustme.CA, case: str, detail: str) -> None:
    now = dt.datetime.now(dt.UTC)
    if case == "self-signed":
        context = _self_signed(trustme.CA())
    elif case == "wrong-host":
        context = _tls_server(trusting.issue_cert("cited.example").configure_cert)
    elif case == "expired":
        cert = trusting.issue_cert(
            "127.0.0.1", not_before=now - dt.timedelta(days=30), not_after=now - dt.timedelta(days=1)
        )
        context = _tls_server(cert.configure_cert)
    elif case == "not-yet-valid":
        cert = trusting.issue_cert(
            "127.0.0.1", not_before=now + dt.timedelta(days=1), not_after=now + dt.timedelta(days=30)
        )
        context = _tls_server(cert.configure_cert)
    else:
        context = _tls_server(trustme.CA().issue_cert("127.0.0.1").configure_cert)
    with WebServer(ssl_context=context) as server:
        server.add("/p", Route(200, body=PAGE))
        result, _ = check(server.url("/p"), retries=2)
        assert result.status is Status.BROKEN
        assert "TLS certificate not valid" in result.detail and detail in result.detail, result.detail
        assert server.count("/p") == 0  # nothing was sent over a connection we could not trust


def test_valid_tls_is_ok(trusting: trustme.CA) -> None:
    with WebServer(ssl_context=_tls_server(trusting.issue_cert("127.0.0.1").configure_cert)) as server:
        server.add("/p", Route(200, body=PAGE))
        assert check(server.url("/p"))[0].status is Status.OK


def test_a_tls_handshake_nobody_answers_ends_at_the_deadline(web_server: WebServer) -> None:
    # https:// to a plain HTTP server: it waits for a request head that never comes, and so do we
    web_server.add("/p", Route(200, body=PAGE))
    result, _ = check(web_server.url("/p").replace("http://", "https://"))
    assert result.status is Status.TIMEOUT
    assert web_server.count("/p") == 0
