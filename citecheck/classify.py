"""What a response means for a citation: the contract's statuses, decided from what was fetched. Pure.

`check.py` does the fetching and hands over a `Fetched` (the redirect chain, the final status and
headers, and at most the first bytes of the body); this module says ok, redirected, blocked,
soft-404, dead or broken, and why, in words a person can act on.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass
from http import HTTPStatus
from urllib.parse import urlsplit

from citecheck.models import LinkCheck, Status

BLOCKED_CODES = frozenset({401, 403, 407, 429, 451, 999})
DEAD_CODES = frozenset({404, 410})
PERMANENT = frozenset({301, 308})

_TITLE = re.compile(rb"<title[^>]*>(.*?)</title\s*>", re.IGNORECASE | re.DOTALL)
_H1 = re.compile(rb"<h1[^>]*>(.*?)</h1\s*>", re.IGNORECASE | re.DOTALL)
_TAGS = re.compile(r"<[^>]{0,2000}>")
_NOT_FOUND = re.compile(
    r"^\W*404\b|\b(?:error|oops|sorry|missing)\W+(?:\w+\W+)?404\b|\b404\W*(?:error|not\W+found)\b"
    r"|\b(?:page not found|not found|file not found|page (?:does not|doesn.t|could not|can.t|cannot)"
    r" (?:exist|be found)|(?:no longer|isn.t|is not) (?:available|exists?)|page (?:unavailable|missing)"
    r"|we (?:can.t|cannot|couldn.t) find|nothing (?:was )?found|error 404|página no encontrada"
    r"|page introuvable|seite nicht gefunden)\b",
    re.IGNORECASE,
)
_CHALLENGE_BODY = re.compile(
    rb"captcha-delivery\.com|geo\.captcha-delivery|_cf_chl_opt|cf-chl-|challenge-platform"
    rb"|<title>\s*(?:just a moment\.\.\.|attention required! \| cloudflare|access denied)\s*</title>"
    rb"|px-captcha|are you a robot|verify you are (?:a )?human|perimeterx",
    re.IGNORECASE,
)
_AKAMAI = re.compile(
    rb"Access Denied.{0,400}Reference&#32;#|Reference #\d+\.[0-9a-f.]+", re.IGNORECASE | re.DOTALL
)
_HOME_PATHS = re.compile(r"^/?(?:index\.\w+|home|en|en-us|default\.aspx)?/?$", re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class Hop:
    """One redirect response on the way to the final URL."""

    url: str
    status: int
    location: str


@dataclass(frozen=True, slots=True)
class Fetched:
    """What fetching one URL saw. `body` is at most the first bytes that were read (GET only)."""

    url: str
    status: int
    final_url: str
    headers: tuple[tuple[str, str], ...] = ()
    hops: tuple[Hop, ...] = ()
    body: bytes = b""
    method: str = "GET"

    def header(self, name: str) -> str | None:
        name = name.lower()
        return next((v for k, v in self.headers if k.lower() == name), None)


def reason(code: int) -> str:
    """`404 Not Found`, or the bare code when it has no standard phrase."""
    try:
        return f"{code} {HTTPStatus(code).phrase}"
    except ValueError:
        return str(code)


def page_title(body: bytes) -> str | None:
    """The text of the first `<title>` (entities decoded, whitespace folded), if any."""
    return _tag_text(_TITLE, body)


def first_heading(body: bytes) -> str | None:
    """The text of the first `<h1>`, if any."""
    return _tag_text(_H1, body)


def _tag_text(pattern: re.Pattern[bytes], body: bytes) -> str | None:
    m = pattern.search(body)
    if m is None:
        return None
    text = html.unescape(_TAGS.sub(" ", m.group(1).decode("utf-8", "replace")))
    text = " ".join(text.split())
    return text or None


def canonical(url: str) -> tuple[str, str, str]:
    """A URL with trivial differences removed: scheme, `www.`, default port, trailing slash, case of host."""
    parts = urlsplit(url)
    host = (parts.hostname or "").lower().removeprefix("www.")
    port = parts.port if parts.port not in (None, 80, 443) else None
    netloc = f"{host}:{port}" if port else host
    return netloc, parts.path.rstrip("/") or "/", parts.query


def is_trivial_redirect(src: str, dst: str) -> bool:
    """http→https, `www` and trailing-slash changes are not a different page."""
    return canonical(src) == canonical(dst)


def is_home(url: str) -> bool:
    return bool(_HOME_PATHS.match(urlsplit(url).path or "/")) and not urlsplit(url).query


def bot_wall(f: Fetched) -> str | None:
    """Why a response is a bot challenge rather than the page, or None."""
    if (f.header("cf-mitigated") or "").lower() == "challenge":
        return "Cloudflare challenge"
    if "datadome" in (f.header("server") or "").lower() or f.header("x-datadome") is not None:
        return "DataDome bot wall"
    if _AKAMAI.search(f.body[:65536]):
        return "Akamai 'Access Denied'"
    if _CHALLENGE_BODY.search(f.body[:65536]):
        return "a bot challenge page"
    return None


def not_found_page(f: Fetched) -> str | None:
    """Why a 2xx page reads as an error page (its title or first heading says not found), or None."""
    for label, text in (("title", page_title(f.body)), ("heading", first_heading(f.body))):
        if text and len(text) <= 160 and _NOT_FOUND.search(text):
            return f'its {label} says "{text}"'
    return None


def classify(f: Fetched) -> LinkCheck:
    """The contract status of a fetched URL, with a detail a person can act on."""
    code = f.status
    final = f.final_url
    wall = bot_wall(f)
    if wall is not None:
        return LinkCheck(Status.BLOCKED, code, final, f"{reason(code)}: {wall} (the page may exist)")
    if code in BLOCKED_CODES:
        return LinkCheck(
            Status.BLOCKED, code, final, f"{reason(code)}: the server refused us (the page may exist)"
        )
    if code in DEAD_CODES:
        return LinkCheck(Status.DEAD, code, final, reason(code))
    if 300 <= code < 400:
        return LinkCheck(Status.BROKEN, code, final, f"{reason(code)} without a usable Location")
    if code >= 400 or code < 200:
        return LinkCheck(Status.BROKEN, code, final, reason(code))
    if error := not_found_page(f):
        return LinkCheck(Status.SOFT_404, code, final, f"{reason(code)}, but {error}")
    if f.hops and is_home(final) and not is_home(f.url):
        return LinkCheck(Status.SOFT_404, code, final, "redirected to the site's home page")
    if f.hops and not is_trivial_redirect(f.url, final):
        if any(h.status in PERMANENT for h in f.hops):
            return LinkCheck(
                Status.REDIRECTED, code, final, f"moved permanently; {reason(code)} at the new address"
            )
        return LinkCheck(Status.OK, code, final, f"{reason(code)} after a temporary redirect")
    return LinkCheck(Status.OK, code, final, reason(code))


def same_page(a: Fetched, b: Fetched) -> bool:
    """Whether two responses show the same page (for the random-sibling soft-404 probe)."""
    if canonical(a.final_url) == canonical(b.final_url):
        return True
    ta, tb = page_title(a.body), page_title(b.body)
    return ta is not None and ta == tb and _similar(a.body, b.body)


def _similar(a: bytes, b: bytes) -> bool:
    """Bodies of about the same size that share most of their lines (timestamps and ids differ)."""
    if not a or not b or abs(len(a) - len(b)) > 0.2 * max(len(a), len(b)):
        return False
    la, lb = set(a.splitlines()), set(b.splitlines())
    return len(la & lb) >= 0.8 * max(1, min(len(la), len(lb)))


def needs_sibling_probe(f: Fetched, check: LinkCheck) -> bool:
    """An ambiguous 2xx: the server sent us to another page, or one with no title to judge by."""
    if not check.status.works:
        return False
    moved = bool(f.hops) and not is_trivial_redirect(f.url, f.final_url)
    html_page = "html" in (f.header("content-type") or "").lower()
    return moved or (html_page and f.method == "GET" and page_title(f.body) is None)
