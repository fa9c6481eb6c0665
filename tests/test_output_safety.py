"""Output safety: whatever a document or a server says reaches every output format harmlessly.

A hostile document (escapes in its name and footnotes, rich markup, HTML, table syntax, formulas)
checked against a hostile server (a page title with screen-clearing escapes, an injected workflow
command, 8-bit controls, bidi overrides) is rendered in every format; each must stay well-formed
and carry no escape a terminal, CI log, spreadsheet or browser would act on.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import re
from pathlib import Path
from xml.etree import ElementTree as ET

import pytest
from cli_run import run_citecheck
from test_ci_reports import sarif_errors

from citecheck.extract import extract
from citecheck.ingest import document_from_bytes
from citecheck.models import LinkCheck, Status
from citecheck.report import Results, appendix, github, junit, markdown, sarif
from citecheck.report import json as json_report
from citecheck.report import text as text_report
from citecheck.report.sanitize import clean

NAME = "evil\x1b[2J[red]x[/red]|<b>\u202e.txt"
DOCUMENT = (
    "A claim.¹ Another.² A third.³\n\n"
    "¹ Evil \x1b[31mred\x1b[0m [bold]markup[/bold] <script>alert(1)</script> | pipe, "
    "https://example.com/one\n"
    "² =cmd|' /C calc'!A0 https://example.com/two\n"
    "³ \x1b]8;;http://evil.example/\x07click\x1b]8;;\x07 @SUM(1) https://example.com/three\n"
)
DETAIL = "\x1b[2J\x9b31m title [red]x[/red] \r\n::error file=x::injected <b>&amp; | =cmd \u202egnp.exe"
RAW_CONTROLS = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


@pytest.fixture(scope="module")
def results() -> Results:
    e = extract(document_from_bytes(DOCUMENT.encode(), NAME, "text"))
    urls = [f"https://example.com/{n}" for n in ("one", "two")]
    assert [lk.url for lk in e.links()] == [*urls, "http://evil.example/", "https://example.com/three"]
    checks = {lk.url: LinkCheck(Status.DEAD, 404, lk.url, DETAIL) for lk in e.links()}
    checks["https://example.com/three"] = LinkCheck(Status.BLOCKED, 403, "https://example.com/three", DETAIL)
    return Results([e], dt.datetime(2026, 11, 23, tzinfo=dt.UTC), checks)


def test_clean_removes_every_kind_of_escape() -> None:
    cases = {
        "a\x1b[2Jb": "ab",  # CSI
        "a\x9b2Jb": "ab",  # 8-bit CSI
        "a\x1b]0;title\x07b": "ab",  # OSC window title
        "a\x1b]8;;http://x\x1b\\link\x1b]8;;\x1b\\b": "alinkb",  # OSC 8 hyperlink
        "a\x1bcb": "ab",  # RIS: reset the terminal
        "a\rb\x00c\x7fd": "abcd",
        "tab\tand\nnewline": "tab\tand\nnewline",
        "bidi \u202egnp.exe": "bidi gnp.exe",
        "[red]markup[/red] stays text": "[red]markup[/red] stays text",
    }
    for raw, shown in cases.items():
        assert clean(raw) == shown, raw


@pytest.mark.parametrize("color", [False, True])
def test_terminal_table_shows_text_not_escapes_or_markup(results: Results, color: bool) -> None:
    out = text_report.render(results, color=color, width=200)
    if color:  # only rich's own colour codes remain
        assert set(re.findall(r"\x1b\[[0-9;]*[A-Za-z]", out)) <= {
            m for m in re.findall(r"\x1b\[[0-9;]*m", out)
        }
        out = re.sub(r"\x1b\[[0-9;]*m", "", out)
    assert not RAW_CONTROLS.search(out.replace("\n", ""))
    assert "evil[red]x[/red]|<b>.txt" in out  # markup in a file name is shown, not obeyed


@pytest.mark.parametrize(
    "render", [json_report.render, sarif.render, lambda r: appendix.render(r, "json")], ids=str
)
def test_json_outputs_escape_controls_and_keep_the_data(results: Results, render: object) -> None:
    text = render(results)  # type: ignore[operator]
    assert not RAW_CONTROLS.search(text.replace("\n", ""))
    data = json.loads(text)
    assert json.dumps(data)  # well-formed
    if "documents" in data:
        (link, *_) = data["documents"][0]["footnotes"][0]["links"]
        assert link["detail"] == DETAIL  # JSON keeps what the server said, escaped, not cleaned


def test_sarif_stays_valid(results: Results) -> None:
    log = json.loads(sarif.render(results))
    assert sarif_errors(log) == []
    uri = log["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
    assert " " not in uri and "\x1b" not in uri and "|" not in uri


def test_junit_parses_back(results: Results) -> None:
    text = junit.render(results)
    assert not RAW_CONTROLS.search(text.replace("\n", ""))
    root = ET.fromstring(text)
    assert root.get("tests") == "4" and root.get("failures") == "3"


def test_github_annotations_cannot_inject_commands(results: Results) -> None:
    lines = github.render(results).splitlines()
    assert len(lines) == 4
    assert all(re.match(r"::(error|warning) file=[^:]*,line=\d+,title=[^:]*::", line) for line in lines)
    assert all("%0A::error file=x::injected" in line for line in lines)  # inside a message, not a command
    assert not any(RAW_CONTROLS.search(line) for line in lines)


def test_markdown_table_keeps_its_columns(results: Results) -> None:
    for table in (markdown.render(results), appendix.render(results, "markdown")):
        assert not RAW_CONTROLS.search(table.replace("\n", ""))
        rows = [line for line in table.splitlines() if line.startswith("|")]
        assert len(rows) >= 5
        widths = {len(re.findall(r"(?<!\\)\|", row)) for row in rows}
        assert len(widths) == 1, rows


def test_html_appendix_escapes_everything(results: Results) -> None:
    page = appendix.render(results, "html")
    assert "<script>" not in page and "<b>" not in page and "\x1b" not in page
    assert "&lt;script&gt;" in page


def test_csv_cells_cannot_run_formulas(results: Results) -> None:
    cells = [cell for row in csv.reader(io.StringIO(appendix.render(results, "csv"))) for cell in row]
    assert not [c for c in cells if c[:1] in ("=", "+", "-", "@")]
    assert any(c.startswith("'=cmd") for c in cells) and any("@SUM" in c for c in cells)


def test_error_messages_do_not_replay_escapes_from_a_file_name(tmp_path: Path) -> None:
    name = tmp_path / "gone\x1b]0;pwned\x07\x1b[2J.txt"
    run = run_citecheck("extract", str(name))
    assert run.returncode == 2 and run.stderr.count("\n") == 1
    assert "\x1b" not in run.stderr and "\x07" not in run.stderr and "no such file" in run.stderr
