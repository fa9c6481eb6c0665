"""Repairing URLs that line-wrapping damaged, offline, with the evidence for each change. Pure.

When a PDF wraps a URL, copying the text either drops the hyphen at the line end (`tren-aragua-`
+ `64e7…` becomes `aragua64e7…`) or keeps a hyphen the layout inserted (`bukel-e`). We only touch
the path, and only where the damage shows:

- a 32-hex id glued to a slug word (AP-style slugs end in `-<32 hex>`);
- a slug token that is two or three words glued together, in a site that writes hyphenated
  slugs, where each word is in the document's own prose (best) or is a common English word;
- a hyphen inside a word that the document's prose writes whole (`bukel-e` → `bukele`);
- a line that ended inside the URL, which tells where a hyphen may have been lost or added;
- the same URL written intact elsewhere in the document, which confirms a repair outright.

A token the document or the dictionary knows as a whole word is never split, and a whole path
segment (`presscorner`, `newshour`) is only ever a *suspect*: tried live when the written URL
fails, never changed offline.
"""

from __future__ import annotations

import itertools
import math
import re
import unicodedata
from bisect import bisect_right
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from urllib.parse import urlsplit

from citecheck.models import Confirmation, Repair, RepairKind
from citecheck.urls import URL_RE, host_of, meant
from citecheck.words import english_ranks

MAX_CANDIDATES = 8
_MAX_TOKEN = 40
"""Longer glued tokens are not segmented: no slug word pair is this long, and the cost is quadratic."""
_COMMON_RANK = 30_000
"""English words more frequent than this (Wikipedia unigram rank) may be split out of a token."""
_SHORT_RANK = 2_000
_ALTERNATIVE_MARGIN = 2.5
"""Other splits are kept as candidates only when nearly as likely as the best."""
_HEX_GLUED = re.compile(r"([a-z]+)([0-9a-f]{32})")
_ALPHA = re.compile(r"[a-z]+")
_LINE_END_HYPHEN = re.compile(r"(?<=[a-z])-[ \t]*\n[ \t]*(?=[a-z])")
_EXTENSION = re.compile(r"\.[a-z0-9]{1,5}$", re.IGNORECASE)
_SUFFIXES = ("s", "es", "ed", "d", "ing", "er", "ers", "ly")


def _fold(text: str) -> str:
    """Lower case without accents, as slugs write them (`Guantánamo` → `guantanamo`); other
    non-ASCII letters become separators, as slugs drop them."""
    text = text.lower()
    if text.isascii():
        return text
    return unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")


