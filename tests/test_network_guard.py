"""The network guard: which addresses a run refuses, and that it refuses them where it matters.

Policy tests are pure tables. Enforcement runs against real servers on 127.0.0.1; names that
should resolve elsewhere (10.x, the metadata address, a rebinding name) are answered by a stand-in
for `socket.getaddrinfo`, the one thing conftest already replaces (only loopback names resolve).
"""

from __future__ import annotations

import asyncio
import ipaddress
import json
import socket
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from cli_run import run_citecheck
from webserver import ProxyServer, Route, WebServer

from citecheck.check import Checker, CheckOptions
from citecheck.config import Config, guard_policy, resolve
from citecheck.guard import GuardPolicy, bad_port, ci_default, host_refusal, parse_ip, refusal
from citecheck.models import LinkCheck, Status
from citecheck.net import Client, NetOptions, origin
from citecheck.netguard import environment_proxy

ROOT = Path(__file__).resolve().parent.parent
ALL = GuardPolicy(private=True, loopback=True, link_local=True)
PAGE = b"<html><head><title>A cited page</title></head><body>text</body></html>"


# --------------------------------------------------------------------------------------------------
# Policy (pure)


@pytest.mark.parametrize(
    ("address", "words"),
    [
        ("10.1.2.3", "private address 10.1.2.3"),
        ("172.16.0.1", "private address"),
        ("172.31.255.255", "private address"),
        ("192.168.1.1", "private address"),
        ("100.64.0.1", "shared (carrier-grade NAT) address"),
        ("100.127.255.254", "shared (carrier-grade NAT) address"),
        ("fc00::1", "unique-local address"),
        ("fd12:3456::1", "unique-local address"),
        ("127.0.0.1", "loopback address 127.0.0.1"),
        ("127.255.0.9", "loopback address"),
        ("::1", "loopback address ::1"),
        ("0.0.0.0", "unspecified (this host) address"),
        ("::", "unspecified (this host) address"),
        ("169.254.1.1", "link-local address"),
        ("fe80::1", "link-local address"),
        ("169.254.169.254", "cloud metadata address 169.254.169.254"),
        ("fd00:ec2::254", "cloud metadata address"),
        ("100.100.100.200", "cloud metadata address"),
        ("::ffff:127.0.0.1", "loopback address 127.0.0.1 (as ::ffff:7f00:1)"),
        ("::ffff:169.254.169.254", "cloud metadata"),
        ("::ffff:10.0.0.1", "private address"),
        ("::10.0.0.1", "private address"),  # deprecated IPv4-compatible form
        ("64:ff9b::a00:1", "private address"),  # NAT64 of 10.0.0.1
        ("2002:7f00:1::", "loopback address"),  # 6to4 of 127.0.0.1
        ("224.0.0.1", "multicast address"),
        ("255.255.255.255", "reserved address"),
    ],
)
def test_non_public_addresses_are_refused_with_a_reason(address: str, words: str) -> None:
    why = refusal(ipaddress.ip_address(address), ALL)
    assert why is not None and words in why


@pytest.mark.parametrize(
    "address", ["93.184.215.14", "8.8.8.8", "172.32.0.1", "100.128.0.1", "2606:4700::1111", "::ffff:8.8.8.8"]
)
def test_public_addresses_pass(address: str) -> None:
    assert refusal(ipaddress.ip_address(address), ALL) is None


