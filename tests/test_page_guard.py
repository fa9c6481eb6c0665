"""Reading one page can never end a run: JSON-LD is parsed only when its nesting is bounded, and any
exception while a body is read into metadata means "no metadata" for that page, nothing more.
"""

from __future__ import annotations

import asyncio
import json
from pathlib import Path

import pytest
from cli_run import run_citecheck
from webserver import Route, WebServer

from citecheck.check import Checker, CheckOptions
from citecheck.models import LinkCheck, Status
from citecheck.net import Client, NetOptions
from citecheck.pagemeta import MAX_LD_DEPTH, from_response, html_meta


def ld_page(json_ld: str, title: str = "A real article") -> bytes:
    return (
        f'<html><head><title>{title}</title><script type="application/ld+json">{json_ld}</script>'
        "</head><body>text</body></html>"
    ).encode()


NESTED = ld_page("[" * 1000)
ARTICLE = '{"@type": "NewsArticle", "headline": "Deep headline"}'


def test_deeply_nested_json_ld_is_ignored_and_the_title_still_read() -> None:
    meta = html_meta(NESTED)
    assert meta.titles == (("title", "A real article"),)


@pytest.mark.parametrize(("depth", "read"), [(MAX_LD_DEPTH - 1, True), (MAX_LD_DEPTH + 1, False)])
def test_json_ld_is_read_up_to_the_depth_bound(depth: int, read: bool) -> None:
    nested = "[" * (depth - 1) + ARTICLE + "]" * (depth - 1)
    titles = html_meta(ld_page(nested)).titles
    assert (("json-ld", "Deep headline") in titles) is read


def test_brackets_inside_json_strings_do_not_count_as_depth() -> None:
    brackets = "[" * 500
    item = f'{{"@type": "NewsArticle", "headline": "Deep headline", "about": "{brackets}"}}'
    assert ("json-ld", "Deep headline") in html_meta(ld_page(item)).titles


@pytest.mark.parametrize("charset", ["idna", "punycode"])
def test_a_page_whose_charset_codec_raises_gives_no_metadata(charset: str) -> None:
    body = b"<html><head><title>Title</title></head><body>" + b"x" * 100 + b"\xff</body></html>"
    assert from_response(body, f"text/html; charset={charset}", complete=True) is None


def check(url: str) -> LinkCheck:
    async def go() -> LinkCheck:
        async with Client(NetOptions(timeout=2.0, min_interval=0.0)) as client:
            return await Checker(client, CheckOptions(retries=0, sibling_probe=False)).check(url)

    return asyncio.run(asyncio.wait_for(go(), 30))


def test_a_page_with_nested_json_ld_is_ok_with_its_title(web_server: WebServer) -> None:
    web_server.add("/deep", Route(200, body=NESTED))
    result = check(web_server.url("/deep"))
    assert result.status is Status.OK
    assert result.page is not None and result.page.titles == (("title", "A real article"),)


def test_a_page_whose_metadata_cannot_be_read_is_ok_without_metadata(web_server: WebServer) -> None:
    body = b"<html><head><title>Title</title></head><body>\xff</body></html>"
    web_server.add("/idna", Route(200, body=body, headers=[("Content-Type", "text/html; charset=idna")]))
    result = check(web_server.url("/idna"))
    assert result.status is Status.OK and result.page is None


def test_verify_goes_on_past_pages_that_cannot_be_read(web_server: WebServer, tmp_path: Path) -> None:
    web_server.add("/deep", Route(200, body=NESTED))
    web_server.add(
        "/idna",
        Route(200, body=b"<title>T</title>\xff", headers=[("Content-Type", "text/html; charset=idna")]),
    )
    web_server.add("/fine", Route(200, body=ld_page(ARTICLE)))
    doc = tmp_path / "doc.txt"
    doc.write_text(
        "Claim.¹ Another.² Third.³\n\n"
        f"¹ Deep, Outlet (Mar. 1, 2025), {web_server.url('/deep')}.\n\n"
        f"² Codec, Outlet (Mar. 2, 2025), {web_server.url('/idna')}.\n\n"
        f"³ Fine, Outlet (Mar. 3, 2025), {web_server.url('/fine')}.\n",
        encoding="utf-8",
    )
    done = run_citecheck("verify", "--no-archive", "--no-cache", "--format", "json", str(doc))
    assert done.returncode == 0, done.stderr
    documents = json.loads(done.stdout)["documents"]
    statuses = [lk["status"] for d in documents for fn in d["footnotes"] for lk in fn["links"]]
    assert statuses == ["ok", "ok", "ok"]
