"""`-o FILE` and `fix --in-place` replace nothing of the user's but the file they name (issue 12).

Every test runs the real command line against real files: FIFOs with a reader, character devices,
symbolic links, sockets, read-only directories, a disk that fills (RLIMIT_FSIZE), a run the kernel
kills mid-write (SIGXFSZ), an ordinary user's process. Devices the machine needs (/dev/null,
/dev/stdout) are written only by a child that cannot write a single byte to a regular file
(RLIMIT_FSIZE 0, which limits files and not devices, pipes or sockets): code that wrongly replaced
them would fail before its rename. Devices a test may break are its own (mknod in its directory).
"""

from __future__ import annotations

import json
import os
import re
import resource
import shutil
import signal
import socket
import stat
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import IO

import pytest
from cli_run import ROOT

LETTER = ROOT / "fixtures" / "letter.txt"
NOTHING_CITED = b"A letter that cites nothing.\n"
IS_ROOT = os.geteuid() == 0
NOBODY = 65534
NO_FILES = 0  # a file_limit under which only devices, pipes and sockets can be written

COMMANDS: dict[str, list[str]] = {
    "extract": ["extract"],
    "verify": ["verify", "--offline", "--no-cache", "--fail-on", "none", "-f", "json"],
    "appendix": ["appendix", "--no-cache"],  # of a document citing nothing: no network needed
    "fix": ["fix", "--offline", "--no-archive", "--no-cache"],
}


def citecheck(
    *args: str,
    cwd: Path = ROOT,
    stdin: int | IO[bytes] = subprocess.DEVNULL,
    stdout: int | IO[bytes] = subprocess.PIPE,
    pass_fds: Sequence[int] = (),
    umask: int = -1,
    file_limit: int | None = None,
) -> subprocess.CompletedProcess[bytes]:
    """Run `python -m citecheck ARGS` (as tests/cli_run.py does) with what these tests need besides:
    descriptors handed down, a umask, a disk that fills after `file_limit` bytes (0: no regular file
    can be written at all)."""

    def small_files() -> None:
        if file_limit is not None:
            signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
            resource.setrlimit(resource.RLIMIT_FSIZE, (file_limit, file_limit))

    return subprocess.run(
        [sys.executable, "-m", "citecheck", *args],
        cwd=cwd,
        env={**os.environ, "NO_COLOR": "1", "PYTHONIOENCODING": "utf-8", "PYTHONDONTWRITEBYTECODE": "1"},
        stdin=stdin,
        stdout=stdout,
        stderr=subprocess.PIPE,
        pass_fds=pass_fds,
        umask=umask,
        preexec_fn=small_files,
        timeout=300,
        check=False,
    )


def document(command: str, directory: Path, name: str = "letter.txt") -> Path:
    """A document the command can run on without the network."""
    path = directory / name
    path.write_bytes(NOTHING_CITED if command == "appendix" else LETTER.read_bytes())
    return path


def looks_right(command: str, data: bytes) -> bool:
    """Whether `data` is what the command writes for its document()."""
    if command == "verify":
        return bool(json.loads(data)["documents"][0]["footnotes"])
    marker = {"extract": "Fn", "appendix": "## Archived sources", "fix": "declaration-prison-conditions"}
    return marker[command].encode() in data


def one_line_error(done: subprocess.CompletedProcess[bytes], *words: str) -> bool:
    err = done.stderr.decode()
    return (
        done.returncode == 2
        and err.startswith("citecheck: error:")
        and err.count("\n") == 1
        and all(w in err for w in words)
    )


def temporaries(*directories: Path) -> list[str]:
    return [p.name for d in directories for p in d.iterdir() if p.name.endswith(".tmp")]


@pytest.fixture
def public_dir() -> Iterator[Path]:
    """A directory an ordinary user can reach (pytest's own are private to root), removed after."""
    path = Path(tempfile.mkdtemp(prefix="citecheck-output-"))
    path.chmod(0o755)
    try:
        yield path
    finally:
        path.chmod(0o755)
        shutil.rmtree(path, ignore_errors=True)


class Reader(threading.Thread):
    """Reads a FIFO or a socket until its writers are gone; a descriptor of the test's own stays
    open on the writing side until `finish`, so the reader can never see an end before the child
    has had its say (nor hang if the child never writes)."""

    def __init__(self, read_fd: int, keep_open: int) -> None:
        super().__init__(daemon=True)
        self.read_fd, self.keep_open, self.data = read_fd, keep_open, b""

    def run(self) -> None:
        with os.fdopen(self.read_fd, "rb") as fh:
            self.data = fh.read()

    def finish(self) -> bytes:
        os.close(self.keep_open)
        self.join(60)
        assert not self.is_alive()
        return self.data


