"""`citecheck fix`: the letter with its confirmed repairs applied, every other byte unchanged;
nothing lost when writing fails."""

from __future__ import annotations

import os
import resource
import signal
import subprocess
import sys
from pathlib import Path

from test_letter import REPAIRED, WRITTEN
from test_verify import LETTER, OURWORK, ROOT, LetterWeb, letter_web

from citecheck.extract import extract
from citecheck.fix import fix
from citecheck.ingest import read_document
from citecheck.models import Snapshot

__all__ = ["letter_web"]


def run_fix(
    *args: str, env: dict[str, str] | None = None, limit: int | None = None
) -> subprocess.CompletedProcess[bytes]:
    def small_files() -> None:  # a disk that fills after `limit` bytes
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
        if limit is not None:
            resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))

    return subprocess.run(
        [sys.executable, "-m", "citecheck", "fix", "--no-archive", "--no-cache", *args],
        capture_output=True,
        cwd=ROOT,
        timeout=300,
        check=False,
        preexec_fn=small_files,
        env={**os.environ, "PYTHONDONTWRITEBYTECODE": "1", **(env or {})},
    )


def expected_letter() -> bytes:
    """The letter with every repair the local web confirms applied, by hand."""
    text = LETTER.read_text(encoding="utf-8")
    for written, url in REPAIRED.items():
        if "reuters" in written:
            continue  # a bot wall live: a proposal only, not applied
        if written in text:
            text = text.replace(written, url)
        else:  # the HRW URL: its query's tail stands a page later, and stays there
            head = written[: written.index("Mi_Bh")]
            text = text.replace(head, url[: len(url) - (len(written) - len(head))])
    text = text.replace(WRITTEN[13][1], OURWORK)  # the suspect confirmed live
    return text.encode("utf-8")


def test_fix_applies_every_confirmed_repair_and_nothing_else(letter_web: LetterWeb, tmp_path: Path) -> None:
    env = {**letter_web.env(), "NO_PROXY": ""}
    out = tmp_path / "fixed.txt"
    done = run_fix("-o", str(out), str(LETTER), env=env)
    assert done.returncode == 0, done.stderr
    assert out.read_bytes() == expected_letter()
    assert b"9 URLs fixed" in done.stderr  # 8 repairs confirmed live, and the suspect


def test_in_place_keeps_a_backup_and_crlf(tmp_path: Path) -> None:
    doc = tmp_path / "letter.txt"
    original = LETTER.read_bytes().replace(b"\n", b"\r\n")
    doc.write_bytes(original)
    done = run_fix("--offline", "--in-place", str(doc))
    assert done.returncode == 0, done.stderr
    assert (tmp_path / "letter.txt.bak").read_bytes() == original
    fixed = doc.read_bytes()
    assert fixed.count(b"\r\n") == original.count(b"\r\n")  # line endings as they were
    assert b"declaration-prison-conditions" in fixed  # the repair the document itself confirms


def test_in_place_on_a_read_only_file_changes_nothing(tmp_path: Path) -> None:
    doc = tmp_path / "letter.txt"
    doc.write_bytes(LETTER.read_bytes())
    doc.chmod(0o444)
    done = run_fix("--offline", "--in-place", str(doc))
    assert done.returncode == 2 and done.stderr.count(b"\n") == 1 and b"read-only" in done.stderr
    assert doc.read_bytes() == LETTER.read_bytes()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["letter.txt"]


def test_a_full_disk_leaves_the_original_intact(tmp_path: Path) -> None:
    doc = tmp_path / "letter.txt"
    doc.write_bytes(LETTER.read_bytes())
    for extra in (["--no-backup"], []):  # the fixed document, or the backup, cannot be written
        done = run_fix("--offline", "--in-place", *extra, str(doc), limit=8192)
        assert done.returncode == 2, done.stderr
        assert done.stderr.startswith(b"citecheck: error:") and b"Traceback" not in done.stderr
        assert doc.read_bytes() == LETTER.read_bytes()
        assert sorted(p.name for p in tmp_path.iterdir()) == ["letter.txt"]  # no temporary file left


def test_fix_refuses_formats_it_cannot_write(tmp_path: Path) -> None:
    doc = tmp_path / "letter.pdf"
    doc.write_bytes(b"%PDF-1.4\n")
    done = run_fix("--offline", str(doc))
    assert done.returncode == 2 and b"not supported by fix" in done.stderr


def test_archived_copies_are_added_in_the_documents_style() -> None:
    import datetime as dt

    e = extract(read_document(str(LETTER)))
    cbs = e.footnotes[0].links[1]
    snap = Snapshot(
        f"https://web.archive.org/web/20250320000000/{cbs.url}", dt.datetime(2025, 3, 20, tzinfo=dt.UTC)
    )
    text = LETTER.read_text(encoding="utf-8")
    fixed, changed = fix(text, e, "text", archives={cbs.url: snap})
    assert changed == 1  # the document-confirmed HRW repair
    assert f"<{cbs.url}> (archived {snap.url})." in fixed
    md, _ = fix(text, e, "markdown", archives={cbs.url: snap})
    assert f"<{cbs.url}> ([archived]({snap.url}))." in md