@pytest.mark.parametrize(
    ("policy", "address", "refused"),
    [
        (GuardPolicy(private=True), "10.0.0.1", True),
        (GuardPolicy(private=True), "127.0.0.1", False),
        (GuardPolicy(private=True), "169.254.1.1", False),
        (GuardPolicy(private=True), "169.254.169.254", True),  # metadata: refused under any flag
        (GuardPolicy(loopback=True), "127.0.0.1", True),
        (GuardPolicy(loopback=True), "10.0.0.1", False),
        (GuardPolicy(loopback=True), "fd00:ec2::254", True),
        (GuardPolicy(link_local=True), "fe80::1", True),
        (GuardPolicy(link_local=True), "192.168.0.1", False),
        (GuardPolicy(), "127.0.0.1", False),
        (GuardPolicy(), "169.254.169.254", False),  # off means off
    ],
)
def test_each_flag_refuses_its_own_kind(policy: GuardPolicy, address: str, refused: bool) -> None:
    assert (refusal(ipaddress.ip_address(address), policy) is not None) is refused


@pytest.mark.parametrize(
    ("host", "address"),
    [
        ("2130706433", "127.0.0.1"),
        ("0x7f000001", "127.0.0.1"),
        ("0x7f.1", "127.0.0.1"),
        ("127.1", "127.0.0.1"),
        ("0177.0.0.1", "127.0.0.1"),
        ("017700000001", "127.0.0.1"),
        ("10.0.258", "10.0.1.2"),
        ("169.254.43518", "169.254.169.254"),
        ("0xa9.0xfe.0xa9.0xfe", "169.254.169.254"),
        ("127.0.0.1.", "127.0.0.1"),
        ("[::1]", "::1"),
        ("[fe80::1%25eth0]", "fe80::1"),
        ("[::ffff:7f00:1]", "::ffff:7f00:1"),
    ],
)
def test_ip_literals_are_read_as_a_resolver_reads_them(host: str, address: str) -> None:
    assert parse_ip(host) == ipaddress.ip_address(address)


@pytest.mark.parametrize(
    "host", ["example.org", "1.2.3.4.5", "256.0.0.1", "0x1g.0.0.1", "127.0.0.0xg", "09.1.1.1", "", "a.b"]
)
def test_names_are_not_ip_literals(host: str) -> None:
    assert parse_ip(host) is None


@pytest.mark.parametrize(
    ("host", "refused"),
    [
        ("localhost", "loopback name localhost"),
        ("LOCALHOST.", "loopback name localhost"),
        ("api.localhost", "loopback name api.localhost"),
        ("ip6-localhost", "loopback name"),
        ("localhost.localdomain", "loopback name"),
        ("metadata.google.internal", "cloud metadata name"),
        ("2130706433", "loopback address 127.0.0.1"),
        ("[::ffff:a9fe:a9fe]", "cloud metadata"),
        ("example.org", None),
        ("localhost.example.org", None),
        ("93.184.215.14", None),
    ],
)
def test_hosts_refused_before_any_lookup(host: str, refused: str | None) -> None:
    why = host_refusal(host, ALL)
    if refused is None:
        assert why is None
    else:
        assert why is not None and refused in why


@pytest.mark.parametrize(
    ("port", "bad"),
    [(25, True), (22, True), (6667, True), (80, False), (443, False), (8080, False), (8000, False)],
)
def test_bad_ports_are_the_fetch_standard_list(port: int, bad: bool) -> None:
    assert bad_port(port) is bad


@pytest.mark.parametrize(
    ("value", "on"),
    [
        (None, False),
        ("", False),
        ("false", False),
        ("0", False),
        ("FALSE", False),
        ("1", True),
        ("true", True),
    ],
)
def test_ci_turns_the_guard_on_by_default(value: str | None, on: bool) -> None:
    environ = {} if value is None else {"CI": value}
    assert ci_default(environ) is on
    assert guard_policy(Config(), environ) == GuardPolicy(on, on, on)


def test_flags_override_the_ci_default(tmp_path: Path) -> None:
    off = resolve(tmp_path, {"CI": "1"}, {"exclude_loopback": False})
    assert guard_policy(off, {"CI": "1"}) == GuardPolicy(private=True, loopback=False, link_local=True)
    on = resolve(tmp_path, {}, {"exclude_private": True})
    assert guard_policy(on, {}) == GuardPolicy(private=True)
    from_env = resolve(tmp_path, {"CITECHECK_EXCLUDE_LINK_LOCAL": "true"}, {})
    assert guard_policy(from_env, {}) == GuardPolicy(link_local=True)
    (tmp_path / "citecheck.toml").write_text("exclude_private = false\n")
    assert guard_policy(resolve(tmp_path, {"CI": "true"}, {}), {"CI": "true"}).private is False


