"""The test harness itself: nothing a test runs can leave 127.0.0.1, in this process or a child."""

from __future__ import annotations

import errno
import socket
import subprocess
import sys

import pytest

OUTSIDE = [("192.0.2.10", 80), ("169.254.169.254", 80), ("2001:db8::1", 443)]


@pytest.mark.parametrize("address", OUTSIDE)
def test_this_process_cannot_connect_outside_loopback(address: tuple[str, int]) -> None:
    family = socket.AF_INET6 if ":" in address[0] else socket.AF_INET
    with socket.socket(family, socket.SOCK_STREAM) as sock:
        with pytest.raises(OSError) as err:
            sock.connect(address)
        assert err.value.errno == errno.ENETUNREACH and "tests connect to loopback only" in str(err.value)
        assert sock.connect_ex(address) == errno.ENETUNREACH
    with pytest.raises(OSError):
        socket.create_connection(address, timeout=30)


def test_this_process_resolves_loopback_only() -> None:
    with pytest.raises(socket.gaierror):
        socket.getaddrinfo("example.org", 443)
    assert socket.getaddrinfo("localhost", 80)


def test_a_child_python_process_is_loopback_only_too() -> None:
    probe = (
        "import socket\n"
        "for how in (lambda: socket.getaddrinfo('example.org', 80),"
        " lambda: socket.socket().connect(('192.0.2.10', 80))):\n"
        "    try:\n"
        "        how()\n"
        "    except OSError as err:\n"
        "        print(type(err).__name__, err)\n"
    )
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, timeout=60)
    lookup, connect = done.stdout.splitlines()[:2]
    assert lookup.startswith("gaierror") and "tests: loopback only" in lookup  # refused by the harness,
    assert connect.startswith("OSError") and "tests connect to loopback only" in connect  # not the network
