"""The Wayback client against a local Wayback-compatible server: captures, budgets, repairs, saves.

One fake clock drives both our waits and the server's log, so budgets are asserted on the times
requests were sent without sleeping for them.
"""

from __future__ import annotations

import asyncio
import datetime as dt
from collections.abc import Iterator
from typing import Any

import pytest
from fakes import FakeTime
from wayback_server import SaveOutcome, WaybackServer

from citecheck.archive import ArchiveOptions, Wayback
from citecheck.models import Snapshot
from citecheck.net import Client, Failure, NetOptions

URL = "https://news.example/2025/03/16/story"
CITED = dt.date(2025, 3, 16)


@pytest.fixture
def time() -> FakeTime:
    return FakeTime()


@pytest.fixture
def archive(time: FakeTime) -> Iterator[WaybackServer]:
    with WaybackServer(clock=time.monotonic, cdx_limit=None) as server:
        yield server


class RecordingClient(Client):
    """The polite client, noting on the fake clock when each request is sent (what budgets govern:
    the server's own clock reads later, as the fake clock may jump while a request is on the wire)."""

    sent: list[tuple[float, str, str]]

    async def request(self, method: str, url: str, **kwargs: Any) -> Any:
        self.sent.append((self.clock(), method, url))
        return await super().request(method, url, **kwargs)


SENT: list[tuple[float, str, str]] = []


def sent_times(kind: str) -> list[float]:
    marks = {"playback": "/web/", "cdx": "/cdx/", "save": "/save"}
    return sorted(t for t, method, url in SENT if marks[kind] in url and (kind != "save" or method == "POST"))


def run(server: WaybackServer, time: FakeTime, job: Any, **options: Any) -> Any:
    """Run `job(wayback)` with a Wayback client on the fake clock."""
    SENT.clear()

    async def go() -> Any:
        client = RecordingClient(NetOptions(min_interval=0.0), clock=time.monotonic, sleep=time.sleep)
        client.sent = SENT
        async with client:
            options_ = ArchiveOptions(base_url=server.base_url, **options)
            return await job(Wayback(client, options_, time.monotonic, time.sleep))

    return asyncio.run(go())


def best(server: WaybackServer, time: FakeTime, url: str, when: dt.date | None) -> Snapshot | Failure | None:
    result: Snapshot | Failure | None = run(server, time, lambda w: w.best(url, when))
    return result


def stamp(result: object) -> str:
    assert isinstance(result, Snapshot), result
    return result.timestamp.strftime("%Y%m%d%H%M%S")


def test_the_capture_on_the_cited_day_needs_no_cdx(archive: WaybackServer, time: FakeTime) -> None:
    archive.add_capture(URL, "20250316101500")
    archive.add_capture(URL, "20250320080000")
    result = best(archive, time, URL, CITED)
    assert stamp(result) == "20250316101500"
    assert isinstance(result, Snapshot)
    assert result.url == f"{archive.base_url}/web/20250316101500/{URL}"
    assert archive.count("cdx") == 0


def test_the_capture_before_wins_over_a_closer_one_after(archive: WaybackServer, time: FakeTime) -> None:
    archive.add_capture(URL, "20250101120000")  # 74 days before
    archive.add_capture(URL, "20250317000000")  # a day after: closer, but after
    assert stamp(best(archive, time, URL, CITED)) == "20250101120000"


def test_an_archived_404_is_never_the_copy(archive: WaybackServer, time: FakeTime) -> None:
    archive.add_capture(URL, "20250316090000", status=404)  # nearest, and before: but a 404
    archive.add_capture(URL, "20250402000000", status=200)
    assert stamp(best(archive, time, URL, CITED)) == "20250402000000"


def test_a_bot_wall_capture_is_not_a_copy_either(archive: WaybackServer, time: FakeTime) -> None:
    archive.add_capture(URL, "20250316090000", status=403)
    archive.add_capture(URL, "20250210000000", status=200)
    archive.add_capture(URL, "20250101000000", status=200)
    assert stamp(best(archive, time, URL, CITED)) == "20250210000000"  # the latest 2xx before


def test_only_error_captures_means_no_copy(archive: WaybackServer, time: FakeTime) -> None:
    archive.add_capture(URL, "20250316090000", status=404)
    archive.add_capture(URL, "20250401090000", status=500)
    assert best(archive, time, URL, CITED) is None


