"""Benchmark `citecheck verify` against lychee on N footnoted URLs over H local hosts with a fixed latency.

Run by hand: `python bench/verify_bench.py [--urls N] [--hosts H] [--latency S] [--rounds R] ...`.

A separate process serves HTTP/1.1 (keep-alive, asyncio, standard library; uvloop when installed) on
H loopback addresses 127.0.0.2 … 127.0.0.(H+1), one port, and answers every request after `latency`
seconds. Paths say what they answer: `/ok/<i>` 200 with a titled page, `/gone/<i>` 404, `/moved/<i>`
301 to `/ok/<i>-new`, `/err/<i>` 500; anything else 404. A generated plain-text document cites each
URL in a footnote; citecheck and lychee check it alternately, round after round, and the server
reports after each run how many requests it answered and the most it had in flight per host.
Every status either tool reports is checked against the path. Not a test: timings are printed,
never asserted; the exit code is 1 when a tool got a status wrong, checked fewer links or failed.
Traffic goes to 127.0.0.0/8 only.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import errno
import json
import multiprocessing
import os
import random
import re
import shlex
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

SUPERSCRIPTS = str.maketrans("0123456789", "⁰¹²³⁴⁵⁶⁷⁸⁹")
KINDS = ("ok", "gone", "moved", "err")
SHARES = {"gone": 0.03, "moved": 0.03, "err": 0.03}  # the rest is "ok"
CITECHECK_EXPECTED = {"ok": "ok", "gone": "dead", "moved": "redirected", "err": "broken"}
LYCHEE_ERROR_CODE = {"gone": 404, "err": 500}  # ok and moved (after the redirect) succeed
MONTHS = ["Jan.", "Feb.", "Mar.", "Apr.", "May", "June", "July", "Aug.", "Sept.", "Oct.", "Nov.", "Dec."]
OUTLETS = ["Associated Press", "The Guardian", "Reuters", "CBS News", "El País", "Le Monde"]
PROXY_VARS = ("http_proxy", "https_proxy", "all_proxy", "HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY")
RUN_TIMEOUT_S = 600.0
MAX_HOSTS = 253  # 127.0.0.2 … 127.0.0.254


def host_ip(index: int) -> str:
    """The loopback address of host `index` (0-based): 127.0.0.2, 127.0.0.3, …"""
    return f"127.0.0.{2 + index}"


# --- the server (runs in its own process) ---------------------------------------------------------------


@dataclass
class HostStats:
    requests: int = 0
    in_flight: int = 0
    max_in_flight: int = 0
    connections: int = 0


@dataclass
class ServerStats:
    hosts: dict[str, HostStats] = field(default_factory=dict)
    statuses: Counter[int] = field(default_factory=Counter)
    methods: Counter[str] = field(default_factory=Counter)
    in_flight: int = 0
    max_in_flight: int = 0

    def host(self, ip: str) -> HostStats:
        if ip not in self.hosts:
            self.hosts[ip] = HostStats()
        return self.hosts[ip]

    def snapshot(self) -> dict[str, Any]:
        """A picklable summary; the counters restart (in-flight counts carry on)."""
        snap: dict[str, Any] = {
            "requests": sum(h.requests for h in self.hosts.values()),
            "connections": sum(h.connections for h in self.hosts.values()),
            "max_in_flight_per_host": max((h.max_in_flight for h in self.hosts.values()), default=0),
            "hosts_seen": sum(1 for h in self.hosts.values() if h.requests),
            "max_in_flight": self.max_in_flight,
            "statuses": dict(sorted(self.statuses.items())),
            "methods": dict(sorted(self.methods.items())),
        }
        for h in self.hosts.values():
            h.requests = h.connections = 0
            h.max_in_flight = h.in_flight
        self.statuses.clear()
        self.methods.clear()
        self.max_in_flight = self.in_flight
        return snap


PATH = re.compile(r"/(ok|gone|moved|err)/(\d+)(-new)?")  # anything else (a made-up sibling) is 404
REASONS = {200: "OK", 301: "Moved Permanently", 404: "Not Found", 500: "Internal Server Error"}


def _page(title: str, text: str) -> bytes:
    return (
        f"<!doctype html>\n<html><head><meta charset=utf-8><title>{title}</title></head>\n"
        f"<body><h1>{title}</h1>\n<p>{text}</p></body></html>\n"
    ).encode()


def respond(path: str, ip: str, port: int) -> tuple[int, list[tuple[str, str]], bytes]:
    """Status, extra headers and body of the answer to `path` (the outcome is in the path)."""
    match = PATH.fullmatch(path.split("?", 1)[0])
    kind, name, new = match.groups() if match else ("", "", None)
    html = [("Content-Type", "text/html; charset=utf-8")]
    if kind == "ok":
        title = f"Source {name}{new or ''}"
        return 200, html, _page(title, f"The story numbered {name}, as the outlet published it.")
    if kind == "moved" and not new:
        location = f"http://{ip}:{port}/ok/{name}-new"
        return 301, [*html, ("Location", location)], _page("Moved Permanently", f"Now at {location}.")
    if kind == "err" and not new:
        return 500, html, _page("Internal Server Error", "Something broke.")
    return 404, html, _page("404 Not Found", "No such page.")


class Server:
    """HTTP/1.1 with keep-alive on many loopback addresses, every answer delayed by `latency`."""

    def __init__(self, ips: Sequence[str], latency: float) -> None:
        self.ips = list(ips)
        self.latency = latency
        self.stats = ServerStats()
        self.port = 0

    async def start(self) -> list[asyncio.Server]:
        """Bind every address on one free port (retrying when another program holds it)."""
        for _ in range(50):
            socks: list[socket.socket] = []
            try:
                for ip in self.ips:
                    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
                    socks.append(sock)
                    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
                    sock.bind((ip, self.port if socks[0] is not sock else 0))
                    if socks[0] is sock:
                        self.port = sock.getsockname()[1]
            except OSError as err:
                for sock in socks:
                    sock.close()
                self.port = 0
                if err.errno != errno.EADDRINUSE:
                    raise
                continue
            servers = []
            for sock in socks:
                sock.listen(1024)
                servers.append(await asyncio.start_server(self.handle, sock=sock, backlog=1024))
            return servers
        raise OSError(errno.EADDRINUSE, "no port free on every address")

    async def handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        ip = str(writer.get_extra_info("sockname")[0])
        host = self.stats.host(ip)
        host.connections += 1
        try:
            while True:
                try:
                    head = await reader.readuntil(b"\r\n\r\n")
                except (asyncio.IncompleteReadError, asyncio.LimitOverrunError, ConnectionError):
                    break
                lines = head.decode("latin-1").split("\r\n")
                method, target, version = [*lines[0].split(" "), "", "", ""][:3]
                headers = {
                    k.strip().lower(): v.strip()
                    for k, _, v in (line.partition(":") for line in lines[1:] if line)
                }
                if length := int(headers.get("content-length", "0") or 0):
                    await reader.readexactly(length)
                keep_alive = (
                    headers.get("connection", "").lower() != "close"
                    if version == "HTTP/1.1"
                    else headers.get("connection", "").lower() == "keep-alive"
                )
                path = urlsplit(target).path if "://" in target else target
                self._begin(host, method)
                try:
                    await asyncio.sleep(self.latency)
                    status, extra, body = respond(path, ip, self.port)
                    self.stats.statuses[status] += 1
                    out = [
                        f"HTTP/1.1 {status} {REASONS.get(status, 'Unknown')}",
                        f"Content-Length: {len(body)}",
                        f"Connection: {'keep-alive' if keep_alive else 'close'}",
                        *(f"{k}: {v}" for k, v in extra),
                        "",
                        "",
                    ]
                    writer.write("\r\n".join(out).encode("latin-1") + (b"" if method == "HEAD" else body))
                    await writer.drain()
                finally:
                    self._end(host)
                if not keep_alive:
                    break
        except (ConnectionError, asyncio.IncompleteReadError):
            pass
        finally:
            writer.close()
            with contextlib.suppress(ConnectionError, OSError):
                await writer.wait_closed()

    def _begin(self, host: HostStats, method: str) -> None:
        host.requests += 1
        host.in_flight += 1
        host.max_in_flight = max(host.max_in_flight, host.in_flight)
        self.stats.in_flight += 1
        self.stats.max_in_flight = max(self.stats.max_in_flight, self.stats.in_flight)
        self.stats.methods[method] += 1

    def _end(self, host: HostStats) -> None:
        host.in_flight -= 1
        self.stats.in_flight -= 1


async def _serve(ips: list[str], latency: float, control: Connection) -> None:
    server = Server(ips, latency)
    try:
        listeners = await server.start()
    except OSError as err:
        control.send(("error", str(err)))
        return
    loop = asyncio.get_running_loop()
    stop = loop.create_future()

    def on_control() -> None:
        try:
            message = control.recv()
        except (EOFError, OSError):
            message = "stop"
        if message == "stats":
            control.send(("stats", server.stats.snapshot()))
        elif not stop.done():
            stop.set_result(None)

    loop.add_reader(control.fileno(), on_control)
    control.send(("ready", server.port))
    await stop
    loop.remove_reader(control.fileno())
    for listener in listeners:
        listener.close()


def serve(ips: list[str], latency: float, control: Connection) -> None:
    """The server process's entry point."""
    try:
        import uvloop  # type: ignore[import-not-found,unused-ignore]  # optional

        uvloop.run(_serve(ips, latency, control))
    except ImportError:
        asyncio.run(_serve(ips, latency, control))


