"""Benchmark bounded runs: N slow-drip links on one local host, through `citecheck verify`.

Run from the repository: `python bench/slow_host.py [--links N] [--code DIR] [-- VERIFY OPTIONS]`,
e.g. `-- --timeout 3`, `-- --max-time 10 --host-timeouts 0`. `--code` points at another checkout
(to compare with older code). Each link's server sends its head, then one byte every 0.5 s
forever, so only a total deadline ends it. Prints the wall time, the requests the server saw and
the report's summary; not a test: nothing is asserted. Only 127.0.0.1 is contacted (the archive
is pointed at a closed local port, and `--no-archive` is passed).
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))
from webserver import Route, WebServer  # noqa: E402

SUPERSCRIPT = str.maketrans("0123456789", "⁰¹²³⁴⁵⁶⁷⁸⁹")


def document(urls: list[str]) -> str:
    marks = [str(i).translate(SUPERSCRIPT) for i in range(1, len(urls) + 1)]
    body = " ".join(f"Claim.{m}" for m in marks)
    return body + "\n\n" + "\n\n".join(f"{m} {u}" for m, u in zip(marks, urls, strict=True)) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--links", type=int, default=8)
    parser.add_argument("--code", type=Path, default=ROOT, help="the checkout whose citecheck runs")
    parser.add_argument("verify", nargs="*", help="options passed to verify (after --)")
    args = parser.parse_args()
    with WebServer() as server, tempfile.TemporaryDirectory() as tmp:
        drip = Route(body_size=10**7, chunk_size=1, chunk_delay=0.5)
        for i in range(args.links):
            server.add(f"/drip{i}", drip)
        doc = Path(tmp) / "doc.txt"
        doc.write_text(document([server.url(f"/drip{i}") for i in range(args.links)]), encoding="utf-8")
        env = {
            **os.environ,
            "PYTHONPATH": str(args.code),
            "NO_PROXY": "*",
            "CITECHECK_CACHE_DIR": str(Path(tmp) / "cache"),
            "CITECHECK_WAYBACK_URL": "http://127.0.0.1:9",
        }
        command = [sys.executable, "-m", "citecheck", "verify", "--no-archive", "--no-cache", "-f", "json"]
        start = time.monotonic()
        done = subprocess.run([*command, *args.verify, str(doc)], capture_output=True, text=True, env=env)
        took = time.monotonic() - start
        requests = server.total_requests
    summary = json.loads(done.stdout)["summary"] if done.stdout else {}
    print(f"{args.code}: {args.links} links, exit {done.returncode}, {took:.1f} s, {requests} requests")
    print(f"  summary: {summary or done.stderr.strip()[-300:]}")


if __name__ == "__main__":
    main()
