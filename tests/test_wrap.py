"""The one decision on a line break at a URL's end (citecheck.wrap), and the readings it leaves.

Each row is a URL broken as a real typesetter and extractor broke one in bench/corpus (LaTeX url
and xurl, LibreOffice, Chromium's break-all, typst; pdftotext, mutool, pypdf), or a negative:
a URL that ended at the line's end, followed by prose, another URL, a DOI, a year, a list.
"""

from __future__ import annotations

import pytest

from citecheck.urls import Flow, goes_on
from citecheck.wrap import UNKNOWN, Join, Layout, decide, keeps_hyphen, lost_hyphen

FULL = Layout(width=80, spaced=False)
SPACED = Layout(width=80, spaced=True)
HYPHENATING = Layout(width=80, spaced=False, hyphenates=True)


def full_line(url_head: str) -> str:
    """A line of the FULL layout's width that ends with the URL's head."""
    return "x" * max(0, 80 - len(url_head) - 1) + " " + url_head


@pytest.mark.parametrize(
    ("head", "token", "layout", "expected"),
    [
        # breaks that can only be inside a URL
        ("https://", "www.amnesty.org/en/", UNKNOWN, Join.SURE),  # after the scheme
        ("https://www.", "amnesty.org/en/", UNKNOWN, Join.SURE),  # after `www.`
        ("https://ec.", "europa.eu/commission/", UNKNOWN, Join.SURE),  # inside the host
        ("https://storage", ".courtlistener.com/recap/", UNKNOWN, Join.SURE),  # a dot on the next line
        ("https://www.lawfare-", "media.org/article", UNKNOWN, Join.SURE),  # a hyphenated host
        ("https://example.org/a", "/b/c", UNKNOWN, Join.SURE),  # the next line starts with `/`
        ("https://example.org/p?id", "=5", UNKNOWN, Join.SURE),
        ("https://example.org/p?a=1", "&b=2", UNKNOWN, Join.SURE),
        ("https://example.org/story?id=", "577822214", UNKNOWN, Join.SURE),  # after `=`
        ("https://example.org/some-", "thing", UNKNOWN, Join.SURE),  # after `-`
        ("https://example.org/a_", "b", UNKNOWN, Join.SURE),  # after `_`
        ("https://example.org/p?", "q=1", UNKNOWN, Join.SURE),  # after `?`
        ("https://example.org/p&", "q=1", UNKNOWN, Join.SURE),  # after `&`
        # after `/`, `.` and `:` a URL-shaped token goes on
        ("https://www.bbc.com/news/articles/", "c1b152d9d97o.", UNKNOWN, Join.SURE),
        ("https://www.npr.org/2024/11/28/g-s1-32755/", "rights-families-treaty-guards.", UNKNOWN, Join.SURE),
        ("https://x.com/", "nayibbukele/status/1901245427216978290", UNKNOWN, Join.SURE),
        ("https://storage.courtlistener.com/recap/gov.", "uscourts.dcd.509415/gov.pdf.", UNKNOWN, Join.SURE),
        ("https://example.org/report.", "pdf", UNKNOWN, Join.SURE),  # a file extension
        ("https://doi.org/", "10.1000/182", UNKNOWN, Join.SURE),  # a DOI after a resolver
        ("https://example.org:", "8080/x", UNKNOWN, Join.SURE),  # a port: digits and a path
        ("https://x.com/Sec_Noem/status/", "3440676293603094160.", UNKNOWN, Join.SURE),  # an id
        ("https://example.org/page/", "2025", UNKNOWN, Join.UNLIKELY),  # a year may start a sentence
        # between two letters or digits (break-all, xurl): the token's shape and the line decide
        ("https://www.bbc.com/news/articles/c849195b", "d04o", UNKNOWN, Join.LIKELY),
        ("https://example.org/custody-survey-re", "port.html", UNKNOWN, Join.LIKELY),
        ("https://example.org/custody-survey-re", "port.html", FULL, Join.SURE),
        ("https://example.org/guards-treaty-gu", "ards", FULL, Join.LIKELY),
        ("https://example.org/guards-treaty-gu", "ards", UNKNOWN, Join.UNLIKELY),
        ("https://x.com/SecRubio/status/4160737", "101437549160.", UNKNOWN, Join.LIKELY),  # an id
        ("https://x.com/SecRubio/status/4160737", "2025", UNKNOWN, Join.UNLIKELY),  # a year may not
        # negatives: the URL ended at the line's end
        ("https://example.org/a", "and", UNKNOWN, Join.UNLIKELY),  # prose: kept as a candidate only
        ("https://example.org/a/", "Next", UNKNOWN, Join.STOP),  # a sentence starts
        ("https://example.org/a.", "See", FULL, Join.STOP),
        ("https://example.org/a.", "e.g.", UNKNOWN, Join.STOP),
        ("https://example.org/report", "(https://web.archive.org/web/2025/x)", UNKNOWN, Join.STOP),
        ("http://example.com", "slack://open?team=1", UNKNOWN, Join.STOP),  # another scheme
        ("https://example.org/a", "https://example.org/b", UNKNOWN, Join.STOP),  # another URL
        ("https://example.org/a", "www.example.org/b", UNKNOWN, Join.STOP),
        ("https://example.org/page", "10.1000/182", UNKNOWN, Join.STOP),  # a DOI: a new citation
        ("https://example.org/page", "2025", UNKNOWN, Join.UNLIKELY),  # a year at the line start
        ("https://example.org/page/", "2.", FULL, Join.LIKELY),  # a numbered list item after `/`
        ("https://example.org/page", "1.", UNKNOWN, Join.UNLIKELY),
        ("https://example.org/a", "“Quoted", UNKNOWN, Join.STOP),
        ("https://a.example.org.", "Nothing", UNKNOWN, Join.STOP),  # a host that has a dot ends a sentence
    ],
)
def test_decide(head: str, token: str, layout: Layout, expected: Join) -> None:
    line = full_line(head) if layout is FULL else f"see {head}"
    assert decide(head, line, token, layout) == expected


