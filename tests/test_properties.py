"""Property-based tests (hypothesis) for the pure, offline parts of citecheck.

No network, no timing: URL finding and trimming, normalisation, footnote parsing, the offline
extraction pipeline, line-wrap repair and citation dates.
"""

from __future__ import annotations

import datetime as dt
import os
import re
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from urllib.parse import urlsplit

from hypothesis import HealthCheck, assume, example, given, settings
from hypothesis import strategies as st

from citecheck import footnotes, repair, words
from citecheck.dates import cited_date
from citecheck.extract import extract
from citecheck.models import Document, Extraction, Notes, ProblemKind
from citecheck.urls import SUPERSCRIPT_DIGITS, Flow, meant, normalize, trim

LETTER = Path(__file__).resolve().parent.parent / "fixtures" / "letter.txt"
LETTER_LINES = LETTER.read_text(encoding="utf-8").split("\n")

# CITECHECK_PROPERTY_SCALE=20 runs twenty times as many examples (for bug hunting, not CI).
SCALE = int(os.environ.get("CITECHECK_PROPERTY_SCALE", "1"))
PROPS = settings(max_examples=200 * SCALE, deadline=None, suppress_health_check=[HealthCheck.too_slow])
HEAVY = settings(max_examples=60 * SCALE, deadline=None, suppress_health_check=[HealthCheck.too_slow])

TRAILING = ".,;:!?'*"
INVISIBLE = "\u00ad\u200b\u200c\u200d\u2060\ufeff"
SUP_TABLE = str.maketrans("0123456789", SUPERSCRIPT_DIGITS)
# Characters the code treats specially; mixed into arbitrary text so hypothesis hits them often.
SPECIAL = SUPERSCRIPT_DIGITS + INVISIBLE + TRAILING + '()[]{}<>^/-_=&?%#~+@"“”‘’«»|\\`\f\t \n\u2010\u2011①²'
FRAGMENTS = [
    "https://",
    "http://",
    "HTTPS://",
    "ftp://",
    "www.",
    "example.org",
    "a-b.example.org",
    "/",
    "/path",
    "-slug",
    "?q=1",
    "&x=y",
    "#frag",
    "[^",
    "]:",
    "[^1]: ",
    "[1] ",
    "1. ",
    "12. ",
    "^{1, 2}",
    "^{3-5}",
    "^7",
    "[2]",
    "[3-4]",
    "\n",
    "\n\n",
    "\f",
    "Notes",
    "\nReferences\n",
    "¹ ",
    "²",
    "¹²",
    " ",
    "see ",
    "Mar. 16, 2025",
    "2025-03-16",
    "last visited ",
    "(",
    ")",
    "<",
    ">",
    ".",
    ",",
    ";",
    "aragua64e72142a171ea57c869c3b35eeecce7",
    "elsalvador",
    "bukel-e",
    "0",
    "9",
]

any_text = st.text(alphabet=st.one_of(st.characters(), st.sampled_from(SPECIAL)), max_size=300)
fragment_text = st.lists(
    st.one_of(st.sampled_from(FRAGMENTS), st.text(st.sampled_from(SPECIAL + "abcXYZ019 "), max_size=6)),
    max_size=60,
).map("".join)
messy_text = st.one_of(any_text, fragment_text)
letter_mix = st.lists(st.sampled_from(LETTER_LINES), max_size=60).map("\n".join)
letter_shuffle = st.permutations(LETTER_LINES).map("\n".join)
FIXTURE_LINES = [
    line
    for path in sorted(LETTER.parent.glob("*.txt"))
    for line in path.read_text(encoding="utf-8").split("\n")
]
fixture_mix = st.lists(st.sampled_from(FIXTURE_LINES), max_size=80).map("\n".join)


# ------------------------------------------------------------------------ generated URLs

WORDS = st.text(st.sampled_from("abcdefghijklmnopqrstuvwxyz"), min_size=1, max_size=8)
NUMBERS = st.integers(0, 99999).map(str)
LABEL = st.lists(WORDS, min_size=1, max_size=3).map("-".join)


@st.composite
def hosts(draw: st.DrawFn) -> str:
    labels = draw(st.lists(LABEL, min_size=1, max_size=2))
    return ".".join([*labels, draw(st.sampled_from(["example", "gov", "co"])), "org"])


