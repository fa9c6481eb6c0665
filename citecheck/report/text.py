"""The report for a person: a rich table per document, grouped by footnote. Pure (returns str).

URLs are never truncated (`overflow="fold"`), and everything that came from the document or a
server is sanitised to one line (`one_line`) and passed as `Text`, never as markup, so it cannot
style or move the terminal. No line begins with outside text: inside the table every line starts
with the border, and the lines outside it (the document's name, problems) start with our own words
and are not wrapped, so a CI log never sees a `::error` or `##[` line the document wrote.
"""

from __future__ import annotations

import io
import itertools
from collections import Counter
from collections.abc import Iterator, Sequence

from rich.console import Console
from rich.table import Table
from rich.text import Text

from citecheck.models import Confirmation, Extraction, Link, MatchVerdict, SaveStatus, Status
from citecheck.report import Results
from citecheck.report.sanitize import one_line
from citecheck.verdict import Verdict

STATUS_STYLE = {
    Status.OK: "green",
    Status.REDIRECTED: "cyan",
    Status.BLOCKED: "yellow",
    Status.SOFT_404: "magenta",
    Status.DEAD: "bold red",
    Status.BROKEN: "red",
    Status.TIMEOUT: "yellow",
    Status.UNCHECKED: "dim",
}
VERDICT_MARK = {Verdict.PASS: ("✓", "green"), Verdict.WARN: ("!", "yellow"), Verdict.FAIL: ("✗", "bold red")}


def _repair_text(link: Link) -> Text:
    repair = link.repair
    if repair is None:
        return Text("")
    how = {
        Confirmation.LIVE: "confirmed live",
        Confirmation.ARCHIVE: "confirmed by the archive",
        Confirmation.DOCUMENT: "confirmed by the document",
        None: "proposal",
    }[repair.confirmed_by]
    text = Text()
    for edit in repair.edits:
        text.append(one_line(edit) + "\n")
    text.append(how, style="green" if repair.confirmed_by else "yellow")
    extra = len(repair.candidates) - 1
    if extra > 0:
        text.append(f" (+{extra} other candidate{'s' if extra > 1 else ''})", style="dim")
    return text


def _url_text(link: Link) -> Text:
    text = Text()
    if link.url != link.written and link.repair is not None:
        text.append(one_line(link.written), style="dim strike")
        text.append("\n→ ", style="dim")
    if link.visible is not None:
        text.append("shows ", style="dim")
        text.append(one_line(link.visible), style="yellow")
        text.append("\nlinks ", style="dim")
    text.append(one_line(link.url))
    return text


def _status_text(link: Link, results: Results) -> Text:
    check = results.check(link)
    verdict = results.verdict(link)
    mark, style = VERDICT_MARK[verdict]
    if check.status is Status.UNCHECKED and verdict is Verdict.PASS:
        mark, style = "·", "dim"
    text = Text(f"{mark} ", style=style)
    text.append(check.status.value, style=STATUS_STYLE[check.status])
    if check.http_status is not None:
        text.append(f" {check.http_status}", style="dim")
    snap = results.archive(link)
    if snap is not None:
        text.append(f"\narchived {snap.timestamp:%Y-%m-%d}", style="dim")
    elif results.archive_looked_up:
        text.append("\nnot archived", style="yellow")
    visible = results.visible_check(link)
    if visible is not None:
        text.append(f"\nmismatch: shown URL {visible.status.value}", style="yellow")
    save = results.saves.get(link.url)
    if save is not None:
        text.append(f"\nsave: {save.status}", style="green" if save.status is SaveStatus.SUCCESS else "red")
    _match_text(text, link, results)
    return text


def _match_text(text: Text, link: Link, results: Results) -> None:
    """The source marker: whether the page is the cited work (and the archived copy, if it drifted)."""
    m = results.match(link)
    if m is None or (m.verdict is MatchVerdict.UNKNOWN and m.cited_title is None):
        return
    if m.verdict is MatchVerdict.MATCH:
        text.append(f"\nsource match {m.score:.2f}", style="green")
    elif m.verdict is MatchVerdict.DRIFT:
        text.append(f"\nsource drift {m.score:.2f}", style="bold yellow")
        if m.archive_verdict is MatchVerdict.MATCH:
            text.append("\narchive has it", style="green")
    else:
        text.append("\nsource ?", style="dim")


