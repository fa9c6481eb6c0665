"""Markdown: footnotes and links as the source states them, on the file's own lines. Pure, no I/O.

`Document.text` is the Markdown source itself, so every line number (of a footnote, a marker, a
link) is a line of the file, which is what a CI annotation points at. `Document.notes` is built
from the structure: `[^id]: text` definitions with their indented continuation paragraphs (4
spaces or a tab), `[^id]` references, and Pandoc's inline notes `^[text]`. Each note's and the
body's lines are given as plain text: link syntax is replaced by the visible text (a visible URL
in angle brackets, so it stands apart from what follows), and every `[text](url)`, `<url>`,
`[text][ref]` and raw `<a href>` becomes a `KnownLink`, so a link target is the truth for a
damaged visible URL. Fenced and indented code blocks and HTML comments are not read.

Numbering is what the rendered document shows, by GitHub's rules (cmark-gfm; pandoc,
markdown-it-footnote and Python-Markdown agree for referenced notes): notes are numbered 1, 2, 3…
in order of first reference, whatever their labels (`[^3]` alone is 1), walking the document in
order, so a reference inside a note's definition counts where the definition stands. The label
as written is kept (`NoteDraft.label`). See `_Numbering` for references without a definition and
definitions without a reference.
"""

from __future__ import annotations

import html
import re
from bisect import bisect_right
from collections.abc import Sequence
from dataclasses import dataclass, field

from citecheck.ingest.text import decode_text
from citecheck.models import Document, KnownLink, Marker, NoteDraft, Notes

_FENCE = re.compile(r"^ {0,3}(`{3,}|~{3,})")
_FOOTREF = re.compile(r"\^[^\]\s]{1,100}")
_FOOTDEF = re.compile(r"^ {0,3}\[\^([^\]\s]{1,100})\]:[ \t]?")
_REFDEF = re.compile(
    r"^ {0,3}\[(?!\^)((?:[^\[\]\\]|\\.){1,999})\]:[ \t]*(?:<([^<>\n]*)>|(\S+))"
    r"(?:[ \t]+(?:\"[^\"]*\"|'[^']*'|\([^()]*\)))?[ \t]*$"
)
_QUOTE = re.compile(r"^(?: {0,3}>[ \t]?)+")
_CONTAINER = re.compile(r"^(?: {0,3}>[ \t]?)+| {0,3}(?:[-*+]|\d{1,9}[.)])[ \t]+")
_LIST_ITEM = re.compile(r"^ {0,3}(?:[-*+]|\d{1,9}[.)])(?:[ \t]|$)")
_HEADING = re.compile(r"^ {0,3}#{1,6}(?:[ \t]|$)")
_COMMENT_START, _COMMENT_END = "<!--", "-->"

_ASCII_PUNCT = frozenset("!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~")
_PLAIN = re.compile(r"[^\\`<\^!\[]+")
_AUTOLINK = re.compile(r"<((?:https?|ftp)://[^\s<>]*|mailto:[^\s<>]*|[\w.+-]+@[\w-]+(?:\.[\w-]+)+)>", re.I)
_RAW_A = re.compile(r"<a\s[^<>]*?\bhref\s*=\s*(?:\"([^\"]*)\"|'([^']*)'|([^\s\"'=<>`]+))[^<>]*>", re.I)
_RAW_A_END = re.compile(r"</a\s*>", re.I)
_TAG = re.compile(r"</?[A-Za-z][A-Za-z0-9-]*(?:\s[^<>]*)?/?>")
_DEST = re.compile(
    r"\(\s*(?:<([^<>\n]*)>|((?:[^\s()\\]|\\.|\((?:[^\s()\\]|\\.)*\))*))"
    r"(?:\s+(?:\"(?:[^\"\\]|\\.)*\"|'(?:[^'\\]|\\.)*'|\((?:[^()\\]|\\.)*\)))?\s*\)"
)
_BRACKET_TOKENS = re.compile(r"\\.|[\[\]]|`+", re.S)
_ESCAPED = re.compile(r"\\([!-/:-@\[-`{-~])")
_URL_TEXT = re.compile(r"(?:https?|ftp)://\S+|www\.\S+", re.I)
_WEB = ("http://", "https://")
_SENTENCE_END = frozenset(".,;:!?)]'\"’”")
_MAX_DEPTH = 16
"""Link text inside link text (or a note) deeper than this is kept literally: no recursion bomb."""


