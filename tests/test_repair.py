"""Repair rules, table-driven: what damage looks like, and what must never be touched."""

from __future__ import annotations

import pytest

from citecheck.models import Confirmation
from citecheck.repair import Context, Proposal, Vocabulary, both_readings, propose

# Prose of a document like the letter: its own words are the first dictionary.
PROSE = (
    "The United States and El Salvador, President Nayib Bukele (@nayibbukele), CECOT, the Alien Enemies Act, "
    "Tren de Aragua, deported migrants, Human Rights Watch declaration, prison conditions, Trump case, "
    "sending convicted citizens, amid migration talks, Secretary Rubio, Khalil v. Trump, in our work."
)
VOCAB = Vocabulary.from_text(PROSE)


def propose_in(written: str, breaks: tuple[int, ...] = (), others: tuple[str, ...] = ()) -> Proposal:
    """A proposal for one URL of a document that also writes `others`."""
    return propose(written, breaks, Context.build([written, *others], VOCAB))


def first(written: str, breaks: tuple[int, ...] = (), others: tuple[str, ...] = ()) -> str | None:
    proposal = propose_in(written, breaks, others)
    return proposal.repair.candidates[0] if proposal.repair else None


@pytest.mark.parametrize(
    ("written", "expected"),
    [
        (
            "https://apnews.com/article/trump-deportations-salvador-tren-aragua64e72142a171ea57c869c3b35eeecce7",
            "https://apnews.com/article/trump-deportations-salvador-tren-aragua-64e72142a171ea57c869c3b35eeecce7",
        ),
        (
            "https://news.example/world/cecot-elsalvador-prison",
            "https://news.example/world/cecot-el-salvador-prison",
        ),
        (
            "https://m.example/politics/deportation-prisoncecot-bukel-e/",
            "https://m.example/politics/deportation-prison-cecot-bukele/",
        ),
        (
            "https://wh.example/a/alien-enemies-actregarding-the-invasion/",
            "https://wh.example/a/alien-enemies-act-regarding-the-invasion/",
        ),
        (
            "https://n.example/us/politics/trump-bukele-prison-deportedmigrants.html",
            "https://n.example/us/politics/trump-bukele-prison-deported-migrants.html",
        ),
        (
            "https://r.example/world/rubio-meet-bukele-amidmigration-push-2025-02-03",
            "https://r.example/world/rubio-meet-bukele-amid-migration-push-2025-02-03",
        ),
        (
            "https://p.example/show/the-infamous-el-salvadorprisonwhere-migrants-are-held",
            "https://p.example/show/the-infamous-el-salvador-prison-where-migrants-are-held",
        ),
    ],
)
def test_damage_is_repaired(written: str, expected: str) -> None:
    assert first(written) == expected


@pytest.mark.parametrize(
    "written",
    [
        "https://ec.europa.eu/commission/presscorner/detail/en/ip_25_724",
        "https://www.dhs.gov/medialibrary/assets/video/59109",
        "https://x.com/nayibbukele/status/1901245427216978290",
        "https://ccrjustice.org/home/what-we-do/our-cases/khalil-v-trump",
        "https://d.example/files/april-17-2025-letter-to-o-secretary-rubio.pdf",  # to-o is not "too"
        "https://e.example/contact/e-mail-us",  # a real hyphen: e-mail
        "https://e.example/news/re-election-campaign",
        "https://www.npr.org/2025/03/17/g-s1-54206/el-salvador-mega-prison-cecot",
        "https://e.example/news/el-salvadors-prisons-are-no-place-us-deportees",
        "https://e.example/a/ad338d6b4558a6aba80e8290fd3eece9",  # a bare id, nothing glued
        "https://www.foreign.senate.gov/imo/media/doc/shaheen_case_act_letter_to_rubio.pdf",
        "https://www.youtube.com/live/pYZPzHyCtt0",
    ],
)
def test_intact_urls_are_never_edited(written: str) -> None:
    assert first(written) is None


def test_whole_segment_is_only_a_suspect() -> None:
    proposal = propose_in(
        "https://www.brennancenter.org/ourwork/research-reports/alien-enemies-act-explained"
    )
    assert proposal.repair is None
    assert proposal.suspects == (
        "https://www.brennancenter.org/our-work/research-reports/alien-enemies-act-explained",
    )