@st.composite
def valid_urls(draw: st.DrawFn) -> str:
    """`https://host/slug-words-1/2025/…[?k=v&…]` made of lowercase words and digits."""
    segments = draw(st.lists(st.lists(st.one_of(WORDS, NUMBERS), min_size=1, max_size=5), max_size=5))
    path = "".join("/" + "-".join(parts) for parts in segments)
    if draw(st.booleans()):
        path += "/"
    query = ""
    if draw(st.booleans()):
        pairs = draw(st.lists(st.tuples(WORDS, st.one_of(WORDS, NUMBERS)), min_size=1, max_size=3))
        query = "?" + "&".join(f"{k}={v}" for k, v in pairs)
    return f"https://{draw(hosts())}{path}{query}"


def superscript(n: int) -> str:
    return str(n).translate(SUP_TABLE)


def links_of(text: str, line: int = 1) -> list[str]:
    return [u.written for u in Flow([(line, text)]).links()]


# ------------------------------------------------------------------------ urls.trim


@PROPS
@given(st.text(alphabet=st.one_of(st.characters(), st.sampled_from("()[]{}" + TRAILING)), max_size=50))
def test_trim_is_idempotent_prefix_without_trailing_punctuation(url: str) -> None:
    kept = trim(url)
    assert url.startswith(kept)
    assert trim(kept) == kept
    assert not kept or kept[-1] not in TRAILING.replace("'", "")
    if kept.endswith("'"):  # kept only as the close of a quote the URL opened: `a'b'`
        assert kept.count("'") % 2 == 0 and kept[-2].isalnum()
    for closer, opener in {")": "(", "]": "[", "}": "{"}.items():
        if kept.endswith(closer):
            assert kept.count(closer) <= kept.count(opener)


@PROPS
@given(valid_urls(), st.text(st.sampled_from(TRAILING + ")]}"), max_size=5))
def test_trim_removes_only_appended_punctuation(url: str, junk: str) -> None:
    assert trim(url + junk) == url


# ------------------------------------------------------------------------ urls.normalize


@PROPS
@given(messy_text)
def test_normalize_is_idempotent_and_keeps_lines_and_markers(text: str) -> None:
    out = normalize(text)
    assert normalize(out) == out
    assert out.count("\n") == text.count("\n")
    assert [c for c in out if c in SUPERSCRIPT_DIGITS] == [c for c in text if c in SUPERSCRIPT_DIGITS]
    assert not any(c in out for c in INVISIBLE)


@PROPS
@given(st.lists(st.one_of(st.sampled_from(INVISIBLE), st.sampled_from("abc-/."), valid_urls()), max_size=10))
def test_normalize_drops_invisible_characters_from_ascii(parts: list[str]) -> None:
    text = "".join(parts)
    assert normalize(text) == "".join(c for c in text if c not in INVISIBLE)


# ------------------------------------------------------------------------ urls.Flow.links

EMBEDDINGS = [
    "See <{}>.",
    "See {}, and more.",
    "See {}.",
    "(see {})",
    "({})",
    "{}¹²",
    "{}³.",
    "<{}>;",
    "[{}]",
]


@PROPS
@given(valid_urls(), st.sampled_from(EMBEDDINGS), st.sampled_from(["", "Text before. ", "x (a) "]))
def test_links_find_exactly_an_embedded_url(url: str, template: str, before: str) -> None:
    text = before + template.format(url) + " After that, prose."
    assert links_of(text) == [url]


@PROPS
@given(valid_urls(), st.sampled_from(EMBEDDINGS), WORDS)
def test_links_find_www_and_parenthesised_paths(url: str, template: str, word: str) -> None:
    www = "www." + url.removeprefix("https://")
    (found,) = Flow([(1, template.format(www))]).links()
    assert found.written == www
    assert meant(found.written) == "https://" + www
    if "?" not in url:
        wiki = f"{url.rstrip('/')}/A_({word})"
        assert links_of(template.format(wiki)) == [wiki]


@PROPS
@given(valid_urls(), valid_urls())
def test_links_find_two_urls_in_order(a: str, b: str) -> None:
    text = f"First <{a}>; then {b}.\nNothing else."
    assert links_of(text) == [a, b]


@st.composite
def wrapped_urls(draw: st.DrawFn) -> tuple[str, list[int]]:
    """A URL and up to three offsets where PDF line wraps cut it: after a hyphen or before a `/`."""
    url = draw(valid_urls())
    host_end = url.index("/", len("https://")) if "/" in url[len("https://") :] else len(url)
    cuts = [i + 1 for i, c in enumerate(url) if c in "-_=&" and i >= len("https://")]
    cuts += [i for i, c in enumerate(url) if c in "/?&=" and i >= host_end]
    cuts = sorted({c for c in cuts if 0 < c < len(url)})
    if not cuts:
        return url, []
    return url, sorted(draw(st.lists(st.sampled_from(cuts), min_size=1, max_size=3, unique=True)))


