"""The command line: parse options, run the pipeline, print, exit. The only module that prints or exits.

Exit codes (shared/CONTRACT.md): 0 nothing fails, 1 a citation fails the `--fail-on` policy,
2 usage or input error, always with a one-line reason on stderr and never a traceback.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import functools
import importlib
import inspect
import os
import shutil
import sys
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, fields
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, get_type_hints

import typer

from citecheck import __version__
from citecheck.credentials import mask, masked
from citecheck.errors import InputError
from citecheck.extract import extract as run_extract
from citecheck.files import backup_of, refuse_in_place, refuse_input_as_output, write_atomic
from citecheck.ingest import read_document
from citecheck.models import Extraction

if TYPE_CHECKING:
    from citecheck.config import Config
from citecheck.report import Results

if TYPE_CHECKING:
    from citecheck.session import Progress
from citecheck.report import json as json_report
from citecheck.report.sanitize import one_line
from citecheck.verdict import Policy

EXAMPLES = """Examples:

\b
  citecheck verify letter.txt            check every cited link; exit 1 if one fails
  citecheck verify -f json -o r.json letter.txt
  citecheck verify --fail-on dead,broken letter.txt
  citecheck extract letter.txt           offline: footnotes, URLs, proposed repairs
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
    typer.echo(f"citecheck: error: {one_line(mask(message))}", err=True)
    return typer.Exit(2)


def _guarded(body: Callable[[], int]) -> None:
    """Run a command body; turn unusable input into one line on stderr and exit 2."""
    try:
        code = body()
    except InputError as err:
        raise _fail(str(err) or "unusable input") from None
    except KeyboardInterrupt:
        typer.echo("citecheck: interrupted", err=True)
        raise typer.Exit(130) from None
    except RecursionError:
        raise _fail("the document is nested too deeply to read") from None
    except MemoryError:
        raise _fail("the document is too large to read") from None
    raise typer.Exit(code)


def _emit(text: str, output: Path | None, *, utf8: bool = False) -> None:
    """Write a report. Machine formats are always UTF-8 bytes; text for a person is encoded for the
    terminal, with anything it cannot show replaced rather than crashing. Credentials written in
    URLs are masked here, in every format (the one place all reports pass), and in the results
    before rendering (`masked`), so a format's escaping cannot split a secret from its name."""
    _emit_chunks((text,), output, utf8=utf8)


def _emit_chunks(chunks: Iterable[str], output: Path | None, *, utf8: bool = False) -> None:
    """`_emit` a report made a piece at a time: each piece is masked and encoded as it comes, so a
    huge report is never held as text (a piece never ends inside a URL, so masking is the same)."""
    encoding = "utf-8" if utf8 or output is not None else (sys.stdout.encoding or "utf-8")
    encoded = (mask(chunk).encode(encoding, errors="replace") for chunk in chunks)
    if output is not None:
        write_atomic(output, encoded)  # piece by piece into the temporary file
        return
    sys.stdout.flush()
    for data in encoded:
        sys.stdout.buffer.write(data)
    sys.stdout.buffer.flush()


def _text(results: Results, output: Path | None, *, is_masked: bool = False) -> Iterator[str]:
    """The terminal report, a table at a time (rich is imported only when a person will read it)."""
    from citecheck.report import text as text_report

    # masked before rendering too: the table may fold a long URL across lines
    shown = results if is_masked else masked(results)
    return text_report.chunks(shown, color=_color_for(output), width=_width(output))


