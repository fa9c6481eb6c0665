"""The offline pipeline: Document → Extraction (footnotes, links, repairs, problems). Pure.

Repairs need the whole document: the site's slug style, its prose vocabulary, and the URLs it
writes intact elsewhere. So links are found first, then repaired in a second pass.
"""

from __future__ import annotations

import datetime as dt
import re
from bisect import bisect_left
from collections import deque
from collections.abc import Iterator, Sequence

from citecheck import footnotes, repair
from citecheck.dates import choose_date, cited_date, find_dates
from citecheck.links import apply_known
from citecheck.models import Document, Extraction, Footnote, Link, Notes, Repair, RepairKind
from citecheck.urls import Flow, FoundURL, meant
from citecheck.wrap import Layout


def extract(doc: Document) -> Extraction:
    """Find every footnote, every URL in it and outside it, and propose repairs."""
    notes = _notes(doc)
    body, problems = notes.body, notes.problems
    drafts = deque(notes.notes)
    del notes  # each draft is let go once its footnote is made (pieces are a copy of the text)
    written: list[str] = []
    whole = Layout.measure(_lines_in_order(doc.text)) if doc.notes is None else None
    note_layout = Layout.measure(text for draft in drafts for _, text in draft.pieces)
    body_layout = Layout.measure(text for _, text in body)
    if whole is not None:  # text as an extractor gave it: the whole of it says how it was wrapped
        note_layout, body_layout = note_layout.with_document(whole), body_layout.with_document(whole)
    body_flow = Flow(body, body_layout)
    body_found = body_flow.links()

    def prose() -> Iterator[str]:
        """Each flow's prose, keeping only its URLs' text: a note's flow and URLs are found again
        for its footnote, as holding every note's URL occurrences for a second pass is what
        bounded a long document's memory."""
        for draft in drafts:
            flow = Flow(draft.pieces, note_layout)
            found = flow.links()
            written.extend(u.written for u in found)
            yield _prose(flow, found)
        yield _prose(body_flow, body_found)

    vocab = repair.Vocabulary.from_texts(prose())
    written.extend(u.written for u in body_found)
    context = repair.Context.build(written, vocab)
    written.clear()  # the context holds what it needs of them

    def link(found: FoundURL, flow: Flow, dates: _Dates) -> Link:
        proposal = _proposal(found, context)
        url = proposal.repair.candidates[0] if proposal.repair else found.written
        start, end = _segment_bounds(flow, found)
        date = choose_date(dates.within(start, end), found.start)
        return Link(
            context.same(found.written),
            meant(context.same(url)),
            found.line,
            proposal.repair,
            date,
            proposal.suspects,
            tuple(meant(context.same(alt)) for alt in _readings(found, url)),
        )

    result: list[Footnote] = []
    while drafts:
        draft = drafts.popleft()
        flow = Flow(draft.pieces, note_layout)
        found = flow.links()
        text = flow.text_without_url_breaks(found)
        lines = [line for line, _ in draft.pieces]
        dates = _Dates(flow.text)
        links = apply_known([link(u, flow, dates) for u in found], lines, doc.known_links, text)
        accessed = links[0].accessed if links else cited_date(text)
        result.append(Footnote(draft.number, draft.line, text, accessed, links, draft.label, draft.series))
    # The body is most of a long document: its dates are read only if it cites, and its text is
    # joined again only if the format states links to match (a copy of the body each, else).
    body_dates = _Dates(body_flow.text if body_found else "")
    unnumbered = tuple(link(u, body_flow, body_dates) for u in body_found)
    if doc.known_links:
        body_lines = (n for n, _ in body)
        text = body_flow.text_without_url_breaks(body_found)
        unnumbered = apply_known(unnumbered, body_lines, doc.known_links, text)
    return Extraction(doc.path, tuple(result), unnumbered, problems, _document_date(body, result))


