"""Archive lookups are keyed by the date they used: an undated citation takes its document's date,
so two documents of different dates citing the same undated URL get a capture each.

The command line runs in a subprocess against a local web server and the local Wayback-compatible
archive, which holds a capture near each document's date.
"""

from __future__ import annotations

import asyncio
import json
from pathlib import Path

from cli_run import run_citecheck
from wayback_server import WaybackServer, wayback_server_fixture
from webserver import Route, WebServer

from citecheck.archive import ArchiveOptions
from citecheck.extract import extract
from citecheck.models import Document
from citecheck.net import NetOptions
from citecheck.session import Settings, run_verify

__all__ = ["wayback_server_fixture"]

PAGE = b"<html><head><title>A page about things</title></head><body>text</body></html>"
DATES = {"a.txt": ("March 16, 2025", "20250310120000"), "b.txt": ("June 1, 2020", "20200530120000")}


def _letter(date: str, url: str) -> str:
    """A dated letter whose one footnote cites `url` without a date of its own."""
    return (
        f"Washington, {date}\n\nDear Secretary,\n\n"
        f"A claim.¹\n\n¹ Some Author, A page about things, <{url}>.\n"
    )


def _setup(web_server: WebServer, wayback_server: WaybackServer, tmp_path: Path) -> list[Path]:
    web_server.add("/undated", Route(200, body=PAGE))
    url = web_server.url("/undated")
    paths = []
    for name, (date, capture) in DATES.items():
        wayback_server.add_capture(url, capture, body=PAGE)
        path = tmp_path / name
        path.write_text(_letter(date, url), encoding="utf-8")
        paths.append(path)
    return paths


def test_each_document_gets_the_capture_near_its_own_date(
    web_server: WebServer, wayback_server: WaybackServer, tmp_path: Path
) -> None:
    paths = _setup(web_server, wayback_server, tmp_path)
    done = run_citecheck(
        "verify", "--format", "json", "--wayback-url", wayback_server.base_url, *map(str, paths)
    )
    assert done.returncode == 0, done.stderr
    report = json.loads(done.stdout)
    found = {}
    for doc in report["documents"]:
        ((link,),) = [fn["links"] for fn in doc["footnotes"]]
        found[Path(doc["path"]).name] = link["archive"]["url"] if link["archive"] else ""
    for name, (_, capture) in DATES.items():
        assert f"/web/{capture}/" in found[name], (name, found)
    assert report["summary"]["archived"] == 2


def test_the_run_keys_lookups_and_results_by_the_date_used(
    web_server: WebServer, wayback_server: WaybackServer, tmp_path: Path
) -> None:
    paths = _setup(web_server, wayback_server, tmp_path)
    documents = [Document(p.name, p.read_text(encoding="utf-8")) for p in paths]
    extractions = [extract(d) for d in documents]
    assert [e.footnotes[0].links[0].accessed for e in extractions] == [None, None]  # undated citations
    settings = Settings(
        net=NetOptions(timeout=10), archive=ArchiveOptions(base_url=wayback_server.base_url), use_cache=False
    )
    run = asyncio.run(run_verify(extractions, settings))
    url = web_server.url("/undated")
    dates = {e.date for e in extractions}
    assert len(dates) == 2 and {k for k in run.archives} == {(url, d) for d in dates}
    for e in run.extractions:
        (link,) = e.links()
        snap = run.archives[link.archive_key]
        assert e.date is not None and snap is not None and snap.timestamp.year == e.date.year
