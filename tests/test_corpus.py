"""The committed corpus (bench/corpus/) is whole and its truth well-formed; the scorer and the damage
finder compute the right figures on small hand-made examples. No threshold on citecheck's quality."""

from __future__ import annotations

import importlib.util
import json
import re
import sys
from pathlib import Path
from types import ModuleType
from typing import Any
from urllib.parse import urlsplit

import pytest

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "bench" / "corpus"
MANIFEST: dict[str, Any] = json.loads((CORPUS / "manifest.json").read_text(encoding="utf-8"))
TOOLCHAINS = ("libreoffice", "pdflatex", "chromium", "typst")
EXTRACTORS = ("pdftotext", "pdftotext-layout", "mutool", "pypdf")


def _module(name: str, path: Path) -> ModuleType:
    spec = importlib.util.spec_from_file_location(name, path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


scorer = _module("corpus_score", ROOT / "bench" / "corpus_score.py")
damage = _module("corpus_damage", CORPUS / "corpus_damage.py")


def truth(name: str) -> dict[str, Any]:
    data: dict[str, Any] = json.loads((CORPUS / "truth" / f"{name}.json").read_text(encoding="utf-8"))
    return data


def test_every_document_is_made_by_every_toolchain_and_read_by_every_extractor() -> None:
    assert set(MANIFEST["toolchains"]) == set(TOOLCHAINS)
    for name, doc in MANIFEST["documents"].items():
        assert (CORPUS / doc["truth"]).is_file(), name
        assert set(doc["renders"]) == set(TOOLCHAINS), name
        for chain, made in doc["renders"].items():
            assert set(made["extractions"]) == set(EXTRACTORS), (name, chain)
            for rel in made["extractions"].values():
                assert (CORPUS / rel).read_text(encoding="utf-8").strip(), rel
            assert (CORPUS / made["source"]).is_file()
            if made["pdf"] is not None:
                assert (CORPUS / made["pdf"]).stat().st_size == made["pdf_bytes"] <= 150 * 1024


def test_every_truth_url_has_a_damage_record_for_every_extraction() -> None:
    keys = {f"{c}/{e}" for c in TOOLCHAINS for e in EXTRACTORS}
    kinds = {
        "line-break",
        "hyphen-inserted",
        "soft-hyphen-inserted",
        "space-inserted",
        "hyphen-dropped",
        "ligature",
        "page-split",
        "truncated",
        "hyphen-as-soft-hyphen",
    }
    for name in MANIFEST["documents"]:
        for entry in truth(name)["urls"]:
            assert set(entry["damage"]) == keys, (name, entry["url"])
            for record in entry["damage"].values():
                assert record["form"] in ("intact", "damaged", "missing")
                assert {e["kind"] for e in record["events"]} <= kinds
                assert (record["form"] == "damaged") == bool(record["events"])


URL_CHARS = re.compile(r"[A-Za-z0-9\-._~:/?\[\]@!$&'()*+,;=%]+")


def test_truth_urls_are_well_formed() -> None:
    for name in MANIFEST["documents"]:
        for entry in truth(name)["urls"]:
            url = entry["url"]
            parts = urlsplit(url)
            assert parts.scheme == "https" and parts.hostname and "." in parts.hostname, url
            assert URL_CHARS.fullmatch(url), url
            assert not re.search(r"%(?![0-9A-F]{2})", url), url
            assert url[-1] not in ".,;:)", url
            assert not parts.fragment, url
            assert isinstance(entry["footnote"], int) and entry["footnote"] >= 1
            assert entry["series"] >= 1


def test_the_documents_are_as_the_brief_describes() -> None:
    kinds = {name: truth(name)["kind"] for name in MANIFEST["documents"]}
    assert set(kinds.values()) == {"letter", "report", "negative"}
    per_chain = 0
    for name, kind in kinds.items():
        t = truth(name)
        if kind == "negative":
            assert t["notes"] == 0 and not t["urls"]
        else:
            assert 10 <= t["notes"] <= 40, name
            per_chain += len(t["urls"])
    assert per_chain >= 200  # every document is made by every toolchain


def test_the_manifest_names_every_tools_version() -> None:
    versions = MANIFEST["versions"]
    for tool in (
        "pandoc",
        "libreoffice",
        "pdflatex",
        "chromium",
        "typst (PyPI)",
        "pdftotext",
        "mutool",
        "pypdf (PyPI)",
    ):
        assert re.search(r"\d+\.\d+", versions[tool]), tool
    listed = (CORPUS / "VERSIONS.txt").read_text(encoding="utf-8").splitlines()
    assert listed == [f"{tool}: {version}" for tool, version in versions.items()]


def test_the_committed_corpus_stays_small() -> None:
    total = sum(p.stat().st_size for p in CORPUS.rglob("*") if p.is_file())
    assert total < 12 * 1024 * 1024


# --- the scorer -------------------------------------------------------------------------------------

A = "https://www.hrw.org/news/2025/03/13/el-salvadors-prisons"
B = "https://apnews.com/article/cecot-0123456789abcdef0123456789abcdef"
B_DAMAGED = "https://apnews.com/article/cecot0123456789abcdef0123456789abcdef"


def _link(url: str) -> dict[str, Any]:
    return {"written": url, "url": url}


def test_score_counts_right_note_anywhere_and_false_urls() -> None:
    """A is cited in notes 1 and 3, B in note 2. citecheck finds A in 1 only, B damaged in 2, and B
    intact outside any footnote: A's second citation is found nowhere."""
    true = {
        "kind": "letter",
        "urls": [
            {"url": A, "footnote": 1, "series": 1},
            {"url": B, "footnote": 2, "series": 1},
            {"url": A, "footnote": 3, "series": 1},
        ],
    }
    doc = {
        "footnotes": [
            {"number": 1, "series": 1, "links": [_link(A)]},
            {"number": 2, "series": 1, "links": [_link(B_DAMAGED)]},
            {"number": 4, "series": 1, "links": []},
        ],
        "unnumbered_links": [_link(B)],
    }
    got = scorer.score(true, doc)
    assert (got.true_urls, got.right_note, got.anywhere, got.found, got.false) == (3, 1, 2, 3, 1)
    assert (got.negative_docs, got.invented_notes) == (0, 0)


def test_score_counts_a_url_in_a_note_of_another_series_as_in_the_wrong_note() -> None:
    """Chapters restart their numbers: note 1 of series 2 is not note 1 of series 1 (the default)."""
    true = {
        "kind": "report",
        "urls": [{"url": A, "footnote": 1, "series": 2}, {"url": B, "footnote": 1, "series": 1}],
    }
    right = {
        "footnotes": [
            {"number": 1, "series": 2, "links": [_link(A)]},
            {"number": 1, "links": [_link(B)]},
        ],
        "unnumbered_links": [],
    }
    swapped = {
        "footnotes": [
            {"number": 1, "series": 1, "links": [_link(A)]},
            {"number": 1, "series": 2, "links": [_link(B)]},
        ],
        "unnumbered_links": [],
    }
    assert scorer.score(true, right).right_note == 2
    got = scorer.score(true, swapped)
    assert (got.right_note, got.anywhere, got.false) == (0, 2, 0)


def test_score_counts_footnotes_invented_in_negative_documents() -> None:
    true = {"kind": "negative", "urls": []}
    doc = {
        "footnotes": [{"number": 1, "links": []}, {"number": 2, "links": [_link(A)]}],
        "unnumbered_links": [],
    }
    got = scorer.score(true, doc)
    assert (got.negative_docs, got.invented_notes, got.found, got.false) == (1, 2, 1, 1)


def test_table_adds_up_per_toolchain_and_overall() -> None:
    a = scorer.Figures(true_urls=10, right_note=5, anywhere=8, found=10, false=2)
    b = scorer.Figures(true_urls=30, right_note=30, anywhere=30, found=30, false=0)
    lines = scorer.table({("typst", "mutool"): (a, None), ("typst", "pypdf"): (b, None)})
    total = next(line for line in lines if line.startswith("all "))
    assert total.split()[1:5] == ["40", "87.5%", "95.0%", "2"]


# --- the damage finder ------------------------------------------------------------------------------

URL = "https://www.example.org/news/2025/03/el-salvador-prison-report"


@pytest.mark.parametrize(
    ("text", "summary", "first"),
    [
        (f"see {URL}.", "intact", None),
        (
            "see https://www.example.org/news/2025/03/el-salvador-\nprison-report.",
            "line-break",
            {"kind": "line-break", "at": URL.index("prison"), "after": "-", "before": "p"},
        ),
        (
            "see https://www.example.org/news/2025/03/el-salvadorprison-report.",
            "hyphen-dropped",
            {"kind": "hyphen-dropped", "at": URL.index("-prison")},
        ),
        (
            "see https://www.example.org/news/2025/03/el-salva-\n   dor-prison-report.",
            "hyphen-inserted+line-break",
            {"kind": "line-break", "at": URL.index("dor-p"), "after": "a", "before": "d"},
        ),
        (
            "see https://www.example.org/news/2025/03/el-salvador-prison-re\u00adport.",
            "soft-hyphen-inserted",
            {"kind": "soft-hyphen-inserted", "at": URL.index("port")},
        ),
        (
            "see https://www.example.org/news/2025/03/el- salvador-prison-report.",
            "space-inserted",
            {"kind": "space-inserted", "at": URL.index("salvador")},
        ),
        ("nothing here", "missing", None),
    ],
)
def test_damage_names_what_the_extractor_did(text: str, summary: str, first: dict[str, Any] | None) -> None:
    found, _ = damage.locate(URL, text)
    assert damage.summary(found) == summary
    if first is not None:
        assert found["events"][0] == first


def test_damage_sees_ligatures_and_page_splits() -> None:
    url = "https://www.state.gov/office-of-the-spokesperson"
    found, _ = damage.locate(url, "at https://www.state.gov/o\ufb00ice-of-the-spokesperson.")
    assert damage.summary(found) == "ligature"
    page = "at https://www.state.gov/office-of-\n12\n\nBody text of the next page.\nthe-spokesperson.\n"
    found, _ = damage.locate(url, page)
    assert damage.summary(found) == "page-split"
    assert found["events"][0]["at"] == url.index("the-spokesperson")


def test_damage_sees_hyphens_given_as_soft_hyphens() -> None:
    """typst's PDFs map a URL's hyphen glyph to U+00AD; mutool and pypdf give it so."""
    found, _ = damage.locate(URL, URL.replace("-", "\u00ad").replace("salvador\u00ad", "salvador\u00ad\n"))
    assert damage.summary(found) == "hyphen-as-soft-hyphen+line-break"
    assert [e["at"] for e in found["events"] if e["kind"] == "hyphen-as-soft-hyphen"] == [
        i for i, ch in enumerate(URL) if ch == "-"
    ]


def test_damage_sees_a_short_head_before_a_page_break_and_a_lost_end() -> None:
    url = "https://www.ca5.uscourts.gov/opinions/pub/23/23-42372-CV0.pdf"
    page = "(June 4, 2025), https://www.\n\n12\n\nBody text on the next page.\n" + url[12:] + "\n"
    found, _ = damage.locate(url, page)
    assert found["events"][0] == {"kind": "page-split", "at": 12, "after": ".", "before": "c", "lines": 5}
    found, _ = damage.locate(url, "(June 4, 2025), https://www.ca5.uscourts.gov/opinions/pub/2\nNext line.\n")
    assert found["events"][0] == {"kind": "truncated", "at": url.index("3/23-"), "after": "2", "before": "3"}