def test_a_line_broken_at_a_space_ends_the_url() -> None:
    """mutool and pypdf keep the space a line broke at: a URL before it ended there."""
    head = "https://example.org/a/"
    assert decide(head, full_line(head), "rights-families", FULL) == Join.SURE
    assert decide(head, full_line(head) + " ", "rights-families", SPACED) == Join.UNLIKELY
    assert decide(head, full_line(head) + " ", "and", SPACED) == Join.STOP


def test_layout_measures_width_spaces_and_hyphenation() -> None:
    lines = [
        "word " * 15 + "end",
        "short",
        *["word " * 16] * 8,
        "investi-",
        "gation goes on",
        "con-",
        "ditions",
    ]
    layout = Layout.measure(lines)
    assert layout.width == len(("word " * 16).rstrip())
    assert layout.spaced  # eight of thirteen lines end in a space
    assert layout.hyphenates
    assert not Layout.measure(["a long-", "term plan", "well-", "known"]).hyphenates  # compounds
    assert Layout.measure(["one", "two"]).width is None  # too few lines to tell


@pytest.mark.parametrize(
    ("before", "after", "layout", "kept"),
    [
        ("state", "ment", HYPHENATING, False),  # a word the typesetter split
        ("re", "leases", HYPHENATING, False),
        ("courtlisten", "er", HYPHENATING, False),  # fragments
        ("torture", "conditions", HYPHENATING, True),  # a slug's own hyphen
        ("state", "ment", UNKNOWN, True),  # a typesetter that does not hyphenate adds none
        ("b", "bc", HYPHENATING, False),  # LibreOffice hyphenates hosts too: `www.b-` / `bc.com`
        ("", "com", UNKNOWN, False),  # after `.` or `/`: `www.nytimes.-` / `com`
        ("in", "junction", HYPHENATING, False),  # `our-cases/in-` / `junction-habeas`: one word
        ("us", "deportees", HYPHENATING, False),  # an unknown word reads as a fragment
        ("TA", "", HYPHENATING, True),  # `TA-` / `10-2024`: hyphenation splits letters, not a digit
    ],
)
def test_keeps_hyphen(before: str, after: str, layout: Layout, kept: bool) -> None:
    assert keeps_hyphen(before, after, layout) is kept


