"""Word documents (.docx): the text, footnotes, endnotes and hyperlinks as the file states them. Pure.

`read(data, name)` turns the bytes of a .docx into a `Document`; it touches nothing but its
arguments. Only the standard library is used: `zipfile` for the package, ElementTree for the XML
once expat, driven by hand, has refused any DTD or entity declaration (nothing is ever expanded).
Every part is read in bounded chunks under a per-part and a total cap (zip bombs), and every
failure is an `InputError` with a one-line reason.

What is read:

- `word/document.xml` (or the main part `_rels/.rels` names): the body's paragraphs, including
  tables and text boxes, without deleted text or field instructions; footnote and endnote
  references (`w:footnoteReference`, `w:endnoteReference`) become `Marker`s.
- `word/footnotes.xml` and `word/endnotes.xml` (or the parts the main part's relationships name):
  every note except the separator and continuation notes (those with a `w:type` other than
  `normal`). A note's paragraphs are its lines; URLs written in it as plain text stay text and
  go through normal extraction.
- Hyperlinks: `w:hyperlink r:id` resolved through the relationships of the part it stands in
  (only external targets; `w:anchor` appended as a fragment), `HYPERLINK` fields
  (`w:fldChar` begin/separate/end with `w:instrText`, and `w:fldSimple`). Each becomes a
  `KnownLink(target, visible text, line)`: the target is the truth for the text it covers.

Numbering is what a reader of the document sees, not the file's `w:id`s: footnotes are numbered
1, 2, … in the order of their first reference in the body, as Word displays them; a footnote
the body never references comes after those, in file order (so its problem is reported).
Endnotes continue the same sequence after the last footnote (Word shows them as i, ii, … by
default; numbers of their own would collide with the footnotes'), in the same way. Because the
two kinds interleave in the body, `Notes.markers` lists the footnote markers first, then the
endnote markers, each in body order.

`Document.text` renders it all, one line per paragraph (a line break inside a paragraph starts
a new line; empty paragraphs are dropped): the body with each reference as superscript digits
(`CECOT.¹`, adjacent references as `¹,²`), then a `Footnotes` heading with each footnote as
`¹ text`, its further paragraphs on the following lines, then `Endnotes` likewise. All line
numbers of `Document.notes` and `Document.known_links` are lines of that text.
"""

from __future__ import annotations

import io
import posixpath
import zipfile
import zlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from functools import lru_cache
from typing import ClassVar, NoReturn
from xml.etree import ElementTree as ET
from xml.parsers import expat

from citecheck.errors import InputError
from citecheck.models import Document, KnownLink, Marker, NoteDraft, Notes

MAX_PART_BYTES = 32 * 1024 * 1024
"""Largest uncompressed part read (a 1,000-page document.xml is a fraction of this)."""
MAX_TOTAL_BYTES = 64 * 1024 * 1024
"""Most uncompressed bytes read from one package, all parts together."""
MAX_DEPTH = 256
"""Deepest XML nesting followed (Word's own documents nest a few dozen levels)."""

_OLE_SIGNATURE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_CHUNK = 64 * 1024

_W = frozenset(
    {
        "http://schemas.openxmlformats.org/wordprocessingml/2006/main",
        "http://purl.oclc.org/ooxml/wordprocessingml/main",  # ISO 29500 Strict
    }
)
_R = frozenset(
    {
        "http://schemas.openxmlformats.org/officeDocument/2006/relationships",
        "http://purl.oclc.org/ooxml/officeDocument/relationships",
    }
)
_MC = "http://schemas.openxmlformats.org/markup-compatibility/2006"
_SUPERSCRIPT = str.maketrans("0123456789", "⁰¹²³⁴⁵⁶⁷⁸⁹")
_SUPERSCRIPT_DIGITS = "⁰¹²³⁴⁵⁶⁷⁸⁹"
_LINE_BREAKS = dict.fromkeys(map(ord, "\r\n\v\f\x1c\x1d\x1e\x85\u2028\u2029"), " ")
"""Characters that would end a line of Document.text inside a run's text: made spaces."""

