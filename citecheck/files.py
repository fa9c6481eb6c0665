"""Writing files the user owns: a file all or nothing, anything else in place. I/O.

A regular file (or one that does not exist yet) is replaced atomically: the output goes to a
temporary file in the target's directory, gets the target's owner, group and mode (a new file: what
the umask gives), is flushed to disk and renamed over the target, so a crash, a full disk or a
read-only directory never leaves half a file. A symbolic link is followed: the file it names is
replaced, the link kept. Anything else (a device such as /dev/null, a FIFO, a descriptor such as
/dev/stdout, /proc/self/fd/N or a shell's `>(…)`) is opened and written in place, because replacing
it would destroy it (as root, /dev/null itself) and the reader would never see the output.

Temporary files are named `.NAME.citecheck-PID-TOKEN.tmp`. One that a killed run left behind is
removed by the next write in the same directory once its process is gone or it is an hour old; no
other file is ever removed.
"""

from __future__ import annotations

import contextlib
import errno
import os
import re
import secrets
import stat
import sys
import time
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from citecheck.errors import InputError

STALE_AFTER = 3600.0
"""Seconds after which a temporary file is stale even if a process with its pid is alive (pid reuse)."""
_TEMPORARY = re.compile(r"\.(?P<name>.+)\.citecheck-(?P<pid>[1-9][0-9]{0,9})-[0-9a-f]{8}\.tmp")
_MAX_LINKS = 40  # as the kernel's own limit on a chain of symbolic links
_MAX_NAME = 200  # of the target's name in a temporary name, which must stay under NAME_MAX (255)


@dataclass(frozen=True, slots=True)
class _Descriptor:
    """A kernel view of an open file (/proc/PID/fd/N): written in place, through `fd` when it is ours."""

    path: Path
    fd: int | None


def write_atomic(path: Path, text: str | bytes | Iterable[bytes], *, like: Path | None = None) -> None:
    """Write `text` (str as UTF-8, bytes as they are, or pieces of bytes as they come, so that a huge
    report is never held whole) to `path`: a regular file replaced atomically, anything else in
    place. `like` gives a replaced file the owner, group and mode of another (a backup those of its
    document)."""
    data: Iterable[bytes] = (
        [text.encode("utf-8")] if isinstance(text, str) else [text] if isinstance(text, bytes) else text
    )
    try:
        where = _resolve(path)
        if isinstance(where, _Descriptor):
            _write_descriptor(where, data)
            return
        current = _stat(where)
        if current is not None and not stat.S_ISREG(current.st_mode):
            _write_in_place(where, current, data)
        else:
            _replace(where, data, current, os.stat(like) if like is not None else current)
    except OSError as err:
        raise InputError(f"{path}: cannot write ({err.strerror or err})") from None


def refuse_input_as_output(output: Path | None, inputs: Iterable[str]) -> None:
    """Refuse an output that is one of the documents being read (by any name: a link, another spelling,
    standard input redirected from it): writing it would replace the document with a report."""
    if output is None:
        return
    target = _stat(output)
    if target is None or not stat.S_ISREG(target.st_mode):
        return  # nothing there yet, or a device or pipe: writing it destroys no document
    for name in inputs:
        if _same(_stdin_stat() if name == "-" else _stat(Path(name)), target):
            shown = "standard input" if name == "-" else name
            raise InputError(
                f"{output}: is {shown}, a document being read; nothing was written "
                "(fix --in-place is the way to change a document)"
            )


def backup_of(path: Path) -> Path:
    """Where `fix --in-place` keeps the original: PATH.bak, beside the name given (a link's, too)."""
    return path.with_name(path.name + ".bak")


def refuse_in_place(path: Path, *, backup: bool) -> None:
    """`fix --in-place` replaces a regular file and keeps its backup apart: refuse a device, FIFO or
    descriptor (there is no file to replace), and a backup name that is the document itself (a link
    to it, say), which would lose the original. Checked before anything is read."""
    current = _stat(path)
    if current is None:
        return  # reading it says what is wrong
    if not stat.S_ISREG(current.st_mode):
        raise InputError(f"{path}: not a regular file; --in-place replaces a file (use -o FILE or stdout)")
    if backup and _same(_stat(backup_of(path)), current):
        raise InputError(
            f"{backup_of(path)}: is {path} itself, so cannot keep its backup; nothing was changed"
        )


def _same(one: os.stat_result | None, other: os.stat_result) -> bool:
    return one is not None and (one.st_dev, one.st_ino) == (other.st_dev, other.st_ino)


def _stat(path: Path) -> os.stat_result | None:
    """The file `path` names (links followed), or None when there is none to be had."""
    try:
        return os.stat(path)
    except OSError:  # a loop or a search permission missing: the write itself says so
        return None


def _stdin_stat() -> os.stat_result | None:
    try:
        return os.fstat(sys.stdin.fileno())
    except (OSError, ValueError, AttributeError):
        return None


