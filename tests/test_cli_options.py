"""Every command that reaches the network takes the same network options, and they take effect.

The options are declared once (cli.NetworkOptions); the test below names them independently, so a
command that loses one, or a declaration that drops one, fails here.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import typer
from cli_run import run_citecheck
from typer.core import TyperGroup
from webserver import Route, WebServer

from citecheck.cli import app

NETWORK_OPTIONS = frozenset(
    {
        "--wayback-url",
        "--cache-max-age",
        "--timeout",
        "--max-concurrency",
        "--max-per-host",
        "--min-interval",
        "--retries",
        "--user-agent",
        "--exclude-private",
        "--no-exclude-private",
        "--exclude-loopback",
        "--no-exclude-loopback",
        "--exclude-link-local",
        "--no-exclude-link-local",
        "--host-timeouts",
        "--max-time",
    }
)
OFFLINE_COMMANDS = frozenset({"extract"})
"""Commands that never reach the network (and read no configuration); every other one must take
the network options."""


def commands() -> dict[str, Any]:
    """The app's commands as typer builds them for the command line."""
    group = typer.main.get_command(app)
    assert isinstance(group, TyperGroup)
    return dict(group.commands)


def option_names(command: Any) -> set[str]:
    return {name for p in command.params for name in (*p.opts, *p.secondary_opts)}


def test_every_network_command_takes_the_whole_network_option_set() -> None:
    found = commands()
    network = sorted(set(found) - OFFLINE_COMMANDS)
    assert {"verify", "appendix", "fix", "config"} <= set(network)
    missing = {name: sorted(NETWORK_OPTIONS - option_names(found[name])) for name in network}
    assert missing == {name: [] for name in network}, missing


@pytest.mark.parametrize("command", ["verify", "appendix", "fix", "config"])
def test_help_shows_every_network_option(command: str) -> None:
    done = run_citecheck(command, "--help")
    assert done.returncode == 0, done.stderr
    shown = {word.strip(",[]") for word in done.stdout.split() if word.startswith("--")}
    assert sorted(NETWORK_OPTIONS - shown) == []


def test_config_takes_every_network_option_and_shows_its_effect(tmp_path: Path) -> None:
    done = run_citecheck(
        "config",
        *("--wayback-url", "http://127.0.0.1:1", "--cache-max-age", "2", "--timeout", "3"),
        *("--max-concurrency", "5", "--max-per-host", "2", "--min-interval", "0.5", "--retries", "4"),
        *("--user-agent", "probe/1", "--no-exclude-private", "--exclude-loopback", "--exclude-link-local"),
        cwd=tmp_path,
    )
    assert done.returncode == 0, done.stderr
    shown = set(done.stdout.splitlines())
    expected = {
        'wayback_url = "http://127.0.0.1:1"',
        "cache_max_age = 2.0",
        "timeout = 3.0",
        "max_concurrency = 5",
        "max_per_host = 2",
        "min_interval = 0.5",
        "retries = 4",
        'user_agent = "probe/1"',
        "exclude_private = false",
        "exclude_loopback = true",
        "exclude_link_local = true",
    }
    assert sorted(expected - shown) == []


@pytest.mark.parametrize("guard", [["--exclude-loopback"], []], ids=["guarded", "open"])
def test_fix_takes_the_guard_and_pacing_options(
    web_server: WebServer, tmp_path: Path, guard: list[str]
) -> None:
    web_server.add("/p", Route(200, body=b"<title>Page</title>"))
    (tmp_path / "doc.md").write_text(f"A claim.[^1]\n\n[^1]: A page, {web_server.url('/p')}\n")
    done = run_citecheck(
        "fix",
        *("--no-archive", "--no-cache", "--retries", "0", "--min-interval", "0", "--cache-max-age", "1"),
        *guard,
        "doc.md",
        cwd=tmp_path,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout == (tmp_path / "doc.md").read_text()
    web_server.wait_idle()
    assert (web_server.count("/p") == 0) is bool(guard)
