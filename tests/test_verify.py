"""`verify` end to end: the letter on a local web, the cache, proxies and CAs, exit codes.

The letter's hosts are served by one local TLS server (a trustme CA the client trusts through
`SSL_CERT_FILE`), reached through a local proxy (`HTTPS_PROXY`) that tunnels every CONNECT to it:
real HTTPS, real proxying, no name resolution and no traffic beyond 127.0.0.1.
"""

from __future__ import annotations

import asyncio
import json
import ssl
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
import trustme
from cli_run import run_citecheck
from letter_pages import source_page
from test_letter import REPAIRED, WRITTEN
from test_pagemeta import pdf_bytes
from webserver import ProxyServer, Route, WebServer

from citecheck.extract import extract
from citecheck.ingest import read_document
from citecheck.models import Confirmation, Document, Status
from citecheck.net import NetOptions
from citecheck.session import RunResult, Settings, run_verify

ROOT = Path(__file__).resolve().parent.parent
LETTER = ROOT / "fixtures" / "letter.txt"


def page(title: str) -> Route:
    return Route(
        200, body=f"<html><head><title>{title}</title></head><body><h1>{title}</h1></body></html>".encode()
    )


OURWORK = "https://www.brennancenter.org/our-work/research-reports/alien-enemies-act-explained"
CHALLENGE = Route(403, headers=[("cf-mitigated", "challenge")], body=b"<title>Just a moment...</title>")

# Written URL (as the letter writes it) → (status the report must give, URL it must end up meaning).
EXPECTED: dict[str, tuple[Status, str]] = {
    WRITTEN[1][0]: (Status.BLOCKED, WRITTEN[1][0]),
    WRITTEN[1][1]: (Status.OK, WRITTEN[1][1]),  # 301 to the trailing-slash form: trivial
    WRITTEN[3][0]: (Status.OK, WRITTEN[3][0]),  # a PDF whose server refuses HEAD
    WRITTEN[4][0]: (Status.OK, WRITTEN[4][0]),  # a PDF answered by HEAD
    WRITTEN[5][0]: (Status.OK, WRITTEN[5][0]),
    WRITTEN[6][0]: (Status.OK, WRITTEN[6][0]),
    WRITTEN[6][1]: (Status.OK, WRITTEN[6][1]),
    WRITTEN[7][0]: (Status.OK, WRITTEN[7][0]),
    WRITTEN[7][1]: (Status.OK, WRITTEN[7][1]),
    WRITTEN[9][0]: (Status.OK, WRITTEN[9][0]),
    WRITTEN[10][0]: (Status.DEAD, WRITTEN[10][0]),
    WRITTEN[13][1]: (Status.OK, OURWORK),  # a suspect, found live
    WRITTEN[16][0]: (Status.OK, WRITTEN[16][0]),
    WRITTEN[17][0]: (Status.OK, WRITTEN[17][0]),
    WRITTEN[18][0]: (Status.OK, WRITTEN[18][0]),
    WRITTEN[19][0]: (Status.REDIRECTED, WRITTEN[19][0]),
    WRITTEN[22][0]: (Status.BLOCKED, WRITTEN[22][0]),
    WRITTEN[22][1]: (Status.BLOCKED, REPAIRED[WRITTEN[22][1]]),  # a bot wall: the repair stays a proposal
    WRITTEN[23][0]: (Status.OK, WRITTEN[23][0]),
    WRITTEN[24][0]: (Status.BLOCKED, WRITTEN[24][0]),
    WRITTEN[26][0]: (Status.SOFT_404, WRITTEN[26][0]),
    WRITTEN[27][0]: (Status.BLOCKED, WRITTEN[27][0]),
    WRITTEN[28][0]: (Status.OK, WRITTEN[28][0]),
    WRITTEN[29][0]: (Status.OK, WRITTEN[29][0]),
    WRITTEN[30][0]: (Status.OK, WRITTEN[30][0]),
    WRITTEN[32][0]: (Status.OK, WRITTEN[32][0]),
    WRITTEN[33][0]: (Status.OK, WRITTEN[33][0]),
    **{w: (Status.OK, u) for w, u in REPAIRED.items() if "reuters" not in w},
}
CONFIRMED_LIVE = {w for w, (_, u) in EXPECTED.items() if u != w and "reuters" not in w}


