"""The "Archived sources" appendix for publication, in Markdown, HTML, CSV or JSON. Pure.

One row per cited URL in footnote order: the footnote, a short citation, the URL as meant, what
it answers now, and the archived copy with its date; a URL the archive does not hold says so
plainly, and where the live page no longer shows the cited work but the archived copy does, a
note says the archived copy is the faithful one. Everything that came from a document or a server
is escaped for the format it goes into.
"""

from __future__ import annotations

import csv
import html
import io
import re
from collections.abc import Iterator
from dataclasses import dataclass
from urllib.parse import quote

from citecheck.cited import citation_segment, only_signal
from citecheck.models import Link, MatchVerdict, Snapshot, Status
from citecheck.report import Results, utc_stamp
from citecheck.report.sanitize import clean, json_text

TITLE = "Archived sources"
NOT_ARCHIVED = "not archived"
FAITHFUL = "the live page has changed; this archived copy shows the cited work"
_SHORT = 160


@dataclass(frozen=True, slots=True)
class Row:
    footnote: int | None
    citation: str
    url: str
    status: Status
    archive: Snapshot | None
    note: str = ""


def citation_text(footnote_text: str, written: str, anchor: str | None = None) -> str:
    """The words of the citation a URL belongs to (those before it, after the previous one; for a
    link over words, those around them)."""
    text = citation_segment(footnote_text, written, anchor).lstrip(">")
    text = re.sub(r"https?://\S+", "", text)
    text = re.sub(r"(?<!\w)[*_]{1,2}([^*_]+?)[*_]{1,2}(?!\w)", r"\1", text)  # *emphasis* of plain text
    text = re.sub(r"^\s*(?:see also|see, e\.g\.,|see|cf\.)\s+", "", text.strip(), flags=re.IGNORECASE)
    text = text.strip(" ,;:<(").strip()
    if anchor is not None and only_signal(text):
        return ""  # only a signal was left once the link's own words (`here`) were taken out
    return text if len(text) <= _SHORT else text[: _SHORT - 1].rstrip() + "…"


def rows(results: Results) -> Iterator[Row]:
    """The appendix rows, in footnote order, each URL once per footnote."""
    for e in results.extractions:
        for fn in e.footnotes:
            seen: set[str] = set()
            for link in fn.links:
                if link.url not in seen:
                    seen.add(link.url)
                    yield _row(results, fn.number, citation_text(fn.text, link.written, link.anchor), link)
        for link in e.unnumbered_links:
            yield _row(results, None, "", link)


def _row(results: Results, number: int | None, citation: str, link: Link) -> Row:
    m = results.match(link)
    faithful = m is not None and m.verdict is MatchVerdict.DRIFT and m.archive_verdict is MatchVerdict.MATCH
    status, snap = results.check(link).status, results.archive(link)
    return Row(number, clean(citation), clean(link.url), status, snap, FAITHFUL if faithful else "")


def _date(snap: Snapshot) -> str:
    return snap.timestamp.strftime("%Y-%m-%d")


# --- Markdown ---------------------------------------------------------------------------------------

_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+!|<>~])")
_MENTION = re.compile(r"(?<![0-9A-Za-z_])@(?=[0-9A-Za-z])")
_TARGET_SAFE = ":/?#[]@!$&'*+,;=%-._~"
"""What a link target keeps as written: RFC 3986's characters, less `(` `)` (they end the target)."""


def md_escape(text: str) -> str:
    """Text safe in a Markdown table cell: no table syntax, no markup, no line breaks, and no
    `@name` that would notify someone (a zero-width joiner follows the `@`)."""
    return _MENTION.sub("@\u200d", md_url(text))


def md_url(url: str) -> str:
    """A URL shown as text in a table cell: escaped like `md_escape`, but an `@` in it stays as
    written (GitHub links the URL, and a mention is never made inside a link)."""
    return _MD_SPECIAL.sub(r"\\\1", " ".join(clean(url).split()))


def md_target(url: str) -> str:
    """A link target that cannot leave its parentheses or its table cell: everything outside
    RFC 3986's characters (`|`, spaces, line breaks, `<>`, backslashes, `()`…) percent-encoded."""
    return quote(clean(url), safe=_TARGET_SAFE)


def _md_link(label: str, url: str) -> str:
    if not url.lower().startswith(("http://", "https://")):
        return md_escape(url)
    return f"[{md_escape(label)}]({md_target(url)})"


