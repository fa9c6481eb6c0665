"""The proof run: every URL the project's tests and fixtures hold, and thousands of hostile ones, cited
and redirected to, through the real command line. None may end a run: exit 0 or 1, JSON that
parses, a status for every link.

The corpus: each text file under tests/ and fixtures/, read with the project's own URL finder
(`urls.Flow`) and a broad regex (any scheme); then generated URLs: a first and a last code point
of every Unicode general category in a host, a path, a query and a fragment; every C0 control, DEL
and every C1 control in the same places; overlong labels, hosts, paths and queries; IPv6 and bad IP
literals; and every shape a redirect target takes (relative, scheme-relative, other schemes,
empty, whitespace, huge). A local server answers `/r/<n>` with a redirect to URL n (its UTF-8
bytes as they stand, raw control characters included), and one HTML document cites every
`/r/<n>` and every URL itself. Hosts other than loopback fail to resolve (the test network
guard), so nothing leaves the machine.
"""

from __future__ import annotations

import asyncio
import html
import io
import json
import re
import time
import unicodedata
import zipfile
from collections.abc import Iterator
from functools import cache
from pathlib import Path

import pytest
from cli_run import ROOT, run_citecheck
from wayback_server import WaybackServer
from webserver import Route, WebServer

from citecheck.check import Checker, CheckOptions
from citecheck.models import LinkCheck, Status
from citecheck.net import Client, NetOptions
from citecheck.urls import Flow

STATUSES = {"ok", "redirected", "blocked", "soft-404", "dead", "broken", "timeout", "unchecked"}
FAST = ("--no-cache", "--retries", "0", "--timeout", "10", "--min-interval", "0")
BROAD = re.compile(r"(?:[a-z][a-z0-9+.-]{0,15}://|(?:javascript|data|mailto|file|tel):)[^\s<>\"'`\\]+", re.I)
MAX_FILE = 4 * 1024 * 1024


# --------------------------------------------------------------------------------------------------
# The corpus


def suite_urls() -> list[str]:
    """Every URL written in a text file of tests/ or fixtures/ (binary files skipped)."""
    found: dict[str, None] = {}
    for top in ("tests", "fixtures"):
        for path in sorted((ROOT / top).rglob("*")):
            if not path.is_file() or "__pycache__" in path.parts or path.stat().st_size > MAX_FILE:
                continue
            data = path.read_bytes()
            if b"\0" in data[:8192]:
                continue
            text = data.decode("utf-8", "replace")
            found.update(dict.fromkeys(u.written for u in Flow([(1, text)]).links()))
            found.update(dict.fromkeys(m.group(0) for m in BROAD.finditer(text)))
    return list(found)


@cache
def category_samples() -> tuple[str, ...]:
    """The first and the last code point of every Unicode general category (30 of them)."""
    first: dict[str, int] = {}
    last: dict[str, int] = {}
    for cp in range(0x110000):
        cat = unicodedata.category(chr(cp))
        first.setdefault(cat, cp)
        last[cat] = cp
    return tuple(chr(cp) for cat in sorted(first) for cp in dict.fromkeys((first[cat], last[cat])))


CONTROLS = tuple(chr(cp) for cp in [*range(0x20), 0x7F, *range(0x80, 0xA0)])
IP_LITERALS = (
    "http://[::1]/",
    "http://[::1/",
    "http://[::1]]/",
    "http://[zz]/",
    "http://[1::2::3]/",
    "http://[v1.x]/",
    "http://[fe80::1%25eth0]/",
    "http://[::ffff:999.1.1.1]/",
    "http://[::ffff:127.0.0.1]:1/",
    "http://[" + "1:" * 100 + "]/",
    "http://999.1.1.1/",
    "http://1.2.3.4.5/",
    "http://256.256.256.256/",
    "http://01.02.03.04/",
    "http://0x7f.1/",
    "http://4294967296/",
    "http://1.2.3/",
    "http://-1.0.0.0/",
    "http://127.0.0.1:99999/",
    "http://127.0.0.1:-1/",
    "http://127.0.0.1:port/",
    "http://127.0.0.1:1:2/",
)
REDIRECT_SHAPES = (
    "/elsewhere",
    "elsewhere",
    "../../up",
    "?only=query",
    "#only-fragment",
    ".",
    "//h.example/scheme-relative",
    "//",
    "///triple",
    "//[::1",
    "//user:pw@h.example/",
    "ftp://h.example/file",
    "javascript:alert(1)",
    "data:text/html,<title>x</title>",
    "mailto:a@h.example",
    "file:///etc/passwd",
    "tel:+1",
    "http:",
    "http:/",
    "http://",
    "https:h.example",
    "HTTP://H.EXAMPLE/UPPER",
    "",
    " ",
    "\t",
    "  /padded  ",
    "http://h.example/" + "h" * 20_000,
)