# --------------------------------------------------------------------------------------------------
# Enforcement against real servers


def check_all(
    urls: list[str], policy: GuardPolicy = ALL, *, retries: int = 0, timeout: float = 2.0, **net: Any
) -> tuple[dict[str, LinkCheck], int]:
    async def go() -> tuple[dict[str, LinkCheck], int]:
        options = NetOptions(timeout=timeout, min_interval=0.0, guard=policy, **net)
        async with Client(options) as client:
            checker = Checker(client, CheckOptions(retries=retries, backoff=0.01, sibling_probe=False))
            return await checker.check_many(urls), client.requests_sent

    return asyncio.run(asyncio.wait_for(go(), 20 * timeout * (retries + 1)))


def check_one(url: str, policy: GuardPolicy = ALL, **kw: Any) -> LinkCheck:
    return check_all([url], policy, **kw)[0][url]


Resolver = Callable[..., Any]


@pytest.fixture
def names(monkeypatch: pytest.MonkeyPatch) -> dict[str, list[str]]:
    """Made-up names answer what the test puts here (successive answers, the last one repeating);
    every lookup is recorded under "asked"."""
    answers: dict[str, list[str]] = {"asked": []}
    real: Resolver = socket.getaddrinfo  # conftest's loopback-only resolver

    def lookup(host: Any, port: Any, *args: Any, **kwargs: Any) -> Any:
        name = host.decode() if isinstance(host, bytes) else str(host)
        answers["asked"].append(name)
        if name in answers:
            queue = answers[name]
            address = queue.pop(0) if len(queue) > 1 else queue[0]
            family = socket.AF_INET6 if ":" in address else socket.AF_INET
            return [(family, socket.SOCK_STREAM, 6, "", (address, int(port or 0)))]
        return real(host, port, *args, **kwargs)

    monkeypatch.setattr(socket, "getaddrinfo", lookup)
    return answers


def test_a_loopback_server_is_refused_and_never_reached(web_server: WebServer) -> None:
    web_server.add("/p", Route(200, body=PAGE))
    url = web_server.url("/p")
    result = check_one(url, GuardPolicy(loopback=True))
    assert result.status is Status.UNCHECKED
    assert result.detail == "excluded: the host is loopback address 127.0.0.1"
    assert check_one(url.replace("127.0.0.1", "localhost"), GuardPolicy(loopback=True)).detail == (
        "excluded: the host is loopback name localhost"
    )
    assert web_server.connections == 0
    assert check_one(url, GuardPolicy()).status is Status.OK  # the same link, guard off


@pytest.mark.parametrize(
    ("address", "words"),
    [
        ("10.1.2.3", "resolves to private address 10.1.2.3"),
        ("169.254.169.254", "resolves to cloud metadata address 169.254.169.254"),
        ("fd00:ec2::254", "resolves to cloud metadata address fd00:ec2::254"),
        ("127.0.0.1", "resolves to loopback address 127.0.0.1"),
    ],
)
def test_a_name_resolving_to_a_refused_address_is_refused_at_connect(
    web_server: WebServer, names: dict[str, list[str]], address: str, words: str
) -> None:
    names["cited.example"] = [address]
    result = check_one(f"http://cited.example:{web_server.port}/p")
    assert result.status is Status.UNCHECKED
    assert result.detail == f"excluded: cited.example {words}"
    assert names["asked"].count("cited.example") == 1  # refused on the lookup, not retried, not sent
    assert web_server.connections == 0


