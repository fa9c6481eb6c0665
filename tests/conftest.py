"""Shared test setup: the local servers' fixtures, and isolation from the user's environment."""

from __future__ import annotations

import socket
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from webserver import proxy_server_fixture, web_server_fixture

__all__ = ["proxy_server_fixture", "web_server_fixture"]


_LOOPBACK_NAMES = ("localhost", "127.", "::1")


@pytest.fixture(autouse=True)
def _no_internet(monkeypatch: pytest.MonkeyPatch) -> None:
    """Tests never reach the internet: in this process, only loopback names resolve (a made-up or
    real public name fails as an unknown host would), and the archive defaults to a closed port."""
    real = socket.getaddrinfo

    def loopback_only(host: Any, *args: Any, **kwargs: Any) -> Any:
        name = host.decode() if isinstance(host, bytes) else str(host)
        if not name.startswith(_LOOPBACK_NAMES):
            raise socket.gaierror(
                socket.EAI_NONAME, "Name or service not known (tests resolve loopback only)"
            )
        return real(host, *args, **kwargs)

    monkeypatch.setattr(socket, "getaddrinfo", loopback_only)
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