def read(data: bytes, name: str) -> Document:
    """A Markdown document: its source as text, its footnotes and links from the structure."""
    text = decode_text(data, name)
    lines = text.split("\n")
    blocks = _scan(lines)
    refs = blocks.refs

    body: list[tuple[int, str]] = []
    known: list[KnownLink] = []
    refs_in_order: list[_Ref] = []
    for para in blocks.body:
        rendered = _Inline(para, refs).run()
        body += [(n, t) for n, t in rendered.lines if t.strip()]
        known += rendered.links
        refs_in_order += rendered.refs
    note_pieces: list[tuple[str, int, tuple[tuple[int, str], ...]]] = []
    for note in blocks.notes:
        pieces: list[tuple[int, str]] = []
        for para in note.paras:
            rendered = _Inline(para, refs).run()
            pieces += rendered.lines
            known += rendered.links
            refs_in_order += rendered.refs  # a note referenced only from another note is referenced
        kept = tuple(p for p in pieces if p[1].strip()) or ((note.line, ""),)
        note_pieces.append((note.label, note.line, kept))

    refs_in_order.sort(key=lambda r: r.line)  # document order, as a renderer walks the tree
    numbers = _Numbering([label for label, _, _ in note_pieces], refs_in_order)
    markers = tuple(Marker(numbers.of(ref), ref.line) for ref in refs_in_order)
    drafts = [NoteDraft(numbers.label(lbl), line, p, lbl) for lbl, line, p in note_pieces]
    drafts += [NoteDraft(numbers.of(r), r.line, r.inline) for r in refs_in_order if r.inline is not None]
    drafts.sort(key=lambda d: d.number)
    everything = frozenset(numbers.all())  # the renderer numbers every note: no gaps, no disorder
    notes = Notes(tuple(drafts), markers, tuple(body), named=everything)
    links = tuple(sorted(known, key=lambda k: k.line))
    return Document(path=name, text=text, known_links=links, notes=notes)


def _numeric(label: str) -> bool:
    return label.isascii() and label.isdigit()


def _label_key(label: str) -> str:
    """Labels match as CommonMark says: case-insensitively, whitespace runs as one space; a label
    is at most 999 characters (a longer one matches nothing, and costs nothing to look up)."""
    return " ".join(label.split()).casefold() if len(label) <= 999 else "\0"


def _key_at(text: str, start: int, end: int) -> str:
    """`_label_key(text[start:end])` without copying a label too long to match: the brackets of
    `[[[[…]]]]` each enclose nearly the whole text, and slicing each would be quadratic."""
    return _label_key(text[start:end]) if end - start <= 999 else "\0"


@dataclass(slots=True)
class _Ref:
    """A footnote reference in the body: `[^label]`, or an inline note `^[...]` (its pieces)."""

    line: int
    label: str | None
    inline: tuple[tuple[int, str], ...] | None = None


