"""SARIF 2.1.0: one result per failing or warning link, with its file and line, and a rule per
status, so GitHub code scanning shows broken citations inline. Pure."""

from __future__ import annotations

import hashlib
from typing import Any
from urllib.parse import quote

from citecheck import __version__
from citecheck.report import Results
from citecheck.report.ci import findings
from citecheck.report.sanitize import json_text
from citecheck.verdict import Verdict
from citecheck.version import PROJECT_URL

SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"

RULES: dict[str, tuple[str, str]] = {
    "dead": ("DeadLink", "The cited page is gone (404/410) or its host does not exist."),
    "broken": (
        "BrokenLink",
        "The cited URL fails: a server error, TLS failure, reset, redirect loop or malformed URL.",
    ),
    "soft-404": ("SoftNotFound", "The cited URL answers, but with an error page or the site's home page."),
    "blocked": (
        "BlockedLink",
        "The server refused the check (401/403/429 or a bot wall); the page may exist.",
    ),
    "timeout": ("TimedOut", "The cited URL did not answer in time."),
    "redirected": ("MovedLink", "The cited URL moved permanently to a different page: update the citation."),
    "wrapped": ("WrappedUrl", "The URL as written was damaged by line wrapping; the document needs fixing."),
    "unchecked": ("Unchecked", "The URL was not checked."),
    "ok": ("Ok", "The URL works."),
    "drift": (
        "ContentDrift",
        "The cited URL works, but the page shows something other than the cited work.",
    ),
    "mismatch": (
        "MismatchedLink",
        "The link's visible URL is another URL than its target; a printed copy shows only the visible one.",
    ),
}
"""Rule ids in a fixed order: `ruleIndex` points into it, so new rules go last."""


def _rule(rule_id: str) -> dict[str, Any]:
    name, text = RULES[rule_id]
    return {
        "id": rule_id,
        "name": name,
        "shortDescription": {"text": text},
        "helpUri": f"{PROJECT_URL}#what-verify-does",
    }


def render(results: Results) -> str:
    rule_ids = list(RULES)
    out: list[dict[str, Any]] = []
    for f in findings(results):
        if f.verdict is Verdict.PASS:
            continue
        fingerprint = hashlib.sha256(f"{f.document.path}|{f.footnote}|{f.link.written}".encode()).hexdigest()
        out.append(
            {
                "ruleId": f.rule,
                "ruleIndex": rule_ids.index(f.rule),
                "level": "error" if f.verdict is Verdict.FAIL else "warning",
                "message": {"text": f.message},
                "locations": [
                    {
                        "physicalLocation": {
                            "artifactLocation": {"uri": quote(f.document.path.replace("\\", "/"), safe="/")},
                            "region": {"startLine": max(1, f.link.line)},
                        }
                    }
                ],
                "partialFingerprints": {"citecheck/v1": fingerprint},
            }
        )
    log = {
        "$schema": SCHEMA,
        "version": "2.1.0",
        "runs": [
            {
                "tool": {
                    "driver": {
                        "name": "citecheck",
                        "version": __version__,
                        "informationUri": PROJECT_URL,
                        "rules": [_rule(r) for r in rule_ids],
                    }
                },
                "results": out,
            }
        ],
    }
    return json_text(log)
