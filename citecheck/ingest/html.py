"""HTML: footnotes as the common generators write them, and every link's href. Pure, no I/O.

Footnotes are found by their markup, not guessed from the text:

- Pandoc: `a.footnote-ref` / `role="doc-noteref"` markers, `section.footnotes` /
  `role="doc-endnotes"` holding `<li id="fn1">`;
- GitHub: `<sup><a data-footnote-ref>` markers, `section[data-footnotes]` holding
  `<li id="user-content-fn-1">`;
- Wikipedia (MediaWiki): `sup.reference > a[href="#cite_note-…"]`, `ol.references > li`;
- generic: `<sup><a href="#x">n</a></sup>` pointing at the element with id `x`.

A footnote's number is its place in its list (the number the page shows); a list whose markers
show letters (`[a]`) is numbered after the numbered ones, and each of its notes keeps its letter
as its label. A note referenced only from another note (`see note 2` linking `#fn2`) is referenced
there: its marker stands on the citing note's line. `Document.text` is a plain rendering:
the body, one block per line (script, style, navigation and hidden elements left out), a blank
line, then one footnote per line as `[^n]: text`. Markers, footnotes and links all refer to its
lines. Every `href` to an http(s) URL, resolved against `<base href>` when relative (relative
links are skipped when there is none), becomes a `KnownLink`: the href is the truth for the
visible text it covers. A visible URL is rendered in angle brackets so that what follows the
link cannot run on into it. The tree is walked with an explicit stack, so nesting depth costs
no recursion; inputs over `MAX_BYTES` are refused.

Parsing is bounded as the document is read, not after: bs4's tree costs about 1 KB per element
and `html.parser` applies none of HTML's implied end tags (every unclosed `<p>` or `<li>` nests
the next one inside it). So, as browsers do (Blink stops nesting at 512), an element opened
deeper than `MAX_DEPTH` becomes a sibling of the deepest open one: a page with thousands of
unclosed tags is still read, its text in order. A page with more than `MAX_ELEMENTS` elements is
refused with one line, which keeps the tree (and its memory) proportional to a real page.
"""

from __future__ import annotations

import codecs
import re
from bisect import bisect_right, insort
from collections.abc import Iterator
from dataclasses import dataclass, field
from itertools import islice
from typing import Any
from urllib.parse import unquote, urljoin

from bs4 import BeautifulSoup
from bs4.element import NavigableString, PageElement, PreformattedString, Tag

from citecheck.errors import InputError
from citecheck.ingest.text import decode_text
from citecheck.models import Document, KnownLink, Marker, NoteDraft, Notes

MAX_BYTES = 10 * 1024 * 1024
"""Larger HTML is refused: parsing costs about a second per MB of dense markup, and no page of
citations comes near this size."""

_SKIP = frozenset(
    {
        "head",
        "title",
        "script",
        "style",
        "noscript",
        "template",
        "nav",
        "svg",
        "math",
        "iframe",
        "object",
        "embed",
        "canvas",
        "button",
        "select",
        "textarea",
        "audio",
        "video",
        "map",
        "dialog",
    }
)
_BLOCK = frozenset(
    {
        "address",
        "article",
        "aside",
        "blockquote",
        "body",
        "caption",
        "center",
        "dd",
        "details",
        "div",
        "dl",
        "dt",
        "fieldset",
        "figcaption",
        "figure",
        "footer",
        "form",
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "header",
        "hgroup",
        "hr",
        "html",
        "li",
        "main",
        "ol",
        "p",
        "pre",
        "section",
        "summary",
        "table",
        "tbody",
        "tfoot",
        "thead",
        "tr",
        "ul",
    }
)
_CELLS = frozenset({"td", "th"})
_INLINE_TARGETS = frozenset(
    {"a", "span", "sup", "sub", "em", "strong", "b", "i", "small", "cite", "abbr", "code", "mark", "u", "s"}
)
_NOTE_BLOCKS = frozenset({"li", "p", "dd", "dt", "div", "aside", "section", "td", "blockquote", "footer"})
_NOT_NOTES = frozenset({"html", "body", "main", "article"})
_BACKLINK_CLASSES = frozenset(
    {"footnote-back", "footnote-backref", "data-footnote-backref", "reversefootnote", "mw-cite-backlink"}
)
_BACKLINK_TEXT = re.compile(r"^[\s↩︎↑^⤴⬆]*$")
_MARKER_TEXT = re.compile(r"^\s*\[?\s*(?:\d+|[a-zA-Z]{1,3}|note\s+\d+)\s*\]?\s*$")
_LABEL = re.compile(r"(?:\[(\d+)\]|(\d+)[.):])\s+")
_DIGITS = re.compile(r"\d+")
_URL_TEXT = re.compile(r"(?:https?|ftp)://\S+|www\.\S+", re.I)
_SPACE = re.compile(r"\s+")
_SCHEME = re.compile(r"^[a-zA-Z][a-zA-Z0-9+.-]*:")
_META_CHARSET = re.compile(rb"<meta[^>]{0,512}?charset\s*=\s*[\"']?\s*([A-Za-z0-9_.:-]{1,40})", re.I)
_WEB = ("http://", "https://")
_WHATWG_LATIN1 = frozenset({"iso-8859-1", "iso8859-1", "latin1", "latin-1", "us-ascii", "ascii", "l1"})