class _Numbering:
    """Footnote numbers as GitHub (cmark-gfm) renders them: 1, 2, 3… in order of first reference,
    whatever the labels say. A reference with no definition renders literally and shifts no other
    note: it, like a definition never referenced (which GitHub drops), is numbered after the
    rendered notes, definitions first, so citecheck can still name it in a problem."""

    def __init__(self, defined: Sequence[str], refs: Sequence[_Ref]) -> None:
        keys = {_label_key(lbl) for lbl in defined}
        self._labels: dict[str, int] = {}
        self._inline: dict[int, int] = {}
        self._top = 0
        for ref in refs:
            if ref.label is None:
                self._inline[id(ref)] = self._next()
            elif _label_key(ref.label) in keys:
                self._number(ref.label)
        for lbl in defined:
            self._number(lbl)
        for ref in refs:
            if ref.label is not None:
                self._number(ref.label)

    def _next(self) -> int:
        self._top += 1
        return self._top

    def _number(self, label: str) -> None:
        if _label_key(label) not in self._labels:
            self._labels[_label_key(label)] = self._next()

    def label(self, label: str) -> int:
        return self._labels[_label_key(label)]

    def of(self, ref: _Ref) -> int:
        return self._inline[id(ref)] if ref.label is None else self.label(ref.label)

    def all(self) -> range:
        return range(1, self._top + 1)


# ----------------------------------------------------------------------------------------- blocks


@dataclass(slots=True)
class _Para:
    """Consecutive lines of one paragraph: the first line's number and the lines' text."""

    first: int
    lines: list[str] = field(default_factory=list)


@dataclass(slots=True)
class _NoteDef:
    label: str
    line: int
    paras: list[_Para]
    quoted: bool = False
    """Defined inside a block quote: its continuation lines carry the quote's `>` markers."""


def _definition(line: str) -> tuple[re.Match[str], str, bool] | None:
    """A footnote definition starting this line, also inside a block quote or a list item (as
    GitHub and pandoc read them): its match, the line without the container, whether quoted."""
    if m := _FOOTDEF.match(line):
        return m, line, False
    container = _CONTAINER.match(line)
    if container is None:
        return None
    rest = line[container.end() :]
    found = _FOOTDEF.match(rest)
    return (found, rest, container.group(0).lstrip().startswith(">")) if found else None


@dataclass(slots=True)
class _Blocks:
    body: list[_Para] = field(default_factory=list)
    notes: list[_NoteDef] = field(default_factory=list)
    refs: dict[str, str] = field(default_factory=dict)


def _indent(line: str) -> int:
    """The leading whitespace of a line in columns (a tab goes to the next multiple of 4)."""
    col = 0
    for ch in line:
        if ch == " ":
            col += 1
        elif ch == "\t":
            col += 4 - col % 4
        else:
            break
    return col


def _dedent(line: str, columns: int = 4) -> str:
    """A line with up to `columns` columns of leading whitespace removed."""
    col = 0
    for i, ch in enumerate(line):
        if col >= columns or ch not in " \t":
            return line[i:]
        col += 1 if ch == " " else 4 - col % 4
    return ""


def _closes(line: str, fence: str) -> bool:
    m = _FENCE.match(line)
    return (
        m is not None
        and m.group(1)[0] == fence[0]
        and len(m.group(1)) >= len(fence)
        and not line[m.end() :].strip()
    )


class _Comments:
    """HTML comments across lines: what of each line is outside them."""

    def __init__(self) -> None:
        self.open = False

    def strip(self, line: str) -> str:
        out: list[str] = []
        pos = 0
        while True:
            if self.open:
                end = line.find(_COMMENT_END, pos)
                if end < 0:
                    return "".join(out)
                self.open, pos = False, end + len(_COMMENT_END)
            start = line.find(_COMMENT_START, pos)
            if start < 0:
                out.append(line[pos:])
                return "".join(out)
            out.append(line[pos:start])
            self.open, pos = True, start + len(_COMMENT_START)


