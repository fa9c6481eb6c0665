"""Outside text cannot start a line, leave its cell, or notify anyone (issue 12).

A CI runner obeys any log line that starts with `::` (or `##[`): a GitHub workflow command. A file
name, a footnote or a server's words must therefore never begin a line of the terminal report or
of a message on stderr. In Markdown, a `|` in a link target must not open a new table cell, and an
`@name` from a page must not mention anybody.
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

from cli_run import run_citecheck
from webserver import Route, WebServer

from citecheck.cache import FILENAME
from citecheck.extract import extract
from citecheck.ingest import document_from_bytes
from citecheck.models import LinkCheck, Problem, ProblemKind, Snapshot, Status
from citecheck.report import Results, appendix, markdown
from citecheck.report import text as text_report

WHEN = dt.datetime(2026, 12, 1, tzinfo=dt.UTC)
COMMAND = re.compile(r"^\s*(::|##\[)", re.MULTILINE)
MENTION = re.compile(r"(?<![0-9A-Za-z_])@[0-9A-Za-z]")


def _results(name: str, text: str, detail: str = "gone", fmt: str = "text") -> Results:
    e = extract(document_from_bytes(text.encode(), name, fmt))
    checks = {lk.url: LinkCheck(Status.DEAD, 404, lk.url, detail) for lk in e.links()}
    return Results([e], WHEN, checks)


def test_a_file_name_cannot_start_a_line_of_the_terminal_report() -> None:
    for name in ("doc\n::error file=x::pwned.txt", "::error file=x::pwned.txt", "x\u2028##[error]pwned.txt"):
        out = text_report.render(_results(name, "A claim.¹\n\n¹ https://example.com/a\n"), width=100)
        assert not COMMAND.search(out), out
        assert "pwned.txt" in out  # the name is shown, on a line that starts with our words


def test_a_long_problem_detail_is_not_wrapped_into_a_command() -> None:
    results = _results("doc.txt", "A claim.¹\n\n¹ https://example.com/a\n")
    e = results.extractions[0]
    detail = "x" * 70 + " ::error file=x::wrapped"  # past column 100: wrapped at the space
    problem = Problem(ProblemKind.ORPHAN_MARKER, 7, 1, detail)
    out = text_report.render(
        Results([type(e)(e.path, e.footnotes, e.unnumbered_links, (problem,))], WHEN, results.checks),
        width=100,
    )
    assert not COMMAND.search(out), out
    assert "::error file=x::wrapped" in out


def test_a_pipe_in_a_link_target_keeps_the_appendix_columns() -> None:
    href = "https://example.com/x|**ok**|[archived](https://evil.example/)\n| 9 | forged |"
    page = f'<html><body><p>See <a href="{href}">this</a>.</p></body></html>'
    results = _results("doc.html", page, fmt="html")
    (link,) = results.all_links()
    snap = Snapshot(f"https://web.archive.org/web/20250101000000/{link.url}", WHEN)
    results = Results(results.extractions, WHEN, results.checks, {(link.url, link.accessed): snap})
    table = appendix.render(results, "markdown")
    rows = [line for line in table.splitlines() if line.startswith("|")]
    assert len(rows) == 3, table  # header, rule, the one link: nothing forged a row
    cells = [re.split(r"(?<!\\)\|", row)[1:-1] for row in rows]
    assert {len(c) for c in cells} == {5}, table
    assert cells[2][3].strip() == "dead"  # the Status cell is ours
    assert "%7C" in cells[2][2] and "%7C" in cells[2][4]  # the pipes stay in the targets, encoded


def test_mentions_in_the_markdown_summary_notify_nobody() -> None:
    results = _results(
        "@team.txt", "A claim.¹\n\n¹ https://example.com/a\n", detail="ask @octocat or @org/team"
    )
    for out in (markdown.render(results), appendix.render(results, "markdown")):
        assert not MENTION.search(out), out
    assert "octocat" in markdown.render(results)


def test_a_url_keeps_its_at_sign_in_the_summary() -> None:
    # GitHub links a URL; a mention is never made inside a link, so the URL stays as written
    results = _results("doc.txt", "A claim.¹\n\n¹ https://medium.com/@writer/post\n")
    assert "https://medium.com/@writer/post" in markdown.render(results)


def test_a_warning_on_stderr_stays_one_line(web_server: WebServer, tmp_path: Path) -> None:
    web_server.add("/a", Route(body=b"<title>A</title>"))
    cache_dir = tmp_path / "cache\n::error file=x::pwned"
    cache_dir.mkdir()
    (cache_dir / FILENAME).write_bytes(b"this is not a database" * 100)
    doc = tmp_path / "doc.txt"
    doc.write_text(f"A claim.¹\n\n¹ {web_server.url('/a')}\n", encoding="utf-8")
    done = run_citecheck("verify", "--no-archive", str(doc), env={"CITECHECK_CACHE_DIR": str(cache_dir)})
    assert done.returncode == 0, done.stderr
    assert "citecheck: warning: the cache" in done.stderr
    assert not COMMAND.search(done.stderr), done.stderr


def test_an_error_names_a_file_whole_on_one_line(tmp_path: Path) -> None:
    done = run_citecheck("extract", str(tmp_path / "gone\n::error file=x::pwned.txt"))
    assert done.returncode == 2
    assert done.stderr.count("\n") == 1 and not COMMAND.search(done.stderr)
    assert "pwned.txt" in done.stderr
