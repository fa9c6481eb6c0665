"""The command line as a user runs it: a real subprocess, exit codes, stderr, JSON shape.

Every error must be exit 2 with exactly one line `citecheck: error: ...` on stderr and never a
traceback (shared/CONTRACT.md). Nothing here touches the network or depends on timing.
"""

from __future__ import annotations

import codecs
import json
import os
import re
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from cli_run import Run, run_citecheck

ROOT = Path(__file__).resolve().parent.parent
LETTER = ROOT / "fixtures" / "letter.txt"
TIMEOUT = 120.0
MIB = 1024 * 1024

FOOTNOTE_DOC = "Body text.¹\n\n¹ See https://example.org/a-b.\n"
FOOTNOTE_URL = "https://example.org/a-b"


def run(*args: str, stdin: bytes | None = None) -> Run:
    """Run `python -m citecheck ARGS` from the repository root, without a terminal."""
    return run_citecheck(*args, stdin=stdin, timeout=TIMEOUT)


def assert_one_line_error(result: Run) -> str:
    """Exit 2, nothing on stdout, one `citecheck: error:` line on stderr; return its reason."""
    assert "Traceback" not in result.stderr + result.stdout
    assert result.returncode == 2, result.stderr
    assert result.stdout == ""
    assert result.stderr.endswith("\n") and result.stderr.count("\n") == 1, repr(result.stderr)
    line = result.stderr.rstrip("\n")
    assert line.startswith("citecheck: error: "), line
    reason = line.removeprefix("citecheck: error: ").strip()
    assert reason
    return reason


def as_object(value: object) -> dict[str, Any]:
    assert isinstance(value, dict)
    return value


def json_report(result: Run) -> dict[str, Any]:
    """The JSON report of a successful run."""
    assert "Traceback" not in result.stderr
    assert result.returncode == 0, result.stderr
    assert result.stderr == ""
    return as_object(json.loads(result.stdout))


def all_links(report: dict[str, Any]) -> list[dict[str, Any]]:
    links: list[dict[str, Any]] = []
    for doc in report["documents"]:
        for note in doc["footnotes"]:
            links += [as_object(link) for link in note["links"]]
        links += [as_object(link) for link in doc["unnumbered_links"]]
    return links


# --- unusable input: one line, exit 2 -------------------------------------------------------------


def _missing(tmp: Path) -> Path:
    return tmp / "missing.txt"


def _directory(tmp: Path) -> Path:
    path = tmp / "folder.txt"
    path.mkdir()
    return path


def _binary(tmp: Path) -> Path:
    path = tmp / "image.txt"
    path.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x01\x00" + bytes(range(256)) * 16)
    return path


def _empty(tmp: Path) -> Path:
    path = tmp / "empty.txt"
    path.write_bytes(b"")
    return path


def _whitespace(tmp: Path) -> Path:
    path = tmp / "blank.txt"
    path.write_bytes(b"  \n\t\n\r\n   \n")
    return path


def _huge(tmp: Path) -> Path:
    """50 MB on one line, written sparsely: a start of text, then a seek to the end."""
    path = tmp / "huge.txt"
    with path.open("wb") as fh:
        fh.write(b"Body text https://example.org/a-b " * 100)
        fh.seek(50 * MIB - 1)
        fh.write(b"\n")
    assert path.stat().st_size == 50 * MIB
    return path


def _latin1(tmp: Path) -> Path:
    path = tmp / "latin1.txt"
    text = "Le café où nous étions était très agréable.¹\n\n¹ Voir https://example.org/a-b, consulté.\n"
    path.write_bytes(text.encode("latin-1"))
    return path


def _unsupported_suffix(tmp: Path) -> Path:
    path = tmp / "letter.xyz"
    path.write_text(FOOTNOTE_DOC, encoding="utf-8")
    return path


@pytest.mark.parametrize(
    ("make", "reason"),
    [
        pytest.param(_missing, r"no such file", id="missing-file"),
        pytest.param(_directory, r"directory", id="directory"),
        pytest.param(_binary, r"binary", id="binary"),
        pytest.param(_empty, r"empty", id="empty"),
        pytest.param(_whitespace, r"empty|no text", id="whitespace-only"),
        pytest.param(_huge, r"32 MB", id="50-MB-one-line"),
        pytest.param(_latin1, r"UTF-8", id="latin-1"),
        pytest.param(_unsupported_suffix, r"\.xyz", id="unsupported-suffix"),
    ],
)
def test_unusable_input_is_one_line_and_exit_2(
    tmp_path: Path, make: Callable[[Path], Path], reason: str
) -> None:
    path = make(tmp_path)
    message = assert_one_line_error(run("extract", str(path)))
    assert str(path) in message
    assert re.search(reason, message), message


@pytest.mark.parametrize(
    "args",
    [
        pytest.param(["extract", "-", "-"], id="stdin-twice"),
        pytest.param(["extract", "fixtures/letter.txt", "--input-format", "pdf"], id="unknown-input-format"),
    ],
)
def test_bad_request_is_one_line_and_exit_2(args: list[str]) -> None:
    assert_one_line_error(run(*args, stdin=FOOTNOTE_DOC.encode()))


@pytest.mark.parametrize(
    "args",
    [
        pytest.param(["extract", "fixtures/letter.txt", "--format", "xml"], id="format-xml"),
        pytest.param(["extract", "fixtures/letter.txt", "--no-such-option"], id="unknown-option"),
        pytest.param(["extract"], id="no-path"),
        pytest.param(["no-such-command"], id="unknown-command"),
    ],
)
def test_usage_error_is_exit_2_without_traceback(args: list[str]) -> None:
    result = run(*args)
    assert result.returncode == 2
    assert "Traceback" not in result.stderr + result.stdout
    assert result.stderr.strip()
    assert result.stdout == ""