def _scan(lines: Sequence[str]) -> _Blocks:
    """Split the source into body paragraphs and footnote definitions, skipping code and comments."""
    out = _Blocks()
    comments = _Comments()
    fence: str | None = None  # the opening fence while inside a fenced code block
    fence_dedent = 0  # a fence inside a note's continuation is indented by one level
    indented_code = False
    in_list = False
    note: _NoteDef | None = None
    para: _Para | None = None
    prev_blank = True

    def end_para() -> None:
        nonlocal para
        if para is not None and para.lines:
            if note is not None:
                note.paras.append(para)
            else:
                out.body.append(para)
        para = None

    for number, raw in enumerate(lines, 1):
        if fence is not None:
            if _closes(_dedent(raw, fence_dedent), fence):
                fence = None
            continue
        if indented_code:
            if not raw.strip() or _indent(raw) >= 4:
                continue
            indented_code = False
        line = comments.strip(raw) if (comments.open or _COMMENT_START in raw) else raw
        if not line.strip():
            end_para()
            prev_blank = True
            continue
        if note is not None and note.quoted and (q := _QUOTE.match(line)):
            line = line[q.end() :]
            if not line.strip():
                end_para()
                prev_blank = True
                continue
        indent = _indent(line)
        if note is not None:
            if not prev_blank and not _definition(line) and not _FENCE.match(line):
                if para is None:
                    para = _Para(number)
                para.lines.append(line.strip())
                prev_blank = False
                continue
            if prev_blank and indent >= 4:
                inner = _dedent(line)
                if m := _FENCE.match(inner):
                    fence, fence_dedent = m.group(1), 4
                    continue
                para = _Para(number, [inner.strip()])
                prev_blank = False
                continue
            end_para()
            note = None
        if indent < 4 and (m := _FENCE.match(line)):
            end_para()
            fence, fence_dedent = m.group(1), 0
            prev_blank = True
            continue
        if indent >= 4 and prev_blank and not in_list:
            end_para()
            indented_code = True
            continue
        if found := _definition(line):
            end_para()
            m, rest, quoted = found
            note = _NoteDef(m.group(1), number, [], quoted)
            out.notes.append(note)
            para = _Para(number, [rest[m.end() :].strip()])
            prev_blank = False
            continue
        if (m := _REFDEF.match(line)) and (prev_blank or para is None or not para.lines):
            end_para()
            out.refs.setdefault(_label_key(m.group(1)), m.group(2) if m.group(2) is not None else m.group(3))
            prev_blank = True
            continue
        if _LIST_ITEM.match(line):
            in_list = True
        elif prev_blank and indent < 4:
            in_list = False
        if _HEADING.match(line):
            end_para()
            out.body.append(_Para(number, [line]))
            prev_blank = True
            continue
        if para is None:
            para = _Para(number)
        para.lines.append(line)
        prev_blank = False
    end_para()
    return out


# ----------------------------------------------------------------------------------------- inline


@dataclass(slots=True)
class _Rendered:
    lines: list[tuple[int, str]]
    links: list[KnownLink]
    refs: list[_Ref]


