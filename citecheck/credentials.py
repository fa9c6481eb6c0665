"""Secrets written into URLs: credentials (`https://user:pass@host/`) and secret-looking query
parameters (`?token=…`, `X-Amz-Signature=…`). Never sent where they do not belong, never shown. Pure.

A document may cite a URL with a user name and password in it (copied from a browser bar, an
intranet link). A link's URL never holds them (`strip`, applied when a `Link` is made), so no
request, archive lookup or cache entry can carry them; every report shows the written form as
`https://***@host/...` (`mask`, and `masked` for a whole value tree), the scheme-less
`www.user:pass@host` form too. A signed or tokened URL (`?token=…`) is different: the author cited
it as it is, so the live check requests it whole, but it is never published to Save Page Now
(`secret_parameters` says why not) and reports show its value as `token=***`. The document itself
(`fix`) is not masked.
"""

from __future__ import annotations

import dataclasses
import re
from typing import Any, TypeVar
from urllib.parse import parse_qsl, urlsplit, urlunsplit

MASK = "***"
T = TypeVar("T")

SECRET_PARAMETERS = frozenset(
    {
        "token",
        "access_token",
        "refresh_token",
        "id_token",
        "auth_token",
        "private_token",
        "session_token",
        "api_key",
        "api-key",
        "apikey",
        "key",
        "client_secret",
        "secret",
        "password",
        "passwd",
        "pwd",
        "auth",
        "sig",
        "signature",
        "x-amz-signature",
        "x-amz-credential",
        "x-amz-security-token",
        "x-goog-signature",
        "x-goog-credential",
    }
)
"""Query parameters whose value is a secret (compared without case): one definition, used both to
keep a URL away from Save Page Now and to mask reports."""

# scheme://userinfo@ (userinfo is everything up to the last "@" before the path), or the same
# after a scheme-less "www." that a document writes as a URL
# A scheme starts only where no scheme character stands before it (not at every `\b`: in `a.a.a…`
# each letter after a dot would start a scan of the whole run, quadratic on a long dotted host).
_SCHEME = r"(?<![a-z0-9+.\-])[a-z][a-z0-9+.\-]*://"
_USERINFO = re.compile(rf"(?i)({_SCHEME}|(?<![\w@./-])www\.)([^/?#\s@<>\"']*@)+")
_SCHEME_USERINFO = re.compile(rf"(?i)({_SCHEME})([^/?#\s@<>\"']*@)+")
_NAMES = "|".join(re.escape(n) for n in sorted(SECRET_PARAMETERS, key=len, reverse=True))
# a secret parameter in a query, also once a report escaped its "&" for HTML or XML
_SECRET_VALUE = re.compile(rf"(?i)((?:[?&]|&amp;|&#38;)(?:{_NAMES})=)(?!\*\*\*)[^&#\s<>\"']+")


def strip(url: str) -> str:
    """The URL without its `user:password@` part (unchanged when it has none or does not parse).
    A scheme-less `www.user:pass@host/…` comes back as the `https://host/…` it means."""
    if "@" not in url:
        return url
    if url[:4].lower() == "www.":
        meant = f"https://{url}"
        stripped = strip(meant)
        return url if stripped == meant else stripped
    try:
        parts = urlsplit(url)
    except ValueError:
        return url
    if "@" not in parts.netloc:
        return url
    host = parts.netloc.rsplit("@", 1)[1]
    return urlunsplit((parts.scheme, host, parts.path, parts.query, parts.fragment))


def without_userinfo(text: str) -> str:
    """Every `scheme://user:pass@` anywhere in a text (a cache key, a JSON value) as `scheme://`."""
    return _SCHEME_USERINFO.sub(r"\1", text) if "@" in text else text


def secret_parameters(url: str) -> list[str]:
    """The names of the secret-looking parameters in a URL's query, as written (none: `[]`)."""
    try:
        query = urlsplit(url).query
    except ValueError:
        return []
    if not query:
        return []
    names = (name for name, _ in parse_qsl(query, keep_blank_values=True))
    return list(dict.fromkeys(n for n in names if n.lower() in SECRET_PARAMETERS))


def mask(text: str) -> str:
    """Every `scheme://user:pass@` (or `www.user:pass@`) in the text as `scheme://***@`, and every
    secret parameter's value as `name=***`."""
    if "@" in text:
        text = _USERINFO.sub(lambda m: f"{m.group(1)}{MASK}@", text)
    if "=" in text:
        text = _SECRET_VALUE.sub(lambda m: f"{m.group(1)}{MASK}", text)
    return text


def masked(value: T) -> T:
    """The same value with every string in it masked (frozen dataclasses, tuples, lists, mappings)."""
    return _masked(value)  # type: ignore[no-any-return]


def _masked(value: Any) -> Any:
    if isinstance(value, str):
        return mask(value)
    if isinstance(value, tuple):
        return tuple(_masked(v) for v in value)
    if isinstance(value, list):
        return [_masked(v) for v in value]
    if isinstance(value, dict):
        return {_masked(k): _masked(v) for k, v in value.items()}
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        changes = {f.name: _masked(getattr(value, f.name)) for f in dataclasses.fields(value) if f.init}
        return dataclasses.replace(value, **changes)
    return value