class ServerProcess:
    """The server in a process of its own (no GIL shared with the benchmark or the tools)."""

    def __init__(self, hosts: int, latency: float) -> None:
        context = multiprocessing.get_context("spawn")
        self.control, child = context.Pipe()
        self.process = context.Process(
            target=serve, args=([host_ip(i) for i in range(hosts)], latency, child), daemon=True
        )
        self.process.start()
        child.close()
        if not self.control.poll(30):
            self.close()
            raise SystemExit("the server did not start within 30 s")
        kind, value = self.control.recv()
        if kind != "ready":
            self.close()
            raise SystemExit(f"the server could not start: {value}")
        self.port = int(value)

    def stats(self) -> dict[str, Any]:
        """What the server saw since the last call."""
        self.control.send("stats")
        kind, value = self.control.recv()
        assert kind == "stats"
        return dict(value)

    def close(self) -> None:
        with contextlib.suppress(OSError, BrokenPipeError):
            self.control.send("stop")
        self.process.join(5)
        if self.process.is_alive():
            self.process.terminate()
            self.process.join(5)


# --- the document -------------------------------------------------------------------------------------


def sup(number: int) -> str:
    return str(number).translate(SUPERSCRIPTS)


@dataclass(frozen=True, slots=True)
class Document:
    text: str
    expected: dict[str, str]  # URL → kind (ok, gone, moved, err)


