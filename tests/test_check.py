"""Live checks against a real server on 127.0.0.1: every status, politeness, retries, limits.

Waits that a server asks for (Retry-After, backoff) go through an injected clock, so the tests
assert what was waited without sleeping for it, and nothing here depends on timing to pass.
"""

from __future__ import annotations

import asyncio
from typing import Any

import pytest
from fakes import FakeTime
from webserver import Route, WebServer

from citecheck.check import Checker, CheckOptions, retry_after
from citecheck.models import LinkCheck, Status
from citecheck.net import Client, NetOptions

PAGE = b"<html><head><title>A real article | Outlet</title></head><body><h1>A real article</h1></body></html>"


def run_checks(
    urls: list[str], time: FakeTime | None = None, check: CheckOptions | None = None, **net: Any
) -> dict[str, LinkCheck]:
    time = time or FakeTime()

    async def go() -> dict[str, LinkCheck]:
        options = NetOptions(**{"min_interval": 0.0, **net})
        async with Client(options, clock=time.monotonic, sleep=time.sleep) as client:
            return await Checker(client, check or CheckOptions()).check_many(urls)

    return asyncio.run(go())


def status_of(url: str, **kw: Any) -> LinkCheck:
    return run_checks([url], **kw)[url]


@pytest.mark.parametrize(
    ("route", "status"),
    [
        (Route(200, body=PAGE), Status.OK),
        (Route(404), Status.DEAD),
        (Route(410), Status.DEAD),
        (Route(403), Status.BLOCKED),
        (Route(401), Status.BLOCKED),
        (Route(999), Status.BLOCKED),
        (Route(429), Status.BLOCKED),
        (Route(500), Status.BROKEN),
        (Route(200, body=b"<title>Page Not Found</title>"), Status.SOFT_404),
        (Route(200, body=PAGE, headers=[("cf-mitigated", "challenge")]), Status.BLOCKED),
        (
            Route(403, body=b"<html><title>Just a moment...</title><script>_cf_chl_opt={}</script>"),
            Status.BLOCKED,
        ),
        (Route(403, headers=[("Server", "DataDome")]), Status.BLOCKED),
    ],
    ids=[
        "ok",
        "404",
        "410",
        "403",
        "401",
        "999",
        "429",
        "500",
        "soft-404",
        "cloudflare",
        "cf-page",
        "datadome",
    ],
)
def test_statuses(web_server: WebServer, route: Route, status: Status) -> None:
    web_server.add("/p", route)
    assert status_of(web_server.url("/p"), check=CheckOptions(retries=0)).status is status


def test_permanent_redirect_to_another_page_is_redirected(web_server: WebServer) -> None:
    web_server.add("/old", Route(301, headers=[("Location", "/new-article")]))
    web_server.add("/new-article", Route(200, body=PAGE))
    result = status_of(web_server.url("/old"))
    assert result.status is Status.REDIRECTED
    assert result.final_url == web_server.url("/new-article")


def test_trailing_slash_redirect_is_ok(web_server: WebServer) -> None:
    web_server.add("/a", Route(301, headers=[("Location", "/a/")]))
    web_server.add("/a/", Route(200, body=PAGE))
    assert status_of(web_server.url("/a")).status is Status.OK


def test_redirect_to_home_page_is_soft_404(web_server: WebServer) -> None:
    web_server.add("/story/gone", Route(302, headers=[("Location", "/")]))
    web_server.add("/", Route(200, body=b"<title>Outlet home</title>"))
    assert status_of(web_server.url("/story/gone")).status is Status.SOFT_404


def test_catch_all_site_is_caught_by_the_sibling_probe(web_server: WebServer) -> None:
    search = Route(200, body=b"<html><title>Search | Outlet</title><p>Results</p></html>")
    web_server.add("/search", search)
    web_server.set_default(Route(302, headers=[("Location", "/search")]))
    result = status_of(web_server.url("/news/2025/some-story"))
    assert result.status is Status.SOFT_404
    assert "made-up address" in result.detail


