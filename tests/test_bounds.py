"""Bounded work (issue 12): a hanging host is given up, `--max-time` ends a run with its report, and
"no network" means nothing at all was reachable. Real servers on 127.0.0.1, the CLI as a user runs it.

Nothing here asserts on how long a run took, beyond the generous bound of a subprocess timeout:
the proof is in the outcomes and in what the servers were asked.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import json
import socket
from pathlib import Path

from cli_run import run_citecheck
from hostile_server import HostileServer
from webserver import Route, WebServer

from citecheck.check import Checker, CheckOptions
from citecheck.models import Status
from citecheck.net import Client, NetOptions
from citecheck.report import Results, markdown
from citecheck.report import text as text_report

LIVE_ONLY = ("--no-archive", "--no-cache")
SUPERSCRIPT = str.maketrans("0123456789", "⁰¹²³⁴⁵⁶⁷⁸⁹")


def _document(tmp_path: Path, urls: list[str]) -> Path:
    """A text document citing each URL in a footnote of its own."""
    sup = [str(i).translate(SUPERSCRIPT) for i in range(1, len(urls) + 1)]
    body = " ".join(f"Claim.{s}" for s in sup)
    notes = "\n\n".join(f"{s} {url}" for s, url in zip(sup, urls, strict=True))
    doc = tmp_path / "doc.txt"
    doc.write_text(f"{body}\n\n{notes}\n", encoding="utf-8")
    return doc


def _links(report: dict[str, object]) -> list[dict[str, object]]:
    docs = report["documents"]
    assert isinstance(docs, list)
    return [lk for fn in docs[0]["footnotes"] for lk in fn["links"]]


def _closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


# --- per-host give-up ------------------------------------------------------------------------------


def test_a_hanging_host_is_given_up_and_its_other_links_are_not_requested(
    web_server: WebServer, tmp_path: Path
) -> None:
    hang = Route(never_answer=True)
    for i in range(8):
        web_server.add(f"/slow{i}", hang)
    doc = _document(tmp_path, [web_server.url(f"/slow{i}") for i in range(8)])
    done = run_citecheck(
        "verify", *LIVE_ONLY, "-f", "json", "--timeout", "1", "--retries", "2", "--max-per-host", "4",
        "--min-interval", "0", str(doc), timeout=120,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr  # timeout warns by default
    report = json.loads(done.stdout)
    links = _links(report)
    assert [lk["status"] for lk in links] == ["timeout"] * 8
    given_up_detail = "not requested: host 127.0.0.1 timed out"
    not_requested = [lk for lk in links if str(lk["detail"]).startswith(given_up_detail)]
    assert len(not_requested) >= 2  # the last of the queue never went out
    # without the give-up: 8 links x 3 tries = 24 requests; with it, fewer requests than links
    assert web_server.total_requests < 8
    given_up = report["summary"]["hosts_given_up"]
    assert list(given_up) == ["127.0.0.1"] and given_up["127.0.0.1"] >= 3


def test_one_slow_page_retried_does_not_give_up_its_site(web_server: WebServer) -> None:
    # the limit counts different URLs, not tries: a page that times out three times is one
    web_server.add("/slow", Route(never_answer=True))
    web_server.add("/fine", Route(body=b"<title>Fine</title>"))

    async def run() -> tuple[Status, Status, dict[str, int]]:
        async with Client(NetOptions(timeout=0.5, min_interval=0)) as client:
            checker = Checker(client, CheckOptions(retries=2, backoff=0.01, host_timeouts=2))
            slow = await checker.check(web_server.url("/slow"))
            fine = await checker.check(web_server.url("/fine"))
            return slow.status, fine.status, checker.give_up.hosts()

    assert asyncio.run(run()) == (Status.TIMEOUT, Status.OK, {})
    assert web_server.count("/slow") == 3 and web_server.count("/fine") == 1


# --- --max-time ------------------------------------------------------------------------------------


def test_max_time_ends_the_run_with_its_whole_report(web_server: WebServer, tmp_path: Path) -> None:
    web_server.add("/fine", Route(body=b"<title>Fine</title>"))
    with HostileServer() as hostile, WebServer() as archive:
        archive.set_default(Route(never_answer=True))  # an archive that never answers
        doc = _document(
            tmp_path, [web_server.url("/fine"), hostile.url("/never-answer"), hostile.url("/trickle-body")]
        )
        done = run_citecheck(
            "verify", "--no-cache", "-f", "json", "--timeout", "600", "--max-time", "3",
            "--wayback-url", archive.base_url, str(doc), timeout=90,  # a generous bound, not a timing test
        )  # fmt: skip
    assert done.returncode == 0, done.stderr  # ok and timeout: nothing fails the default policy
    report = json.loads(done.stdout)
    fine, never, trickle = _links(report)
    assert fine["status"] == "ok"
    for cut in (never, trickle):
        assert (cut["status"], cut["detail"]) == ("timeout", "not checked: --max-time 3 s reached")
        assert cut["archive"] is None
    assert report["summary"]["time_limit_reached"] is True
    assert "archive lookup(s) skipped: --max-time 3 s reached" in done.stderr
    assert "--max-time 3 s reached: 2 URL(s) not checked" in done.stderr


def test_a_run_within_its_time_limit_says_so(web_server: WebServer, tmp_path: Path) -> None:
    web_server.add("/fine", Route(body=b"<title>Fine</title>"))
    doc = _document(tmp_path, [web_server.url("/fine")])
    done = run_citecheck("verify", *LIVE_ONLY, "-f", "json", "--max-time", "300", str(doc))
    assert done.returncode == 0, done.stderr
    report = json.loads(done.stdout)
    assert report["summary"]["time_limit_reached"] is False
    assert [lk["status"] for lk in _links(report)] == ["ok"]


def test_a_max_time_of_zero_in_the_config_file_is_refused(tmp_path: Path) -> None:
    (tmp_path / "citecheck.toml").write_text("max_time = 0\n", encoding="utf-8")
    doc = _document(tmp_path, ["https://a.example/"])
    done = run_citecheck("verify", "--offline", str(doc), cwd=tmp_path)
    assert done.returncode == 2
    assert done.stderr.startswith("citecheck: error: max_time") and done.stderr.count("\n") == 1


# --- "no network" ------------------------------------------------------------------------------------


def test_a_gone_host_is_dead_when_the_probe_answers(web_server: WebServer, tmp_path: Path) -> None:
    # the child resolves loopback names only, so the cited host does not resolve: a site that is gone
    doc = _document(tmp_path, ["https://gone-host.example/page"])
    done = run_citecheck(
        "verify", *LIVE_ONLY, "-f", "json", "--retries", "0", str(doc),
        env={"CITECHECK_PROBE_URL": web_server.url("/")},
    )  # fmt: skip
    assert done.returncode == 1, done.stderr
    (link,) = _links(json.loads(done.stdout))
    assert link["status"] == "dead"
    assert web_server.count("/") == 1  # the probe, once


def test_nothing_reachable_not_even_the_probe_is_no_network(tmp_path: Path) -> None:
    doc = _document(tmp_path, ["https://gone-host.example/page"])
    done = run_citecheck(
        "verify", *LIVE_ONLY, "--retries", "0", str(doc),
        env={"CITECHECK_PROBE_URL": f"http://127.0.0.1:{_closed_port()}/"},
    )  # fmt: skip
    assert done.returncode == 2
    assert done.stdout == ""
    assert done.stderr.startswith("citecheck: error: no network") and done.stderr.count("\n") == 1


def test_the_text_and_markdown_reports_say_the_run_was_cut_short() -> None:
    results = Results(
        [], dt.datetime(2026, 12, 3, tzinfo=dt.UTC), time_limit=3.0, hosts_given_up={"slow.example": 3}
    )
    summary = markdown.render(results)
    assert "Stopped at --max-time 3 s" in summary and "slow.example" in summary
    line = text_report.summary_line(results)
    assert "stopped at --max-time 3 s" in line and "1 host(s) given up after timeouts" in line