def _lines_in_order(text: str) -> Iterator[str]:
    """The text's lines as the extractor wrote them, blank ones and page breaks (form feeds) too:
    what a line is followed by is part of the evidence (`Layout.measure`). Lazily: no list of a
    long document's lines."""
    for m in _LINE.finditer(text):
        yield m.group(0).rstrip("\n\f")


_LINE = re.compile(r"[^\n\f]*(?:[\n\f]|\Z)")


def _notes(doc: Document) -> Notes:
    """The document's footnotes: as its format states them, else found in its text."""
    if doc.notes is None:
        return footnotes.parse(doc.text)
    stated = doc.notes
    problems = tuple(footnotes.integrity(stated.notes, stated.markers, stated.named))
    return Notes(stated.notes, stated.markers, stated.body, problems, stated.named)


def _document_date(body: Sequence[tuple[int, str]], found: Sequence[Footnote]) -> dt.date | None:
    """The document's own date (a date among its first body lines), else its newest citation date."""
    head = " ".join(line for number, line in body if number <= body[0][0] + 20) if body else ""
    own = cited_date(head)
    if own is not None:
        return own
    cited = [link.accessed for fn in found for link in fn.links if link.accessed] + [
        fn.accessed for fn in found if fn.accessed
    ]
    return max(cited, default=None)


def _readings(found: FoundURL, url: str) -> list[str]:
    """The other readings of a URL's line breaks for `verify`: each with the proposed repair
    (`url`) too, as one break's damage does not undo another's, then each as the breaks alone say."""
    if url == found.written:
        return list(found.alternatives)
    both = (repair.both_readings(found.written, url, alt) for alt in found.alternatives)
    return list(dict.fromkeys([*(b for b in both if b is not None), *found.alternatives]))


def _proposal(found: FoundURL, context: repair.Context) -> repair.Proposal:
    """Repair's proposal for a found URL; where the line breaks favour another reading of its
    hyphens (`FoundURL.reading`), that reading, repaired in turn, is the proposal."""
    reading = found.reading
    if reading is None:
        return repair.propose(found.written, found.breaks, context)
    proposal = repair.propose(reading.url, reading.breaks, context)
    better = proposal.repair
    if better is None:
        return repair.Proposal(
            Repair(RepairKind.LINE_WRAP, (reading.url,), (reading.reason,)), proposal.suspects
        )
    edits = (reading.reason, *better.edits)
    return repair.Proposal(
        Repair(RepairKind.LINE_WRAP, better.candidates, edits, better.confirmed_by), proposal.suspects
    )


def _prose(flow: Flow, found: Sequence[FoundURL]) -> str:
    """A flow's text without its URLs (a wrapped URL's continuation lines included)."""
    out, pos = [], 0
    for url in found:
        out.append(flow.text[pos : url.start])
        pos = url.end
    out.append(flow.text[pos:])
    return " ".join(out)


_CITATION_REACH = 600
"""No citation runs longer than this on either side of its URL: bounding the search keeps a body
with thousands of URLs and few semicolons linear."""


def _segment_bounds(flow: Flow, found: FoundURL) -> tuple[int, int]:
    """The citation a URL belongs to: from the previous `;` (or URL) to the next `;`."""
    text = flow.text
    low = max(0, found.start - _CITATION_REACH)
    start = max(text.rfind(";", low, found.start), text.rfind(">", low, found.start - 1), low - 1) + 1
    high = min(len(text), found.end + _CITATION_REACH)
    end = text.find(";", found.end, high)
    return start, high if end < 0 else end


class _Dates:
    """A flow's dates, found once: each URL's citation then picks from its own span by bisection
    (searching each citation's text anew cost 1,200 characters of regex per URL)."""

    def __init__(self, text: str) -> None:
        self.found = find_dates(text)
        self.offsets = [offset for offset, _, _ in self.found]

    def within(self, start: int, end: int) -> list[tuple[int, dt.date, bool]]:
        """The dates that start in text[start:end]."""
        return self.found[bisect_left(self.offsets, start) : bisect_left(self.offsets, end)]
