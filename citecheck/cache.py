"""The result cache on disk: SQLite, shared safely by concurrent runs. I/O.

One table of expiring JSON values by (kind, key): `check` results (successes only, for a
configurable time) and, later, archive lookups. WAL mode and a busy timeout let two runs share the
file; every write is a transaction, so a run killed mid-write leaves the previous state. A file
that is not a usable database is moved aside and rebuilt, with a warning for the CLI to show.
Credentials written in URLs never reach the file: keys are stored without them, values masked.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import os
import sqlite3
from collections.abc import Callable, Iterable, Mapping
from pathlib import Path
from typing import Any

from platformdirs import user_cache_dir

from citecheck.credentials import masked
from citecheck.credentials import strip as strip_credentials

FILENAME = "cache.sqlite3"
_SCHEMA = """
CREATE TABLE IF NOT EXISTS results (
    kind TEXT NOT NULL,
    key TEXT NOT NULL,
    value TEXT NOT NULL,
    stored_at REAL NOT NULL,
    expires_at REAL,
    PRIMARY KEY (kind, key)
)
"""


def default_directory() -> Path:
    """`CITECHECK_CACHE_DIR`, else the user cache directory of this platform."""
    override = os.environ.get("CITECHECK_CACHE_DIR")
    return Path(override) if override else Path(user_cache_dir("citecheck", appauthor=False))


def _utcnow() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


class ResultCache:
    """Expiring JSON values by (kind, key)."""

    def __init__(self, path: Path, now: Callable[[], dt.datetime] = _utcnow) -> None:
        self.path = path
        self.now = now
        self.warnings: list[str] = []
        self._db = self._connect()

    def _connect(self) -> sqlite3.Connection:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        try:
            return self._open()
        except sqlite3.DatabaseError as err:
            aside = self.path.with_name(f"{self.path.name}.corrupt-{int(self.now().timestamp())}")
            with contextlib.suppress(OSError):
                os.replace(self.path, aside)
            for suffix in ("-wal", "-shm"):
                with contextlib.suppress(OSError):
                    os.unlink(f"{self.path}{suffix}")
            self.warnings.append(
                f"the cache {self.path} was unreadable ({err}); moved to {aside.name} and rebuilt"
            )
            return self._open()

    def _open(self) -> sqlite3.Connection:
        db = sqlite3.connect(self.path, timeout=10.0, isolation_level=None)
        try:
            db.execute("PRAGMA busy_timeout = 10000")
            db.execute("PRAGMA journal_mode = WAL")
            db.execute("PRAGMA synchronous = NORMAL")
            db.execute(_SCHEMA)
            db.execute("SELECT count(*) FROM results").fetchone()
            db.execute("PRAGMA quick_check").fetchone()
        except sqlite3.DatabaseError:
            db.close()
            raise
        return db

    def get_many(self, kind: str, keys: Iterable[str]) -> dict[str, Any]:
        """The live (unexpired) values among `keys`."""
        asked: dict[str, list[str]] = {}
        for key in keys:
            asked.setdefault(strip_credentials(key), []).append(key)
        wanted = list(asked)
        now = self.now().timestamp()
        found: dict[str, Any] = {}
        for start in range(0, len(wanted), 500):
            chunk = wanted[start : start + 500]
            marks = ",".join("?" * len(chunk))
            try:
                rows = self._db.execute(
                    f"SELECT key, value FROM results WHERE kind = ? AND key IN ({marks})"
                    " AND (expires_at IS NULL OR expires_at > ?)",
                    (kind, *chunk, now),
                ).fetchall()
            except sqlite3.DatabaseError as err:
                self.warnings.append(f"the cache could not be read ({err}); checking without it")
                return found
            for key, value in rows:
                with contextlib.suppress(ValueError):
                    decoded = json.loads(value)
                    found.update(dict.fromkeys(asked.get(key, []), decoded))
        return found

    def put_many(self, kind: str, values: Mapping[str, Any], max_age: dt.timedelta | None) -> None:
        """Store values in one transaction; `max_age` None keeps them for good."""
        if not values:
            return
        now = self.now()
        expires = (now + max_age).timestamp() if max_age is not None else None
        rows = [
            (kind, strip_credentials(k), json.dumps(masked(v)), now.timestamp(), expires)
            for k, v in values.items()
        ]
        try:
            with self._transaction():
                self._db.executemany(
                    "INSERT OR REPLACE INTO results (kind, key, value, stored_at, expires_at)"
                    " VALUES (?, ?, ?, ?, ?)",
                    rows,
                )
        except sqlite3.DatabaseError as err:
            self.warnings.append(f"the cache could not be written ({err}); results were not kept")

    def forget(self, kind: str, keys: Iterable[str]) -> None:
        """Drop entries (an error must never be served from the cache)."""
        keys = list(keys)
        if not keys:
            return
        with contextlib.suppress(sqlite3.DatabaseError), self._transaction():
            self._db.executemany(
                "DELETE FROM results WHERE kind = ? AND key = ?", [(kind, strip_credentials(k)) for k in keys]
            )

    @contextlib.contextmanager
    def _transaction(self) -> Any:
        self._db.execute("BEGIN IMMEDIATE")
        try:
            yield
        except BaseException:
            self._db.execute("ROLLBACK")
            raise
        self._db.execute("COMMIT")

    def close(self) -> None:
        with contextlib.suppress(sqlite3.Error):
            self._db.close()


def open_cache(directory: Path | None = None, now: Callable[[], dt.datetime] = _utcnow) -> ResultCache:
    """The cache in `directory` (default: `default_directory()`)."""
    return ResultCache((directory or default_directory()) / FILENAME, now)
