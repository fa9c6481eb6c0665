"""A link over words that are not a URL (`available here`, a title) keeps its citation: the note's
words around it, the anchor taken as the title when it names one.

Table-driven over real HTML, Markdown and Word documents (offline: the appendix's Source cell and
the cited work), and once through `verify` against a local web server (the source match).
"""

from __future__ import annotations

import datetime as dt
import importlib.util
import json
from collections.abc import Callable
from pathlib import Path

import pytest
from cli_run import run_citecheck
from webserver import Route, WebServer

from citecheck.cited import cited_work
from citecheck.extract import extract
from citecheck.ingest import document_from_bytes
from citecheck.report import Results
from citecheck.report.appendix import rows

ROOT = Path(__file__).resolve().parent.parent
URL = "https://reports.example/r"


def _html(before: str, anchor: str, after: str) -> bytes:
    return (
        '<html><body><p>Claim.<sup><a href="#fn1" id="ref1">1</a></sup></p>'
        f'<section class="footnotes"><ol><li id="fn1"><p>{before}<a href="{URL}">{anchor}</a>{after} '
        '<a href="#ref1">↩</a></p></li></ol></section></body></html>'
    ).encode()


def _markdown(before: str, anchor: str, after: str) -> bytes:
    return f"Claim.[^1]\n\n[^1]: {before}[{anchor}]({URL}){after}\n".encode()


def _docx(before: str, anchor: str, after: str) -> bytes:
    spec = importlib.util.spec_from_file_location(
        "make_fixtures", ROOT / "fixtures" / "docx" / "make_fixtures.py"
    )
    assert spec is not None and spec.loader is not None
    m = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(m)
    rels = m.Rels()
    body = [m.paragraph(m.run("Claim.") + m.reference("footnote", 1))]
    content = m.run(before) + m.hyperlink(rels.link(URL), anchor) + m.run(after)
    notes = m.notes_part("footnote", [m.note("footnote", 1, [content])])
    return bytes(m.zip_bytes(m.docx(body, m.main_rels(), notes, rels, m.notes_part("endnote", []), m.Rels())))


FORMATS: dict[str, tuple[Callable[[str, str, str], bytes], str]] = {
    "html": (_html, "d.html"),
    "markdown": (_markdown, "d.md"),
    "docx": (_docx, "d.docx"),
}

# (before the link, the link's words, after it, the Source cell, the cited title, its authors)
CASES = [
    (
        "Jane Doe, Annual Report on Prisons, Human Rights Watch (Mar. 1, 2025), ",
        "available here",
        ".",
        "Jane Doe, Annual Report on Prisons, Human Rights Watch (Mar. 1, 2025).",
        "Annual Report on Prisons",
        ("Jane Doe",),
    ),
    (
        "Jane Doe, ",
        "Annual Report on Prisons",
        ", Human Rights Watch (Mar. 1, 2025).",
        "Jane Doe, Annual Report on Prisons, Human Rights Watch (Mar. 1, 2025).",
        "Annual Report on Prisons",
        ("Jane Doe",),
    ),
    # negative: a link over mere link words, with nothing else, names no work
    ("See ", "here", ".", "", None, ()),
]


@pytest.mark.parametrize("kind", sorted(FORMATS))
@pytest.mark.parametrize(("before", "anchor", "after", "source", "title", "authors"), CASES)
def test_a_link_over_words_keeps_its_citation(
    kind: str, before: str, anchor: str, after: str, source: str, title: str | None, authors: tuple[str, ...]
) -> None:
    build, name = FORMATS[kind]
    e = extract(document_from_bytes(build(before, anchor, after), name, kind))
    (fn,) = e.footnotes
    (link,) = fn.links
    assert link.url == URL
    (row,) = rows(Results([e], dt.datetime(2026, 1, 1, tzinfo=dt.UTC)))
    assert row.citation == source
    work = cited_work(fn.text, link.written, link.anchor)
    assert (work.title, work.authors) == (title, authors)


def test_a_url_link_keeps_the_citation_before_it() -> None:
    """Negative: a visible URL is found in the text as before; its citation is the words before it."""
    data = b"Claim.[^1]\n\n[^1]: Jane Doe, Annual Report on Prisons, HRW (Mar. 1, 2025), <https://reports.example/r>.\n"
    e = extract(document_from_bytes(data, "d.md", "markdown"))
    (link,) = e.footnotes[0].links
    assert link.anchor is None
    (row,) = rows(Results([e], dt.datetime(2026, 1, 1, tzinfo=dt.UTC)))
    assert row.citation == "Jane Doe, Annual Report on Prisons, HRW (Mar. 1, 2025)"


def test_verify_matches_the_page_against_the_citation_around_the_link(
    web_server: WebServer, tmp_path: Path
) -> None:
    title = "Annual Report on Prisons in El Salvador"
    web_server.add(
        "/r", Route(200, body=f"<html><head><title>{title}</title></head><body>x</body></html>".encode())
    )
    doc = tmp_path / "d.md"
    doc.write_text(
        f"Claim.[^1]\n\n[^1]: Jane Doe, {title}, Human Rights Watch (Mar. 1, 2025), "
        f"[available here]({web_server.url('/r')}).\n",
        encoding="utf-8",
    )
    done = run_citecheck("verify", "--no-archive", "--no-cache", "--format", "json", str(doc))
    assert done.returncode == 0, done.stderr
    (link,) = json.loads(done.stdout)["documents"][0]["footnotes"][0]["links"]
    assert link["status"] == "ok"
    assert (link["match"]["verdict"], link["match"]["cited_title"]) == ("match", title)