def markdown(results: Results) -> str:
    lines = [
        f"## {TITLE}",
        "",
        "| Note | Source | URL | Status | Archived copy |",
        "| ---: | --- | --- | --- | --- |",
    ]
    for row in rows(results):
        if row.archive:
            archived = _md_link(f"archived {_date(row.archive)}", row.archive.url)
            archived += f" ({md_escape(row.note)})" if row.note else ""
        else:
            archived = f"**{NOT_ARCHIVED}**"
        number = str(row.footnote) if row.footnote is not None else "—"
        url = _md_link(row.url, row.url)
        lines.append(f"| {number} | {md_escape(row.citation)} | {url} | {row.status.value} | {archived} |")
    return "\n".join(lines) + "\n"


# --- HTML -------------------------------------------------------------------------------------------

_STYLE = """
body { font-family: Georgia, 'Times New Roman', serif; max-width: 72rem; margin: 2rem auto; padding: 0 1rem;
       color: #1a1a1a; }
table { border-collapse: collapse; width: 100%; font-size: 0.95rem; }
th, td { border-bottom: 1px solid #ccc; padding: 0.4rem 0.5rem; text-align: left; vertical-align: top; }
th { background: #f3f3f3; }
td.url { word-break: break-all; font-family: ui-monospace, Menlo, Consolas, monospace; font-size: 0.85rem; }
.missing { color: #a40000; font-weight: bold; }
.status { white-space: nowrap; }
"""


def _href(url: str) -> str | None:
    return html.escape(url, quote=True) if url.lower().startswith(("http://", "https://")) else None


def _html_link(label: str, url: str) -> str:
    href = _href(url)
    return f'<a href="{href}">{html.escape(label)}</a>' if href else html.escape(label)


def html_page(results: Results) -> str:
    out = [
        "<!DOCTYPE html>",
        '<html lang="en"><head><meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{TITLE}</title><style>{_STYLE}</style></head><body>",
        f"<h1>{TITLE}</h1>",
        "<table><thead><tr><th>Note</th><th>Source</th><th>URL</th><th>Status</th>"
        "<th>Archived copy</th></tr></thead><tbody>",
    ]
    for row in rows(results):
        archived = (
            _html_link(f"archived {_date(row.archive)}", row.archive.url)
            if row.archive
            else f'<span class="missing">{NOT_ARCHIVED}</span>'
        )
        if row.note:
            archived += f'<br><span class="note">{html.escape(row.note)}</span>'

        number = str(row.footnote) if row.footnote is not None else "—"
        out.append(
            f"<tr><td>{number}</td><td>{html.escape(row.citation)}</td>"
            f'<td class="url">{_html_link(row.url, row.url)}</td>'
            f'<td class="status">{html.escape(row.status.value)}</td><td>{archived}</td></tr>'
        )
    out += ["</tbody></table>", "</body></html>", ""]
    return "\n".join(out)


# --- CSV and JSON -----------------------------------------------------------------------------------


def _cell(value: str) -> str:
    """A CSV cell a spreadsheet will not run: leading = + - @ (and tab, CR) are neutralised."""
    return "'" + value if value[:1] in ("=", "+", "-", "@", "\t", "\r") else value


def csv_table(results: Results) -> str:
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow(["footnote", "citation", "url", "status", "archived_url", "archived_at", "note"])
    for row in rows(results):
        writer.writerow(
            [
                row.footnote if row.footnote is not None else "",
                _cell(row.citation),
                _cell(row.url),
                row.status.value,
                _cell(row.archive.url) if row.archive else NOT_ARCHIVED,
                _date(row.archive) if row.archive else "",
                row.note,
            ]
        )
    return buf.getvalue()


def json_rows(results: Results) -> str:
    data = {
        "schema": "citecheck.appendix/1",
        "title": TITLE,
        "generated_at": utc_stamp(results.checked_at),
        "rows": [
            {
                "footnote": row.footnote,
                "citation": row.citation,
                "url": row.url,
                "status": row.status.value,
                "archive": None
                if row.archive is None
                else {
                    "url": row.archive.url,
                    "timestamp": utc_stamp(row.archive.timestamp),
                },
                "note": row.note or None,
            }
            for row in rows(results)
        ],
    }
    return json_text(data)


def render(results: Results, fmt: str) -> str:
    """The appendix in a format: markdown, html, csv or json."""
    return {"markdown": markdown, "html": html_page, "csv": csv_table, "json": json_rows}[fmt](results)