def _hosts() -> set[str]:
    from urllib.parse import urlsplit

    return {urlsplit(u).hostname or "" for urls in WRITTEN.values() for u in urls} | {"www.brennancenter.org"}


def build_letter_web(web: WebServer) -> None:
    """The letter's sources as the web serves them today (as this test imagines it)."""
    from urllib.parse import urlsplit

    def serve(url: str, route: Route) -> None:
        parts = urlsplit(url)
        web.add(parts.path or "/", route, host=parts.hostname)

    for status, meant in EXPECTED.values():
        if status is Status.OK and not meant.endswith(".pdf"):  # the PDFs are served below
            serve(meant, source_page(meant))
    for url in (WRITTEN[1][0], WRITTEN[22][0], WRITTEN[24][0], WRITTEN[24][1], WRITTEN[27][0]):
        serve(url, CHALLENGE)  # x.com
    serve(REPAIRED[WRITTEN[22][1]], Route(403, headers=[("Server", "DataDome")]))
    serve(WRITTEN[22][1], Route(403, headers=[("Server", "DataDome")]))
    serve(WRITTEN[1][1], Route(301, headers=[("Location", WRITTEN[18][0])]))
    letter = pdf_bytes("Letter of April 17, 2025 to Secretary of State Marco Rubio", [(12, "Dear Secretary")])
    serve(WRITTEN[3][0], Route(200, body=letter, head="405", content_type="application/pdf"))
    serve(WRITTEN[4][0], Route(200, body=b"%PDF-1.7", content_type="application/pdf"))
    serve(
        WRITTEN[19][0],
        Route(301, headers=[("Location", "https://www.newsweek.com/trump-el-salvador-2056122")]),
    )
    serve("https://www.newsweek.com/trump-el-salvador-2056122", source_page("trump-el-salvador-2056122"))
    serve(WRITTEN[26][0], page("Page Not Found | Homeland Security"))
    serve(WRITTEN[29][0], Route(301, headers=[("Location", WRITTEN[29][0] + "/")]))
    serve(WRITTEN[29][0] + "/", page("NPR"))


@dataclass
class LetterWeb:
    web: WebServer
    proxy: ProxyServer
    ca_file: Path

    def env(self) -> dict[str, str]:
        return {
            "HTTPS_PROXY": self.proxy.url,
            "HTTP_PROXY": self.proxy.url,
            "SSL_CERT_FILE": str(self.ca_file),
        }


@pytest.fixture(scope="module")
def letter_web(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LetterWeb]:
    ca = trustme.CA()
    server_ctx = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    ca.issue_cert(*sorted(_hosts())).configure_cert(server_ctx)
    ca_file = tmp_path_factory.mktemp("ca") / "ca.pem"
    ca.cert_pem.write_to_path(str(ca_file))
    with WebServer(ssl_context=server_ctx) as web, ProxyServer(upstream=web.address) as proxy:
        build_letter_web(web)
        yield LetterWeb(web, proxy, ca_file)


@pytest.fixture
def through_letter_web(letter_web: LetterWeb, monkeypatch: pytest.MonkeyPatch) -> LetterWeb:
    monkeypatch.delenv("NO_PROXY", raising=False)
    for name, value in letter_web.env().items():
        monkeypatch.setenv(name, value)
    letter_web.web.reset()
    return letter_web


def verify_letter(settings: Settings | None = None) -> RunResult:
    extraction = extract(read_document(str(LETTER)))
    return asyncio.run(run_verify([extraction], settings or Settings(use_cache=False, archive=None)))


def test_letter_on_a_local_web(through_letter_web: LetterWeb) -> None:
    run = verify_letter()
    (extraction,) = run.extractions
    found = {link.written: (run.checks[link.url].status, link.url) for link in extraction.links()}
    assert found == EXPECTED
    for link in extraction.links():
        if link.written in CONFIRMED_LIVE:
            assert link.repair is not None and link.repair.confirmed_by is Confirmation.LIVE, link.written
    reuters = next(lk for lk in extraction.links() if "reuters" in lk.written)
    assert reuters.repair is not None and reuters.repair.confirmed_by is None
    assert through_letter_web.proxy.connect_count > 0  # HTTPS_PROXY was honoured
    assert through_letter_web.web.errors == []