MAX_DEPTH = 512
"""Elements open deeper than this are read flattened: no real page nests this deep."""
MAX_ELEMENTS = 200_000
"""More elements than this are refused: about 200 MB of tree; a long page of citations has a
few tens of thousands."""


class _TooManyElements(Exception):
    """Raised from inside the parser to stop building a tree that is too big."""


class _BoundedSoup(BeautifulSoup):
    """A BeautifulSoup tree whose depth and size are bounded while it is built."""

    def __init__(self, markup: str) -> None:
        self._elements = 0
        super().__init__(markup, "html.parser")

    def handle_starttag(
        self, name: str, namespace: str | None, nsprefix: str | None, attrs: Any, *args: Any, **kwargs: Any
    ) -> Tag | None:
        """Count the element; past MAX_DEPTH, close the deepest open element so this one is its sibling."""
        self._elements += 1
        if self._elements > MAX_ELEMENTS:
            raise _TooManyElements
        if len(self.tagStack) > MAX_DEPTH:
            self.endData()
            self.popTag()
        return super().handle_starttag(name, namespace, nsprefix, attrs, *args, **kwargs)


def _parse(text: str, name: str) -> BeautifulSoup:
    """The page's tree, or a one-line refusal when it has more elements than a page has."""
    try:
        return _BoundedSoup(text)
    except _TooManyElements:
        raise InputError(f"{name}: HTML with more than {MAX_ELEMENTS:,} elements is not read") from None


def read(data: bytes, name: str) -> Document:
    """An HTML page: a plain rendering of it, its footnotes from their markup, and its links."""
    if len(data) > MAX_BYTES:
        raise InputError(f"{name}: HTML larger than {MAX_BYTES // (1024 * 1024)} MB")
    soup = _parse(_decode(data, name), name)
    base = _base(soup)
    found = _Footnotes.find(soup)

    body = _Renderer(base, found, in_note=False)
    body.walk(soup)
    lines = body.finish()
    notes: list[tuple[int, str, list[_Link]]] = []
    letters: list[str | None] = []
    cited_in_notes: list[tuple[int, int]] = []  # (number, index of the note that cites it)
    for number, item, letter in sorted(found.items_by_number(), key=lambda entry: entry[0]):
        renderer = _Renderer(base, found, in_note=True)
        renderer.walk(item)
        text = _without_label(" ".join(renderer.finish()), number)
        cited_in_notes += [(cited, len(notes)) for cited, _ in renderer.markers]
        notes.append((number, text, renderer.links))
        letters.append(letter)

    first_note = len(lines) + 2 if notes else len(lines) + 1
    text_lines = [*lines, *([""] if notes else []), *(f"[^{n}]: {t}" for n, t, _ in notes)]
    drafts = tuple(
        NoteDraft(n, first_note + k, ((first_note + k, t),), letters[k]) for k, (n, t, _) in enumerate(notes)
    )
    last = max(len(lines), 1)
    markers = tuple(Marker(number, min(line, last)) for number, line in body.markers)
    in_body = {number for number, _ in body.markers}
    only_in_notes = {number for number, _ in cited_in_notes} - in_body
    markers += tuple(Marker(n, first_note + k) for n, k in cited_in_notes if n in only_in_notes)
    known = [KnownLink(lk.target, lk.text, min(lk.line, last)) for lk in body.links]
    for k, (_, _, note_links) in enumerate(notes):
        known += [KnownLink(lk.target, lk.text, first_note + k) for lk in note_links]
    return Document(
        path=name,
        text="\n".join(text_lines) + "\n",
        known_links=tuple(known),
        notes=Notes(
            drafts,
            markers,
            tuple((k, line) for k, line in enumerate(lines, 1)),
            named=frozenset(found.named | only_in_notes),  # cited from a note: no body order to keep
        ),
    )