# Elements whose whole subtree holds no visible text of the story: properties, deleted text,
# comment and note marks (the note's own number is rendered by us).
_SKIP = frozenset(
    {
        "del",
        "moveFrom",
        "delText",
        "delInstrText",
        "footnoteRef",
        "endnoteRef",
        "separator",
        "continuationSeparator",
        "commentReference",
        "annotationRef",
        "tblGrid",
    }
)


def read(data: bytes, name: str) -> Document:
    """A .docx file's text, its footnotes and endnotes, their body references and its hyperlinks."""
    package = _Package(data, name)
    main = package.main_part()
    root = package.xml(main)
    if _local(root.tag) != "document":
        raise InputError(f"{name}: not a Word document (its main part is not a WordprocessingML document)")
    rels = package.relationships(main)
    body = _Story(package.hyperlinks(main), f"{name}: {main}", references=True)
    for child in root:
        if _local(child.tag) == "body":
            body.walk(child)
    body.close()
    footnotes = _notes(package, _related(main, rels, "footnotes"), "footnote")
    endnotes = _notes(package, _related(main, rels, "endnotes"), "endnote")
    return _layout(name, body, footnotes, endnotes)


# --- the package ----------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Relationship:
    type: str
    target: str
    external: bool


class _Package:
    """The zip archive, read within bounds, its parts found case-insensitively as OPC names them."""

    def __init__(self, data: bytes, name: str) -> None:
        self.name = name
        if data.startswith(_OLE_SIGNATURE):
            raise InputError(
                f"{name}: encrypted or legacy .doc file (an OLE compound file, not a .docx): "
                "remove the password or save it as .docx"
            )
        try:
            self.zip = zipfile.ZipFile(io.BytesIO(data))
            infos = self.zip.infolist()
        except (zipfile.BadZipFile, OSError, ValueError, EOFError, IndexError):
            raise InputError(f"{name}: not a Word document (not a zip archive)") from None
        except (zipfile.LargeZipFile, NotImplementedError, RuntimeError) as err:
            raise InputError(f"{name}: a zip archive that cannot be read ({_one_line(err)})") from None
        self.parts = {info.filename.lstrip("/").lower(): info for info in infos}
        self.budget = MAX_TOTAL_BYTES

    def has(self, part: str) -> bool:
        return part.lower() in self.parts

    def read(self, part: str) -> bytes:
        """A part's bytes, read in chunks and never more than the caps allow."""
        info = self.parts[part.lower()]
        limit = min(MAX_PART_BYTES, self.budget)
        if info.file_size > limit:
            self._too_large(part, limit)
        if info.flag_bits & 0x1:
            raise InputError(f"{self.name}: encrypted zip member {part}: remove the password first")
        chunks: list[bytes] = []
        size = 0
        try:
            with self.zip.open(info) as fh:
                while chunk := fh.read(_CHUNK):
                    size += len(chunk)
                    if size > limit:
                        self._too_large(part, limit)
                    chunks.append(chunk)
        except (zipfile.BadZipFile, zlib.error, EOFError, OSError, ValueError) as err:
            raise InputError(f"{self.name}: corrupt Word document ({part}: {_one_line(err)})") from None
        except NotImplementedError:
            raise InputError(f"{self.name}: {part} uses a compression method that cannot be read") from None
        except RuntimeError as err:  # zipfile says "encrypted, password required" this way
            raise InputError(f"{self.name}: cannot read {part} ({_one_line(err)})") from None
        self.budget -= size
        return b"".join(chunks)

    def _too_large(self, part: str, limit: int) -> NoReturn:
        cap = (
            f"more than {MAX_PART_BYTES // 2**20} MB"
            if limit == MAX_PART_BYTES
            else f"past {MAX_TOTAL_BYTES // 2**20} MB for all parts together"
        )
        raise InputError(f"{self.name}: {part} uncompresses to {cap}: refused as a possible zip bomb")

    def xml(self, part: str) -> ET.Element:
        return _parse_xml(self.read(part), f"{self.name}: {part}")

    def main_part(self) -> str:
        """The main document part: as the package relationships name it, else word/document.xml."""
        for rel in self.relationships("").values():
            if rel.type.endswith("/officeDocument") and not rel.external and self.has(rel.target):
                return rel.target
        if self.has("word/document.xml"):
            return "word/document.xml"
        raise InputError(f"{self.name}: not a Word document (no word/document.xml in the archive)")

    def relationships(self, part: str) -> dict[str, _Relationship]:
        """The relationships of a part ('' for the package), by id; targets of internal ones resolved."""
        folder, base = posixpath.split(part)
        rels_part = posixpath.join(folder, "_rels", f"{base}.rels")
        if not self.has(rels_part):
            return {}
        found: dict[str, _Relationship] = {}
        for el in self.xml(rels_part).iter():
            if _local(el.tag) != "Relationship":
                continue
            rid, target = el.get("Id"), el.get("Target")
            if not rid or target is None:
                continue
            external = (el.get("TargetMode") or "").lower() == "external"
            if not external:
                target = posixpath.normpath(posixpath.join("/" + folder, target)).lstrip("/")
            found[rid] = _Relationship(el.get("Type") or "", target, external)
        return found

    def hyperlinks(self, part: str) -> dict[str, str]:
        """Relationship id to URL, for the external hyperlinks of a part."""
        return {
            rid: rel.target
            for rid, rel in self.relationships(part).items()
            if rel.external and rel.type.endswith("/hyperlink")
        }