def test_never_archived(archive: WaybackServer, time: FakeTime) -> None:
    assert best(archive, time, URL, CITED) is None
    assert archive.count("cdx") == 0  # playback's 404 says so; no CDX needed


def test_without_a_date_the_latest_2xx_capture(archive: WaybackServer, time: FakeTime) -> None:
    archive.add_capture(URL, "20240101000000")
    archive.add_capture(URL, "20250101000000")
    archive.add_capture(URL, "20250601000000", status=404)
    assert stamp(best(archive, time, URL, None)) == "20250101000000"


def test_capture_urls_match_canonically(archive: WaybackServer, time: FakeTime) -> None:
    archive.add_capture("http://www.news.example/2025/03/16/story/", "20250316101500")
    assert stamp(best(archive, time, URL, CITED)) == "20250316101500"


def test_playback_stays_within_8_a_second(archive: WaybackServer, time: FakeTime) -> None:
    urls = [f"https://news.example/story-{i}" for i in range(40)]
    for u in urls:
        archive.add_capture(u, "20250301000000")  # before the date: two playback requests each

    async def job(w: Wayback) -> list[object]:
        return list(await asyncio.gather(*(w.best(u, CITED) for u in urls)))

    results = run(archive, time, job)
    assert all(isinstance(r, Snapshot) for r in results)
    times = sent_times("playback")
    assert len(times) == 80
    assert all(times[i + 8] - times[i] >= 1.0 for i in range(len(times) - 8))  # never 9 in a second


def test_cdx_stays_within_24_a_minute(archive: WaybackServer, time: FakeTime) -> None:
    urls = [f"https://news.example/story-{i}" for i in range(30)]
    for u in urls:  # a capture before the date that is not 2xx forces a CDX query for each
        archive.add_capture(u, "20250101000000")
        archive.add_capture(u, "20250310000000", status=404)

    async def job(w: Wayback) -> list[object]:
        return list(await asyncio.gather(*(w.best(u, CITED) for u in urls)))

    results = run(archive, time, job)
    assert [stamp(r) for r in results] == ["20250101000000"] * 30
    assert archive.count("cdx") == 30
    times = sent_times("cdx")
    assert all(times[i + 24] - times[i] >= 60 for i in range(len(times) - 24))  # never 25 in a minute


def test_after_a_429_no_cdx_for_60_seconds(archive: WaybackServer, time: FakeTime) -> None:
    urls = [f"https://news.example/story-{i}" for i in range(5)]
    for u in urls:
        archive.add_capture(u, "20250101000000")
        archive.add_capture(u, "20250310000000", status=404)
    archive.force_cdx_429(1)

    async def job(w: Wayback) -> list[object]:
        return list(await asyncio.gather(*(w.best(u, CITED) for u in urls)))

    results = run(archive, time, job)
    assert [stamp(r) for r in results] == ["20250101000000"] * 5  # the refused query was asked again
    assert [r.status for r in archive.log if r.kind == "cdx"].count(429) == 1
    times = sent_times("cdx")  # queries sent with the refused one were already on the wire;
    later = [t for t in times if t > times[0]]  # everything sent after it waits out the 60 s
    assert later and all(t >= times[0] + 60 for t in later)


def test_a_damaged_slug_is_recovered_by_one_prefix_query(archive: WaybackServer, time: FakeTime) -> None:
    written = (
        "https://www.reuters.com/world/americas/rubio-meet-el-salvadors-bukele-amidmigration-push-2025-02-03"
    )
    candidates = [
        "https://www.reuters.com/world/americas/rubio-meet-el-salvadors-bukele-amid-migration-push-2025-02-03",
        "https://www.reuters.com/world/americas/rubio-meet-el-salvadors-bukele-am-id-migration-push-2025-02-03",
    ]
    # the archive holds a spelling the author never typed and no word split proposes
    archived = (
        "https://www.reuters.com/world/americas/rubio-meet-elsalvadors-bukele-amid-migration-push-2025-02-03/"
    )
    archive.add_capture(archived, "20250203180000")
    archive.add_capture("https://www.reuters.com/world/americas/other-story-2025-02-03", "20250203180000")
    result = run(archive, time, lambda w: w.archived_spelling(written, candidates))
    assert result == archived
    prefix_queries = [r for r in archive.log if r.kind == "cdx"]
    assert len(prefix_queries) == 1
    assert prefix_queries[0].query.get("matchType") == ["prefix"]
    assert prefix_queries[0].query.get("url") == ["https://www.reuters.com/world/americas/"]