class Vocabulary:
    """The words a slug may be made of: the document's own prose first, then English."""

    def __init__(self, document_words: Iterable[str]) -> None:
        self.document = frozenset(w for w in document_words if len(w) >= 2)

    @classmethod
    def from_text(cls, text: str) -> Vocabulary:
        """The words of a document's prose (URLs removed), folded as slugs write them."""
        return cls.from_texts((text,))

    @classmethod
    def from_texts(cls, texts: Iterable[str]) -> Vocabulary:
        """`from_text` of the texts joined by spaces, read one at a time: only the distinct words
        are kept, never the joined text nor a list of every word in it (no URL or word spans a space)."""
        words: set[str] = set()
        for text in texts:
            # A word hyphenated at a line's end is one word (`depor-` / `tees`), not two: its
            # halves would read as the words of a slug the document writes whole.
            words.update(_ALPHA.findall(_LINE_END_HYPHEN.sub("", _fold(URL_RE.sub(" ", text)))))
        return cls(words)

    def is_word(self, token: str) -> bool:
        """Whether a token is a word as it stands (then it is never split)."""
        if len(token) < 2:
            return False
        if token in self.document or token in english_ranks():
            return True
        return any(
            token.endswith(sfx)
            and (
                token[: -len(sfx)] in self.document or english_ranks().get(token[: -len(sfx)], 10**9) < 60_000
            )
            for sfx in _SUFFIXES
            if len(token) - len(sfx) >= 3
        )

    def part_cost(self, part: str) -> float | None:
        """The cost of a part in a split (lower is likelier), or None when it is not a word.

        English frequency sets the base; the document's own words get a bonus (its prose is the
        best dictionary for its slugs); two-letter parts pay extra, as they fit almost anywhere.
        """
        rank = english_ranks().get(part)
        in_document = part in self.document
        if len(part) < 2:
            return None
        if len(part) == 2 and not (in_document and rank is not None and rank <= _SHORT_RANK):
            return None
        if rank is not None and (rank < _COMMON_RANK or in_document):
            cost = 2.0 + math.log10(rank + 1)
        elif in_document:
            cost = 6.0
        else:
            return None
        return max(1.0, cost - 1.5 if in_document else cost) + (2.0 if len(part) == 2 else 0.0)

    def splits(self, token: str) -> list[tuple[str, ...]]:
        """The likely ways to read a token as 2 or 3 glued words, best first (at most 3)."""
        scored: list[tuple[float, tuple[str, ...]]] = []
        n = len(token)
        for i in range(2, n - 1):
            left, right = token[:i], token[i:]
            cl, cr = self.part_cost(left), self.part_cost(right)
            if cl is None:
                continue
            if cr is not None:
                scored.append((cl + cr + 1.0, (left, right)))
            for j in range(i + 2, n - 1):
                mid, last = token[i:j], token[j:]
                cm, cz = self.part_cost(mid), self.part_cost(last)
                if cm is not None and cz is not None:
                    scored.append((cl + cm + cz + 2.0, (left, mid, last)))
        acceptable = sorted(
            (cost, parts)
            for cost, parts in scored
            if any(p in self.document for p in parts) or len(token) >= 8
        )
        if not acceptable:
            return []
        best = acceptable[0][0]
        return [parts for cost, parts in acceptable[:3] if cost <= best + _ALTERNATIVE_MARGIN]


@dataclass(frozen=True, slots=True)
class Edit:
    """One change at one place of a URL: replace written[start:end] by one of `options`."""

    start: int
    end: int
    options: tuple[str, ...]
    reason: str
    confident: bool


@dataclass(frozen=True, slots=True)
class Proposal:
    """What repair proposes for one URL: a Repair (or None) and low-confidence suspects."""

    repair: Repair | None
    suspects: tuple[str, ...]


@lru_cache(maxsize=1 << 12)
def _path_span(written: str) -> tuple[int, int]:
    """Start and end of the path inside a written URL."""
    url = meant(written)
    shift = len(url) - len(written)
    parts = urlsplit(url)
    start = len(f"{parts.scheme}://{parts.netloc}") - shift
    return start, start + len(parts.path)


def _hyphenated_path(url: str) -> bool:
    """Whether a URL's path writes words joined by hyphens (the site's slug style)."""
    start, end = _path_span(url)
    return re.search(r"[a-z]-[a-z]", url[start:end], re.IGNORECASE) is not None


def find_edits(written: str, breaks: Sequence[int], vocab: Vocabulary, hyphenated: bool) -> list[Edit]:
    """Every change the damage signals call for in a URL's path."""
    edits: list[Edit] = []
    start, end = _path_span(written)
    pos = start
    ordered = _Breaks(sorted(breaks), frozenset(breaks))
    for segment in written[start:end].split("/"):
        seg_start = pos
        pos += len(segment) + 1
        ext = _EXTENSION.search(segment) if "." in segment else None
        body = segment[: ext.start()] if ext else segment
        edits += _segment_edits(body, seg_start, ordered, vocab, hyphenated)
    return edits


