"""Nothing lost: a run killed while writing leaves the cache usable and the user's files whole.

Each test kills a real writer process with SIGKILL (no chance to clean up) at whatever point it has
reached after it said it was writing; the assertions hold wherever the kill lands.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from citecheck.cache import FILENAME, open_cache

pytestmark = pytest.mark.skipif(not hasattr(signal, "SIGKILL"), reason="needs SIGKILL")

BATCH = 2000

CACHE_WRITER = f"""
import datetime as dt, sys
from pathlib import Path
from citecheck.cache import open_cache
cache = open_cache(Path(sys.argv[1]))
for batch in range(10_000):
    cache.put_many("check", {{f"https://a.example/{{batch}}/{{i}}": {{"status": "ok", "pad": "x" * 200}}
                              for i in range({BATCH})}}, dt.timedelta(days=1))
    print(batch, flush=True)
"""

FILE_WRITER = """
import sys
from pathlib import Path
from citecheck.files import write_atomic
target = Path(sys.argv[1])
for n in range(10_000):
    write_atomic(target, (b"a" if n % 2 else b"b") * 8_000_000)
    print(n, flush=True)
"""


def _kill_after(script: str, argument: Path, lines: int) -> None:
    """Start `script`, let it report `lines` finished steps, then SIGKILL it mid-way through the next."""
    child = subprocess.Popen([sys.executable, "-c", script, str(argument)], stdout=subprocess.PIPE, text=True)
    assert child.stdout is not None
    for _ in range(lines):
        assert child.stdout.readline(), "the writer stopped early"
    os.kill(child.pid, signal.SIGKILL)
    child.wait(30)
    assert child.returncode == -signal.SIGKILL


@pytest.mark.parametrize("after", [1, 2, 3])
def test_the_cache_survives_a_kill_mid_write(tmp_path: Path, after: int) -> None:
    _kill_after(CACHE_WRITER, tmp_path, after)
    _kill_after(CACHE_WRITER, tmp_path, 1)  # and again, over whatever the first kill left
    cache = open_cache(tmp_path)
    assert cache.warnings == []  # nothing to set aside: the database is intact
    keys = [f"https://a.example/{b}/{i}" for b in range(after + 5) for i in range(BATCH)]
    found = cache.get_many("check", keys)
    assert len(found) % BATCH == 0  # whole transactions only
    assert len(found) >= after * BATCH  # every batch it reported is there
    cache.put_many("check", {"after": {"status": "ok"}}, None)
    assert cache.get_many("check", ["after"]) == {"after": {"status": "ok"}}


def test_a_truncated_cache_is_set_aside_or_still_read(tmp_path: Path) -> None:
    cache = open_cache(tmp_path)
    cache.put_many("check", {f"k{i}": {"status": "ok", "pad": "x" * 500} for i in range(5000)}, None)
    cache.close()
    path = tmp_path / FILENAME
    for suffix in ("-wal", "-shm"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)
    path.write_bytes(path.read_bytes()[: path.stat().st_size // 2])
    cache = open_cache(tmp_path)
    cache.get_many("check", [f"k{i}" for i in range(5000)])  # never raises
    cache.put_many("check", {"new": {"status": "ok"}}, None)
    assert cache.get_many("check", ["new"]) == {"new": {"status": "ok"}}
    if cache.warnings:
        assert any(p.name.startswith(f"{FILENAME}.corrupt-") for p in tmp_path.iterdir())


@pytest.mark.parametrize("after", [0, 1, 2])
def test_an_atomic_write_killed_midway_leaves_a_whole_file(tmp_path: Path, after: int) -> None:
    target = tmp_path / "letter.txt"
    target.write_bytes(b"original")
    _kill_after(FILE_WRITER, target, after)
    content = target.read_bytes()
    assert content in (b"original", b"a" * 8_000_000, b"b" * 8_000_000)
    leftovers = [p for p in tmp_path.iterdir() if p != target]
    assert all(p.name.startswith(".letter.txt.") and p.name.endswith(".tmp") for p in leftovers)