def test_dns_rebinding_is_refused_at_connect(web_server: WebServer, names: dict[str, list[str]]) -> None:
    # first answer public-looking (TEST-NET-1; the test harness refuses to connect there at once),
    # then the loopback server: each connection uses the address its own lookup checked, so the
    # second is refused
    web_server.add("/p", Route(200, body=PAGE))
    names["rebind.example"] = ["192.0.2.10", "127.0.0.1"]
    result = check_one(f"http://rebind.example:{web_server.port}/p", retries=1, timeout=1.0)
    assert result.status is Status.UNCHECKED
    assert result.detail == "excluded: rebind.example resolves to loopback address 127.0.0.1"
    assert names["asked"].count("rebind.example") == 2
    assert web_server.connections == 0


def test_an_allowed_address_is_connected_and_the_host_name_kept(
    web_server: WebServer, names: dict[str, list[str]]
) -> None:
    # the guard connects to the address it checked, while Host (and TLS) still use the name
    web_server.add("/p", Route(200, body=PAGE))
    names["mixed.example"] = ["127.0.0.1"]
    assert (
        check_one(f"http://mixed.example:{web_server.port}/p", GuardPolicy(private=True)).status is Status.OK
    )
    assert web_server.log[0].host == f"mixed.example:{web_server.port}"  # Host header keeps the name


@pytest.mark.parametrize(
    ("location", "words"),
    [
        ("http://169.254.169.254/latest/meta-data/", "the host is cloud metadata address 169.254.169.254"),
        ("http://[::ffff:10.0.0.1]/admin", "the host is private address 10.0.0.1 (as ::ffff:a00:1)"),
        ("http://0xa9fea9fe/", "the host is cloud metadata address 169.254.169.254"),
        ("http://internal.example/", "internal.example resolves to private address 10.0.0.5"),
    ],
)
def test_every_redirect_hop_passes_the_guard(
    web_server: WebServer, names: dict[str, list[str]], location: str, words: str
) -> None:
    # loopback allowed here, so the cited server (on 127.0.0.1) stands for a public one
    names["internal.example"] = ["10.0.0.5"]
    web_server.add("/r", Route(302, headers=[("Location", location)]))
    result = check_one(web_server.url("/r"), GuardPolicy(private=True, link_local=True))
    assert result.status is Status.UNCHECKED
    assert result.detail.startswith("excluded: a redirect leads to ") and result.detail.endswith(words)
    assert web_server.count("/r") == 1


def test_the_archive_the_user_chose_is_not_guarded(web_server: WebServer) -> None:
    web_server.add("/web/x", Route(200, body=PAGE))
    trusted = frozenset({origin(web_server.url("/"))})
    assert check_one(web_server.url("/web/x"), trusted_origins=trusted).status is Status.OK
    assert check_one(web_server.url("/web/x")).status is Status.UNCHECKED  # any other run of the mill link


# --------------------------------------------------------------------------------------------------
# Behind a proxy: the proxy resolves names


@pytest.fixture
def behind_proxy(web_server: WebServer, monkeypatch: pytest.MonkeyPatch) -> Iterator[ProxyServer]:
    proxy = ProxyServer(upstream=web_server.address).start()
    monkeypatch.delenv("NO_PROXY", raising=False)
    monkeypatch.setenv("HTTP_PROXY", proxy.url)
    yield proxy
    proxy.stop()


def test_behind_a_proxy_names_are_never_resolved_here(
    web_server: WebServer, behind_proxy: ProxyServer, names: dict[str, list[str]]
) -> None:
    web_server.add("/p", Route(200, body=PAGE), host="cited.example")
    result = check_one("http://cited.example/p")
    assert result.status is Status.OK  # though this machine cannot resolve cited.example
    assert "cited.example" not in names["asked"]
    assert behind_proxy.forward_count == 1


