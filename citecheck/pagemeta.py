"""What a fetched page says it is: titles, dates and authors from its bytes. Pure (no I/O).

HTML is read with beautifulsoup4 from the bytes the link check already fetched (bounded by the
client's body cap), so matching costs no extra request: `<title>`, `og:title`, `twitter:title`,
`citation_title`, `dc.title`, JSON-LD `headline`/`name`, the first `<h1>`, publication dates
(`article:published_time`, `citation_date`, `citation_publication_date`, `dc.date`, JSON-LD
`datePublished`) and authors (`author`, `citation_author`, `article:author`, JSON-LD `author`).
PDFs give their document-information title, else the largest text on the first page, and only
when the bytes are the whole file (a truncated PDF cannot be opened reliably).

Reading a page is best effort and never ends a run: `from_response`, the one entry point, turns any
exception while reading a body into "no metadata" (a hostile page costs only its own metadata),
and JSON-LD deeper than `MAX_LD_DEPTH` is not parsed at all (the decoder recurses per level).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import re
import warnings
from collections.abc import Iterator
from typing import Any

from bs4 import BeautifulSoup, MarkupResemblesLocatorWarning, Tag
from bs4.filter import SoupStrainer

from citecheck.models import PageMeta

MAX_TITLE = 400
_TITLE_META = {
    "og:title": "og:title",
    "twitter:title": "og:title",
    "citation_title": "citation_title",
    "dc.title": "citation_title",
}
_DATE_META = frozenset(
    {
        "article:published_time",
        "citation_date",
        "citation_publication_date",
        "citation_online_date",
        "dc.date",
        "dc.date.issued",
        "date",
        "pubdate",
        "publish-date",
        "og:published_time",
        "parsely-pub-date",
    }
)
_AUTHOR_META = frozenset({"author", "citation_author", "article:author", "dc.creator", "parsely-author"})
_ISO_DATE = re.compile(r"(\d{4})-(\d{2})-(\d{2})|(\d{4})/(\d{2})/(\d{2})")
_WANTED = SoupStrainer(["title", "meta", "script", "h1"])
# Why fragments: bs4 on a whole 256 KB page costs ~110 ms of event-loop time; the tags that carry
# metadata are few, so they are cut out first (~1 ms) and only they are parsed.
_FRAGMENTS = re.compile(
    r"<title\b[^>]*>.{0,4000}?</title\s*>|<meta\b[^>]*>"
    r"|<script\b[^>]*ld\+json[^>]*>.{0,100000}?</script\s*>|<h1\b[^>]*>.{0,4000}?</h1\s*>",
    re.IGNORECASE | re.DOTALL,
)
_META_CHARSET = re.compile(rb"<meta[^>]+charset=[\"']?([\w.:-]+)", re.IGNORECASE)
MAX_FRAGMENTS = 400
MAX_LD_DEPTH = 64
# a string (possessive, and its closing quote optional: linear on any text) or a bracket
_JSON_TOKEN = re.compile(r'"(?:[^"\\]|\\.)*+"?|[\[\]{}]', re.DOTALL)


def from_response(body: bytes, content_type: str | None, *, complete: bool) -> PageMeta | None:
    """Metadata of a response body by its type; None when there are no bytes to read, or when reading
    them failed in any way (the page's metadata is ignored; the link's check stands)."""
    try:
        return _read(body, content_type, complete=complete)
    except Exception:  # a hostile or odd page (a charset codec that raises, ...) must not end the run
        return None


def _read(body: bytes, content_type: str | None, *, complete: bool) -> PageMeta | None:
    if not body:
        return None
    kind = (content_type or "").split(";")[0].strip().lower()
    if kind == "application/pdf" or body.startswith(b"%PDF-"):
        return pdf_meta(body) if complete else PageMeta(kind="pdf")
    if "html" in kind or "xml" in kind or (not kind and b"<" in body[:1024]):
        return html_meta(body, _charset(content_type))
    return PageMeta(kind="other")


def _charset(content_type: str | None) -> str | None:
    m = re.search(r"charset=[\"']?([\w.:-]+)", content_type or "", re.IGNORECASE)
    return m.group(1) if m else None


def html_meta(body: bytes, encoding: str | None = None) -> PageMeta:
    """Titles, dates and authors of an HTML page (entities decoded, whitespace folded)."""
    text = _decode(body, encoding)
    pieces = [m.group(0) for _, m in zip(range(MAX_FRAGMENTS), _FRAGMENTS.finditer(text), strict=False)]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", MarkupResemblesLocatorWarning)
        soup = BeautifulSoup("\n".join(pieces), "html.parser", parse_only=_WANTED)
    titles: list[tuple[str, str]] = []
    dates: list[dt.date] = []
    authors: list[str] = []
    site: str | None = None
    title_tag = soup.find("title")
    if isinstance(title_tag, Tag):
        _add(titles, "title", title_tag.get_text(" "))
    for meta in soup.find_all("meta"):
        if not isinstance(meta, Tag):
            continue
        name = str(meta.get("property") or meta.get("name") or meta.get("itemprop") or "").strip().lower()
        content = str(meta.get("content") or "")
        if name in _TITLE_META:
            _add(titles, _TITLE_META[name], content)
        elif name in _DATE_META:
            _add_date(dates, content)
        elif name in _AUTHOR_META and content.strip() and not content.startswith("http"):
            authors.append(_fold(content))
        elif name == "og:site_name" and content.strip():
            site = _fold(content)
    for script in soup.find_all("script"):
        if isinstance(script, Tag) and "ld+json" in str(script.get("type") or "").lower():
            for item in _ld_items(script.string or script.get_text()):
                _from_ld(item, titles, dates, authors)
    h1 = soup.find("h1")
    if isinstance(h1, Tag):
        _add(titles, "h1", h1.get_text(" "))
    return PageMeta(
        tuple(dict.fromkeys(titles)), tuple(dict.fromkeys(dates)), tuple(dict.fromkeys(authors)), site
    )


def _decode(body: bytes, encoding: str | None) -> str:
    """The page as text: the declared charset (header, else `<meta>`), else UTF-8 (a character the
    body cap cut in two is replaced), else cp1252."""
    found = _META_CHARSET.search(body[:4096])
    declared = encoding or (found.group(1).decode("ascii", "replace") if found else None)
    if declared:
        try:
            return body.decode(declared, "replace")
        except LookupError:
            pass
    try:
        return body.decode("utf-8")
    except UnicodeDecodeError as err:
        if err.start >= len(body) - 3:
            return body.decode("utf-8", "replace")
    return body.decode("cp1252", "replace")


def _fold(text: str) -> str:
    return " ".join(text.split())


def _add(titles: list[tuple[str, str]], source: str, text: str) -> None:
    text = _fold(text)[:MAX_TITLE]
    if text:
        titles.append((source, text))


def _add_date(dates: list[dt.date], text: str) -> None:
    m = _ISO_DATE.search(text or "")
    if m is None:
        return
    y, mo, d = (m.group(1), m.group(2), m.group(3)) if m.group(1) else (m.group(4), m.group(5), m.group(6))
    with contextlib.suppress(ValueError):
        dates.append(dt.date(int(y), int(mo), int(d)))


def _ld_items(text: str) -> Iterator[dict[str, Any]]:
    """Every object in a JSON-LD block (top-level lists and `@graph` included); none from a block
    nested deeper than `MAX_LD_DEPTH`."""
    if _too_deep(text):
        return
    try:
        data = json.loads(text)
    except ValueError:
        return
    stack: list[Any] = [data]
    seen = 0
    while stack and seen < 200:
        item = stack.pop(0)
        seen += 1
        if isinstance(item, list):
            stack.extend(item)
        elif isinstance(item, dict):
            if isinstance(item.get("@graph"), list):
                stack.extend(item["@graph"])
            yield item


def _too_deep(text: str) -> bool:
    """Whether brackets nest deeper than `MAX_LD_DEPTH` in JSON text (strings skipped), found in one
    linear pass that stops at the first level too many."""
    depth = 0
    for token in _JSON_TOKEN.finditer(text):
        kind = token.group(0)[0]
        if kind in "[{":
            depth += 1
            if depth > MAX_LD_DEPTH:
                return True
        elif kind in "]}":
            depth -= 1
    return False


_LD_ARTICLE = re.compile(r"article|posting|report|webpage|creativework|legislation|video|book", re.IGNORECASE)


def _from_ld(
    item: dict[str, Any], titles: list[tuple[str, str]], dates: list[dt.date], authors: list[str]
) -> None:
    kind = item.get("@type")
    kinds = " ".join(kind) if isinstance(kind, list) else str(kind or "")
    if not _LD_ARTICLE.search(kinds):
        return
    for key in ("headline", "name"):
        value = item.get(key)
        if isinstance(value, str):
            _add(titles, "json-ld", value)
            break
    for key in ("datePublished", "dateCreated"):
        if isinstance(item.get(key), str):
            _add_date(dates, item[key])
            break
    found = item.get("author")
    for person in found if isinstance(found, list) else [found]:
        name = person.get("name") if isinstance(person, dict) else person
        if isinstance(name, str) and name.strip():
            authors.append(_fold(name))


def pdf_meta(data: bytes) -> PageMeta:
    """A PDF's title: its document-information Title, else the largest text on its first page."""
    import pypdfium2 as pdfium

    try:
        pdf = pdfium.PdfDocument(data)
    except (pdfium.PdfiumError, ValueError):
        return PageMeta(kind="pdf")
    try:
        titles: list[tuple[str, str]] = []
        info = pdf.get_metadata_dict(skip_empty=True)
        title = info.get("Title", "")
        if title and not re.fullmatch(r"(?i)untitled|microsoft word.*|.*\.(?:docx?|pdf)", title.strip()):
            _add(titles, "pdf", title)
        dates: list[dt.date] = []
        created = re.match(r"D:(\d{4})(\d{2})(\d{2})", info.get("CreationDate", ""))
        if created:
            with contextlib.suppress(ValueError):
                dates.append(dt.date(*(int(g) for g in created.groups())))
        if not titles and len(pdf) > 0:
            _add(titles, "pdf", _largest_text(pdf[0]))
        author = info.get("Author", "").strip()
        return PageMeta(tuple(titles), tuple(dates), (author,) if author else (), None, "pdf")
    finally:
        pdf.close()