@dataclass(frozen=True, slots=True)
class _Breaks:
    """A URL's line-break offsets, sorted and as a set: a URL wrapped over thousands of lines
    costs a lookup per token, not a scan of every break."""

    ordered: list[int]
    at: frozenset[int]

    def first_inside(self, start: int, end: int) -> int | None:
        """The first break strictly between start and end."""
        k = bisect_right(self.ordered, start)
        return self.ordered[k] if k < len(self.ordered) and self.ordered[k] < end else None


def _segment_edits(
    body: str, offset: int, breaks: _Breaks, vocab: Vocabulary, hyphenated: bool
) -> list[Edit]:
    edits: list[Edit] = []
    tokens: list[tuple[int, str]] = []
    pos = offset
    for tok in body.split("-"):
        tokens.append((pos, tok))
        pos += len(tok) + 1
    in_slug = len(tokens) > 1
    for tpos, tok in tokens:
        if m := _HEX_GLUED.fullmatch(tok):
            if re.search(r"\d", m.group(2)) and re.search(r"[a-f]", m.group(2)):
                edits.append(
                    Edit(
                        tpos,
                        tpos + len(tok),
                        (f"{m.group(1)}-{m.group(2)}",),
                        "a 32-hex id glued to the slug",
                        True,
                    )
                )
            continue
        if not _ALPHA.fullmatch(tok) or not 5 <= len(tok) <= _MAX_TOKEN or vocab.is_word(tok):
            continue
        inner = breaks.first_inside(tpos, tpos + len(tok))
        options = vocab.splits(tok)
        if inner is not None:
            at = inner - tpos
            if vocab.part_cost(tok[:at]) is not None and vocab.part_cost(tok[at:]) is not None:
                options = [(tok[:at], tok[at:]), *[o for o in options if o != (tok[:at], tok[at:])]]
        if options and hyphenated:
            edits.append(
                Edit(
                    tpos,
                    tpos + len(tok),
                    tuple("-".join(o) for o in options),
                    "words glued where a line wrapped",
                    in_slug or inner is not None,
                )
            )
    for (apos, a), (_, b) in itertools.pairwise(tokens):
        joined = a + b
        if not (_ALPHA.fullmatch(a) and _ALPHA.fullmatch(b)):
            continue
        unknown_part = any(len(p) >= 3 and not vocab.is_word(p) for p in (a, b)) or (
            not vocab.is_word(a) and not vocab.is_word(b)
        )
        at_break = apos + len(a) + 1 in breaks.at
        if joined in vocab.document and unknown_part:
            edits.append(Edit(apos, apos + len(joined) + 1, (joined,), "a hyphen inside a word", True))
        elif at_break and vocab.is_word(joined) and unknown_part:
            edits.append(Edit(apos, apos + len(joined) + 1, (joined,), "a hyphen the line wrap added", True))
    return edits


def _apply(written: str, edits: Sequence[Edit], choice: dict[int, int]) -> str:
    out, pos = [], 0
    for i, edit in enumerate(sorted(edits, key=lambda e: e.start)):
        if edit.start < pos:
            continue  # overlapping edits: the first one wins
        out.append(written[pos : edit.start])
        k = choice.get(i, 0)
        out.append(written[edit.start : edit.end] if k < 0 else edit.options[k])
        pos = edit.end
    out.append(written[pos:])
    return "".join(out)


def candidates(written: str, edits: Sequence[Edit]) -> list[str]:
    """Candidate URLs, best first: every edit applied, then each alternative, then each left out.

    Generated lazily and cut at MAX_CANDIDATES, so a URL with thousands of edits costs no more.
    """
    ordered = sorted(edits, key=lambda e: e.start)
    if not ordered:
        return []

    def variants() -> Iterable[str]:
        yield _apply(written, ordered, {})
        for i, edit in enumerate(ordered):
            for k in range(1, len(edit.options)):
                yield _apply(written, ordered, {i: k})
        if len(ordered) > 1:
            for i in range(len(ordered)):
                yield _apply(written, ordered, {i: -1})

    unique: list[str] = []
    for url in variants():
        if url != written and url not in unique:
            unique.append(url)
            if len(unique) == MAX_CANDIDATES:
                break
    return unique