def generate(urls: int, hosts: int, port: int, seed: int) -> Document:
    """Pages of five claims, each claim's footnote after its page; URL i on host (i-1) mod H."""
    rng = random.Random(seed)
    kinds = ["ok"] * urls
    rest = list(range(urls))
    rng.shuffle(rest)
    for kind, share in SHARES.items():
        count = round(share * urls)
        for i in rest[:count]:
            kinds[i] = kind
        rest = rest[count:]
    expected: dict[str, str] = {}
    out: list[str] = []
    for start in range(1, urls + 1, 5):
        page = range(start, min(start + 5, urls + 1))
        out.append(" ".join(f"Claim {n} rests on a source.{sup(n)}" for n in page) + "\n\n")
        for n in page:
            kind = kinds[n - 1]
            url = f"http://{host_ip((n - 1) % hosts)}:{port}/{kind}/{n}"
            expected[url] = kind
            month, day, year = rng.choice(MONTHS), rng.randint(1, 28), rng.randint(2019, 2025)
            out.append(f"{sup(n)} Source {n}, {rng.choice(OUTLETS)} ({month} {day}, {year}), {url}.\n\n")
    return Document("".join(out), expected)


# --- running the tools --------------------------------------------------------------------------------


@dataclass
class Run:
    tool: str
    seconds: float
    server: dict[str, Any]
    checked: int
    mismatches: list[str]
    problems: list[str]  # the run itself went wrong (exit code, fewer links, unreadable output)

    @property
    def correct(self) -> bool:
        return not self.mismatches and not self.problems


