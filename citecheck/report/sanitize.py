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
    text = json.dumps(data, ensure_ascii=False, indent=2)
    return _JSON_UNSAFE.sub(lambda m: f"\\u{ord(m.group()):04x}", text) + "\n"
