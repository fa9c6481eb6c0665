"""The appendix escapes everything that came from a document or a server."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json

from citecheck.models import Extraction, Footnote, Link, LinkCheck, Snapshot, Status
from citecheck.report import Results
from citecheck.report.appendix import citation_text, render

HOSTILE = 'Title <script>alert("x")</script> | pipe \x1b[31mred\x1b[0m'
SNAP = Snapshot(
    "https://web.archive.org/web/20250415120000/https://a.example/x",
    dt.datetime(2025, 4, 15, 12, tzinfo=dt.UTC),
)


def results() -> Results:
    links = (
        Link("https://a.example/x", "https://a.example/x", 3),
        Link("javascript:alert(1)", "javascript:alert(1)", 3),
        Link("https://b.example/=cmd", "https://b.example/=cmd", 3),
    )
    text = (
        f'{HOSTILE}, Outlet (Mar. 1, 2025), https://a.example/x; =HYPERLINK("evil"), javascript:alert(1); '
        "@SUM(1), https://b.example/=cmd"
    )
    fn = Footnote(1, 3, text, None, links)
    checks = {"https://a.example/x": LinkCheck(Status.OK, 200)}
    return Results(
        [Extraction("d.txt", (fn,), (), ())],
        dt.datetime(2026, 11, 22, tzinfo=dt.UTC),
        checks,
        {("https://a.example/x", None): SNAP},
        archive_looked_up=True,
    )


def test_html_escapes_and_links_only_the_web() -> None:
    page = render(results(), "html")
    assert "<script>" not in page and "&lt;script&gt;" in page
    assert 'href="javascript:' not in page
    assert "\x1b" not in page
    assert f'href="{SNAP.url}"' in page


def test_markdown_escapes_table_syntax() -> None:
    md = render(results(), "markdown")
    row = md.splitlines()[4]
    assert row.count(" | ") == 4  # five cells, the citation's pipe escaped
    assert "\\|" in row and "\\<script\\>" in row
    assert "(javascript:" not in md


def test_csv_neutralises_formulas() -> None:
    rows = list(csv.DictReader(io.StringIO(render(results(), "csv"))))
    assert all(not r["citation"].startswith(("=", "+", "-", "@")) for r in rows)
    assert rows[1]["citation"].startswith("'=HYPERLINK")
    assert rows[0]["archived_url"] == SNAP.url and rows[1]["archived_url"] == "not archived"


def test_json_rows() -> None:
    data = json.loads(render(results(), "json"))
    assert [r["url"] for r in data["rows"]] == [
        "https://a.example/x",
        "javascript:alert(1)",
        "https://b.example/=cmd",
    ]
    assert data["rows"][0]["archive"]["timestamp"] == "2025-04-15T12:00:00Z"


def test_citation_text() -> None:
    text = "See, e.g., *Report on prisons*, Rights Group (Mar. 1, 2025), <https://a.example/x>; see also B, https://b.example"
    assert citation_text(text, "https://a.example/x") == "Report on prisons, Rights Group (Mar. 1, 2025)"
    assert citation_text(text, "https://b.example") == "B"
    assert citation_text(text, "https://missing.example") == ""
