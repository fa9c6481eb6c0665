"""What a decompression bomb costs: httpx's own decoding against citecheck's capped decoder.

Run by hand: `python bench/hostile_bench.py`. Uses the hostile test server on 127.0.0.1. For each
single-layer bomb it prints the largest piece httpx's `aiter_bytes` hands over at once (what one
network chunk inflates to before any cap can apply) and, for citecheck's client, the bytes read
and decoded and the wall time of one check. The double-layer bomb is measured with citecheck
only: httpx would inflate one network chunk of it to about a gibibyte per layer-two block.
"""

from __future__ import annotations

import asyncio
import sys
import time
from pathlib import Path

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))

from hostile_server import HostileServer

from citecheck.check import Checker, CheckOptions
from citecheck.net import Client, NetOptions


async def httpx_largest_piece(url: str, budget: int = 256 * 1024) -> int:
    """The largest decoded piece httpx yields while reading until `budget` decoded bytes."""
    largest = total = 0
    async with httpx.AsyncClient() as client, client.stream("GET", url) as response:
        async for piece in response.aiter_bytes():
            largest = max(largest, len(piece))
            total += len(piece)
            if total >= budget:
                break
    return largest


async def citecheck_one(url: str) -> tuple[str, int, int, float]:
    start = time.perf_counter()
    async with Client(NetOptions(timeout=10.0, min_interval=0.0)) as client:
        result = await Checker(client, CheckOptions(retries=0, sibling_probe=False)).check(url)
        return (
            result.status.value,
            client.body_bytes_read,
            client.body_bytes_decoded,
            time.perf_counter() - start,
        )


async def main() -> None:
    with HostileServer() as server:
        for path in ("/gzip-bomb", "/deflate-bomb", "/double-gzip-bomb", "/ten-gb", "/endless-chunked"):
            url = server.url(path)
            status, read, decoded, seconds = await citecheck_one(url)
            line = f"{path:18} citecheck: {status}, read {read:>8} B, decoded {decoded:>7} B, {seconds:.3f} s"
            if path in ("/gzip-bomb", "/deflate-bomb"):
                line += f"; httpx: largest decoded piece {await httpx_largest_piece(url):>10} B"
            print(line)


if __name__ == "__main__":
    asyncio.run(main())