def generated_urls() -> list[str]:
    """Hostile URLs: every category and control in every part, overlong parts, IP literals."""
    odd = category_samples() + CONTROLS
    out: list[str] = []
    for ch in odd:
        out += [
            f"http://a{ch}b.example/",
            f"http://{ch}/",
            f"http://h.example/p{ch}q",
            f"http://h.example/?q={ch}",
            f"http://h.example/#{ch}",
        ]
    out += [
        "http://" + "a" * 63 + ".example/",
        "http://" + "a" * 64 + ".example/",
        "http://" + "a" * 1000 + ".example/",
        "http://" + ("a" * 62 + ".") * 4 + "example/",
        "http://" + ("a." * 1000) + "example/",  # longer runs of labels: see credentials.mask, quadratic
        "http://a..example/",
        "http://.example/",
        "http://h.example/" + "p" * 8_000,
        "http://h.example/" + "p" * 70_000,
        "http://h.example/?" + "q=1&" * 20_000,
        "https://i❤.ws/",
        "https://例え.jp/パス?クエリ#断片",
        "http://user:pw@h.example/",
        "http://h.example:0/",
        "http://h.example:25/",
    ]
    return list(dict.fromkeys([*out, *IP_LITERALS, *REDIRECT_SHAPES]))


def corpus() -> list[str]:
    return list(dict.fromkeys([*suite_urls(), *generated_urls()]))


# --------------------------------------------------------------------------------------------------
# The run


def as_header(value: str) -> str:
    """A header value sent as its UTF-8 bytes, raw (the test server writes headers as Latin-1)."""
    return value.encode("utf-8", "surrogatepass").decode("latin-1")


def citing(urls: list[str]) -> str:
    """An HTML page citing each URL once."""
    items = "".join(f'<p>Source <a href="{html.escape(u)}">{i}</a>.</p>\n' for i, u in enumerate(urls))
    return f"<!DOCTYPE html><html><head><title>Sources</title></head><body>\n{items}</body></html>\n"


def every_link(report: dict[str, object]) -> Iterator[dict[str, object]]:
    for doc in report["documents"]:  # type: ignore[attr-defined]
        for note in doc["footnotes"]:
            yield from note["links"]
        yield from doc["unnumbered_links"]


def assert_finished(done_rc: int, stderr: str, stdout: str) -> list[dict[str, object]]:
    """Exit 0 or 1, no traceback, a JSON report with a contract status for every link."""
    assert done_rc in (0, 1), stderr[-3000:]
    assert "Traceback" not in stderr, stderr[-3000:]
    links = list(every_link(json.loads(stdout)))
    assert links
    assert {str(link["status"]) for link in links} <= STATUSES
    return links


@pytest.fixture
def redirector(web_server: WebServer) -> tuple[WebServer, list[str]]:
    urls = corpus()
    for n, url in enumerate(urls):
        web_server.add(f"/r/{n}", Route(302, headers=[("Location", as_header(url))]))
    return web_server, urls


def test_a_redirect_to_every_url_ends_with_a_status(
    redirector: tuple[WebServer, list[str]], tmp_path: Path
) -> None:
    """The real command line, one document citing N links that each redirect to one URL."""
    server, urls = redirector
    hops = [server.url(f"/r/{n}") for n in range(len(urls))]
    doc = tmp_path / "sources.html"
    doc.write_text(citing(hops), encoding="utf-8")
    started = time.monotonic()
    done = run_citecheck("verify", "--no-archive", *FAST, "--format", "json", str(doc), timeout=600)
    elapsed = time.monotonic() - started
    links = assert_finished(done.returncode, done.stderr, done.stdout)
    assert sorted(str(link["url"]) for link in links) == sorted(hops), "every redirecting link is reported"
    asked = {record.path for record in server.log}
    assert all(f"/r/{n}" in asked for n in range(len(urls))), "every redirect was asked for"
    print(f"\n{len(urls)} URLs ({len(suite_urls())} from the suite) redirected to: {elapsed:.1f} s")


def test_every_url_cited_as_it_stands_ends_with_a_status() -> None:
    """Every URL, raw (control characters and lone surrogates included, which no document format
    delivers intact), checked in-process by the checker the command line uses."""
    urls = corpus()

    async def go() -> dict[str, LinkCheck]:
        async with Client(NetOptions(timeout=10.0, min_interval=0.0)) as client:
            return await Checker(client, CheckOptions(retries=0)).check_many(urls)

    started = time.monotonic()
    results = asyncio.run(asyncio.wait_for(go(), 300))
    assert list(results) == urls
    assert all(isinstance(r.status, Status) and r.detail for r in results.values())
    print(f"\n{len(urls)} URLs cited as they stand: {time.monotonic() - started:.1f} s")


