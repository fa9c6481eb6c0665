"""The seed letter, end to end offline: every footnote, every URL, every repair.

Expected values are written out here from reading the letter, never read back from the tool.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from citecheck.extract import extract
from citecheck.ingest import read_document
from citecheck.models import Confirmation, Extraction, Footnote

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"

# Footnote number → the URLs it cites, as the letter writes them (line breaks removed).
WRITTEN: dict[int, list[str]] = {
    1: [
        "https://x.com/nayibbukele/status/1901245427216978290",
        "https://www.cbsnews.com/news/venezuelans-deported-el-salvador-names",
    ],
    2: [
        "https://apnews.com/article/trump-deportations-salvador-tren-aragua64e72142a171ea57c869c3b35eeecce7",
        "https://www.theguardian.com/world/2025/mar/20/cecot-elsalvador-venezuela-prison-trump-deportations",
    ],
    3: [
        "https://democrats-foreignaffairs.house.gov/_cache/files/8/c/8c2b5858-807b-494b-bd0b-87a879b1f0b4/"
        "883B2FE7D03DF644919EC5E7B15F01CB3039E4C0BBF2E0D5224C50FDC398DBA8.april-17-2025-rm-meeks-and-castro-"
        "letter-to-o-secretary-rubio-on-el-salvador.pdf"
    ],
    4: ["https://www.foreign.senate.gov/imo/media/doc/shaheen_case_act_letter_to_rubio.pdf"],
    5: [
        "https://apnews.com/article/donald-trump-white-house-el-salvador-kilmar-abrego-garcia-"
        "ad338d6b4558a6aba80e8290fd3eece9"
    ],
    6: [
        "https://ccrjustice.org/home/what-we-do/our-cases/khalil-v-trump",
        "https://apnews.com/article/columbia-university-mahmoud-khalil-ice-15014bcbb921f21a9f704d5acdcae7a8",
    ],
    7: [
        "https://ec.europa.eu/commission/presscorner/detail/en/ip_25_724",
        "https://euromedrights.org/publication/new-eu-common-approach-on-returns-risks-and-human-rights-violations/",
    ],
    8: [],
    9: [
        "https://euromedrights.org/publication/world-refugee-day-for-the-defence-of-human-rights-in-the-euro-"
        "mediterranean-region-stop-with-european-externalisation-policies/"
    ],
    10: [
        "https://www.euractiv.com/section/politics/news/meloni-tries-to-save-albania-migration-centres-again/"
    ],
    11: [],
    12: [
        "https://www.motherjones.com/politics/2025/03/trump-el-salvador-venezuela-deportation-prisoncecot-bukel-e/"
    ],
    13: [
        "https://www.whitehouse.gov/presidential-actions/2025/03/invocation-of-the-alien-enemies-actregarding-"
        "the-invasion-of-the-united-states-by-tren-de-aragua/",
        "https://www.brennancenter.org/ourwork/research-reports/alien-enemies-act-explained",
    ],
    14: [],
    15: [],
    16: [
        "https://www.bbc.com/news/world-latin-america-68244963",
        "https://www.hrw.org/news/2025/03/20/human-rights-watch-declarationprison-conditions-el-salvador-jgg-v-"
        "trumpcase?gad_source=1&gbraid=0AAAAADrFXcjuf1d50lhSv7IVLciJuoY7A&gclid=CjwKCAjwz"
        "Mi_BhACEiwAX4YZUETSvO3iGyyZkLJ3WtaBqYILup8ciiduEVFY_GDtOH2nDSc_CHifRoCURYQAvD_BwE",
    ],
    17: ["https://www.hrw.org/news/2025/03/13/el-salvadors-prisons-are-no-place-us-deportees"],
    18: ["https://www.cbsnews.com/news/venezuelans-deported-el-salvador-names/"],
    19: ["https://www.newsweek.com/donald-trump-sending-americans-el-salvador-prison-2056122"],
    20: ["https://www.nytimes.com/2025/04/14/us/politics/trump-bukele-prison-deportedmigrants.html"],
    21: [
        "https://abcnews.go.com/Politics/homegrown-trump-doubles-sendingconvicted-us-citizens-foreign/"
        "story?id=120802863"
    ],
    22: [
        "https://x.com/nayibbukele/status/1886606794614587573",
        "https://www.reuters.com/world/americas/rubio-meet-el-salvadors-bukele-amidmigration-push-2025-02-03",
    ],
    23: [
        "https://apnews.com/article/migration-rubio-panama-colombia-venezuela-237f06b7d4bdd9ff1396baf9c45a2c0b"
    ],
    24: [
        "https://x.com/SecRubio/status/1901241933302825470",
        "https://x.com/nayibbukele/status/1901245427216978290",
    ],
    25: ["https://x.com/nayibbukele/status/1901245427216978290"],
    26: ["https://www.dhs.gov/medialibrary/assets/video/59109"],
    27: ["https://x.com/Sec_Noem/status/1905034256826408982?ref_src=twsrc%5Etfw%7Ctwcamp%5Et"],
    28: ["https://www.youtube.com/live/pYZPzHyCtt0"],
    29: ["https://www.npr.org/2025/03/17/g-s1-54206/el-salvador-mega-prison-cecot"],
    30: [
        "https://www.hrw.org/news/2025/03/20/human-rights-watch-declaration-prison-conditions-el-salvador-jgg-v-"
        "trump-case"
    ],
    31: [],
    32: ["https://www.justsecurity.org/110679/deportation-cecot-punishment/"],
    33: [
        "https://www.cnn.com/2025/04/08/americas/el-salvador-cecot-prison-deportees",
        "https://www.pbs.org/newshour/show/the-conditions-inside-the-infamous-el-salvadorprisonwhere-deported-"
        "migrants-are-held",
    ],
}

# Written URL → the URL the author meant (the first repair candidate must be this).
REPAIRED: dict[str, str] = {
    WRITTEN[2][
        0
    ]: "https://apnews.com/article/trump-deportations-salvador-tren-aragua-64e72142a171ea57c869c3b35eeecce7",
    WRITTEN[2][
        1
    ]: "https://www.theguardian.com/world/2025/mar/20/cecot-el-salvador-venezuela-prison-trump-deportations",
    WRITTEN[12][
        0
    ]: "https://www.motherjones.com/politics/2025/03/trump-el-salvador-venezuela-deportation-prison-cecot-bukele/",
    WRITTEN[13][
        0
    ]: "https://www.whitehouse.gov/presidential-actions/2025/03/invocation-of-the-alien-enemies-act-"
    "regarding-the-invasion-of-the-united-states-by-tren-de-aragua/",
    WRITTEN[16][
        1
    ]: "https://www.hrw.org/news/2025/03/20/human-rights-watch-declaration-prison-conditions-el-salvador-jgg-"
    "v-trump-case?gad_source=1&gbraid=0AAAAADrFXcjuf1d50lhSv7IVLciJuoY7A&gclid=CjwKCAjwz"
    "Mi_BhACEiwAX4YZUETSvO3iGyyZkLJ3WtaBqYILup8ciiduEVFY_GDtOH2nDSc_CHifRoCURYQAvD_BwE",
    WRITTEN[20][
        0
    ]: "https://www.nytimes.com/2025/04/14/us/politics/trump-bukele-prison-deported-migrants.html",
    WRITTEN[21][
        0
    ]: "https://abcnews.go.com/Politics/homegrown-trump-doubles-sending-convicted-us-citizens-foreign/"
    "story?id=120802863",
    WRITTEN[22][
        1
    ]: "https://www.reuters.com/world/americas/rubio-meet-el-salvadors-bukele-amid-migration-push-2025-02-03",
    WRITTEN[33][
        1
    ]: "https://www.pbs.org/newshour/show/the-conditions-inside-the-infamous-el-salvador-prison-where-"
    "deported-migrants-are-held",
}


@pytest.fixture(scope="module")
def letter() -> Extraction:
    return extract(read_document(str(FIXTURES / "letter.txt")))


def _footnote(letter: Extraction, number: int) -> Footnote:
    (fn,) = [f for f in letter.footnotes if f.number == number]
    return fn


def test_all_33_footnotes_in_order(letter: Extraction) -> None:
    assert [f.number for f in letter.footnotes] == list(range(1, 34))


def test_every_footnoted_url_is_attributed_to_its_footnote(letter: Extraction) -> None:
    found = {f.number: [link.written for link in f.links] for f in letter.footnotes}
    assert found == WRITTEN
    assert sum(len(v) for v in found.values()) == 37


def test_footnotes_without_urls(letter: Extraction) -> None:
    assert [f.number for f in letter.footnotes if not f.links] == [8, 11, 14, 15, 31]


def test_no_urls_outside_footnotes_and_no_problems(letter: Extraction) -> None:
    assert letter.unnumbered_links == ()
    assert letter.problems == ()


@pytest.mark.parametrize("written", list(REPAIRED))
def test_wrapped_urls_get_the_right_first_candidate(letter: Extraction, written: str) -> None:
    (link,) = [lk for lk in letter.links() if lk.written == written]
    assert link.repair is not None
    assert link.repair.candidates[0] == REPAIRED[written]
    assert link.url == REPAIRED[written]


def test_hrw_repair_is_confirmed_by_footnote_30(letter: Extraction) -> None:
    link = _footnote(letter, 16).links[1]
    assert link.repair is not None and link.repair.confirmed_by is Confirmation.DOCUMENT
    others = [lk for lk in letter.links() if lk.written not in (WRITTEN[16][1],) and lk.repair is not None]
    assert all(lk.repair is not None and lk.repair.confirmed_by is None for lk in others)


def test_intact_urls_are_untouched(letter: Extraction) -> None:
    for link in letter.links():
        if link.written not in REPAIRED:
            assert link.repair is None, link.written
            assert link.url == link.written


def test_ourwork_is_only_a_suspect(letter: Extraction) -> None:
    (link,) = [lk for lk in letter.links() if "brennancenter" in lk.written]
    assert link.repair is None
    assert link.suspects == (
        "https://www.brennancenter.org/our-work/research-reports/alien-enemies-act-explained",
    )


def test_mother_jones_keeps_alternatives_for_the_live_check(letter: Extraction) -> None:
    link = _footnote(letter, 12).links[0]
    assert link.repair is not None
    assert len(link.repair.candidates) >= 2
    assert len(link.repair.edits) == 2


@pytest.mark.parametrize(
    ("number", "pieces"),
    [
        (
            2,
            [
                "US prepares to deport about 300",
                "(Mar. 16, 2025), <https://apnews.com",
                "see also What to know",
            ],
        ),
        (7, ["Common European System for Returns", "New EU common approach on returns: Risks"]),
        (16, ["Coming face-to-face", "gclid=CjwKCAjwzMi_BhACEiwAX4YZ", "CURYQAvD_BwE."]),
        (
            22,
            [
                "We are willing to take in only convicted criminals (including convicted U.S. citizens)",
                "Simon Lewis, El Salvador offers to house criminals",
                "(Feb. 3, 2025), <https://www.reuters.com",
            ],
        ),
        (26, ["Inside the Action", "(last visited Apr. 16, 2025)."]),
    ],
)
def test_page_breaks_are_reassembled(letter: Extraction, number: int, pieces: list[str]) -> None:
    text = _footnote(letter, number).text
    for piece in pieces:
        assert piece in text, piece


@pytest.mark.parametrize(
    "body",
    [
        "Respectfully,",
        "Civil Society Organizations",
        "refugees and asylum seekers",
        "prisons in El Salvador, Human Rights Watch has similarly",
        "Rubio stated that the state partners",
        "On April 16, 2025, U.S. Senator Chris Van Hollen",
        "I asked the vice president",
        "COLLATERAL CONSEQUENCES",
        "Alliance San Diego",
    ],
)
def test_body_text_is_never_swallowed(letter: Extraction, body: str) -> None:
    assert not any(body in f.text for f in letter.footnotes)


@pytest.mark.parametrize(
    ("number", "accessed"),
    [
        (1, dt.date(2025, 3, 16)),
        (2, dt.date(2025, 3, 16)),
        (5, dt.date(2025, 4, 14)),
        (13, dt.date(2025, 3, 15)),
        (26, dt.date(2025, 4, 16)),
        (29, None),
        (32, dt.date(2025, 4, 23)),
        (14, dt.date(1966, 12, 16)),
    ],
)
def test_accessed_dates(letter: Extraction, number: int, accessed: dt.date | None) -> None:
    assert _footnote(letter, number).accessed == accessed


def test_each_link_carries_its_own_citation_date(letter: Extraction) -> None:
    cbs, guardian = _footnote(letter, 1).links[1], _footnote(letter, 2).links[1]
    assert cbs.accessed == dt.date(2025, 3, 20)
    assert guardian.accessed == dt.date(2025, 3, 19)
    assert _footnote(letter, 13).links[1].accessed == dt.date(2024, 10, 9)


def test_link_lines_point_at_the_url(letter: Extraction) -> None:
    lines = (FIXTURES / "letter.txt").read_text(encoding="utf-8").split("\n")
    for link in letter.links():
        head = link.written[:30]
        assert head in lines[link.line - 1], (link.line, link.written)


@pytest.mark.parametrize("seed", ["seed-001.txt", "seed-002.txt", "seed-003.txt", "seed-004.txt"])
def test_other_seeds_invent_nothing(seed: str) -> None:
    result = extract(read_document(str(FIXTURES / seed)))
    assert result.footnotes == ()
    assert result.problems == ()
    assert all(link.repair is None for link in result.unnumbered_links)
