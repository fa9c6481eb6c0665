"""Making text from documents and servers safe to show. Pure.

Anything that came from outside (a URL, a footnote, a page title, a file name) may hold control
characters or terminal escape sequences; they are removed before a person's terminal, a CI log or
an XML parser sees them. JSON keeps the data whole but writes such characters as `\\u` escapes.
Where a line of output begins matters too: a CI runner obeys a line that starts with `::` or `##[`
(a GitHub workflow command), so outside text is kept to one line (`one_line`) and never printed
where a line begins.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterable, Iterator
from typing import Any

_ANSI = re.compile(
    r"\x1b\[[0-?]*[ -/]*[@-~]"  # CSI: colours, cursor movement, screen clearing
    r"|\x9b[0-?]*[ -/]*[@-~]"  # the same, as the 8-bit C1 introducer
    r"|[\x1b\x9d]\][^\x07\x1b\x9c]*(?:\x07|\x1b\\|\x9c)"  # OSC: window titles, hyperlinks
    r"|\x1b[ -/]*[0-~]"  # other escapes: reset the terminal, charset switches, keypad modes
)
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\ufffe\uffff]")
_LINE_BREAKS = re.compile(r"[\n\u2028\u2029]+")
_JSON_UNSAFE = re.compile(r"[\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069]")


def clean(text: str) -> str:
    """Remove terminal escapes, control and bidi-override characters; keep tabs and newlines."""
    return _CONTROL.sub("", _ANSI.sub("", text))


def one_line(text: str) -> str:
    """`clean`, with line breaks (and line or paragraph separators) turned into spaces: text that
    cannot start a line of its own."""
    return _LINE_BREAKS.sub(" ", clean(text))


def json_text(data: Any) -> str:
    """JSON for a terminal or a file: non-ASCII text stays readable, but DEL, C1 controls, line
    separators and bidi overrides (which `json` leaves raw) are written as `\\uXXXX` escapes."""
    return "".join(json_chunks(data))


class Stream:
    """A JSON array whose items are made only as it is written (`json_chunks`): a report of 500,000
    links never holds all of them as dicts, nor all of its text, at once."""

    __slots__ = ("items",)

    def __init__(self, items: Callable[[], Iterable[Any]]) -> None:
        self.items = items


def json_chunks(data: Any) -> Iterator[str]:
    """`json_text` a piece at a time: the same bytes (`json.dumps(..., indent=2)`), made an item of a
    `Stream` at a time. A chunk ends only after `{`, `[`, `}`, `]` or a whole value, so escaping or
    masking chunk by chunk gives what it gives on the whole text."""
    for chunk in _chunks(data, 0):
        yield _escape(chunk)
    yield "\n"


def _escape(text: str) -> str:
    return _JSON_UNSAFE.sub(lambda m: f"\\u{ord(m.group()):04x}", text)


def _chunks(data: Any, depth: int) -> Iterator[str]:
    """One value at `depth` levels of indentation; only containers holding a Stream are taken apart."""
    if isinstance(data, Stream):
        yield from _array(data.items(), depth)
    elif isinstance(data, dict) and data and _streams(data):
        inner = "\n" + "  " * (depth + 1)
        sep = "{" + inner
        for key, value in data.items():
            yield sep + json.dumps(key, ensure_ascii=False) + ": "
            yield from _chunks(value, depth + 1)
            sep = "," + inner
        yield "\n" + "  " * depth + "}"
    elif isinstance(data, list) and data and _streams(data):
        yield from _array(data, depth)
    else:
        yield json.dumps(data, ensure_ascii=False, indent=2).replace("\n", "\n" + "  " * depth)


def _array(items: Iterable[Any], depth: int) -> Iterator[str]:
    inner = "\n" + "  " * (depth + 1)
    sep = "[" + inner
    for item in items:
        yield sep
        yield from _chunks(item, depth + 1)
        sep = "," + inner
    yield "[]" if sep.startswith("[") else "\n" + "  " * depth + "]"


def _streams(data: Any) -> bool:
    """Whether a value holds a Stream anywhere (then it is written piece by piece)."""
    if isinstance(data, Stream):
        return True
    if isinstance(data, dict):
        return any(_streams(v) for v in data.values())
    if isinstance(data, list):
        return any(_streams(v) for v in data)
    return False
