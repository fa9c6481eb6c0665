"""The letter on its local web: every footnote that names a title gets a verdict, none drifts while
the pages show the cited articles, and a page replaced by another article is caught."""

from __future__ import annotations

from urllib.parse import urlsplit

from letter_pages import source_page
from test_verify import LetterWeb, letter_web, through_letter_web, verify_letter
from webserver import Route

from citecheck.cited import cited_work
from citecheck.models import MatchVerdict

__all__ = ["letter_web", "through_letter_web"]

# Footnotes whose cited work is on a page that states its title (the rest are posts, a bare URL,
# refusals, a dead page, an error page, a PDF answered by HEAD, and fn 30's three-word description).
MATCHING = {1, 2, 3, 5, 6, 7, 9, 12, 13, 16, 17, 18, 19, 20, 21, 23, 28, 32, 33}
HRW_17 = "https://www.hrw.org/news/2025/03/13/el-salvadors-prisons-are-no-place-us-deportees"


def test_every_titled_footnote_gets_a_verdict_and_none_drifts(through_letter_web: LetterWeb) -> None:
    run = verify_letter()
    (e,) = run.extractions
    verdicts: dict[int, set[MatchVerdict]] = {}
    for fn in e.footnotes:
        for link in fn.links:
            m = run.matches.get(link)
            if cited_work(fn.text, link.written).title is not None:
                assert m is not None, (fn.number, link.url)
            if m is not None:
                verdicts.setdefault(fn.number, set()).add(m.verdict)
    assert not any(MatchVerdict.DRIFT in v for v in verdicts.values()), verdicts
    assert {n for n, v in verdicts.items() if MatchVerdict.MATCH in v} == MATCHING
    assert verdicts[4] == {MatchVerdict.UNKNOWN}  # the PDF answered HEAD: no bytes to read
    assert verdicts[30] == {MatchVerdict.UNKNOWN}  # "Juanita Goebertus Declaration": too short to judge


def test_a_replaced_page_drifts(through_letter_web: LetterWeb) -> None:
    parts = urlsplit(HRW_17)
    other = "<title>El Salvador: Mass Trials Violate Due Process | Human Rights Watch</title>"
    web = through_letter_web.web
    web.add(parts.path, Route(200, body=other.encode()), host=parts.hostname)
    try:
        run = verify_letter()
    finally:
        web.add(parts.path, source_page(HRW_17), host=parts.hostname)
    drifted = {link.url: m for link, m in run.matches.items() if m.verdict is MatchVerdict.DRIFT}
    assert list(drifted) == [HRW_17]
    assert drifted[HRW_17].cited_title == "El Salvador’s Prisons Are No Place for US Deportees"
    assert drifted[HRW_17].page_title == "El Salvador: Mass Trials Violate Due Process | Human Rights Watch"
