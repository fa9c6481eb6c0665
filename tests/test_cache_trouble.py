"""Cache trouble never stops a run, and a full disk never makes a valid cache "corrupt".

Every case is real: the command line runs in a subprocess against a local web server, with its
cache in a place it cannot use (a file where a directory should be, a read-only directory, an
unwritable XDG_CACHE_HOME), or with a real full disk: RLIMIT_FSIZE makes every write that would
grow a file fail as a full disk does (EFBIG, which sqlite reports as an I/O error). The cache file
is read back afterwards, as bytes and through sqlite, to prove its permanent captures survived.
"""

from __future__ import annotations

import json
import os
import resource
import shutil
import sqlite3
import subprocess
import sys
from collections.abc import Callable, Sequence
from pathlib import Path

import pytest
from webserver import Route, WebServer

from citecheck.cache import FILENAME, ResultCache

ROOT = Path(__file__).resolve().parent.parent
PAGE = b"<html><head><title>A cited page</title></head><body>text</body></html>"
CAPTURES = 300


def _verify(
    doc: Path, env: dict[str, str], *, prefix: Sequence[str] = (), max_file_size: int | None = None
) -> subprocess.CompletedProcess[str]:
    """`citecheck verify` as a user runs it, optionally inside `prefix` (a mount namespace) or
    with every file limited to `max_file_size` bytes (a full disk)."""

    def limit() -> None:
        if max_file_size is not None:
            resource.setrlimit(resource.RLIMIT_FSIZE, (max_file_size, max_file_size))

    full_env = {**os.environ, "NO_COLOR": "1", "PYTHONIOENCODING": "utf-8", **env}
    for name in [k for k, v in full_env.items() if v == ""]:
        del full_env[name]  # "" means: unset it
    return subprocess.run(
        [*prefix, sys.executable, "-m", "citecheck", "verify", "--no-archive", "-f", "json", str(doc)],
        cwd=ROOT,
        env=full_env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
        preexec_fn=limit if max_file_size is not None else None,
    )


def _document(web_server: WebServer, tmp_path: Path) -> Path:
    web_server.add("/cited", Route(200, body=PAGE))
    doc = tmp_path / "doc.txt"
    text = f"A claim.¹\n\n¹ Alice, A cited page (2025), {web_server.url('/cited')}\n"
    doc.write_text(text, encoding="utf-8")
    return doc


def _assert_ran_without_cache(done: subprocess.CompletedProcess[str]) -> None:
    """The run finished with its report, and said once, in one line, that it had no cache."""
    assert "Traceback" not in done.stderr, done.stderr
    assert done.returncode == 0, done.stderr
    lines = done.stderr.splitlines()
    assert len(lines) == 1 and lines[0].startswith("citecheck: warning: the cache"), done.stderr
    links = json.loads(done.stdout)["documents"][0]["footnotes"][0]["links"]
    assert [lk["status"] for lk in links] == ["ok"]


def _a_file(tmp_path: Path) -> Path:
    path = tmp_path / "a-file"
    path.write_text("not a directory")
    return path


PLACES: dict[str, Callable[[Path], dict[str, str]]] = {
    "cache dir is a file": lambda t: {"CITECHECK_CACHE_DIR": str(_a_file(t))},
    "cache dir under a file": lambda t: {"CITECHECK_CACHE_DIR": str(_a_file(t) / "cache")},
    "XDG_CACHE_HOME is a file": lambda t: {"CITECHECK_CACHE_DIR": "", "XDG_CACHE_HOME": str(_a_file(t))},
}


@pytest.mark.parametrize("place", list(PLACES))
def test_an_unusable_cache_place_is_one_warning(web_server: WebServer, tmp_path: Path, place: str) -> None:
    doc = _document(web_server, tmp_path)
    _assert_ran_without_cache(_verify(doc, PLACES[place](tmp_path)))


def test_a_cache_file_that_is_a_directory_is_one_warning(web_server: WebServer, tmp_path: Path) -> None:
    doc = _document(web_server, tmp_path)
    (tmp_path / "cache" / FILENAME).mkdir(parents=True)
    _assert_ran_without_cache(_verify(doc, {"CITECHECK_CACHE_DIR": str(tmp_path / "cache")}))
    assert (tmp_path / "cache" / FILENAME).is_dir()  # nothing was "set aside"
    assert [p.name for p in (tmp_path / "cache").iterdir()] == [FILENAME]


def _read_only(directory: Path) -> list[str]:
    """Make `directory` read-only for a child: by its mode, or (root ignores modes) by mounting a
    read-only file system over it in a private mount namespace. The command prefix to run it in."""
    directory.mkdir(parents=True, exist_ok=True)
    if os.geteuid() != 0:
        directory.chmod(0o555)
        return []
    unshare = shutil.which("unshare")
    probe = [unshare or "unshare", "-m", "true"]
    if unshare is None or subprocess.run(probe, capture_output=True, check=False).returncode != 0:
        pytest.skip("running as root without mount namespaces: no way to make a directory read-only")
    script = 'mount -t tmpfs -o ro,size=64k tmpfs "$0" && exec "$@"'
    return [unshare, "-m", "sh", "-c", script, str(directory)]


