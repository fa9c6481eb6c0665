"""The JSON report written a piece at a time is the same text as written whole (issue 12)."""

from __future__ import annotations

import json
from typing import Any

import pytest

from citecheck.report.sanitize import Stream, json_chunks, json_text

ITEMS: list[Any] = [
    {"number": 1, "links": [{"url": "https://a.example/\u2028x", "edits": []}], "text": "ä\x85"},
    {"number": 2, "links": [], "empty": {}, "nested": [[1, 2], {"k": None}]},
]


def _whole(data: Any) -> str:
    """What `json_text` wrote before reports were streamed: `json.dumps`, then the escapes."""
    text = json.dumps(data, ensure_ascii=False, indent=2)
    for ch in ("\x85", "\u2028"):
        text = text.replace(ch, f"\\u{ord(ch):04x}")
    return text + "\n"


@pytest.mark.parametrize("items", [ITEMS, ITEMS[:1], []])
def test_a_stream_writes_what_the_whole_list_writes(items: list[Any]) -> None:
    whole = {"schema": "x", "documents": [{"path": "p", "footnotes": items, "problems": []}], "n": 0}
    lazy = {
        "schema": "x",
        "documents": [{"path": "p", "footnotes": Stream(lambda: iter(items)), "problems": []}],
        "n": 0,
    }
    assert "".join(json_chunks(lazy)) == _whole(whole) == json_text(whole)


def test_a_stream_is_made_only_as_it_is_written() -> None:
    made: list[int] = []

    def items() -> Any:
        for n in range(3):
            made.append(n)
            yield {"n": n}

    chunks = json_chunks({"footnotes": Stream(items)})
    assert next(chunks) == '{\n  "footnotes": '
    assert made == []
    assert "".join(chunks).endswith("}\n") and made == [0, 1, 2]