def _related(main: str, rels: dict[str, _Relationship], kind: str) -> str:
    """The main part's footnotes or endnotes part: as related, else the usual name."""
    for rel in rels.values():
        if rel.type.endswith(f"/{kind}") and not rel.external:
            return rel.target
    return posixpath.join(posixpath.dirname(main), f"{kind}.xml")


class _Prolog(Exception):
    """The root element started: the prolog, where a DTD would stand, is behind us."""


def _parse_xml(data: bytes, where: str) -> ET.Element:
    """Parse XML, refusing any DTD: no entity is ever declared, let alone expanded.

    A DTD can only stand before the root element, so expat is first run by hand up to the root
    (stopping at once on a DOCTYPE); then ElementTree's C parser builds the tree at full speed.
    """

    def refuse(*_: object) -> NoReturn:
        raise InputError(f"{where} declares a DTD or entities, which a Word document never does: refused")

    def root_started(*_: object) -> NoReturn:
        raise _Prolog

    prolog = expat.ParserCreate()
    prolog.SetParamEntityParsing(expat.XML_PARAM_ENTITY_PARSING_NEVER)
    prolog.StartDoctypeDeclHandler = refuse
    prolog.EntityDeclHandler = refuse
    prolog.UnparsedEntityDeclHandler = refuse
    prolog.ExternalEntityRefHandler = refuse
    prolog.StartElementHandler = root_started
    try:
        prolog.Parse(data, True)
    except _Prolog:
        pass
    except (expat.ExpatError, LookupError, UnicodeError, ValueError) as err:
        # LookupError: an unknown encoding; ValueError: one expat cannot read (UTF-7, multi-byte)
        raise InputError(f"{where} is not well-formed XML ({_one_line(err)}): the file is corrupt") from None
    parser = ET.XMLParser(target=ET.TreeBuilder())
    try:
        parser.feed(data)
        root: ET.Element | None = parser.close()
    except (ET.ParseError, LookupError, UnicodeError, ValueError) as err:
        raise InputError(f"{where} is not well-formed XML ({_one_line(err)}): the file is corrupt") from None
    if root is None:
        raise InputError(f"{where} holds no XML element: the file is corrupt")
    return root


@lru_cache(maxsize=4096)
def _local(tag: str) -> str:
    return tag.rpartition("}")[2]


@lru_cache(maxsize=4096)
def _ns(tag: str) -> str:
    return tag[1:].partition("}")[0] if tag.startswith("{") else ""


