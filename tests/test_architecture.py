"""The shape of shared/DESIGN.md, kept by walking the package's source.

Four powers, each held by named modules only: printing or writing to the terminal's streams,
ending the process, touching the file system, touching the network. Every module's docstring
says what it holds. The rules read calls by name and by method (`Path.read_text()`,
`sys.stdout.write()`, `os.replace()`), not only bare calls; each rule is shown to fail on a
planted violation (`test_each_rule_fails_on_a_planted_violation`).
"""

from __future__ import annotations

import ast
from dataclasses import dataclass
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "citecheck"
MODULES = sorted(p for p in PACKAGE.rglob("*.py"))

OUTPUT = {"cli.py", "files.py"}
"""May write to stdout/stderr (reading stdin is a file power): the command line, and the writer
of its reports (`files.py` flushes the streams before writing to a descriptor they share)."""
EXIT = {"cli.py"}
"""May end the process."""
FILES = {
    "cli.py",  # the command line: its arguments are paths
    "files.py",  # writing reports: a temporary file, then rename
    "cache.py",  # the result cache on disk
    "ingest/__init__.py",  # reading the document
    "words.py",  # its bundled word list
    "config.py",  # finding and reading the configuration file
}
"""May touch the file system."""
NETWORK = {"net.py", "check.py", "archive.py", "netguard.py"}
"""May import a network library or open a connection."""

NETWORK_MODULES = {"httpx", "httpcore", "aiohttp", "requests", "urllib3", "socket", "ssl", "http.client"}
NETWORK_MODULES |= {"urllib.request", "websockets"}
NETWORK_CALLS = {"open_connection", "create_connection", "start_server", "urlopen", "getaddrinfo"}
FILE_FUNCTIONS = {"open"}
FILE_METHODS = {
    "read_text", "write_text", "read_bytes", "write_bytes", "mkdir", "unlink", "touch", "rmdir",
    "iterdir", "glob", "rglob", "is_file", "is_dir", "exists", "stat", "lstat", "open",
}  # fmt: skip
FILE_MODULES = {"os", "shutil", "tempfile", "gzip", "io", "pathlib"}
"""Modules whose file functions count (`os.replace`, `shutil.copy`, `io.open`); `io.StringIO`
and `os.environ` are no file access."""
FILE_MODULE_SAFE = {"StringIO", "BytesIO", "environ", "fspath", "getenv", "cpu_count", "get_terminal_size"}
IN_MEMORY = {"zip"}
"""Receivers whose `open` is no file: a ZIP archive's members, read from bytes in memory."""
STREAMS = {"stdout", "stderr", "stdin"}
EXIT_CALLS = {"sys.exit", "os._exit", "exit", "quit", "typer.Exit"}
OUTPUT_CALLS = {"print", "input", "typer.echo", "typer.secho", "click.echo"}


@dataclass(frozen=True)
class Powers:
    """What a module's source does of the four powers (each a list of where)."""

    output: list[str]
    exit: list[str]
    files: list[str]
    network: list[str]


def _name(node: ast.AST) -> str:
    """A dotted name for a call's function (`sys.stdout.write`, `path.read_text`)."""
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        return f"{_name(node.value)}.{node.attr}"
    if isinstance(node, ast.Call):
        return f"{_name(node.func)}()"
    return "?"


def powers(source: str) -> Powers:
    """The powers a module's source uses, read from its syntax tree."""
    tree = ast.parse(source)
    found = Powers([], [], [], [])
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.network.extend(a.name for a in node.names if _is_network_module(a.name))
            found.output.extend(a.name for a in node.names if a.name in ("typer", "click"))
        elif isinstance(node, ast.ImportFrom) and node.module:
            if _is_network_module(node.module):
                found.network.append(node.module)
            if node.module.split(".")[0] in ("typer", "click"):
                found.output.append(node.module)
        elif isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name):
            if node.value.id == "sys" and node.attr in STREAMS:  # standard input is a file to read
                (found.files if node.attr == "stdin" else found.output).append(f"sys.{node.attr}")
        elif isinstance(node, ast.Raise) and node.exc is not None:
            raised = _name(node.exc.func if isinstance(node.exc, ast.Call) else node.exc)
            if raised in ("SystemExit", "KeyboardInterrupt", "typer.Exit"):
                found.exit.append(f"raise {raised}")
        elif isinstance(node, ast.Call):
            _call(node, found)
    return found