def test_letter_polite_per_host(through_letter_web: LetterWeb) -> None:
    verify_letter(Settings(net=NetOptions(max_per_host=2), use_cache=False, archive=None))
    assert max(through_letter_web.web.max_in_flight_by_host.values()) <= 2


def test_second_run_is_served_from_the_cache_but_errors_are_rechecked(
    through_letter_web: LetterWeb, tmp_path: Path
) -> None:
    settings = Settings(use_cache=True, cache_dir=tmp_path / "c", archive=None)
    first = verify_letter(settings)
    web = through_letter_web.web
    web.wait_idle()
    assert web.total_requests > 0
    web.reset()
    second = verify_letter(settings)
    web.wait_idle()
    rechecked = {r.path for r in web.log}
    errors = {
        lk.url
        for e in first.extractions
        for lk in e.links()
        if first.checks[lk.url].status is not Status.OK
        and first.checks[lk.url].status is not Status.REDIRECTED
    }
    assert rechecked  # the errors were asked again...
    from urllib.parse import urlsplit

    ok_paths = {
        urlsplit(u).path for u, c in first.checks.items() if c.status in (Status.OK, Status.REDIRECTED)
    }
    error_paths = {urlsplit(u).path for u in errors}
    assert not (rechecked & (ok_paths - error_paths))  # ...and no success was
    assert {lk.url for e in second.extractions for lk in e.links()} == {
        lk.url for e in first.extractions for lk in e.links()
    }


LIVE_ONLY = ("--no-archive", "--no-cache")  # live checks only, nothing kept between runs


def test_cli_on_the_letter_exits_1_and_reports_json(through_letter_web: LetterWeb, tmp_path: Path) -> None:
    out = tmp_path / "report.json"
    done = run_citecheck("verify", *LIVE_ONLY, "--format", "json", "--output", str(out), str(LETTER))
    assert done.returncode == 1, done.stderr
    assert done.stdout == ""
    report = json.loads(out.read_text())
    summary = report["summary"]
    assert summary["links"] == 37
    every_link = [w for urls in WRITTEN.values() for w in urls]
    assert summary["by_status"] == dict(sorted(Counter(EXPECTED[w][0].value for w in every_link).items()))
    links = [lk for d in report["documents"] for fn in d["footnotes"] for lk in fn["links"]]
    assert {lk["written"]: lk["status"] for lk in links} == {w: s.value for w, (s, _) in EXPECTED.items()}


def test_cli_fail_on_none_exits_0(through_letter_web: LetterWeb) -> None:
    done = run_citecheck("verify", *LIVE_ONLY, "--fail-on", "none", "--format", "json", str(LETTER))
    assert done.returncode == 0, done.stderr


@pytest.fixture
def small_site(web_server: WebServer, tmp_path: Path) -> Path:
    web_server.add("/a/story-about-deported-migrants", page("Story"))
    web_server.add("/fine", page("Fine"))
    doc = tmp_path / "doc.txt"
    doc.write_text(
        "Claim.¹ Another.²\n\n"
        f"¹ Story, Outlet (Mar. 1, 2025), <{web_server.url('/a/story-about-deportedmigrants')}>.\n\n"
        f"² Fine, Outlet (Mar. 2, 2025), {web_server.url('/fine')}.\n",
        encoding="utf-8",
    )
    return doc


def test_cli_repair_confirmed_live_and_exit_1_for_wrapped(small_site: Path) -> None:
    done = run_citecheck("verify", *LIVE_ONLY, "--format", "json", str(small_site))
    assert done.returncode == 1  # the document still needs fixing: wrapped fails by default
    links = [lk for fn in json.loads(done.stdout)["documents"][0]["footnotes"] for lk in fn["links"]]
    assert links[0]["repair"]["confirmed_by"] == "live"
    assert links[0]["url"].endswith("/a/story-about-deported-migrants")
    assert [lk["status"] for lk in links] == ["ok", "ok"]