def _describe(written: str, edit: Edit) -> str:
    return f"{written[edit.start : edit.end]} → {edit.options[0]} ({edit.reason})"


def _with_path(written: str, reference: str) -> str:
    """`written` with its path taken from `reference` (query and fragment kept as written)."""
    start, end = _path_span(written)
    rstart, rend = _path_span(reference)
    return written[:start] + reference[rstart:rend] + written[end:]


@dataclass(frozen=True, slots=True)
class Context:
    """What the whole document says about its URLs, indexed once so that each repair is cheap.

    Sized for a document of 500,000 URLs: a URL costs an entry in `plain` (or its edits in the memo);
    `by_squash` keeps only the intact URLs a witness can come from. A repair only moves hyphens, so
    every candidate squashes as its written URL does: the group of that squash holds every intact
    spelling that could witness it, and no index of all intact URLs is needed."""

    vocab: Vocabulary
    hyphenated_hosts: frozenset[str]
    by_squash: Mapping[str, tuple[str, ...]]
    edits: dict[tuple[str, tuple[int, ...], bool], list[Edit]]  # a memo of non-empty edits, filled as seen
    plain: Mapping[str, str] = field(default_factory=dict)
    """URLs that build() found no edits in, unwrapped and hyphenated (most URLs: no memo entry
    each), each to itself: `same` gives a URL found again the string already held."""

    def same(self, written: str) -> str:
        """The string build() holds for a URL spelled so, else `written`: a URL found a second
        time is not held twice."""
        return self.plain.get(written, written)

    def find_edits(self, written: str, breaks: Sequence[int], hyphenated: bool) -> list[Edit]:
        """`find_edits`, once per URL (a document repeats URLs, and build() has seen them all)."""
        if hyphenated and not breaks and written in self.plain:
            return []
        key = (written, tuple(breaks), hyphenated)
        found = self.edits.get(key)
        if found is None:
            found = find_edits(written, breaks, self.vocab, hyphenated)
            if found:
                self.edits[key] = found
        return found

    @classmethod
    def build(cls, urls: Iterable[str], vocab: Vocabulary) -> Context:
        """Index the document's URLs: which sites hyphenate slugs, which URLs need no repair."""
        unique = list(dict.fromkeys(urls))
        hyphenated = frozenset(host_of(u) for u in unique if _hyphenated_path(u))
        none: tuple[int, ...] = ()
        edits: dict[tuple[str, tuple[int, ...], bool], list[Edit]] = {}
        plain: dict[str, str] = {}
        intact: list[str] = []
        for url in unique:
            found = find_edits(url, none, vocab, True)
            if found:
                edits[(url, none, True)] = found
            else:
                plain[url] = url
            if not any(e.confident for e in found):
                intact.append(url)
        return cls(
            vocab,
            hyphenated,
            _witness_groups(intact, [u for u in unique if (u, none, True) in edits]),
            edits,
            plain,
        )


def _witness_groups(intact: Sequence[str], damaged: Iterable[str]) -> dict[str, tuple[str, ...]]:
    """Intact URLs by their squashed spelling, only where a witness can come from: a group of two
    or more, or one that a URL with edits squashes to (a lone intact URL can witness only itself).

    Two passes: the first keeps only the hash of each squash (an int, not a string and a list per
    URL), so that the strings are built again only for the few URLs that share one."""
    wanted = {_squash(u) for u in damaged}
    seen: set[int] = set()
    shared: set[int] = set()
    for url in intact:
        h = hash(_squash(url))
        (shared if h in seen else seen).add(h)
    del seen
    groups: dict[str, list[str]] = {}
    for url in intact:
        key = _squash(url)
        if key in wanted or hash(key) in shared:
            groups.setdefault(key, []).append(url)
    return {k: tuple(v) for k, v in groups.items() if len(v) > 1 or k in wanted}


