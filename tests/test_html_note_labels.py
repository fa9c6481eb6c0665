"""HTML notes: a note referenced only from another note is referenced, and lettered notes keep
their letters as labels. Table-driven over real pages (Pandoc's and MediaWiki's markup)."""

from __future__ import annotations

from pathlib import Path

import pytest

from citecheck.extract import extract
from citecheck.ingest import document_from_bytes, read_document

ROOT = Path(__file__).resolve().parent.parent


def _pandoc(body: str, notes: list[str]) -> bytes:
    items = "".join(
        f'<li id="fn{k}"><p>{text} <a href="#fnref{k}" role="doc-backlink">↩</a></p></li>'
        for k, text in enumerate(notes, 1)
    )
    return (
        f'<html><body><p>{body}</p><section id="footnotes" class="footnotes" role="doc-endnotes"><hr/>'
        f"<ol>{items}</ol></section></body></html>"
    ).encode()


def _ref(k: int) -> str:
    return f'<a href="#fn{k}" class="footnote-ref" id="fnref{k}" role="doc-noteref"><sup>{k}</sup></a>'


CASES = [
    (
        "a note cited only from another note",
        _pandoc(
            f"One{_ref(1)} three{_ref(3)}.", ['Note one, see <a href="#fn2">note 2</a>.', "Two.", "Three."]
        ),
        [(1, None, "Note one, see note 2."), (2, None, "Two."), (3, None, "Three.")],
        set(),
    ),
    (
        "negative: a note nobody cites is still unreferenced",
        _pandoc(f"One{_ref(1)} three{_ref(3)}.", ["Note one.", "Two.", "Three."]),
        [(1, None, "Note one."), (2, None, "Two."), (3, None, "Three.")],
        {("unreferenced-footnote", 2)},
    ),
    (
        "negative: a link to a web page inside a note is no reference",
        _pandoc(f"One{_ref(1)}.", ['See <a href="https://a.example/x">the page</a>.']),
        [(1, None, "See the page.")],
        set(),
    ),
]


@pytest.mark.parametrize(("page", "notes", "problems"), [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_notes_cited_from_notes(
    page: bytes, notes: list[tuple[int, str | None, str]], problems: set[tuple[str, int]]
) -> None:
    found = extract(document_from_bytes(page, "d.html", "html"))
    assert [(f.number, f.label, f.text) for f in found.footnotes] == notes
    assert {(p.kind.value, p.number) for p in found.problems} == problems


LETTERED = (
    b'<html><body><p>Claim.<sup class="reference"><a href="#cite_note-1">[1]</a></sup> Aside.'
    b'<sup class="reference"><a href="#cite_note-a">[a]</a></sup> More.'
    b'<sup class="reference"><a href="#cite_note-b">[b]</a></sup></p>'
    b'<div class="reflist"><ol class="references"><li id="cite_note-1">Ref one.</li></ol></div>'
    b'<div class="notelist"><ol class="references" style="list-style-type: lower-alpha">'
    b'<li id="cite_note-a">Aside note.</li><li id="cite_note-b">More note.</li></ol></div></body></html>'
)


@pytest.mark.parametrize(
    ("source", "labels"),
    [
        ("wikipedia fixture", [(1, None), (2, None), (3, None), (4, "a")]),
        ("two lettered notes", [(1, None), (2, "a"), (3, "b")]),
    ],
)
def test_lettered_notes_keep_their_letters(source: str, labels: list[tuple[int, str | None]]) -> None:
    if source == "wikipedia fixture":
        doc = read_document(str(ROOT / "fixtures" / "html" / "wikipedia.html"))
    else:
        doc = document_from_bytes(LETTERED, "d.html", "html")
    found = extract(doc)
    assert [(f.number, f.label) for f in found.footnotes] == labels
    assert found.problems == ()
