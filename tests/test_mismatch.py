"""A link whose visible URL is another URL than its target is a `mismatch`, not a wrapping repair.

Through real documents (HTML, Markdown, Word) offline, and through `verify` against a local web
server: both the visible URL and the target are checked, the report shows both, and the condition
warns by default and fails when `--fail-on` names it.
"""

from __future__ import annotations

import importlib.util
import json
from collections.abc import Callable
from pathlib import Path
from types import ModuleType

import pytest
from cli_run import run_citecheck
from webserver import Route, WebServer

from citecheck.extract import extract
from citecheck.ingest import document_from_bytes
from citecheck.models import Confirmation, Link
from citecheck.report.sarif import RULES

ROOT = Path(__file__).resolve().parent.parent
LIVE_ONLY = ("--no-archive", "--no-cache")


def _html(href: str, visible: str) -> str:
    return (
        '<html><body><p>Claim.<sup><a href="#fn1" id="ref1">1</a></sup></p>'
        '<section class="footnotes"><ol><li id="fn1"><p>Story, Outlet (Mar. 1, 2025), '
        f'<a href="{href}">{visible}</a>. <a href="#ref1">↩</a></p></li></ol></section></body></html>'
    )


def _markdown(href: str, visible: str) -> str:
    return f"Claim.[^1]\n\n[^1]: Story, Outlet (Mar. 1, 2025), [{visible}]({href}).\n"


def _docx_module() -> ModuleType:
    spec = importlib.util.spec_from_file_location(
        "make_fixtures", ROOT / "fixtures" / "docx" / "make_fixtures.py"
    )
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _docx(href: str, visible: str) -> bytes:
    m = _docx_module()
    foot_rels = m.Rels()
    body = [m.paragraph(m.run("Claim.") + m.reference("footnote", 1))]
    link = m.hyperlink(foot_rels.link(href), visible)
    notes = m.notes_part(
        "footnote", [m.note("footnote", 1, [m.run("Story, Outlet (Mar. 1, 2025), ") + link])]
    )
    empty = m.notes_part("endnote", [])
    members = m.docx(body, m.main_rels(), notes, foot_rels, empty, m.Rels())
    return bytes(m.zip_bytes(members))


def _only_link(data: bytes, name: str, kind: str) -> Link:
    e = extract(document_from_bytes(data, name, kind))
    (fn,) = e.footnotes
    (link,) = fn.links
    return link


FORMATS: dict[str, Callable[[str, str], tuple[bytes, str]]] = {
    "html": lambda href, visible: (_html(href, visible).encode(), "d.html"),
    "markdown": lambda href, visible: (_markdown(href, visible).encode(), "d.md"),
    "docx": lambda href, visible: (_docx(href, visible), "d.docx"),
}

# (target, visible text, expected visible URL or None, whether a document-confirmed repair)
CASES = [
    ("https://new.example/y", "https://old.example/x", "https://old.example/x", False),
    (
        "https://a.example/report-2024",
        "https://a.example/report-2023",
        "https://a.example/report-2023",
        False,
    ),
    ("https://a.example/x/deeper", "https://b.example/x/deeper", "https://b.example/x/deeper", False),
    # negatives: the visible URL is the target as wrapping leaves it
    (
        "https://a.example/story-about-deported-migrants",
        "https://a.example/story-about-deportedmigrants",
        None,
        True,
    ),
    ("https://a.example/prison-cecot-bukele/", "https://a.example/prisoncecot-bukel-e/", None, True),
    ("https://a.example/story-about-deported-migrants", "https://a.example/story-about-", None, True),
    # negative: an autolink (the visible URL is the target)
    ("https://a.example/same", "https://a.example/same", None, False),
]


@pytest.mark.parametrize("kind", sorted(FORMATS))
@pytest.mark.parametrize(("target", "visible", "expected", "repaired"), CASES)
def test_visible_url_other_than_target_is_a_mismatch(
    kind: str, target: str, visible: str, expected: str | None, repaired: bool
) -> None:
    data, name = FORMATS[kind](target, visible)
    link = _only_link(data, name, kind)
    assert link.url == target
    assert link.visible == expected
    if repaired:
        assert link.repair is not None and link.repair.confirmed_by is Confirmation.DOCUMENT
    else:
        assert link.repair is None


def test_the_sarif_mismatch_rule_comes_last() -> None:
    """Rule indexes already published stay: the new rule is appended."""
    assert list(RULES)[-1] == "mismatch"
    assert list(RULES).index("drift") == 9


def page(title: str) -> Route:
    return Route(
        200, body=f"<html><head><title>{title}</title></head><body><h1>{title}</h1></body></html>".encode()
    )


@pytest.fixture
def mismatched(web_server: WebServer, tmp_path: Path) -> Path:
    web_server.add("/new/story", page("Story"))
    doc = tmp_path / "doc.md"
    doc.write_text(_markdown(web_server.url("/new/story"), web_server.url("/old/story")), encoding="utf-8")
    return doc


def _links(stdout: str) -> list[dict[str, object]]:
    return [lk for fn in json.loads(stdout)["documents"][0]["footnotes"] for lk in fn["links"]]


def test_verify_checks_both_and_a_mismatch_warns_by_default(mismatched: Path, web_server: WebServer) -> None:
    done = run_citecheck("verify", *LIVE_ONLY, "--format", "json", str(mismatched))
    assert done.returncode == 0, done.stderr  # mismatch warns by default
    (link,) = _links(done.stdout)
    assert link["status"] == "ok" and link["repair"] is None and link["verdict"] == "warn"
    assert link["mismatch"] == {
        "visible": web_server.url("/old/story"),
        "target": web_server.url("/new/story"),
        "visible_status": "dead",
        "visible_http_status": 404,
    }
    assert web_server.count("/old/story") >= 1 and web_server.count("/new/story") >= 1
    assert json.loads(done.stdout)["summary"]["mismatched"] == 1
    assert json.loads(done.stdout)["summary"]["wrapped"] == 0


def test_fail_on_mismatch_fails_with_its_own_ci_rule(mismatched: Path) -> None:
    done = run_citecheck("verify", *LIVE_ONLY, "--fail-on", "mismatch", "--format", "sarif", str(mismatched))
    assert done.returncode == 1, done.stderr
    (result,) = json.loads(done.stdout)["runs"][0]["results"]
    assert (result["ruleId"], result["level"], result["ruleIndex"]) == ("mismatch", "error", len(RULES) - 1)
    assert "/old/story (which is dead)" in result["message"]["text"]
    github = run_citecheck(
        "verify", *LIVE_ONLY, "--fail-on", "mismatch", "--format", "github", str(mismatched)
    )
    assert github.stdout.startswith("::error ") and "title=citecheck%3A mismatch" in github.stdout
    junit = run_citecheck("verify", *LIVE_ONLY, "--fail-on", "mismatch", "--format", "junit", str(mismatched))
    assert 'type="mismatch"' in junit.stdout


def test_the_text_table_shows_both_urls(mismatched: Path, web_server: WebServer) -> None:
    done = run_citecheck("verify", *LIVE_ONLY, str(mismatched))
    assert done.returncode == 0, done.stderr
    assert "mismatch: shown URL dead" in done.stdout
    assert "1 showing another URL than they link" in done.stdout