def propose(written: str, breaks: Sequence[int], context: Context) -> Proposal:
    """Propose a repair for one written URL of a document, with the evidence the document gives."""
    hyphenated = host_of(written) in context.hyphenated_hosts or _hyphenated_path(written)
    edits = context.find_edits(written, breaks, hyphenated)
    sure = [e for e in edits if e.confident]
    cands = candidates(written, sure)
    suspects = candidates(cands[0] if cands else written, [e for e in edits if not e.confident])
    witness = _document_witness(written, cands, context)
    if witness is not None:
        cands = [witness, *[c for c in cands if c != witness]][:MAX_CANDIDATES]
        notes = tuple(_describe(written, e) for e in sure) or ("the document writes it intact elsewhere",)
        return Proposal(
            Repair(RepairKind.LINE_WRAP, tuple(cands), notes, Confirmation.DOCUMENT), tuple(suspects)
        )
    if not cands:
        return Proposal(None, tuple(suspects))
    return Proposal(
        Repair(RepairKind.LINE_WRAP, tuple(cands), tuple(_describe(written, e) for e in sure)),
        tuple(suspects),
    )


def _resource(url: str) -> str:
    """What `urls.same_resource` compares: host without `www.`, path without trailing slash (one
    string, a space between them: neither holds one)."""
    start, end = _path_span(url)
    return f"{host_of(url)} {url[start:end].rstrip('/')}"


def _squash(url: str) -> str:
    start, end = _path_span(url)
    return f"{host_of(url)} {re.sub(r'[-_]', '', url[start:end].lower()).rstrip('/')}"


def _document_witness(written: str, cands: Sequence[str], context: Context) -> str | None:
    """A candidate (or an intact spelling) that the document itself writes elsewhere."""
    group = context.by_squash.get(_squash(written), ())
    spelled = {_resource(other) for other in group}
    for cand in cands:
        if _resource(cand) in spelled:
            return cand
    own = _resource(written)
    for other in group:
        if _resource(other) != own and _oddity(other) < _oddity(written):
            return _with_path(written, other)
    return None


def _oddity(url: str) -> int:
    """How many path tokens of a URL are not words (the lower, the more likely it is intact)."""
    start, end = _path_span(url)
    vocab = Vocabulary(())
    return sum(
        1
        for tok in re.split(r"[-/_.]", url[start:end].lower())
        if _ALPHA.fullmatch(tok) and not vocab.is_word(tok)
    )


def _hyphen_marks(url: str) -> tuple[str, Counter[int]]:
    """A URL without its hyphens, and how many stood before each of its remaining characters."""
    marks: Counter[int] = Counter()
    kept: list[str] = []
    for ch in url:
        if ch == "-":
            marks[len(kept)] += 1
        else:
            kept.append(ch)
    return "".join(kept), marks


def both_readings(written: str, one: str, other: str) -> str | None:
    """`written` with the hyphen edits of both `one` and `other` (each `written` with hyphens put in
    or taken out: a repair of words glued at a wrap, a hyphen an extractor dropped); None when they
    are not such readings or they edit the same place. A URL can have two breaks damaged two ways."""
    base, w = _hyphen_marks(written)
    (base_a, a), (base_b, b) = _hyphen_marks(one), _hyphen_marks(other)
    if not base == base_a == base_b:
        return None
    da = {i for i in a.keys() | w.keys() if a[i] != w[i]}
    db = {i for i in b.keys() | w.keys() if b[i] != w[i]}
    if not da or not db or da & db:
        return None
    merged = w.copy()
    for i in da:
        merged[i] = a[i]
    for i in db:
        merged[i] = b[i]
    return "".join("-" * merged[i] + ch for i, ch in enumerate(base)) + "-" * merged[len(base)]