@PROPS
@given(wrapped_urls(), st.sampled_from(["See {}.", "<{}>", "({}), more", "{}¹"]), st.sampled_from(["", "  "]))
def test_links_join_a_url_across_line_breaks(
    wrapped: tuple[str, list[int]], template: str, indent: str
) -> None:
    url, cuts = wrapped
    text = template.format(url)
    start = text.index(url)
    for cut in reversed(cuts):
        text = text[: start + cut] + "\n" + indent + text[start + cut :]
    found = Flow([(7, text)]).links()
    assert [u.written for u in found] == [url]
    assert found[0].line == 7
    assert found[0].breaks == tuple(cuts)


@PROPS
@given(messy_text)
def test_links_never_raise_and_have_no_whitespace(text: str) -> None:
    for found in Flow([(1, text)]).links():
        assert found.written
        assert not any(c.isspace() for c in found.written)
        assert found.line == 1
        assert found.written == trim(found.written)
        assert all(0 < b < len(found.written) for b in found.breaks)


@PROPS
@given(messy_text)
def test_links_offsets_cover_the_written_url(text: str) -> None:
    flow = Flow([(1, text)])
    for found in flow.links():
        span = flow.text[found.start : found.end]
        assert re.sub(r"[ \t]*\n[ \t]*", "", span) == found.written
        head = found.written[: found.breaks[0]] if found.breaks else found.written
        assert span.startswith(head)


@PROPS
@given(st.lists(st.tuples(st.integers(1, 10_000), messy_text), max_size=6))
def test_links_lines_come_from_the_pieces(pieces: list[tuple[int, str]]) -> None:
    lines = {line for line, _ in pieces}
    for found in Flow(pieces).links():
        assert not any(c.isspace() for c in found.written)
        assert found.line in lines


# ------------------------------------------------------------------------ footnotes.parse


def check_notes_shape(notes: Notes, text: str) -> None:
    lines = text.split("\n")
    for note in notes.notes:
        assert type(note.number) is int
        assert type(note.line) is int
        assert note.pieces and note.pieces[0][0] == note.line
    for marker in notes.markers:
        assert type(marker.number) is int
        assert 1 <= marker.line <= len(lines)
    seen = Counter(line for line, _ in notes.body)
    seen.update(line for n in notes.notes for line, _ in n.pieces)
    for line, count in seen.items():
        assert 1 <= line <= len(lines)
        # A form feed splits a line into pages; otherwise a line is body or footnote, once.
        assert count <= lines[line - 1].count("\f") + 1, f"line {line} used {count} times"


_DIGIT_LIKE_LABELS = st.text(st.sampled_from(SUPERSCRIPT_DIGITS + "①⑵⓷₅"), min_size=1, max_size=3)


@PROPS
@given(messy_text)
def test_parse_never_raises_and_lines_are_disjoint(text: str) -> None:
    check_notes_shape(footnotes.parse(text), text)


@PROPS
@given(letter_mix)
def test_parse_of_shuffled_letter_lines(text: str) -> None:
    check_notes_shape(footnotes.parse(text), text)


@settings(max_examples=20, deadline=None)
@given(_DIGIT_LIKE_LABELS, st.sampled_from(["[^{}]: a note", "Body text[^{}] here."]))
def test_parse_digit_like_markdown_label(label: str, template: str) -> None:
    footnotes.parse(template.format(label))


STYLES: dict[str, tuple[Callable[[int], str], Callable[[int], str], int]] = {
    # style: (marker in the body, definition label, minimum N for the style to be recognised)
    "superscript": (superscript, lambda i: superscript(i) + " ", 1),
    "markdown": (lambda i: f"[^{i}]", lambda i: f"[^{i}]: ", 1),
    "bracket": (lambda i: f"[{i}]", lambda i: f"[{i}] ", 2),
    "caret-notes": (lambda i: f"^{i}", lambda i: f"{i}. ", 1),
}
BODY_WORDS = ["the", "agreement", "prison", "report", "states", "law", "Salvador"]