# --------------------------------------------------------------------------------------------------
# With the archive on, and `appendix` on a Word file whose link target holds control characters

ARCHIVE_HOSTILE = [
    "http://h.example/a\x01b",
    "http://h.example/a\x7fb",
    "http://h.example/a\x85b",
    "http://h.example/a b",
    "https://i❤.ws/",
    "http://999.1.1.1/",
    "http://[::1/",
    "http://h.example/" + "p" * 70_000,
    "http://" + "a" * 64 + ".example/",
    "http://h.example/\U0010ffff",
]


@pytest.fixture
def archive() -> Iterator[WaybackServer]:
    with WaybackServer(clock=time.monotonic, cdx_limit=None) as server:
        server.add_capture("http://h.example/kept", "20250101000000", body=b"<title>Kept</title>")
        yield server


def test_verify_with_the_archive_on_hostile_cited_urls(
    archive: WaybackServer, web_server: WebServer, tmp_path: Path
) -> None:
    hops = []
    for n, url in enumerate(ARCHIVE_HOSTILE):
        web_server.add(f"/a/{n}", Route(302, headers=[("Location", as_header(url))]))
        hops.append(web_server.url(f"/a/{n}"))
    doc = tmp_path / "sources.html"
    doc.write_text(citing([*ARCHIVE_HOSTILE, *hops, "http://h.example/kept"]), encoding="utf-8")
    done = run_citecheck(
        "verify", *FAST, "--wayback-url", archive.base_url, "--format", "json", str(doc), timeout=300
    )
    links = assert_finished(done.returncode, done.stderr, done.stdout)
    kept = next(link for link in links if link["url"] == "http://h.example/kept")
    assert kept["archive"] is not None, "the archive was asked, and answered"


W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
R = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
RELS = "http://schemas.openxmlformats.org/package/2006/relationships"


def docx_citing(targets: list[str]) -> bytes:
    """A Word file, one footnote per hyperlink whose relationship target is written as given
    (XML character references such as `&#10;` included)."""
    ns = f'xmlns:w="{W}" xmlns:r="{R}"'
    body = "".join(
        f'<w:p><w:r><w:t>Claim {i}.</w:t></w:r><w:r><w:footnoteReference w:id="{i}"/></w:r></w:p>'
        for i in range(1, len(targets) + 1)
    )
    notes = "".join(
        f'<w:footnote w:id="{i}"><w:p><w:r><w:footnoteRef/></w:r><w:r><w:t xml:space="preserve"> See </w:t>'
        f'</w:r><w:hyperlink r:id="rId{i}"><w:r><w:t>source {i}</w:t></w:r></w:hyperlink></w:p></w:footnote>'
        for i in range(1, len(targets) + 1)
    )
    hyperlink = f"{R}/hyperlink"
    links = "".join(
        f'<Relationship Id="rId{i}" Type="{hyperlink}" Target="{t}" TargetMode="External"/>'
        for i, t in enumerate(targets, 1)
    )
    members = {
        "[Content_Types].xml": "<Types/>",
        "_rels/.rels": f'<Relationships xmlns="{RELS}"><Relationship Id="rId1" Type="{R}/officeDocument" '
        'Target="word/document.xml"/></Relationships>',
        "word/document.xml": f"<w:document {ns}><w:body>{body}</w:body></w:document>",
        "word/_rels/document.xml.rels": f'<Relationships xmlns="{RELS}"></Relationships>',
        "word/footnotes.xml": f"<w:footnotes {ns}>{notes}</w:footnotes>",
        "word/_rels/footnotes.xml.rels": f'<Relationships xmlns="{RELS}">{links}</Relationships>',
    }
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as zf:
        for name, text in members.items():
            zf.writestr(name, text)
    return buffer.getvalue()


def test_appendix_of_a_word_file_whose_link_targets_hold_control_characters(
    archive: WaybackServer, tmp_path: Path
) -> None:
    targets = [
        "http://h.example/a&#10;b",
        "http://h.example/a&#13;&#10;b",
        "http://h.example/a&#9;b",
        "http://h.example/a&#x7f;b",
        "http://h.example/a&#x85;b",
        "http://h.example/kept",
    ]
    doc = tmp_path / "letter.docx"
    doc.write_bytes(docx_citing(targets))
    done = run_citecheck("appendix", "--wayback-url", archive.base_url, "--format", "json", str(doc))
    assert done.returncode in (0, 1), done.stderr[-3000:]
    assert "Traceback" not in done.stderr
    report = json.loads(done.stdout)
    assert report