@pytest.mark.parametrize(
    "url",
    [
        "http://10.1.2.3/p",
        "http://2130706433/p",
        "http://[::1]/p",
        "http://localhost/p",
        "http://a.localhost/",
    ],
)
def test_behind_a_proxy_ip_literals_and_localhost_names_are_refused(
    behind_proxy: ProxyServer, url: str
) -> None:
    result = check_one(url)
    assert result.status is Status.UNCHECKED and result.detail.startswith("excluded: the host is ")
    assert behind_proxy.count == 0


def test_behind_a_proxy_a_redirect_to_localhost_is_refused(
    web_server: WebServer, behind_proxy: ProxyServer
) -> None:
    web_server.add(
        "/r", Route(302, headers=[("Location", "http://localhost:8080/admin")]), host="cited.example"
    )
    result = check_one("http://cited.example/r")
    assert result.status is Status.UNCHECKED
    assert result.detail == (
        "excluded: a redirect leads to http://localhost:8080/admin: the host is loopback name localhost"
    )
    assert behind_proxy.forward_count == 1


# --------------------------------------------------------------------------------------------------
# The command line


@pytest.mark.parametrize(
    ("env", "flags", "status"),
    [
        ({"CI": "1"}, [], "unchecked"),
        ({}, [], "ok"),
        ({"CI": "true"}, ["--no-exclude-loopback"], "ok"),
        ({}, ["--exclude-loopback"], "unchecked"),
        ({"CI": "false"}, [], "ok"),
    ],
)
def test_verify_guards_in_ci_by_default(
    web_server: WebServer, tmp_path: Path, env: dict[str, str], flags: list[str], status: str
) -> None:
    web_server.add("/p", Route(200, body=PAGE))
    doc = tmp_path / "doc.md"
    doc.write_text(f"A claim.[^1]\n\n[^1]: A page, {web_server.url('/p')}\n")
    done = run_citecheck("verify", "--no-archive", "--no-cache", "-f", "json", *flags, str(doc), env=env)
    assert done.returncode == 0, done.stderr  # an excluded link is not a failure
    (link,) = json.loads(done.stdout)["documents"][0]["footnotes"][0]["links"]
    assert link["status"] == status
    if status == "unchecked":
        assert link["detail"] == "excluded: the host is loopback address 127.0.0.1"


@pytest.mark.parametrize(
    ("scheme", "host", "environ", "expected"),
    [
        ("http", "cited.example", {"HTTP_PROXY": "http://p:3128"}, "http://p:3128"),
        ("https", "cited.example", {"https_proxy": "p:3128"}, "http://p:3128"),  # no scheme: http
        ("https", "cited.example", {"HTTP_PROXY": "http://p:3128"}, None),  # another scheme's
        ("https", "cited.example", {"ALL_PROXY": "socks5://p:1080"}, "socks5://p:1080"),
        ("http", "cited.example", {"HTTP_PROXY": "http://p", "NO_PROXY": "*"}, None),
        ("http", "a.cited.example", {"HTTP_PROXY": "http://p", "NO_PROXY": ".cited.example"}, None),
        ("http", "cited.example", {"HTTP_PROXY": "http://p", "NO_PROXY": "cited.example:8080"}, None),
        ("http", "notcited.example", {"HTTP_PROXY": "http://p", "NO_PROXY": "cited.example"}, "http://p"),
        ("http", "10.1.2.3", {"HTTP_PROXY": "http://p", "NO_PROXY": "10.0.0.0/8"}, None),
        ("http", "[::1]", {"HTTP_PROXY": "http://p", "NO_PROXY": "::1"}, None),
        ("http", "cited.example", {}, None),
    ],
)
def test_the_environments_proxy_for_a_guarded_origin(
    scheme: str, host: str, environ: dict[str, str], expected: str | None
) -> None:
    """A guarded client has its own transport, so it reads the proxy as httpx would: by scheme,
    then ALL_PROXY, unless NO_PROXY exempts the host."""
    assert environment_proxy(scheme, host, environ) == expected
