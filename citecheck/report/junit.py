"""JUnit XML: one test case per link, a suite per document, grouped by footnote. Pure.

CI systems show failures with their message (the reason) and the document line.
"""

from __future__ import annotations

from xml.etree import ElementTree as ET

from citecheck.report import Results
from citecheck.report.ci import findings
from citecheck.report.sanitize import clean
from citecheck.verdict import Verdict


def render(results: Results) -> str:
    root = ET.Element("testsuites", name="citecheck")
    suites: dict[str, ET.Element] = {}
    totals = {"tests": 0, "failures": 0, "skipped": 0}
    for f in findings(results):
        suite = suites.get(f.path)
        if suite is None:
            suite = suites[f.path] = ET.SubElement(root, "testsuite", name=f.path)
        group = f"footnote {f.footnote}" if f.footnote is not None else "body"
        case = ET.SubElement(
            suite,
            "testcase",
            classname=f"{f.path}.{group}",
            name=f"{group} line {f.link.line}: {clean(f.link.url)}",
            file=f.path,
            line=str(f.link.line),
        )
        totals["tests"] += 1
        if f.verdict is Verdict.FAIL:
            failure = ET.SubElement(case, "failure", message=f.message, type=f.rule)
            failure.text = f"{f.path}:{f.link.line}: {f.message}"
            totals["failures"] += 1
        elif f.verdict is Verdict.WARN:
            ET.SubElement(case, "system-out").text = f"warning: {f.message}"
        elif f.check.status.value == "unchecked":
            ET.SubElement(case, "skipped", message=clean(f.check.detail or "not checked"))
            totals["skipped"] += 1
    for suite in suites.values():
        cases = suite.findall("testcase")
        suite.set("tests", str(len(cases)))
        suite.set("failures", str(sum(1 for c in cases if c.find("failure") is not None)))
        suite.set("skipped", str(sum(1 for c in cases if c.find("skipped") is not None)))
    for key, value in totals.items():
        root.set(key, str(value))
    ET.indent(root)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="unicode") + "\n"