class _Inline:
    """One paragraph's inline syntax rendered to plain text, newline for newline, so each rendered
    line is the source line of the same number; links and footnote references are collected."""

    def __init__(self, para: _Para, refs: dict[str, str]) -> None:
        self.text = "\n".join(para.lines)
        self.first = para.first
        self.refs = refs
        self.newlines = [i for i, ch in enumerate(self.text) if ch == "\n"]
        self.code = _code_spans(self.text)
        self.close = _brackets(self.text, self.code)
        self.links: list[KnownLink] = []
        self.notes: list[_Ref] = []
        self.plain_lines: set[int] = set()

    def line_at(self, offset: int) -> int:
        return self.first + bisect_right(self.newlines, offset - 1)

    def run(self) -> _Rendered:
        rendered = self.render(0, len(self.text), 0, in_note=False)
        shared = {line for note in self.notes if note.inline is not None for line, _ in note.inline}
        if shared:  # render again, with the links on the inline notes' lines written out
            self.links, self.notes, self.plain_lines = [], [], shared
            rendered = self.render(0, len(self.text), 0, in_note=False)
        lines = [(self.first + k, part) for k, part in enumerate(rendered.split("\n"))]
        return _Rendered(lines, self.links, self.notes)

    def render(self, start: int, end: int, depth: int, in_note: bool, *, collect: bool = True) -> str:
        """The plain text of text[start:end]; links and references inside go to the collections
        when `collect` (an image's alt text is rendered without collecting)."""
        text, out, i = self.text, [], start
        while i < end:
            if m := _PLAIN.match(text, i, end):
                out.append(m.group(0))
                i = m.end()
                continue
            ch = text[i]
            if ch == "\\":
                if i + 1 < end and text[i + 1] in _ASCII_PUNCT:
                    out.append(text[i + 1])
                    i += 2
                else:
                    out.append(ch)
                    i += 1
            elif ch == "`":
                span = self.code.get(i)
                if span is not None and span[1] <= end:
                    out.append(text[span[0] : span[1] - (span[0] - i)])
                    i = span[1]
                else:
                    run = len(text[i:end]) - len(text[i:end].lstrip("`"))
                    out.append(text[i : i + run])
                    i += run
            elif ch == "<":
                i = self._angle(i, end, depth, in_note, out, collect)
            elif ch == "^" and text.startswith("^[", i) and not in_note and depth < _MAX_DEPTH:
                close = self.close.get(i + 1)
                if close is None or close >= end:
                    out.append(ch)
                    i += 1
                    continue
                inner = self.render(i + 2, close, depth + 1, in_note=True, collect=collect)
                if collect:
                    first = self.line_at(i)
                    pieces = tuple(
                        (first + k, part) for k, part in enumerate(inner.split("\n")) if part.strip()
                    )
                    self.notes.append(_Ref(first, None, pieces or ((first, ""),)))
                out.append("\n" * inner.count("\n") or _gap(text, close + 1, end))
                i = close + 1
            elif ch == "!" and text.startswith("![", i):
                after = self._link(i + 1, end, depth, in_note, out, collect, image=True)
                if after is None:
                    out.append(ch)
                    i += 1
                else:
                    i = after
            elif ch == "[":
                after = self._link(i, end, depth, in_note, out, collect, image=False)
                if after is None:
                    out.append(ch)
                    i += 1
                else:
                    i = after
            else:
                out.append(ch)
                i += 1
        return "".join(out)

    def _angle(self, i: int, end: int, depth: int, in_note: bool, out: list[str], collect: bool) -> int:
        """An autolink, a raw `<a href>` link, another tag (dropped), or a literal `<`."""
        text = self.text
        if (m := _AUTOLINK.match(text, i, end)) is not None:
            out.append(m.group(0))  # an autolink states nothing its text does not: the URL is found there
            return m.end()
        if (m := _RAW_A.match(text, i, end)) is not None and depth < _MAX_DEPTH:
            close = _RAW_A_END.search(text, m.end(), end)
            stop = close.start() if close else end
            visible = self.render(m.end(), stop, depth + 1, in_note, collect=collect)
            href = next(g for g in (m.group(1), m.group(2), m.group(3), "") if g is not None)
            out.append(self._link_text(html.unescape(href), visible, i, collect))
            return close.end() if close else end
        if (m := _TAG.match(text, i, end)) is not None:
            out.append("\n" * m.group(0).count("\n"))
            return m.end()
        out.append("<")
        return i + 1

    def _link(
        self, i: int, end: int, depth: int, in_note: bool, out: list[str], collect: bool, *, image: bool
    ) -> int | None:
        """A footnote reference, inline link, reference link or image at `[`: where it ends, or
        None when the bracket is literal text."""
        text = self.text
        close = self.close.get(i)
        if close is None or close >= end:
            return None
        if not image and _FOOTREF.fullmatch(text, i + 1, close):
            if collect and not in_note:
                self.notes.append(_Ref(self.line_at(i), text[i + 2 : close]))
            out.append(_gap(text, close + 1, end))
            return close + 1
        if depth >= _MAX_DEPTH:
            return None
        target: str | None = None
        after = close + 1
        if text.startswith("(", after) and (m := _DEST.match(text, after, end)) is not None:
            raw = m.group(1) if m.group(1) is not None else m.group(2)
            target, after = html.unescape(_ESCAPED.sub(r"\1", raw)), m.end()
        elif text.startswith("[", after) and self.close.get(after, end) < end:
            ref_close = self.close[after]
            key = (
                _key_at(text, after + 1, ref_close) if ref_close > after + 1 else _key_at(text, i + 1, close)
            )
            if key in self.refs:
                target, after = self._ref_target(key), ref_close + 1
        elif (key := _key_at(text, i + 1, close)) in self.refs:
            target = self._ref_target(key)
        if target is None:
            return None
        visible = self.render(i + 1, close, depth + 1, in_note, collect=collect and not image)
        out.append(visible if image else self._link_text(target, visible, i, collect))
        out.append("\n" * text.count("\n", close, after))
        return after

    def _ref_target(self, key: str) -> str:
        return html.unescape(_ESCAPED.sub(r"\1", self.refs[key]))

    def _link_text(self, target: str, visible: str, offset: int, collect: bool) -> str:
        """A link as rendered: its visible text, the target stated as a `KnownLink`; on a line that
        carries an inline note (whose links share the line with the body's), the target is
        written out instead, since a stated link belongs to every flow on its line."""
        target = _clean_target(target)
        if not target.lower().startswith(_WEB):
            return visible
        if self.line_at(offset) in self.plain_lines:
            return f"<{target}>" if _URL_TEXT.fullmatch(visible) else f"{visible} <{target}>"
        if collect:
            self._known(target, visible, offset)
        return _shown(visible)

    def _known(self, target: str, visible: str, offset: int) -> None:
        visible = " ".join(visible.split())
        if not _restates(target, visible):
            self.links.append(KnownLink(target, visible, self.line_at(offset)))


