"""Content-Encoding decoding with a hard cap on what comes out. Pure.

Why not let httpx decode: its decoders inflate each network chunk in full, so one 64 KB chunk of
a gzip bomb becomes 64 MB, and a body encoded twice (`gzip, gzip`) becomes gigabytes before any
cap could apply. Here every inflate call is bounded by the bytes still wanted, so a response
never yields more than `limit` decoded bytes, whatever the compression ratio.
"""

from __future__ import annotations

import zlib

ACCEPT_ENCODING = "gzip, deflate"
MAX_LAYERS = 3
_AUTO = zlib.MAX_WBITS | 32  # a zlib or a gzip header, detected
_RAW = -zlib.MAX_WBITS


class DecodeError(Exception):
    """The body does not decode as its Content-Encoding says."""


class _Inflate:
    """One gzip/deflate layer: concatenated members, raw deflate as a fallback (as servers send it)."""

    def __init__(self, name: str) -> None:
        self.name = name
        self.raw_fallback = name == "deflate"
        self.started = False
        self.ignoring = False  # after the last member: trailing bytes are ignored, as browsers do
        self.tail = b""
        self.d = zlib.decompressobj(_AUTO)

    def feed(self, data: bytes, budget: int) -> bytes:
        """At most `budget` bytes of output; input not yet inflated is kept for the next call."""
        data = self.tail + data
        self.tail = b""
        out = bytearray()
        while data and len(out) < budget and not self.ignoring:
            try:
                out += self.d.decompress(data, budget - len(out))
            except zlib.error as err:
                if self.raw_fallback and not self.started:
                    self.raw_fallback = False
                    self.d = zlib.decompressobj(_RAW)
                    continue
                raise DecodeError(f"{self.name}: {err}") from None
            self.started = True
            if self.d.eof:
                data = self.d.unused_data
                self.ignoring = not data.startswith(b"\x1f\x8b")  # another gzip member, or the end
                self.d = zlib.decompressobj(_AUTO)
            else:
                data = self.d.unconsumed_tail
        self.tail = b"" if self.ignoring else data
        return bytes(out)


class CappedDecoder:
    """Decodes a body encoded with `Content-Encoding` layers, yielding at most `limit` bytes in all.

    `known` is False for an encoding we cannot decode (br, zstd, more than three layers): the body
    is then treated as unreadable (empty), which is enough to judge a link by its status.
    """

    def __init__(self, content_encoding: str | None, limit: int) -> None:
        names = [n.strip().lower() for n in (content_encoding or "").split(",") if n.strip()]
        names = [n for n in names if n != "identity"]
        self.limit = limit
        self.decoded = 0
        self.known = len(names) <= MAX_LAYERS and all(n in ("gzip", "x-gzip", "deflate") for n in names)
        # applied in the reverse order of how they were listed (the last one listed was applied last)
        self.layers = [_Inflate(n) for n in reversed(names)] if self.known else []

    @property
    def full(self) -> bool:
        return self.decoded >= self.limit

    def feed(self, data: bytes) -> bytes:
        """The decoded bytes this raw chunk adds (never past the limit)."""
        if not self.known:
            return b""
        remaining = self.limit - self.decoded
        if remaining <= 0:
            return b""
        for i, layer in enumerate(self.layers):
            # an inner layer needs its input whole-ish: give it a little more than the final budget
            budget = remaining if i == len(self.layers) - 1 else remaining + 64 * 1024
            data = layer.feed(data, budget)
        out = data[:remaining]
        self.decoded += len(out)
        return out
