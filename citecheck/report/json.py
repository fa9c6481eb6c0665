"""The JSON report, schema `citecheck.report/1` exactly as `shared/CONTRACT.md` gives it. Pure.

Extensions (allowed by the contract, never changing a field it defines): per link `accessed`,
`verdict`, `suspects`, `readings` (other readings of the line breaks at the URL's end),
`mismatch` (the visible URL, the target and the visible URL's status, when the link's visible
URL is another URL than its target), `save` (a Save Page Now outcome), `match` (is the page the
cited work) and `repair.edits`; per footnote `label` (the label as written, or the number when
the note has no label of its own); per document `date`; in the summary `mismatched`; in the
summary `archive_requests` (requests made to the archive, by kind), `hosts_given_up` (hosts
whose other links were not requested after repeated timeouts, with their count of timed-out URLs)
and `time_limit_reached` (whether `--max-time` cut the run short).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from typing import Any

from citecheck import __version__
from citecheck.models import Extraction, Footnote, Link, Match, Problem, SaveResult, Snapshot
from citecheck.report import Results, utc_stamp
from citecheck.report.sanitize import Stream, json_chunks, json_text

SCHEMA = "citecheck.report/1"


def _iso(ts: Any) -> str | None:
    return ts.isoformat() if ts is not None else None


def _timestamp(snapshot: Snapshot) -> str:
    return utc_stamp(snapshot.timestamp)


def link_dict(link: Link, results: Results) -> dict[str, Any]:
    """One link as the contract shapes it."""
    check = results.check(link)
    snap = results.archive(link)
    repair = link.repair
    return {
        "written": link.written,
        "url": link.url,
        "line": link.line,
        "repair": None
        if repair is None
        else {
            "kind": repair.kind,
            "confirmed_by": repair.confirmed_by.value if repair.confirmed_by else None,
            "candidates": list(repair.candidates),
            "edits": list(repair.edits),
        },
        "status": check.status.value,
        "http_status": check.http_status,
        "final_url": check.final_url,
        "detail": check.detail,
        "archive": None if snap is None else {"url": snap.url, "timestamp": _timestamp(snap)},
        "accessed": _iso(link.accessed),
        "verdict": results.verdict(link).value,
        "suspects": list(link.suspects),
        "readings": list(link.readings),
        "mismatch": _mismatch(link, results),
        "save": _save(results.saves.get(link.url)),
        "match": match_dict(results.match(link)),
    }


def match_dict(m: Match | None) -> dict[str, Any] | None:
    """`{"verdict", "score", "cited_title", "page_title", ...}`, or None when not judged."""
    if m is None:
        return None
    return {
        "verdict": m.verdict.value,
        "score": m.score,
        "cited_title": m.cited_title,
        "page_title": m.page_title,
        "reason": m.reason,
        "cited_date": _iso(m.cited_date),
        "page_date": _iso(m.page_date),
        "archive_verdict": m.archive_verdict.value if m.archive_verdict else None,
        "archive_title": m.archive_title,
        "archive_url": m.archive_url,
    }


def _mismatch(link: Link, results: Results) -> dict[str, Any] | None:
    """`{"visible", "target", "visible_status", "visible_http_status"}`, or None for no mismatch."""
    check = results.visible_check(link)
    if link.visible is None or check is None:
        return None
    return {
        "visible": link.visible,
        "target": link.url,
        "visible_status": check.status.value,
        "visible_http_status": check.http_status,
    }


def _save(save: SaveResult | None) -> dict[str, Any] | None:
    if save is None:
        return None
    return {"status": save.status, "job_id": save.job_id, "detail": save.detail}


def _footnote(fn: Footnote, results: Results) -> dict[str, Any]:
    return {
        "number": fn.number,
        "series": fn.series,
        "label": fn.label if fn.label is not None else str(fn.number),
        "line": fn.line,
        "text": fn.text,
        "accessed": _iso(fn.accessed),
        "links": [link_dict(link, results) for link in fn.links],
    }


def _problem(p: Problem) -> dict[str, Any]:
    return {"kind": p.kind.value, "number": p.number, "line": p.line, "detail": p.detail}


def _document(e: Extraction, results: Results, *, lazy: bool = False) -> dict[str, Any]:
    footnotes = (lambda: (_footnote(fn, results) for fn in e.footnotes)) if lazy else None
    unnumbered = (lambda: (link_dict(link, results) for link in e.unnumbered_links)) if lazy else None
    return {
        "path": e.path,
        "footnotes": Stream(footnotes) if footnotes else [_footnote(fn, results) for fn in e.footnotes],
        "unnumbered_links": Stream(unnumbered)
        if unnumbered
        else [link_dict(link, results) for link in e.unnumbered_links],
        "problems": [_problem(p) for p in e.problems],
        "date": _iso(e.date),
        "config": results.config,
    }


def report_dict(results: Results, *, lazy: bool = False) -> dict[str, Any]:
    """The whole report as a JSON-ready dict (`lazy`: each document's footnotes and links as a
    `Stream`, made only as they are written)."""
    links = results.all_links()
    by_status = Counter(results.check(link).status.value for link in links)
    return {
        "schema": SCHEMA,
        "tool": {"name": "citecheck", "version": __version__},
        "checked_at": utc_stamp(results.checked_at),
        "documents": [_document(e, results, lazy=lazy) for e in results.extractions],
        "summary": {
            "documents": len(results.extractions),
            "footnotes": sum(len(e.footnotes) for e in results.extractions),
            "links": len(links),
            "by_status": dict(sorted(by_status.items())),
            "wrapped": sum(1 for link in links if link.repair is not None),
            "mismatched": sum(1 for link in links if link.visible is not None),
            "archived": sum(1 for link in links if results.archive(link) is not None),
            "failing": results.failing(),
            "archive_requests": dict(sorted(results.archive_requests.items())),
            "by_match": dict(sorted(Counter(m.verdict.value for m in results.matches.values()).items())),
            "hosts_given_up": dict(sorted(results.hosts_given_up.items())),
            "time_limit_reached": results.time_limit is not None,
        },
    }


def render(results: Results) -> str:
    """The JSON report as text (UTF-8, not ASCII-escaped, with a final newline)."""
    return json_text(report_dict(results))


def chunks(results: Results) -> Iterator[str]:
    """`render` a piece at a time (the same text): a footnote's dict lives only while it is written."""
    return json_chunks(report_dict(results, lazy=True))
