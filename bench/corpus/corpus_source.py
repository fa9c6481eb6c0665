"""The corpus's source description: footnoted letters and reports, and negative documents. Pure.

Everything here follows from one seed, so `generate.py` writes the same documents every run. A
document is a list of blocks (headings, paragraphs with note markers, lists, tables) and a list of
notes; a note is a list of pieces, each plain text or a URL. The URLs are of the kinds such documents
cite (news, NGOs, governments, courts, the UN; PDFs, query strings, percent-encoding, long hyphenated
slugs, ids and dates in paths), invented in the style of the seed letters in shared/seeds/.
"""

from __future__ import annotations

import calendar
import random
from dataclasses import dataclass, field

Inline = str | int  # text, or a note marker (the note's number)


@dataclass(frozen=True)
class Url:
    """A URL cited in a note, exactly as the author meant it."""

    url: str


NotePiece = str | Url


@dataclass(frozen=True)
class Heading:
    text: str


@dataclass(frozen=True)
class Para:
    parts: tuple[Inline, ...]


@dataclass(frozen=True)
class ListBlock:
    items: tuple[str, ...]
    ordered: bool


@dataclass(frozen=True)
class Table:
    rows: tuple[tuple[str, ...], ...]


Block = Heading | Para | ListBlock | Table


@dataclass(frozen=True)
class Note:
    number: int
    pieces: tuple[NotePiece, ...]
    series: int = 1

    def urls(self) -> list[str]:
        return [p.url for p in self.pieces if isinstance(p, Url)]


@dataclass(frozen=True)
class Source:
    """One document before typesetting."""

    name: str
    kind: str  # "letter", "report" or "negative"
    title: str
    blocks: tuple[Block, ...]
    notes: tuple[Note, ...] = field(default=())


MONTHS = list(calendar.month_name)[1:]  # English: Python leaves LC_TIME at "C"
MONTH_ABBR = ["Jan.", "Feb.", "Mar.", "Apr.", "May", "June", "July", "Aug.", "Sept.", "Oct.", "Nov.", "Dec."]
GUARDIAN_MON = ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"]

WORDS = [
    "deportation",
    "detention",
    "migrants",
    "asylum",
    "prison",
    "conditions",
    "court",
    "ruling",
    "judge",
    "order",
    "appeal",
    "border",
    "agreement",
    "transfer",
    "removal",
    "venezuelans",
    "salvador",
    "bukele",
    "cecot",
    "rights",
    "watch",
    "report",
    "inspection",
    "commission",
    "council",
    "special",
    "rapporteur",
    "torture",
    "refugees",
    "protection",
    "families",
    "children",
    "hearing",
    "emergency",
    "injunction",
    "treaty",
    "obligations",
    "investigation",
    "custody",
    "flights",
    "camps",
    "guards",
    "lawyers",
    "access",
    "monitoring",
    "release",
    "sanctions",
    "embassy",
    "minister",
    "parliament",
    "statement",
    "response",
    "evidence",
    "testimony",
    "witnesses",
    "abuses",
    "overcrowding",
    "hunger",
    "disappearance",
    "habeas",
    "corpus",
    "petition",
    "budget",
    "contract",
    "payment",
    "secrecy",
    "oversight",
    "inquiry",
    "mandate",
    "review",
    "panel",
    "survey",
    "census",
    "data",
]

PEOPLE = [
    "Matthew Lee",
    "Regina Garcia Cano",
    "Julia Ainsley",
    "Ana Lucía González",
    "Juan Pablo Ordóñez",
    "Camille Dupont",
    "Sarah Chen",
    "Omar Haddad",
    "Priya Natarajan",
    "Tomás Herrera",
    "Elena Petrova",
    "David Okafor",
    "Marie-Claire Fontaine",
    "Jonathan Blitzer",
    "Nina Ruiz",
]

