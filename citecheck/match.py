"""Is the page the work the footnote cites? A score between the cited title and the page's titles, and
a verdict: `match`, `drift` or `unknown`. Pure.

Why this measure (stdlib only): titles are short, and the ways a true page differs from its citation
are structural, not typos: an outlet suffix or prefix (`| AP News`, `Reuters:`), a subtitle added or
dropped, case, quotes, dashes and entities. So both sides are normalised (NFKC, casefold, entities,
curly quotes and dashes, punctuation removed), the page title is also tried without each
separator-delimited piece, and the score is the better of: a title standing whole inside the other
as a phrase (a subtitle added or dropped), and the mean of the Dice overlap of word tokens and
difflib's ratio on the normalised strings. The mean, not the larger of the two: on real page titles
(tests/data/match_pairs.csv, `real:` rows) a different story on the same event often shares most
words in another order (`Pennsylvania School Conducts Segregation Experiment`) or a long run of
characters with other words (`US Expands Deportation of Alleged Gang Members to El Salvador`), and
either alone then passes; a copy of the cited work agrees on both. Scripts written without spaces
(Chinese, Japanese, Thai) are compared by character bigrams. Dates only support: a score just below
the threshold counts as a match when the page's date agrees with the cited one, and a match whose
dates are more than a year apart is reported `unknown` rather than `match`.
"""

from __future__ import annotations

import datetime as dt
import html
import re
import unicodedata
from difflib import SequenceMatcher

from citecheck.cited import CitedWork
from citecheck.models import Match, MatchVerdict, PageMeta

THRESHOLD = 0.75
"""Chosen on the real page titles of tests/data/match_pairs.csv (`python bench/match_eval.py`): the
highest threshold at which no real copy of a cited work is called drift; below it, drift."""
GRAY = 0.15
"""How far below the threshold an agreeing date still makes a match."""
DATE_TOLERANCE = dt.timedelta(days=3)
DATE_CONTRADICTS = dt.timedelta(days=366)
MIN_TOKENS_FOR_DRIFT = 4
"""A cited title shorter than this is too weak to call a page something else (`unknown`)."""

_QUOTES = str.maketrans(
    {"‘": "'", "’": "'", "‚": "'", "‛": "'", "“": '"', "”": '"', "„": '"', "«": '"', "»": '"'}
)
_DASHES = re.compile(r"[\u2010-\u2015\u2212\u2e3a\u2e3b-]+")
_NON_WORD = re.compile(r"[^\w\s]+")
_SEPARATORS = re.compile(r"\s+(?:\||-|–|—|·|::|»|•)\s+")
_PREFIX = re.compile(r"^[\w .&]{2,30}?:\s+(?=\S)")
_NO_SPACE_SCRIPT = re.compile(
    r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\u0e00-\u0e7f\u0e80-\u0eff\u1000-\u109f\u1780-\u17ff]"
)
STOPWORDS = frozenset(
    {
        "a",
        "an",
        "the",
        "of",
        "to",
        "in",
        "on",
        "at",
        "for",
        "and",
        "or",
        "by",
        "with",
        "from",
        "as",
        "is",
        "are",
        "was",
        "were",
        "be",
        "been",
        "it",
        "its",
        "this",
        "that",
        "de",
        "la",
        "el",
        "los",
        "las",
        "le",
        "les",
        "des",
        "du",
        "et",
        "en",
        "y",
    }
)


def normalise(text: str) -> str:
    """Text as titles are compared: entities decoded, NFKC, casefolded, quotes and dashes unified,
    punctuation removed, whitespace folded."""
    text = unicodedata.normalize("NFKC", html.unescape(text)).translate(_QUOTES).casefold()
    text = text.replace("'", "")  # don't / dont, Salvador's / salvadors
    text = _DASHES.sub(" ", text)
    return " ".join(_NON_WORD.sub(" ", text).split())


def tokens(text: str, bigrams: bool | None = None) -> list[str]:
    """Word tokens of normalised text (a plural `s` dropped), or character bigrams for scripts
    written without spaces (`bigrams` None: decide by the text)."""
    norm = normalise(text)
    if bigrams is None:
        bigrams = _NO_SPACE_SCRIPT.search(norm) is not None
    if bigrams:
        squashed = norm.replace(" ", "")
        return [squashed[i : i + 2] for i in range(max(1, len(squashed) - 1))]
    return [_stem(w) for w in norm.split()]


def _stem(word: str) -> str:
    if len(word) > 4 and word.endswith("ies"):
        return word[:-3] + "y"
    if len(word) > 3 and word.endswith("s") and not word.endswith("ss"):
        return word[:-1]
    return word


