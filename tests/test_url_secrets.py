"""Secrets written in cited URLs: credentials never leave the machine or reach the disk; a
secret-looking query parameter is never published to Save Page Now; reports mask both.

Everything is real: a local web server, the local Wayback-compatible archive (which records every
request it received, Save Page Now submissions included), the cache file read back as raw bytes,
and the command line rendering every report format in-process.
"""

from __future__ import annotations

import asyncio
import json
from pathlib import Path

import pytest
from cli_run import EVERY_OUTPUT
from typer.testing import CliRunner
from wayback_server import WaybackServer, wayback_server_fixture
from webserver import Route, WebServer

from citecheck.archive import ArchiveOptions
from citecheck.cli import app
from citecheck.credentials import mask, secret_parameters
from citecheck.extract import extract
from citecheck.models import Confirmation, Document, Link, MatchVerdict, Repair, RepairKind, Status
from citecheck.net import NetOptions
from citecheck.session import Settings, run_verify
from citecheck.urls import meant

__all__ = ["wayback_server_fixture"]

SECRET = "s3cr3t-Pa55"
TOKEN = "tok-9f8e7d6c5b4a"
BBC = "Coming face-to-face with inmates in El Salvador’s mega jail"


def _page(title: str) -> Route:
    return Route(200, body=f"<!doctype html><html><head><title>{title}</title></head></html>".encode())


def _with_credentials(url: str) -> str:
    return url.replace("http://", f"http://alice:{SECRET}@")


def _raw_cache(directory: Path) -> bytes:
    """Every byte the cache wrote (the database, its journal and anything else in its directory)."""
    files = [p for p in directory.rglob("*") if p.is_file()]
    assert files
    return b"".join(p.read_bytes() for p in files)


def _archive_received(wayback: WaybackServer) -> str:
    return "\n".join(f"{r.method} {r.target} {r.headers} {r.body!r}" for r in wayback.log)


# --- credentials -------------------------------------------------------------------------------------


def test_a_link_never_holds_credentials_however_it_is_made() -> None:
    written = f"https://alice:{SECRET}@example.org/a"
    repair = Repair(RepairKind.LINE_WRAP, (f"https://bob:{SECRET}@example.org/b",), ("a guess",))
    link = Link(written, written, 3, repair, suspects=(f"https://carol:{SECRET}@example.org/c",))
    assert link.written == written  # as the document writes it
    assert SECRET not in link.url + repr(link.suspects) + repr(link.repair)
    assert link.url == "https://example.org/a"
    (found,) = extract(Document("d.txt", f"A claim.¹\n\n¹ See www.bob:{SECRET}@example.org/page.\n")).links()
    assert found.url == "https://example.org/page" and SECRET in found.written
    assert meant(f"www.bob:{SECRET}@example.org/p") == "https://example.org/p"
    assert Repair(RepairKind.LINE_WRAP, (f"www.bob:{SECRET}@example.org/p",), ()).candidates == (
        "https://example.org/p",
    )


def test_credentials_reach_neither_the_archive_nor_the_cache(
    web_server: WebServer, wayback_server: WaybackServer, tmp_path: Path
) -> None:
    """A drifted page's capture is fetched, a dated citation makes a date-prefixed cache key, the
    URL appears in a capture's address: none of them carries the credentials."""
    web_server.add("/moved-on", _page("Latin America news: live updates - BBC News"))
    web_server.add("/fine", _page("A fine page"))
    wayback_server.add_capture(
        web_server.url("/moved-on"), "20240214180000", body=f"<title>{BBC} - BBC News</title>".encode()
    )
    wayback_server.add_capture(web_server.url("/fine"), "20250301120000")
    moved, fine_url = (_with_credentials(web_server.url(p)) for p in ("/moved-on", "/fine"))
    text = (
        "Claims.¹ ²\n\n"
        f"¹ Leire Ventas, {BBC}, BBC News (Feb. 14, 2024), <{moved}>.\n\n"
        f"² Some One, A fine page (Mar. 16, 2025), <{fine_url}>.\n"
    )
    settings = Settings(
        net=NetOptions(timeout=10),
        archive=ArchiveOptions(base_url=wayback_server.base_url),
        cache_dir=tmp_path / "cache",
    )
    run = asyncio.run(run_verify([extract(Document("doc.txt", text))], settings))
    drifted, fine = run.extractions[0].links()
    match = run.matches[drifted]
    assert match.verdict is MatchVerdict.DRIFT and match.archive_verdict is MatchVerdict.MATCH  # fetched
    assert run.checks[fine.url].status is Status.OK
    assert sum(snap is not None for snap in run.archives.values()) == 2  # both captures found
    assert wayback_server.log and SECRET not in _archive_received(wayback_server)
    assert "alice" not in _archive_received(wayback_server)
    raw = _raw_cache(tmp_path / "cache")
    assert b"2025-03-16 " + web_server.url("/fine").encode() in raw  # the dated archive key, without them
    assert SECRET.encode() not in raw and b"alice" not in raw
    for record in web_server.log:
        assert SECRET not in f"{record.target} {record.headers}"


