"""Shared test setup: the local servers' fixtures, and isolation from the user's environment."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from webserver import proxy_server_fixture, web_server_fixture

__all__ = ["proxy_server_fixture", "web_server_fixture"]


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
