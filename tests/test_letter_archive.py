"""The letter end to end with its local web and a local Wayback-compatible archive, and the appendix."""

from __future__ import annotations

import asyncio
import csv
import dataclasses
import io
import json
from collections.abc import Iterator
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest
from fakes import FakeTime
from test_letter import REPAIRED, WRITTEN
from test_verify import EXPECTED, LETTER, OURWORK, LetterWeb, letter_web
from typer.testing import CliRunner
from wayback_server import WaybackServer

from citecheck import session
from citecheck.archive import ArchiveOptions
from citecheck.cli import app
from citecheck.extract import extract
from citecheck.ingest import read_document
from citecheck.models import Confirmation, Status
from citecheck.report import Results
from citecheck.report import appendix as appendix_report
from citecheck.session import RunResult, Settings, run_verify

__all__ = ["letter_web"]

REUTERS_WRITTEN = WRITTEN[22][1]
# a spelling no candidate proposes: only the archive's prefix query can find it
REUTERS_ARCHIVED = (
    "https://www.reuters.com/world/americas/rubio-meet-elsalvadors-bukele-amid-migration-push-2025-02-03/"
)
NEVER_ARCHIVED = {WRITTEN[27][0]}  # Noem's post: no capture, marked plainly
ROWS = sum(len(set(urls)) for urls in WRITTEN.values())  # one appendix row per URL per footnote


def captured_urls() -> dict[str, str]:
    """The URL each letter link is archived under, by its written form."""
    out = {w: meant for w, (_, meant) in EXPECTED.items() if w not in NEVER_ARCHIVED}
    out[REUTERS_WRITTEN] = REUTERS_ARCHIVED
    return out


TIME = FakeTime()
"""The run's clock and the archive's: the archive's budgets are paced, and asserted, without waiting."""


@pytest.fixture(scope="module")
def archive() -> Iterator[WaybackServer]:
    with WaybackServer(clock=TIME.monotonic, cdx_limit=24) as server:
        for i, url in enumerate(sorted(set(captured_urls().values()))):
            if i % 10 == 0:  # a few with an archived 404 before the cited date: CDX settles those
                server.add_capture(url, "20250101000000", status=404)
            server.add_capture(url, "20250415120000")
        server.add_capture(OURWORK, "20241009120000")
        yield server


@pytest.fixture
def through_both(
    letter_web: LetterWeb, archive: WaybackServer, monkeypatch: pytest.MonkeyPatch
) -> WaybackServer:
    for name, value in letter_web.env().items():
        monkeypatch.setenv(name, value)
    monkeypatch.setenv("NO_PROXY", "127.0.0.1,localhost")  # the archive is reached directly
    letter_web.web.reset()
    archive.reset()
    return archive


def verify_letter(archive: WaybackServer) -> RunResult:
    extraction = extract(read_document(str(LETTER)))
    settings = Settings(
        use_cache=False,
        archive=ArchiveOptions(base_url=archive.base_url),
        clock=TIME.monotonic,
        sleep=TIME.sleep,
    )
    before = len(TIME.sleeps)
    run = asyncio.run(run_verify([extraction], settings))
    assert sum(TIME.sleeps[before:]) > 0  # the run's waits (hosts' pacing, the archive's budgets) were fake
    return run


def test_every_archived_citation_gets_its_capture(through_both: WaybackServer) -> None:
    run = verify_letter(through_both)
    (extraction,) = run.extractions
    for link in extraction.links():
        snap = run.archives.get(link.archive_key)  # keyed by the date the lookup used
        if link.written in NEVER_ARCHIVED:
            assert snap is None
            continue
        assert snap is not None, link.written
        assert snap.url == f"{through_both.base_url}/web/{snap.timestamp:%Y%m%d%H%M%S}/{link.url}"
        assert snap.timestamp.strftime("%Y%m%d") == ("20241009" if link.url == OURWORK else "20250415")
    assert 0 < run.archive_requests.get("cdx", 0) <= 10  # CDX only where playback could not settle it


