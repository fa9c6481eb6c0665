"""The cited work read from real footnotes: all 33 of the letter's, a Supreme Court opinion's, and
Bluebook and news styles. Expected values are written out from reading the citations."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from citecheck.cited import CitedWork, citation_segment, cited_work, parse_citation
from citecheck.extract import extract
from citecheck.ingest import read_document
from citecheck.models import Footnote

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"

# Footnote number → for each URL it cites (in order): (title, outlet); a footnote without URLs:
# its first citation's title. None: the citation names no title (a post, a bare URL, Id.).
LETTER_TITLES: dict[int, list[tuple[str | None, str | None]]] = {
    1: [
        (None, "X"),
        ("Here are the Names of the Venezuelans Deported by the U.S. to El Salvador", "CBS News"),
    ],
    2: [
        ("US prepares to deport about 300 alleged gang members to El Salvador", "Associated Press"),
        (
            "What to know about the El Salvador mega-prison where Trump sent deported Venezuelans",
            "The Guardian",
        ),
    ],
    3: [("Letter of April 17, 2025", None)],
    4: [("Letter to Secretary of State Marco Rubio", None)],
    5: [("El Salvador President Bukele says he won't be releasing a Maryland man back to the US", "AP News")],
    6: [
        ("Khalil v. Trump", "Ctr. Constitutional Rts."),
        (
            "Immigration agents arrest Palestinian activist who helped lead Columbia University protests",
            "AP News",
        ),
    ],
    7: [
        ("Commission proposes a new Common European System for Returns", None),
        ("New EU common approach on returns: Risks and human rights violations", None),
    ],
    8: [("Convention relating to the Status of Refugees", None)],
    9: [
        (
            "World Refugee Day: for the defence of human rights in the Euro-Mediterranean region, "
            "stop with European externalisation policies",
            None,
        )
    ],
    10: [("Meloni tries to save Albania migration centres, again", None)],
    11: [("J.G.G. v. Trump", None)],
    12: [
        (
            "You’re Here Because of Your Tattoos” The Trump administration sent Venezuelans to El Salvador’s "
            "most infamous prison. Their families are looking for answers",
            "Mother Jones",
        )
    ],
    13: [
        (
            "Proclamation No. 10903, Invocation of the Alien Enemies Act Regarding the Invasion of "
            "The United States by Tren De Aragua",
            None,
        ),
        ("The Alien Enemies Act, Explained", "Brennan Ctr."),
    ],
    14: [("International Covenant on Civil and Political Rights", None)],
    15: [("Convention Against Torture and Other Cruel, Inhuman, or Degrading Treatment or Punishment", None)],
    16: [
        ("Coming face-to-face with inmates in El Salvador’s mega jail", "BBC News"),
        (
            "Human Rights Watch declaration on prison conditions in El Salvador for the J.G.G. v. Trump case",
            "Hum. Rts. Watch",
        ),
    ],
    17: [("El Salvador’s Prisons Are No Place for US Deportees", None)],
    18: [("Here are the names of the Venezuelans deported by the U.S. to El Salvador", "CBS News")],
    19: [("Donald Trump Says He Loves Idea of Sending Americans to El Salvador Prison", "Newsweek")],
    20: [("El Salvador’s Leader Says He Won’t Return Wrongly Deported Maryland Man", "N.Y. Times")],
    21: [
        (
            "Homegrown are next”: Trump doubles down on sending American “criminals” to foreign prisons",
            "ABC News",
        )
    ],
    22: [
        (None, "X"),
        ("El Salvador offers to house criminals deported from the US in its jails", "Reuters"),
    ],
    23: [
        (
            "Rubio says El Salvador offers to accept deportees from US of any nationality, "
            "including Americans",
            "AP",
        )
    ],
    24: [(None, "X"), (None, "X")],
    25: [(None, "X")],
    26: [("Inside the Action: Secretary Noem’s visit to El Salvador", None)],
    27: [(None, "X")],
    28: [
        (
            "Van Hollen speaks to press after meeting with El Salvador VP about return of "
            "Kilmar Abrego Garcia",
            "YouTube",
        )
    ],
    29: [(None, None)],
    30: [("Juanita Goebertus Declaration", "Human Rights Watch")],
    31: [(None, None)],
    32: [
        (
            "Deportation to CECOT: The Constitutional Prohibition on Punishment Without Charge or Trial",
            "Just Security",
        )
    ],
    33: [
        (
            "In notorious Salvadoran prison, US deportees live in identical cells to convicted gangsters",
            "CNN",
        ),
        ("The conditions inside the infamous El Salvador prison where deported migrants are held", "PBS"),
    ],
}


@pytest.fixture(scope="module")
def footnotes() -> dict[int, Footnote]:
    return {fn.number: fn for fn in extract(read_document(str(FIXTURES / "letter.txt"))).footnotes}


def works_of(fn: Footnote) -> list[CitedWork]:
    if fn.links:
        return [cited_work(fn.text, link.written) for link in fn.links]
    return [parse_citation(fn.text.split(";")[0])]


def test_every_footnote_of_the_letter_is_covered(footnotes: dict[int, Footnote]) -> None:
    assert sorted(footnotes) == sorted(LETTER_TITLES) == list(range(1, 34))


@pytest.mark.parametrize("number", sorted(LETTER_TITLES))
def test_letter_footnote(footnotes: dict[int, Footnote], number: int) -> None:
    works = works_of(footnotes[number])
    assert [(w.title, w.outlet) for w in works] == LETTER_TITLES[number]


def test_letter_details(footnotes: dict[int, Footnote]) -> None:
    ap = cited_work(footnotes[2].text, footnotes[2].links[0].written)
    assert ap.authors == ("Matthew Lee", "Regina Garcia Cano")
    assert ap.date == dt.date(2025, 3, 16)
    post = cited_work(footnotes[1].text, footnotes[1].links[0].written)
    assert post.kind == "post" and post.authors == ("Nayib Bukele",)
    cnn = cited_work(footnotes[33].text, footnotes[33].links[0].written)
    assert cnn.authors == ("David Culver",)  # et al. dropped
    dhs = cited_work(footnotes[26].text, footnotes[26].links[0].written)
    assert dhs.date == dt.date(2025, 4, 16)  # the "last visited" date
    assert works_of(footnotes[29])[0].kind == "bare"
    assert works_of(footnotes[31])[0].kind == "id"


OTHER_STYLES = [
    # Supreme Court, Fisher v. University of Texas (2013), Thomas, J., concurring, n. 3
    (
        "But see M. Plocienniczak, Pennsylvania School Experiments with ‘Segregation,’ CNN (Jan. 27, 2011),",
        CitedWork(
            "Pennsylvania School Experiments with ‘Segregation’",
            ("M. Plocienniczak",),
            "CNN",
            dt.date(2011, 1, 27),
        ),
    ),
    # Bluebook law-review citation
    (
        "Jonathan Zittrain, Kendra Albert & Lawrence Lessig, Perma: Scoping and Addressing the Problem of "
        "Link and Reference Rot in Legal Citations, 127 Harv. L. Rev. F. 176 (2014)",
        CitedWork(
            "Perma: Scoping and Addressing the Problem of Link and Reference Rot in Legal Citations",
            ("Jonathan Zittrain", "Kendra Albert", "Lawrence Lessig"),
        ),
    ),
    # news citation with a quoted title
    (
        "Adam Liptak, “Supreme Court Ruling Makes Same-Sex Marriage a Right Nationwide,” N.Y. Times, "
        "June 26, 2015,",
        CitedWork(
            "Supreme Court Ruling Makes Same-Sex Marriage a Right Nationwide",
            ("Adam Liptak",),
            "N.Y. Times",
            dt.date(2015, 6, 26),
        ),
    ),
    # Markdown italics for the title
    (
        "see also *Human Rights Watch declaration on prison conditions in El Salvador*, Hum. Rts. Watch,",
        CitedWork(
            "Human Rights Watch declaration on prison conditions in El Salvador", (), "Hum. Rts. Watch"
        ),
    ),
    # a quoted passage in a parenthetical is not the title
    (
        "J.G.G. v. Trump, No. 1:25-cv-00766-JEB (D.D.C. Apr. 16, 2025), ECF No. 81, at 4 "
        "(“As the planes sat on the tarmac, officials refused to answer.”)",
        CitedWork("J.G.G. v. Trump", date=dt.date(2025, 4, 16)),
    ),
]


@pytest.mark.parametrize(("words", "expected"), OTHER_STYLES)
def test_other_citation_styles(words: str, expected: CitedWork) -> None:
    from citecheck.dates import cited_date

    assert parse_citation(words, cited_date(words)) == expected


def test_segment_stops_at_the_previous_url_and_semicolon() -> None:
    text = "A, One, X (2020), <https://a.example/1>; B, Two, Y (2021), <https://b.example/2>."
    assert citation_segment(text, "https://b.example/2") == "B, Two, Y (2021),"
    assert citation_segment(text, "https://nowhere.example/") == ""


@given(st.text(max_size=300))
def test_any_text_gives_a_cited_work(text: str) -> None:
    work = parse_citation(text)
    assert work.title is None or (work.title.strip() and work.title == work.title.strip())
    assert work.kind in ("work", "post", "bare", "id")