OUTLETS = {
    "apnews.com": "Associated Press",
    "www.reuters.com": "Reuters",
    "www.theguardian.com": "The Guardian",
    "www.nytimes.com": "N.Y. Times",
    "www.cnn.com": "CNN",
    "www.npr.org": "NPR",
    "abcnews.go.com": "ABC News",
    "www.bbc.com": "BBC",
    "elpais.com": "El País",
    "www.washingtonpost.com": "Wash. Post",
    "www.hrw.org": "Human Rights Watch",
    "www.amnesty.org": "Amnesty International",
    "www.brennancenter.org": "Brennan Center for Justice",
    "euromedrights.org": "EuroMed Rights",
    "ccrjustice.org": "Center for Constitutional Rights",
    "www.aclu.org": "ACLU",
    "www.whitehouse.gov": "The White House",
    "www.dhs.gov": "U.S. Dep't of Homeland Security",
    "www.federalregister.gov": "Federal Register",
    "www.govinfo.gov": "GovInfo",
    "www.foreign.senate.gov": "Senate Foreign Relations Committee",
    "www.state.gov": "U.S. Dep't of State",
    "www.supremecourt.gov": "Supreme Court of the United States",
    "www.courtlistener.com": "CourtListener",
    "storage.courtlistener.com": "CourtListener",
    "www.ca5.uscourts.gov": "U.S. Court of Appeals for the Fifth Circuit",
    "www.ohchr.org": "OHCHR",
    "news.un.org": "UN News",
    "digitallibrary.un.org": "UN Digital Library",
    "www.unhcr.org": "UNHCR",
    "undocs.org": "United Nations",
    "eur-lex.europa.eu": "EUR-Lex",
    "www.europarl.europa.eu": "European Parliament",
    "ec.europa.eu": "European Commission",
    "x.com": "X",
    "www.youtube.com": "YouTube",
    "www.ecoi.net": "ecoi.net",
    "www.oas.org": "Organization of American States",
}

# Intact URLs from the seed letters in shared/seeds/ (the damaged ones left out).
SEED_URLS = (
    "https://apnews.com/article/columbia-university-mahmoud-khalil-ice-15014bcbb921f21a9f704d5acdcae7a8",
    "https://apnews.com/article/migration-rubio-panama-colombia-venezuela-237f06b7d4bdd9ff1396baf9c45a2c0b",
    "https://ccrjustice.org/home/what-we-do/our-cases/khalil-v-trump",
    "https://ec.europa.eu/commission/presscorner/detail/en/ip_25_724",
    "https://euromedrights.org/publication/new-eu-common-approach-on-returns-risks-and-human-rights-violations/",
    "https://www.bbc.com/news/world-latin-america-68244963",
    "https://www.cbsnews.com/news/venezuelans-deported-el-salvador-names/",
    "https://www.cnn.com/2025/04/08/americas/el-salvador-cecot-prison-deportees",
    "https://www.dhs.gov/medialibrary/assets/video/59109",
    "https://www.euractiv.com/section/politics/news/meloni-tries-to-save-albania-migration-centres-again/",
    "https://www.foreign.senate.gov/imo/media/doc/shaheen_case_act_letter_to_rubio.pdf",
    "https://www.hrw.org/news/2025/03/13/el-salvadors-prisons-are-no-place-us-deportees",
    "https://www.justsecurity.org/110679/deportation-cecot-punishment/",
    "https://www.newsweek.com/donald-trump-sending-americans-el-salvador-prison-2056122",
    "https://www.npr.org/2025/03/17/g-s1-54206/el-salvador-mega-prison-cecot",
    "https://www.youtube.com/live/pYZPzHyCtt0",
    "https://x.com/nayibbukele/status/1886606794614587573",
)