def test_glued_words_need_a_hyphenated_site() -> None:
    # the same glued token on a site whose paths never use hyphens is left alone
    assert first("https://e.example/deportedmigrants/index") is None


def test_a_hyphen_at_a_line_end_is_dropped_when_it_split_a_word() -> None:
    written = "https://e.example/news/president-bukel-e-visits"
    assert first(written, breaks=(len("https://e.example/news/president-bukel-"),)) == (
        "https://e.example/news/president-bukele-visits"
    )


def test_a_real_hyphen_at_a_line_end_is_kept() -> None:
    written = "https://e.example/news/human-rights-watch"
    assert first(written, breaks=(len("https://e.example/news/human-"),)) is None


def test_a_line_end_inside_a_token_says_where_the_hyphen_was_lost() -> None:
    written = "https://e.example/news/rights-watchdeclaration-text"
    assert first(written, breaks=(len("https://e.example/news/rights-watch"),)) == (
        "https://e.example/news/rights-watch-declaration-text"
    )


def test_the_document_confirms_a_repair() -> None:
    damaged = "https://www.hrw.org/news/2025/03/20/human-rights-watch-declarationprison-conditions-jgg-v-trumpcase?gclid=x"
    intact = "https://www.hrw.org/news/2025/03/20/human-rights-watch-declaration-prison-conditions-jgg-v-trump-case"
    proposal = propose_in(damaged, (), (intact,))
    assert proposal.repair is not None
    assert proposal.repair.confirmed_by is Confirmation.DOCUMENT
    assert proposal.repair.candidates[0] == intact + "?gclid=x"  # tracking parameters kept as written


def test_a_spelling_odder_than_the_written_one_is_no_witness() -> None:
    damaged = "https://e.example/news/bukele-salvadorvisit-today"
    odder = "https://e.example/news/bukele-salvadorv-isit-today"  # two non-words where the written has one
    proposal = propose_in(damaged, (), (odder,))
    assert proposal.repair is not None
    assert proposal.repair.candidates == ("https://e.example/news/bukele-salvador-visit-today",)
    assert proposal.repair.confirmed_by is None  # a proposal from word splitting, not a document witness


def test_candidates_are_bounded_and_never_the_written_form() -> None:
    written = "https://e.example/a/cecot-elsalvador-deportedmigrants-amidmigration-trumpcase-actregarding-x"
    proposal = propose_in(written)
    assert proposal.repair is not None
    assert 1 <= len(proposal.repair.candidates) <= 8
    assert written not in proposal.repair.candidates


W = "https://www.unhcr.org/us/news/pressreleases/mandate-inspectionreview-testimony"


@pytest.mark.parametrize(
    ("one", "other", "expected"),
    [
        # a repair of words glued at one wrap, a hyphen the extractor dropped at another: both
        (
            "https://www.unhcr.org/us/news/pressreleases/mandate-inspection-review-testimony",
            "https://www.unhcr.org/us/news/press-releases/mandate-inspectionreview-testimony",
            "https://www.unhcr.org/us/news/press-releases/mandate-inspection-review-testimony",
        ),
        # one takes a hyphen out, the other puts one in
        (
            "https://www.unhcr.org/us/news/pressreleases/mandateinspectionreview-testimony",
            "https://www.unhcr.org/us/news/press-releases/mandate-inspectionreview-testimony",
            "https://www.unhcr.org/us/news/press-releases/mandateinspectionreview-testimony",
        ),
        # the same place, or no edit, or not a hyphen edit: no combined reading
        (W.replace("pressreleases", "press-releases"), W.replace("pressreleases", "press-releases"), None),
        (W, W.replace("pressreleases", "press-releases"), None),
        (W.replace("inspectionreview", "inspection-review"), W.replace("unhcr", "unhcr2"), None),
    ],
)
def test_both_readings(one: str, other: str, expected: str | None) -> None:
    assert both_readings(W, one, other) == expected


def test_a_word_hyphenated_at_a_line_end_is_one_word_of_the_vocabulary() -> None:
    """`depor-` / `tees` in the prose is `deportees`: its halves must not make a slug split
    (`prison-deportees` read as `prison-depor-tees`)."""
    vocab = Vocabulary.from_text("Torture order witnesses prison transfer depor-\ntees to the camp.")
    assert vocab.is_word("deportees")
    assert "depor" not in vocab.document and "tees" not in vocab.document
    assert Vocabulary.from_text("a well-known case").is_word("known")  # a hyphen inside a line stays
