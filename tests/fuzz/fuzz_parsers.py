"""Fuzz every document reader and the extraction pipeline: anything but `InputError` is a crash.

Not a test (pytest does not collect it: the name does not start with `test_`); run it by hand.

    pip install atheris            # optional: coverage-guided (libFuzzer); Python 3.11 wheels exist
    python tests/fuzz/fuzz_parsers.py --seconds 120              # every target, 120 s each
    python tests/fuzz/fuzz_parsers.py --seconds 60 --targets html,docx-xml
    python tests/fuzz/fuzz_parsers.py --engine mutate ...        # without atheris

Targets: `text`, `markdown`, `html`, `pdf`, `docx` (whole packages), `docx-xml` (the input is
`word/document.xml`, packed into a valid zip with a footnotes part so the XML reader is
reached) and `extract` (the input, as UTF-8 text with errors replaced, through `footnotes.parse`
and `extract` without the decoder's checks). Each reads its bytes with the format's reader,
then runs `extract` on the document. Seeds are the repository's `fixtures/` and, when present,
`/work/shared/corpus` and `/work/shared/seeds`.

Each target runs in its own process (`--target NAME` is the child's entry point) for its time
budget. With atheris the child is coverage-guided (citecheck and bs4 instrumented); without it,
a mutation loop (byte flips, inserted tokens, splices, repeats) over the seeds. An unexpected
exception is written, with its input, to `--out/TARGET/crash-<hash>.{bin,txt}`, and fuzzing goes
on; a child that dies (a hang past `--hang` seconds, a signal from a native library) is reported
with the input it was running. The summary prints per target: inputs tried, distinct crashes.
"""

from __future__ import annotations

import argparse
import hashlib
import importlib
import io
import json
import os
import random
import re
import signal
import subprocess
import sys
import time
import traceback
import zipfile
from collections.abc import Callable, Iterator
from pathlib import Path
from types import FrameType
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
SHARED = Path("/work/shared")
TARGETS = ("text", "markdown", "html", "pdf", "docx", "docx-xml", "extract")
SUFFIXES = {
    "text": (".txt",),
    "extract": (".txt", ".md"),
    "markdown": (".md", ".txt"),
    "html": (".html",),
    "pdf": (".pdf",),
    "docx": (".docx",),
}
MAX_INPUT = 256 * 1024
TOKENS = [
    b"https://",
    b"http://",
    b"www.",
    b"[^1]",
    b"[^1]: ",
    b"^[",
    b"^{1,2}",
    b"\xc2\xb9",  # ¹
    b"\xe2\x81\xb0",  # ⁰
    b"[1] ",
    b"1. ",
    b"\n",
    b"\n\n",
    b"\x0c",
    b"<a href='https://a.org/'>",
    b"</a>",
    b"<sup>",
    b"<div>",
    b"](",
    b"`",
    b"<!--",
    b"-->",
    b"Notes\n",
    b"last visited Mar. 16, 2025",
    b"<w:p>",
    b"</w:p>",
    b"<w:t>",
    b"<w:footnoteReference w:id='1'/>",
    b"<!DOCTYPE",
    b"<!ENTITY",
    b"obj",
    b"endobj",
    b"stream",
    b"/URI",
    b"%%EOF",
    b"\x00",
    b"\xff\xfe",
]

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
R = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_RELS = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="{R}/footnotes" Target="footnotes.xml"/>'
    '<Relationship Id="rId2" Type="{R}/hyperlink" Target="https://example.org/a" TargetMode="External"/>'
    "</Relationships>"
).replace("{R}", R)
_FOOTNOTES = (
    f'<w:footnotes xmlns:w="{W}" xmlns:r="{R}"><w:footnote w:id="1"><w:p><w:r><w:t>'
    "See https://example.org/a-b</w:t></w:r></w:p></w:footnote></w:footnotes>"
)


# --- seeds ---------------------------------------------------------------------------------------


def _seed_files() -> list[Path]:
    roots = [ROOT / "fixtures", SHARED / "corpus", SHARED / "seeds"]
    return sorted(p for root in roots if root.is_dir() for p in root.rglob("*") if p.is_file())


def seeds(target: str) -> list[bytes]:
    """Starting inputs for a target: files of its format, or the main parts of the .docx fixtures."""
    files = _seed_files()
    if target == "docx-xml":
        out = []
        for path in files:
            if path.suffix == ".docx":
                try:
                    with zipfile.ZipFile(path) as zf:
                        out.append(zf.read("word/document.xml")[:MAX_INPUT])
                except (zipfile.BadZipFile, KeyError, OSError):
                    continue
        return out or [f'<w:document xmlns:w="{W}"><w:body/></w:document>'.encode()]
    picked = [p.read_bytes() for p in files if p.suffix in SUFFIXES[target]]
    return [data if target in ("pdf", "docx") else data[:MAX_INPUT] for data in picked] or [b"x"]


