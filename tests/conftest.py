"""Shared test setup: the local servers' fixtures, and isolation from the user's environment."""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from webserver import proxy_server_fixture, web_server_fixture

__all__ = ["proxy_server_fixture", "web_server_fixture"]


LOOPBACK_ONLY = Path(__file__).resolve().parent / "loopback"
sys.path.insert(0, str(LOOPBACK_ONLY))
import loopback_only  # noqa: E402

loopback_only.install()


@pytest.fixture(autouse=True)
def _no_internet(monkeypatch: pytest.MonkeyPatch) -> None:
    """Tests never reach the internet: this process resolves and connects to loopback only
    (`tests/loopback/loopback_only.py`), every Python subprocess a test starts does too (its
    `sitecustomize` comes first on PYTHONPATH), and the archive defaults to a closed port."""
    path = [str(LOOPBACK_ONLY), *filter(None, [os.environ.get("PYTHONPATH")])]
    monkeypatch.setenv("PYTHONPATH", os.pathsep.join(path))
    monkeypatch.setenv("CITECHECK_WAYBACK_URL", "http://127.0.0.1:9")


@pytest.fixture(autouse=True)
def _isolated(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Iterator[None]:
    """No proxy from the environment, no user cache, no colour: tests see only what they set up."""
    for name in ("HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "http_proxy", "https_proxy", "all_proxy"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("NO_PROXY", "*")
    monkeypatch.setenv("CITECHECK_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.delenv("SSL_CERT_FILE", raising=False)
    monkeypatch.delenv("CI", raising=False)
    yield