def _largest_text(page: Any) -> str:
    """The text set in the largest font on a page (the title of most reports and letters)."""
    import pypdfium2.raw as pdfium_c

    textpage = page.get_textpage()
    try:
        count = min(textpage.count_chars(), 5000)
        sizes = [round(pdfium_c.FPDFText_GetFontSize(textpage, i), 1) for i in range(count)]
        text = textpage.get_text_range(0, count)
    finally:
        textpage.close()
    if not sizes or len(text) != len(sizes):
        return ""
    top = max(sizes)
    return " ".join("".join(ch if size == top else " " for ch, size in zip(text, sizes, strict=True)).split())


def to_json(page: PageMeta | None) -> dict[str, Any] | None:
    """Metadata as the result cache keeps it."""
    if page is None:
        return None
    return {
        "titles": [list(t) for t in page.titles],
        "dates": [d.isoformat() for d in page.dates],
        "authors": list(page.authors),
        "site": page.site,
        "kind": page.kind,
    }


def from_json(value: Any) -> PageMeta | None:
    """Metadata back from the cache (None for anything malformed)."""
    if not isinstance(value, dict):
        return None
    try:
        return PageMeta(
            tuple((str(s), str(t)) for s, t in value.get("titles", [])),
            tuple(dt.date.fromisoformat(str(d)) for d in value.get("dates", [])),
            tuple(str(a) for a in value.get("authors", [])),
            str(value["site"]) if value.get("site") is not None else None,
            str(value.get("kind", "html")),
        )
    except (TypeError, ValueError):
        return None