def _resolve(path: Path) -> Path | _Descriptor:
    """Where `path` leads, following symbolic links one at a time: a file's path, or the descriptor
    link (in /proc) the chain reaches, which names an open file rather than a place in a directory."""
    here = path
    for _ in range(_MAX_LINKS):
        parent = Path(os.path.realpath(here.parent))
        here = parent / here.name
        if not here.is_symlink():
            return here
        if _is_procfs(parent):
            return _Descriptor(here, _own_fd(parent, here.name))
        here = parent / os.readlink(here)
    raise OSError(errno.ELOOP, os.strerror(errno.ELOOP))


def _is_procfs(directory: Path) -> bool:
    try:
        return os.stat(directory).st_dev == os.stat("/proc").st_dev
    except OSError:
        return False


def _own_fd(directory: Path, name: str) -> int | None:
    """The descriptor number when the link is one of this process's own (/dev/stdout, /dev/fd/N)."""
    if not name.isdigit() or directory != Path(os.path.realpath("/proc/self/fd")):
        return None
    return int(name)


def _write_descriptor(where: _Descriptor, data: Iterable[bytes]) -> None:
    """Write through our own descriptor (sharing its offset, working for a socket too), or open
    another process's (appending: never truncating a log that the shell opened with `>>`)."""
    if where.fd is not None:
        for stream in (sys.stdout, sys.stderr):  # what Python buffered for it goes first
            with contextlib.suppress(OSError, ValueError):
                stream.flush()
        _write_all(where.fd, data)
        return
    current = os.stat(where.path)
    _write_in_place(where.path, current, data)


def _write_in_place(path: Path, current: os.stat_result, data: Iterable[bytes]) -> None:
    """Open what is not a regular file and write to it: a device, a FIFO, a descriptor's file."""
    if stat.S_ISDIR(current.st_mode):
        raise IsADirectoryError(errno.EISDIR, "is a directory")
    if stat.S_ISSOCK(current.st_mode):
        raise OSError(errno.ENXIO, "is a socket; give a file, a pipe or a device")
    fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_NOCTTY | os.O_CLOEXEC)
    try:
        _write_all(fd, data)
    finally:
        os.close(fd)


def _write_all(fd: int, data: Iterable[bytes]) -> None:
    for piece in data:
        view = memoryview(piece)
        while view:
            view = view[os.write(fd, view) :]


def _replace(
    target: Path, data: Iterable[bytes], current: os.stat_result | None, keep: os.stat_result | None
) -> None:
    """Write a temporary file beside `target` and rename it over it; `keep` is whose owner, group and
    mode the new file takes (None: a new file, with what the umask gives)."""
    directory = target.parent
    if current is not None and not os.access(target, os.W_OK):
        raise PermissionError(errno.EACCES, "the file is read-only")
    _remove_stale(directory)
    tmp = directory / f".{target.name[:_MAX_NAME]}.citecheck-{os.getpid()}-{secrets.token_hex(4)}.tmp"
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW | os.O_CLOEXEC
    fd = os.open(tmp, flags, 0o600 if keep is not None else 0o666)
    try:
        try:
            if keep is not None:
                _take_over(fd, keep)
            _write_all(fd, data)
            os.fsync(fd)
        finally:
            os.close(fd)
        os.replace(tmp, target)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise
    _sync_directory(directory)


def _take_over(fd: int, keep: os.stat_result) -> None:
    """Give the new file the old one's owner and group (root can; a user may set a group of theirs)
    and its mode, before any of the text is in it."""
    if os.geteuid() == 0:
        os.fchown(fd, keep.st_uid, keep.st_gid)
    elif keep.st_gid != os.getegid():
        with contextlib.suppress(PermissionError):
            os.fchown(fd, -1, keep.st_gid)
    os.fchmod(fd, stat.S_IMODE(keep.st_mode))


def _sync_directory(directory: Path) -> None:
    """Make the rename itself durable (some file systems refuse to sync a directory: no matter)."""
    with contextlib.suppress(OSError):
        fd = os.open(directory, os.O_RDONLY | os.O_DIRECTORY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


def _remove_stale(directory: Path) -> None:
    """Remove the temporary files that killed runs left in `directory`: only names of our pattern,
    only regular files of this user, only when their process is gone or they are older than
    STALE_AFTER."""
    with contextlib.suppress(OSError), os.scandir(directory) as entries:
        for entry in entries:
            match = _TEMPORARY.fullmatch(entry.name)
            if match is None or not _is_stale(entry, int(match["pid"])):
                continue
            with contextlib.suppress(OSError):
                os.unlink(entry.path)


def _is_stale(entry: os.DirEntry[str], pid: int) -> bool:
    try:
        info = entry.stat(follow_symlinks=False)
    except OSError:
        return False
    if not stat.S_ISREG(info.st_mode) or info.st_uid != os.geteuid():
        return False
    return not _alive(pid) or time.time() - info.st_mtime > STALE_AFTER


def _alive(pid: int) -> bool:
    """Whether a process with this pid exists (another user's counts: it may be writing)."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except (OSError, OverflowError):
        return True
    return True
