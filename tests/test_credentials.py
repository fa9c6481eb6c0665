"""Credentials in URLs are never sent and never shown; cookies are never kept.

Requests go to a real server on 127.0.0.1, which records every header it received; the command
line runs in-process (typer's runner) so every report format is rendered as a user would get it.
"""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest
from cli_run import EVERY_OUTPUT
from typer.testing import CliRunner
from webserver import Route, WebServer

from citecheck.check import Checker, CheckOptions
from citecheck.cli import app
from citecheck.credentials import mask, masked, strip
from citecheck.extract import extract
from citecheck.models import Document, Link, Status
from citecheck.net import Client, NetOptions
from citecheck.session import Settings, run_verify

PAGE = b"<html><head><title>A cited page</title></head><body>text</body></html>"
SECRET = "s3cr3t-Pa55"


@pytest.mark.parametrize(
    ("url", "stripped", "shown"),
    [
        (
            "https://alice:pw@example.org/a?b=1#c",
            "https://example.org/a?b=1#c",
            "https://***@example.org/a?b=1#c",
        ),
        ("http://alice@example.org:8080/", "http://example.org:8080/", "http://***@example.org:8080/"),
        ("https://a:p@ss@example.org/", "https://example.org/", "https://***@example.org/"),
        ("https://example.org/mail?to=a@b.org", "https://example.org/mail?to=a@b.org", None),
        ("https://example.org/@user/post", "https://example.org/@user/post", None),
        ("ftp://u:p@files.example.org/x", "ftp://files.example.org/x", "ftp://***@files.example.org/x"),
    ],
)
def test_strip_and_mask(url: str, stripped: str, shown: str | None) -> None:
    assert strip(url) == stripped
    assert mask(url) == (shown or url)


def test_mask_finds_urls_inside_text() -> None:
    text = f'see <https://bob:{SECRET}@example.org/x>, and "http://u:{SECRET}@h.example/", mail me@x.org'
    assert SECRET not in mask(text)
    assert mask(text).count("***@") == 2 and "me@x.org" in mask(text)


def test_masked_reaches_every_string_of_a_value_tree() -> None:
    link = Link(f"https://u:{SECRET}@example.org/a", f"https://u:{SECRET}@example.org/a", 3)
    value = {link.url: (link, [link.written])}
    assert SECRET not in repr(masked(value))


def _check(urls: list[str]) -> list[Status]:
    async def go() -> list[Status]:
        async with Client(NetOptions(min_interval=0.0, timeout=5.0)) as client:
            checker = Checker(client, CheckOptions(retries=0, sibling_probe=False))
            return [(await checker.check(u)).status for u in urls]  # one after the other

    return asyncio.run(go())


def test_credentials_are_never_sent(web_server: WebServer) -> None:
    web_server.add("/p", Route(200, body=PAGE))
    web_server.add(
        "/r", Route(302, headers=[("Location", f"http://carol:{SECRET}@127.0.0.1:{web_server.port}/p")])
    )
    url = web_server.url("/p").replace("http://", f"http://alice:{SECRET}@")
    assert _check([url, web_server.url("/r")]) == [Status.OK, Status.OK]
    assert [r.path for r in web_server.log] == ["/p", "/r", "/p"]
    for record in web_server.log:
        assert "authorization" not in record.headers
        assert SECRET not in repr(record)


def test_cookies_are_not_sent_back(web_server: WebServer) -> None:
    cookie = [("Set-Cookie", "session=abc123; Path=/"), ("Set-Cookie", "track=1; Path=/; Max-Age=9999")]
    web_server.add("/login", Route(302, headers=[*cookie, ("Location", "/p")]))
    web_server.add("/set", Route(200, body=PAGE, headers=cookie))
    web_server.add("/p", Route(200, body=PAGE))
    assert _check([web_server.url("/set"), web_server.url("/p"), web_server.url("/login")]) == [Status.OK] * 3
    assert len(web_server.log) == 4
    assert all("cookie" not in r.headers for r in web_server.log)  # neither later, nor on the redirect


def test_nothing_about_cookies_reaches_the_cache(web_server: WebServer, tmp_path: Path) -> None:
    web_server.add("/p", Route(200, body=PAGE, headers=[("Set-Cookie", "session=COOKIEVALUE42; Path=/")]))
    text = f"A claim.¹\n\n¹ {web_server.url('/p')}\n"
    settings = Settings(archive=None, cache_dir=tmp_path / "cache")
    run = asyncio.run(run_verify([extract(Document("doc.txt", text))], settings))
    assert run.checks[web_server.url("/p")].status is Status.OK
    files = [p for p in (tmp_path / "cache").rglob("*") if p.is_file()]
    assert files  # the check was cached...
    for path in files:  # ...and no trace of the cookie is (the WAL too)
        data = path.read_bytes()
        assert b"COOKIEVALUE42" not in data and b"Set-Cookie" not in data and b"session=" not in data


def test_credentials_never_reach_the_cache(web_server: WebServer, tmp_path: Path) -> None:
    """The cache holds the URL without its credentials; a second run is still served from it."""
    web_server.add("/p", Route(200, body=PAGE))
    web_server.add(
        "/r", Route(301, headers=[("Location", f"http://u:{SECRET}@127.0.0.1:{web_server.port}/p")])
    )
    url = web_server.url("/p").replace("http://", f"http://alice:{SECRET}@")
    text = f"A claim.¹ Another.²\n\n¹ {url}\n² {web_server.url('/r')}\n"
    settings = Settings(archive=None, cache_dir=tmp_path / "cache")
    sent = []
    for _ in range(2):
        run = asyncio.run(run_verify([extract(Document("doc.txt", text))], settings))
        assert run.checks[strip(url)].status is Status.OK  # a link's URL never holds them
        sent.append(len(web_server.log))
    assert sent[0] >= 3 and sent[1] == sent[0]  # the second run was served from the cache
    files = [p for p in (tmp_path / "cache").rglob("*") if p.is_file()]
    assert files and all(SECRET.encode() not in p.read_bytes() for p in files)


@pytest.mark.parametrize(
    "args",
    EVERY_OUTPUT,
    ids=lambda a: "-".join(a[::2]),
)
def test_every_output_masks_credentials(web_server: WebServer, tmp_path: Path, args: list[str]) -> None:
    web_server.add("/a-long-path/to/the/cited/page", Route(404))  # failing: every format lists it
    url = web_server.url("/a-long-path/to/the/cited/page").replace("http://", f"http://alice:{SECRET}@")
    doc = tmp_path / "doc.txt"
    doc.write_text(f"A claim.¹\n\n¹ Alice, A cited page (2025), {url}\n", encoding="utf-8")
    extra = ["--no-cache", "--timeout", "5"] if args[0] != "extract" else []
    extra += ["--no-archive"] if args[0] == "verify" else []
    done = CliRunner().invoke(app, [*args, *extra, str(doc)], env={"NO_COLOR": "1", "COLUMNS": "60"})
    output = done.stdout + done.stderr
    assert done.exit_code in (0, 1), output
    assert SECRET not in output and "alice" not in output
    assert "***@127.0.0.1" in output or "//127.0.0.1:" in output  # written masked, or the URL without them
    assert all("authorization" not in r.headers for r in web_server.log)