def tool_env() -> dict[str, str]:
    """The environment without proxies: every request must go straight to 127.0.0.0/8."""
    env = {k: v for k, v in os.environ.items() if k not in PROXY_VARS}
    env["NO_PROXY"] = env["no_proxy"] = "*"
    env["NO_COLOR"] = "1"
    return env


def executable(name: str) -> str:
    """A tool on PATH, else next to this Python (an unactivated venv)."""
    found = shutil.which(name) or shutil.which(name, path=str(Path(sys.executable).parent))
    if found is None:
        raise SystemExit(f"{name} not found on PATH or next to {sys.executable}")
    return found


def timed(command: Sequence[str], cwd: Path) -> tuple[float, subprocess.CompletedProcess[bytes]]:
    start = time.perf_counter()
    proc = subprocess.run(
        command, cwd=cwd, env=tool_env(), capture_output=True, check=False, timeout=RUN_TIMEOUT_S
    )
    return time.perf_counter() - start, proc


def _stderr_tail(proc: subprocess.CompletedProcess[bytes]) -> str:
    lines = proc.stderr.decode("utf-8", "replace").strip().splitlines()
    return lines[-1] if lines else "(no stderr)"


def check_citecheck(report: Any, expected: dict[str, str]) -> tuple[int, list[str], list[str]]:
    """Links checked, wrong statuses, and problems of a citecheck JSON report."""
    mismatches: list[str] = []
    problems: list[str] = []
    seen: set[str] = set()
    for doc in report["documents"]:
        links = [link for fn in doc["footnotes"] for link in fn["links"]] + list(doc["unnumbered_links"])
        for link in links:
            written, status = str(link["written"]), str(link["status"])
            seen.add(written)
            kind = expected.get(written)
            if kind is None:
                mismatches.append(f"{written}: not a generated URL (status {status})")
                continue
            want = CITECHECK_EXPECTED[kind]
            if link["url"] != written:
                mismatches.append(f"{written}: checked as {link['url']} (repair {link['repair']})")
            elif status != want:
                mismatches.append(f"{written}: {status} ({link['detail']}), expected {want}")
            elif kind == "moved" and not str(link["final_url"]).endswith(written.rsplit("/", 1)[1] + "-new"):
                mismatches.append(f"{written}: redirected to {link['final_url']}, expected …/ok/<i>-new")
    missing = set(expected) - seen
    if missing:
        problems.append(f"{len(missing)} of {len(expected)} URLs not in the report, e.g. {min(missing)}")
    return len(seen & set(expected)), mismatches, problems