@st.composite
def footnoted_documents(draw: st.DrawFn) -> tuple[str, int, str, dict[int, int]]:
    """N body paragraphs with markers 1..N and N definitions each citing one URL.

    Returns the style, N, the text, and the line of each footnote's URL. Definitions come after
    the body (or, for superscripts, each after its paragraph, as page by page); some are split by
    a page break before their URL, as PDF copies do.
    """
    n = draw(st.integers(1, 30))
    style = draw(st.sampled_from(sorted(STYLES)))
    mark, label, minimum = STYLES[style]
    n = max(n, minimum)
    words = st.lists(st.sampled_from(BODY_WORDS), min_size=1, max_size=8).map(" ".join)
    sep = draw(st.sampled_from(["\n\n", "\n\n\n", "\n\f\n", "\n \n"]))
    interleaved = style == "superscript" and draw(st.booleans())

    blocks: list[str] = ["A Title"]
    defs: list[list[str]] = []
    for i in range(1, n + 1):
        url = f"https://example.org/x-{i}"
        if draw(st.booleans()):
            defs.append([f"{label(i)}Some citation text, {draw(words)} (Mar. 16, 2025),", f"<{url}>."])
        else:
            defs.append([f"{label(i)}Some citation text, {url}."])
    for i in range(1, n + 1):
        blocks.append(f"Paragraph {draw(words)} says so.{mark(i)} More {draw(words)}.")
        if interleaved:
            blocks += defs[i - 1]
    if not interleaved:
        if style == "caret-notes":
            blocks.append("Notes")
        blocks += [piece for d in defs for piece in d]
    text = sep.join(blocks) + draw(st.sampled_from(["", "\n", "\n\n"]))
    lines = text.split("\n")
    where = {
        i: next(k for k, ln in enumerate(lines, 1) if f"/x-{i}>" in ln or f"/x-{i}." in ln)
        for i in range(1, n + 1)
    }
    return style, n, text, where


@PROPS
@given(footnoted_documents())
def test_generated_document_footnotes(doc: tuple[str, int, str, dict[int, int]]) -> None:
    _style, n, text, url_lines = doc
    notes = footnotes.parse(text)
    assert [note.number for note in notes.notes] == list(range(1, n + 1))
    assert [m.number for m in notes.markers] == list(range(1, n + 1))
    assert notes.problems == ()
    check_notes_shape(notes, text)

    result = extract(Document("gen.txt", text))
    assert result.problems == ()
    assert result.unnumbered_links == ()
    assert [fn.number for fn in result.footnotes] == list(range(1, n + 1))
    for fn in result.footnotes:
        assert len(fn.links) == 1
        (link,) = fn.links
        assert link.written == link.url == f"https://example.org/x-{fn.number}"
        assert link.repair is None
        assert link.suspects == ()
        assert link.line == url_lines[fn.number]
        assert link.accessed == (dt.date(2025, 3, 16) if "(Mar. 16, 2025)" in fn.text else None)
        assert fn.accessed == link.accessed


def expected_problems(defs: list[int], marks: list[int]) -> set[tuple[ProblemKind, int | None]]:
    """What the integrity check should report, as (kind, number), for footnote numbers < 1000."""
    out: set[tuple[ProblemKind, int | None]] = set()
    defined: list[int] = []
    for d in defs:
        if d in defined:
            out.add((ProblemKind.DUPLICATE_FOOTNOTE, d))
            continue
        if defined and d < max(defined):
            out.add((ProblemKind.OUT_OF_ORDER, d))
        defined.append(d)
    if not defined and len(marks) < 2:
        return out
    top = max(defined, default=0)
    referenced: list[int] = []
    for m in marks:
        if m in referenced:
            continue
        if referenced and m < max(referenced):
            out.add((ProblemKind.OUT_OF_ORDER, m))
        referenced.append(m)
        if m not in defined:
            out.add((ProblemKind.MISSING_FOOTNOTE if m <= top else ProblemKind.ORPHAN_MARKER, m))
    if marks:
        out |= {(ProblemKind.UNREFERENCED_FOOTNOTE, d) for d in defined if d not in referenced}
    elif defined:
        out.add((ProblemKind.UNREFERENCED_FOOTNOTE, None))
    # numbering gaps count from the first footnote defined: an excerpt may start at footnote 40
    first = min(defined, default=1)
    out |= {(ProblemKind.MISSING_FOOTNOTE, k) for k in range(first, top + 1) if k not in defined + referenced}
    return out


def restarts(defs: list[int]) -> bool:
    """Whether definitions start a second series: a 1 after a run that began at 1 went past it."""
    return bool(defs) and defs[0] == 1 and any(d == 1 and max(defs[:k]) > 1 for k, d in enumerate(defs) if k)