def test_a_hyphen_in_a_host_of_hyphenated_text_is_the_typesetters() -> None:
    """LibreOffice hyphenates `www.the-` / `guardian.com`; host names rarely hold a hyphen."""
    assert keeps_hyphen("the", "guardian", HYPHENATING) is True  # in a path: two slug words
    assert keeps_hyphen("the", "guardian", HYPHENATING, in_host=True) is False
    assert keeps_hyphen("the", "guardian", UNKNOWN, in_host=True) is True  # no hyphenation: its own
    lines = ["see https://www.the-", "guardian.com/world/2023/dec/28/guards-inquiry (last)"]
    (link,) = Flow(list(enumerate(lines, 1)), HYPHENATING).links()
    assert link.reading is not None
    assert link.reading.url == "https://www.theguardian.com/world/2023/dec/28/guards-inquiry"
    # verify checks the written form of every repaired link too
    assert link.written == "https://www.the-guardian.com/world/2023/dec/28/guards-inquiry"


def test_the_kth_end_of_joined_lines_spreads_k_times_a_lines() -> None:
    """pdftotext joined three lines of 69, 71 and more characters: the second ended at 140,
    16 past twice the median of 62, within twice one line's spread."""
    layout = Layout(width=79, spaced=False, median=62, dehyphenated=True)
    assert layout.line_end(69) == 1
    assert layout.line_end(140) == 2
    assert layout.line_end(100) is None  # between two ends
    assert layout.line_end(40) is None  # short of a full line


def found(lines: list[str], layout: Layout = UNKNOWN) -> list[tuple[str, tuple[str, ...]]]:
    flow = Flow([(i + 1, line) for i, line in enumerate(lines)], layout)
    return [(u.written, u.alternatives) for u in flow.links()]


@pytest.mark.parametrize(
    ("lines", "expected"),
    [
        # a scheme cut by break-all
        (["see ht", "tps://www.aclu.org/cases/x (last visited)"], [("https://www.aclu.org/cases/x", ())]),
        (["see https:", "//www.aclu.org/cases/x"], [("https://www.aclu.org/cases/x", ())]),
        (["see https://", "www.aclu.org/cases/x"], [("https://www.aclu.org/cases/x", ())]),
        # a URL at a paragraph's end followed by prose: the joined reading is only a candidate
        (
            ["see https://example.org/a", "and then more"],
            [("https://example.org/a", ("https://example.org/aand",))],
        ),
        # followed by another URL, by a DOI: two citations
        (
            ["https://example.org/report", "(https://web.archive.org/web/2025/https://example.org/report)"],
            [
                ("https://example.org/report", ()),
                ("https://web.archive.org/web/2025/https://example.org/report", ()),
            ],
        ),
        (["https://example.org/page", "10.1000/182"], [("https://example.org/page", ())]),
        # a join the text favours keeps the cut reading as a candidate
        (
            [full_line("https://example.org/guards-treaty-gu"), "ards (last visited)"],
            [("https://example.org/guards-treaty-guards", ("https://example.org/guards-treaty-gu",))],
        ),
        # a join the text settles leaves none
        (
            [full_line("https://www.bbc.com/news/articles/c849195b"), "d04o (last visited)"],
            [("https://www.bbc.com/news/articles/c849195bd04o", ())],
        ),
    ],
)
def test_flow_readings(lines: list[str], expected: list[tuple[str, tuple[str, ...]]]) -> None:
    assert found(lines, FULL) == expected


