"""Configuration: files found upward, file < environment < command line, per-host overrides that
take effect on the wire, and invalid files as one clear line."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from cli_run import run_citecheck
from webserver import Route, WebServer

from citecheck.config import find, parse, resolve
from citecheck.errors import InputError

ROOT = Path(__file__).resolve().parent.parent


def test_precedence_file_environment_command_line(tmp_path: Path) -> None:
    (tmp_path / "citecheck.toml").write_text("timeout = 5\nretries = 1\nmax_per_host = 2\n")
    env = {"CITECHECK_TIMEOUT": "7", "CITECHECK_RETRIES": "3"}
    assert resolve(tmp_path, {}, {}).timeout == 5.0
    assert resolve(tmp_path, env, {}).timeout == 7.0
    config = resolve(tmp_path, env, {"timeout": 9.0, "retries": None})
    assert (config.timeout, config.retries, config.max_per_host) == (9.0, 3, 2)
    assert config.source == str(tmp_path / "citecheck.toml")


def test_pyproject_table_found_from_a_subdirectory(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text(
        '[project]\nname = "x"\n\n[tool.citecheck]\nfail-on = ["dead"]\n'
    )
    deep = tmp_path / "docs" / "letters"
    deep.mkdir(parents=True)
    assert find(deep) == tmp_path / "pyproject.toml"
    assert resolve(deep, {}, {}).fail_on == "dead"


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("timeout = ", "line 1"),
        ("timeout = 5\nretries = 'many'\n", "retries must be int"),
        ("timout = 5\n", "unknown setting 'timout'"),
        ('[hosts."a.example"]\nmax_per_host = 0\n', "at least 1"),
        ('[hosts."a.example"]\naccept = ["ok"]\n', "HTTP status codes"),
    ],
)
def test_invalid_files_say_where(text: str, message: str) -> None:
    with pytest.raises(InputError, match=message):
        parse(text, "citecheck.toml")


def test_invalid_file_is_one_line_and_exit_2(tmp_path: Path) -> None:
    (tmp_path / "citecheck.toml").write_text("timeout = 5\nretries = [\n")
    done = run_citecheck("config", cwd=tmp_path)
    assert done.returncode == 2 and done.stderr.count("\n") == 1 and "line" in done.stderr


def test_config_command_prints_the_effective_settings(tmp_path: Path) -> None:
    (tmp_path / "citecheck.toml").write_text(
        'timeout = 5\n[hosts."a.example"]\nmax_per_host = 1\naccept = [403]\n'
    )
    done = run_citecheck("config", "--retries", "4", cwd=tmp_path, env={"CITECHECK_TIMEOUT": "7"})
    assert done.returncode == 0, done.stderr
    assert "timeout = 7.0" in done.stdout and "retries = 4" in done.stdout
    assert '[hosts."a.example"]' in done.stdout and "accept = [403]" in done.stdout


def test_per_host_overrides_take_effect_on_requests(web_server: WebServer, tmp_path: Path) -> None:
    for i in range(4):
        web_server.add(f"/p{i}", Route(200, body=b"<title>Page</title>", delay=0.05))
    web_server.add("/wall", Route(403, body=b"<title>Members only</title>"))
    web_server.add("/skip", Route(200, body=b"<title>Skipped</title>"))
    (tmp_path / "citecheck.toml").write_text(
        'exclude = ["/skip$"]\n\n[hosts."127.0.0.1"]\nmax_per_host = 1\naccept = [403]\n'
        'headers = { "X-Citecheck-Test" = "from-config" }\n'
    )
    urls = [web_server.url(f"/p{i}") for i in range(4)] + [web_server.url("/wall"), web_server.url("/skip")]
    sups = "¹²³⁴⁵⁶"
    doc = tmp_path / "doc.txt"
    doc.write_text("Claims." + sups + "\n\n" + "\n".join(f"{sups[i]} {u}" for i, u in enumerate(urls)) + "\n")
    done = run_citecheck(
        "verify", "--no-archive", "--no-cache", "--min-interval", "0", "-f", "json", str(doc), cwd=tmp_path
    )
    assert done.returncode == 0, done.stderr
    links = [lk for fn in json.loads(done.stdout)["documents"][0]["footnotes"] for lk in fn["links"]]
    status = {lk["url"]: (lk["status"], lk["detail"]) for lk in links}
    assert status[web_server.url("/wall")][0] == "ok" and "accepted" in status[web_server.url("/wall")][1]
    assert status[web_server.url("/skip")] == ("unchecked", "excluded by configuration")
    web_server.wait_idle()
    assert web_server.count("/skip") == 0
    assert web_server.max_in_flight_for("127.0.0.1") == 1
    assert all(r.headers.get("x-citecheck-test") == "from-config" for r in web_server.log)
    # the command line still wins over the file
    web_server.reset()
    run_citecheck(
        "verify",
        "--no-archive",
        "--no-cache",
        "--max-per-host",
        "1",
        "--timeout",
        "30",
        str(doc),
        cwd=tmp_path,
    )
    assert web_server.total_requests > 0


@pytest.mark.parametrize("key", ["exclude", "include"])
@pytest.mark.parametrize(
    "pattern", ["(", "[z-a]", "a{99999999999}", "(" * 5000 + ")" * 5000], ids=["open", "range", "big", "deep"]
)
def test_a_bad_url_pattern_is_an_error_naming_the_key(key: str, pattern: str) -> None:
    with pytest.raises(InputError, match=rf"^citecheck\.toml: {key}: .*regular expression"):
        parse(f"{key} = [{json.dumps(pattern)}]\n", "citecheck.toml")


def test_patterns_are_compiled_when_the_configuration_is_read(tmp_path: Path) -> None:
    (tmp_path / "citecheck.toml").write_text('include = ["^https://"]\nexclude = ["/skip$", "(?i)PRIVATE"]\n')
    config = resolve(tmp_path, {}, {})
    assert all(isinstance(p, re.Pattern) for p in (*config.include, *config.exclude))
    assert [p.pattern for p in config.exclude] == ["/skip$", "(?i)PRIVATE"]


@pytest.mark.parametrize("where", ["citecheck.toml", "pyproject.toml"])
@pytest.mark.parametrize("command", ["verify", "appendix", "config"])
def test_a_bad_url_pattern_in_a_file_is_exit_2_naming_key_and_file(
    web_server: WebServer, tmp_path: Path, where: str, command: str
) -> None:
    table = "[tool.citecheck]\n" if where == "pyproject.toml" else ""
    (tmp_path / where).write_text(f'{table}exclude = ["("]\n')
    web_server.add("/page", Route(200, body=b"<title>Page</title>"))
    (tmp_path / "doc.txt").write_text(f"Claim.\u00b9\n\n\u00b9 {web_server.url('/page')}\n")
    args = [] if command == "config" else ["--no-cache", "doc.txt"]
    done = run_citecheck(command, *args, cwd=tmp_path)
    assert done.returncode == 2, done.stderr
    assert "Traceback" not in done.stderr and done.stderr.count("\n") == 1, done.stderr
    assert str(tmp_path / where) in done.stderr and "exclude" in done.stderr, done.stderr
    assert web_server.total_requests == 0