def check_lychee(report: Any, expected: dict[str, str]) -> tuple[int, list[str], list[str]]:
    """Links checked, wrong statuses, and problems of a lychee JSON report (errors listed by URL)."""
    mismatches: list[str] = []
    problems: list[str] = []
    total, successful, errors = int(report["total"]), int(report["successful"]), int(report["errors"])
    failed: dict[str, Any] = {}
    for entries in report["error_map"].values():
        for entry in entries:
            failed[str(entry["url"])] = entry["status"]
    for entries in report.get("timeout_map", {}).values():
        for entry in entries:
            failed[str(entry["url"])] = entry["status"]
    want_errors = {url for url, kind in expected.items() if kind in LYCHEE_ERROR_CODE}
    for url, status in sorted(failed.items()):
        kind = expected.get(url)
        if kind is None:
            mismatches.append(f"{url}: not a generated URL ({status.get('text')})")
        elif kind not in LYCHEE_ERROR_CODE:
            mismatches.append(f"{url}: failed ({status.get('text')}), expected success")
        elif status.get("code") != LYCHEE_ERROR_CODE[kind]:
            mismatches.append(f"{url}: {status.get('text')}, expected {LYCHEE_ERROR_CODE[kind]}")
    for url in sorted(want_errors - set(failed)):
        mismatches.append(f"{url}: reported fine, expected {LYCHEE_ERROR_CODE[expected[url]]}")
    if total != len(expected) or successful + errors + int(report.get("timeouts", 0)) != total:
        problems.append(
            f"lychee checked {total} links ({successful} ok, {errors} errors, {report.get('excludes')} "
            f"excluded, {report.get('unsupported')} unsupported), expected {len(expected)}"
        )
    if successful != len(expected) - len(want_errors):
        problems.append(f"{successful} successful, expected {len(expected) - len(want_errors)}")
    return total, mismatches, problems


def offline_seconds(command: Sequence[str], doc: Path, server: ServerProcess, cwd: Path) -> float:
    """Wall seconds of `citecheck verify --offline` on the document: everything but the checking."""
    seconds, proc = timed([*command, "--offline", str(doc)], cwd)
    if proc.returncode != 0:
        raise SystemExit(f"citecheck --offline exited {proc.returncode}: {_stderr_tail(proc)}")
    if (stats := server.stats())["requests"]:
        raise SystemExit(f"citecheck --offline sent {stats['requests']} requests")
    return seconds


def run_citecheck(
    command: Sequence[str], doc: Path, expected: dict[str, str], server: ServerProcess, cwd: Path
) -> Run:
    seconds, proc = timed([*command, str(doc)], cwd)
    stats = server.stats()
    if proc.returncode not in (0, 1):
        return Run("citecheck", seconds, stats, 0, [], [f"exit {proc.returncode}: {_stderr_tail(proc)}"])
    try:
        report = json.loads(proc.stdout)
        checked, mismatches, problems = check_citecheck(report, expected)
    except (ValueError, KeyError, TypeError) as err:
        return Run("citecheck", seconds, stats, 0, [], [f"unreadable report ({err!r})"])
    return Run("citecheck", seconds, stats, checked, mismatches, problems)


def run_lychee(
    command: Sequence[str], doc: Path, expected: dict[str, str], server: ServerProcess, cwd: Path
) -> Run:
    seconds, proc = timed([*command, "--", str(doc)], cwd)
    stats = server.stats()
    if proc.returncode not in (0, 2):
        return Run("lychee", seconds, stats, 0, [], [f"exit {proc.returncode}: {_stderr_tail(proc)}"])
    try:
        report = json.loads(proc.stdout)
        checked, mismatches, problems = check_lychee(report, expected)
    except (ValueError, KeyError, TypeError, AttributeError) as err:
        return Run("lychee", seconds, stats, 0, [], [f"unreadable report ({err!r})"])
    return Run("lychee", seconds, stats, checked, mismatches, problems)


# --- reporting ----------------------------------------------------------------------------------------


