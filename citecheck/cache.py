"""The result cache on disk: SQLite, shared safely by concurrent runs. I/O.

One table of expiring JSON values by (kind, key): `check` results (successes only, for a
configurable time) and, later, archive lookups. WAL mode and a busy timeout let two runs share the
file; every write is a transaction, so a run killed mid-write leaves the previous state. Only a
file that fails sqlite's integrity check is corrupt: it is moved aside and rebuilt, with a warning
for the CLI to show. Any other trouble (an unwritable or uncreatable directory, a full disk, an I/O
error, a lock held too long) drops the cache for the rest of the run with one warning, and the
file, with its permanent archive captures, stays as it was. Credentials written in URLs never
reach the file: keys and values are stored without them.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import os
import sqlite3
import time
from collections.abc import Callable, Iterable, Iterator, Mapping
from pathlib import Path
from typing import Any

from platformdirs import user_cache_dir

from citecheck.credentials import without_userinfo

FILENAME = "cache.sqlite3"
_WAL_BUDGET = 10.0  # seconds, as long as the busy timeout every other statement waits
_WAL_FIRST_DELAY = 0.01
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


class _Corrupt(Exception):
    """The file fails sqlite's own integrity check: it is not (or no longer) a usable database."""


_CORRUPT_CODES = frozenset({sqlite3.SQLITE_CORRUPT, sqlite3.SQLITE_NOTADB})


def _is_corrupt(err: sqlite3.Error) -> bool:
    """Whether sqlite says the file itself is damaged (not merely that the disk or lock failed us)."""
    code = getattr(err, "sqlite_errorcode", None)
    return isinstance(code, int) and code & 0xFF in _CORRUPT_CODES


