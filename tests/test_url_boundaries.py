"""Where a URL ends: one table per boundary rule of `citecheck.urls` (its docstring), with negatives.

Cases marked in the issue were all wrong at b5e3491: brackets trimmed only at the very end, URLs
dropped when their host could not be parsed, CJK text and bidi marks glued on, `{}` and `|` cut.
"""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from citecheck.urls import Flow, bound, host_cut, is_plausible, trim


def written(text: str) -> list[str]:
    return [u.written for u in Flow([(1, text)]).links()]


def table(*rows: tuple[str, list[str]]) -> pytest.MarkDecorator:
    return pytest.mark.parametrize(("text", "expected"), rows)


# ---------------------------------------------------------------- rule 1: the characters a URL holds


@table(
    ("https://x.org/api/{version}/docs", ["https://x.org/api/{version}/docs"]),
    ("see https://x.org/q?P1|0||P2|0 and", ["https://x.org/q?P1|0||P2|0"]),
    ("\u200fhttps://x.org/a\u200f", ["https://x.org/a"]),  # right-to-left marks
    ("\u200ehttps://x.org/a\u200e.", ["https://x.org/a"]),  # left-to-right marks
    ("\u202bhttps://x.org/a\u202c", ["https://x.org/a"]),  # embedding, pop
    ("\u202ehttps://x.org/a\u202c", ["https://x.org/a"]),  # override
    ("\u2067https://x.org/a\u2069", ["https://x.org/a"]),  # isolate, pop
    ("\u2066www.x.org/a\u2069", ["www.x.org/a"]),
    # negatives: `{}` and `|` end nothing, but whitespace and `"` still do
    ('"https://x.org/{a}" and', ["https://x.org/{a}"]),
    ("|https://x.org/a|", ["https://x.org/a"]),  # a table cell's bar is no part of it
    ("https://x.org/a https://x.org/b", ["https://x.org/a", "https://x.org/b"]),
)
def test_what_a_url_holds(text: str, expected: list[str]) -> None:
    assert written(text) == expected


# ---------------------------------------------------------------- rule 2: brackets


@table(
    ("(http://one.org/)(http://two.org/)", ["http://one.org/", "http://two.org/"]),
    ("(https://example.com/report)(emphasis added)", ["https://example.com/report"]),
    ("(https://www.gov.uk/guidance/x)[3]", ["https://www.gov.uk/guidance/x"]),
    ("https://a.org/path.(last visited Jan. 5, 2024)", ["https://a.org/path"]),
    ("[https://a.example](https://b.example)", ["https://a.example", "https://b.example"]),
    ("https://x.org/a(", ["https://x.org/a"]),
    ("https://x.org/a(b", ["https://x.org/a"]),
    ("https://x.org/a(b]c)", ["https://x.org/a"]),  # a closer that closes nothing opened
    ("{https://x.org/a}{b}", ["https://x.org/a"]),
    (
        "https://a.org/x(https://b.org/y(https://c.org/z(",
        ["https://a.org/x", "https://b.org/y", "https://c.org/z"],
    ),
    ("https://a.org/x)https://b.org/y)", ["https://a.org/x", "https://b.org/y"]),
    # negatives: brackets that balance stay, wherever they are
    ("(https://en.wikipedia.org/wiki/Foo_(bar))", ["https://en.wikipedia.org/wiki/Foo_(bar)"]),
    ("https://en.wikipedia.org/wiki/Foo_(bar).", ["https://en.wikipedia.org/wiki/Foo_(bar)"]),
    ("https://x.org/a[1]/b(c)d{e}", ["https://x.org/a[1]/b(c)d{e}"]),
    ("https://x.org/((a))", ["https://x.org/((a))"]),
    ("https://x.org/a(b)(c)", ["https://x.org/a(b)(c)"]),
)
def test_brackets(text: str, expected: list[str]) -> None:
    assert written(text) == expected


def test_brackets_nested_too_deep_end_the_url() -> None:
    deep = "https://x.org/" + "(" * 9 + "a" + ")" * 9
    assert written(deep) == ["https://x.org/"]
    ok = "https://x.org/" + "(" * 8 + "a" + ")" * 8
    assert written(ok) == [ok]


# ---------------------------------------------------------------- rule 3: wide scripts