def _machine_report(results: Results, fmt: str) -> str:
    """A report for a machine or a CI system, by format name (its module is imported only when used)."""
    module = importlib.import_module(f"citecheck.report.{fmt}")
    report: str = module.render(masked(results))  # before rendering: an escape could hide a secret
    return report


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
        refuse_input_as_output(output, paths)
        if paths.count("-") > 1:
            raise InputError("standard input (-) can be read only once")
        docs = [read_document(p, input_format) for p in paths]
        extractions = [run_extract(d) for d in docs]
        del docs  # a document's text is not needed once extracted
        results = masked(  # masked once, the unmasked copy let go: reports render from this one
            Results(
                extractions=extractions,
                checked_at=dt.datetime.now(dt.UTC),
                unchecked_detail="not checked (extract works offline)",
            )
        )
        del extractions
        if format is ExtractFormat.json:
            _emit_chunks(json_report.chunks(results), output, utf8=True)
        else:
            _emit_chunks(_text(results, output, is_masked=True), output)
        return 0

    _guarded(body)


class VerifyFormat(StrEnum):
    text = "text"
    json = "json"
    markdown = "markdown"
    junit = "junit"
    sarif = "sarif"
    github = "github"


def _progress(enabled: bool) -> tuple[Progress, Callable[[], None]]:
    """A progress bar on stderr when it is a terminal; nothing otherwise."""
    from citecheck.session import Progress

    if not enabled:
        return Progress(), lambda: None
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, TextColumn, TimeElapsedColumn
    from rich.progress import Progress as Bar

    bar = Bar(
        TextColumn("checking"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=Console(stderr=True),
        transient=True,
    )
    task = bar.add_task("links and archive lookups", total=0)
    bar.start()
    return (
        Progress(
            add=lambda n: bar.update(task, total=(bar.tasks[0].total or 0) + n),
            done=lambda what: bar.advance(task),
        ),
        bar.stop,
    )


FailOnOpt = Annotated[
    str | None,
    typer.Option(
        "--fail-on",
        help="Comma-separated conditions that fail the run (default dead,broken,soft-404,wrapped; "
        "'none' never fails).",
    ),
]
OfflineOpt = Annotated[bool, typer.Option("--offline", help="No network: extract and report only.")]
NoArchiveOpt = Annotated[bool, typer.Option("--no-archive", help="Skip Wayback Machine lookups.")]
NoCacheOpt = Annotated[bool, typer.Option("--no-cache", help="Neither read nor write the result cache.")]
CacheAgeOpt = Annotated[
    float | None,
    typer.Option("--cache-max-age", min=0, help="Hours a successful check stays fresh in the cache."),
]
TimeoutOpt = Annotated[
    float | None, typer.Option("--timeout", min=0.1, help="Seconds allowed for each request.")
]
ConcurrencyOpt = Annotated[
    int | None, typer.Option("--max-concurrency", min=1, help="Requests in flight at once, overall.")
]
PerHostOpt = Annotated[
    int | None, typer.Option("--max-per-host", min=1, help="Requests in flight at once to one host.")
]
IntervalOpt = Annotated[
    float | None, typer.Option("--min-interval", min=0, help="Seconds between request starts to one host.")
]
RetriesOpt = Annotated[
    int | None, typer.Option("--retries", min=0, help="Retries for timeouts, resets and 5xx.")
]
UserAgentOpt = Annotated[str | None, typer.Option("--user-agent", help="The User-Agent header to send.")]
HostTimeoutsOpt = Annotated[
    int | None,
    typer.Option(
        "--host-timeouts",
        min=0,
        help="Give up a host once this many of its URLs timed out: its other links are timeout, "
        "not requested (default 3; 0 never gives up).",
    ),
]
MaxTimeOpt = Annotated[
    float | None,
    typer.Option(
        "--max-time",
        min=0.1,
        help="Seconds the checks may take in all; links not checked by then are timeout, archive "
        "lookups not done are skipped, and the report is still written.",
    ),
]
VerifyFormatOpt = Annotated[VerifyFormat, typer.Option("--format", "-f", help="Report format.")]


WaybackOpt = Annotated[
    str | None,
    typer.Option("--wayback-url", help="The Wayback-compatible archive to ask (for a self-hosted one)."),
]
ExcludePrivateOpt = Annotated[
    bool | None,
    typer.Option(
        "--exclude-private/--no-exclude-private",
        help="Refuse links (and redirects) to private, CGNAT, unique-local and cloud metadata addresses, "
        "checked after DNS resolution (default: on when CI is set).",
        show_default=False,
    ),
]
ExcludeLoopbackOpt = Annotated[
    bool | None,
    typer.Option(
        "--exclude-loopback/--no-exclude-loopback",
        help="Refuse links to loopback addresses and localhost names (default: on when CI is set).",
        show_default=False,
    ),
]
ExcludeLinkLocalOpt = Annotated[
    bool | None,
    typer.Option(
        "--exclude-link-local/--no-exclude-link-local",
        help="Refuse links to link-local addresses, 169.254.0.0/16 and fe80::/10 "
        "(default: on when CI is set).",
        show_default=False,
    ),
]


@dataclass(frozen=True, slots=True)
class NetworkOptions:
    """The options of every command that reaches the network (and of `config`, which shows their
    effect), declared once here: `_takes_network_options` gives a command all of them, so none can
    lack one. Each is the `Config` setting of the same name; None: not given."""

    wayback_url: WaybackOpt = None
    cache_max_age: CacheAgeOpt = None
    timeout: TimeoutOpt = None
    max_concurrency: ConcurrencyOpt = None
    max_per_host: PerHostOpt = None
    min_interval: IntervalOpt = None
    retries: RetriesOpt = None
    user_agent: UserAgentOpt = None
    exclude_private: ExcludePrivateOpt = None
    exclude_loopback: ExcludeLoopbackOpt = None
    exclude_link_local: ExcludeLinkLocalOpt = None
    host_timeouts: HostTimeoutsOpt = None
    max_time: MaxTimeOpt = None

    def given(self) -> dict[str, object]:
        """The settings as `config.resolve` takes them from the command line."""
        return {f.name: getattr(self, f.name) for f in fields(self)}


def _takes_network_options(command: Callable[..., None]) -> Callable[..., None]:
    """A command that takes every `NetworkOptions` option: typer sees them as the command's own
    options (after those it declares); the command receives them as one `network` argument."""
    names = [f.name for f in fields(NetworkOptions)]
    hints = get_type_hints(NetworkOptions, include_extras=True)
    own = inspect.signature(command, eval_str=True)
    kept = [p for p in own.parameters.values() if p.name != "network"]
    added = [
        inspect.Parameter(n, inspect.Parameter.KEYWORD_ONLY, default=None, annotation=hints[n]) for n in names
    ]

    @functools.wraps(command)
    def with_network_options(**given: Any) -> None:
        network = NetworkOptions(**{n: given.pop(n) for n in names})
        command(**given, network=network)

    signature = own.replace(parameters=[*kept, *added])
    with_network_options.__signature__ = signature  # type: ignore[attr-defined]
    with_network_options.__annotations__ = {p.name: p.annotation for p in signature.parameters.values()}
    return with_network_options


SaveOpt = Annotated[
    bool,
    typer.Option(
        "--save",
        help="Request Save Page Now captures for links with none (IA_ACCESS_KEY/IA_SECRET_KEY if set).",
    ),
]


@dataclass(frozen=True)
class _Run:
    """What shapes a run (shared by verify, appendix and fix): the documents, what to ask, and the
    effective configuration."""

    paths: list[str]
    input_format: str | None
    offline: bool
    archive: bool
    save: bool
    cache: bool
    config: Config


def _configured(network: NetworkOptions, **given: object) -> Config:
    """The effective configuration: defaults < config file < CITECHECK_* environment < these options.
    The run names the file it used, and warns in CI when a file or a variable weakens the guard."""
    from citecheck.config import guard_warnings, resolve

    config = resolve(Path.cwd(), os.environ, network.given() | given)
    if config.source is not None:
        typer.echo(f"citecheck: using configuration {one_line(config.source)}", err=True)
    for warning in guard_warnings(config, os.environ):
        typer.echo(f"citecheck: warning: {one_line(warning)}", err=True)
    return config


def _run(options: _Run, extractions: list[Extraction] | None = None) -> Results:
    """Read, extract, check live and in the archive (unless offline): everything a report shows."""
    if options.paths.count("-") > 1:
        raise InputError("standard input (-) can be read only once")
    if extractions is None:
        extractions = [run_extract(read_document(p, options.input_format)) for p in options.paths]
    checked_at = dt.datetime.now(dt.UTC)
    policy = Policy.parse(options.config.fail_on)
    if options.offline:
        return Results(
            extractions, checked_at, {}, {}, policy, "not checked (--offline)", config=options.config.source
        )
    from citecheck.session import run_verify, settings_from

    settings = settings_from(
        options.config, os.environ, archive=options.archive, save=options.save, cache=options.cache
    )
    progress, stop = _progress(sys.stderr.isatty())
    try:
        run = asyncio.run(run_verify(extractions, settings, progress))
    finally:
        stop()
    for warning in run.warnings:
        typer.echo(f"citecheck: warning: {one_line(mask(warning))}", err=True)
    return Results(
        run.extractions,
        checked_at,
        run.checks,
        run.archives,
        policy,
        saves=run.saves,
        archive_requests=run.archive_requests,
        archive_looked_up=options.archive,
        matches=run.matches,
        config=options.config.source,
        hosts_given_up=run.hosts_given_up,
        time_limit=options.config.max_time if run.time_limit_reached else None,
    )


@app.command(epilog=EXAMPLES)
@_takes_network_options
def verify(
    paths: PathsArg,
    format: VerifyFormatOpt = VerifyFormat.text,
    output: OutputOpt = None,
    input_format: InputFormatOpt = None,
    fail_on: FailOnOpt = None,
    offline: OfflineOpt = False,
    no_archive: NoArchiveOpt = False,
    save: SaveOpt = False,
    no_cache: NoCacheOpt = False,
    *,
    network: NetworkOptions,
) -> None:
    """Check every cited link live and in the Wayback Machine; say precisely what was found."""

    def body() -> int:
        refuse_input_as_output(output, paths)
        config = _configured(network, fail_on=fail_on)
        Policy.parse(config.fail_on)  # a bad --fail-on is a usage error before any work
        results = _run(_Run(paths, input_format, offline, not no_archive, save, not no_cache, config))
        if format is VerifyFormat.text:
            _emit_chunks(_text(results, output), output)
        else:
            _emit(_machine_report(results, format.value), output, utf8=True)
        return 1 if results.failing() else 0

    _guarded(body)


class AppendixFormat(StrEnum):
    markdown = "markdown"
    html = "html"
    csv = "csv"
    json = "json"


AppendixFormatOpt = Annotated[AppendixFormat, typer.Option("--format", "-f", help="Appendix format.")]


@app.command(epilog=EXAMPLES)
@_takes_network_options
def appendix(
    paths: PathsArg,
    format: AppendixFormatOpt = AppendixFormat.markdown,
    output: OutputOpt = None,
    input_format: InputFormatOpt = None,
    save: SaveOpt = False,
    no_cache: NoCacheOpt = False,
    *,
    network: NetworkOptions,
) -> None:
    """An "Archived sources" appendix for publication: every cited URL with its archived copy."""

    def body() -> int:
        from citecheck.report import appendix as appendix_report

        refuse_input_as_output(output, paths)
        config = _configured(network, fail_on="none")
        results = _run(_Run(paths, input_format, False, True, save, not no_cache, config))
        _emit(
            appendix_report.render(masked(results), format.value),
            output,
            utf8=format is not AppendixFormat.markdown,
        )
        return 0

    _guarded(body)


@app.command(name="fix", epilog=EXAMPLES)
@_takes_network_options
def fix_command(
    path: Annotated[
        str, typer.Argument(metavar="PATH", help="The document to fix (.txt or .md); - for stdin.")
    ],
    output: OutputOpt = None,
    in_place: Annotated[bool, typer.Option("--in-place", help="Replace the document (atomically).")] = False,
    no_backup: Annotated[
        bool, typer.Option("--no-backup", help="With --in-place, keep no PATH.bak.")
    ] = False,
    archive_links: Annotated[
        bool, typer.Option("--archive-links", help="Add each URL's archived copy after it.")
    ] = False,
    accept_proposals: Annotated[
        bool, typer.Option("--accept-proposals", help="Apply repairs nothing confirmed, too.")
    ] = False,
    input_format: InputFormatOpt = None,
    offline: OfflineOpt = False,
    no_archive: NoArchiveOpt = False,
    no_cache: NoCacheOpt = False,
    *,
    network: NetworkOptions,
) -> None:
    """Write the document with every confirmed repair applied (and, optionally, archived copies)."""

    def body() -> int:
        from citecheck.fix import FIXABLE, fix
        from citecheck.ingest import detect_format, document_from_bytes, read_bytes

        fmt = detect_format(path, input_format)
        if fmt not in FIXABLE:
            raise InputError(f"{path}: fix writes text and Markdown documents; {fmt} is not supported by fix")
        if in_place and (output is not None or path == "-"):
            raise InputError("--in-place replaces PATH itself: give no --output, and a file, not -")
        refuse_input_as_output(output, [path])
        if in_place:
            refuse_in_place(Path(path), backup=not no_backup)
        original = read_bytes(path)
        document = document_from_bytes(original, "<stdin>" if path == "-" else path, fmt)
        if archive_links and no_archive:
            raise InputError("--archive-links needs the archive: drop --no-archive")
        config = _configured(network, fail_on="none")
        options = _Run([path], input_format, offline, not no_archive, False, not no_cache, config)
        results = _run(options, [run_extract(document)])
        (extraction,) = results.extractions
        text = document.text
        archives = {lk.url: results.archive(lk) for lk in extraction.links()} if archive_links else None
        fixed, changed = fix(text, extraction, fmt, accept_proposals=accept_proposals, archives=archives)
        data = _like_original(fixed, original)
        if in_place:
            target = Path(path)
            if target.stat().st_mode & 0o222 == 0:
                raise InputError(f"{path}: the file is read-only; nothing was changed")
            if not no_backup:
                write_atomic(backup_of(target), original, like=target)
            write_atomic(target, data)
        elif output is not None:
            write_atomic(output, data)
        else:
            sys.stdout.buffer.write(data)
            sys.stdout.buffer.flush()
        typer.echo(f"citecheck: {changed} URL{'s' if changed != 1 else ''} fixed", err=True)
        return 0

    _guarded(body)


def _like_original(text: str, original: bytes) -> bytes:
    """The fixed text in the original's encoding details: its BOM and its line endings."""
    data = (text.replace("\n", "\r\n") if b"\r\n" in original else text).encode("utf-8")
    return b"\xef\xbb\xbf" + data if original.startswith(b"\xef\xbb\xbf") else data


@app.command(name="config")
@_takes_network_options
def config_command(fail_on: FailOnOpt = None, *, network: NetworkOptions) -> None:
    """Print the effective configuration (config file < CITECHECK_* environment < these options)."""

    def body() -> int:
        from citecheck.config import render

        config = _configured(network, fail_on=fail_on)
        _emit(render(config), None, utf8=True)
        return 0

    _guarded(body)


def main() -> None:
    """The console-script entry point."""
    for stream in (sys.stdout, sys.stderr):  # a message must never crash on a non-UTF-8 terminal
        reconfigure = getattr(stream, "reconfigure", None)
        if reconfigure is not None:
            reconfigure(errors="backslashreplace")
    app()