@lru_cache(maxsize=4096)
def _w(tag: str) -> str:
    """The local name of a WordprocessingML element, '' for any other."""
    return _local(tag) if _ns(tag) in _W else ""


def _attr(el: ET.Element, name: str, namespaces: frozenset[str] = _W) -> str | None:
    for ns in namespaces:
        value = el.get(f"{{{ns}}}{name}")
        if value is not None:
            return value
    return None


def _one_line(err: BaseException) -> str:
    return " ".join(str(err).split()) or type(err).__name__


# --- a story: the body, or one note ---------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Ref:
    """A footnote or endnote reference by the file's id, numbered at layout."""

    kind: str
    id: str


_Piece = str | _Ref


@dataclass(slots=True, eq=False)
class _Para:
    lines: list[list[_Piece]] = field(default_factory=lambda: [[]])


@dataclass(slots=True, eq=False)
class _LinkDraft:
    target: str
    para: int
    line: int
    text: list[str] = field(default_factory=list)


@dataclass(slots=True, eq=False)
class _Field:
    instruction: list[str] = field(default_factory=list)
    result: bool = False
    link: _LinkDraft | None = None


class _Story:
    """Walks one story (the body or one note) into paragraphs of text and references, and links."""

    def __init__(self, hyperlinks: dict[str, str], where: str, *, references: bool) -> None:
        self.hyperlinks = hyperlinks
        self.where = where
        self.references = references
        """Whether note references count (in the body); in a note they are ignored."""
        self.paras: list[_Para] = []
        self.links: list[_LinkDraft] = []
        self._current: _Para | None = None
        self._index = -1
        self._fields: list[_Field] = []
        self._active: list[_LinkDraft] = []

    def walk(self, el: ET.Element, depth: int = 0) -> None:
        if depth > MAX_DEPTH:
            raise InputError(f"{self.where} is nested more than {MAX_DEPTH} levels deep: refused")
        if _ns(el.tag) == _MC and _local(el.tag) == "AlternateContent":
            self._alternate(el, depth)
            return
        name = _w(el.tag)
        if name in _SKIP or name.endswith(("Pr", "PrEx", "PrChange")):
            return
        handler = self._HANDLERS.get(name)
        if handler is not None:
            handler(self, el, depth)
            return
        for child in el:
            self.walk(child, depth + 1)

    def close(self) -> None:
        """End the story: fields left open end here."""
        self._fields.clear()
        self._active.clear()

    # elements

    def _paragraph(self, el: ET.Element, depth: int) -> None:
        outer = self._current, self._index
        self._new_para()
        boxes: list[ET.Element] = []
        if any(_w(d.tag) == "txbxContent" for d in el.iter()):
            for child in el:
                self._collect(child, depth + 1, boxes)
        else:
            for child in el:
                self.walk(child, depth + 1)
        self._current, self._index = outer
        for box in boxes:  # a text box's paragraphs follow the paragraph that anchors it
            self.walk(box, depth + 1)

    def _collect(self, el: ET.Element, depth: int, boxes: list[ET.Element]) -> None:
        """Walk a paragraph's content, setting text boxes aside (they hold paragraphs of their own)."""
        if _w(el.tag) == "txbxContent":
            boxes.append(el)
            return
        if any(_w(d.tag) == "txbxContent" for d in el.iter()):
            if depth > MAX_DEPTH:
                raise InputError(f"{self.where} is nested more than {MAX_DEPTH} levels deep: refused")
            if _ns(el.tag) == _MC and _local(el.tag) == "AlternateContent":
                chosen = self._choice(el)
                if chosen is not None:
                    for child in chosen:
                        self._collect(child, depth + 1, boxes)
                return
            for child in el:
                self._collect(child, depth + 1, boxes)
            return
        self.walk(el, depth)

    def _alternate(self, el: ET.Element, depth: int) -> None:
        chosen = self._choice(el)
        if chosen is not None:
            for child in chosen:
                self.walk(child, depth + 1)

    @staticmethod
    def _choice(el: ET.Element) -> ET.Element | None:
        """One branch of mc:AlternateContent (the first Choice, else the Fallback), never both."""
        branches = [c for c in el if _ns(c.tag) == _MC]
        return next((c for c in branches if _local(c.tag) == "Choice"), None) or next(
            (c for c in branches if _local(c.tag) == "Fallback"), None
        )

    def _text(self, el: ET.Element, depth: int) -> None:
        self._emit(el.text or "")

    def _tab(self, el: ET.Element, depth: int) -> None:
        self._emit("\t")

    def _break(self, el: ET.Element, depth: int) -> None:
        if self._visible():
            self._para().lines.append([])
            for link in self._active:
                link.text.append("\n")

    def _hyphen(self, el: ET.Element, depth: int) -> None:
        self._emit("-")

    def _nothing(self, el: ET.Element, depth: int) -> None:
        return

    def _reference(self, el: ET.Element, depth: int) -> None:
        ref_id = _attr(el, "id")
        if ref_id is not None and self.references and self._visible():
            kind = "footnote" if _w(el.tag) == "footnoteReference" else "endnote"
            self._para().lines[-1].append(_Ref(kind, ref_id.strip()))

    def _hyperlink(self, el: ET.Element, depth: int) -> None:
        rid = _attr(el, "id", _R)
        anchor = _attr(el, "anchor")
        target = self.hyperlinks.get(rid) if rid else None
        if target is not None and anchor and "#" not in target:
            target = f"{target}#{anchor}"
        link = self._open_link(target) if target and self._visible() else None
        for child in el:
            self.walk(child, depth + 1)
        if link is not None:
            self._active.remove(link)

    def _field_char(self, el: ET.Element, depth: int) -> None:
        kind = _attr(el, "fldCharType")
        if kind == "begin":
            self._fields.append(_Field())
        elif kind == "separate" and self._fields and not self._fields[-1].result:
            fld = self._fields[-1]
            fld.result = True
            target = _hyperlink_target("".join(fld.instruction))
            if target is not None and self._visible():
                fld.link = self._open_link(target)
        elif kind == "end" and self._fields:
            fld = self._fields.pop()
            if fld.link is not None:
                self._active.remove(fld.link)
            elif not fld.result and self._visible():
                target = _hyperlink_target("".join(fld.instruction))
                if target is not None:  # a field without a result: a link with no visible text
                    self._active.remove(self._open_link(target))

    def _instruction(self, el: ET.Element, depth: int) -> None:
        if self._fields and not self._fields[-1].result:
            self._fields[-1].instruction.append(el.text or "")

    def _simple_field(self, el: ET.Element, depth: int) -> None:
        fld = _Field(result=True)
        target = _hyperlink_target(_attr(el, "instr") or "")
        if target is not None and self._visible():
            fld.link = self._open_link(target)
        self._fields.append(fld)
        for child in el:
            self.walk(child, depth + 1)
        if self._fields and self._fields[-1] is fld:
            self._fields.pop()
        if fld.link is not None and fld.link in self._active:
            self._active.remove(fld.link)

    _HANDLERS: ClassVar[dict[str, Callable[[_Story, ET.Element, int], None]]] = {
        "p": _paragraph,
        "t": _text,
        "tab": _tab,
        "ptab": _tab,
        "br": _break,
        "cr": _break,
        "noBreakHyphen": _hyphen,
        "softHyphen": _nothing,
        "sym": _nothing,
        "instrText": _instruction,
        "fldChar": _field_char,
        "fldSimple": _simple_field,
        "hyperlink": _hyperlink,
        "footnoteReference": _reference,
        "endnoteReference": _reference,
    }

    # state

    def _visible(self) -> bool:
        """Text is visible unless it stands in a field's instruction."""
        return all(f.result for f in self._fields)

    def _new_para(self) -> _Para:
        self._current = _Para()
        self._index = len(self.paras)
        self.paras.append(self._current)
        return self._current

    def _para(self) -> _Para:
        """The paragraph being written (text outside any paragraph, invalid but seen, gets one)."""
        return self._current if self._current is not None else self._new_para()

    def _emit(self, text: str) -> None:
        if not text or not self._visible():
            return
        text = text.translate(_LINE_BREAKS)
        self._para().lines[-1].append(text)
        for link in self._active:
            link.text.append(text)

    def _open_link(self, target: str) -> _LinkDraft:
        para = self._para()
        link = _LinkDraft(target, self._index, len(para.lines) - 1)
        self.links.append(link)
        self._active.append(link)
        return link