class Gen:
    """Random pieces of citations, all drawn from one seeded generator."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng

    def words(self, n: int) -> list[str]:
        return [self.rng.choice(WORDS) for _ in range(n)]

    def slug(self, low: int = 4, high: int = 11) -> str:
        return "-".join(self.words(self.rng.randint(low, high)))

    def digits(self, n: int) -> str:
        return str(self.rng.randint(1, 9)) + "".join(str(self.rng.randint(0, 9)) for _ in range(n - 1))

    def hexid(self, n: int = 32) -> str:
        return "".join(self.rng.choice("0123456789abcdef") for _ in range(n))

    def date(self) -> tuple[int, int, int]:
        return self.rng.choice([2023, 2024, 2025]), self.rng.randint(1, 12), self.rng.randint(1, 28)

    def url(self) -> str:
        """One URL in the style of a randomly chosen kind of site."""
        y, m, d = self.date()
        r, s = self.rng, self.slug
        mm, dd = f"{m:02d}", f"{d:02d}"
        makers = [
            lambda: f"https://apnews.com/article/{s()}-{self.hexid()}",
            lambda: f"https://www.reuters.com/world/americas/{s()}-{y}-{mm}-{dd}/",
            lambda: f"https://www.theguardian.com/world/{y}/{GUARDIAN_MON[m - 1]}/{dd}/{s()}",
            lambda: f"https://www.nytimes.com/{y}/{mm}/{dd}/us/politics/{s(3, 7)}.html",
            lambda: f"https://www.cnn.com/{y}/{mm}/{dd}/americas/{s(3, 8)}",
            lambda: f"https://www.npr.org/{y}/{mm}/{dd}/g-s1-{self.digits(5)}/{s(3, 8)}",
            lambda: f"https://abcnews.go.com/Politics/{s(4, 9)}/story?id={self.digits(9)}",
            lambda: f"https://www.bbc.com/news/articles/c{self.hexid(10)}o",
            lambda: f"https://elpais.com/internacional/{y}-{mm}-{dd}/{s(5, 10)}.html",
            lambda: f"https://www.washingtonpost.com/immigration/{y}/{mm}/{dd}/{s(4, 9)}/",
            lambda: f"https://www.hrw.org/news/{y}/{mm}/{dd}/{s()}",
            lambda: f"https://www.hrw.org/report/{y}/{mm}/{dd}/{s(3, 6)}/{s(4, 9)}",
            lambda: f"https://www.amnesty.org/en/documents/amr{r.randint(10, 99)}/{self.digits(4)}/{y}/en/",
            lambda: f"https://www.brennancenter.org/our-work/research-reports/{s(3, 7)}",
            lambda: f"https://euromedrights.org/publication/{s(6, 12)}/",
            lambda: f"https://ccrjustice.org/home/what-we-do/our-cases/{s(2, 4)}-v-{r.choice(WORDS)}",
            lambda: f"https://www.aclu.org/cases/{s(2, 5)}?document={s(2, 4)}",
            lambda: f"https://www.whitehouse.gov/presidential-actions/{y}/{mm}/{s(6, 12)}/",
            lambda: f"https://www.dhs.gov/news/{y}/{mm}/{dd}/{s(4, 9)}",
            lambda: f"https://www.federalregister.gov/documents/{y}/{mm}/{dd}/{y}-{self.digits(5)}/{s(4, 9)}",
            lambda: f"https://www.govinfo.gov/content/pkg/FR-{y}-{mm}-{dd}/pdf/{y}-{self.digits(5)}.pdf",
            lambda: (
                f"https://www.foreign.senate.gov/imo/media/doc/{'_'.join(self.words(r.randint(3, 6)))}.pdf"
            ),
            lambda: f"https://www.state.gov/releases/office-of-the-spokesperson/{y}/{mm}/{s(3, 7)}",
            lambda: (
                f"https://www.supremecourt.gov/opinions/{y % 100}pdf/"
                f"{y % 100}a{self.digits(3)}_{self.hexid(4)}.pdf"
            ),
            lambda: f"https://www.courtlistener.com/docket/{self.digits(8)}/{s(2, 5)}-v-{s(1, 2)}/",
            lambda: (
                f"https://storage.courtlistener.com/recap/gov.uscourts.dcd.{self.digits(6)}/"
                f"gov.uscourts.dcd.{self.digits(6)}.{r.randint(1, 120)}.0.pdf"
            ),
            lambda: f"https://www.ca5.uscourts.gov/opinions/pub/{y % 100}/{y % 100}-{self.digits(5)}-CV0.pdf",
            lambda: f"https://www.ohchr.org/en/press-releases/{y}/{mm}/{s(5, 10)}",
            lambda: f"https://news.un.org/en/story/{y}/{mm}/{self.digits(7)}",
            lambda: f"https://digitallibrary.un.org/record/{self.digits(7)}?ln=en&v=pdf",
            lambda: f"https://www.unhcr.org/us/news/press-releases/{s(4, 9)}",
            lambda: (
                "https://undocs.org/Home/Mobile"
                f"?FinalSymbol=A%2FHRC%2F{r.randint(50, 59)}%2F{r.randint(10, 80)}"
                "&Language=E&DeviceType=Desktop&LangRequested=False"
            ),
            lambda: (
                "https://eur-lex.europa.eu/legal-content/EN/TXT/"
                f"?uri=CELEX%3A{y}{r.choice('LR')}{self.digits(4)}"
            ),
            lambda: f"https://www.europarl.europa.eu/doceo/document/TA-10-{y}-{self.digits(4)}_EN.html",
            lambda: f"https://ec.europa.eu/commission/presscorner/detail/en/ip_{y % 100}_{self.digits(3)}",
            lambda: (
                f"https://x.com/{r.choice(['SecRubio', 'Sec_Noem', 'nayibbukele', 'UNHumanRights'])}"
                f"/status/{self.digits(19)}"
            ),
            lambda: f"https://www.youtube.com/watch?v={self.hexid(11)}&t={r.randint(10, 999)}s",
            lambda: (
                f"https://www.ecoi.net/en/document/{self.digits(7)}.html?q=%22{r.choice(WORDS)}%20{r.choice(WORDS)}%22"
            ),
            lambda: (
                f"https://www.oas.org/en/iachr/jsForm/?File=/en/iachr/media_center/preleases/{y}/{self.digits(3)}.asp"
            ),
        ]
        return r.choice(makers)()


def _title(gen: Gen) -> str:
    words = gen.words(gen.rng.randint(4, 9))
    return " ".join(w.capitalize() for w in words)


def citation(gen: Gen, url: str) -> list[NotePiece]:
    """A citation of one URL: author, title, outlet, date, then the URL."""
    r = gen.rng
    y, m, d = gen.date()
    host = url.split("/")[2]
    outlet = OUTLETS.get(host, host.removeprefix("www."))
    author = r.choice(PEOPLE)
    when = f"{MONTH_ABBR[m - 1]} {d}, {y}"
    style = r.randrange(3)
    if style == 0:
        return [f"{author}, {_title(gen)}, {outlet} ({when}), ", Url(url), "."]
    if style == 1:
        return [
            f"{outlet}, “{_title(gen)},” {when}, ",
            Url(url),
            f" (last visited {MONTHS[m - 1]} {d}, 2025).",
        ]
    return [f"{_title(gen)}, {outlet}, {when}, available at ", Url(url), "."]


def note_pieces(gen: Gen, number: int, previous: list[str]) -> list[NotePiece]:
    """One note: usually one citation; some cite two URLs, some run long, some say Id. or repeat."""
    r = gen.rng
    roll = r.random()
    if roll < 0.06 and previous:
        return ["Id. at " + str(r.randint(2, 40)) + "."]
    url = r.choice(SEED_URLS) if r.random() < 0.12 else gen.url()
    if roll < 0.12 and previous:
        url = r.choice(previous)  # the same source cited again
    pieces = citation(gen, url)
    if r.random() < 0.25:
        pieces += [" See also ", *citation(gen, gen.url())]
    if r.random() < 0.2:
        pieces += [" " + _explanation(gen)]
    return pieces


def _explanation(gen: Gen) -> str:
    """A long explanatory tail, as notes in reports often have."""
    sentences = []
    for _ in range(gen.rng.randint(2, 4)):
        words = gen.words(gen.rng.randint(10, 22))
        sentences.append(" ".join(words).capitalize() + ".")
    return " ".join(sentences)


def _sentence(gen: Gen) -> str:
    return " ".join(gen.words(gen.rng.randint(8, 20))).capitalize()


def paragraph(gen: Gen, first_note: int, count: int) -> Para:
    """Prose around `count` note markers, numbered from `first_note`."""
    parts: list[Inline] = []
    for i in range(count):
        sentence = _sentence(gen)
        if gen.rng.random() < 0.3:
            sentence += f" in {gen.rng.randint(1990, 2025)}"
        parts.append(("" if not parts else " ") + sentence + ".")
        parts.append(first_note + i)
    parts.append(" " + _sentence(gen) + ".")
    return Para(tuple(parts))


def footnoted(gen: Gen, name: str, kind: str) -> Source:
    """A letter or report with 10–40 notes spread over its paragraphs."""
    r = gen.rng
    total = r.randint(10, 40)
    blocks: list[Block] = []
    notes: list[Note] = []
    previous: list[str] = []
    if kind == "letter":
        blocks.append(Para((f"{MONTHS[r.randrange(12)]} {r.randint(1, 28)}, 2025",)))
        blocks.append(Para(("Dear Secretary-General,",)))
    number = 1
    while number <= total:
        if kind == "report" and r.random() < 0.3:
            blocks.append(Heading(f"{len(blocks) + 1}. {_title(gen)}"))
        count = min(total - number + 1, r.randint(1, 4))
        blocks.append(paragraph(gen, number, count))
        for n in range(number, number + count):
            pieces = note_pieces(gen, n, previous)
            notes.append(Note(n, tuple(pieces)))
            previous += [p.url for p in pieces if isinstance(p, Url)]
        number += count
    if kind == "letter":
        blocks.append(Para(("Sincerely,",)))
        blocks.append(Para((r.choice(PEOPLE) + ", Director",)))
    return Source(name, kind, _title(gen), tuple(blocks), tuple(notes))


def negative(gen: Gen, name: str) -> Source:
    """A document with numbers everywhere and no footnotes: lists, statutes, tables, years, pages."""
    r = gen.rng
    statutes = [
        "8 U.S.C. 1231",
        "8 U.S.C. § 1158(b)(1)",
        "50 U.S.C. 21",
        "28 U.S.C. 2241",
        "42 U.S.C. 1983",
        "Pub. L. No. 118-47",
        "Art. 3 ECHR",
        "8 C.F.R. 208.16",
    ]
    blocks: list[Block] = [Heading(_title(gen))]
    for section in range(1, r.randint(4, 7)):
        blocks.append(Heading(f"{section}. {_title(gen)}"))
        text = (
            f"{_sentence(gen)} under {r.choice(statutes)} and {r.choice(statutes)} since "
            f"{r.randint(1990, 2025)}. {_sentence(gen)} on {MONTHS[r.randrange(12)]} {r.randint(1, 28)}, "
            f"{r.randint(2000, 2025)}, see page {r.randint(2, 300)}, para. {r.randint(1, 90)}. "
            f"{_sentence(gen)} {r.randint(2, 99)} people, {r.randint(10, 99)}.{r.randint(0, 9)} percent."
        )
        blocks.append(Para((text,)))
        items = tuple(
            f"{_sentence(gen)} ({r.randint(1, 40)} cases in {r.randint(2001, 2025)})."
            for _ in range(r.randint(3, 6))
        )
        blocks.append(ListBlock(items, ordered=r.random() < 0.8))
        if r.random() < 0.6:
            rows = [("Year", "Cases", "Share", "Page")]
            rows += [
                (str(2015 + i), str(r.randint(10, 9999)), f"{r.randint(1, 99)}%", str(r.randint(1, 300)))
                for i in range(r.randint(3, 7))
            ]
            blocks.append(Table(tuple(rows)))
    return Source(name, "negative", _title(gen), tuple(blocks))


def corpus(seed: int = 13, letters: int = 5, reports: int = 5, negatives: int = 3) -> list[Source]:
    """The whole source description: the same for the same arguments."""
    gen = Gen(random.Random(seed))
    out = [footnoted(gen, f"letter-{i + 1:02d}", "letter") for i in range(letters)]
    out += [footnoted(gen, f"report-{i + 1:02d}", "report") for i in range(reports)]
    out += [negative(gen, f"negative-{i + 1:02d}") for i in range(negatives)]
    return out
