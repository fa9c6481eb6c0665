"""GitHub Actions workflow commands: `::error file=…,line=…::message` per failing link, `::warning`
per warning. Pure. Values are escaped as the runner requires (% \\r \\n, and : , in properties)."""

from __future__ import annotations

from citecheck.report import Results
from citecheck.report.ci import findings
from citecheck.verdict import Verdict


def _data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _prop(text: str) -> str:
    return _data(text).replace(":", "%3A").replace(",", "%2C")


def render(results: Results) -> str:
    lines = []
    for f in findings(results):
        if f.verdict is Verdict.PASS:
            continue
        level = "error" if f.verdict is Verdict.FAIL else "warning"
        title = f"citecheck: {f.rule}"
        where = f"file={_prop(f.path)},line={f.link.line},title={_prop(title)}"
        lines.append(f"::{level} {where}::{_data(f.message)}")
    return "".join(line + "\n" for line in lines)