class ResultCache:
    """Expiring JSON values by (kind, key).

    Trouble with the disk (unwritable, full, locked, an I/O error) never stops a run: the cache
    is dropped for the rest of it with one warning, and the file is left as it is. Only a file that
    fails sqlite's integrity check is set aside as corrupt and rebuilt.
    """

    def __init__(
        self,
        path: Path,
        now: Callable[[], dt.datetime] = _utcnow,
        sleep: Callable[[float], object] = time.sleep,
    ) -> None:
        self.path = path
        self.now = now
        self.sleep = sleep
        self.warnings: list[str] = []
        self._db: sqlite3.Connection | None = self._connect()

    @property
    def usable(self) -> bool:
        """False once the cache could not be opened or failed mid-run."""
        return self._db is not None

    def _connect(self) -> sqlite3.Connection | None:
        aside = ""
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            try:
                return self._open()
            except _Corrupt as err:
                aside = self._set_aside(err)
                db = self._open()
                self.warnings.append(f"{aside} and rebuilt")
                return db
        except (OSError, sqlite3.Error, _Corrupt) as err:
            reason = err.strerror if isinstance(err, OSError) and err.strerror else str(err)
            before = f"{aside}; " if aside else ""
            self.warnings.append(
                f"{before}the cache {self.path} cannot be used ({reason}); running without it"
            )
            return None

    def _set_aside(self, err: _Corrupt) -> str:
        """Move a corrupt file (and its journal) out of the way; what happened, in words."""
        aside = self.path.with_name(f"{self.path.name}.corrupt-{int(self.now().timestamp())}")
        os.replace(self.path, aside)
        for suffix in ("-wal", "-shm"):
            with contextlib.suppress(OSError):
                os.unlink(f"{self.path}{suffix}")
        return f"the cache {self.path} was corrupt ({err}); moved to {aside.name}"

    def _open(self) -> sqlite3.Connection:
        """A connection to a file that passed the integrity check (read-only until it has)."""
        db = sqlite3.connect(self.path, timeout=10.0, isolation_level=None)
        try:
            db.execute("PRAGMA busy_timeout = 10000")
            verdict = db.execute("PRAGMA quick_check").fetchall()
            if verdict != [("ok",)]:
                raise _Corrupt("; ".join(str(row[0]) for row in verdict[:3]) or "no answer")
            self._use_wal(db)
            db.execute("PRAGMA synchronous = NORMAL")
            db.execute(_SCHEMA)
            db.execute("SELECT count(*) FROM results").fetchone()
        except sqlite3.Error as err:
            db.close()
            if _is_corrupt(err):
                raise _Corrupt(str(err)) from err
            raise
        except _Corrupt:
            db.close()
            raise
        return db

    def _use_wal(self, db: sqlite3.Connection) -> None:
        """Put the file in WAL mode, waiting out another run that holds it.

        The switch needs the file to itself and sqlite answers "locked" at once, without its busy
        handler, when another connection is in it: two runs opening a new cache together would
        otherwise leave one of them without a cache. WAL is a property of the file, so once any run
        has switched it there is nothing to do and nothing to wait for.
        """
        waited = 0.0
        delay = _WAL_FIRST_DELAY
        while True:
            if db.execute("PRAGMA journal_mode").fetchone() == ("wal",):
                return
            try:
                db.execute("PRAGMA journal_mode = WAL")
            except sqlite3.OperationalError as err:
                busy = getattr(err, "sqlite_errorcode", None)
                if not isinstance(busy, int) or busy & 0xFF != sqlite3.SQLITE_BUSY:
                    raise
                if waited >= _WAL_BUDGET:
                    raise
                self.sleep(delay)
                waited += delay
                delay = min(delay * 2, 1.0)

    def _drop(self, err: sqlite3.Error, doing: str) -> None:
        """A failure mid-run (disk full, I/O error, locked): no more cache for this run, one warning."""
        self.warnings.append(f"the cache could not be {doing} ({err}); running without it from here on")
        self.close()
        self._db = None

    def get_many(self, kind: str, keys: Iterable[str]) -> dict[str, Any]:
        """The live (unexpired) values among `keys`."""
        asked: dict[str, list[str]] = {}
        for key in keys:
            asked.setdefault(without_userinfo(key), []).append(key)
        wanted = list(asked)
        now = self.now().timestamp()
        found: dict[str, Any] = {}
        for start in range(0, len(wanted), 500):
            if self._db is None:
                return found
            chunk = wanted[start : start + 500]
            marks = ",".join("?" * len(chunk))
            try:
                rows = self._db.execute(
                    f"SELECT key, value FROM results WHERE kind = ? AND key IN ({marks})"
                    " AND (expires_at IS NULL OR expires_at > ?)",
                    (kind, *chunk, now),
                ).fetchall()
            except sqlite3.Error as err:
                self._drop(err, "read")
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
            (kind, without_userinfo(k), without_userinfo(json.dumps(v)), now.timestamp(), expires)
            for k, v in values.items()
        ]
        self._write(
            "INSERT OR REPLACE INTO results (kind, key, value, stored_at, expires_at) VALUES (?, ?, ?, ?, ?)",
            rows,
        )

    def forget(self, kind: str, keys: Iterable[str]) -> None:
        """Drop entries (an error must never be served from the cache)."""
        rows = [(kind, without_userinfo(k)) for k in keys]
        if rows:
            self._write("DELETE FROM results WHERE kind = ? AND key = ?", rows)

    def _write(self, statement: str, rows: list[tuple[Any, ...]]) -> None:
        """One transaction; a failure drops the cache for the rest of the run."""
        if self._db is None:
            return
        try:
            with self._transaction(self._db):
                self._db.executemany(statement, rows)
        except sqlite3.Error as err:
            self._drop(err, "written")

    @staticmethod
    @contextlib.contextmanager
    def _transaction(db: sqlite3.Connection) -> Iterator[None]:
        db.execute("BEGIN IMMEDIATE")
        try:
            yield
        except BaseException:
            with contextlib.suppress(sqlite3.Error):  # sqlite may have rolled back already (disk full)
                db.execute("ROLLBACK")
            raise
        db.execute("COMMIT")

    def close(self) -> None:
        if self._db is not None:
            with contextlib.suppress(sqlite3.Error):
                self._db.close()


def open_cache(
    directory: Path | None = None,
    now: Callable[[], dt.datetime] = _utcnow,
    sleep: Callable[[float], object] = time.sleep,
) -> ResultCache:
    """The cache in `directory` (default: `default_directory()`)."""
    return ResultCache((directory or default_directory()) / FILENAME, now, sleep)
