"""The result cache: expiry, errors never served, two runs at once, a corrupt file rebuilt."""

from __future__ import annotations

import datetime as dt
import json
import multiprocessing
import sqlite3
import sys
from pathlib import Path

from cli_run import Run, run_citecheck
from webserver import Route, WebServer

from citecheck.cache import FILENAME, ResultCache, open_cache

ROOT = Path(__file__).resolve().parent.parent


class Clock:
    def __init__(self) -> None:
        self.now = dt.datetime(2026, 11, 22, 12, 0, tzinfo=dt.UTC)

    def __call__(self) -> dt.datetime:
        return self.now


def test_values_expire(tmp_path: Path) -> None:
    clock = Clock()
    cache = ResultCache(tmp_path / FILENAME, clock)
    cache.put_many("check", {"https://a.example/": {"status": "ok"}}, dt.timedelta(hours=24))
    cache.put_many("archive", {"https://a.example/": {"ts": "2025"}}, None)
    assert cache.get_many("check", ["https://a.example/"]) == {"https://a.example/": {"status": "ok"}}
    clock.now += dt.timedelta(hours=25)
    assert cache.get_many("check", ["https://a.example/"]) == {}
    assert cache.get_many("archive", ["https://a.example/"]) != {}  # kept for good
    cache.close()


def _writer(directory: str, start: int) -> None:
    cache = open_cache(Path(directory))
    for i in range(start, start + 200):
        cache.put_many("check", {f"https://a.example/{i}": {"status": "ok"}}, dt.timedelta(days=1))
    cache.close()
    if cache.warnings:  # a run that lost its cache would still exit 0: say so
        print(cache.warnings, file=sys.stderr)
        sys.exit(1)


def test_two_runs_share_the_cache(tmp_path: Path) -> None:
    context = multiprocessing.get_context("spawn")
    procs = [context.Process(target=_writer, args=(str(tmp_path), s)) for s in (0, 200)]
    for p in procs:
        p.start()
    for p in procs:
        p.join(60)
        assert p.exitcode == 0
    cache = open_cache(tmp_path)
    assert len(cache.get_many("check", [f"https://a.example/{i}" for i in range(400)])) == 400
    assert cache.warnings == []


def _held(path: Path) -> sqlite3.Connection:
    """Another run inside the (rollback-journal) file: readers may enter, nobody may take it whole."""
    seed = sqlite3.connect(path, isolation_level=None)
    seed.execute("CREATE TABLE other (x)")
    seed.close()
    holder = sqlite3.connect(path, isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")
    holder.execute("INSERT INTO other VALUES (1)")
    return holder


def test_opening_waits_for_a_run_that_holds_the_new_file(tmp_path: Path) -> None:
    """Switching to WAL gets "locked" at once (no busy handler): the open waits, not gives up."""
    holder = _held(tmp_path / FILENAME)
    waits: list[float] = []

    def sleep(seconds: float) -> None:
        waits.append(seconds)
        if len(waits) == 3:
            holder.execute("COMMIT")

    cache = ResultCache(tmp_path / FILENAME, sleep=sleep)
    assert cache.warnings == [] and cache.usable
    assert len(waits) == 3 and waits == sorted(waits)
    cache.put_many("check", {"u": {"status": "ok"}}, None)
    assert cache.get_many("check", ["u"]) == {"u": {"status": "ok"}}
    holder.close()
    cache.close()
    assert sqlite3.connect(tmp_path / FILENAME).execute("PRAGMA journal_mode").fetchone() == ("wal",)


def test_a_file_held_past_the_budget_means_no_cache_and_one_warning(tmp_path: Path) -> None:
    holder = _held(tmp_path / FILENAME)
    waits: list[float] = []
    cache = ResultCache(tmp_path / FILENAME, sleep=waits.append)
    assert not cache.usable
    assert len(cache.warnings) == 1 and "locked" in cache.warnings[0]
    assert 10.0 <= sum(waits) <= 12.0
    assert (tmp_path / FILENAME).exists()  # left as it was, not set aside
    holder.close()


def test_a_corrupt_cache_is_set_aside_and_rebuilt(tmp_path: Path) -> None:
    (tmp_path / FILENAME).write_bytes(b"this is not a database" * 100)
    cache = open_cache(tmp_path)
    assert cache.warnings and "rebuilt" in cache.warnings[0]
    cache.put_many("check", {"u": {"status": "ok"}}, None)
    assert cache.get_many("check", ["u"]) == {"u": {"status": "ok"}}
    assert any(p.name.startswith(f"{FILENAME}.corrupt-") for p in tmp_path.iterdir())


def test_second_run_sends_no_requests_when_all_links_work(web_server: WebServer, tmp_path: Path) -> None:
    for i in range(3):
        web_server.add(f"/p{i}", Route(200, body=b"<title>Fine</title>"))
    doc = tmp_path / "doc.txt"
    doc.write_text("A.¹ B.² C.³\n\n" + "\n".join(f"{'¹²³'[i]} {web_server.url(f'/p{i}')}" for i in range(3)))
    env = {"CITECHECK_CACHE_DIR": str(tmp_path / "cache")}

    def run() -> Run:
        return run_citecheck("verify", "--no-archive", "--format", "json", str(doc), env=env)

    first = run()
    assert first.returncode == 0, first.stderr
    assert first.stderr == ""  # stderr is not a terminal: no progress bar
    web_server.wait_idle()
    sent = web_server.total_requests
    assert sent == 3
    second = run()
    assert second.returncode == 0
    web_server.wait_idle()
    assert web_server.total_requests == sent  # nothing sent the second time
    links = [lk for fn in json.loads(second.stdout)["documents"][0]["footnotes"] for lk in fn["links"]]
    assert {lk["status"] for lk in links} == {"ok"}
    assert all("(cached)" in lk["detail"] for lk in links)