def describe(run: Run, round_no: int) -> str:
    s = run.server
    verdict = "all statuses right" if run.correct else f"{len(run.mismatches)} WRONG"
    lines = [
        f"round {round_no} {run.tool:<9} {run.seconds:7.2f} s  {run.checked} links checked, {verdict}",
        f"    server: {s['requests']} requests on {s['connections']} connections to {s['hosts_seen']} hosts, "
        f"at most {s['max_in_flight_per_host']} in flight per host, {s['max_in_flight']} overall; "
        f"methods {s['methods']}, statuses {s['statuses']}",
    ]
    lines += [f"    PROBLEM: {p}" for p in run.problems]
    lines += [f"    mismatch: {m}" for m in run.mismatches[:10]]
    if len(run.mismatches) > 10:
        lines.append(f"    … and {len(run.mismatches) - 10} more mismatches")
    return "\n".join(lines)


def span(values: Sequence[int]) -> str:
    lo, hi = min(values), max(values)
    return str(lo) if lo == hi else f"{lo}-{hi}"


def table(rows: Sequence[Sequence[str]]) -> str:
    """Rows as aligned columns, the first left-aligned, a rule under the header."""
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]

    def line(row: Sequence[str]) -> str:
        cells = enumerate(zip(row, widths, strict=True))
        return "  ".join(c.ljust(w) if i == 0 else c.rjust(w) for i, (c, w) in cells)

    return "\n".join([line(rows[0]), "  ".join("-" * w for w in widths), *map(line, rows[1:])])


def summary_row(tool: str, runs: Sequence[Run]) -> list[str]:
    seconds = [r.seconds for r in runs]
    wrong = sum(len(r.mismatches) for r in runs)
    problems = sum(len(r.problems) for r in runs)
    correct = "all right" if not wrong and not problems else f"{wrong} wrong, {problems} problems"
    return [
        tool,
        str(len(runs)),
        f"{statistics.median(seconds):.2f}",
        f"{min(seconds):.2f}",
        f"{max(seconds):.2f}",
        span([int(r.server["requests"]) for r in runs]),
        span([int(r.server["connections"]) for r in runs]),
        span([int(r.server["max_in_flight_per_host"]) for r in runs]),
        span([int(r.server["max_in_flight"]) for r in runs]),
        correct,
    ]


# --- main ---------------------------------------------------------------------------------------------


