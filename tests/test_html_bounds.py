"""HTML parsing is bounded while the tree is built: nesting past `MAX_DEPTH` is read flattened,
and a page with more than `MAX_ELEMENTS` elements is one line and exit 2 (it used to take
minutes and a gigabyte: bs4 keeps about 1 KB per element)."""

from __future__ import annotations

from pathlib import Path

from bs4.element import Tag
from cli_run import run_citecheck

from citecheck.extract import extract
from citecheck.ingest import html


def _depth(tag: Tag) -> int:
    depth = 0
    parent = tag.parent
    while parent is not None:
        depth, parent = depth + 1, parent.parent
    return depth


def test_nesting_past_the_limit_is_read_flattened() -> None:
    n = 20_000
    markup = "<div>" * n + 'Deep <a href="https://example.org/deep">a link</a> text.' + "</div>" * n
    soup = html._parse(markup, "deep.html")
    assert max(_depth(tag) for tag in soup.find_all(True)) <= html.MAX_DEPTH + 1
    found = extract(html.read(markup.encode(), "deep.html"))
    assert [lk.url for lk in found.unnumbered_links] == ["https://example.org/deep"]


def test_unclosed_paragraphs_past_the_limit_keep_their_text_in_order() -> None:
    n = 2 * html.MAX_DEPTH
    markup = "".join(f"<p>Para {k} https://example.org/p/{k}" for k in range(n))
    found = extract(html.read(markup.encode(), "legacy.html"))
    assert [lk.url for lk in found.unnumbered_links] == [f"https://example.org/p/{k}" for k in range(n)]


def test_a_page_of_more_elements_than_the_cap_is_one_line_and_exit_2(tmp_path: Path) -> None:
    n = 250_000  # the shape of the 10 MB, 905k-deep report, cut to a quarter
    path = tmp_path / "deep.html"
    path.write_text("<div>" * n + "x https://example.org/a" + "</div>" * n)
    proc = run_citecheck("extract", str(path))
    assert proc.returncode == 2
    assert proc.stderr.count("\n") == 1 and "more than 200,000 elements" in proc.stderr, proc.stderr