def variants(page_title: str) -> list[str]:
    """A page title and its forms without an outlet suffix or prefix (`Title | Outlet`,
    `Outlet - Title`, `Reuters: Title`)."""
    out = [page_title]
    pieces = [p for p in _SEPARATORS.split(page_title) if p.strip()]
    if len(pieces) > 1:
        out.append(max(pieces, key=len))  # with two pieces, one of them is the outlet: not a title
    if len(pieces) > 2:
        out += [" - ".join(pieces[:-1]), " - ".join(pieces[1:])]
    if (m := _PREFIX.match(page_title)) and len(m.group(0).split()) <= 3:
        out.append(page_title[m.end() :])
    return list(dict.fromkeys(v.strip() for v in out if v.strip()))


def similarity(cited: str, found: str) -> float:
    """How alike two titles are, 0..1 (see the module docstring)."""
    bigrams = bool(_NO_SPACE_SCRIPT.search(cited) or _NO_SPACE_SCRIPT.search(found))
    a, b = tokens(cited, bigrams), tokens(found, bigrams)
    if not a or not b:
        return 0.0
    ca = [t for t in a if t not in STOPWORDS] or a
    cb = [t for t in b if t not in STOPWORDS] or b
    sa, sb = set(ca), set(cb)
    dice = 2 * len(sa & sb) / (len(sa) + len(sb))
    ja, jb = " ".join(ca), " ".join(cb)
    ratio = max(
        SequenceMatcher(None, ja, jb, autojunk=False).ratio(),
        SequenceMatcher(None, jb, ja, autojunk=False).ratio(),
    )
    return max((dice + ratio) / 2, _inside(a, b))


def _inside(a: list[str], b: list[str]) -> float:
    """A title standing whole, as a phrase, inside the other (a subtitle added or dropped): high,
    and higher the more words it has; nothing for fewer than three words."""
    small, big = (a, b) if len(a) <= len(b) else (b, a)
    if len(small) < 3 or len([t for t in small if t not in STOPWORDS]) < 2:
        return 0.0
    return min(1.0, 0.6 + 0.1 * len(small)) if f" {' '.join(small)} " in f" {' '.join(big)} " else 0.0


def best_title(cited: str, page: PageMeta) -> tuple[float, str | None]:
    """The page title (of all its candidates and their variants) closest to the cited title."""
    best, title = 0.0, None
    for _, candidate in page.titles:
        for form in variants(candidate):
            score = similarity(cited, form)
            if score > best or title is None:
                best, title = score, candidate
    return best, title


def _nearest_date(cited: dt.date | None, page: PageMeta) -> dt.date | None:
    if cited is None or not page.dates:
        return page.dates[0] if page.dates else None
    return min(page.dates, key=lambda d: abs(d - cited))


def judge(cited: CitedWork, page: PageMeta | None, threshold: float = THRESHOLD) -> Match:
    """The verdict on one page against the work its citation names."""
    page_date = _nearest_date(cited.date, page) if page is not None else None
    if cited.title is None:
        why = {"post": "a social-media post names no title", "bare": "the citation is only a URL"}
        reason = why.get(cited.kind, "the citation names no title")
        return Match(MatchVerdict.UNKNOWN, None, None, None, reason, cited.date, page_date)
    if page is None or not page.titles:
        kind = page.kind if page is not None else "html"
        reason = "the page has no usable title" if kind == "html" else f"a {kind} without a title"
        return Match(MatchVerdict.UNKNOWN, None, cited.title, None, reason, cited.date, page_date)
    score, title = best_title(cited.title, page)
    gap = abs(page_date - cited.date) if page_date is not None and cited.date is not None else None
    verdict, reason = _decide(round(score, 3), len(tokens(cited.title)), gap, threshold)
    return Match(verdict, round(score, 3), cited.title, title, reason, cited.date, page_date)


def _decide(score: float, words: int, gap: dt.timedelta | None, threshold: float) -> tuple[MatchVerdict, str]:
    """The verdict from the score, the cited title's length and how far apart the dates are."""
    if score >= threshold:
        if gap is not None and gap > DATE_CONTRADICTS and score < threshold + 0.1:
            return MatchVerdict.UNKNOWN, "the title is close but the dates are over a year apart"
        return MatchVerdict.MATCH, "the title matches"
    if gap is not None and gap <= DATE_TOLERANCE and score >= threshold - GRAY:
        return MatchVerdict.MATCH, "the title is close and the date agrees"
    if words < MIN_TOKENS_FOR_DRIFT:
        return MatchVerdict.UNKNOWN, "the cited title is too short to judge"
    return MatchVerdict.DRIFT, "the page shows a different title"