def test_a_scheme_less_url_with_credentials_is_proven_in_the_archive_without_them(
    web_server: WebServer, wayback_server: WaybackServer, tmp_path: Path
) -> None:
    """`www.user:pass@host/…` with a damaged slug the live site cannot confirm: the archive's
    prefix query finds the spelling it holds, and neither it nor the cache sees the credentials."""
    web_server.refuse_tls = True  # as a real server does: the https:// attempt fails at once
    host = f"127.0.0.1:{web_server.port}"  # plain HTTP: the https:// a www. URL means fails live
    slug = "trump-deportations-salvador-tren-aragua64e72142a171ea57c869c3b35eeecce7"
    archived = (
        f"https://{host}/article/trump_deportations_salvador_tren_aragua_64e72142a171ea57c869c3b35eeecce7"
    )
    wayback_server.add_capture(archived, "20250320101500")
    text = f"A claim.¹\n\n¹ AP (Mar. 16, 2025), <www.alice:{SECRET}@{host}/article/{slug}>.\n"
    settings = Settings(
        net=NetOptions(timeout=10),
        archive=ArchiveOptions(base_url=wayback_server.base_url),
        cache_dir=tmp_path / "cache",
    )
    run = asyncio.run(run_verify([extract(Document("doc.txt", text))], settings))
    assert any(r.kind == "cdx" for r in wayback_server.log)
    received = _archive_received(wayback_server)
    assert SECRET not in received and "alice" not in received
    (link,) = run.extractions[0].links()
    assert link.repair is not None and link.repair.confirmed_by is Confirmation.ARCHIVE
    assert link.url == archived
    assert SECRET.encode() not in _raw_cache(tmp_path / "cache")


def test_reports_mask_a_scheme_less_www_url_with_credentials(tmp_path: Path) -> None:
    doc = tmp_path / "doc.txt"
    text = f"A claim.¹\n\n¹ Alice, A page (2025), www.alice:{SECRET}@example.org/page.\n"
    doc.write_text(text, encoding="utf-8")
    done = CliRunner().invoke(app, ["extract", "-f", "json", str(doc)], env={"NO_COLOR": "1"})
    assert done.exit_code == 0, done.output
    assert SECRET not in done.output and "alice" not in done.output
    (note,) = json.loads(done.stdout)["documents"][0]["footnotes"]
    (link,) = note["links"]
    assert link["written"] == "www.***@example.org/page" and "www.***@example.org/page" in note["text"]
    assert link["url"] == "https://example.org/page"


# --- secret-looking query parameters ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("url", "names"),
    [
        ("https://h.example/a?token=x&b=1", ["token"]),
        ("https://h.example/a?ACCESS_TOKEN=x", ["ACCESS_TOKEN"]),
        ("https://h.example/a?X-Amz-Signature=x&X-Amz-Credential=y", ["X-Amz-Signature", "X-Amz-Credential"]),
        ("https://h.example/a?apiKey=x", ["apiKey"]),
        ("https://h.example/a?page=2&sort=key", []),  # a value is not a name
        ("https://h.example/monkey=1", []),
        ("https://h.example/a", []),
    ],
)
def test_secret_parameters_are_known_by_name_without_case(url: str, names: list[str]) -> None:
    assert secret_parameters(url) == names


def test_mask_hides_secret_values_also_once_escaped() -> None:
    text = "see https://h.example/a?b=1&token=abc#top, <https://h.example/x?Sig=Q&amp;key=K9>"
    assert (
        mask(text) == "see https://h.example/a?b=1&token=***#top, <https://h.example/x?Sig=***&amp;key=***>"
    )
    assert mask(mask(text)) == mask(text)
    assert mask("https://h.example/a?keyboard=1&monkey=2") == "https://h.example/a?keyboard=1&monkey=2"


def test_a_url_with_a_secret_parameter_is_never_submitted_to_save_page_now(
    web_server: WebServer, wayback_server: WaybackServer
) -> None:
    web_server.add("/signed", _page("A signed report"))
    web_server.add("/plain", _page("A plain page"))
    signed = web_server.url(f"/signed?id=7&Token={TOKEN}")
    plain = web_server.url("/plain")
    text = f"Claims.¹ ²\n\n¹ A signed report (2025), <{signed}>.\n\n² A plain page (2025), <{plain}>.\n"
    options = ArchiveOptions(base_url=wayback_server.base_url, poll_interval=0.0)
    settings = Settings(net=NetOptions(timeout=10), archive=options, save=True, use_cache=False)
    run = asyncio.run(run_verify([extract(Document("doc.txt", text))], settings))
    submitted = [r.url for r in wayback_server.save_requests]
    assert submitted == [web_server.url("/plain")]  # the other one is still saved
    posts = [r for r in wayback_server.log if r.method == "POST"]
    assert len(posts) == 1 and TOKEN not in repr(posts)
    assert run.checks[signed].status is Status.OK  # the live check asked for it as the author cited it
    assert any(r.target == f"/signed?id=7&Token={TOKEN}" for r in web_server.log)
    (warning,) = [w for w in run.warnings if "Save Page Now" in w]
    assert TOKEN not in warning and "/signed?id=7&Token=***" in warning and "Token" in warning


@pytest.mark.parametrize(
    "args",
    EVERY_OUTPUT,
    ids=lambda a: "-".join(a[::2]),
)
def test_every_output_masks_secret_parameters(web_server: WebServer, tmp_path: Path, args: list[str]) -> None:
    web_server.add("/a-long-path/to/the/cited/report", Route(404))  # failing: every format lists it
    url = web_server.url(f"/a-long-path/to/the/cited/report?a=1&X-Amz-Signature={TOKEN}&api_key={TOKEN}")
    doc = tmp_path / "doc.txt"
    doc.write_text(f"A claim.¹\n\n¹ Alice, A cited report (2025), {url}\n", encoding="utf-8")
    extra = ["--no-cache", "--timeout", "5"] if args[0] != "extract" else []
    extra += ["--no-archive"] if args[0] == "verify" else []
    done = CliRunner().invoke(app, [*args, *extra, str(doc)], env={"NO_COLOR": "1", "COLUMNS": "60"})
    output = done.stdout + done.stderr
    assert done.exit_code in (0, 1), output
    assert TOKEN not in output and TOKEN[:8] not in output  # not even folded across lines
    if args[0] == "verify":
        assert any(TOKEN in r.target for r in web_server.log)  # checked as the author cited it