def _gap(text: str, at: int, end: int) -> str:
    """What a footnote reference leaves in the rendering: nothing, or a space when a word
    follows at once, so that `https://a.org/x[^1]more` does not render as one longer URL."""
    return " " if at < end and not text[at].isspace() and text[at] not in _SENTENCE_END else ""


def _restates(target: str, visible: str) -> bool:
    """Whether a link's target is just its visible text (an autolink, `[url](url)`): it proves
    nothing about the spelling, so it is not stated, and a wrapped URL keeps its repair."""
    return target in (visible, f"https://{visible}", f"http://{visible}")


def _clean_target(target: str) -> str:
    """An href as a browser takes it: surrounding whitespace dropped, tabs and newlines removed."""
    return re.sub(r"[\t\n\r]", "", target.strip())


def _shown(visible: str) -> str:
    """A link's visible text as rendered: a visible URL in angle brackets, so what follows the link
    (`<url>(last visited …)`) cannot run on into it."""
    return f"<{visible}>" if _URL_TEXT.fullmatch(visible) else visible


def _code_spans(text: str) -> dict[int, tuple[int, int]]:
    """Code spans: opening backtick offset → (content start, end after the closing run)."""
    runs = [(m.start(), m.end() - m.start()) for m in re.finditer(r"`+", text)]
    by_length: dict[int, list[int]] = {}
    for k, (_, length) in enumerate(runs):
        by_length.setdefault(length, []).append(k)
    spans: dict[int, tuple[int, int]] = {}
    k = 0
    while k < len(runs):
        start, length = runs[k]
        if start > 0 and text[start - 1] == "\\":
            k += 1
            continue
        same = by_length[length]
        nxt = bisect_right(same, k)
        if nxt < len(same):
            closing = same[nxt]
            spans[start] = (start + length, runs[closing][0] + length)
            k = closing + 1
        else:
            k += 1
    return spans


def _brackets(text: str, code: dict[int, tuple[int, int]]) -> dict[int, int]:
    """Matching `]` for each `[`, skipping escaped brackets and code spans."""
    close: dict[int, int] = {}
    stack: list[int] = []
    skip_to = 0
    for m in _BRACKET_TOKENS.finditer(text):
        i = m.start()
        if i < skip_to:
            continue
        token = m.group(0)
        if token[0] == "`":
            if i in code:
                skip_to = code[i][1]
        elif token == "[":
            stack.append(i)
        elif token == "]" and stack:
            close[stack.pop()] = i
    return close