@table(
    ("http://example.comだよね", ["http://example.com"]),
    ("https://www.example.jp/index.htmlを参照してください。", ["https://www.example.jp/index.html"]),
    ("（https://www.example.jp/a/index.html）による。", ["https://www.example.jp/a/index.html"]),
    ("https://ja.wikipedia.org/wiki/東京。", ["https://ja.wikipedia.org/wiki/東京"]),
    ("https://ja.wikipedia.org/wiki/東京、大阪", ["https://ja.wikipedia.org/wiki/東京"]),
    ("「https://x.jp/a」と", ["https://x.jp/a"]),
    ("https://x.org/abc%E6%9D%B1京", ["https://x.org/abc%E6%9D%B1"]),  # the segment began ASCII
    ("https://x.kr/a한국어", ["https://x.kr/a"]),
    ("https://a.org/x東https://b.org/y東", ["https://a.org/x", "https://b.org/y"]),
    # negatives: a segment in the script keeps it; so does one begun with a non-ASCII escape
    ("https://ja.wikipedia.org/wiki/東京", ["https://ja.wikipedia.org/wiki/東京"]),
    ("https://ja.wikipedia.org/wiki/東京_(曖昧さ回避)", ["https://ja.wikipedia.org/wiki/東京_(曖昧さ回避)"]),
    ("https://ja.wikipedia.org/wiki/ジョン・スミス", ["https://ja.wikipedia.org/wiki/ジョン・スミス"]),
    ("https://x.jp/search?q=東京&lang=ja", ["https://x.jp/search?q=東京&lang=ja"]),
    ("https://x.org/%E6%9D%B1京", ["https://x.org/%E6%9D%B1京"]),
    ("http://例え.jp/パス", ["http://例え.jp/パス"]),
    ("https://www.例え.jp/", ["https://www.例え.jp/"]),  # a host label begun in the script
    ("https://ru.wikipedia.org/wiki/Москва", ["https://ru.wikipedia.org/wiki/Москва"]),  # not wide
)
def test_wide_scripts(text: str, expected: list[str]) -> None:
    assert written(text) == expected


@table(
    # a zero-width joiner in a Malayalam word (old chillu spelling) is part of the word
    ("https://ml.wikipedia.org/wiki/അവന്\u200d", ["https://ml.wikipedia.org/wiki/അവന്\u200d"]),
    ("https://fa.wikipedia.org/wiki/می\u200cخواهم", ["https://fa.wikipedia.org/wiki/می\u200cخواهم"]),
    # negatives: after Latin text a joiner is an invisible artefact, and goes
    ("https://exam\u200dple.org/a", ["https://example.org/a"]),
    ("https://example.org/a\u200cb", ["https://example.org/ab"]),
)
def test_zero_width_joiners(text: str, expected: list[str]) -> None:
    assert written(text) == expected


# ---------------------------------------------------------------- rule 4: the end of a URL


@table(
    ("https://x.org/a'b'", ["https://x.org/a'b'"]),
    ("see https://x.org/a's report", ["https://x.org/a"]),
    ("see https://x.org/a’s report", ["https://x.org/a"]),
    ("'https://x.org/a'", ["https://x.org/a"]),
    ("'https://x.org/a'.", ["https://x.org/a"]),
    ("https://x.org/a-", ["https://x.org/a"]),
    ("https://x.org/a-.", ["https://x.org/a"]),
    ("https://x.org/a|", ["https://x.org/a"]),
    # negatives: a quote or `'s` inside the URL, a hyphen inside, and an `'s` the URL opened
    ("https://x.org/Schindler's_List", ["https://x.org/Schindler's_List"]),
    ("https://x.org/a-b", ["https://x.org/a-b"]),
    ("https://x.org/a'b's", ["https://x.org/a'b's"]),
    ("https://x.org/a's'", ["https://x.org/a's'"]),
)
def test_the_end_of_a_url(text: str, expected: list[str]) -> None:
    assert written(text) == expected


@pytest.mark.parametrize(
    ("url", "kept"),
    [
        ("https://x.org/a''", "https://x.org/a"),
        ("https://x.org/a')'", "https://x.org/a"),
        ("https://x.org/a'b'", "https://x.org/a'b'"),
        ("https://x.org/a.'s", "https://x.org/a"),
        ("https://x.org/a" + "'" * 1001, "https://x.org/a"),
        ("https://x.org/bus", "https://x.org/bus"),
    ],
)
def test_trim_quotes(url: str, kept: str) -> None:
    assert trim(url) == kept


# ---------------------------------------------------------------- rule 5: hosts