@pytest.mark.parametrize("variable", ["CITECHECK_CACHE_DIR", "XDG_CACHE_HOME"])
def test_a_read_only_cache_directory_is_one_warning(
    web_server: WebServer, tmp_path: Path, variable: str
) -> None:
    doc = _document(web_server, tmp_path)
    directory = tmp_path / "read-only"
    prefix = _read_only(directory)
    env = {"CITECHECK_CACHE_DIR": "", variable: str(directory)}  # XDG_CACHE_HOME only when unset
    try:
        _assert_ran_without_cache(_verify(doc, env, prefix=prefix))
    finally:
        directory.chmod(0o755)


def _cache_with_captures(directory: Path) -> Path:
    """A valid cache holding permanent archive captures, closed (no journal files left)."""
    cache = ResultCache(directory / FILENAME)
    captures = {
        f"2025-03-16 https://news.example/story/{i}": {
            "url": f"https://web.archive.org/web/20250316101500/https://news.example/story/{i}",
            "timestamp": "20250316101500",
        }
        for i in range(CAPTURES)
    }
    cache.put_many("archive", captures, None)
    assert cache.warnings == []
    cache.close()
    assert sorted(p.name for p in directory.iterdir()) == [FILENAME]
    return directory / FILENAME


def _captures_in(path: Path) -> int:
    """The archive captures a cache file holds, read straight from the file (sqlite, read-only)."""
    assert b"news.example/story/299" in path.read_bytes()
    db = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        assert db.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
        (count,) = db.execute("SELECT count(*) FROM results WHERE kind = 'archive'").fetchone()
    finally:
        db.close()
    return int(count)


def test_a_full_disk_never_sets_a_valid_cache_aside(web_server: WebServer, tmp_path: Path) -> None:
    doc = _document(web_server, tmp_path)
    path = _cache_with_captures(tmp_path / "cache")
    done = _verify(doc, {"CITECHECK_CACHE_DIR": str(tmp_path / "cache")}, max_file_size=0)
    _assert_ran_without_cache(done)
    assert "corrupt" not in done.stderr
    assert not [p.name for p in path.parent.iterdir() if ".corrupt-" in p.name]
    assert _captures_in(path) == CAPTURES  # the permanent captures survived
    assert ResultCache(path).warnings == []  # and the next run, with room, uses the file as it is


MID_RUN = """
import datetime as dt, json, sys
from pathlib import Path
from citecheck.cache import ResultCache
cache = ResultCache(Path(sys.argv[1]))
assert cache.warnings == [], cache.warnings
key = "2025-03-16 https://news.example/story/7"
assert key in cache.get_many("archive", [key])  # reading works: the disk is only full
big = {f"https://new.example/{i}": {"status": "ok", "pad": "x" * 500} for i in range(2000)}
cache.put_many("check", big, dt.timedelta(days=1))  # the disk fills up here
cache.put_many("check", big, dt.timedelta(days=1))
cache.forget("check", list(big))
found = cache.get_many("archive", [key])
cache.close()
print(json.dumps({"warnings": cache.warnings, "found": len(found)}))
"""


def test_a_disk_that_fills_mid_run_drops_the_cache_once(tmp_path: Path) -> None:
    path = _cache_with_captures(tmp_path / "cache")
    shm = 32768  # room for sqlite's shared-memory index, not for what the run writes

    def limit() -> None:
        resource.setrlimit(resource.RLIMIT_FSIZE, (shm, shm))

    done = subprocess.run(
        [sys.executable, "-c", MID_RUN, str(path)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
        preexec_fn=limit,
    )
    assert done.returncode == 0, done.stderr
    result = json.loads(done.stdout)
    assert len(result["warnings"]) == 1, result  # one warning, though three writes failed
    assert "could not be written" in result["warnings"][0] and "running without it" in result["warnings"][0]
    assert result["found"] == 0  # dropped for the rest of the run: not read again
    assert not [p.name for p in path.parent.iterdir() if ".corrupt-" in p.name]
    assert _captures_in(path) == CAPTURES
    assert ResultCache(path).get_many("check", ["https://new.example/1"]) == {}  # nothing half-written


def test_a_file_that_is_not_a_database_is_still_set_aside(tmp_path: Path) -> None:
    """The one case that is corruption: sqlite's own check says so."""
    (tmp_path / FILENAME).write_bytes(b"this is not a database" * 100)
    cache = ResultCache(tmp_path / FILENAME)
    assert len(cache.warnings) == 1 and "corrupt" in cache.warnings[0] and "rebuilt" in cache.warnings[0]
    cache.put_many("check", {"u": {"status": "ok"}}, None)
    assert cache.get_many("check", ["u"]) == {"u": {"status": "ok"}}
    assert cache.warnings == [cache.warnings[0]]
    assert any(p.name.startswith(f"{FILENAME}.corrupt-") for p in tmp_path.iterdir())
