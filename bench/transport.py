"""Which HTTP setup checks many URLs fastest: the experiment behind net.Client's design.

2,000 URLs over 100 loopback hosts (127.0.0.2…), 0.1 s latency, 128 in flight, retries and the
soft-404 probe off, so only the transport differs: per-host httpx clients (what citecheck uses),
one shared httpx.AsyncClient, and per-host clients over the aiohttp transport (if httpx-aiohttp is
installed); each on asyncio and on uvloop (if installed). Run by hand: `python bench/transport.py`.
"""

from __future__ import annotations

import asyncio
import importlib.util
import os
import sys
import time
from collections.abc import Callable, Coroutine
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parent))
from verify_bench import ServerProcess, generate

from citecheck.check import Checker, CheckOptions
from citecheck.net import Client, NetOptions


class SharedClient(Client):
    """One AsyncClient for every host (shared/DESIGN.md measured it quadratic under load)."""

    def _client(self, url: str) -> httpx.AsyncClient:
        if ("", "") not in self._clients:
            limits = httpx.Limits(max_connections=512, max_keepalive_connections=512)
            self._clients[("", "")] = httpx.AsyncClient(
                verify=self._ssl, trust_env=False, timeout=20, limits=limits
            )
        return self._clients[("", "")]


class AiohttpClient(Client):
    """Per-host httpx clients over the aiohttp transport."""

    def _client(self, url: str) -> httpx.AsyncClient:
        from httpx_aiohttp import AiohttpTransport

        key = (urlsplit(url).scheme, urlsplit(url).netloc)
        if key not in self._clients:
            self._clients[key] = httpx.AsyncClient(transport=AiohttpTransport(), timeout=20)
        return self._clients[key]


async def run(kind: type[Client], urls: list[str]) -> float:
    async with kind(NetOptions(min_interval=0.0)) as client:
        checker = Checker(client, CheckOptions(retries=0, sibling_probe=False))
        start = time.perf_counter()
        await checker.check_many(urls)
        return time.perf_counter() - start


def main() -> int:
    os.environ["NO_PROXY"] = "*"
    server = ServerProcess(100, 0.1)
    try:
        urls = list(generate(2000, 100, server.port, 1).expected)
        kinds: list[type[Client]] = [Client, SharedClient]
        if importlib.util.find_spec("httpx_aiohttp"):
            kinds.append(AiohttpClient)
        loops: list[tuple[str, Callable[[Coroutine[Any, Any, float]], float]]] = [("asyncio", asyncio.run)]
        if importlib.util.find_spec("uvloop"):
            import uvloop

            loops.append(("uvloop", uvloop.run))
        print("2,000 URLs, 100 hosts, 0.1 s latency, 128 in flight; floor 1.56 s")
        for loop_name, runner in loops:
            for kind in kinds:
                times = [runner(run(kind, urls)) for _ in range(2)]
                server.stats()
                print(f"{loop_name:8} {kind.__name__:14} best {min(times):.2f} s, worst {max(times):.2f} s")
    finally:
        server.close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