_TABLE_ROWS = 1_000
"""Footnotes per table: rich measures every cell of a table before printing it, so a document of
500,000 links is printed as tables of this many footnotes, one after another (a normal document
fits in one, and looks as it always did)."""


def _new_table() -> Table:
    table = Table(show_lines=False, expand=False)
    table.add_column("Fn", justify="right", no_wrap=True)
    table.add_column("Line", justify="right", no_wrap=True)
    table.add_column("Status", no_wrap=True)
    table.add_column("URL", overflow="fold", ratio=3)
    table.add_column("Repair", overflow="fold", ratio=2)
    return table


def _groups(e: Extraction) -> Iterator[tuple[str, int, Sequence[Link]]]:
    for fn in e.footnotes:
        yield str(fn.number), fn.line, fn.links
    if e.unnumbered_links:
        yield "—", 0, e.unnumbered_links


def _tables(e: Extraction, results: Results) -> Iterator[Table]:
    """The document's rows, as tables of at most `_TABLE_ROWS` footnotes (at least one table)."""
    groups = iter(_groups(e))
    first = True
    while (chunk := list(itertools.islice(groups, _TABLE_ROWS))) or first:
        first = False
        table = _new_table()
        for label, line, links in chunk:
            _add_group(table, label, line, links, results)
        yield table


def _add_group(table: Table, label: str, line: int, links: Sequence[Link], results: Results) -> None:
    if not links:
        table.add_row(label, str(line), Text("no link", style="dim"), "", "")
    for i, link in enumerate(links):
        table.add_row(
            label if i == 0 else "",
            str(link.line),
            _status_text(link, results),
            _url_text(link),
            _repair_text(link),
        )
    table.add_section()


def summary_line(results: Results) -> str:
    """One line: how many footnotes, links, repairs, and what was found."""
    links = results.all_links()
    statuses = Counter(results.check(link).status.value for link in links)
    repaired = [link for link in links if link.repair is not None]
    confirmed = sum(1 for link in repaired if link.repair and link.repair.confirmed_by)
    parts = [
        f"{len(results.extractions)} document{'s' if len(results.extractions) != 1 else ''}",
        f"{sum(len(e.footnotes) for e in results.extractions)} footnotes",
        f"{len(links)} links",
        f"{len(repaired)} damaged by wrapping ({confirmed} confirmed)",
    ]
    mismatched = sum(1 for link in links if link.visible is not None)
    if mismatched:
        parts.append(f"{mismatched} showing another URL than they link")
    parts.append(", ".join(f"{n} {s}" for s, n in sorted(statuses.items())))
    archived = sum(1 for link in links if results.archive(link) is not None)
    if results.archive_looked_up:
        parts.append(f"{archived} archived")
    drifted = sum(1 for m in results.matches.values() if m.verdict is MatchVerdict.DRIFT)
    if results.matches:
        parts.append(f"{drifted} drifted")
    parts.append(f"{results.failing()} failing")
    if results.hosts_given_up:
        parts.append(f"{len(results.hosts_given_up)} host(s) given up after timeouts")
    if results.time_limit is not None:
        parts.append(f"stopped at --max-time {results.time_limit:g} s")
    return "; ".join(parts)


def render(results: Results, *, color: bool = False, width: int = 120) -> str:
    """The whole terminal report."""
    return "".join(chunks(results, color=color, width=width))


def chunks(results: Results, *, color: bool = False, width: int = 120) -> Iterator[str]:
    """`render` a table at a time (the same text): only one table's rows are held at once."""
    buf = io.StringIO()
    console = Console(
        file=buf,
        width=width,
        force_terminal=color,
        no_color=not color,
        color_system="standard" if color else None,
        highlight=False,
        emoji=False,
    )

    def taken() -> str:
        text = buf.getvalue()
        buf.seek(0)
        buf.truncate()
        return text

    for e in results.extractions:
        name = Text("document: ", style="bold") + Text(one_line(e.path), style="italic")
        console.print(name, soft_wrap=True)
        for table in _tables(e, results):
            console.print(table)
            yield taken()
        for p in e.problems:
            number = f" {p.number}" if p.number is not None else ""
            line = f"line {p.line}: {p.kind.value}{number}: {one_line(p.detail)}"
            console.print(Text(line, style="yellow"), soft_wrap=True)
        if e.problems:
            console.print()
    console.print(Text(summary_line(results), style="bold"))
    yield taken()
