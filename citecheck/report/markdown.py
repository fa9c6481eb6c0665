"""A Markdown summary for a pull-request comment or a CI job summary. Pure.

The counts first, then a table of what fails and what warns; links that pass are only counted.
Outside text is escaped for a table cell (`md_escape`), and an `@name` in it notifies nobody.
"""

from __future__ import annotations

from collections import Counter

from citecheck.report import Results
from citecheck.report.appendix import md_escape, md_url
from citecheck.report.ci import drift_note, findings, mismatch_note
from citecheck.verdict import Verdict

ICON = {Verdict.FAIL: "❌", Verdict.WARN: "⚠️", Verdict.PASS: "✅"}


def render(results: Results) -> str:
    found = list(findings(results))
    verdicts = Counter(f.verdict for f in found)
    statuses = Counter(f.check.status.value for f in found)
    docs = len(results.extractions)
    lines = [
        "## citecheck",
        "",
        f"{ICON[Verdict.FAIL] if verdicts[Verdict.FAIL] else ICON[Verdict.PASS]} "
        f"{len(found)} links in {docs} document{'s' if docs != 1 else ''}: "
        f"{verdicts[Verdict.FAIL]} failing, {verdicts[Verdict.WARN]} warning, "
        f"{verdicts[Verdict.PASS]} passing "
        f"({', '.join(f'{n} {s}' for s, n in sorted(statuses.items()))}).",
    ]
    if results.time_limit is not None:
        lines += [
            "",
            f"⏱️ Stopped at --max-time {results.time_limit:g} s: links not checked are reported as timeout.",
        ]
    if results.hosts_given_up:
        hosts = ", ".join(md_url(h) for h in results.hosts_given_up)
        lines += ["", f"⏱️ Given up after repeated timeouts (their other links were not requested): {hosts}."]
    shown = [f for f in found if f.verdict is not Verdict.PASS]
    if shown:
        lines += [
            "",
            "| | Document | Line | Note | Status | URL | What to do |",
            "| --- | --- | ---: | ---: | --- | --- | --- |",
        ]
        for f in sorted(shown, key=lambda f: (f.verdict is not Verdict.FAIL, f.document.path, f.link.line)):
            if f.rule == "wrapped":
                todo = f"fix the URL (written `{md_escape(f.link.written)}`)"
            elif f.link.visible is not None:
                todo = md_escape(mismatch_note(f.link, f.visible_check))
            elif f.rule == "drift" and f.match is not None:
                todo = md_escape(drift_note(f.match))
            else:
                todo = md_escape(f.check.detail or f.rule)
            note = str(f.footnote) if f.footnote is not None else ""
            lines.append(
                f"| {ICON[f.verdict]} | {md_escape(f.document.path)} | {f.link.line} | {note} | {f.rule} | "
                f"{md_url(f.link.url)} | {todo} |"
            )
    return "\n".join(lines) + "\n"