def test_prefix_query_finds_nothing_for_a_different_slug(archive: WaybackServer, time: FakeTime) -> None:
    archive.add_capture("https://www.reuters.com/world/americas/other-story/", "20250203180000")
    written = "https://www.reuters.com/world/americas/amidmigration-push"
    result = run(archive, time, lambda w: w.archived_spelling(written, [written.replace("amidm", "amid-m")]))
    assert result is None


def test_save_respects_the_capture_budget_and_reports_each_job(
    archive: WaybackServer, time: FakeTime
) -> None:
    urls = [f"https://news.example/new-{i}" for i in range(5)]
    archive.set_save_outcome(urls[1], SaveOutcome("error", message="Couldn't resolve host"))
    archive.set_save_outcome(urls[2], SaveOutcome("429"))

    async def job(w: Wayback) -> list[Any]:
        return list(await asyncio.gather(*(w.save(u) for u in urls)))

    outcomes = run(archive, time, job, poll_interval=5.0)
    statuses = [o.status for o in outcomes]
    assert statuses[0] == "success" and outcomes[0].snapshot is not None
    assert statuses[1] == "error" and "resolve" in outcomes[1].detail
    assert statuses[2] == "rate-limited"
    assert statuses[3:] == ["success", "success"]
    posts = sent_times("save")
    assert all(posts[i + 3] - posts[i] >= 60 for i in range(len(posts) - 3))  # at most 3 a minute
    assert all(s.authorization is None for s in archive.save_requests)


def test_save_with_keys_authenticates(archive: WaybackServer, time: FakeTime) -> None:
    outcome = run(archive, time, lambda w: w.save("https://news.example/new"), access_key="k", secret_key="s")
    assert outcome.status == "success"
    assert archive.save_requests[0].authorization == "LOW k:s"
    assert ArchiveOptions(access_key="k", secret_key="s").captures_per_minute == 7
    assert ArchiveOptions().captures_per_minute == 3


def test_the_availability_api_is_never_asked(archive: WaybackServer, time: FakeTime) -> None:
    archive.add_capture(URL, "20250316101500")
    archive.available_lies = True
    assert stamp(best(archive, time, URL, CITED)) == "20250316101500"
    assert archive.count("available") == 0


def _small_doc(web_url: str, tmp: Any) -> Any:
    from citecheck.extract import extract
    from citecheck.models import Document

    text = (
        f"A.¹ B.²\n\n¹ Fine, Outlet (Mar. 16, 2025), {web_url}/fine.\n\n"
        f"² New, Outlet (Mar. 16, 2025), {web_url}/new.\n"
    )
    return extract(Document("doc.txt", text))


def test_a_run_saves_what_the_archive_lacks_and_caches_what_it_found(
    archive: WaybackServer, tmp_path: Any
) -> None:
    from webserver import Route, WebServer

    from citecheck.session import Settings, run_verify

    with WebServer() as web:
        web.add("/fine", Route(200, body=b"<title>Fine</title>"))
        web.add("/new", Route(200, body=b"<title>New</title>"))
        archive.add_capture(web.url("/fine"), "20250316101500")
        options = ArchiveOptions(base_url=archive.base_url, poll_interval=0.01)
        settings = Settings(archive=options, save=True, cache_dir=tmp_path)
        doc = _small_doc(web.base_url, tmp_path)
        run = asyncio.run(run_verify([doc], settings))
        assert run.saves[web.url("/new")].status == "success"
        assert run.archives[(web.url("/new"), dt.date(2025, 3, 16))] is not None  # the new capture
        assert archive.count("save") == 1 and archive.save_requests[0].url == web.url("/new")
        archive.reset()
        again = asyncio.run(run_verify([doc], Settings(archive=options, cache_dir=tmp_path)))
        assert archive.total_requests == 0  # both from the cache: the found capture and the saved one
        assert stamp(again.archives[(web.url("/fine"), dt.date(2025, 3, 16))]) == "20250316101500"
        assert again.archives[(web.url("/new"), dt.date(2025, 3, 16))] is not None