def _is_network_module(name: str) -> bool:
    return name in NETWORK_MODULES or name.split(".")[0] in NETWORK_MODULES


def _call(node: ast.Call, found: Powers) -> None:
    name = _name(node.func)
    last = name.rsplit(".", 1)[-1]
    head = name.split(".", 1)[0]
    if name in OUTPUT_CALLS:
        found.output.append(name)
    if name in EXIT_CALLS:
        found.exit.append(name)
    if last in NETWORK_CALLS:
        found.network.append(name)
    if isinstance(node.func, ast.Name):
        if name in FILE_FUNCTIONS:
            found.files.append(name)
        return
    receiver = name.rsplit(".", 1)[0]
    if head in FILE_MODULES and "." in name and name.count(".") == 1:
        if last not in FILE_MODULE_SAFE and not last[:1].isupper():
            found.files.append(name)
        return
    if last in FILE_METHODS and not any(word in receiver.lower() for word in IN_MEMORY):
        found.files.append(name)


def rel(path: Path) -> str:
    return path.relative_to(PACKAGE).as_posix()


def violations(name: str, source: str) -> list[str]:
    """Each rule a module breaks, with what it used."""
    used = powers(source)
    out = []
    if not ast.get_docstring(ast.parse(source)):
        out.append("no docstring that says what it holds")
    for power, allowed in (("output", OUTPUT), ("exit", EXIT), ("files", FILES), ("network", NETWORK)):
        where = getattr(used, power)
        if where and name not in allowed:
            out.append(f"{power}: {sorted(set(where))}")
    return out


@pytest.mark.parametrize("path", MODULES, ids=rel)
def test_module_rules(path: Path) -> None:
    assert violations(rel(path), path.read_text(encoding="utf-8")) == []


PLANTED = [
    ("output", '"""Doc."""\nimport sys\nsys.stdout.write("x")\n'),
    ("output", '"""Doc."""\nprint("x")\n'),
    ("output", '"""Doc."""\nimport typer\n'),
    ("files", '"""Doc."""\nimport sys\nsys.stdin.read()\n'),
    ("exit", '"""Doc."""\nimport sys\nsys.exit(1)\n'),
    ("exit", '"""Doc."""\nraise SystemExit(2)\n'),
    ("files", '"""Doc."""\nfrom pathlib import Path\nPath("x").read_text()\n'),
    ("files", '"""Doc."""\ndef f(p):\n    return p.write_bytes(b"")\n'),
    ("files", '"""Doc."""\nimport os\nos.replace("a", "b")\n'),
    ("files", '"""Doc."""\nwith open("x") as fh:\n    pass\n'),
    ("files", '"""Doc."""\nimport shutil\nshutil.copy("a", "b")\n'),
    ("network", '"""Doc."""\nimport httpx\n'),
    ("network", '"""Doc."""\nfrom urllib.request import urlopen\n'),
    ("network", '"""Doc."""\nimport asyncio\nasyncio.open_connection("h", 80)\n'),
    ("docstring", "x = 1\n"),
]


@pytest.mark.parametrize(("rule", "source"), PLANTED, ids=[f"{r}-{i}" for i, (r, _) in enumerate(PLANTED)])
def test_each_rule_fails_on_a_planted_violation(rule: str, source: str) -> None:
    """A pure module (`match.py` may do none of it) that does it is caught, named by the rule."""
    found = violations("match.py", source)
    assert found and any(v.startswith(rule) or (rule == "docstring" and "docstring" in v) for v in found)


def test_what_is_no_power_is_not_flagged() -> None:
    """In-memory work that looks like I/O: a string buffer, a ZIP's members, the environment."""
    source = (
        '"""Doc."""\nimport io, os\nbuf = io.StringIO()\nv = os.environ.get("X")\n'
        "def f(self):\n    return self.zip.open('word/document.xml')\n"
        "s = 'a'.replace('a', 'b')\n"
    )
    assert violations("match.py", source) == []
