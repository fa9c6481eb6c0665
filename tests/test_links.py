"""Links the format states (annotations, hrefs, hyperlinks) are the truth for the text they cover."""

from __future__ import annotations

from citecheck.extract import extract
from citecheck.models import Confirmation, Document, KnownLink, Marker, NoteDraft, Notes, ProblemKind

TEXT = """Claim one about El Salvador.¹ Claim two.² Claim three.³

¹ Story, Outlet (Mar. 16, 2025), https://news.example/world/trump-bukele-deportedmigrants-story.
² Another, Outlet (Mar. 17, 2025), https://news.example/world/cecot-elsalvador-report.
³ Read it on my awesome blog (Mar. 18, 2025).
"""


def test_a_stated_target_repairs_damaged_visible_text() -> None:
    known = (
        KnownLink(
            "https://news.example/world/trump-bukele-deported-migrants-story",
            "https://news.example/world/trump-bukele-deportedmigrants-story",
            3,
        ),
    )
    (link,) = extract(Document("d.pdf", TEXT, known)).footnotes[0].links
    assert link.url == "https://news.example/world/trump-bukele-deported-migrants-story"
    assert link.repair is not None and link.repair.confirmed_by is Confirmation.DOCUMENT


def test_a_target_that_only_repeats_its_text_is_no_evidence() -> None:
    plain = extract(Document("d.txt", TEXT)).footnotes[1].links[0]
    assert plain.repair is not None  # on its own, `elsalvador` looks glued
    known = (
        KnownLink(
            "https://news.example/world/cecot-elsalvador-report",
            "https://news.example/world/cecot-elsalvador-\nreport",  # the same URL, wrapped on the page
            4,
        ),
    )
    (link,) = extract(Document("d.pdf", TEXT, known)).footnotes[1].links
    assert link.repair == plain.repair  # the proposal stands, unconfirmed; the live check decides


def test_a_link_whose_text_is_not_a_url_is_still_a_link() -> None:
    known = (KnownLink("https://blog.example/post", "awesome blog", 5),)
    (link,) = extract(Document("d.pdf", TEXT, known)).footnotes[2].links
    assert (link.written, link.url, link.line) == (
        "https://blog.example/post",
        "https://blog.example/post",
        5,
    )


def test_non_web_targets_are_ignored() -> None:
    known = (KnownLink("#fn1", "1", 1), KnownLink("mailto:a@b.example", "write to us", 5))
    assert extract(Document("d.html", TEXT, known)).footnotes[2].links == ()


def test_stated_footnotes_are_used_and_checked() -> None:
    notes = Notes(
        notes=(
            NoteDraft(1, 3, ((3, "See https://a.example/x."),)),
            NoteDraft(3, 4, ((4, "See https://b.example/y."),)),
        ),
        markers=(Marker(1, 1), Marker(2, 1), Marker(3, 1)),
        body=((1, "Body with three markers."),),
    )
    result = extract(
        Document(
            "d.docx",
            "Body with three markers.\n\nSee https://a.example/x.\nSee https://b.example/y.",
            notes=notes,
        )
    )
    assert [fn.number for fn in result.footnotes] == [1, 3]
    assert [lk.url for fn in result.footnotes for lk in fn.links] == [
        "https://a.example/x",
        "https://b.example/y",
    ]
    assert [(p.kind, p.number) for p in result.problems] == [(ProblemKind.MISSING_FOOTNOTE, 2)]
