"""Credentials written into URLs (`https://user:pass@host/`): never sent, never shown. Pure.

A document may cite a URL with a user name and password in it (copied from a browser bar, an
intranet link). citecheck requests such a URL without them (`strip`), and every report shows it
as `https://***@host/...` (`mask`, and `masked` for a whole value tree), so a report pasted into
a CI log or a published appendix does not leak them. The document itself (`fix`) is not masked.
"""

from __future__ import annotations

import dataclasses
import re
from typing import Any, TypeVar
from urllib.parse import urlsplit, urlunsplit

MASK = "***"
T = TypeVar("T")

# scheme://userinfo@ — userinfo is everything up to the last "@" before the path
_USERINFO = re.compile(r"(?i)\b([a-z][a-z0-9+.\-]*://)([^/?#\s@<>\"']*@)+")


def strip(url: str) -> str:
    """The URL without its `user:password@` part (unchanged when it has none or does not parse)."""
    try:
        parts = urlsplit(url)
    except ValueError:
        return url
    if "@" not in parts.netloc:
        return url
    host = parts.netloc.rsplit("@", 1)[1]
    return urlunsplit((parts.scheme, host, parts.path, parts.query, parts.fragment))


def mask(text: str) -> str:
    """Every `scheme://user:pass@` in the text as `scheme://***@`."""
    if "@" not in text:
        return text
    return _USERINFO.sub(lambda m: f"{m.group(1)}{MASK}@", text)


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