def fifo_reader(path: Path) -> Reader:
    os.mkfifo(path)
    read_fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK)
    keep_open = os.open(path, os.O_WRONLY)
    os.set_blocking(read_fd, True)
    reader = Reader(read_fd, keep_open)
    reader.start()
    return reader


# 1. Only a regular file is replaced; everything else is written where it is.


@pytest.mark.parametrize("command", COMMANDS)
def test_a_fifo_receives_the_output_and_stays_a_fifo(tmp_path: Path, command: str) -> None:
    doc = document(command, tmp_path)
    fifo = tmp_path / "out.fifo"
    reader = fifo_reader(fifo)
    done = citecheck(*COMMANDS[command], "-o", str(fifo), str(doc))
    data = reader.finish()
    assert done.returncode == 0, done.stderr
    assert stat.S_ISFIFO(os.lstat(fifo).st_mode)
    assert looks_right(command, data)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["letter.txt", "out.fifo"]


@pytest.mark.skipif(not IS_ROOT, reason="mknod needs root")
def test_a_character_device_is_written_and_stays_a_device(tmp_path: Path) -> None:
    doc = document("verify", tmp_path)
    null, full = tmp_path / "null", tmp_path / "full"  # the test's own /dev/null and /dev/full
    os.mknod(null, stat.S_IFCHR | 0o666, os.makedev(1, 3))
    os.mknod(full, stat.S_IFCHR | 0o666, os.makedev(1, 7))
    null.chmod(0o666)
    full.chmod(0o666)
    done = citecheck(*COMMANDS["verify"], "-o", str(null), str(doc))
    assert done.returncode == 0 and done.stdout == b"", done.stderr
    written = citecheck(*COMMANDS["fix"], "-o", str(full), str(doc))  # a device that is always full
    assert one_line_error(written, "No space left on device")
    for device, number in ((null, 3), (full, 7)):
        info = os.lstat(device)
        assert stat.S_ISCHR(info.st_mode) and info.st_rdev == os.makedev(1, number)
        assert stat.S_IMODE(info.st_mode) == 0o666
    assert doc.read_bytes() == LETTER.read_bytes()
    assert temporaries(tmp_path) == []


def test_dev_null_itself_is_written_not_replaced(tmp_path: Path) -> None:
    """The machine's /dev/null, by a child that cannot write a regular file: a wrong replace fails."""
    doc = document("extract", tmp_path)
    done = citecheck("extract", "-o", "/dev/null", str(doc), file_limit=NO_FILES)
    assert done.returncode == 0 and done.stdout == b"", done.stderr
    info = os.lstat("/dev/null")
    assert stat.S_ISCHR(info.st_mode) and info.st_rdev == os.makedev(1, 3)


@pytest.mark.parametrize("name", ["/dev/stdout", "/proc/self/fd/1", "/dev/fd/1"])
def test_standard_output_by_name_is_the_standard_output(tmp_path: Path, name: str) -> None:
    doc = document("extract", tmp_path)
    expected = citecheck("extract", str(doc))
    done = citecheck("extract", "-o", name, str(doc), file_limit=NO_FILES)
    assert done.returncode == 0, done.stderr
    assert done.stdout == expected.stdout and looks_right("extract", done.stdout)


def test_a_descriptor_handed_down_is_written_like_a_shells_process_substitution(tmp_path: Path) -> None:
    """`citecheck fix -o >(cmd) …`: the shell hands down a pipe and names it /dev/fd/N."""
    doc = document("fix", tmp_path)
    read_fd, write_fd = os.pipe()
    reader = Reader(read_fd, write_fd)
    reader.start()
    done = citecheck(*COMMANDS["fix"], "-o", f"/dev/fd/{write_fd}", str(doc), pass_fds=[write_fd])
    assert done.returncode == 0, done.stderr
    assert looks_right("fix", reader.finish())


