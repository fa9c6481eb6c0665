"""Finding URLs in text: trimming, brackets, normalisation, and joins across line breaks."""

from __future__ import annotations

import pytest

from citecheck.urls import Flow, normalize, same_resource, trim


def written(*lines: str) -> list[str]:
    return [u.written for u in Flow([(i + 1, line) for i, line in enumerate(lines)]).links()]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("See <https://example.org/a>.", ["https://example.org/a"]),
        ("See https://example.org/a.", ["https://example.org/a"]),
        ("See https://example.org/a, and more", ["https://example.org/a"]),
        ("(see https://example.org/a)", ["https://example.org/a"]),
        ("(https://en.wikipedia.org/wiki/Foo_(bar))", ["https://en.wikipedia.org/wiki/Foo_(bar)"]),
        ("[https://example.org/a]", ["https://example.org/a"]),
        ("“https://example.org/a”", ["https://example.org/a"]),
        ("https://example.org/a;", ["https://example.org/a"]),
        ("at www.example.org/page.", ["www.example.org/page"]),
        ("mail@www.example.org is no URL", []),
        ("https://example.org/a¹²", ["https://example.org/a"]),
        ("https://example.org/a.²", ["https://example.org/a"]),
        (
            "https://x.com/a?ref_src=twsrc%5Etfw%7Ctwcamp%5Et.",
            ["https://x.com/a?ref_src=twsrc%5Etfw%7Ctwcamp%5Et"],
        ),
        ("<https://a.example/x>(last visited Apr. 16, 2025).", ["https://a.example/x"]),
        ("https:// is not a URL, nor http://- nor http://.", []),  # a host needs a letter or digit
        ("ftp://files.example.org/a.txt", ["ftp://files.example.org/a.txt"]),
        ("two: https://a.example/1 https://b.example/2", ["https://a.example/1", "https://b.example/2"]),
    ],
)
def test_urls_in_a_line(text: str, expected: list[str]) -> None:
    assert written(text) == expected


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("https://exam\u00adple.org/a-b", "https://example.org/a-b"),  # soft hyphen
        ("https://example.org/a\u200bb", "https://example.org/ab"),  # zero-width space
        ("https://example.org/a\u2010b", "https://example.org/a-b"),  # Unicode hyphen
        ("ｈｔｔｐｓ://example.org/ｆｕｌｌ", "https://example.org/full"),  # fullwidth (NFKC)
        ("https://example.org/ﬁle", "https://example.org/file"),  # ligature (NFKC)
    ],
)
def test_unicode_is_normalised_before_extraction(raw: str, expected: str) -> None:
    assert written(raw) == [expected]


def test_normalize_keeps_superscripts_and_lines() -> None:
    assert normalize("a¹\nb²³") == "a¹\nb²³"


@pytest.mark.parametrize(
    ("lines", "expected"),
    [
        # pdftotext wrapped at a slash (the SCOTUS opinion in shared/corpus)
        (
            (
                "CNN (Jan. 27, 2011), http://www.cnn.com/2011/US/01/27",
                "/pennsylvania.segregation/index.html?_s=PM:US (as",
            ),
            ["http://www.cnn.com/2011/US/01/27/pennsylvania.segregation/index.html?_s=PM:US"],
        ),
        # a hyphen at the line end: the hyphen is written, and kept as written
        (("see https://example.org/some-", "thing here"), ["https://example.org/some-thing"]),
        # an angle-bracketed URL that the line cut goes on to the closing bracket
        (("<https://example.org/a/very/long", "path>."), ["https://example.org/a/very/longpath"]),
        # the tail of a query string a page later
        (
            ("https://example.org/p?gclid=CjwKCAjwz", "Mi_BhACEiwAX4YZ_BwE."),
            ["https://example.org/p?gclid=CjwKCAjwzMi_BhACEiwAX4YZ_BwE"],
        ),
        # negatives: prose after a URL that ended the line is not part of it
        (("see https://example.org/a", "and then more prose"), ["https://example.org/a"]),
        (("see https://example.org/a/", "Next sentence."), ["https://example.org/a/"]),
        (("see https://example.org/a.", "e.g. another"), ["https://example.org/a"]),
        (
            ("https://example.org/a", "https://example.org/b"),
            ["https://example.org/a", "https://example.org/b"],
        ),
    ],
)
def test_joins_across_line_breaks(lines: tuple[str, ...], expected: list[str]) -> None:
    assert written(*lines) == expected


def test_join_records_where_the_line_ended() -> None:
    (found,) = Flow([(7, "see https://example.org/ab-"), (8, "cd rest")]).links()
    assert found.written == "https://example.org/ab-cd"
    assert found.breaks == (len("https://example.org/ab-"),)
    assert found.line == 7


def test_flow_text_removes_breaks_inside_urls_only() -> None:
    flow = Flow([(1, "Title, https://example.org/ab-"), (2, "cd; next")])
    assert flow.text_without_url_breaks(flow.links()) == "Title, https://example.org/ab-cd; next"


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("https://a.example/x).", "https://a.example/x"),
        ("https://a.example/(x)", "https://a.example/(x)"),
        ("", ""),
    ],
)
def test_trim(url: str, expected: str) -> None:
    assert trim(url) == expected


def test_same_resource_ignores_www_slash_and_query() -> None:
    assert same_resource("https://www.example.org/a/", "https://example.org/a?utm_source=x")
    assert not same_resource("https://example.org/a", "https://example.org/b")
