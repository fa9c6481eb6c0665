"""Page metadata from bytes: HTML tags, JSON-LD, entities and charsets, and PDF titles."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from citecheck.models import PageMeta
from citecheck.pagemeta import from_json, from_response, html_meta, pdf_meta, to_json


def pdf_bytes(title: str | None, lines: list[tuple[int, str]]) -> bytes:
    """A small valid PDF: an Info Title (if any) and lines of Helvetica at the given sizes."""
    content = "BT\n" + "".join(
        f"/F1 {size} Tf 1 0 0 1 50 {750 - 40 * i} Tm ({text}) Tj\n" for i, (size, text) in enumerate(lines)
    )
    content += "ET"
    objects = [
        "<< /Type /Catalog /Pages 2 0 R >>",
        "<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R"
        " /Resources << /Font << /F1 5 0 R >> >> >>",
        f"<< /Length {len(content)} >>\nstream\n{content}\nendstream",
        "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
        f"<< /Title ({title}) /CreationDate (D:20250417120000Z) >>" if title else "<< >>",
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for i, obj in enumerate(objects, 1):
        offsets.append(len(out))
        out += f"{i} 0 obj\n{obj}\nendobj\n".encode("latin-1")
    xref = len(out)
    out += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode()
    out += "".join(f"{o:010d} 00000 n \n" for o in offsets).encode()
    trailer = f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R /Info 6 0 R >>"
    out += f"{trailer}\nstartxref\n{xref}\n%%EOF\n".encode()
    return bytes(out)


ARTICLE = b"""<!doctype html><html><head>
<meta charset="utf-8">
<title>US prepares to deport about 300 alleged gang members to El Salvador | AP News</title>
<meta property="og:title" content="US prepares to deport about 300 alleged gang members to El Salvador">
<meta property="og:site_name" content="AP News">
<meta property="article:published_time" content="2025-03-16T14:02:11Z">
<meta name="author" content="Matthew Lee">
<meta name="citation_title" content="A citation title">
<meta name="citation_date" content="2025/03/17">
</head><body><h1>US prepares to deport <em>about 300</em> alleged gang members</h1></body></html>"""


def test_html_tags() -> None:
    page = html_meta(ARTICLE)
    assert page.titles == (
        ("title", "US prepares to deport about 300 alleged gang members to El Salvador | AP News"),
        ("og:title", "US prepares to deport about 300 alleged gang members to El Salvador"),
        ("citation_title", "A citation title"),
        ("h1", "US prepares to deport about 300 alleged gang members"),
    )
    assert page.dates == (dt.date(2025, 3, 16), dt.date(2025, 3, 17))
    assert page.authors == ("Matthew Lee",)
    assert page.site == "AP News"


def test_json_ld_graph_and_entities() -> None:
    body = b"""<html><head><script type="application/ld+json">
    {"@context": "https://schema.org", "@graph": [
      {"@type": "Organization", "name": "Mother Jones"},
      {"@type": ["NewsArticle"], "headline": "\\u201cYou\\u2019re Here Because of Your Tattoos\\u201d",
       "datePublished": "2025-03-26T10:00:00-04:00", "author": [{"@type": "Person", "name": "Noah Lanard"}]}
    ]}</script><script type="application/ld+json">{not json</script></head><body></body></html>"""
    page = html_meta(body)
    assert page.titles == (("json-ld", "“You’re Here Because of Your Tattoos”"),)
    assert page.dates == (dt.date(2025, 3, 26),)
    assert page.authors == ("Noah Lanard",)


def test_entities_and_declared_charset() -> None:
    body = "<title>Caf&eacute; &amp; D&#233;j&#224; vu &#8211; Le Monde</title>".encode("latin-1")
    assert html_meta(body).titles == (("title", "Café & Déjà vu – Le Monde"),)
    latin = "<title>Año nuevo — El País</title>".encode("cp1252")
    assert from_response(latin, "text/html; charset=windows-1252", complete=True) == PageMeta(
        (("title", "Año nuevo — El País"),)
    )


def test_charset_from_meta_and_a_cut_character() -> None:
    page = '<meta charset="windows-1252"><title>Año — El País</title>'.encode("cp1252")
    assert html_meta(page).titles == (("title", "Año — El País"),)
    cut = "<title>Déjà vu</title><p>é".encode()[:-1]  # the body cap cut the last character in two
    assert html_meta(cut).titles == (("title", "Déjà vu"),)
    assert html_meta("<title>Déjà vu</title>".encode("cp1252")).titles == (("title", "Déjà vu"),)


def test_metadata_deep_in_a_large_page() -> None:
    filler = b"<div><p>text <a href='/x'>link</a></p></div>\n" * 5000
    page = b"<title>T | Site</title>" + filler + b'<script type="application/ld+json">{"@type": "Article",'
    page += b' "headline": "Late headline"}</script><h1>Heading</h1>'
    assert html_meta(page).titles == (("title", "T | Site"), ("json-ld", "Late headline"), ("h1", "Heading"))


def test_nothing_usable() -> None:
    assert html_meta(b"<html><body><p>hello</p></body></html>") == PageMeta()
    assert from_response(b"", "text/html", complete=True) is None
    assert from_response(b"\x89PNG...", "image/png", complete=True) == PageMeta(kind="other")


def test_pdf_title_from_metadata_then_largest_text() -> None:
    with_info = pdf_bytes("Letter to Secretary Rubio on El Salvador", [(11, "Dear Secretary Rubio,")])
    page = pdf_meta(with_info)
    assert page.kind == "pdf" and page.titles == (("pdf", "Letter to Secretary Rubio on El Salvador"),)
    assert page.dates == (dt.date(2025, 4, 17),)
    without = pdf_bytes(
        None, [(9, "Congress of the United States"), (20, "Letter of April 17"), (11, "Dear")]
    )
    assert pdf_meta(without).titles == (("pdf", "Letter of April 17"),)


def test_a_truncated_pdf_is_not_read() -> None:
    data = pdf_bytes("A title", [(12, "x")])
    assert from_response(data[:40], "application/pdf", complete=False) == PageMeta(kind="pdf")
    assert pdf_meta(data[:40]) == PageMeta(kind="pdf")


@pytest.mark.parametrize(
    "page",
    [PageMeta(), PageMeta((("title", "T"), ("h1", "H")), (dt.date(2025, 1, 2),), ("A",), "Site", "pdf")],
)
def test_cache_round_trip(page: PageMeta) -> None:
    assert from_json(to_json(page)) == page
    assert from_json("junk") is None and to_json(None) is None


@given(
    st.binary(max_size=2000),
    st.sampled_from([None, "text/html", "text/html; charset=bogus", "application/pdf"]),
)
def test_any_bytes_give_metadata_or_none(body: bytes, content_type: str | None) -> None:
    page = from_response(body, content_type, complete=True)
    assert page is None or all(t and len(t) <= 400 for _, t in page.titles)
