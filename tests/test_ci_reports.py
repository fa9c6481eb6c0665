"""CI formats: JUnit parsed back, SARIF validated against the official 2.1.0 schema, GitHub annotations and
the Markdown summary compared with golden files (regenerate on purpose: CITECHECK_REGENERATE=1)."""

from __future__ import annotations

import datetime as dt
import json
import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any
from xml.etree import ElementTree as ET

import jsonschema
import pytest

from citecheck.extract import extract
from citecheck.ingest import read_document
from citecheck.models import Confirmation, LinkCheck, Status
from citecheck.report import Results, github, junit, markdown, sarif

ROOT = Path(__file__).resolve().parent.parent
GOLDEN = Path(__file__).resolve().parent / "golden"


@pytest.fixture(scope="module")
def results() -> Results:
    """The letter as a verify run might leave it: one dead link, one blocked, the rest ok."""
    (e,) = [extract(read_document("fixtures/letter.txt"))]
    links = e.links()
    checks = {lk.url: LinkCheck(Status.OK, 200, lk.url, "200 OK") for lk in links}
    checks[links[12].url] = LinkCheck(Status.DEAD, 404, links[12].url, "404 Not Found")
    checks[links[0].url] = LinkCheck(Status.BLOCKED, 403, links[0].url, "403 Forbidden: a bot challenge page")
    return Results([e], dt.datetime(2026, 11, 22, 12, tzinfo=dt.UTC), checks)


def golden(name: str, text: str, environ: Mapping[str, str] = os.environ) -> None:
    """Compare with the golden file, or (CITECHECK_REGENERATE set, on purpose) rewrite it. Never
    both in CI: a regenerated file compared with itself would pass whatever the output."""
    path = GOLDEN / name
    if environ.get("CITECHECK_REGENERATE"):
        assert not environ.get("CI"), (
            "CITECHECK_REGENERATE is set in CI: golden files would compare with themselves"
        )
        path.write_text(text, encoding="utf-8")
        return
    assert text == path.read_text(encoding="utf-8")


def test_regenerating_golden_files_fails_in_ci() -> None:
    with pytest.raises(AssertionError, match="in CI"):
        golden("never-written.txt", "x", {"CITECHECK_REGENERATE": "1", "CI": "true"})
    assert not (GOLDEN / "never-written.txt").exists()


def test_junit_parses_back(results: Results) -> None:
    root = ET.fromstring(junit.render(results))
    cases = root.findall("./testsuite/testcase")
    assert len(cases) == 37 and root.get("tests") == "37"
    failures = [c for c in cases if c.find("failure") is not None]
    assert root.get("failures") == str(len(failures)) == "10"  # 9 wrapped + 1 dead
    dead = next(c for c in failures if c.find("failure").get("type") == "dead")  # type: ignore[union-attr]
    assert dead.get("line") == "77" and dead.get("file") == "fixtures/letter.txt"
    assert "404 Not Found" in (dead.find("failure").get("message") or "")  # type: ignore[union-attr]
    assert sum("warning:" in (c.findtext("system-out") or "") for c in cases) == 3  # the blocked post, thrice


def test_sarif_structure(results: Results) -> None:
    log = json.loads(sarif.render(results))
    assert log["version"] == "2.1.0" and log["$schema"].endswith("sarif-2.1.0.json")
    (run,) = log["runs"]
    rules = run["tool"]["driver"]["rules"]
    assert len({r["id"] for r in rules}) == len(rules)
    assert all(r["shortDescription"]["text"] for r in rules)
    levels = {r["ruleId"]: r["level"] for r in run["results"]}
    assert levels == {"wrapped": "error", "dead": "error", "blocked": "warning"}
    for result in run["results"]:
        assert rules[result["ruleIndex"]]["id"] == result["ruleId"]
        (location,) = result["locations"]
        assert location["physicalLocation"]["artifactLocation"]["uri"] == "fixtures/letter.txt"
        assert location["physicalLocation"]["region"]["startLine"] >= 1
        assert result["message"]["text"] and result["partialFingerprints"]["citecheck/v1"]
    blocked = sum(
        1 for lk in results.extractions[0].links() if lk.url == results.extractions[0].links()[0].url
    )
    assert blocked == 3  # the same post is cited in footnotes 1, 24 and 25
    assert len(run["results"]) == 10 + blocked


SARIF_SCHEMA = Path(__file__).resolve().parent / "schemas" / "sarif-2.1.0.json"


def sarif_errors(log: Any) -> list[str]:
    """Every way `log` breaks the official SARIF 2.1.0 schema (vendored: tests/schemas/README.md)."""
    schema = json.loads(SARIF_SCHEMA.read_text(encoding="utf-8"))
    validator = jsonschema.Draft4Validator(schema, format_checker=jsonschema.FormatChecker())
    return [f"{'/'.join(map(str, e.absolute_path))}: {e.message}" for e in validator.iter_errors(log)]


def test_sarif_validates_against_the_official_schema(results: Results) -> None:
    assert sarif_errors(json.loads(sarif.render(results))) == []
    no_checks = Results(results.extractions, results.checked_at, {})
    assert sarif_errors(json.loads(sarif.render(no_checks))) == []


def test_the_schema_check_catches_a_malformed_log(results: Results) -> None:
    """The validation is real: logs that GitHub would reject fail it."""
    log = json.loads(sarif.render(results))
    log["runs"][0]["results"][0]["level"] = "fatal"
    del log["runs"][0]["tool"]["driver"]["name"]
    errors = sarif_errors(log)
    assert any("level" in e for e in errors) and any("'name' is a required property" in e for e in errors)


def test_github_annotations_golden(results: Results) -> None:
    text = github.render(results)
    assert text.count("::error ") == 10 and text.count("::warning ") == 3
    golden("github.txt", text)


def test_markdown_summary_golden(results: Results) -> None:
    golden("summary.md", markdown.render(results))


def test_messages_say_what_to_change() -> None:
    e = extract(read_document(str(ROOT / "fixtures" / "letter.txt")))
    hrw = next(lk for lk in e.links() if "declarationprison" in lk.written)
    assert hrw.repair is not None and hrw.repair.confirmed_by is Confirmation.DOCUMENT
    text = github.render(Results([e], dt.datetime(2026, 11, 22, tzinfo=dt.UTC)))
    assert "declarationprison" in text and "change it to this URL (confirmed by the document)" in text
