"""Running the command line as a user does: `python -m citecheck ARGS` in a real subprocess.

One helper for every test that needs the whole process (exit codes, stderr, encodings). The child
inherits the test's environment, so it is loopback-only too (conftest's `sitecustomize`), has no
colour, and writes UTF-8 unless the test says otherwise.
"""

from __future__ import annotations

import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

EVERY_OUTPUT = [
    ["verify", "-f", "text"],
    ["verify", "-f", "json"],
    ["verify", "-f", "markdown"],
    ["verify", "-f", "junit"],
    ["verify", "-f", "sarif"],
    ["verify", "-f", "github"],
    ["appendix", "-f", "markdown"],
    ["appendix", "-f", "html"],
    ["appendix", "-f", "csv"],
    ["appendix", "-f", "json"],
    ["extract", "-f", "text"],
    ["extract", "-f", "json"],
]
"""Every command and format a report can be written in (for tests that check each one)."""


@dataclass(frozen=True)
class Run:
    """A finished run of the CLI, its output decoded as UTF-8 (undecodable bytes replaced)."""

    returncode: int
    stdout: str
    stderr: str


def run_citecheck(
    *args: str,
    cwd: Path = ROOT,
    env: dict[str, str] | None = None,
    stdin: str | bytes | None = None,
    timeout: float = 300.0,
) -> Run:
    """Run `python -m citecheck ARGS`, without a terminal; `env` is added to the test's own."""
    proc = subprocess.run(
        [sys.executable, "-m", "citecheck", *args],
        cwd=cwd,
        env={**os.environ, "NO_COLOR": "1", "PYTHONIOENCODING": "utf-8", **(env or {})},
        input=(stdin.encode() if isinstance(stdin, str) else stdin) if stdin is not None else b"",
        capture_output=True,
        timeout=timeout,
        check=False,
    )
    return Run(
        proc.returncode,
        proc.stdout.decode("utf-8", errors="replace"),
        proc.stderr.decode("utf-8", errors="replace"),
    )