_LETTER = re.compile(r"^\s*\[?\s*([a-zA-Z]{1,3})\s*\]?\s*$")


def _letter(labels: list[str]) -> str | None:
    """The letter a note's markers show (`[a]` → `a`), or None when they show none."""
    return next((m.group(1) for label in labels if (m := _LETTER.match(label))), None)


def _without_label(text: str, number: int) -> str:
    """A note's text without the number it repeats at its start (`1. …`, `[1] …`, `1) …`)."""
    m = _LABEL.match(text)
    return text[m.end() :] if m and int(m.group(1) or m.group(2)) == number else text


def _decode(data: bytes, name: str) -> str:
    """The page's text: Unicode as `decode_text` reads it, or the charset its `<meta>` declares."""
    if data.startswith((codecs.BOM_UTF8, codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return decode_text(data, name)
    m = _META_CHARSET.search(data[:4096])
    declared = m.group(1).decode("ascii").lower() if m else "utf-8"
    declared = "windows-1252" if declared in _WHATWG_LATIN1 else declared
    try:
        codec = codecs.lookup(declared).name
    except LookupError:
        codec = "utf-8"
    if codec in ("utf-8", "utf-16", "utf-16-le", "utf-16-be", "utf-32", "utf-32-le", "utf-32-be"):
        return decode_text(data, name)  # a page that says UTF-16 in ASCII bytes is not UTF-16
    try:
        text = data.decode(codec)
    except UnicodeDecodeError as err:
        raise InputError(f"{name}: not valid {declared} as its <meta charset> says ({err.reason})") from None
    if not text.strip():
        raise InputError(f"{name}: the file is empty")
    return text


def _base(soup: BeautifulSoup) -> str | None:
    """The page's `<base href>` when it is an absolute web URL."""
    tag = soup.find("base", href=True)
    href = _clean(str(tag.get("href", ""))) if isinstance(tag, Tag) else ""
    return href if href.lower().startswith(_WEB) else None


def _clean(href: str) -> str:
    """An href as a browser takes it: surrounding whitespace dropped, tabs and newlines removed."""
    return re.sub(r"[\t\n\r]", "", href.strip())


def _target(href: str, base: str | None) -> str | None:
    """The web URL an href points at, or None (internal anchor, mailto:, javascript:, relative
    without a base)."""
    href = _clean(href)
    if not href or href.startswith("#"):
        return None
    if href.lower().startswith(_WEB):
        return href
    if _SCHEME.match(href) or base is None:
        return None
    try:
        joined = urljoin(base, href)
    except ValueError:  # a host urllib cannot parse ("Invalid IPv6 URL"): no link we could check
        return None
    return joined if joined.lower().startswith(_WEB) else None


def _classes(tag: Tag) -> set[str]:
    value = tag.get("class")
    if value is None:
        return set()
    return set(value.split() if isinstance(value, str) else value)


def _attr(tag: Tag, name: str) -> str:
    value = tag.get(name)
    if value is None:
        return ""
    return value if isinstance(value, str) else " ".join(value)


def _tags(root: Tag) -> Iterator[Tag]:
    """Every tag under root in document order (bs4's descendants are iterative, not recursive)."""
    for node in root.descendants:
        if isinstance(node, Tag):
            yield node


def _hidden(tag: Tag) -> bool:
    return (
        tag.name in _SKIP
        or tag.has_attr("hidden")
        or _attr(tag, "aria-hidden").lower() == "true"
        or _attr(tag, "role").lower() == "navigation"
        or "mw-editsection" in _classes(tag)
    )


def _ancestors(tag: Tag) -> Iterator[Tag]:
    parent = tag.parent
    while parent is not None:
        yield parent
        parent = parent.parent


# ------------------------------------------------------------------------------------- footnotes


def _is_container(tag: Tag) -> bool:
    role = _attr(tag, "role").lower()
    classes = _classes(tag)
    return (
        "footnotes" in classes
        or role == "doc-endnotes"
        or tag.has_attr("data-footnotes")
        or (tag.name in ("ol", "ul") and "references" in classes)
    )


def _is_semantic_marker(tag: Tag) -> bool:
    """An anchor the generator marked as a footnote reference."""
    return (
        "footnote-ref" in _classes(tag)
        or _attr(tag, "role").lower() == "doc-noteref"
        or tag.has_attr("data-footnote-ref")
        or _attr(tag, "epub:type").lower() == "noteref"
    )


@dataclass(slots=True)
class _Item:
    """One footnote element, with what numbers it."""

    tag: Tag
    position: int | None = None
    """The number its list gives it (start + index), None outside a list."""
    container: int | None = None
    labels: list[str] = field(default_factory=list)
    """The visible texts of the markers that point at it."""
    first_ref: int = 1 << 30
    number: int = 0
    letter: str | None = None
    """The letter its markers show (`[a]` → `a`) when its list is lettered: the note's label."""


@dataclass(slots=True)
class _Footnotes:
    """The page's footnote elements, numbered, and where every tag stands in document order."""

    items: dict[str, _Item] = field(default_factory=dict)
    """Footnote id → item (an item may be reachable by several ids)."""
    tags: dict[int, _Item] = field(default_factory=dict)
    """id() of a footnote element → its item: the body walk skips these."""
    containers: set[int] = field(default_factory=set)
    spans: dict[int, tuple[int, int]] = field(default_factory=dict)
    """id() of a tag → (its index in document order, the index of its last descendant tag): an
    ancestor test or a subtree's size without walking the tree."""
    item_spans: list[tuple[int, int]] = field(default_factory=list)
    marker_starts: list[int] = field(default_factory=list)
    """Where the markers found so far stand, in document order."""
    named: set[int] = field(default_factory=set)
    """Numbers given to notes the page does not number (lettered lists, unnumbered notes)."""

    @classmethod
    def find(cls, soup: BeautifulSoup) -> _Footnotes:
        found = cls()
        ids: dict[str, Tag] = {}
        anchors: list[Tag] = []
        container_tags: list[Tag] = []
        container_end = -1
        for tag, index in found._index(soup):
            key = _attr(tag, "id") or (_attr(tag, "name") if tag.name == "a" else "")
            if key:
                ids.setdefault(key, tag)
            if tag.name == "a" and _attr(tag, "href").strip().startswith("#"):
                anchors.append(tag)
            if index > container_end and _is_container(tag):
                found.containers.add(id(tag))
                container_tags.append(tag)
                container_end = found.spans[id(tag)][1]
        for number, container in enumerate(container_tags):
            found._add_list(container, number)
        generic: dict[str, _Item | None] = {}
        pending: list[tuple[int, Tag, str]] = []
        for order, anchor in enumerate(anchors):
            target_id = unquote(_attr(anchor, "href").strip()[1:])
            if found.inside_note(anchor):
                continue  # a backlink, or a note's reference to another note
            item = found.items.get(target_id)
            if item is None and target_id in ids and found.marker_like(anchor):
                if target_id not in generic:
                    generic[target_id] = found._add_generic(ids[target_id], target_id, anchor)
                item = generic[target_id]
                if item is None:
                    pending.append((order, anchor, target_id))
            if item is not None:
                found._refer(item, anchor, order)
        if pending and not any(generic.values()):
            found._notes_first(pending, ids)
        found._number()
        return found

    def _refer(self, item: _Item, anchor: Tag, order: int) -> None:
        item.labels.append(self.small_text(anchor) or "")
        item.first_ref = min(item.first_ref, order)
        insort(self.marker_starts, self.spans[id(anchor)][0])

    def _notes_first(self, pending: list[tuple[int, Tag, str]], ids: dict[str, Tag]) -> None:
        """A page that lists its notes before the text (no marker found a note after it): the
        markers' targets before them are the notes, when they are a list of them: two or more
        blocks side by side in one parent, all before the first marker. Every marker is known
        first, so body text that holds markers is still no footnote, and a lone "see above" link
        to an earlier paragraph is no note."""
        for _, anchor, _ in pending:
            insort(self.marker_starts, self.spans[id(anchor)][0])
        blocks = {t: self._note_block(ids[t], a, before=True) for _, a, t in pending}
        found = {id(b): b for b in blocks.values() if b is not None}
        first_marker = self.marker_starts[0]
        listed = (
            len(found) >= 2
            and len({id(b.parent) for b in found.values()}) == 1
            and all(self.spans[k][1] < first_marker for k in found)
        )
        self.marker_starts = []
        if not listed:
            return
        for order, anchor, target_id in pending:
            if blocks[target_id] is not None:
                item = self._add_generic(ids[target_id], target_id, anchor, before=True)
                if item is not None:
                    self._refer(item, anchor, order)

    def _index(self, soup: BeautifulSoup) -> Iterator[tuple[Tag, int]]:
        """Every tag in document order with its index; fills `spans` (a tag's end once its subtree
        is done), with an explicit stack."""
        counter = 0
        stack: list[tuple[Tag, bool]] = [(soup, False)]
        while stack:
            tag, leaving = stack.pop()
            if leaving:
                self.spans[id(tag)] = (self.spans[id(tag)][0], counter - 1)
                continue
            index = counter
            counter += 1
            self.spans[id(tag)] = (index, 1 << 62)  # the end is known when the subtree is done
            stack.append((tag, True))
            stack.extend((c, False) for c in reversed(tag.contents) if isinstance(c, Tag))
            if tag is not soup:
                yield tag, index

    def size(self, tag: Tag) -> int:
        """How many tags a subtree holds (itself included)."""
        start, end = self.spans.get(id(tag), (0, 0))
        return end - start + 1

    def small_text(self, tag: Tag, limit: int = 16) -> str | None:
        """A tag's text when its subtree is small (a marker's or backlink's is), else None."""
        return tag.get_text().strip() if self.size(tag) <= limit else None

    def marker_like(self, tag: Tag) -> bool:
        """An anchor shaped like a footnote reference: semantic, or a short label in a superscript."""
        if _is_semantic_marker(tag):
            return True
        text = self.small_text(tag)
        if text is None or _MARKER_TEXT.match(text) is None:
            return False
        return (tag.parent is not None and tag.parent.name == "sup") or tag.find("sup") is not None

    def _add_list(self, container: Tag, index: int) -> None:
        lst = container if container.name in ("ol", "ul") else container.find(["ol", "ul"])
        if isinstance(lst, Tag):
            start = _attr(lst, "start").strip()
            first = int(start) if start.isdigit() and lst.name == "ol" else 1
            entries = [c for c in lst.children if isinstance(c, Tag) and c.name == "li"]
            for k, li in enumerate(entries):
                self._register(_Item(li, first + k, index), li)
        else:
            entries = [c for c in container.children if isinstance(c, Tag) and _attr(c, "id")]
            for li in entries:
                self._register(_Item(li, None, index), li)

    def _register(self, item: _Item, tag: Tag) -> None:
        self.tags[id(tag)] = item
        insort(self.item_spans, self.spans[id(tag)])
        for inner in [tag, *(t for t in _tags(tag) if t.name == "a" and _attr(t, "name"))]:
            key = _attr(inner, "id") or _attr(inner, "name")
            if key:
                self.items.setdefault(key, item)

    def _add_generic(self, target: Tag, target_id: str, anchor: Tag, *, before: bool = False) -> _Item | None:
        """The footnote a generic marker points at: the target, or the block holding it (after the
        marker, unless the page lists its notes first: `before`)."""
        block = self._note_block(target, anchor, before=before)
        if block is None:
            return None
        item = self.tags.get(id(block))
        if item is None:
            item = _Item(block)
            self._register(item, block)
        self.items.setdefault(target_id, item)
        return item

    def _note_block(self, target: Tag, anchor: Tag, *, before: bool) -> Tag | None:
        """The block a marker's target stands for, if it can be a note on the expected side."""
        block: Tag | None = target
        if target.name in _INLINE_TARGETS:
            near = islice(_ancestors(target), 64)  # a note's anchor stands a few levels inside it
            block = next((a for a in near if a.name in _NOTE_BLOCKS), None)
        if block is None or block.name in _NOT_NOTES or block is anchor:
            return None
        if before and block.name not in _NOTE_BLOCKS:
            return None  # a heading or figure a marker points back at is no note
        start, end = self.spans[id(block)]
        at = self.spans[id(anchor)][0]
        wrong_side = (start <= at) != before or start <= at <= end
        if wrong_side or self.inside_note(block) or self.size(block) > 2000:
            return None  # a note comes after its marker: a link back up is a backlink, not a note
        k = bisect_right(self.marker_starts, end) - 1
        if k >= 0 and self.marker_starts[k] >= start:
            return None  # body text that holds markers is no footnote
        return block

    def inside_note(self, tag: Tag) -> bool:
        """Whether a tag stands inside a footnote element (footnote elements do not nest)."""
        start = self.spans[id(tag)][0]
        k = bisect_right(self.item_spans, (start, 1 << 62)) - 1
        return k >= 0 and self.item_spans[k][0] < start <= self.item_spans[k][1]

    def _unique(self) -> list[_Item]:
        seen: dict[int, _Item] = {}
        for item in self.tags.values():
            seen.setdefault(id(item), item)
        return list(seen.values())

    def _number(self) -> None:
        """Numbers as the page shows them; lettered lists, then unnumbered notes, after the rest."""
        items = self._unique()
        groups: dict[int, list[_Item]] = {}
        for item in items:
            if item.container is not None:
                groups.setdefault(item.container, []).append(item)
        used: set[int] = set()
        later: list[_Item] = []
        for _, group in sorted(groups.items()):
            labels = [label for item in group for label in item.labels]
            lettered = bool(labels) and not any(_DIGITS.search(label) for label in labels)
            if lettered or any(item.position is None for item in group):
                for item in group if lettered else ():
                    item.letter = _letter(item.labels)
                later += group
                continue
            positions = [item.position for item in group if item.position is not None]
            shift = max(used) - min(positions) + 1 if used & set(positions) else 0
            for item in group:
                item.number = (item.position or 0) + shift
                used.add(item.number)
        generic = sorted((i for i in items if i.container is None), key=lambda i: i.first_ref)
        for item in generic:
            digits = next((m.group(0) for label in item.labels if (m := _DIGITS.search(label))), None)
            if digits is not None and int(digits) not in used:
                item.number = int(digits)
                used.add(item.number)
            else:
                item.letter = _letter(item.labels)
                later.append(item)
        top = max(used, default=0)
        for item in later:
            top += 1
            item.number = top
            self.named.add(top)

    def items_by_number(self) -> list[tuple[int, Tag, str | None]]:
        """Every note: its number, its element and its letter (None: the page shows its number)."""
        return [(item.number, item.tag, item.letter) for item in self._unique()]


# ------------------------------------------------------------------------------------- rendering


@dataclass(slots=True)
class _Link:
    target: str
    text: str
    line: int


@dataclass(slots=True)
class _Open:
    """An anchor being rendered: its target, where its visible text started, and that text."""

    target: str | None
    line: int
    chunk: int
    text: list[str] = field(default_factory=list)


class _Renderer:
    """A subtree rendered to lines of plain text, one block per line, with the links and (in the
    body) the footnote markers it holds, each with the number of the line it is on."""

    def __init__(self, base: str | None, notes: _Footnotes, *, in_note: bool) -> None:
        self.base = base
        self.notes = notes
        self.in_note = in_note
        self.lines: list[str] = []
        self.chunks: list[str] = []
        self.open: list[_Open] = []
        self.pre = 0
        self.links: list[_Link] = []
        self.markers: list[tuple[int, int]] = []

    @property
    def line(self) -> int:
        return len(self.lines) + 1

    def walk(self, root: Tag) -> None:
        """Render root's content, iteratively: (node, True) on the stack is a tag's end."""
        stack: list[tuple[PageElement, bool]] = [(child, False) for child in reversed(root.contents)]
        while stack:
            node, leaving = stack.pop()
            if isinstance(node, Tag):
                if leaving:
                    self.leave(node)
                elif self.enter(node):
                    stack.append((node, True))
                    stack.extend((child, False) for child in reversed(node.contents))
            elif isinstance(node, NavigableString) and not isinstance(node, PreformattedString):
                self.add(str(node))

    def enter(self, tag: Tag) -> bool:
        """Start a tag; False when its content is not rendered."""
        if _hidden(tag) or id(tag) in self.notes.containers:
            return False
        if id(tag) in self.notes.tags and not self.in_note:
            return False
        if tag.name == "a":
            return self.enter_anchor(tag)
        if self.in_note and _classes(tag) & _BACKLINK_CLASSES:
            return False
        if tag.name in _BLOCK or tag.name == "br":
            self.flush()
            if tag.name == "pre":
                self.pre += 1
            return tag.name != "br"
        if tag.name in _CELLS:
            self.chunks.append(" ")
        return True

    def enter_anchor(self, tag: Tag) -> bool:
        href = _attr(tag, "href")
        if href.strip().startswith("#"):
            target_id = unquote(href.strip()[1:])
            item = self.notes.items.get(target_id)
            if self.in_note:
                if item is not None and not self.is_backlink(tag):
                    self.markers.append((item.number, self.line))  # a note citing another: words kept
                return not self.is_backlink(tag)
            if item is not None:
                self.markers.append((item.number, self.line))
                return False
            label = self.notes.small_text(tag)
            if _is_semantic_marker(tag) and label and (m := _DIGITS.search(label)):
                self.markers.append((int(m.group(0)), self.line))  # a marker whose note is missing
                return False
        self.open.append(_Open(_target(href, self.base) if href else None, self.line, len(self.chunks)))
        return True

    def is_backlink(self, tag: Tag) -> bool:
        if (
            _attr(tag, "role").lower() == "doc-backlink"
            or tag.has_attr("data-footnote-backref")
            or bool(_classes(tag) & _BACKLINK_CLASSES)
        ):
            return True
        text = self.notes.small_text(tag)
        return text is not None and _BACKLINK_TEXT.match(text) is not None

    def leave(self, tag: Tag) -> None:
        if tag.name == "a":
            self.leave_anchor()
        elif tag.name in _BLOCK:
            self.flush()
            if tag.name == "pre":
                self.pre -= 1
        elif tag.name in _CELLS:
            self.chunks.append(" ")

    def leave_anchor(self) -> None:
        if not self.open:
            return
        anchor = self.open.pop()
        visible = " ".join("".join(anchor.text).split())
        if anchor.target is None:
            return
        if not visible:  # an image link: its target is all there is to see, and is found there
            self._append(f"<{anchor.target}>")
            return
        if anchor.line == self.line and anchor.chunk <= len(self.chunks) and _URL_TEXT.fullmatch(visible):
            rest = "".join(self.chunks[anchor.chunk :])
            lead, trail = rest[: len(rest) - len(rest.lstrip())], rest[len(rest.rstrip()) :]
            self.chunks[anchor.chunk :] = [lead, f"<{visible}>", trail]
        if anchor.target not in (visible, f"https://{visible}", f"http://{visible}"):
            self.links.append(_Link(anchor.target, visible, anchor.line))

    def add(self, text: str) -> None:
        if self.pre and "\n" in text:
            parts = text.split("\n")
            for k, part in enumerate(parts):
                if k:
                    self.flush()
                self._append(part)
        else:
            self._append(text)

    def _append(self, text: str) -> None:
        self.chunks.append(text)
        for anchor in self.open:
            anchor.text.append(text)

    def flush(self) -> None:
        text = _SPACE.sub(" ", "".join(self.chunks)).strip()
        self.chunks = []
        if text:
            self.lines.append(text)

    def finish(self) -> list[str]:
        self.flush()
        return self.lines
