"""Making text from documents and servers safe to show. Pure.

Anything that came from outside (a URL, a footnote, a page title) may hold control characters
or terminal escape sequences; they are removed before a person's terminal sees them.
"""

from __future__ import annotations

import re

_ANSI = re.compile(r"\x1b\[[0-?]*[ -/]*[@-~]|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)|\x1b[@-Z\\-_]")
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


def clean(text: str) -> str:
    """Remove terminal escapes, control and bidi-override characters; keep tabs and newlines."""
    return _CONTROL.sub("", _ANSI.sub("", text))