def _hyperlink_target(instruction: str) -> str | None:
    """The URL of a `HYPERLINK "url" [\\l "anchor"] [\\o "tip"] …` field instruction, if it is one."""
    tokens = list(_field_tokens(instruction))
    if not tokens or tokens[0][0].upper() != "HYPERLINK" or tokens[0][1]:
        return None
    url: str | None = None
    anchor: str | None = None
    i = 1
    while i < len(tokens):
        token, quoted = tokens[i]
        switch = token.lower() if not quoted and token.startswith("\\") else ""
        if switch in ("\\l", "\\o", "\\t") and i + 1 < len(tokens):
            if switch == "\\l":
                anchor = tokens[i + 1][0]
            i += 2
            continue
        if not switch and url is None:
            url = token
        i += 1
    if not url:
        return None  # only a bookmark in this document
    return f"{url}#{anchor}" if anchor and "#" not in url else url


def _field_tokens(instruction: str) -> Iterator[tuple[str, bool]]:
    """A field instruction's words and quoted strings (`\\"` and `\\\\` unescaped in quotes)."""
    i, n = 0, len(instruction)
    while i < n:
        c = instruction[i]
        if c.isspace():
            i += 1
        elif c in '"“”':
            out: list[str] = []
            i += 1
            while i < n and instruction[i] not in '"“”':
                if instruction[i] == "\\" and i + 1 < n and instruction[i + 1] in '"\\':
                    i += 1
                out.append(instruction[i])
                i += 1
            i += 1
            yield "".join(out), True
        else:
            j = i
            while j < n and not instruction[j].isspace() and instruction[j] not in '"“”':
                j += 1
            yield instruction[i:j], False
            i = j