@PROPS
@given(
    st.sampled_from(sorted(STYLES)),
    st.lists(st.integers(1, 9), max_size=8),
    st.lists(st.integers(1, 9), max_size=8),
)
def test_integrity_problems_match_markers_and_definitions(
    style: str, defs: list[int], marks: list[int]
) -> None:
    # Single-digit numbers only: `²³` may be read as 2 and 3 (by design, for superscripts).
    mark, label, minimum = STYLES[style]
    if len(defs) < minimum:
        defs = [*defs, 9, 9][:minimum]
    assume(not restarts(defs))  # numbering that starts again at 1: tests/test_series.py
    body = [
        f"Paragraph number {'one' if i % 2 else 'two'} says so.{mark(m)} More." for i, m in enumerate(marks)
    ]
    notes_part = ["Notes"] if style == "caret-notes" else []
    text = "\n\n".join(["A Title", *body, *notes_part, "\n".join(f"{label(d)}Citation." for d in defs)])
    notes = footnotes.parse(text)
    assert [n.number for n in notes.notes] == defs
    assert list(dict.fromkeys(m.number for m in notes.markers)) == list(dict.fromkeys(marks))
    assert {(p.kind, p.number) for p in notes.problems} == expected_problems(defs, marks)


MARKERS: dict[str, Callable[[int], str]] = {
    "superscript": superscript,
    "caret-list": lambda i: f"^{{{i}}}",
    "caret": lambda i: f"^{i}",
    "markdown": lambda i: f"[^{i}]",
}
TRICKY_BODY = [
    "see {url} for the text.{m}",  # lower case, with a URL: a continuation's shape but for the marker
    "{url} is where it stands.{m}",  # starts with a URL
    "(and {words}).{m}",
    "{words}{m}",  # one short line
    "{words} (Mar. 16, 2025).{m}",  # a date, as citations have
    "The {words} at {url}.{m} More.",
]


@st.composite
def documents_with_marked_paragraphs(draw: st.DrawFn) -> tuple[str, list[int]]:
    """Definitions with body paragraphs shaped like footnote continuations between them.

    Every such paragraph carries a body marker, so it must stay body. Returns the text and the
    line numbers of those paragraphs.
    """
    n = draw(st.integers(1, 8))
    words = st.lists(st.sampled_from([*BODY_WORDS, "x", "cited", "site"]), min_size=1, max_size=5).map(
        " ".join
    )
    out: list[str] = ["A Title", f"Opening paragraph.{superscript(1)}"]
    body_lines: list[int] = []
    for i in range(1, n + 1):
        out.append(f"{superscript(i)} Citation {i}, {draw(words)} (Mar. 16, 2025),")
        for _ in range(draw(st.integers(0, 2))):
            marker = MARKERS[draw(st.sampled_from(sorted(MARKERS)))](draw(st.integers(1, n)))
            template = draw(st.sampled_from(TRICKY_BODY))
            url = f"https://example.org/{draw(st.sampled_from(['a', 'b-c', 'd?e=f']))}"
            body_lines.append(len("\n\n".join(out).split("\n")) + 2)
            out.append(template.format(url=url, m=marker, words=draw(words)))
    return "\n\n".join(out), body_lines


@PROPS
@given(documents_with_marked_paragraphs())
def test_paragraphs_with_body_markers_stay_body(doc: tuple[str, list[int]]) -> None:
    text, body_lines = doc
    notes = footnotes.parse(text)
    check_notes_shape(notes, text)
    body = {line for line, _ in notes.body}
    for line in body_lines:
        assert line in body, text.split("\n")[line - 1]


@PROPS
@given(valid_urls(), st.lists(st.from_regex(r"[A-Za-z]{1,9}", fullmatch=True), min_size=1, max_size=6))
def test_url_at_line_end_does_not_swallow_the_next_line_of_prose(url: str, words: list[str]) -> None:
    for prose in (" ".join(words), " ".join(words) + ".", "(" + " ".join(words) + ")"):
        assert links_of(f"See {url}\n{prose}") == [url]
        assert links_of(f"See {url}.\n{prose}") == [url]


# ------------------------------------------------------------------------ extract + repair