def test_a_hyphen_the_typesetter_added_is_read_away_and_written_kept() -> None:
    """`written` stays what the document writes; the reading the layout favours is a repair."""
    lines = [(1, "see https://www.example.org/news/state-"), (2, "ment-on-rights (last visited)")]
    (hyphenating,) = Flow(lines, HYPHENATING).links()
    assert hyphenating.written == "https://www.example.org/news/state-ment-on-rights"
    assert hyphenating.reading is not None
    assert hyphenating.reading.url == "https://www.example.org/news/statement-on-rights"
    assert hyphenating.alternatives == ()
    (plain,) = Flow(lines, UNKNOWN).links()
    assert plain.reading is None
    assert plain.alternatives == ("https://www.example.org/news/statement-on-rights",)


def test_a_hyphen_the_extractor_dropped_is_put_back_where_a_date_says_so() -> None:
    """pdftotext joined `…/2024-08-` and `23/report…`, dropping the hyphen, at a full line's width."""
    layout = Layout(width=60, spaced=False, median=60, dehyphenated=True)
    line = "x" * 19 + " https://elpais.com/internacional/2024-0823/report.html (last)"
    assert line.index("0823") + 2 == 60  # where the first line had ended
    (link,) = Flow([(1, line)], layout).links()
    assert link.written == "https://elpais.com/internacional/2024-0823/report.html"
    assert link.reading is not None
    assert link.reading.url == "https://elpais.com/internacional/2024-08-23/report.html"


@pytest.mark.parametrize(
    ("written", "expected"),
    [
        ("https://elpais.com/internacional/2024-0823/report.html", [(40, True)]),  # a date
        ("https://x.org/appeal-commission2025-05-06/", [(31, True)]),  # a slug word and a number
        ("https://www.ohchr.org/en/pressreleases/2025/05/x", [(30, False)]),  # two words: verify decides
        ("https://ccrjustice.org/home/what-wedo/our-cases/x", [(35, True)]),  # two words in a slug
        ("https://www.cbsnews.com/news/venezuelans-deportedel-salvador-names/", [(49, True)]),
        ("https://x.org/cases/rapporteur-vmigrants", [(32, True)]),  # the `v` of a case name
        ("https://www.govinfo.gov/content/pkg/pdf/202519641.pdf", [(44, False)]),  # a year, a number
        # a slug's name beside a word: the splits that are words over most letters, for verify
        (
            "https://www.hrw.org/news/el-salvadorsprisons-are-no-place",
            [(36, False), (37, False), (40, False)],
        ),
        ("https://x.org/investigation", []),  # one word
        ("https://x.org/a/2336353-CV0.pdf", []),  # one number
        ("https://www.ohchr.org/", []),  # never in the host
    ],
)
def test_lost_hyphen(written: str, expected: list[tuple[int, bool]]) -> None:
    """The best splits, first (sure ones stand alone; the others are what verify tries)."""
    found = lost_hyphen(written, range(len(written)))
    assert found[: max(1, len(expected))] == expected[: max(1, len(expected))]
    assert not expected or expected[0][1] or found == expected


def _dehyphenated_text(*extra: str) -> list[str]:
    """Wrapped text as pdftotext writes it: full lines, short last lines, page numbers, and two
    lines twice as long where it joined a line that ended in a hyphen to the next."""
    full = "word " * 11 + "words"  # 60 characters
    lines = [*[full] * 12, "the end.", "", "3", "", *[full] * 8, "a short last line.", ""]
    return [*lines, full + " " + full, full + full, *extra]