def test_cli_exit_0_when_nothing_fails(small_site: Path) -> None:
    done = run_citecheck(
        "verify", *LIVE_ONLY, "--fail-on", "dead,broken", "--format", "json", str(small_site)
    )
    assert done.returncode == 0, done.stderr


def test_cli_offline_sends_nothing(small_site: Path, web_server: WebServer) -> None:
    done = run_citecheck("verify", "--no-archive", "--offline", "--format", "json", str(small_site))
    assert done.returncode == 1  # wrapped still fails offline
    assert {
        lk["status"] for fn in json.loads(done.stdout)["documents"][0]["footnotes"] for lk in fn["links"]
    } == {"unchecked"}
    assert web_server.total_requests == 0


def test_cli_bad_fail_on_is_a_usage_error(small_site: Path) -> None:
    done = run_citecheck("verify", "--no-archive", "--fail-on", "dead,nonsense", str(small_site))
    assert done.returncode == 2
    assert done.stderr.strip().count("\n") == 0 and "nonsense" in done.stderr


def _closed_port() -> int:
    """A loopback port nothing listens on (bound, then released)."""
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def test_cli_no_network_exits_2_without_calling_links_dead(tmp_path: Path) -> None:
    # every host refuses (closed loopback ports: no DNS, nothing beyond this machine)
    doc = tmp_path / "doc.txt"
    one, two = _closed_port(), _closed_port()
    doc.write_text(f"A.¹ B.²\n\n¹ http://127.0.0.1:{one}/a\n\n² http://localhost:{two}/b\n", encoding="utf-8")
    done = run_citecheck("verify", *LIVE_ONLY, "--retries", "0", str(doc))
    assert done.returncode == 2
    assert done.stdout == ""
    assert done.stderr.startswith("citecheck: error: no network") and done.stderr.count("\n") == 1


def test_a_dead_host_among_live_ones_is_dead(web_server: WebServer) -> None:
    # in this process only loopback names resolve (conftest), so the made-up host is unknown here
    web_server.add("/fine", page("Fine"))
    text = f"A.¹ B.²\n\n¹ {web_server.url('/fine')}\n\n² https://gone-host.example/b\n"
    run = asyncio.run(
        run_verify([extract(Document("doc.txt", text))], Settings(use_cache=False, archive=None))
    )
    statuses = [run.checks[lk.url].status for fn in run.extractions[0].footnotes for lk in fn.links]
    assert statuses == [Status.OK, Status.DEAD]


def test_tls_needs_the_ca_from_ssl_cert_file(letter_web: LetterWeb, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("NO_PROXY", raising=False)
    monkeypatch.setenv("HTTPS_PROXY", letter_web.proxy.url)
    doc_url = REPAIRED[WRITTEN[20][0]]

    async def check(with_ca: bool) -> Status:
        from citecheck.check import Checker
        from citecheck.net import Client

        if with_ca:
            monkeypatch.setenv("SSL_CERT_FILE", str(letter_web.ca_file))
        else:
            monkeypatch.delenv("SSL_CERT_FILE", raising=False)
        async with Client() as client:
            return (await Checker(client).check(doc_url)).status

    assert asyncio.run(check(with_ca=False)) is Status.BROKEN  # unknown CA: TLS failure
    assert asyncio.run(check(with_ca=True)) is Status.OK


def test_plain_http_through_a_forward_proxy(web_server: WebServer, monkeypatch: pytest.MonkeyPatch) -> None:
    web_server.add("/p", page("Through the proxy"), host="cited.example")
    with ProxyServer(upstream=web_server.address) as proxy:
        monkeypatch.delenv("NO_PROXY", raising=False)
        monkeypatch.setenv("HTTP_PROXY", proxy.url)

        async def check() -> Status:
            from citecheck.check import Checker
            from citecheck.net import Client

            async with Client() as client:
                return (await Checker(client).check("http://cited.example/p")).status

        assert asyncio.run(check()) is Status.OK
        assert proxy.forward_count == 1
