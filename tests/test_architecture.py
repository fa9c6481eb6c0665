"""The shape of shared/DESIGN.md, kept by walking the package's source.

Only the network modules import an HTTP client; only the CLI prints, exits or imports typer; only
the I/O edges open files; every module's docstring says what it holds.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "citecheck"
MODULES = sorted(p for p in PACKAGE.rglob("*.py"))
NETWORK = {"check.py", "archive.py", "net.py", "netguard.py"}
IO_EDGES = {"ingest/__init__.py", "files.py", "cache.py", "cli.py", "words.py"}  # words reads its word list


def rel(path: Path) -> str:
    return path.relative_to(PACKAGE).as_posix()


def imports(tree: ast.AST) -> set[str]:
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module.split(".")[0])
    return names


def calls(tree: ast.AST) -> set[str]:
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Call):
            fn = node.func
            if isinstance(fn, ast.Name):
                found.add(fn.id)
            elif isinstance(fn, ast.Attribute) and isinstance(fn.value, ast.Name):
                found.add(f"{fn.value.id}.{fn.attr}")
    return found


@pytest.mark.parametrize("path", MODULES, ids=rel)
def test_module_rules(path: Path) -> None:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    name = rel(path)
    assert ast.get_docstring(tree), f"{name} needs a docstring that says what it holds"
    used = imports(tree)
    if name not in NETWORK:
        assert not used & {"httpx", "aiohttp", "requests", "urllib3", "socket"}, name
    if name != "cli.py":
        assert "typer" not in used, name
        assert not calls(tree) & {"print", "sys.exit", "exit", "quit"}, name
    if name not in IO_EDGES:
        assert not calls(tree) & {"open", "gzip.open", "os.open", "os.fdopen", "Path.open"}, name