# --- accepted encodings ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "data",
    [
        pytest.param(FOOTNOTE_DOC.encode("utf-8"), id="utf-8"),
        pytest.param(codecs.BOM_UTF8 + FOOTNOTE_DOC.encode("utf-8"), id="utf-8-bom"),
        pytest.param(codecs.BOM_UTF16_LE + FOOTNOTE_DOC.encode("utf-16-le"), id="utf-16-le-bom"),
        pytest.param(codecs.BOM_UTF16_BE + FOOTNOTE_DOC.encode("utf-16-be"), id="utf-16-be-bom"),
        pytest.param(FOOTNOTE_DOC.encode("utf-16-le"), id="utf-16-le-no-bom"),
    ],
)
def test_unicode_encodings_are_accepted(tmp_path: Path, data: bytes) -> None:
    path = tmp_path / "note.txt"
    path.write_bytes(data)
    report = json_report(run("extract", str(path), "--format", "json"))
    assert report["summary"]["footnotes"] == 1
    assert [link["url"] for link in all_links(report)] == [FOOTNOTE_URL]
    assert FOOTNOTE_URL in json.dumps(report)


# --- standard input and --output ------------------------------------------------------------------


def test_standard_input() -> None:
    report = json_report(run("extract", "-", "--format", "json", stdin=LETTER.read_bytes()))
    assert report["documents"][0]["path"] == "<stdin>"
    assert report["summary"]["footnotes"] == 33


def test_output_file_gets_the_report_and_stdout_nothing(tmp_path: Path) -> None:
    out = tmp_path / "report.json"
    result = run("extract", "fixtures/letter.txt", "--format", "json", "--output", str(out))
    assert result.returncode == 0, result.stderr
    assert result.stdout == ""
    assert result.stderr == ""
    report = as_object(json.loads(out.read_text(encoding="utf-8")))
    assert report["schema"] == "citecheck.report/1"
    assert report["summary"]["footnotes"] == 33
    assert sorted(tmp_path.iterdir()) == [out]  # no temporary file left behind


def test_output_into_missing_directory_is_one_line_and_exit_2(tmp_path: Path) -> None:
    out = tmp_path / "no-such-dir" / "report.json"
    assert_one_line_error(run("extract", "fixtures/letter.txt", "--format", "json", "--output", str(out)))
    assert not out.parent.exists()


# --- version and help -----------------------------------------------------------------------------


def test_version() -> None:
    result = run("--version")
    assert result.returncode == 0
    assert result.stdout == "citecheck 0.1.0\n"


@pytest.mark.parametrize("args", [["--help"], ["extract", "--help"]], ids=["help", "extract-help"])
def test_help_shows_examples(args: list[str]) -> None:
    result = run(*args)
    assert result.returncode == 0, result.stderr
    assert "Examples" in result.stdout
    assert "Traceback" not in result.stderr


# --- the letter -----------------------------------------------------------------------------------


def test_text_report_of_the_letter_shows_the_repair() -> None:
    result = run("extract", "fixtures/letter.txt")
    assert result.returncode == 0, result.stderr
    assert result.stderr == ""
    unfolded = re.sub(r"[\s│┃]", "", result.stdout)
    assert "aragua-64e72142a171ea57c869c3b35eeecce7" in unfolded


def test_json_report_shape_of_the_letter() -> None:
    report = json_report(run("extract", "fixtures/letter.txt", "--format", "json"))
    assert set(report) == {"schema", "tool", "checked_at", "documents", "summary"}
    assert report["schema"] == "citecheck.report/1"
    assert report["tool"] == {"name": "citecheck", "version": "0.1.0"}
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", report["checked_at"])
    assert [doc["path"] for doc in report["documents"]] == ["fixtures/letter.txt"]

    link_keys = {
        "written",
        "url",
        "line",
        "repair",
        "status",
        "http_status",
        "final_url",
        "detail",
        "archive",
    }
    links = all_links(report)
    assert links
    for link in links:
        assert link_keys <= set(link), sorted(link_keys - set(link))
        assert link["status"] == "unchecked"
        assert link["archive"] is None

    summary = report["summary"]
    assert {"documents", "footnotes", "links", "by_status", "wrapped", "archived", "failing"} <= set(summary)
    assert summary["documents"] == 1
    assert summary["footnotes"] == 33
    assert summary["links"] == 37
    assert summary["links"] == len(links)


@pytest.mark.parametrize("encoding", ["ascii", "latin-1"])
@pytest.mark.parametrize("fmt", ["json", "text"])
def test_a_terminal_that_is_not_utf8_never_gets_a_traceback(encoding: str, fmt: str) -> None:
    env = {**os.environ, "NO_COLOR": "1", "PYTHONIOENCODING": encoding}
    done = subprocess.run(
        [sys.executable, "-m", "citecheck", "extract", "--format", fmt, "fixtures/letter.txt"],
        capture_output=True,
        cwd=ROOT,
        env=env,
        timeout=120,
        check=False,
    )  # bytes, not run_citecheck: what a non-UTF-8 terminal receives is the point here
    assert done.returncode == 0
    assert b"Traceback" not in done.stderr
    if fmt == "json":  # machine output stays UTF-8 whatever the terminal
        assert json.loads(done.stdout.decode("utf-8"))["summary"]["footnotes"] == 33
