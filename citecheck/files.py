"""Writing files the user owns: all or nothing. I/O.

Output goes to a temporary file in the target's directory, is flushed to disk, then renamed
over the target, so a crash, a full disk or a read-only directory never leaves a half-written file.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from pathlib import Path

from citecheck.errors import InputError


def write_atomic(path: Path, text: str | bytes) -> None:
    """Replace `path` with `text` (str as UTF-8, or bytes as they are) atomically, keeping the
    target's permissions if it exists."""
    directory = path.parent if str(path.parent) else Path(".")
    try:
        mode = path.stat().st_mode & 0o777 if path.exists() else None
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=directory)
    except OSError as err:
        raise InputError(f"{path}: cannot write ({err.strerror or err})") from None
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(text.encode("utf-8") if isinstance(text, str) else text)
            fh.flush()
            os.fsync(fh.fileno())
        if mode is not None:
            os.chmod(tmp, mode)
        os.replace(tmp, path)
    except OSError as err:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise InputError(f"{path}: cannot write ({err.strerror or err})") from None
