"""One gate decides whether a URL can be requested (`net.unrequestable`), and nothing a URL holds can
crash a run: a URL urllib accepts but httpx refuses is that link's `broken`, a redirect to one is
too, and an archive lookup of one is that link's archive failure. All servers are on 127.0.0.1.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import json
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from cli_run import run_citecheck
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from wayback_server import WaybackServer
from webserver import Route, WebServer

from citecheck.archive import ArchiveOptions, Wayback
from citecheck.check import Checker, CheckOptions
from citecheck.models import LinkCheck, Snapshot, Status
from citecheck.net import Client, Failure, NetOptions, Response, unrequestable

PAGE = b"<html><head><title>A real article</title></head><body>text</body></html>"
HUGE = "http://x.example/" + "a" * 70_000

# urlsplit takes each of these; httpx refuses to build a request for it (InvalidURL, not an HTTPError)
HTTPX_REFUSES = ["https://i❤.ws/", "http://999.1.1.1/", HUGE]
CONTROL = ["http://x.example/a\x01b", "http://x.example/a\x7fb", "http://x.example/a\nb"]


def run_client(job: object) -> object:
    """Run one coroutine factory against a fresh client, under an outer guard."""

    async def go() -> object:
        async with Client(NetOptions(timeout=2.0, min_interval=0.0)) as client:
            return await job(client)  # type: ignore[operator]

    return asyncio.run(asyncio.wait_for(go(), 30))


def check(url: str) -> LinkCheck:
    async def job(client: Client) -> LinkCheck:
        return await Checker(client, CheckOptions(retries=0, sibling_probe=False)).check(url)

    result = run_client(job)
    assert isinstance(result, LinkCheck)
    return result


# --------------------------------------------------------------------------------------------------
# The gate itself


@pytest.mark.parametrize(
    ("url", "reason"),
    [
        ("https://i❤.ws/", "IDNA"),
        ("http://999.1.1.1/", "IPv4"),
        (HUGE, "at most 65536"),
        ("http://127.0.0.1:1/a\x01b", "U+0001"),
        ("http://127.0.0.1:1/a\x85b", "U+0085"),
        ("http://127.0.0.1:1/a b", "U+0020"),
        ("http://[::1/", "IPv6"),
        ("http://host:99999/", "range"),
        ("ftp://host/", "not an http(s) URL"),
        ("http:///path", "no host"),
        ("http://a..example/", "empty label"),
        ("http://" + "a" * 64 + ".example/", "64 characters"),
        ("http://" + ("a" * 60 + ".") * 5 + "example/", "at most 253"),
        ("http://x.example/\ud800", "surrogates"),
    ],
)
def test_the_gate_names_why_a_url_cannot_be_requested(url: str, reason: str) -> None:
    why = unrequestable(url)
    assert why is not None and reason in why
    assert len(why) < 200 and "\n" not in why


@pytest.mark.parametrize(
    "url",
    ["http://127.0.0.1:8080/a?b=c#d", "https://例え.jp/パス", "http://[::1]:1/", "http://a.example./"],
)
def test_the_gate_lets_requestable_urls_through(url: str) -> None:
    assert unrequestable(url) is None


URLISH = st.builds(
    lambda scheme, host, rest: f"{scheme}://{host}{rest}",
    st.sampled_from(["http", "https", "HTTP", "ftp", ""]),
    st.text(max_size=30),
    st.text(max_size=30),
)


@settings(max_examples=500, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.one_of(URLISH, st.text(max_size=60)))
def test_the_gate_never_raises_and_what_it_passes_httpx_builds(url: str) -> None:
    if unrequestable(url) is None:
        request = httpx.Request("GET", url)
        assert request.url.scheme in ("http", "https") and request.url.host


# --------------------------------------------------------------------------------------------------
# Every request passes it: Client.request returns a Failure, it never raises


@pytest.mark.parametrize("url", HTTPX_REFUSES + CONTROL)
def test_a_request_for_an_unrequestable_url_is_a_failure_not_an_exception(url: str) -> None:
    async def job(client: Client) -> Response | Failure:
        return await client.request("GET", url)

    answer = run_client(job)
    assert isinstance(answer, Failure) and answer.kind == "malformed"
    assert answer.detail.startswith("malformed URL: ")


@pytest.mark.parametrize("url", HTTPX_REFUSES)
def test_a_cited_url_httpx_refuses_is_broken(url: str) -> None:
    result = check(url)
    assert result.status is Status.BROKEN
    assert result.detail.startswith("malformed URL: ")


def as_header(value: str) -> str:
    """A header value sent as its UTF-8 bytes (the test server writes headers as Latin-1)."""
    return value.encode("utf-8").decode("latin-1")


@pytest.mark.parametrize("target", ["https://i❤.ws/", "http://999.1.1.1/"])
def test_a_redirect_to_a_url_httpx_refuses_is_broken(web_server: WebServer, target: str) -> None:
    web_server.add("/moved", Route(302, headers=[("Location", as_header(target))]))
    result = check(web_server.url("/moved"))
    assert result.status is Status.BROKEN
    assert "redirected to an address that cannot be opened" in result.detail


# --------------------------------------------------------------------------------------------------
# Archive lookups of an unrequestable cited URL: that link's archive outcome, never a crash


@pytest.fixture
def archive() -> Iterator[WaybackServer]:
    with WaybackServer(clock=time.monotonic, cdx_limit=None) as server:
        yield server


def wayback_job(archive: WaybackServer, job: object) -> object:
    async def go(client: Client) -> object:
        wayback = Wayback(client, ArchiveOptions(base_url=archive.base_url), time.monotonic, asyncio.sleep)
        return await job(wayback)  # type: ignore[operator]

    return run_client(go)


@pytest.mark.parametrize("url", CONTROL)
def test_the_best_capture_of_a_url_with_a_control_character_is_a_failure(
    archive: WaybackServer, url: str
) -> None:
    async def job(wayback: Wayback) -> Snapshot | Failure | None:
        return await wayback.best(url, dt.date(2025, 3, 1))

    found = wayback_job(archive, job)
    assert isinstance(found, Failure) and found.kind == "malformed"


def test_the_page_of_a_capture_whose_address_cannot_be_requested_is_a_failure(archive: WaybackServer) -> None:
    snapshot = Snapshot(f"{archive.base_url}/web/20250301000000/http://x.example/a\x01b", dt.datetime.now())

    async def job(wayback: Wayback) -> Response | Failure:
        return await wayback.capture_page(snapshot)

    assert isinstance(wayback_job(archive, job), Failure)


# --------------------------------------------------------------------------------------------------
# The whole command: the bad link is broken, the others are checked, the report is written


def test_verify_reports_unrequestable_links_broken_and_checks_the_rest(
    web_server: WebServer, tmp_path: Path
) -> None:
    web_server.add("/fine", Route(200, body=PAGE))
    web_server.add("/moved", Route(302, headers=[("Location", as_header("https://i❤.ws/"))]))
    doc = tmp_path / "doc.txt"
    doc.write_text(
        "Claim.¹ Another.² Third.³\n\n"
        "¹ Heart, Outlet (Mar. 1, 2025), https://i❤.ws/.\n\n"
        f"² Fine, Outlet (Mar. 2, 2025), {web_server.url('/fine')}.\n\n"
        f"³ Moved, Outlet (Mar. 3, 2025), {web_server.url('/moved')} and http://999.1.1.1/.\n",
        encoding="utf-8",
    )
    done = run_citecheck("verify", "--no-archive", "--no-cache", "--format", "json", str(doc))
    assert done.returncode == 1, done.stderr
    assert "Traceback" not in done.stderr
    documents = json.loads(done.stdout)["documents"]
    links = {lk["url"]: lk for d in documents for fn in d["footnotes"] for lk in fn["links"]}
    assert links[web_server.url("/fine")]["status"] == "ok"
    for url in ("https://i❤.ws/", "http://999.1.1.1/", web_server.url("/moved")):
        assert links[url]["status"] == "broken", links[url]
    assert "IDNA" in links["https://i❤.ws/"]["detail"]


@pytest.mark.parametrize("written", ["http://h.example/a/sto-ry", "http://[::1/a/sto-ry"])
def test_an_archive_row_or_a_written_url_that_does_not_parse_matches_nothing(
    web_server: WebServer, written: str
) -> None:
    """A CDX answer naming `http://[::1/...` (or a damaged URL written so) is no match, not a crash."""
    header = ["urlkey", "timestamp", "original", "mimetype", "statuscode", "digest", "length"]
    rows = [header, ["k", "20200101000000", "http://[::1/a/story", "text/html", "200", "D", "1"]]
    web_server.add("/cdx/search/cdx", Route(200, body=json.dumps(rows).encode()))

    async def go(client: Client) -> str | Failure | None:
        wayback = Wayback(client, ArchiveOptions(base_url=web_server.base_url))
        return await wayback.archived_spelling(written, [written.replace("-", "")])

    assert run_client(go) is None
