"""English word frequencies: what tells a word from a fragment in a URL a line wrap cut.

Pure but for reading the word list that ships with wordninja, once (an I/O edge of its own).
"""

from __future__ import annotations

import gzip
from functools import cache
from importlib.util import find_spec
from pathlib import Path


@cache
def english_ranks() -> dict[str, int]:
    """Word → frequency rank, from the English word list that ships with wordninja."""
    spec = find_spec("wordninja")
    if spec is None or spec.origin is None:  # pragma: no cover - a declared dependency
        return {}
    path = Path(spec.origin).parent / "wordninja" / "wordninja_words.txt.gz"
    if not path.exists():  # pragma: no cover
        path = Path(spec.origin).parent / "wordninja_words.txt.gz"
    with gzip.open(path) as fh:
        words = fh.read().decode().split()
    return {w: i for i, w in enumerate(words)}
