"""Reading documents: the I/O edge of the pipeline, one module per format.

`read_document` is the only function here that touches the file system; each format module
turns bytes into a `Document` and is pure.
"""

from __future__ import annotations

import importlib
import sys
from pathlib import Path

from citecheck.errors import InputError
from citecheck.ingest.text import decode_text, drawn_hyphens
from citecheck.models import Document

MAX_BYTES = 32 * 1024 * 1024
"""Larger inputs are refused: no citation document comes near this, and we read it whole
(only MAX_BYTES + 1 bytes are ever read, so a huge file costs nothing)."""

FORMATS: dict[str, str] = {
    ".txt": "text",
    ".text": "text",
    "": "text",
    ".md": "markdown",
    ".markdown": "markdown",
    ".html": "html",
    ".htm": "html",
    ".pdf": "pdf",
    ".docx": "docx",
}
"""File suffix to input format; each format is read by the module `citecheck.ingest.<format>`."""


def detect_format(path: str, override: str | None = None) -> str:
    """The input format for a path: the override if given, else by suffix."""
    if override:
        if override not in set(FORMATS.values()):
            known = ", ".join(sorted(set(FORMATS.values())))
            raise InputError(f"unknown input format {override!r} (known: {known})")
        return override
    if path == "-":
        return "text"
    suffix = Path(path).suffix.lower()
    if suffix not in FORMATS:
        known = ", ".join(s for s in sorted(FORMATS) if s)
        raise InputError(f"{path}: unsupported format {suffix!r} (supported: {known})")
    return FORMATS[suffix]


def read_bytes(path: str) -> bytes:
    """Read a document's bytes (standard input for `-`), refusing what cannot be a document."""
    if path == "-":
        data = sys.stdin.buffer.read(MAX_BYTES + 1)
    else:
        p = Path(path)
        try:
            if p.is_dir():
                raise InputError(f"{path}: is a directory, not a document")
            with p.open("rb") as fh:
                data = fh.read(MAX_BYTES + 1)
        except FileNotFoundError:
            raise InputError(f"{path}: no such file") from None
        except PermissionError:
            raise InputError(f"{path}: permission denied") from None
        except IsADirectoryError:
            raise InputError(f"{path}: is a directory, not a document") from None
        except OSError as err:
            raise InputError(f"{path}: cannot read ({err.strerror or err})") from None
    if len(data) > MAX_BYTES:
        raise InputError(f"{path}: larger than {MAX_BYTES // (1024 * 1024)} MB")
    return data


def read_document(path: str, input_format: str | None = None) -> Document:
    """Read and decode one document into the pipeline's `Document`."""
    fmt = detect_format(path, input_format)
    return document_from_bytes(read_bytes(path), "<stdin>" if path == "-" else path, fmt)


def document_from_bytes(data: bytes, name: str, fmt: str) -> Document:
    """A document from bytes already read, in a known format."""
    if fmt == "text":
        return Document(path=name, text=drawn_hyphens(decode_text(data, name)))
    try:
        reader = importlib.import_module(f"citecheck.ingest.{fmt}")
    except ModuleNotFoundError:
        raise InputError(f"{name}: reading {fmt} is not supported yet") from None
    document: Document = reader.read(data, name)
    return document