def test_another_processs_descriptor_is_written_in_place(tmp_path: Path) -> None:
    """/proc/PID/fd/0 of a `cat` reading a pipe: opened and written, so `cat` passes it on."""
    doc = document("extract", tmp_path)
    with subprocess.Popen(["cat"], stdin=subprocess.PIPE, stdout=subprocess.PIPE) as cat:
        assert cat.stdin is not None and cat.stdout is not None
        reader = Reader(os.dup(cat.stdout.fileno()), os.dup(cat.stdin.fileno()))
        cat.stdin.close()
        cat.stdout.close()
        reader.start()
        done = citecheck("extract", "-o", f"/proc/{cat.pid}/fd/0", str(doc))
        data = reader.finish()
    assert done.returncode == 0, done.stderr
    assert looks_right("extract", data)


def test_standard_output_redirected_to_a_file_keeps_what_came_before(tmp_path: Path) -> None:
    """`{ echo header; citecheck -o /dev/stdout …; } > report`: written at the descriptor's offset,
    never truncating what the shell already wrote there. (Named /proc/self/fd/1, the link
    /dev/stdout leads to: this child must write a regular file, and so must not get near /dev.)"""
    doc = document("extract", tmp_path)
    report = tmp_path / "report.txt"
    with report.open("wb") as out:
        out.write(b"header\n")
        out.flush()
        done = citecheck("extract", "-o", "/proc/self/fd/1", str(doc), stdout=out)
        out.write(b"trailer\n")
    assert done.returncode == 0, done.stderr
    data = report.read_bytes()
    assert data.startswith(b"header\n") and data.endswith(b"trailer\n")
    assert looks_right("extract", data)


def test_standard_output_that_is_a_socket_is_written(tmp_path: Path) -> None:
    doc = document("extract", tmp_path)
    ours, theirs = socket.socketpair()
    reader = Reader(ours.detach(), theirs.detach())
    reader.start()
    done = citecheck("extract", "-o", "/dev/stdout", str(doc), stdout=reader.keep_open, file_limit=NO_FILES)
    data = reader.finish()
    assert done.returncode == 0, done.stderr
    assert looks_right("extract", data)


def test_a_socket_file_is_refused_and_kept(tmp_path: Path) -> None:
    doc = document("extract", tmp_path)
    path = tmp_path / "s"
    with socket.socket(socket.AF_UNIX) as server:
        server.bind(str(path))
        done = citecheck("extract", "-o", str(path), str(doc))
        assert one_line_error(done, "is a socket")
        assert stat.S_ISSOCK(os.lstat(path).st_mode)
    assert temporaries(tmp_path) == []


@pytest.mark.parametrize("command", COMMANDS)
def test_a_symlink_is_followed_its_target_replaced_and_the_links_kept(tmp_path: Path, command: str) -> None:
    doc = document(command, tmp_path)
    (tmp_path / "sub").mkdir()
    (tmp_path / "elsewhere").mkdir()
    target = tmp_path / "elsewhere" / "report.out"
    target.write_bytes(b"the previous report\n")
    first, second = tmp_path / "report.out", tmp_path / "sub" / "hop"
    first.symlink_to("sub/hop")  # a chain of relative links, one of them climbing out of its folder
    second.symlink_to("../elsewhere/report.out")
    done = citecheck(*COMMANDS[command], "-o", str(first), str(doc))
    assert done.returncode == 0, done.stderr
    assert os.readlink(first) == "sub/hop" and os.readlink(second) == "../elsewhere/report.out"
    assert looks_right(command, target.read_bytes())
    assert temporaries(tmp_path, tmp_path / "sub", tmp_path / "elsewhere") == []


def test_a_dangling_symlink_gets_its_target_created(tmp_path: Path) -> None:
    doc = document("extract", tmp_path)
    (tmp_path / "reports").mkdir()
    link = tmp_path / "latest.txt"
    link.symlink_to("reports/today.txt")
    done = citecheck("extract", "-o", str(link), str(doc))
    assert done.returncode == 0, done.stderr
    assert link.is_symlink() and looks_right("extract", (tmp_path / "reports" / "today.txt").read_bytes())


def test_a_loop_of_symlinks_is_one_line_and_nothing_written(tmp_path: Path) -> None:
    doc = document("extract", tmp_path)
    (tmp_path / "a").symlink_to("b")
    (tmp_path / "b").symlink_to("a")
    done = citecheck("extract", "-o", str(tmp_path / "a"), str(doc))
    assert one_line_error(done, "Too many levels of symbolic links")
    assert (tmp_path / "a").is_symlink() and (tmp_path / "b").is_symlink()
    assert temporaries(tmp_path) == []


# 2. An output that is one of the documents read is refused, whatever its spelling.

SPELLINGS = ["same", "dotted", "symlink", "hardlink", "stdin"]


