"""Tests of the local Wayback Machine stand-in in tests/wayback_server.py, with real httpx clients."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

import httpx
import pytest
from fakes import FakeTime
from wayback_server import (
    CDX_FIELDS,
    SPN2_LIMIT_MESSAGE,
    SaveOutcome,
    WaybackServer,
    digest_of,
    pad_timestamp,
    surt,
    wayback_server_fixture,  # noqa: F401  (pytest fixture "wayback_server")
)

ARTICLE = "https://apnews.com/article/x"
FIXED_NOW = datetime(2026, 11, 1, 12, 0, 0, tzinfo=UTC)


def client() -> httpx.Client:
    # trust_env=False: an HTTP(S)_PROXY in the environment must not reroute requests to 127.0.0.1.
    return httpx.Client(trust_env=False, timeout=10, follow_redirects=False)


@pytest.fixture(name="clock")
def clock_fixture() -> FakeTime:
    return FakeTime()


@pytest.fixture(name="wb")
def wb_fixture(clock: FakeTime) -> Iterator[WaybackServer]:
    with WaybackServer(clock=clock, cdx_limit=24, window=60.0, utcnow=lambda: FIXED_NOW) as server:
        yield server
        assert server.errors == []


@pytest.fixture(name="http")
def http_fixture() -> Iterator[httpx.Client]:
    with client() as c:
        yield c


def cdx(http: httpx.Client, wb: WaybackServer, **params: Any) -> Any:
    response = http.get(wb.url("/cdx/search/cdx"), params={"output": "json", **params})
    assert response.status_code == 200, response.text
    return response.json()


# --------------------------------------------------------------------------------------------------
# helpers


def test_surt_and_padding() -> None:
    assert surt("https://www.APNews.com/Article/X/?b=2&a=1#frag") == "com,apnews)/article/x?a=1&b=2"
    assert surt("apnews.com") == "com,apnews)/"
    assert surt("http://example.com:80/a") == surt("https://example.com:443/a") == "com,example)/a"
    assert surt("http://example.com:8080/a") == "com,example:8080)/a"
    assert surt("https://example.com/caf%C3%A9") == surt("https://example.com/café")
    assert surt("https:/example.com/a") == "com,example)/a"  # a collapsed "//" in a path
    assert surt("https://example.com/a/", strip_slash=False) == "com,example)/a/"
    assert pad_timestamp("2025") == "20250101000000"
    assert pad_timestamp("20251") == "20251001000000"
    assert pad_timestamp("20250231") == "20250228000000"
    assert pad_timestamp("20240615123456") == "20240615123456"
    with pytest.raises(ValueError):
        pad_timestamp("2025-01")


def test_add_capture_validates(wb: WaybackServer) -> None:
    with pytest.raises(ValueError):
        wb.add_capture(ARTICLE, "2020")
    with pytest.raises(ValueError):
        wb.add_capture(ARTICLE, "20201301000000")
    capture = wb.add_capture(ARTICLE, "20200101000000", body=b"x")
    assert capture.digest == digest_of(b"x") and len(capture.digest) == 32
    assert capture.urlkey == "com,apnews)/article/x"
    assert wb.captures("http://www.apnews.com/article/x/") == [capture]


# --------------------------------------------------------------------------------------------------
# playback


def test_playback_exact_capture(wb: WaybackServer, http: httpx.Client) -> None:
    wb.add_capture(ARTICLE, "20200102030405", body=b"<p>old</p>")
    response = http.get(wb.playback_url("20200102030405", ARTICLE))
    assert response.status_code == 200
    assert response.content == b"<p>old</p>"
    assert response.headers["memento-datetime"] == "Thu, 02 Jan 2020 03:04:05 GMT"
    assert response.headers["content-type"] == "text/html"
    assert 'rel="original"' in response.headers["link"]
    # the plain flavour serves the same capture
    plain = http.get(wb.playback_url("20200102030405", ARTICLE, ""))
    assert plain.status_code == 200 and "memento-datetime" in plain.headers
    head = http.head(wb.playback_url("20200102030405", ARTICLE))
    assert head.status_code == 200 and head.content == b""
    assert wb.count("playback") == 3


def test_playback_archived_error_status_is_a_capture(wb: WaybackServer, http: httpx.Client) -> None:
    wb.add_capture(ARTICLE, "20210101000000", status=404, body=b"gone")
    wb.add_capture("https://example.com/secret", "20210101000000", status=403)
    response = http.get(wb.playback_url("20210101000000", ARTICLE))
    assert response.status_code == 404
    assert response.headers["memento-datetime"] == "Fri, 01 Jan 2021 00:00:00 GMT"
    assert http.get(wb.playback_url("20210101000000", "https://example.com/secret")).status_code == 403


def test_playback_nearest_redirect(wb: WaybackServer, http: httpx.Client) -> None:
    wb.add_capture(ARTICLE, "20200101000000")
    wb.add_capture(ARTICLE, "20220101000000", status=404)  # nearest counts every status
    wb.add_capture("https://other.example/", "20211231000000")
    response = http.get(wb.playback_url("20211201000000", ARTICLE))
    assert response.status_code == 302
    assert response.headers["location"] == wb.playback_url("20220101000000", ARTICLE)
    assert response.headers["x-archive-redirect-reason"] == "found capture at 20220101000000"
    assert "memento-datetime" not in response.headers
    # the flavour is kept
    plain = http.get(wb.playback_url("20200301000000", ARTICLE, ""))
    assert plain.headers["location"] == wb.playback_url("20200101000000", ARTICLE, "")
    # a short timestamp names the start of its period and is never exact
    short = http.get(wb.playback_url("2020", ARTICLE))
    assert short.status_code == 302
    assert short.headers["location"] == wb.playback_url("20200101000000", ARTICLE)
    # no timestamp: the latest capture
    latest = http.get(wb.url(f"/web/{ARTICLE}"))
    assert latest.headers["location"] == wb.playback_url("20220101000000", ARTICLE, "")
    # following the redirect lands on a capture
    follow = http.get(response.headers["location"])
    assert follow.status_code == 404 and "memento-datetime" in follow.headers


def test_playback_tie_goes_to_earlier(wb: WaybackServer, http: httpx.Client) -> None:
    wb.add_capture(ARTICLE, "20200101000000")
    wb.add_capture(ARTICLE, "20200103000000")
    response = http.get(wb.playback_url("20200102000000", ARTICLE))
    assert response.headers["location"] == wb.playback_url("20200101000000", ARTICLE)


def test_playback_never_archived(wb: WaybackServer, http: httpx.Client) -> None:
    wb.add_capture(ARTICLE, "20200101000000")
    response = http.get(wb.playback_url("20200101000000", "https://apnews.com/article/y"))
    assert response.status_code == 404
    assert "memento-datetime" not in response.headers
    assert "x-archive-redirect-reason" not in response.headers


@pytest.mark.parametrize(
    "variant",
    [
        "http://apnews.com/article/x",
        "https://www.apnews.com/article/x",
        "https://apnews.com/article/x/",
        "http://WWW.APNEWS.COM/article/x/",
        "apnews.com/article/x",
    ],
)
def test_playback_canonical_matching(wb: WaybackServer, http: httpx.Client, variant: str) -> None:
    wb.add_capture(ARTICLE, "20200101000000", body=b"same")
    response = http.get(wb.playback_url("20200101000000", variant))
    assert response.status_code == 200 and response.content == b"same"
    redirect = http.get(wb.playback_url("20200101000001", variant))
    assert redirect.headers["location"] == wb.playback_url("20200101000000", ARTICLE)  # the capture's URL


def test_playback_query_belongs_to_archived_url(wb: WaybackServer, http: httpx.Client) -> None:
    wb.add_capture("https://example.com/page?id=7&lang=en", "20200101000000", body=b"seven")
    hit = http.get(wb.playback_url("20200101000000", "https://example.com/page?lang=en&id=7"))
    assert hit.content == b"seven"
    miss = http.get(wb.playback_url("20200101000000", "https://example.com/page?id=8"))
    assert miss.status_code == 404


def test_playback_archived_redirect_is_rewritten(wb: WaybackServer, http: httpx.Client) -> None:
    wb.add_capture("https://example.com/old", "20200101000000", status=301, location="/new")
    response = http.get(wb.playback_url("20200101000000", "https://example.com/old"))
    assert response.status_code == 301
    assert response.headers["location"] == wb.playback_url("20200101000000", "https://example.com/new")


def test_playback_budget_and_forced_429(clock: FakeTime, http: httpx.Client) -> None:
    with WaybackServer(clock=clock, playback_limit=2) as wb:
        wb.add_capture(ARTICLE, "20200101000000")
        url = wb.playback_url("20200101000000", ARTICLE)
        assert [http.get(url).status_code for _ in range(3)] == [200, 200, 429]
        clock.advance(60)
        wb.force_playback_429(1)
        assert [http.get(url).status_code for _ in range(2)] == [429, 200]
        assert wb.sent_429 == 2


# --------------------------------------------------------------------------------------------------
# CDX


@pytest.fixture(name="archive")
def archive_fixture(wb: WaybackServer) -> WaybackServer:
    wb.add_capture("https://apnews.com/article/trump-a1", "20200101000000", body=b"one")
    wb.add_capture("http://www.apnews.com/article/trump-a1/", "20210101000000", status=301)
    wb.add_capture("https://apnews.com/article/trump-a1", "20220101000000", status=404)
    wb.add_capture("https://apnews.com/article/trump-b2", "20210601000000", mimetype="text/plain")
    wb.add_capture("https://apnews.com/article-index", "20210101000000")
    wb.add_capture("https://apnews.com/other", "20210101000000")
    wb.add_capture("https://news.apnews.com/article/z", "20210101000000")
    return wb


def test_cdx_default_fields_and_header_row(archive: WaybackServer, http: httpx.Client) -> None:
    rows = cdx(http, archive, url="apnews.com/article/trump-a1")
    assert rows[0] == list(CDX_FIELDS)
    assert rows[1] == [
        "com,apnews)/article/trump-a1",
        "20200101000000",
        "https://apnews.com/article/trump-a1",
        "text/html",
        "200",
        digest_of(b"one"),
        "3",
    ]
    assert [r[1] for r in rows[1:]] == ["20200101000000", "20210101000000", "20220101000000"]
    assert [r[2] for r in rows[1:]][1] == "http://www.apnews.com/article/trump-a1/"  # original kept
    assert all(isinstance(v, str) for row in rows for v in row)


def test_cdx_fl(archive: WaybackServer, http: httpx.Client) -> None:
    rows = cdx(http, archive, url="https://apnews.com/article/trump-a1", fl="timestamp,statuscode")
    assert rows == [
        ["timestamp", "statuscode"],
        ["20200101000000", "200"],
        ["20210101000000", "301"],
        ["20220101000000", "404"],
    ]
    bad = http.get(archive.url("/cdx/search/cdx"), params={"url": ARTICLE, "fl": "nope"})
    assert bad.status_code == 400


def test_cdx_filters(archive: WaybackServer, http: httpx.Client) -> None:
    url = "apnews.com/article/trump-a1"
    ok = cdx(http, archive, url=url, fl="timestamp", filter="statuscode:2..")
    assert ok == [["timestamp"], ["20200101000000"]]
    not_ok = cdx(http, archive, url=url, fl="timestamp", filter="!statuscode:2..")
    assert not_ok == [["timestamp"], ["20210101000000"], ["20220101000000"]]
    # full match: "30" does not match "301"
    assert cdx(http, archive, url=url, filter="statuscode:30") == []
    both = cdx(http, archive, url=url, fl="timestamp", filter=["!statuscode:2..", "!statuscode:404"])
    assert both == [["timestamp"], ["20210101000000"]]
    mime = cdx(http, archive, url="apnews.com/article/*", fl="original", filter="mimetype:text/plain")
    assert mime == [["original"], ["https://apnews.com/article/trump-b2"]]


def test_cdx_prefix(archive: WaybackServer, http: httpx.Client) -> None:
    by_type = cdx(http, archive, url="apnews.com/article/trump", matchType="prefix", fl="urlkey,timestamp")
    by_star = cdx(http, archive, url="apnews.com/article/trump*", fl="urlkey,timestamp")
    assert by_type == by_star
    assert [r[0] for r in by_type[1:]] == [
        "com,apnews)/article/trump-a1",
        "com,apnews)/article/trump-a1",
        "com,apnews)/article/trump-a1",
        "com,apnews)/article/trump-b2",
    ]
    # a prefix ending in "/" does not match "article-index"
    slash = cdx(http, archive, url="https://www.apnews.com/article/", matchType="prefix", fl="urlkey")
    assert {r[0] for r in slash[1:]} == {"com,apnews)/article/trump-a1", "com,apnews)/article/trump-b2"}
    exact = cdx(http, archive, url="apnews.com/article/trump", fl="urlkey")
    assert exact == []
    domain = cdx(http, archive, url="apnews.com", matchType="domain", fl="urlkey", collapse="urlkey")
    assert ["com,apnews,news)/article/z"] in domain
    host = cdx(http, archive, url="apnews.com", matchType="host", fl="urlkey", collapse="urlkey")
    assert ["com,apnews,news)/article/z"] not in host and len(host) == 5


def test_cdx_from_to(archive: WaybackServer, http: httpx.Client) -> None:
    url = "apnews.com/article/trump-a1"
    assert cdx(http, archive, url=url, fl="timestamp", **{"from": "2021"}) == [
        ["timestamp"],
        ["20210101000000"],
        ["20220101000000"],
    ]
    assert cdx(http, archive, url=url, fl="timestamp", to="2021") == [
        ["timestamp"],
        ["20200101000000"],
        ["20210101000000"],
    ]
    both = cdx(http, archive, url=url, fl="timestamp", to="202101", **{"from": "202101"})
    assert both == [["timestamp"], ["20210101000000"]]


def test_cdx_limit(archive: WaybackServer, http: httpx.Client) -> None:
    url = "apnews.com/article/trump-a1"
    assert cdx(http, archive, url=url, fl="timestamp", limit=1) == [["timestamp"], ["20200101000000"]]
    assert cdx(http, archive, url=url, fl="timestamp", limit=-2) == [
        ["timestamp"],
        ["20210101000000"],
        ["20220101000000"],
    ]
    assert cdx(http, archive, url=url, fl="timestamp", limit=-1, filter="statuscode:200") == [
        ["timestamp"],
        ["20200101000000"],
    ]


def test_cdx_collapse(archive: WaybackServer, http: httpx.Client) -> None:
    rows = cdx(
        http, archive, url="apnews.com/article/", matchType="prefix", collapse="urlkey", fl="urlkey,timestamp"
    )
    assert rows == [
        ["urlkey", "timestamp"],
        ["com,apnews)/article/trump-a1", "20200101000000"],
        ["com,apnews)/article/trump-b2", "20210601000000"],
    ]
    by_year = cdx(http, archive, url="apnews.com/article/trump-a1", collapse="timestamp:4", fl="timestamp")
    assert len(by_year) == 4


def test_cdx_empty_and_plain_text(archive: WaybackServer, http: httpx.Client) -> None:
    empty = http.get(archive.url("/cdx/search/cdx"), params={"url": "nowhere.example/x", "output": "json"})
    assert empty.status_code == 200 and empty.json() == [] and empty.text.strip() == "[]"
    text = http.get(archive.url("/cdx/search/cdx"), params={"url": "apnews.com/article/trump-b2"})
    assert text.status_code == 200
    assert text.text.splitlines() == [
        f"com,apnews)/article/trump-b2 20210601000000 https://apnews.com/article/trump-b2 text/plain 200 "
        f"{digest_of(b'<html><body>archived</body></html>')} 34"
    ]
    missing = http.get(archive.url("/cdx/search/cdx"), params={"output": "json"})
    assert missing.status_code == 400


def test_timemap_shares_cdx_shapes(archive: WaybackServer, http: httpx.Client) -> None:
    as_json = http.get(archive.url("/web/timemap/json"), params={"url": "apnews.com/article/trump-a1"})
    assert as_json.json()[0] == list(CDX_FIELDS) and len(as_json.json()) == 4
    link = http.get(archive.url("/web/timemap/link/https://apnews.com/article/trump-a1"))
    assert link.status_code == 200
    assert link.text.count('rel="memento"') == 3
    assert archive.count("timemap") == 2 and len(archive.cdx_times) == 2


# --------------------------------------------------------------------------------------------------
# availability


def test_available(wb: WaybackServer, http: httpx.Client) -> None:
    wb.add_capture(ARTICLE, "20200101000000")
    wb.add_capture(ARTICLE, "20230101000000")
    response = http.get(wb.url("/wayback/available"), params={"url": ARTICLE, "timestamp": "2022"})
    data = response.json()
    assert response.status_code == 200
    assert data["url"] == ARTICLE
    assert data["archived_snapshots"]["closest"] == {
        "status": "200",
        "available": True,
        "url": wb.playback_url("20230101000000", ARTICLE, ""),
        "timestamp": "20230101000000",
    }
    latest = http.get(wb.url("/wayback/available"), params={"url": "http://www.apnews.com/article/x/"}).json()
    assert latest["archived_snapshots"]["closest"]["timestamp"] == "20230101000000"
    never = http.get(wb.url("/wayback/available"), params={"url": "https://nowhere.example/"}).json()
    assert never["archived_snapshots"] == {}


def test_available_lies(wb: WaybackServer, http: httpx.Client) -> None:
    wb.add_capture(ARTICLE, "20200101000000")
    wb.add_capture("https://example.com/", "20200101000000")
    wb.hide_from_available(ARTICLE)
    answer = http.get(wb.url("/wayback/available"), params={"url": ARTICLE}).json()
    assert answer["archived_snapshots"] == {}
    assert http.get(wb.playback_url("20200101000000", ARTICLE)).status_code == 200  # it exists all the same
    other = http.get(wb.url("/wayback/available"), params={"url": "https://example.com/"}).json()
    assert other["archived_snapshots"]["closest"]["available"] is True
    wb.available_lies = True
    other = http.get(wb.url("/wayback/available"), params={"url": "https://example.com/"}).json()
    assert other["archived_snapshots"] == {}
    assert wb.count("available") == 3


# --------------------------------------------------------------------------------------------------
# rate limits


def test_cdx_429_after_budget_and_recovery(wb: WaybackServer, clock: FakeTime, http: httpx.Client) -> None:
    wb.add_capture(ARTICLE, "20200101000000")
    params = {"url": ARTICLE, "output": "json"}
    statuses = []
    for _ in range(24):
        statuses.append(http.get(wb.url("/cdx/search/cdx"), params=params).status_code)
        clock.advance(1)
    assert statuses == [200] * 24
    refused = http.get(wb.url("/cdx/search/cdx"), params=params)
    assert refused.status_code == 429
    assert "retry-after" not in refused.headers
    assert http.get(wb.url("/web/timemap/json"), params={"url": ARTICLE}).status_code == 429  # shared budget
    assert wb.sent_429 == 2
    clock.advance(36)  # t=60: the first request (t=0) has left the window, one slot is free
    assert http.get(wb.url("/cdx/search/cdx"), params=params).status_code == 200
    assert http.get(wb.url("/cdx/search/cdx"), params=params).status_code == 429
    clock.advance(60)
    assert http.get(wb.url("/cdx/search/cdx"), params=params).status_code == 200
    assert len(wb.cdx_times) == 29
    assert wb.cdx_times[0] + 24 == wb.cdx_times[24]
    assert wb.max_cdx_in_window() == 27  # t=1..60: 23 admitted + 2 refused at t=24 + 2 at t=60
    assert wb.max_cdx_in_window(1.0) == 2


def test_force_cdx_429(wb: WaybackServer, http: httpx.Client) -> None:
    wb.force_cdx_429(2)
    codes = [http.get(wb.url("/cdx/search/cdx"), params={"url": ARTICLE}).status_code for _ in range(3)]
    assert codes == [429, 429, 200]
    assert wb.sent_429 == 2
    assert [r.status for r in wb.log] == [429, 429, 200]
    wb.reset()
    assert wb.log == [] and wb.sent_429 == 0 and wb.cdx_times == []


# --------------------------------------------------------------------------------------------------
# Save Page Now 2


def save(http: httpx.Client, wb: WaybackServer, url: str, auth: str | None = None) -> httpx.Response:
    headers = {"Accept": "application/json"}
    if auth is not None:
        headers["Authorization"] = auth
    return http.post(wb.url("/save"), data={"url": url, "capture_all": "1"}, headers=headers)


def status(http: httpx.Client, wb: WaybackServer, job_id: str) -> Any:
    response = http.get(wb.url(f"/save/status/{job_id}"))
    assert response.status_code == 200
    return response.json()


def test_spn2_success_adds_capture(wb: WaybackServer, http: httpx.Client) -> None:
    url = "https://example.com/new-page"
    wb.set_save_outcome(url, SaveOutcome(pending_polls=2))
    submitted = save(http, wb, url, auth="LOW key:secret")
    assert submitted.status_code == 200
    job = submitted.json()
    assert job["url"] == url and job["job_id"].startswith("spn2-") and len(job["job_id"]) == 45
    assert status(http, wb, job["job_id"])["status"] == "pending"
    assert status(http, wb, job["job_id"])["status"] == "pending"
    assert wb.captures(url) == []  # nothing until the job completes
    done = status(http, wb, job["job_id"])
    assert done["status"] == "success"
    assert done["timestamp"] == "20261101120000"  # the server's utcnow()
    assert done["original_url"] == url and done["duration_sec"] == 6.5
    assert status(http, wb, job["job_id"]) == done  # stays done
    assert len(wb.captures(url)) == 1
    rows = cdx(http, wb, url=url, fl="timestamp,statuscode")
    assert rows == [["timestamp", "statuscode"], ["20261101120000", "200"]]
    assert http.get(wb.playback_url("20261101120000", url)).status_code == 200
    record = wb.save_requests[0]
    assert record.authorization == "LOW key:secret"
    assert record.form == {"url": url, "capture_all": "1"}
    assert record.accept == "application/json" and record.job_id == job["job_id"]
    assert wb.count("save") == 1 and wb.count("status") == 4


def test_spn2_configured_timestamp_and_no_auth(wb: WaybackServer, http: httpx.Client) -> None:
    url = "https://example.com/p"
    wb.set_save_outcome(url, SaveOutcome(pending_polls=0, timestamp="20261102000000"))
    job = save(http, wb, url).json()
    assert status(http, wb, job["job_id"])["timestamp"] == "20261102000000"
    assert wb.save_requests[0].authorization is None
    assert "authorization" not in wb.log[0].headers


def test_spn2_error(wb: WaybackServer, http: httpx.Client) -> None:
    url = "https://example.com/missing"
    wb.set_save_outcome(url, SaveOutcome(result="error", pending_polls=1, message="not there"))
    job = save(http, wb, url).json()
    assert status(http, wb, job["job_id"])["status"] == "pending"
    final = status(http, wb, job["job_id"])
    assert final == {
        "status": "error",
        "status_ext": "error:not-found",
        "message": "not there",
        "job_id": job["job_id"],
    }
    assert wb.captures(url) == []
    wb.set_save_outcome(
        url, SaveOutcome(result="error", status_ext="error:invalid-url-syntax", at_submit=True)
    )
    immediate = save(http, wb, url)
    assert immediate.status_code == 200 and immediate.json()["status_ext"] == "error:invalid-url-syntax"
    assert wb.save_requests[-1].job_id is None
    unknown = http.get(wb.url("/save/status/spn2-nope"))
    assert unknown.status_code == 404 and unknown.json()["status"] == "error"


def test_spn2_429(wb: WaybackServer, clock: FakeTime, http: httpx.Client) -> None:
    url = "https://example.com/busy"
    wb.set_save_outcome(url, SaveOutcome(result="429"))
    refused = save(http, wb, url)
    assert refused.status_code == 429
    assert refused.json() == {"message": SPN2_LIMIT_MESSAGE}
    wb.force_save_429(1)
    assert save(http, wb, "https://example.com/other").status_code == 429
    assert save(http, wb, "https://example.com/other").status_code == 200
    assert wb.sent_429 == 2


def test_spn2_budget(clock: FakeTime, http: httpx.Client) -> None:
    with WaybackServer(clock=clock, save_limit=3) as wb:
        codes = [save(http, wb, f"https://example.com/{i}").status_code for i in range(4)]
        assert codes == [200, 200, 200, 429]
        clock.advance(60)
        assert save(http, wb, "https://example.com/again").status_code == 200


def test_spn2_status_by_post_and_get_save_not_allowed(wb: WaybackServer, http: httpx.Client) -> None:
    job = save(http, wb, "https://example.com/q").json()
    polled = http.post(wb.url("/save/status"), data={"job_id": job["job_id"]})
    assert polled.json()["status"] == "pending"
    assert http.get(wb.url("/save")).status_code == 405


# --------------------------------------------------------------------------------------------------
# counters and log


def test_counters_and_log(wb: WaybackServer, clock: FakeTime, http: httpx.Client) -> None:
    wb.add_capture(ARTICLE, "20200101000000")
    http.get(wb.playback_url("20200101000000", ARTICLE))
    clock.advance(5)
    http.get(wb.url("/cdx/search/cdx"), params={"url": ARTICLE, "filter": ["statuscode:2..", "!mimetype:x"]})
    http.get(wb.url("/wayback/available"), params={"url": ARTICLE})
    http.get(wb.url("/nothing-here"))
    assert wb.total_requests == 4
    assert wb.counts == {
        "playback": 1,
        "cdx": 1,
        "timemap": 0,
        "available": 1,
        "save": 0,
        "status": 0,
        "other": 1,
    }
    record = wb.log[1]
    assert (record.method, record.path, record.kind, record.status) == ("GET", "/cdx/search/cdx", "cdx", 200)
    assert record.query == {"url": [ARTICLE], "filter": ["statuscode:2..", "!mimetype:x"]}
    assert record.headers["user-agent"].startswith("python-httpx/")
    assert record.time == wb.log[0].time + 5
    assert wb.cdx_times == [record.time]


def test_shared_fixture(wayback_server: WaybackServer, http: httpx.Client) -> None:
    assert isinstance(wayback_server.clock, FakeTime)
    wayback_server.add_capture(ARTICLE, "20200101000000")
    assert http.get(wayback_server.playback_url("20200101000000", ARTICLE)).status_code == 200
    assert (
        json.loads(http.get(wayback_server.url("/cdx/search/cdx"), params={"url": "x.example"}).text or "[]")
        == []
    )