# --- notes ----------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Note:
    id: str
    story: _Story


def _notes(package: _Package, part: str, kind: str) -> list[_Note]:
    """The real notes of a footnotes or endnotes part, in file order (separators left out)."""
    if not package.has(part):
        return []
    root = package.xml(part)
    hyperlinks = package.hyperlinks(part)
    found: list[_Note] = []
    for el in root:
        if _w(el.tag) != kind:
            continue
        note_type = _attr(el, "type")
        note_id = _attr(el, "id")
        if (note_type not in (None, "normal")) or note_id is None:
            continue
        story = _Story(hyperlinks, f"{package.name}: {part}", references=False)
        for child in el:
            story.walk(child)
        story.close()
        found.append(_Note(note_id.strip(), story))
    return found


def _numbering(body: _Story, notes: list[_Note], kind: str, start: int) -> dict[str, int]:
    """Displayed numbers: by first reference in the body, then unreferenced notes in file order."""
    numbers: dict[str, int] = {}
    for para in body.paras:
        for line in para.lines:
            for piece in line:
                if isinstance(piece, _Ref) and piece.kind == kind and piece.id not in numbers:
                    numbers[piece.id] = start + len(numbers)
    for note in notes:
        if note.id not in numbers:
            numbers[note.id] = start + len(numbers)
    return numbers


# --- layout ---------------------------------------------------------------------------------------


class _Lines:
    """Document.text being written, line by line."""

    def __init__(self) -> None:
        self.lines: list[str] = []

    def add(self, text: str) -> int:
        self.lines.append(text)
        return len(self.lines)