def check_extraction(ex: Extraction, text: str) -> None:
    lines = text.split("\n")
    for fn in ex.footnotes:
        for link in fn.links:
            assert link.written in fn.text
    for link in ex.links():
        assert not any(c.isspace() for c in link.written)
        assert 1 <= link.line <= len(lines)
        if link.repair is None:
            assert link.url == meant(link.written)
        else:
            assert link.repair.candidates
            assert link.url == meant(link.repair.candidates[0])
            assert link.written not in link.repair.candidates
            check_repair_keeps_host_and_query(link.written, link.repair.candidates)
        check_repair_keeps_host_and_query(link.written, link.suspects)
        for reading in link.readings:  # another cut of the same run of text, hyphens aside
            a, b = meant(reading).replace("-", ""), meant(link.written).replace("-", "")
            assert a.startswith(b) or b.startswith(a), reading


def check_repair_keeps_host_and_query(written: str, cands: tuple[str, ...]) -> None:
    orig = urlsplit(meant(written))
    for cand in cands:
        got = urlsplit(meant(cand))
        assert (got.scheme, got.netloc, got.query, got.fragment) == (
            orig.scheme,
            orig.netloc,
            orig.query,
            orig.fragment,
        ), cand
        # Only hyphens move (and a path the document writes intact elsewhere may differ in case
        # or underscores): the path with those squashed out is the written one.
        assert squash(got.path) == squash(orig.path), cand


def squash(path: str) -> str:
    return path.lower().replace("-", "").replace("_", "").rstrip("/")


@PROPS
@given(messy_text)
def test_extract_never_raises_on_arbitrary_text(text: str) -> None:
    check_extraction(extract(Document("any.txt", text)), text)


@PROPS
@given(letter_mix)
def test_extract_on_sampled_letter_lines(text: str) -> None:
    check_extraction(extract(Document("mix.txt", text)), text)


@PROPS
@given(fixture_mix)
def test_extract_on_sampled_fixture_lines(text: str) -> None:
    check_notes_shape(footnotes.parse(text), text)
    check_extraction(extract(Document("fixtures.txt", text)), text)


@HEAVY
@given(letter_shuffle)
def test_extract_on_shuffled_letter(text: str) -> None:
    check_extraction(extract(Document("shuffled.txt", text)), text)


def test_extract_letter_as_is() -> None:
    text = "\n".join(LETTER_LINES)
    ex = extract(Document("letter.txt", text))
    check_extraction(ex, text)
    assert any(link.repair is not None for link in ex.links())


GLUED_WORDS = ["elsalvador", "prisoncecot", "deportedmigrants", "sendingconvicted", "amidmigration"]


@st.composite
def damaged_urls(draw: st.DrawFn) -> str:
    """URLs with the damage repair looks for: glued words, hex ids, split words, plus a query."""
    host = draw(hosts())
    slug = draw(st.lists(st.sampled_from(["cecot", "trump", "bukel", "e", "prison", "news", *GLUED_WORDS])))
    tail = draw(st.sampled_from(["", "aragua64e72142a171ea57c869c3b35eeecce7", "bukel-e", "x-1"]))
    path = "/" + "-".join([*slug, tail] if tail else slug)
    query = draw(st.sampled_from(["", "?id=1", "?q=el-salvador&r=prisoncecot", "?a=b/elsalvador"]))
    frag = draw(st.sampled_from(["", "#top", "#elsalvador"]))
    prefix = draw(st.sampled_from(["https://", "http://", "www." if host.startswith("w") else "https://"]))
    return f"{prefix}{host}{path}{query}{frag}"


@PROPS
@given(damaged_urls(), st.lists(st.integers(0, 200), max_size=3), st.booleans())
def test_repair_never_changes_host_or_query(written: str, breaks: list[int], hyphenated: bool) -> None:
    vocab = repair.Vocabulary.from_text("El Salvador prison CECOT Bukele deported migrants " + written)
    others = ["https://other.org/a-b"] if hyphenated else []
    proposal = repair.propose(written, sorted(breaks), repair.Context.build([written, *others], vocab))
    if proposal.repair is not None:
        check_repair_keeps_host_and_query(written, proposal.repair.candidates)
    check_repair_keeps_host_and_query(written, proposal.suspects)


@PROPS
@given(st.lists(damaged_urls(), min_size=1, max_size=4), st.sampled_from(["\n\n", "\n", " ; "]))
def test_extract_of_damaged_urls_keeps_host_and_query(urls: list[str], sep: str) -> None:
    text = "The El Salvador prison CECOT held deported migrants, Bukele said.\n\n" + sep.join(
        f"{superscript(i)} Cite, <{u}>." for i, u in enumerate(urls, 1)
    )
    check_extraction(extract(Document("damaged.txt", text)), text)


COMMON_WORDS = sorted(
    (w for w, rank in words.english_ranks().items() if rank < 20_000 and len(w) >= 3 and w.isalpha()),
    key=words.english_ranks().__getitem__,
)