def test_head_refused_falls_back_to_get_and_is_remembered(web_server: WebServer) -> None:
    web_server.add("/a.pdf", Route(200, body=b"%PDF-1.4", head="405", content_type="application/pdf"))
    web_server.add("/b.pdf", Route(200, body=b"%PDF-1.4", head="405", content_type="application/pdf"))
    assert status_of(web_server.url("/a.pdf")).status is Status.OK
    methods = [(r.method, r.path) for r in web_server.log]
    assert methods == [("HEAD", "/a.pdf"), ("GET", "/a.pdf")]
    # within one run, the host's HEAD is not trusted again for later requests
    web_server.reset()

    async def one_after_the_other() -> list[LinkCheck]:
        async with Client(NetOptions(min_interval=0.0)) as client:
            checker = Checker(client)
            return [
                await checker.check(web_server.url("/a.pdf")),
                await checker.check(web_server.url("/b.pdf")),
            ]

    assert {r.status for r in asyncio.run(one_after_the_other())} == {Status.OK}
    assert [(r.method, r.path) for r in web_server.log] == [
        ("HEAD", "/a.pdf"),
        ("GET", "/a.pdf"),
        ("GET", "/b.pdf"),
    ]


def test_head_that_works_needs_no_get(web_server: WebServer) -> None:
    web_server.add("/report.pdf", Route(200, body=b"%PDF-1.4" * 1000, content_type="application/pdf"))
    assert status_of(web_server.url("/report.pdf")).status is Status.OK
    assert [r.method for r in web_server.log] == ["HEAD"]


def test_429_with_retry_after_then_200(web_server: WebServer) -> None:
    web_server.add("/r", Route(sequence=[Route(429, headers=[("Retry-After", "7")]), Route(200, body=PAGE)]))
    time = FakeTime()
    assert status_of(web_server.url("/r"), time=time).status is Status.OK
    assert web_server.count("/r") == 2
    assert sum(time.sleeps) >= 7


def test_503_then_200(web_server: WebServer) -> None:
    web_server.add("/r", Route(sequence=[Route(503), Route(200, body=PAGE)]))
    time = FakeTime()
    assert status_of(web_server.url("/r"), time=time).status is Status.OK
    assert web_server.count("/r") == 2
    assert time.sleeps and all(s > 0 for s in time.sleeps)  # backed off, with jitter, before retrying


def test_5xx_retried_then_broken(web_server: WebServer) -> None:
    web_server.add("/r", Route(502))
    result = status_of(web_server.url("/r"), check=CheckOptions(retries=2))
    assert result.status is Status.BROKEN
    assert web_server.count("/r") == 3


def test_long_retry_after_is_reported_not_waited_and_the_host_is_spared(web_server: WebServer) -> None:
    web_server.add("/a", Route(429, headers=[("Retry-After", "86400")]))
    web_server.add("/b", Route(200, body=PAGE))
    time = FakeTime()
    results = run_checks([web_server.url("/a"), web_server.url("/b")], time=time, max_per_host=1)
    assert results[web_server.url("/a")].status is Status.BLOCKED
    assert "86400" in results[web_server.url("/a")].detail
    assert all(s < 86400 for s in time.sleeps)
    assert web_server.count("/a") == 1


def test_slow_page_within_the_timeout(web_server: WebServer) -> None:
    web_server.add("/slow", Route(200, body=PAGE, delay=0.3))
    assert status_of(web_server.url("/slow"), timeout=10.0).status is Status.OK


def test_page_that_never_answers_times_out(web_server: WebServer) -> None:
    web_server.add("/never", Route(never_answer=True))
    result = status_of(web_server.url("/never"), timeout=0.5, check=CheckOptions(retries=1))
    assert result.status is Status.TIMEOUT
    assert web_server.count("/never") == 2  # timeouts are retried


def test_redirect_loop_is_broken(web_server: WebServer) -> None:
    web_server.add("/a", Route(302, headers=[("Location", "/b")]))
    web_server.add("/b", Route(302, headers=[("Location", "/a")]))
    result = status_of(web_server.url("/a"))
    assert result.status is Status.BROKEN
    assert "loop" in result.detail


def test_too_many_redirects_is_broken(web_server: WebServer) -> None:
    for i in range(30):
        web_server.add(f"/hop{i}", Route(302, headers=[("Location", f"/hop{i + 1}")]))
    result = status_of(web_server.url("/hop0"))
    assert result.status is Status.BROKEN
    assert web_server.count("/hop11") == 0  # at most 10 redirects followed


def test_redirect_to_a_non_http_scheme_is_broken(web_server: WebServer) -> None:
    web_server.add("/x", Route(302, headers=[("Location", "file:///etc/passwd")]))
    assert status_of(web_server.url("/x")).status is Status.BROKEN


def test_a_60_mb_body_is_not_downloaded(web_server: WebServer) -> None:
    web_server.add("/big", Route(200, body_size=60 * 1024 * 1024))
    assert status_of(web_server.url("/big")).status is Status.OK
    web_server.wait_idle()
    assert web_server.bytes_sent("/big") < 8 * 1024 * 1024