def test_repairs_the_live_web_cannot_confirm_are_confirmed_by_the_archive(
    through_both: WaybackServer,
) -> None:
    run = verify_letter(through_both)
    (reuters,) = [lk for lk in run.extractions[0].links() if lk.written == REUTERS_WRITTEN]
    assert run.checks[REPAIRED[REUTERS_WRITTEN]].status is Status.BLOCKED  # the live site refuses us
    assert reuters.repair is not None and reuters.repair.confirmed_by is Confirmation.ARCHIVE
    assert reuters.url == REUTERS_ARCHIVED
    prefix = [r for r in through_both.log if r.kind == "cdx" and r.query.get("matchType") == ["prefix"]]
    assert len(prefix) == 1  # exactly one prefix query, for the one damaged link the live web left open
    others = [lk for lk in run.extractions[0].links() if lk.repair and lk.written != REUTERS_WRITTEN]
    assert all(lk.repair and lk.repair.confirmed_by is Confirmation.LIVE for lk in others)


@pytest.fixture
def results(through_both: WaybackServer) -> Results:
    import datetime as dt

    run = verify_letter(through_both)
    return Results(
        run.extractions,
        dt.datetime(2026, 11, 22, tzinfo=dt.UTC),
        run.checks,
        run.archives,
        archive_looked_up=True,
    )


class _Links(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.hrefs: list[str] = []
        self.cells: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "a":
            self.hrefs.append(dict(attrs).get("href") or "")

    def handle_data(self, data: str) -> None:
        self.cells.append(data)


def test_appendix_in_every_format(results: Results, through_both: WaybackServer) -> None:
    md = appendix_report.render(results, "markdown")
    assert md.startswith("## Archived sources\n")
    rows = [line for line in md.splitlines() if line.startswith("| ") and "---" not in line][1:]
    assert len(rows) == ROWS
    assert "**not archived**" in md
    assert "Matthew Lee & Regina Garcia Cano, US prepares to deport" in md

    page = appendix_report.render(results, "html")
    parser = _Links()
    parser.feed(page)
    assert page.startswith("<!DOCTYPE html>")
    archived = [h for h in parser.hrefs if h.startswith(f"{through_both.base_url}/web/")]
    assert len(archived) == ROWS - len(NEVER_ARCHIVED)
    assert "not archived" in "".join(parser.cells)

    table = list(csv.DictReader(io.StringIO(appendix_report.render(results, "csv"))))
    assert len(table) == ROWS
    assert table[0]["footnote"] == "1" and table[0]["archived_at"] == "2025-04-15"
    assert next(r for r in table if r["archived_url"] == "not archived")["footnote"] == "27"

    data = json.loads(appendix_report.render(results, "json"))
    assert data["schema"] == "citecheck.appendix/1" and len(data["rows"]) == ROWS


def test_cli_appendix_and_verify_json(
    letter_web: LetterWeb, through_both: WaybackServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The commands as a user runs them, in-process so that the run's clock is the fake one: the
    CLI's settings go to the run unchanged but for it."""
    real = session.run_verify

    def on_fake_clock(extractions: Any, settings: Settings, progress: Any = None) -> Any:
        return real(
            extractions, dataclasses.replace(settings, clock=TIME.monotonic, sleep=TIME.sleep), progress
        )

    monkeypatch.setattr(session, "run_verify", on_fake_clock)
    before = len(TIME.sleeps)
    env = {"CITECHECK_WAYBACK_URL": through_both.base_url, "NO_COLOR": "1"}
    out = tmp_path / "appendix.html"
    done = CliRunner().invoke(
        app, ["appendix", "--no-cache", "--format", "html", "-o", str(out), str(LETTER)], env=env
    )
    assert done.exit_code == 0, done.output
    assert out.read_text().count("archived 2025-04-15") >= 30
    done = CliRunner().invoke(app, ["verify", "--no-cache", "--format", "json", str(LETTER)], env=env)
    summary = json.loads(done.stdout)["summary"]
    assert summary["archived"] == 37 - len(NEVER_ARCHIVED)
    assert summary["archive_requests"]["playback"] > 0
    assert sum(TIME.sleeps[before:]) > 0  # both commands ran on the fake clock (the seam held)