@PROPS
@given(
    st.lists(st.lists(st.one_of(st.sampled_from(COMMON_WORDS), NUMBERS), min_size=1, max_size=6), max_size=4),
    st.lists(st.sampled_from(COMMON_WORDS), max_size=30),
)
def test_url_of_dictionary_words_is_never_repaired(segments: list[list[str]], prose: list[str]) -> None:
    url = "https://www.example.org" + "".join("/" + "-".join(seg) for seg in segments)
    text = f"Body {' '.join(prose)}.{superscript(1)}\n\n{superscript(1)} Cited, <{url}>."
    (link,) = extract(Document("words.txt", text)).links()
    assert (link.written, link.url, link.repair, link.suspects) == (url, url, None, ())


@PROPS
@given(
    st.lists(st.from_regex(r"[a-z]{2,8}", fullmatch=True), min_size=2, max_size=6, unique=True),
    st.data(),
)
def test_tokens_the_document_writes_as_words_are_never_split(words: list[str], data: st.DataObject) -> None:
    slug = "-".join(words)
    url = f"https://example.org/news/{slug}"
    prose = " ".join(data.draw(st.permutations(words)))
    text = f"On {prose}.{superscript(1)}\n\n{superscript(1)} Cited, <{url}>."
    (link,) = extract(Document("own.txt", text)).links()
    assert (link.written, link.url, link.repair) == (url, url, None)


@st.composite
def slugs_with_glued_words(draw: st.DrawFn) -> tuple[list[str], int]:
    """Slug tokens of common words, some glued together (a hyphen lost), and a token to wrap at."""
    words = draw(st.lists(st.sampled_from(COMMON_WORDS), min_size=3, max_size=7))
    tokens = [words[0]]
    for word in words[1:]:
        if draw(st.booleans()):
            tokens[-1] += word
        else:
            tokens.append(word)
    assume(len(tokens) >= 2)
    return tokens, draw(st.integers(1, len(tokens) - 1))


@PROPS
@given(st.lists(st.sampled_from(COMMON_WORDS), min_size=3, max_size=6), st.data(), st.booleans())
def test_hyphen_dropped_at_a_line_break_is_restored(
    words: list[str], data: st.DataObject, prose: bool
) -> None:
    """`…/news/tren-aragua-` + `64e7…` copied as `aragua` + newline + `64e7…`: the hyphen comes back."""
    cut = data.draw(st.integers(1, len(words) - 1))
    assume(not repair.Vocabulary(()).is_word(words[cut - 1] + words[cut]))
    base = "https://www.example.org/news/"
    body = ("Body " + " ".join(words) if prose else "Body text") + f".{superscript(1)}"
    text = f"{body}\n\n{superscript(1)} Cited, <{base}{'-'.join(words[:cut])}\n{'-'.join(words[cut:])}>."
    (link,) = extract(Document("wrap.txt", text)).links()
    assert link.written == base + "-".join(
        [*words[: cut - 1], words[cut - 1] + words[cut], *words[cut + 1 :]]
    )
    assert link.url == base + "-".join(words)
    assert link.repair is not None


@settings(max_examples=300, deadline=None)
@given(slugs_with_glued_words(), st.lists(st.sampled_from(COMMON_WORDS), max_size=10))
@example((["the", "thebecame"], 1), [])
def test_line_break_after_a_slug_hyphen_does_not_change_the_repair(
    slug: tuple[list[str], int], prose: list[str]
) -> None:
    tokens, cut = slug
    base = "https://www.example.org/news/"
    body = f"Body {' '.join(prose)}.{superscript(1)}\n\n{superscript(1)} Cited, <{base}"
    one_line = body + "-".join(tokens) + ">."
    wrapped = body + "-".join(tokens[:cut]) + "-\n" + "-".join(tokens[cut:]) + ">."
    # A break next to a hyphen between two halves of a word may rightly remove that hyphen.
    assume(not repair.Vocabulary.from_text(one_line).is_word(tokens[cut - 1] + tokens[cut]))
    (a,) = extract(Document("one.txt", one_line)).links()
    (b,) = extract(Document("two.txt", wrapped)).links()
    assert a.written == b.written
    assert (a.url, a.repair and a.repair.candidates) == (b.url, b.repair and b.repair.candidates)


# ------------------------------------------------------------------------ dates

MONTHS = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
]
DATES = st.dates(dt.date(1900, 1, 1), dt.date(2100, 12, 31))


