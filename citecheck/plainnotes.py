"""Plain-digit footnotes in extracted PDF text, decided by the sequence, not the line alone. Pure.

pdftotext, `pdftotext -layout`, mutool and pypdf lose superscripts: a note's number is plain digits,
and so are years, page numbers, list items, statute and table numbers. One line cannot tell them
apart; the run 1, 2, 3, ... in reading order can. The rules:

- A definition candidate is a line that starts (after indentation) with a number and then a space,
  a tab or `. ` (`12 Jane Doe, ...`, `12. ...`, `12\\tDoe`), or with the number glued to an upper-case
  letter, a quote or a bracket (`12Jane`, as mutool, pypdf and typst give it), or the number alone on
  its line with the note's text on the next non-blank line (after at most one blank line, as
  pdftotext and `-layout` give it). Numbers run up to 4 digits; the chain, not a cap, rejects years.
- The definitions are the longest consistent chain over the candidates in reading order
  (dynamic programming): each link's number is 1 to `MAX_STEP` above the previous one (a few gaps
  tolerated, each costing) or 1 again (a new series, at a cost: court opinions and chapters
  restart their numbering), the chain starts at a number up to `MAX_STEP`, and a candidate whose
  text reads like a citation (a URL, a quoted title, `Id.`, `supra`, ` v. `, `et al.`) weighs more,
  so a page number that happens to fit the run loses to the note with the same number.
- A chain is accepted only with evidence: at least a third of its definitions (and 2) read like
  citations, and at least a third of its numbers appear as body markers. A numbered list, a table
  or a column of years has neither, so a document without notes gets none.
- Body markers are digits glued to a word or punctuation (`governments.12`, `CECOT,12`, `art.9`),
  a run of them (`CECOT.12 13`), or digits after punctuation and a space before a capital
  (`camps. 2 Emergency`); never inside a URL. Only numbers of the accepted chain count.
- A number alone on a line is a definition only when its text follows; a page number at the foot of
  a page (followed by a form feed or a running header) seldom fits the chain and weighs less.
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from dataclasses import dataclass, field

from citecheck.urls import URL_RE

MAX_STEP = 4
"""The largest step between consecutive chain numbers (up to three notes missing from the text)."""
RESTART_COST = 3
"""What a chain pays to start again at 1 (each opinion of a court decision, each chapter numbers its
notes anew): more than a citation-like note weighs, so a stray `1` never pays its way alone."""

_DEF_SPACED = re.compile(r"^[ \t]*(\d{1,4})(?:\.[ \t]+|\t[ \t]*| [ \t]*)(?=\S)")
# Glued to a capital, a quote or a bracket, or to a publisher named by its host (`4cbsnews.com, …`).
_DEF_GLUED = re.compile(r"^[ \t]*(\d{1,4})(?=[A-Z“”\"‘’'(\[]|[a-z][a-z0-9-]*\.[a-z]{2,}\b)")
_DEF_ALONE = re.compile(r"^[ \t]*(\d{1,4})[ \t]*$")
_END_GLUED = re.compile(r"[^\W\d_](\d{1,4})[ \t]*$")
_CITATION = re.compile(
    r"https?://|www\.|[“”\"][^“”\"]{3,}[“”\"]|\bId\.|\bIbid\b|\bsupra\b|\bet al\.|\sv\.\s|\bavailable at\b",
    re.IGNORECASE,
)
_MARK_GLUED = re.compile(
    r"(?<=[^\W\d_]|[.,;:!?)”\"’\]])(\d{1,4})((?:[ ,]\d{1,4}(?![\d.,]?\w))*)(?![.,]?[\w/])"
)
_PATHLIKE = re.compile(r"[/=_@%&]|www\.|\.\w+\.")
"""A token with these is a path, an id or a file name: its digits are no marker (`gov.dcd.441696.15`)."""
_MARK_SPACED = re.compile(r"(?<=[.,;:!?)”\"’]) (\d{1,4})(?= +[A-Z“\"])")


@dataclass(frozen=True, slots=True)
class PlainNotes:
    """The accepted plain-digit notes: definition starts by line position, and lines to skip."""

    starts: dict[int, tuple[str, str]]
    """Index into the lines given -> (label, the note's text on that line)."""
    skip: frozenset[int]
    """Indices of lines that only held a note's number (and the blank after it)."""
    trims: dict[int, str] = field(default_factory=dict)
    """Index -> the line without a note number glued to its end (`.../deportation6`)."""

    @property
    def numbers(self) -> frozenset[int]:
        return frozenset(int(label) for label, _ in self.starts.values())

    def markers(self, text: str) -> list[tuple[int, str]]:
        """Plain-digit body markers in a text (position, label), for numbers of the chain only."""
        found = body_markers(text)
        return [(pos, str(n)) for pos, n in found if n in self.numbers]


@dataclass(frozen=True, slots=True)
class _Cand:
    index: int
    number: int
    rest: str
    skip: tuple[int, ...]
    weight: int


def body_markers(text: str) -> list[tuple[int, int]]:
    """Marker candidates in a body text (position, number), outside URLs."""
    urls = [m.span() for m in URL_RE.finditer(text)]
    out: list[tuple[int, int]] = []
    for m in _MARK_GLUED.finditer(text):
        out.append((m.start(1), int(m.group(1))))
        out += [(m.start(2) + k.start(), int(k.group())) for k in re.finditer(r"\d+", m.group(2))]
    out += [(m.start(1), int(m.group(1))) for m in _MARK_SPACED.finditer(text)]
    return sorted(
        (pos, n) for pos, n in out if not any(a <= pos < b for a, b in urls) and not _in_path(text, pos)
    )


_ABBREVIATION = 3


def _in_path(text: str, pos: int) -> bool:
    """Whether the digits at pos are part of a path, an id (`f63c9a09`: the word they are glued to has
    digits of its own) or a decimal number (`75.7 percent`; a year ending a sentence, `2020.3 Then`,
    is followed by a capital)."""
    word = pos
    while word > 0 and text[word - 1].isalnum():
        word -= 1
    if any(ch.isdigit() for ch in text[word:pos]):
        return True
    if 0 < pos - word <= _ABBREVIATION and text[word:pos].isupper():
        return True  # `(CA5 2011)`, `A4`, `G20`: a short capital abbreviation numbered, no marker
    if pos >= 2 and text[pos - 1] in ".," and text[pos - 2].isdigit():  # 75.7 percent, but 2020.3 Then
        after = text[pos:].lstrip("0123456789 ")
        return bool(after) and not after[0].isupper()
    start = text.rfind(" ", 0, pos) + 1
    end = text.find(" ", pos)
    token = text[start : end if end >= 0 else len(text)]
    return _PATHLIKE.search(token) is not None


def _candidate(lines: Sequence[tuple[int, str]], i: int) -> _Cand | None:
    """Line i as a definition candidate, with the text that follows its number."""
    line = lines[i][1]
    if m := _DEF_SPACED.match(line) or _DEF_GLUED.match(line):
        rest = line[m.end() :]
        return _Cand(
            i, int(m.group(1)), rest, (), _weight(rest, lines, i + 1) + _RULE_WEIGHT * _after_rule(lines, i)
        )
    if m := _DEF_ALONE.match(line):
        j = i + 1
        if j < len(lines) and not lines[j][1].strip():
            j += 1
        after = j  # what follows past a page break too: the next page's body or first number
        while after < len(lines) and not lines[after][1].strip():
            after += 1
        if after < len(lines) and (_DEF_ALONE.match(lines[after][1]) or body_markers(lines[after][1])):
            return _before(lines, i, int(m.group(1)))
        if j < len(lines) and lines[j][1].strip():
            weight = _weight("", lines, j) + _RULE_WEIGHT * _after_rule(lines, i)
            return _Cand(j, int(m.group(1)), lines[j][1].strip(), tuple(range(i, j)), weight)
    return None


def _before(lines: Sequence[tuple[int, str]], i: int, number: int) -> _Cand | None:
    """A number alone on line i whose text is printed before it: what follows is another number or
    body text (poppler prints a page's first note number after the note, then goes on with the
    next number or the body). The note is the run of lines before the number."""
    run = _run_before(lines, i)
    if not run:
        return None
    start = i - len(run)
    return _Cand(start, number, lines[start][1].strip(), (i,), _weight("", lines, start))


def _weight(rest: str, lines: Sequence[tuple[int, str]], nxt: int) -> int:
    """1, or 3 when the note's first two lines read like a citation."""
    text = rest + " " + " ".join(line for _, line in lines[nxt : nxt + 2])
    return 3 if _CITATION.search(text) else 1


def _after_rule(lines: Sequence[tuple[int, str]], i: int) -> bool:
    """Whether the line before line i (blank lines aside) is a rule (`——————`, `_____`): where a
    page's footnote zone starts."""
    j = i - 1
    while j >= 0 and not lines[j][1].strip():
        j -= 1
    return j >= 0 and _RULE.match(lines[j][1]) is not None


_RULE = re.compile(r"^[ \t]*[—–_-]{5,}[ \t]*$")
_RULE_WEIGHT = 3
_HEADER_REPEATS = 3


def _without_headers(cands: Sequence[_Cand]) -> list[_Cand]:
    """The candidates but running headers: a page number before a text that recurs page after page
    (`2  FISHER v. UNIVERSITY OF TEXAS`). No note's text is the same on three pages."""
    seen: dict[str, int] = {}
    for c in cands:
        key = " ".join(c.rest.split())
        seen[key] = seen.get(key, 0) + 1
    return [c for c in cands if seen[" ".join(c.rest.split())] < _HEADER_REPEATS]


def _chain(cands: Sequence[_Cand]) -> list[_Cand]:
    """The heaviest chain of candidates whose numbers rise by 1..MAX_STEP in reading order
    (each skipped number costs 2; a chain starts at 1..MAX_STEP, each number below it costing 2)."""
    best: dict[int, int] = {}  # number -> position of the heaviest chain ending with that number so far
    score: list[int] = []
    back: list[int] = []
    top = -1  # the position of the heaviest chain so far, which a restart at 1 goes on from
    for k, c in enumerate(cands):
        options = [
            (score[best[c.number - d]] - 2 * (d - 1), best[c.number - d])
            for d in range(1, MAX_STEP + 1)
            if c.number - d in best
        ]
        if 1 <= c.number <= MAX_STEP:
            options.append((-2 * (c.number - 1), -1))
        if c.number == 1 and top >= 0 and cands[top].number > 1:
            options.append((score[top] - RESTART_COST, top))  # a new series: an opinion, a chapter
        if not options:
            score.append(-(10**9))
            back.append(-1)
            continue
        value, prev = max(options)
        score.append(value + c.weight)
        back.append(prev)
        if c.number not in best or score[k] > score[best[c.number]]:
            best[c.number] = k
        if top < 0 or score[k] > score[top]:
            top = k
    if not score or max(score) < 0:
        return []
    k = max(range(len(score)), key=score.__getitem__)
    out: list[_Cand] = []
    while k >= 0:
        out.append(cands[k])
        k = back[k]
    return out[::-1]


def find_plain(lines: Sequence[tuple[int, str]]) -> PlainNotes | None:
    """The plain-digit notes of a document's lines, or None when no chain has the evidence."""
    cands = _without_headers([c for i in range(len(lines)) if (c := _candidate(lines, i)) is not None])
    chain = [c for series in _series(_chain(cands)) if _cited_enough(series) for c in series]
    if len(chain) < 2:
        return None
    cited = sum(1 for c in chain if c.weight > 1)
    chosen = {c.index for c in chain}
    marked: set[int] = set()
    for i, (_, line) in enumerate(lines):
        if i not in chosen:
            marked |= {n for _, n in body_markers(line)}
    numbers = {c.number for c in chain}
    need = max(2, math.ceil(len(chain) / 3))
    if cited < need or len(numbers & marked) < need:
        return None
    if (ends := _trailing_numbers(lines, chain)) is not None:
        return _read_backward(lines, ends)
    chain = _shared_split(lines, chain)
    starts = {c.index: (str(c.number), c.rest) for c in chain}
    return PlainNotes(starts, frozenset(i for c in chain for i in c.skip))


_SENTENCE_END = re.compile(r"[.)][\u201d\"]?[ \t]*$")


def _shared_split(lines: Sequence[tuple[int, str]], chain: Sequence[_Cand]) -> list[_Cand]:
    """Two notes read as one text: poppler printed a number before the note zone's text and the
    next number after it (`3` / text / `4`), so both label the text between. The second note is
    the last citation of it: from the last line that starts with a capital after a sentence's
    end (`…&t=601s.` / `Camille Dupont, …`), each part citing. A text that cites once stays the
    first's, and the next numbers, printed together, label the texts after them."""
    out = list(chain)
    for k in range(1, len(out)):
        first, second = out[k - 1], out[k]
        if first.index != second.index or second.number != first.number + 1 or not second.skip:
            continue
        end = second.skip[0]
        cited = [i for i in range(first.index, end) if _CITATION.search(lines[i][1])]
        splits = [
            i
            for i in range(first.index + 1, end)
            if _SENTENCE_END.search(lines[i - 1][1])
            and lines[i][1].lstrip()[:1].isupper()
            and cited
            and cited[0] < i <= cited[-1]  # each part cites
        ]
        if splits:
            at = splits[-1]
            out[k] = _Cand(at, second.number, lines[at][1].strip(), second.skip, _weight("", lines, at))
        elif k + 1 < len(out) and (shifted := _numbers_then_texts(lines, second, out[k + 1], out)):
            out[k], out[k + 1] = shifted
    return out


def _numbers_then_texts(
    lines: Sequence[tuple[int, str]], second: _Cand, third: _Cand, chain: Sequence[_Cand]
) -> tuple[_Cand, _Cand] | None:
    """`N` / text / `N+1` / `N+2` / text / text: the text between cites once and is N's, and the
    two numbers printed together label the two texts after them, in order. None when the text
    after the next one is not there, is taken, or cites nothing."""
    if third.number != second.number + 1 or third.skip[:1] != (second.skip[0] + 1,):
        return None
    after = third.index
    while after < len(lines) and lines[after][1].strip():
        after += 1
    while after < len(lines) and not lines[after][1].strip():
        after += 1
    if after >= len(lines) or any(c.index == after for c in chain) or _DEF_ALONE.match(lines[after][1]):
        return None
    end = after
    while end < len(lines) and lines[end][1].strip() and not body_markers(lines[end][1]):
        end += 1
    if not _CITATION.search(" ".join(line for _, line in lines[after:end])):
        return None
    moved = _Cand(third.index, second.number, third.rest, second.skip, third.weight)
    return moved, _Cand(after, third.number, lines[after][1].strip(), third.skip, _weight("", lines, after))


def _series(chain: Sequence[_Cand]) -> list[list[_Cand]]:
    """The chain cut where its numbering starts again at 1."""
    out: list[list[_Cand]] = []
    for c in chain:
        if not out or (c.number == 1 and out[-1][-1].number > 1):
            out.append([])
        out[-1].append(c)
    return out


def _cited_enough(series: Sequence[_Cand]) -> bool:
    """Whether a series reads like notes: a third of it (and 2, in a series of more than one)
    reads like citations. A numbered list before the notes is a series of its own, and fails."""
    cited = sum(1 for c in series if c.weight > 1)
    return cited >= min(len(series), max(2, math.ceil(len(series) / 3)))


def _trailing_numbers(
    lines: Sequence[tuple[int, str]], chain: Sequence[_Cand]
) -> list[tuple[int, int]] | None:
    """The note numbers' lines (index, number) when the document prints each number after its note's
    text (poppler does so for some layouts): the run ends with a number that has no text after it,
    and the first number has a citation before it. None when numbers precede their notes."""
    alone = [c for c in chain if c.skip]
    if len(alone) < 2 or len(alone) < len(chain) / 2:
        return None
    bare = _bare_after(lines, alone[-1])
    # The last number labels the text before it when nothing follows it but a page end, or what
    # follows reads like no citation (the body, a heading, the letter's close).
    if (bare is None and alone[-1].weight > 1) or not _CITATION.search(
        " ".join(line for _, line in _run_before(lines, alone[0].skip[0]))
    ):
        return None
    ends = [(c.skip[0], c.number) for c in alone] + ([bare] if bare is not None else [])
    known = {n for _, n in ends}
    for i, (_, line) in enumerate(lines):
        m = _END_GLUED.search(line)
        if m and int(m.group(1)) not in known and URL_RE.search(line):
            ends.append((i, int(m.group(1))))
        elif (m := _DEF_ALONE.match(line)) and int(m.group(1)) not in known:
            ends.append((i, int(m.group(1))))  # a number the forward reading gave no text to
    ends.sort()
    ends = [e for k, e in enumerate(ends) if _fits(ends, k)]
    return [e for k, e in enumerate(ends) if all(e[1] > p[1] for p in ends[:k])]


def _fits(ends: Sequence[tuple[int, int]], k: int) -> bool:
    """Whether the k-th number read is one more than the one before it or one less than the one
    after it (a page number alone on its line between notes fits neither)."""
    n = ends[k][1]
    return (k > 0 and ends[k - 1][1] == n - 1) or (k + 1 < len(ends) and ends[k + 1][1] == n + 1) or n == 1


def _bare_after(lines: Sequence[tuple[int, str]], last: _Cand) -> tuple[int, int] | None:
    """A number alone on its line after the chain's last, up to MAX_STEP above it, with no text
    after it before a page end (so it labels the text before it): (index, number)."""
    for i in range(last.index + 1, len(lines)):
        m = _DEF_ALONE.match(lines[i][1])
        if m and 0 < int(m.group(1)) - last.number <= MAX_STEP and _candidate(lines, i) is None:
            return i, int(m.group(1))
    return None


def _run_before(lines: Sequence[tuple[int, str]], end: int) -> list[tuple[int, str]]:
    """The lines of a note printed before its number at `end`: back to a blank line or a line with a
    body marker (body text runs into the note zone without a blank line)."""
    start = end
    while start > 0 and lines[start - 1][1].strip() and not body_markers(lines[start - 1][1]):
        start -= 1
    return list(lines[start:end])


def _read_backward(lines: Sequence[tuple[int, str]], ends: Sequence[tuple[int, int]]) -> PlainNotes:
    """Notes whose numbers follow their text: each note is the run of lines before its number."""
    starts: dict[int, tuple[str, str]] = {}
    skip: set[int] = set()
    trims: dict[int, str] = {}
    for end, number in ends:
        glued = _END_GLUED.search(lines[end][1]) if not _DEF_ALONE.match(lines[end][1]) else None
        if glued:
            trims[end] = lines[end][1][: glued.start(1)]
        else:
            skip.add(end)
        first = end - len(_run_before(lines, end + (1 if glued else 0))) + (1 if glued else 0)
        if first < end + (1 if glued else 0):
            starts[first] = (str(number), trims.get(first, lines[first][1]).strip())
    return PlainNotes(starts, frozenset(skip), trims)