# --- what one input goes through -------------------------------------------------------------------


def docx_package(document_xml: bytes) -> bytes:
    """A valid .docx zip around a (fuzzed) document.xml, with relationships and a footnotes part."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_STORED) as zf:
        zf.writestr("word/document.xml", document_xml)
        zf.writestr("word/_rels/document.xml.rels", _RELS)
        zf.writestr("word/footnotes.xml", _FOOTNOTES)
    return buffer.getvalue()


def runner(target: str) -> Callable[[bytes], None]:
    """The function that runs one input through a target; only `InputError` may escape it."""
    from citecheck import footnotes
    from citecheck.errors import InputError
    from citecheck.extract import extract
    from citecheck.ingest import document_from_bytes
    from citecheck.models import Document

    def one(data: bytes) -> None:
        try:
            if target == "extract":
                text = data.decode("utf-8", "replace")
                footnotes.parse(text)
                extract(Document(path="fuzz", text=text))
                return
            fmt = "docx" if target == "docx-xml" else target
            body = docx_package(data) if target == "docx-xml" else data
            extract(document_from_bytes(body, f"fuzz.{fmt}", fmt))
        except InputError as err:
            message = str(err)
            if "\n" in message or not message:
                raise AssertionError(f"InputError message is not one line: {message!r}") from err

    return one


# --- the mutation engine (used without atheris) -----------------------------------------------------


def mutate(rng: random.Random, data: bytes, pool: list[bytes]) -> bytes:
    """One to four random edits: flip, delete, insert a token, repeat a slice, splice another input."""
    buf = bytearray(data)
    for _ in range(rng.randint(1, 4)):
        op = rng.randrange(6)
        pos = rng.randrange(len(buf) + 1)
        if op == 0 and buf:
            buf[min(pos, len(buf) - 1)] ^= 1 << rng.randrange(8)
        elif op == 1 and buf:
            del buf[pos : pos + rng.randint(1, 64)]
        elif op == 2:
            buf[pos:pos] = rng.choice(TOKENS) * rng.choice((1, 1, 2, 8, 100))
        elif op == 3 and buf:
            piece = bytes(buf[pos : pos + rng.randint(1, 32)])
            buf[pos:pos] = piece * rng.choice((2, 10, 1000))
        elif op == 4 and pool:
            other = rng.choice(pool)
            at = rng.randrange(len(other) + 1)
            buf[pos:] = other[at : at + rng.randint(1, 4096)]
        else:
            buf[pos:pos] = bytes(rng.randrange(256) for _ in range(rng.randint(1, 8)))
    return bytes(buf[: max(MAX_INPUT, len(data))])


def mutation_inputs(target: str, seed: int) -> Iterator[bytes]:
    rng = random.Random(seed)
    pool = seeds(target)
    yield from pool
    while True:
        yield mutate(rng, rng.choice(pool), pool)


# --- the child: one target for a time budget ----------------------------------------------------------


class Recorder:
    """Counts inputs, stores each distinct crash once (by exception type and place)."""

    def __init__(self, target: str, out: Path, deadline: float) -> None:
        self.target, self.dir, self.deadline = target, out / target, deadline
        self.dir.mkdir(parents=True, exist_ok=True)
        self.tried = 0
        self.crashes: dict[str, str] = {}
        self.current = self.dir / "current.bin"

    def start(self, data: bytes) -> None:
        self.tried += 1
        if self.target in ("pdf", "docx", "html") or self.tried % 64 == 0:
            self.current.write_bytes(data)  # what a dying child was running

    def crash(self, data: bytes, err: BaseException) -> None:
        frames = traceback.extract_tb(err.__traceback__)
        where = next(
            (f for f in reversed(frames) if "citecheck" in f.filename), frames[-1] if frames else None
        )
        key = f"{type(err).__name__} at {where.filename}:{where.lineno}" if where else type(err).__name__
        if key in self.crashes:
            return
        digest = hashlib.sha1(data).hexdigest()[:16]
        (self.dir / f"crash-{digest}.bin").write_bytes(data)
        text = "".join(traceback.format_exception(err))
        (self.dir / f"crash-{digest}.txt").write_text(f"{key}\n\n{text}", encoding="utf-8")
        self.crashes[key] = digest
        print(f"[{self.target}] CRASH {key} -> crash-{digest}.bin", file=sys.stderr, flush=True)

    def finish(self) -> None:
        summary = {"target": self.target, "tried": self.tried, "crashes": self.crashes}
        (self.dir / "summary.json").write_text(json.dumps(summary), encoding="utf-8")
        self.current.unlink(missing_ok=True)
        print(json.dumps(summary), flush=True)


def child(target: str, engine: str, seconds: float, out: Path, hang: float, seed: int) -> None:
    """Fuzz one target until its budget is spent; exits the process (atheris never returns)."""
    rec = Recorder(target, out, time.monotonic() + seconds)

    def on_alarm(signum: int, frame: FrameType | None) -> None:
        raise TimeoutError(f"one input took more than {hang:g} s")

    signal.signal(signal.SIGALRM, on_alarm)

    def test_one(data: bytes, run: Callable[[bytes], None]) -> None:
        if time.monotonic() > rec.deadline:
            rec.finish()
            os._exit(0)
        rec.start(data)
        signal.setitimer(signal.ITIMER_REAL, hang)
        try:
            run(data)
        except Exception as err:  # the finding: anything but InputError
            rec.crash(data, err)
        finally:
            signal.setitimer(signal.ITIMER_REAL, 0)

    if engine == "atheris":
        atheris: Any = importlib.import_module("atheris")
        with atheris.instrument_imports(include=["citecheck", "bs4"]):
            run = runner(target)
        corpus = out / target / "corpus"
        corpus.mkdir(parents=True, exist_ok=True)
        for k, data in enumerate(seeds(target)):
            (corpus / f"seed-{k}").write_bytes(data)
        args = [
            sys.argv[0],
            str(corpus),
            f"-max_len={MAX_INPUT}",
            f"-seed={seed}",
            "-rss_limit_mb=4096",
            "-timeout=0",
            f"-artifact_prefix={out / target}/",
            f"-report_slow_units={max(1, int(hang))}",
        ]
        atheris.Setup(args, lambda data: test_one(data, run))
        atheris.Fuzz()
    run = runner(target)
    for data in mutation_inputs(target, seed):
        test_one(data, run)


# --- the driver: every target, one child each ----------------------------------------------------------


def drive(targets: list[str], engine: str, seconds: float, out: Path, hang: float, seed: int) -> int:
    rows: list[tuple[str, int, int, str]] = []
    for target in targets:
        cmd = [sys.executable, __file__, "--target", target, "--engine", engine]
        cmd += ["--seconds", str(seconds), "--out", str(out), "--hang", str(hang), "--seed", str(seed)]
        print(f"fuzzing {target} ({engine}, {seconds:g} s)", flush=True)
        proc = subprocess.run(
            cmd, capture_output=True, text=True, timeout=seconds + 4 * hang + 120, check=False
        )
        summary_file = out / target / "summary.json"
        note = ""
        if summary_file.is_file() and proc.returncode == 0:
            summary = json.loads(summary_file.read_text(encoding="utf-8"))
        else:
            current = out / target / "current.bin"
            kept = out / target / f"died-{proc.returncode}.bin"
            if current.is_file():
                current.replace(kept)
            counts = re.findall(r"^#(\d+)\s", proc.stderr, re.M)  # libFuzzer's progress lines
            tried = int(counts[-1]) if counts else -1
            summary = {"tried": tried, "crashes": {f"process died ({proc.returncode})": kept.name}}
            note = proc.stderr.strip().splitlines()[-1] if proc.stderr.strip() else ""
        rows.append((target, summary["tried"], len(summary["crashes"]), note))
        for key, digest in summary["crashes"].items():
            print(f"  crash: {key} ({digest})", flush=True)
    print(f"\n{'target':<10} {'inputs tried':>12} {'crashes':>8}")
    for target, tried, crashes, note in rows:
        print(f"{target:<10} {tried:>12,} {crashes:>8} {note}")
    return 1 if any(crashes for _, _, crashes, _ in rows) else 0


def main() -> int:
    parser = argparse.ArgumentParser(description="Fuzz citecheck's document readers.")
    parser.add_argument("--targets", default=",".join(TARGETS))
    parser.add_argument("--target", help=argparse.SUPPRESS)
    parser.add_argument("--engine", choices=("atheris", "mutate", "auto"), default="auto")
    parser.add_argument("--seconds", type=float, default=60.0, help="budget per target")
    parser.add_argument("--hang", type=float, default=20.0, help="seconds one input may take")
    parser.add_argument("--out", type=Path, default=Path("/tmp/citecheck-fuzz"))
    parser.add_argument("--seed", type=int, default=1)
    args, _ = parser.parse_known_args()
    engine = args.engine
    if engine == "auto":
        try:
            importlib.import_module("atheris")
            engine = "atheris"
        except ImportError:
            engine = "mutate"
    if args.target:
        child(args.target, engine, args.seconds, args.out, args.hang, args.seed)
        return 0
    targets = [t for t in args.targets.split(",") if t]
    unknown = sorted(set(targets) - set(TARGETS))
    if unknown:
        parser.error(f"unknown targets: {', '.join(unknown)}")
    return drive(targets, engine, args.seconds, args.out, args.hang, args.seed)


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT))
    sys.exit(main())