@table(
    ("[https](https://www.ibm.com)[mailto](mailto:x@ibm.com)", ["https://www.ibm.com"]),
    ("http://a.org[1] text", ["http://a.org"]),
    ("see http://[2001:db8::1]/ now", ["http://[2001:db8::1]/"]),
    ("http://[2001:db8::1]:8080/x", ["http://[2001:db8::1]:8080/x"]),
    ("http://user@[::1]/", ["http://user@[::1]/"]),
    ("http://intranet/", ["http://intranet/"]),
    ("http://localhost:8080/a", ["http://localhost:8080/a"]),
    # negatives: no host, or a bracketed host that is no IPv6 address
    ("http://[foo]/", []),
    ("http://[::1/", []),
    ("http://[::1]:http/", []),
    ("http://-", []),
)
def test_hosts(text: str, expected: list[str]) -> None:
    assert written(text) == expected


@pytest.mark.parametrize(
    ("url", "cut"),
    [
        ("http://a.org[1]/x", "http://a.org"),
        ("http://a]b.org/", "http://a"),
        ("www.a.org[x]", "www.a.org"),
        ("http://[::1]/[x]", "http://[::1]/[x]"),  # brackets in the path are the path's
        ("http://[zz]/", "http://"),
    ],
)
def test_host_cut(url: str, cut: str) -> None:
    assert host_cut(url) == cut


def test_a_host_needs_a_letter_or_digit() -> None:
    assert is_plausible("http://x") and is_plausible("http://[::1]/")
    assert not is_plausible("http://.-./") and not is_plausible("http://")
    # `www.` and one label is a URL cut at a page's end, not a host
    assert not is_plausible("https://www.") and not is_plausible("https://www.grants")
    assert not is_plausible("https://www") and is_plausible("https://www.example.org/")


def test_bound_is_the_kept_head() -> None:
    assert bound("https://x.org/a)b") == len("https://x.org/a")
    assert bound("https://x.org/(a)b") == len("https://x.org/(a)b")


def test_offsets_skip_what_the_rules_cut() -> None:
    flow = Flow([(1, "x \u200f(https://a.org/p)(b) y")])
    (found,) = flow.links()
    assert flow.text[found.start : found.end] == "https://a.org/p"


def test_a_wrapped_url_is_still_joined_and_a_cut_one_is_not() -> None:
    lines = [(1, "see https://example.org/some-"), (2, "thing here")]
    assert [u.written for u in Flow(lines).links()] == ["https://example.org/some-thing"]
    lines = [(1, "see (https://example.org/a)(x-"), (2, "thing here")]
    assert [u.written for u in Flow(lines).links()] == ["https://example.org/a"]


# ---------------------------------------------------------------- the property

WORD = st.text(st.sampled_from("abcdefghijklmnopqrstuvwxyzABCDXYZéüßжя東京大阪한국"), min_size=1, max_size=8)
PROSE = st.lists(st.tuples(WORD, st.sampled_from(["", ",", ".", ";", ":", "!", "?"])), max_size=6).map(
    lambda words: " ".join(w + p for w, p in words)
)
SEGMENT = st.one_of(
    st.text(st.sampled_from("abcdefghijklmnopqrstuvwxyz0123456789-_"), min_size=1, max_size=8).filter(
        lambda s: s[-1] != "-"
    ),
    st.sampled_from(["Foo_(bar)", "{version}", "P1|0||P2|0", "a'b'", "東京", "%E6%9D%B1京", "x[1]"]),
)
# (before, after): what stands on either side of the URL; after the quote a space or punctuation
SEPARATORS = [
    (" ", " "),
    ("\n", "\n"),
    ("\n\n", "\n\n"),
    ("(", ")"),
    ("[", "]"),
    ("{", "}"),
    ('"', '"'),
    ("'", "' "),
    ("“", "”"),
    ("「", "」"),
    ("（", "）"),
    ("、", "。"),
    ("\u200f", "\u200f"),
    ("\u202b", "\u202c"),
    ("\u2067", "\u2069"),
]


@st.composite
def urls(draw: st.DrawFn) -> str:
    """A valid URL: lowercase host, path segments of ASCII or of the tricky kinds above, a query."""
    label = st.text(st.sampled_from("abcdefghij0123"), min_size=1, max_size=6)
    labels = draw(st.lists(label, min_size=1, max_size=3))
    host = ".".join([*labels, draw(st.sampled_from(["org", "jp", "co.uk"]))])
    path = "".join("/" + s for s in draw(st.lists(SEGMENT, max_size=4)))
    if draw(st.booleans()):
        path += "/"
    query = draw(st.sampled_from(["", "?q=1", "?a=b&c=d", "#frag"]))
    return f"https://{host}{path}{query}"


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(PROSE, urls(), st.sampled_from(SEPARATORS), PROSE)
def test_a_url_comes_out_exact_whatever_stands_around_it(
    before: str, url: str, separator: tuple[str, str], after: str
) -> None:
    text = before + separator[0] + url + separator[1] + after
    assert written(text) == [url]