def _render(line: list[_Piece], numbers: dict[str, dict[str, int]]) -> tuple[str, list[int]]:
    """A line's text with references as superscripts, and the numbers referenced."""
    out: list[str] = []
    refs: list[int] = []
    for piece in line:
        if isinstance(piece, str):
            out.append(piece)
            continue
        number = numbers[piece.kind][piece.id]
        if out and out[-1] and out[-1][-1] in _SUPERSCRIPT_DIGITS:
            out.append(",")
        out.append(str(number).translate(_SUPERSCRIPT))
        refs.append(number)
    return "".join(out).strip(), refs


@dataclass(slots=True)
class _Placed:
    """Where a story landed in the text: its lines, by (paragraph, line) too, its markers and links."""

    pieces: list[tuple[int, str]] = field(default_factory=list)
    where: dict[tuple[int, int], int] = field(default_factory=dict)
    markers: list[Marker] = field(default_factory=list)
    links: list[KnownLink] = field(default_factory=list)


def _place(story: _Story, lines: _Lines, numbers: dict[str, dict[str, int]], first: str = "") -> _Placed:
    """Write a story's non-blank lines (`first` before the first one) and say where they went."""
    placed = _Placed()
    for p, para in enumerate(story.paras):
        for i, line in enumerate(para.lines):
            text, refs = _render(line, numbers)
            if not text:
                continue
            number = lines.add(f"{first}{text}" if first and not placed.pieces else text)
            placed.pieces.append((number, text))
            placed.where[(p, i)] = number
            placed.markers += [Marker(n, number) for n in refs]
    if not placed.pieces and first:
        number = lines.add(first.rstrip())
        placed.pieces.append((number, ""))
    placed.links = [_known(story, link, placed) for link in story.links]
    return placed


def _known(story: _Story, link: _LinkDraft, placed: _Placed) -> KnownLink:
    """A link at the text line it starts on; one that starts on a blank line: at the next written
    line of its paragraph, else the last written line before it."""
    text = "".join(link.text).strip()
    line = placed.where.get((link.para, link.line))
    if line is None:
        para = story.paras[link.para]
        after = (placed.where.get((link.para, i)) for i in range(link.line + 1, len(para.lines)))
        line = next((n for n in after if n is not None), None)
    if line is None:
        before = [n for (p, i), n in placed.where.items() if (p, i) < (link.para, link.line)]
        line = max(before, default=placed.pieces[0][0] if placed.pieces else 1)
    return KnownLink(link.target, text, line)


def _layout(name: str, body: _Story, footnotes: list[_Note], endnotes: list[_Note]) -> Document:
    numbers = {"footnote": _numbering(body, footnotes, "footnote", 1)}
    numbers["endnote"] = _numbering(body, endnotes, "endnote", len(numbers["footnote"]) + 1)
    lines = _Lines()
    placed_body = _place(body, lines, numbers)
    known = list(placed_body.links)
    drafts: list[NoteDraft] = []
    for heading, kind_notes, kind in (
        ("Footnotes", footnotes, "footnote"),
        ("Endnotes", endnotes, "endnote"),
    ):
        if not kind_notes:
            continue
        if lines.lines:
            lines.add("")
        lines.add(heading)
        for note in sorted(kind_notes, key=lambda n: numbers[kind][n.id]):
            number = numbers[kind][note.id]
            placed = _place(note.story, lines, numbers, first=str(number).translate(_SUPERSCRIPT) + " ")
            drafts.append(NoteDraft(number, placed.pieces[0][0], tuple(placed.pieces)))
            known += placed.links
    # Footnote markers first, then endnote markers, each in body order: the two sequences interleave
    # in the body, and integrity checks that markers come in order.
    last_footnote = len(numbers["footnote"])
    markers = sorted(placed_body.markers, key=lambda m: m.number > last_footnote)
    notes = Notes(tuple(drafts), tuple(markers), tuple(placed_body.pieces))
    text = "\n".join(lines.lines) + ("\n" if lines.lines else "")
    return Document(name, text, tuple(known), notes)
