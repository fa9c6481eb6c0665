"""Plain text (as a PDF viewer's copy or `pdftotext` gives it): bytes to str. Pure.

Only text we can decode with certainty is accepted: UTF-8 (with or without BOM) and UTF-16/32
with a BOM. Anything else is refused with a message that names the likely encoding, because
guessing silently would corrupt URLs.
"""

from __future__ import annotations

import codecs
import re

from citecheck.errors import InputError

_BOMS: tuple[tuple[bytes, str], ...] = (
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)


_SOFT_IN_WORD = re.compile("(?<=\\S)\u00ad(?=\\S)")
_HYPHEN_IN_WORD = re.compile(r"(?<=\w)-(?=\w)")
_DRAWN_RATIO = 4


def drawn_hyphens(text: str) -> str:
    """The text with its soft hyphens made hyphens, when it writes every hyphen it drew so.

    A soft hyphen is invisible wherever a line does not break at it, and a text copied from a
    web page keeps those. But some PDFs map their one hyphen glyph to U+00AD, so that mutool and
    pypdf give every drawn hyphen, in words and URLs (`eur\u00adlex.europa.eu`), as one: such a
    text writes soft hyphens inside words and (next to) no hyphens of its own."""
    if "\u00ad" not in text:
        return text
    soft = sum(1 for _ in _SOFT_IN_WORD.finditer(text))
    if soft < 3 or soft < _DRAWN_RATIO * sum(1 for _ in _HYPHEN_IN_WORD.finditer(text)):
        return text
    return text.replace("\u00ad", "-")


def decode_text(data: bytes, name: str) -> str:
    """Decode a text document, refusing binary data and encodings other than Unicode."""
    if not data.strip():
        raise InputError(f"{name}: the file is empty")
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            try:
                return _check_text(data[len(bom) :].decode(encoding), name)
            except UnicodeDecodeError as err:
                raise InputError(f"{name}: not valid {encoding} despite its BOM ({err.reason})") from None
    if b"\x00" in data[:8192]:
        utf16 = _utf16_without_bom(data)
        if utf16 is None:
            raise InputError(f"{name}: looks like a binary file, not text")
        try:
            return _check_text(data.decode(utf16), name)
        except UnicodeDecodeError:
            raise InputError(f"{name}: looks like a binary file, not text") from None
    try:
        return _check_text(data.decode("utf-8"), name)
    except UnicodeDecodeError:
        pass
    hint = f" (it looks like {_likely_encoding(data)})"
    raise InputError(f"{name}: not UTF-8 text{hint}; convert it to UTF-8, e.g. with iconv")


def _likely_encoding(data: bytes) -> str:
    """A name for the encoding to tell the user: most non-UTF-8 text in the wild is Windows-1252."""
    sample = data[:65536]
    try:
        sample.decode("cp1252")
        return "Windows-1252 or Latin-1"
    except UnicodeDecodeError:
        from charset_normalizer import from_bytes  # only when refusing a file: it is slow to import

        guess = from_bytes(sample).best()
        return guess.encoding if guess is not None else "an unknown 8-bit encoding"


def _utf16_without_bom(data: bytes) -> str | None:
    """UTF-16 text without a BOM shows as a NUL in every other byte of ASCII-range text."""
    sample = data[:8192] if len(data) % 2 == 0 else b""
    if len(sample) < 4:
        return None
    even, odd = sample[0::2], sample[1::2]
    if odd.count(0) > len(odd) * 0.9 and even.count(0) < len(even) * 0.1:
        return "utf-16-le"
    if even.count(0) > len(even) * 0.9 and odd.count(0) < len(odd) * 0.1:
        return "utf-16-be"
    return None


def _check_text(text: str, name: str) -> str:
    """Refuse decoded text that is mostly control characters (a binary file that happens to decode)."""
    sample = text[:8192]
    controls = sum(1 for ch in sample if ch < " " and ch not in "\t\n\r\f\v")
    if sample and controls > len(sample) // 20:
        raise InputError(f"{name}: looks like a binary file, not text")
    if not text.strip():
        raise InputError(f"{name}: the file holds no text")
    return text.replace("\r\n", "\n").replace("\r", "\n")