def positive(kind: type[int] | type[float]) -> Any:
    def parse(text: str) -> int | float:
        value = kind(text)
        if value < 0:
            raise argparse.ArgumentTypeError(f"must not be negative: {text}")
        return value

    return parse


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Benchmark citecheck verify against lychee on local hosts.")
    parser.add_argument("--urls", type=positive(int), default=2000, help="footnoted URLs (default 2000)")
    parser.add_argument(
        "--hosts", type=positive(int), default=100, help=f"hosts, 1-{MAX_HOSTS} (default 100)"
    )
    parser.add_argument("--latency", type=positive(float), default=0.1, help="seconds per answer (0.1)")
    parser.add_argument("--rounds", type=positive(int), default=3, help="rounds of both tools (default 3)")
    parser.add_argument("--per-host", type=positive(int), default=4, help="requests in flight per host (4)")
    parser.add_argument("--concurrency", type=positive(int), default=128, help="requests in flight (128)")
    parser.add_argument(
        "--min-interval", type=positive(float), default=0.0, help="seconds between starts per host (0)"
    )
    parser.add_argument(
        "--citecheck-args", default="", help="more citecheck verify flags (quoted, one string)"
    )
    parser.add_argument("--skip-lychee", action="store_true", help="run citecheck only")
    parser.add_argument("--seed", type=int, default=2025, help="seed of the generated document")
    parser.add_argument("--keep", action="store_true", help="keep the generated document and print where")
    args = parser.parse_args(argv)
    if not 1 <= args.hosts <= MAX_HOSTS:
        parser.error(f"--hosts must be 1-{MAX_HOSTS}")
    if not 1 <= args.urls <= 9999:
        parser.error("--urls must be 1-9999 (four superscript digits)")
    if min(args.rounds, args.per_host, args.concurrency) < 1:
        parser.error("--rounds, --per-host and --concurrency must be at least 1")

    citecheck = [
        executable("citecheck"),
        "verify",
        "--no-archive",
        "--no-cache",
        "--format",
        "json",
        "--max-per-host",
        str(args.per_host),
        "--max-concurrency",
        str(args.concurrency),
        "--min-interval",
        f"{args.min_interval:g}",
        *shlex.split(args.citecheck_args),
    ]
    lychee = [
        executable("lychee"),
        "--no-progress",
        "--format",
        "json",
        "--cache=false",
        "--exclude-loopback=false",
        "--exclude-private=false",
        "--max-concurrency",
        str(args.concurrency),
        "--host-concurrency",
        str(args.per_host),
        "--host-request-interval",
        f"{round(args.min_interval * 1000)}ms",
        "--timeout",
        "20",
        "--max-retries",
        "2",
    ]

    loop = "uvloop" if _has_uvloop() else "asyncio"
    server = ServerProcess(args.hosts, args.latency)
    tmp = Path(tempfile.mkdtemp(prefix="citecheck-verify-bench-"))
    runs: dict[str, list[Run]] = {"citecheck": [], "lychee": []}
    try:
        doc = generate(args.urls, args.hosts, server.port, args.seed)
        path = tmp / "cited.txt"
        path.write_text(doc.text, encoding="utf-8")
        kinds = Counter(doc.expected.values())
        floor = -(-len(doc.expected) // min(args.concurrency, args.hosts * args.per_host)) * args.latency
        print(
            f"server: {args.hosts} hosts {host_ip(0)}-{host_ip(args.hosts - 1)}:{server.port} ({loop}), "
            f"{args.latency:g} s per answer, separate process (pid {server.process.pid})"
        )
        print(
            f"document: {len(doc.expected)} URLs in footnotes, {', '.join(f'{k} {kinds[k]}' for k in KINDS)}"
        )
        if args.keep:
            print(f"  kept at {path}")
        print(f"floor: {floor:.2f} s for one request per URL at full concurrency (retries and redirects add)")
        print(f"citecheck: {shlex.join(citecheck[1:])} DOC")
        if not args.skip_lychee:
            print(f"lychee: {shlex.join(lychee[1:])} -- DOC")
        print("both with NO_PROXY='*' and no HTTP(S)_PROXY/ALL_PROXY; cwd an empty temp dir\n")
        offline = offline_seconds(citecheck, path, server, tmp)
        print(f"citecheck --offline (reading, extraction, report; no network): {offline:.2f} s\n")
        for round_no in range(1, args.rounds + 1):
            run = run_citecheck(citecheck, path, doc.expected, server, tmp)
            runs["citecheck"].append(run)
            print(describe(run, round_no))
            if not args.skip_lychee:
                run = run_lychee(lychee, path, doc.expected, server, tmp)
                runs["lychee"].append(run)
                print(describe(run, round_no))
    finally:
        server.close()
        if not args.keep:
            shutil.rmtree(tmp, ignore_errors=True)

    print()
    header = ["tool", "runs", "median s", "min s", "max s", "requests", "conns", "max/host", "max", "correct"]
    rows = [summary_row(tool, rs) for tool, rs in runs.items() if rs]
    print(table([header, *rows]))
    checking = statistics.median(r.seconds for r in runs["citecheck"]) - offline
    print(f"\ncitecheck without its offline part (median - offline run): {checking:.2f} s")
    if runs["lychee"]:
        lychee_s = statistics.median(r.seconds for r in runs["lychee"])
        ratio = statistics.median(r.seconds for r in runs["citecheck"]) / lychee_s
        print(
            f"ratio citecheck/lychee (medians): {ratio:.2f}; "
            f"without citecheck's offline part: {checking / lychee_s:.2f}"
        )
    return 0 if all(r.correct for rs in runs.values() for r in rs) else 1


def _has_uvloop() -> bool:
    try:
        import uvloop  # type: ignore[import-not-found,unused-ignore]  # noqa: F401
    except ImportError:
        return False
    return True


if __name__ == "__main__":
    sys.exit(main())