def abbreviations(month: int) -> list[str]:
    name = MONTHS[month - 1]
    out = [name if len(name) <= 4 else name[:3] + "."]
    if month == 9:
        out.append("Sept.")
    return out


@PROPS
@given(messy_text, st.one_of(st.none(), st.integers(-5, 400)))
def test_cited_date_never_raises(text: str, at: int | None) -> None:
    got = cited_date(text, at)
    assert got is None or isinstance(got, dt.date)


@PROPS
@given(DATES, st.data())
@example(dt.date(2025, 3, 16), None)
def test_cited_date_reads_common_formats(date: dt.date, data: st.DataObject | None) -> None:
    month = MONTHS[date.month - 1]
    forms = [
        *(f"{abbr} {date.day}, {date.year}" for abbr in abbreviations(date.month)),
        f"{month} {date.day}, {date.year}",
        f"{date.day} {month} {date.year}",
        date.isoformat(),
    ]
    wrappers = ["{}", "({})", "Report ({}), https://example.org/a", "(last visited {})"]
    for form in forms:
        wrap = data.draw(st.sampled_from(wrappers)) if data is not None else "({})"
        assert cited_date(wrap.format(form)) == date, form


@PROPS
@given(DATES, DATES)
def test_cited_date_takes_the_date_before_the_url(before: dt.date, after: dt.date) -> None:
    text = f"Report ({before.isoformat()}), https://example.org/a, updated {after.isoformat()}"
    at = text.index("https")
    assert cited_date(text, at) == before
    assert cited_date(text[at:], 0) == after
    assert cited_date(text) == before


@PROPS
@given(DATES, DATES)
def test_cited_date_prefers_last_visited(printed: dt.date, visited: dt.date) -> None:
    text = f"Title ({printed.isoformat()}), https://example.org/a (last visited {visited.isoformat()})"
    assert cited_date(text) == visited
    assert cited_date(text, at=text.index("https")) == visited


# ---------------------------------------------------------------- regressions (bugs found here, fixed)


def test_decimal_markdown_labels_parse() -> None:
    # Only ASCII digits are numbers; any other label (here Arabic-Indic ٣) is a name, numbered on
    # after the highest numeric footnote: 2 → the name gets 3.
    notes = footnotes.parse("Body text[^2] here, and[^٣] there.\n\n[^2]: a note\n[^٣]: another")
    assert [n.number for n in notes.notes] == [2, 3]
    assert {m.number for m in notes.markers} == {2, 3}


@settings(max_examples=50, deadline=None)
@given(st.lists(st.integers(1, 9999), min_size=1, max_size=5, unique=True))
def test_markdown_marker_counted_once(numbers: list[int]) -> None:
    body = "Body " + " and ".join(f"text[^{i}]" for i in numbers) + "."
    defs = "\n".join(f"[^{i}]: note {i}" for i in numbers)
    notes = footnotes.parse(body + "\n\n" + defs)
    assert [m.number for m in notes.markers] == numbers


NAMES = st.from_regex(r"[a-z][a-z0-9-]{0,8}", fullmatch=True).filter(lambda x: not x.isdigit())


@settings(max_examples=50, deadline=None)
@given(st.lists(NAMES, min_size=1, max_size=5, unique=True))
def test_named_markdown_footnotes_have_no_problems(names: list[str]) -> None:
    body = "\n\n".join(f"Paragraph says so.[^{name}] More." for name in names)
    defs = "\n".join(f"[^{name}]: Citation {name}." for name in names)
    notes = footnotes.parse(f"A Title\n\n{body}\n\n{defs}")
    assert len(notes.notes) == len(names)
    assert notes.problems == ()


@settings(max_examples=50, deadline=None)
@given(st.sampled_from(["markdown", "bracket", "caret-notes"]), st.integers(1, 9), st.integers(1, 9))
def test_explicit_missing_label_is_not_split(style: str, a: int, b: int) -> None:
    mark, label, _ = STYLES[style]
    defs = sorted({a, b} | {1, 2})
    marks = [*defs, a * 10 + b]  # footnote `ab` is cited but not defined
    body = "\n\n".join(f"Paragraph says so.{mark(m)} More." for m in marks)
    notes_part = "Notes\n\n" if style == "caret-notes" else ""
    text = f"A Title\n\n{body}\n\n{notes_part}" + "\n".join(f"{label(d)}Citation." for d in defs)
    notes = footnotes.parse(text)
    assert (ProblemKind.ORPHAN_MARKER, a * 10 + b) in {(p.kind, p.number) for p in notes.problems}