@pytest.mark.parametrize("spelling", SPELLINGS)
@pytest.mark.parametrize("command", COMMANDS)
def test_an_output_naming_the_input_is_refused(tmp_path: Path, command: str, spelling: str) -> None:
    doc = document(command, tmp_path)
    (tmp_path / "sub").mkdir()
    (tmp_path / "link.txt").symlink_to("letter.txt")
    os.link(doc, tmp_path / "hard.txt")
    output = {"dotted": "./sub/../letter.txt", "symlink": "link.txt", "hardlink": "hard.txt"}.get(
        spelling, str(doc)
    )
    before = doc.read_bytes(), sorted(p.name for p in tmp_path.iterdir())
    with doc.open("rb") as stdin:
        given = "-" if spelling == "stdin" else str(doc)
        done = citecheck(*COMMANDS[command], "-o", output, given, cwd=tmp_path, stdin=stdin)
    assert one_line_error(done, "a document being read", "nothing was written")
    assert (doc.read_bytes(), sorted(p.name for p in tmp_path.iterdir())) == before


def test_an_output_that_only_shares_a_folder_with_the_input_is_written(tmp_path: Path) -> None:
    doc = document("fix", tmp_path)
    done = citecheck(*COMMANDS["fix"], "-o", "fixed.txt", "letter.txt", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert (
        looks_right("fix", (tmp_path / "fixed.txt").read_bytes()) and doc.read_bytes() == LETTER.read_bytes()
    )


# 3. fix --in-place through a link; owner, group and mode kept; the umask for new files.


def test_fix_in_place_through_a_symlink_fixes_the_target_and_keeps_the_link(tmp_path: Path) -> None:
    (tmp_path / "docs").mkdir()
    real = document("fix", tmp_path / "docs")
    link = tmp_path / "letter.txt"
    link.symlink_to("docs/letter.txt")
    done = citecheck(*COMMANDS["fix"], "--in-place", str(link))
    assert done.returncode == 0, done.stderr
    assert link.is_symlink() and os.readlink(link) == "docs/letter.txt"
    assert looks_right("fix", real.read_bytes())
    backup = tmp_path / "letter.txt.bak"  # PATH.bak, beside the name given, as before
    assert not backup.is_symlink() and backup.read_bytes() == LETTER.read_bytes()
    assert temporaries(tmp_path, tmp_path / "docs") == []


def test_fix_in_place_refuses_what_is_not_a_file(tmp_path: Path) -> None:
    """A FIFO named like a document, a letter fed into it: there is no file to replace."""
    fifo = tmp_path / "letter.txt"
    os.mkfifo(fifo)

    def feed() -> None:  # waits for a reader; the test itself is one at the end, if the run was not
        with fifo.open("wb") as fh:
            fh.write(LETTER.read_bytes())  # fits in the pipe's buffer: never waits for it to be read

    feeder = threading.Thread(target=feed, daemon=True)
    feeder.start()
    done = citecheck(*COMMANDS["fix"], "--in-place", str(fifo))
    unblock = os.open(fifo, os.O_RDONLY | os.O_NONBLOCK)
    feeder.join(60)
    os.close(unblock)
    assert not feeder.is_alive()
    assert one_line_error(done, "not a regular file")
    assert stat.S_ISFIFO(os.lstat(fifo).st_mode)
    assert [p.name for p in tmp_path.iterdir()] == ["letter.txt"]


def test_fix_in_place_refuses_a_backup_name_that_is_the_document(tmp_path: Path) -> None:
    """Following links, `letter.txt.bak -> letter.txt` would get the fix too: the original lost."""
    doc = document("fix", tmp_path)
    (tmp_path / "letter.txt.bak").symlink_to("letter.txt")
    done = citecheck(*COMMANDS["fix"], "--in-place", str(doc))
    assert one_line_error(done, "cannot keep its backup", "nothing was changed")
    assert doc.read_bytes() == LETTER.read_bytes() and (tmp_path / "letter.txt.bak").is_symlink()
    no_backup = citecheck(*COMMANDS["fix"], "--in-place", "--no-backup", str(doc))
    assert no_backup.returncode == 0, no_backup.stderr
    assert looks_right("fix", doc.read_bytes())


@pytest.mark.skipif(not IS_ROOT, reason="giving files to other owners needs root")
def test_a_replaced_file_keeps_its_owner_group_and_mode(tmp_path: Path) -> None:
    doc = document("fix", tmp_path)
    os.chown(doc, 12345, 23456)
    doc.chmod(0o640)
    report = tmp_path / "report.txt"
    report.write_bytes(b"the previous report\n")
    os.chown(report, 23456, 12345)
    report.chmod(0o604)
    assert citecheck(*COMMANDS["fix"], "--in-place", str(doc)).returncode == 0
    assert citecheck("extract", "-o", str(report), str(doc)).returncode == 0
    owner = {
        p.name: (p.stat().st_uid, p.stat().st_gid, stat.S_IMODE(p.stat().st_mode)) for p in tmp_path.iterdir()
    }
    # the backup is a copy of the document: it gets the document's owner and mode, never wider
    assert owner == {
        "letter.txt": (12345, 23456, 0o640),
        "letter.txt.bak": (12345, 23456, 0o640),
        "report.txt": (23456, 12345, 0o604),
    }
    assert looks_right("fix", doc.read_bytes()) and looks_right("extract", report.read_bytes())


@pytest.mark.parametrize(("umask", "mode"), [(0o022, 0o644), (0o002, 0o664), (0o077, 0o600)])
def test_a_new_file_gets_the_permissions_the_umask_gives(tmp_path: Path, umask: int, mode: int) -> None:
    doc = document("appendix", tmp_path)
    appendix = tmp_path / "appendix.md"
    done = citecheck(*COMMANDS["appendix"], "-o", str(appendix), str(doc), umask=umask)
    assert done.returncode == 0, done.stderr
    assert stat.S_IMODE(appendix.stat().st_mode) == mode


# 4. What a killed run leaves is ours, recognisable, and removed by the next write; nothing else is.

KILLED_WRITER = """
import signal, sys
signal.signal(signal.SIGXFSZ, signal.SIG_DFL)  # Python ignores it; let the kernel kill the run mid-write
from citecheck.cli import main
sys.argv = ["citecheck", *sys.argv[1:]]
main()
"""


def test_a_temporary_file_left_by_a_killed_run_is_removed_by_the_next_write(tmp_path: Path) -> None:
    doc = document("extract", tmp_path)
    report = tmp_path / "report.txt"
    report.write_bytes(b"the previous report\n")

    def killed_at_4_kb() -> None:
        resource.setrlimit(resource.RLIMIT_FSIZE, (4096, 4096))
        resource.setrlimit(resource.RLIMIT_CORE, (0, 0))

    child = subprocess.Popen(
        [sys.executable, "-c", KILLED_WRITER, "extract", "-o", str(report), str(doc)],
        cwd=ROOT,
        env={**os.environ, "PYTHONDONTWRITEBYTECODE": "1"},
        stdout=subprocess.DEVNULL,
        preexec_fn=killed_at_4_kb,
    )
    assert child.wait(300) == -signal.SIGXFSZ
    assert report.read_bytes() == b"the previous report\n"
    (left,) = temporaries(tmp_path)  # recognisably ours: the target's name, our name, the run's pid
    assert re.fullmatch(rf"\.report\.txt\.citecheck-{child.pid}-[0-9a-f]{{8}}\.tmp", left), left
    done = citecheck("extract", "-o", str(tmp_path / "other.txt"), str(doc))
    assert done.returncode == 0, done.stderr
    assert temporaries(tmp_path) == []
    assert sorted(p.name for p in tmp_path.iterdir()) == ["letter.txt", "other.txt", "report.txt"]


def test_only_stale_temporaries_of_ours_are_removed(tmp_path: Path) -> None:
    doc = document("extract", tmp_path)
    dead = int(Path("/proc/sys/kernel/pid_max").read_text()) + 1  # no process ever has this pid
    live = os.getpid()
    removed = [f".a.txt.citecheck-{dead}-0123abcd.tmp", f".b.txt.citecheck-{live}-0123abcd.tmp"]
    kept = [
        f".c.txt.citecheck-{live}-0123abcd.tmp",  # a live run's, fresh
        f".d.txt.citecheck-{dead}.tmp",  # not our pattern
        ".e.txt.k3j4h5_x.tmp",  # someone else's (mkstemp's pattern)
        "notes.txt",
    ]
    for name in removed + kept:
        (tmp_path / name).write_bytes(b"x")
    hour_ago = time.time() - 2 * 3600
    os.utime(tmp_path / removed[1], (hour_ago, hour_ago))  # a live pid, but two hours old: reused
    (tmp_path / f".f.txt.citecheck-{dead}-0123abcd.tmp").mkdir()  # not a file
    (tmp_path / f".g.txt.citecheck-{dead}-0123abcd.tmp").symlink_to("notes.txt")  # not a file
    kept += [f".f.txt.citecheck-{dead}-0123abcd.tmp", f".g.txt.citecheck-{dead}-0123abcd.tmp"]
    if IS_ROOT:
        other = tmp_path / f".h.txt.citecheck-{dead}-0123abcd.tmp"  # another user's
        other.write_bytes(b"x")
        os.chown(other, 12345, 12345)
        kept.append(other.name)
    done = citecheck("extract", "-o", str(tmp_path / "out.txt"), str(doc))
    assert done.returncode == 0, done.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted([*kept, "letter.txt", "out.txt"])
    assert (tmp_path / "notes.txt").read_bytes() == b"x"


# Writing that fails changes nothing: a read-only directory, a read-only file, a full disk.

AS_ORDINARY_USER = """
import os, sys
from pathlib import Path
from citecheck.errors import InputError
from citecheck.files import write_atomic
if os.geteuid() == 0:  # root may write anything: become an ordinary user (all is imported by now)
    os.setgroups([]); os.setgid(65534); os.setuid(65534)
try:
    write_atomic(Path(sys.argv[1]), b"new")
except InputError as err:
    sys.exit(f"refused: {err}")
"""


def write_as_ordinary_user(path: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-c", AS_ORDINARY_USER, str(path)],
        cwd=ROOT,
        env={**os.environ, "PYTHONDONTWRITEBYTECODE": "1"},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def give_to_ordinary_user(*paths: Path) -> None:
    for path in paths:
        if IS_ROOT:
            os.chown(path, NOBODY, NOBODY)


def test_a_read_only_directory_changes_nothing(public_dir: Path) -> None:
    folder = public_dir / "read-only"
    folder.mkdir()
    report = folder / "report.txt"
    report.write_bytes(b"the previous report\n")
    give_to_ordinary_user(folder, report)
    folder.chmod(0o555)  # the file itself may be written; the folder may not be changed
    for target in (report, folder / "new.txt"):
        done = write_as_ordinary_user(target)
        assert (
            done.returncode == 1 and done.stderr == f"refused: {target}: cannot write (Permission denied)\n"
        )
    assert report.read_bytes() == b"the previous report\n"
    assert [p.name for p in folder.iterdir()] == ["report.txt"]


def test_a_read_only_file_is_not_replaced(public_dir: Path) -> None:
    """As `>` in a shell: a file its user may not write is not replaced, though its folder allows it."""
    report = public_dir / "report.txt"
    report.write_bytes(b"the previous report\n")
    give_to_ordinary_user(public_dir, report)
    report.chmod(0o444)
    done = write_as_ordinary_user(report)
    assert done.returncode == 1, done.stderr
    assert done.stderr.endswith("cannot write (the file is read-only)\n")
    assert report.read_bytes() == b"the previous report\n"
    assert [p.name for p in public_dir.iterdir()] == ["report.txt"]


def test_a_full_disk_leaves_the_target_and_its_link_whole(tmp_path: Path) -> None:
    doc = document("fix", tmp_path)
    (tmp_path / "elsewhere").mkdir()
    target = tmp_path / "elsewhere" / "fixed.txt"
    target.write_bytes(b"the previous version\n")
    link = tmp_path / "fixed.txt"
    link.symlink_to(target)
    done = citecheck(*COMMANDS["fix"], "-o", str(link), str(doc), file_limit=8192)
    assert one_line_error(done, "File too large")
    assert link.is_symlink() and target.read_bytes() == b"the previous version\n"
    assert temporaries(tmp_path, tmp_path / "elsewhere") == []


def test_a_report_written_in_pieces_replaces_the_file_only_when_whole(tmp_path: Path) -> None:
    """`-o FILE` writes the report piece by piece into the temporary file (a 30 MB document's JSON is
    never joined in memory); a report that fails half-way leaves the old file as it was."""
    from citecheck.files import write_atomic

    target = tmp_path / "report.json"
    write_atomic(target, (f"piece {n}\n".encode() for n in range(1000)))
    assert target.read_text().splitlines()[999] == "piece 999"

    def failing() -> Iterator[bytes]:
        yield b"half of a report"
        raise RuntimeError("the report failed")

    with pytest.raises(RuntimeError):
        write_atomic(target, failing())
    assert target.read_text().startswith("piece 0\n")
    assert [p.name for p in tmp_path.iterdir()] == ["report.json"]  # no temporary file left
