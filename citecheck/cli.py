"""The command line: parse options, run the pipeline, print, exit. The only module that prints or exits.

Exit codes (shared/CONTRACT.md): 0 nothing fails, 1 a citation fails the `--fail-on` policy,
2 usage or input error, always with a one-line reason on stderr and never a traceback.
"""

from __future__ import annotations

import datetime as dt
import os
import shutil
import sys
from collections.abc import Callable
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from citecheck import __version__
from citecheck.errors import InputError
from citecheck.extract import extract as run_extract
from citecheck.files import write_atomic
from citecheck.ingest import read_document
from citecheck.report import Results
from citecheck.report import json as json_report
from citecheck.report import text as text_report

EXAMPLES = """
Examples:

  citecheck extract letter.txt                 footnotes, URLs and proposed repairs

  citecheck extract --format json letter.txt   the same as JSON (schema citecheck.report/1)

  pdftotext -layout letter.pdf - | citecheck extract -
"""

app = typer.Typer(
    name="citecheck",
    help="Verify the sources cited in a document: footnotes, URLs, line-wrap repairs.",
    epilog=EXAMPLES,
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
    context_settings={"help_option_names": ["-h", "--help"]},
)


class ExtractFormat(StrEnum):
    text = "text"
    json = "json"


def _version(value: bool) -> None:
    if value:
        typer.echo(f"citecheck {__version__}")
        raise typer.Exit()


@app.callback()
def _root(
    version: Annotated[
        bool, typer.Option("--version", callback=_version, is_eager=True, help="Show the version and exit.")
    ] = False,
) -> None:
    """Verify the sources cited in a document before it goes out."""


def _fail(message: str) -> typer.Exit:
    typer.echo(f"citecheck: error: {message}", err=True)
    return typer.Exit(2)


def _guarded(body: Callable[[], int]) -> None:
    """Run a command body; turn unusable input into one line on stderr and exit 2."""
    try:
        code = body()
    except InputError as err:
        raise _fail(str(err).splitlines()[0] if str(err) else "unusable input") from None
    except KeyboardInterrupt:
        typer.echo("citecheck: interrupted", err=True)
        raise typer.Exit(130) from None
    except RecursionError:
        raise _fail("the document is nested too deeply to read") from None
    except MemoryError:
        raise _fail("the document is too large to read") from None
    raise typer.Exit(code)


def _emit(text: str, output: Path | None) -> None:
    if output is None:
        sys.stdout.write(text)
        sys.stdout.flush()
    else:
        write_atomic(output, text)


def _color_for(output: Path | None) -> bool:
    return output is None and sys.stdout.isatty() and "NO_COLOR" not in os.environ


def _width(output: Path | None) -> int:
    return shutil.get_terminal_size((160, 24)).columns if output is None and sys.stdout.isatty() else 160


PathsArg = Annotated[
    list[str], typer.Argument(metavar="PATH...", help="Documents to read; - for standard input.")
]
OutputOpt = Annotated[
    Path | None, typer.Option("--output", "-o", help="Write the report to FILE (atomically).")
]
InputFormatOpt = Annotated[
    str | None, typer.Option("--input-format", help="Read every PATH as this format instead of by suffix.")
]


@app.command(epilog=EXAMPLES)
def extract(
    paths: PathsArg,
    format: Annotated[
        ExtractFormat, typer.Option("--format", "-f", help="Report format.")
    ] = ExtractFormat.text,
    output: OutputOpt = None,
    input_format: InputFormatOpt = None,
) -> None:
    """Offline: every footnote, every URL in it, and a repair for each URL that wrapping damaged."""

    def body() -> int:
        if paths.count("-") > 1:
            raise InputError("standard input (-) can be read only once")
        docs = [read_document(p, input_format) for p in paths]
        results = Results(
            extractions=[run_extract(d) for d in docs],
            checked_at=dt.datetime.now(dt.UTC),
            unchecked_detail="not checked (extract works offline)",
        )
        if format is ExtractFormat.json:
            _emit(json_report.render(results), output)
        else:
            color = _color_for(output)
            _emit(text_report.render(results, color=color, width=_width(output)), output)
        return 0

    _guarded(body)


def main() -> None:
    """The console-script entry point."""
    app()
