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


def in_a_project(path: Path) -> bool:
    """Whether a folder lies in a project (a `.git` or `pyproject.toml` in it or above it)."""
    return any((d / m).exists() for d in (path, *path.parents) for m in (".git", "pyproject.toml"))


@pytest.mark.parametrize(
    "marker", [".git/", ".git", "pyproject.toml"], ids=["git-dir", "worktree", "pyproject"]
)
def test_the_search_stops_at_the_project_root(tmp_path: Path, marker: str) -> None:
    (tmp_path / "citecheck.toml").write_text("exclude_loopback = false\n")  # a shared parent's file
    project = tmp_path / "checkout"
    project.mkdir()
    if marker.endswith("/"):
        (project / marker).mkdir()
    else:
        (project / marker).write_text(
            "gitdir: /elsewhere\n" if marker == ".git" else "[project]\nname = 'x'\n"
        )
    deep = project / "docs" / "letters"
    deep.mkdir(parents=True)
    assert find(deep) is None and find(project) is None
    assert resolve(deep, {}, {}).exclude_loopback is None
    (project / "docs" / "citecheck.toml").write_text("timeout = 3\n")  # inside the project: found
    assert find(deep) == project / "docs" / "citecheck.toml"


def test_outside_any_project_only_the_working_directory_is_searched(tmp_path: Path) -> None:
    if in_a_project(tmp_path):
        pytest.skip(f"{tmp_path} lies inside a project, so this case cannot be set up here")
    (tmp_path / "citecheck.toml").write_text("exclude_loopback = false\n")
    (tmp_path / "sub").mkdir()
    assert find(tmp_path / "sub") is None
    assert find(tmp_path) == tmp_path / "citecheck.toml"


def test_a_parent_folders_file_cannot_turn_the_ci_guard_off(web_server: WebServer, tmp_path: Path) -> None:
    web_server.add("/p", Route(200, body=b"<title>Page</title>"))
    (tmp_path / "citecheck.toml").write_text("exclude_loopback = false\nexclude_private = false\n")
    project = tmp_path / "pr-checkout"
    (project / ".git").mkdir(parents=True)
    (project / "doc.md").write_text(f"A claim.[^1]\n\n[^1]: A page, {web_server.url('/p')}\n")
    done = run_citecheck(
        "verify", "--no-archive", "--no-cache", "-f", "json", "doc.md", cwd=project, env={"CI": "1"}
    )
    assert done.returncode == 0, done.stderr
    (document,) = json.loads(done.stdout)["documents"]
    (link,) = document["footnotes"][0]["links"]
    assert link["status"] == "unchecked" and "loopback" in link["detail"]
    assert document["config"] is None and "configuration" not in done.stderr
    assert web_server.total_requests == 0


@pytest.mark.parametrize(
    "args",
    [["verify", "--offline", "doc.md"], ["fix", "--offline", "doc.md"], ["config"]],
    ids=["verify", "fix", "config"],
)
@pytest.mark.parametrize("where", ["citecheck.toml", "pyproject.toml", None])
def test_every_run_names_the_configuration_it_used(
    tmp_path: Path, args: list[str], where: str | None
) -> None:
    (tmp_path / "doc.md").write_text("A claim.[^1]\n\n[^1]: A page, https://example.org/p\n")
    if where is not None:
        (tmp_path / where).write_text(
            ("[tool.citecheck]\n" if where == "pyproject.toml" else "") + "retries = 1\n"
        )
    done = run_citecheck(*args, cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    named = [line for line in done.stderr.splitlines() if "configuration" in line]
    expected = [] if where is None else [f"citecheck: using configuration {tmp_path / where}"]
    assert named == expected


@pytest.mark.parametrize("where", ["citecheck.toml", None])
def test_the_json_report_names_the_configuration_per_document(tmp_path: Path, where: str | None) -> None:
    (tmp_path / "a.md").write_text("A claim.[^1]\n\n[^1]: A page, https://example.org/p\n")
    (tmp_path / "b.md").write_text("Another.[^1]\n\n[^1]: https://example.org/q\n")
    if where is not None:
        (tmp_path / where).write_text("retries = 1\n")
    done = run_citecheck("verify", "--offline", "-f", "json", "a.md", "b.md", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    documents = json.loads(done.stdout)["documents"]
    expected = None if where is None else str(tmp_path / where)
    assert [d["config"] for d in documents] == [expected, expected]


@pytest.mark.parametrize("given", ["file", "environment", "command line"])
@pytest.mark.parametrize("ci", [True, False])
def test_a_weakened_ci_guard_is_a_warning_naming_setting_and_origin(
    tmp_path: Path, given: str, ci: bool
) -> None:
    env = {"CI": "1"} if ci else {}
    (tmp_path / "doc.md").write_text("A claim.[^1]\n\n[^1]: A page, https://example.org/p\n")
    args = ["verify", "--offline", "doc.md"]
    if given == "file":
        (tmp_path / "citecheck.toml").write_text("exclude-loopback = false\nexclude_link_local = false\n")
    elif given == "environment":
        env |= {"CITECHECK_EXCLUDE_LOOPBACK": "false", "CITECHECK_EXCLUDE_LINK_LOCAL": "no"}
    else:
        args += ["--no-exclude-loopback", "--no-exclude-link-local"]
    done = run_citecheck(*args, cwd=tmp_path, env=env)
    assert done.returncode == 0, done.stderr
    warnings = [line for line in done.stderr.splitlines() if line.startswith("citecheck: warning:")]
    if not ci or given == "command line":
        assert warnings == []
        return
    assert len(warnings) == 2, done.stderr
    origins = (
        [str(tmp_path / "citecheck.toml")] * 2
        if given == "file"
        else ["CITECHECK_EXCLUDE_LOOPBACK", "CITECHECK_EXCLUDE_LINK_LOCAL"]
    )
    for line, name, origin in zip(warnings, ["exclude_loopback", "exclude_link_local"], origins, strict=True):
        assert name in line and f"from {origin}" in line and "guard" in line, line


def test_the_command_line_wins_over_a_weakening_file_without_a_warning(tmp_path: Path) -> None:
    (tmp_path / "citecheck.toml").write_text("exclude_private = false\n")
    (tmp_path / "doc.md").write_text("A claim.[^1]\n\n[^1]: A page, https://example.org/p\n")
    done = run_citecheck("verify", "--offline", "--exclude-private", "doc.md", cwd=tmp_path, env={"CI": "1"})
    assert done.returncode == 0 and "warning" not in done.stderr, done.stderr
    assert resolve(tmp_path, {"CI": "1"}, {"exclude_private": True}).exclude_private is True