def test_per_host_limit_holds(web_server: WebServer) -> None:
    held = Route(200, body=PAGE, hold=4)  # answers only once 4 are in flight: proves 4 is reached
    for i in range(12):
        web_server.add(f"/p{i}", held)
    results = run_checks([web_server.url(f"/p{i}") for i in range(12)], max_per_host=4)
    assert {r.status for r in results.values()} == {Status.OK}
    assert web_server.max_in_flight_for("127.0.0.1") == 4
    assert web_server.hold_timeouts == 0


def test_per_host_limit_is_per_host(web_server: WebServer) -> None:
    for i in range(8):
        web_server.add(f"/p{i}", Route(200, body=PAGE, delay=0.05))
    urls = [web_server.url(f"/p{i}") for i in range(8)]
    urls += [u.replace("127.0.0.1", "localhost") for u in urls]
    run_checks(urls, max_per_host=2)
    assert web_server.max_in_flight_for("127.0.0.1") <= 2
    assert web_server.max_in_flight_for("localhost") <= 2


def test_global_limit_holds(web_server: WebServer) -> None:
    for i in range(10):
        web_server.add(f"/p{i}", Route(200, body=PAGE, delay=0.05))
    hosts = ["127.0.0.1", "localhost"]
    urls = [web_server.url(f"/p{i}").replace("127.0.0.1", h) for i in range(10) for h in hosts]
    run_checks(urls, max_per_host=10, max_concurrency=3)
    assert web_server.max_in_flight <= 3


def test_duplicates_are_fetched_once(web_server: WebServer) -> None:
    web_server.add("/p", Route(200, body=PAGE))
    run_checks([web_server.url("/p")] * 5)
    assert web_server.count("/p") == 1


def test_user_agent_names_citecheck_and_can_be_changed(web_server: WebServer) -> None:
    web_server.add("/p", Route(200, body=PAGE))
    status_of(web_server.url("/p"))
    agent = web_server.log[0].headers["user-agent"]
    assert agent.startswith("citecheck/0.1.0") and "https://" in agent
    web_server.reset()
    status_of(web_server.url("/p"), user_agent="lawfirm-bot/2 (+https://law.example)")
    assert web_server.log[0].headers["user-agent"] == "lawfirm-bot/2 (+https://law.example)"


def test_unresolvable_host_is_dead() -> None:
    assert status_of("http://no-such-host.invalid/page").status is Status.DEAD


def test_refused_connection_is_broken(web_server: WebServer) -> None:
    url = web_server.url("/x")
    web_server.stop()
    assert status_of(url, check=CheckOptions(retries=0)).status is Status.BROKEN


@pytest.mark.parametrize("url", ["ftp://files.example.org/a.txt", "mailto:someone@example.org"])
def test_non_http_urls_are_unchecked(url: str) -> None:
    assert status_of(url).status is Status.UNCHECKED


def test_malformed_url_is_broken() -> None:
    assert status_of("http://exa mple.org:99999/x").status is Status.BROKEN


@pytest.mark.parametrize(("value", "seconds"), [("7", 7.0), (None, None), ("soon", None), ("0", 0.0)])
def test_retry_after_parsing(value: str | None, seconds: float | None) -> None:
    assert retry_after(value) == seconds


def test_retry_after_http_date() -> None:
    import datetime as dt

    now = dt.datetime(2026, 11, 22, 12, 0, 0, tzinfo=dt.UTC)
    assert retry_after("Sun, 22 Nov 2026 12:00:30 GMT", now) == 30.0


def test_a_bug_met_on_one_link_is_that_links_outcome(
    web_server: WebServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Whatever goes wrong inside one link's check (here the classifier raises for one page), that link
    is `broken` with the error named, and every other link is still checked."""
    import citecheck.check as check_module
    from citecheck.classify import classify as real

    def classify_with_a_bug(fetched: Any) -> LinkCheck:
        if fetched.final_url.endswith("/bug"):
            raise KeyError("a bug of ours")
        return real(fetched)

    monkeypatch.setattr(check_module, "classify", classify_with_a_bug)
    web_server.add("/bug", Route(200, body=PAGE))
    web_server.add("/fine", Route(200, body=PAGE))
    found = run_checks([web_server.url("/bug"), web_server.url("/fine")])
    assert found[web_server.url("/bug")].status is Status.BROKEN
    assert "internal error while checking (KeyError" in found[web_server.url("/bug")].detail
    assert found[web_server.url("/fine")].status is Status.OK
