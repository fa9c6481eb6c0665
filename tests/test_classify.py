"""Classifying what was fetched into the contract's statuses, table-driven."""

from __future__ import annotations

import pytest

from citecheck.classify import Fetched, Hop, classify, is_trivial_redirect, needs_sibling_probe, same_page
from citecheck.models import Status

URL = "https://news.example/2025/03/20/some-story"
HTML = b"<html><head><title>Some story | News</title></head><body><h1>Some story</h1></body></html>"


def page(
    status: int = 200,
    body: bytes = HTML,
    hops: tuple[Hop, ...] = (),
    final: str = URL,
    headers: tuple[tuple[str, str], ...] = (("content-type", "text/html"),),
) -> Fetched:
    return Fetched(URL, status, final, headers, hops, body)


@pytest.mark.parametrize(
    ("fetched", "status"),
    [
        (page(), Status.OK),
        (page(204, b""), Status.OK),
        (page(404), Status.DEAD),
        (page(410), Status.DEAD),
        (page(401), Status.BLOCKED),
        (page(403), Status.BLOCKED),
        (page(429), Status.BLOCKED),
        (page(999), Status.BLOCKED),
        (page(500), Status.BROKEN),
        (page(503), Status.BROKEN),
        (page(400), Status.BROKEN),
        (page(301, b""), Status.BROKEN),  # a redirect that could not be followed
        (page(200, b"<title>Page Not Found | News</title>"), Status.SOFT_404),
        (page(200, b"<title>News</title><h1>Sorry, we can't find that page</h1>"), Status.SOFT_404),
        (page(200, b"<title>Oops! 404</title>"), Status.SOFT_404),
        (page(200, b"<title>Just a moment...</title>"), Status.BLOCKED),
        (page(403, b"<title>Attention Required! | Cloudflare</title>"), Status.BLOCKED),
        (page(200, HTML, headers=(("cf-mitigated", "challenge"),)), Status.BLOCKED),
        (page(403, b"", headers=(("server", "DataDome"),)), Status.BLOCKED),
        (
            page(403, b"<HTML><HEAD><TITLE>Access Denied</TITLE></HEAD>Reference #18.abc123.1700000000.1f2e"),
            Status.BLOCKED,
        ),
        # an article *about* a 404 error is not an error page when its title says something else
        (page(200, b"<title>Why the 404 page matters for archives | Blog</title>"), Status.OK),
        (page(200, b"<title>404 | News</title>"), Status.SOFT_404),
        (page(200, b"<title>Source 404</title>"), Status.OK),  # a title that merely ends in a number
        (page(200, b"<title>Route 404 closes for repairs</title>"), Status.OK),
        (page(200, b"<title>Oops! 404</title>"), Status.SOFT_404),
        (page(200, b"<title>News - Error 404</title>"), Status.SOFT_404),
    ],
)
def test_statuses(fetched: Fetched, status: Status) -> None:
    assert classify(fetched).status is status


def test_permanent_redirect_to_a_different_page() -> None:
    moved = page(
        hops=(Hop(URL, 301, "https://news.example/new-story"),), final="https://news.example/new-story"
    )
    assert classify(moved).status is Status.REDIRECTED


@pytest.mark.parametrize(
    "final",
    [
        "https://www.news.example/2025/03/20/some-story",
        "http://news.example/2025/03/20/some-story/",
        "https://NEWS.example:443/2025/03/20/some-story",
    ],
)
def test_trivial_redirects_are_ok(final: str) -> None:
    assert is_trivial_redirect(URL, final)
    assert classify(page(hops=(Hop(URL, 301, final),), final=final)).status is Status.OK


def test_temporary_redirect_to_another_page_is_ok_but_probed() -> None:
    f = page(hops=(Hop(URL, 302, "https://news.example/other"),), final="https://news.example/other")
    check = classify(f)
    assert check.status is Status.OK
    assert needs_sibling_probe(f, check)


@pytest.mark.parametrize(
    "final", ["https://news.example/", "https://news.example", "https://www.news.example/index.html"]
)
def test_redirect_to_home_page_is_soft_404(final: str) -> None:
    f = page(hops=(Hop(URL, 301, final),), final=final)
    assert classify(f).status is Status.SOFT_404


def test_same_page_by_final_url_or_title_and_body() -> None:
    a = page(final="https://news.example/search")
    b = Fetched("https://news.example/2025/03/20/zzz", 200, "https://news.example/search/", (), (), b"x")
    assert same_page(a, b)
    c = Fetched(
        "https://news.example/2025/03/20/zzz", 200, "https://news.example/2025/03/20/zzz", (), (), HTML
    )
    assert same_page(page(), c)
    d = Fetched("https://news.example/x", 200, "https://news.example/x", (), (), b"<title>Other</title>")
    assert not same_page(page(), d)


def test_details_say_why() -> None:
    assert classify(page(404)).detail == "404 Not Found"
    assert "refused" in classify(page(403)).detail
    assert "Page Not Found" in classify(page(200, b"<title>Page Not Found</title>")).detail
