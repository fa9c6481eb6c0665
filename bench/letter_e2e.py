"""The letter end to end against its local web and a local Wayback-compatible archive.

Starts the test suite's local HTTPS web of the letter's sources (behind a local proxy, trusted
through a local CA) and a local archive holding captures of them, then runs `citecheck verify`
and `citecheck appendix` as a user would, and prints the wall time of each and the archive
requests by kind. Run by hand: `python bench/letter_e2e.py [--html appendix.html]`.
Traffic stays on 127.0.0.1.
"""

from __future__ import annotations

import argparse
import json
import os
import ssl
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))

import trustme  # noqa: E402
from test_letter_archive import NEVER_ARCHIVED, REUTERS_ARCHIVED, REUTERS_WRITTEN, captured_urls  # noqa: E402
from test_verify import LETTER, OURWORK, _hosts, build_letter_web  # noqa: E402
from wayback_server import WaybackServer  # noqa: E402
from webserver import ProxyServer, WebServer  # noqa: E402


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--html", type=Path, help="also keep the HTML appendix here")
    args = parser.parse_args()
    ca = trustme.CA()
    server_ctx = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    ca.issue_cert(*sorted(_hosts())).configure_cert(server_ctx)
    with (
        tempfile.TemporaryDirectory() as tmp,
        WebServer(ssl_context=server_ctx) as web,
        ProxyServer(upstream=web.address) as proxy,
        WaybackServer(cdx_limit=24) as archive,
    ):
        ca_file = Path(tmp) / "ca.pem"
        ca.cert_pem.write_to_path(str(ca_file))
        build_letter_web(web)
        for url in set(captured_urls().values()):
            archive.add_capture(url, "20250415120000")
        archive.add_capture(OURWORK, "20241009120000")
        env = {
            **os.environ,
            "HTTPS_PROXY": proxy.url,
            "HTTP_PROXY": proxy.url,
            "NO_PROXY": "127.0.0.1,localhost",
            "SSL_CERT_FILE": str(ca_file),
            "CITECHECK_WAYBACK_URL": archive.base_url,
        }
        html = args.html or Path(tmp) / "appendix.html"
        for name, command in (
            ("verify", ["verify", "--no-cache", "--format", "json", str(LETTER)]),
            ("appendix", ["appendix", "--no-cache", "--format", "html", "-o", str(html), str(LETTER)]),
        ):
            archive.reset()
            start = time.perf_counter()
            done = subprocess.run(
                [sys.executable, "-m", "citecheck", *command],
                capture_output=True,
                text=True,
                env=env,
                cwd=ROOT,
                check=False,
            )
            elapsed = time.perf_counter() - start
            print(
                f"citecheck {name}: {elapsed:.1f} s, exit {done.returncode}; archive requests: "
                f"{dict(sorted(archive.counts.items()))}"
            )
            if name == "verify":
                report = json.loads(done.stdout)
                links = [lk for fn in report["documents"][0]["footnotes"] for lk in fn["links"]]
                reuters = next(lk for lk in links if lk["written"] == REUTERS_WRITTEN)
                archived = sum(1 for lk in links if lk["archive"])
                spelling = "the archived spelling" if reuters["url"] == REUTERS_ARCHIVED else reuters["url"]
                print(f"  {report['summary']}")
                print(
                    f"  archived {archived} of {len(links)} links "
                    f"(expected {len(links) - len(NEVER_ARCHIVED)}); "
                    f"Reuters confirmed by {reuters['repair']['confirmed_by']}, {spelling}"
                )
        if args.html:
            print(f"appendix kept at {args.html}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
