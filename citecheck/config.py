"""Configuration: `citecheck.toml` or `[tool.citecheck]` in `pyproject.toml`, found from the working
directory upward; `CITECHECK_*` environment variables; the command line. Later wins. Reads files.

The search stops at the project root (the first folder holding `.git` or `pyproject.toml`; with no
root, only the working directory is searched): a file in a shared parent (`/tmp`, a CI workspace, a
checked-out pull request's parent) must not turn the network guard off or send the Save Page Now
keys to another archive. The Config says which file it came from and where each setting was given,
so the run can name the file and warn when a file or the environment weakens the guard in CI.

An invalid file is a clear one-line error with its line (TOML syntax) or its key (a wrong name or
type, a URL pattern that is no regular expression); nothing is guessed. Patterns are compiled here,
when the configuration is read, so a bad one stops the run before any work and the run itself only
matches.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field, fields, replace
from pathlib import Path
from typing import Any

from citecheck import defaults
from citecheck.errors import InputError
from citecheck.guard import GuardPolicy, ci_default
from citecheck.version import DEFAULT_USER_AGENT, WAYBACK


@dataclass(frozen=True, slots=True)
class HostConfig:
    """Overrides for one host: how many requests at once, extra headers, statuses accepted as ok."""

    max_per_host: int | None = None
    headers: Mapping[str, str] = field(default_factory=dict)
    accept: frozenset[int] = frozenset()


@dataclass(frozen=True, slots=True)
class Config:
    """The effective settings of a run."""

    fail_on: str | None = None
    timeout: float = defaults.TIMEOUT
    max_concurrency: int = defaults.MAX_CONCURRENCY
    max_per_host: int = defaults.MAX_PER_HOST
    min_interval: float = defaults.MIN_INTERVAL
    retries: int = defaults.RETRIES
    host_timeouts: int = 3
    """Different URLs of a host that may time out before its other links are not requested (0: never)."""
    max_time: float | None = None
    """Seconds the whole run may take; None: no limit."""
    probe_url: str | None = None
    """What is asked before calling a run "no network" (None: the archive's address)."""
    user_agent: str = DEFAULT_USER_AGENT
    cache_max_age: float = 24.0
    wayback_url: str = WAYBACK
    include: tuple[re.Pattern[str], ...] = ()
    exclude: tuple[re.Pattern[str], ...] = ()
    """URL patterns (regular expressions searched in the URL), compiled."""
    hosts: Mapping[str, HostConfig] = field(default_factory=dict)
    exclude_private: bool | None = None
    exclude_loopback: bool | None = None
    exclude_link_local: bool | None = None
    """The network guard's flags; None: on when the `CI` environment variable says so."""
    source: str | None = None
    """The configuration file used, or None."""
    origins: Mapping[str, str] = field(default_factory=dict)
    """Where each setting that is not a default was given: a file, a variable, the command line."""


_TYPES: dict[str, type] = {
    "fail_on": str,
    "timeout": float,
    "max_concurrency": int,
    "max_per_host": int,
    "min_interval": float,
    "retries": int,
    "host_timeouts": int,
    "max_time": float,
    "probe_url": str,
    "user_agent": str,
    "cache_max_age": float,
    "wayback_url": str,
    "exclude_private": bool,
    "exclude_loopback": bool,
    "exclude_link_local": bool,
}
_BOOLS = {word: True for word in ("1", "true", "yes", "on")} | {w: False for w in ("0", "false", "no", "off")}
_LISTS = ("include", "exclude")
ENV = {name: f"CITECHECK_{name.upper()}" for name in _TYPES}
COMMAND_LINE = "the command line"
ROOT_MARKERS = (".git", "pyproject.toml")
_GUARD_FLAGS = {
    "exclude_private": "private",
    "exclude_loopback": "loopback",
    "exclude_link_local": "link-local",
}


def _holds(folder: Path, name: str) -> bool:
    """Whether the folder holds this entry (an unreadable folder holds nothing we can use)."""
    try:
        return (folder / name).exists()
    except OSError:
        return False


def project_root(start: Path) -> Path | None:
    """The first folder from `start` upward that holds `.git` (a folder or a worktree's file) or
    `pyproject.toml`, or None."""
    start = start.absolute()
    return next((f for f in (start, *start.parents) if any(_holds(f, m) for m in ROOT_MARKERS)), None)


def search_path(start: Path) -> tuple[Path, ...]:
    """The folders searched for a configuration file: from `start` up to the project root, or
    `start` alone when it is in no project."""
    start = start.absolute()
    chain = (start, *start.parents)
    root = project_root(start)
    return chain[: chain.index(root) + 1] if root is not None else chain[:1]


def _read(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8", errors="replace")
    except OSError as err:
        raise InputError(f"{path}: cannot read the configuration file: {err.strerror or err}") from None


def find(start: Path) -> Path | None:
    """The nearest `citecheck.toml`, or `pyproject.toml` with a `[tool.citecheck]` table, within
    the project (see `search_path`)."""
    for folder in search_path(start):
        own = folder / "citecheck.toml"
        if own.is_file():
            return own
        project = folder / "pyproject.toml"
        if project.is_file() and "[tool.citecheck" in _read(project):
            return project
    return None


def _value(where: str, key: str, value: Any, kind: type) -> Any:
    if kind is float and isinstance(value, int | float) and not isinstance(value, bool):
        return float(value)
    if kind is bool:
        if isinstance(value, bool):
            return value
        raise InputError(f"{where}: {key} must be true or false, not {value!r}")
    if kind is str and isinstance(value, list) and all(isinstance(v, str) for v in value):
        return ",".join(value)  # fail_on = ["dead", "broken"]
    if isinstance(value, kind) and not isinstance(value, bool):
        return value
    raise InputError(
        f"{where}: {key} must be {'a number' if kind is float else kind.__name__}, not {value!r}"
    )


def patterns(where: str, key: str, value: Any) -> tuple[re.Pattern[str], ...]:
    """A list of URL patterns, compiled; a bad one is an error naming the key and the pattern."""
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise InputError(f"{where}: {key} must be a list of URL patterns (regular expressions)")
    return tuple(_compiled(where, key, text) for text in value)


def _compiled(where: str, key: str, text: str) -> re.Pattern[str]:
    try:
        return re.compile(text)
    except re.error as err:
        why = str(err)
    except RecursionError:  # "((((…": the parser recurses once per group
        why = "nested too deeply"
    except OverflowError as err:  # "a{99999999999}"
        why = str(err)
    shown = text if len(text) <= 60 else text[:60] + "…"
    raise InputError(f"{where}: {key}: {shown!r} is not a valid regular expression: {why}")


def _hosts(where: str, table: Any) -> dict[str, HostConfig]:
    if not isinstance(table, dict):
        raise InputError(f"{where}: hosts must be a table of host names")
    out: dict[str, HostConfig] = {}
    for host, spec in table.items():
        if not isinstance(spec, dict):
            raise InputError(f"{where}: hosts.{host} must be a table")
        unknown = set(spec) - {"max_per_host", "headers", "accept"}
        if unknown:
            raise InputError(f"{where}: hosts.{host}: unknown setting {sorted(unknown)[0]!r}")
        headers = spec.get("headers", {})
        accept = spec.get("accept", [])
        if not isinstance(headers, dict) or not all(isinstance(v, str) for v in headers.values()):
            raise InputError(f"{where}: hosts.{host}.headers must be a table of strings")
        if not isinstance(accept, list) or not all(isinstance(v, int) for v in accept):
            raise InputError(f"{where}: hosts.{host}.accept must be a list of HTTP status codes")
        limit = spec.get("max_per_host")
        if limit is not None and (not isinstance(limit, int) or limit < 1):
            raise InputError(f"{where}: hosts.{host}.max_per_host must be a whole number of at least 1")
        out[host.lower()] = HostConfig(limit, dict(headers), frozenset(accept))
    return out


def parse(text: str, where: str, *, pyproject: bool = False) -> dict[str, Any]:
    """The settings a file gives (only those it gives), validated."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as err:
        place = "" if "line" in str(err) else f" (line {len(text.rstrip(chr(10)).splitlines()) or 1})"
        raise InputError(f"{where}: invalid TOML: {err}{place}") from None
    if pyproject:
        data = data.get("tool", {}).get("citecheck", {})
    out: dict[str, Any] = {}
    for key, value in data.items():
        name = key.replace("-", "_")
        if name in _TYPES:
            out[name] = _value(where, key, value, _TYPES[name])
        elif name in _LISTS:
            out[name] = patterns(where, key, value)
        elif name == "hosts":
            out["hosts"] = _hosts(where, value)
        else:
            raise InputError(f"{where}: unknown setting {key!r}")
    return out


def from_environment(environ: Mapping[str, str]) -> dict[str, Any]:
    """The settings the environment gives (`CITECHECK_TIMEOUT=30`, …)."""
    out: dict[str, Any] = {}
    for name, variable in ENV.items():
        if variable in environ and environ[variable] != "":
            raw = environ[variable]
            if _TYPES[name] is bool:
                if raw.strip().lower() not in _BOOLS:
                    raise InputError(f"{variable}: {raw!r} is not true or false")
                out[name] = _BOOLS[raw.strip().lower()]
                continue
            try:
                out[name] = _TYPES[name](raw)
            except ValueError:
                raise InputError(f"{variable}: {raw!r} is not a valid {name.replace('_', ' ')}") from None
    return out


def resolve(cwd: Path, environ: Mapping[str, str], cli: Mapping[str, Any]) -> Config:
    """The effective configuration: defaults < file < environment < command line (given options only)."""
    path = find(cwd)
    layers: list[tuple[dict[str, Any], Mapping[str, str]]] = []
    if path is not None:
        settings = parse(_read(path), str(path), pyproject=path.name == "pyproject.toml")
        layers.append((settings, dict.fromkeys(settings, str(path))))
    environment = from_environment(environ)
    layers.append((environment, {name: ENV[name] for name in environment}))
    given = {k: v for k, v in cli.items() if v is not None}
    layers.append((given, dict.fromkeys(given, COMMAND_LINE)))
    config = Config(source=str(path) if path is not None else None)
    origins: dict[str, str] = {}
    for settings, where in layers:
        config = replace(config, **settings)
        origins.update(where)
    return _checked(replace(config, origins=origins))


def guard_warnings(config: Config, environ: Mapping[str, str]) -> list[str]:
    """In CI, one line per guard flag a file or the environment turned off (the command line is the
    user's own choice and says so itself)."""
    if not ci_default(environ):
        return []
    found = []
    for name, what in _GUARD_FLAGS.items():
        where = config.origins.get(name, COMMAND_LINE)
        if getattr(config, name) is False and where != COMMAND_LINE:
            found.append(f"{name} = false (from {where}) turns the CI network guard off for {what} addresses")
    return found


def _checked(config: Config) -> Config:
    """Limits that make no sense from any source (file, environment, command line) are refused."""
    if config.max_time is not None and config.max_time <= 0:
        raise InputError(f"max_time must be a number of seconds above 0, not {config.max_time:g}")
    if config.host_timeouts < 0:
        raise InputError(f"host_timeouts must be 0 (never give up) or more, not {config.host_timeouts}")
    return config


def guard_policy(config: Config, environ: Mapping[str, str]) -> GuardPolicy:
    """The network guard of a run: each flag as configured, else on in CI and off elsewhere."""
    default = ci_default(environ)

    def flag(value: bool | None) -> bool:
        return default if value is None else value

    return GuardPolicy(
        private=flag(config.exclude_private),
        loopback=flag(config.exclude_loopback),
        link_local=flag(config.exclude_link_local),
    )


def render(config: Config) -> str:
    """The effective configuration as TOML (for `citecheck config`)."""
    lines = [f"# from {config.source or 'defaults'}, the environment and the command line"]
    for f in fields(config):
        value = getattr(config, f.name)
        if f.name in ("hosts", "source", "origins") or value is None:
            continue
        lines.append(f"{f.name} = {_toml(value)}")
    for host, spec in sorted(config.hosts.items()):
        lines.append(f'\n[hosts."{host}"]')
        if spec.max_per_host is not None:
            lines.append(f"max_per_host = {spec.max_per_host}")
        if spec.accept:
            lines.append(f"accept = {sorted(spec.accept)}")
        if spec.headers:
            lines.append(
                "headers = { " + ", ".join(f"{_toml(k)} = {_toml(v)}" for k, v in spec.headers.items()) + " }"
            )
    return "\n".join(lines) + "\n"


def _toml(value: Any) -> str:
    if isinstance(value, str):
        return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, tuple):
        return "[" + ", ".join(_toml(v) for v in value) + "]"
    if isinstance(value, re.Pattern):
        return _toml(value.pattern)
    return str(value)