@pytest.mark.parametrize(
    ("lines", "dehyphenated"),
    [
        (_dehyphenated_text(), True),
        (_dehyphenated_text("a line kept its hyphen-", "before the next"), False),  # mutool, pypdf
        # pdftotext does not join across a blank line: a hyphen kept before one says nothing.
        (_dehyphenated_text("https://www.theguardian.com/world/2023/torture-", "", "conditions"), True),
        (_dehyphenated_text()[:-1], False),  # one long line may be a table row
        (["word " * 30] * 30, False),  # a paragraph a line: nothing is wrapped
    ],
)
def test_layout_measures_whether_the_extractor_joined_hyphenated_lines(
    lines: list[str], dehyphenated: bool
) -> None:
    assert Layout.measure(lines).dehyphenated is dehyphenated


@pytest.mark.parametrize(
    ("line", "following", "expected"),
    [
        # mutool writes a blank line before a link's text that starts a new line (typst PDFs):
        ("Apr. 2, 2024, https://www.theguardian.com/world/", "2023/mar/01/torture-conditions", Join.SURE),
        ("Human Rights Watch, https://www.hrw.", "org/report/2025/01/23/abuses-rights", Join.SURE),
        ("(Nov. 18, 2024), https://", "www.whitehouse.gov/presidential-actions/", Join.SURE),
        ("Sept. 4, 2025, https://www.ca", "5.uscourts.gov/opinions/pub/23/23-63982-CV0.pdf", Join.LIKELY),
        # a URL that ended: the next block is prose, a new citation, a DOI, or the URL is not last
        ("see https://example.org/report", "The court held that", Join.STOP),
        ("see https://example.org/report.", "https://example.org/other", Join.STOP),
        ("see https://doi.org/10.1000/182", "10.1000/183", Join.STOP),
        ("https://example.org/report (last visited May 1, 2025).", "2023/mar/01/x", Join.STOP),
        ("no URL on this line", "2023/mar/01/x", Join.STOP),
        ("see https://example.org/", "", Join.STOP),
        # `www.` is no host's last label: a page ended the URL and the next page's prose follows
        ("Mar. 22, 2023, available at https://www.", "grants budget families", Join.STOP),
        ("Mar. 22, 2023, available at https://www.", "2", Join.STOP),  # a page number
        ("(July 4, 2025), https://www.", "whitehouse.gov/presidential-actions/", Join.SURE),
    ],
)
def test_goes_on_across_a_blank_line(line: str, following: str, expected: Join) -> None:
    assert goes_on(line, following) == expected


def test_a_dropped_hyphen_away_from_any_width_is_still_a_candidate() -> None:
    """The URL began a line that ended short (its next part did not fit), so the width shows
    its first line end nowhere; it shows a possible place further on (`press` / `releases`, at
    the median). The likeliest places anywhere are candidates too (`presidential` / `actions`)."""
    layout = Layout(width=79, spaced=False, median=62, dehyphenated=True)
    written = "https://www.whitehouse.gov/presidentialactions/2023/09/news/pressreleases/migrants-detention"
    assert written.index("releases") == 65  # at a full line's width
    (link,) = Flow([(1, written + " (last visited)")], layout).links()
    assert link.reading is None  # nothing sure
    assert written.replace("pressreleases", "press-releases") in link.alternatives
    assert written.replace("presidentialactions", "presidential-actions") in link.alternatives


def test_two_hyphens_the_extractor_dropped_in_one_url_are_read_one_line_end_each() -> None:
    """pdftotext joined three lines of one URL and dropped the hyphen each of the first two ended
    with: the sure one (a slug word and a date) is the reading, the possible one (two words) is
    tried on top of it."""
    layout = Layout(width=60, spaced=False, median=60, dehyphenated=True)
    written = "https://www.whitehouse.gov/presidentialactions/2024/07/guards-agreement-investigation-rights-order2024-02-22/"
    line = "x" * 19 + " " + written + " (last)"
    assert (line.index("actions"), line.index("2024-02")) == (59, 118)  # two full lines' widths
    (link,) = Flow([(1, line)], layout).links()
    assert link.reading is not None
    assert link.reading.url == written.replace("order2024", "order-2024")
    both = written.replace("order2024", "order-2024").replace("presidentialactions", "presidential-actions")
    assert link.alternatives[0] == both
