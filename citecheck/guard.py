"""Which addresses a run may connect to: the network guard's policy. Pure.

A cited page, or a redirect from one, must not make citecheck reach into the network it runs in
(a CI runner's cloud metadata service, a router, a database on localhost). The policy here says
whether an address, an IP literal as a resolver would read it (`2130706433`, `0x7f.1`,
`::ffff:127.0.0.1`) or a localhost-style name is refused, and why, in words. Enforcement lives
in `netguard.py` (at connect time, so DNS rebinding is covered) and `net.py` (before a request).

Ports: browsers refuse a fixed list of ports that belong to other protocols (the Fetch
standard's "bad ports": SMTP, SSH, IRC, ...). A link or a redirect to one of them is not a web
page anyone can open, so it is refused always, whatever the exclusion flags; every other port
(8000, 8888, ...) is allowed, as in a browser.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Mapping
from dataclasses import dataclass

Address = ipaddress.IPv4Address | ipaddress.IPv6Address
Network = ipaddress.IPv4Network | ipaddress.IPv6Network


def _nets(*specs: str) -> tuple[Network, ...]:
    return tuple(ipaddress.ip_network(s) for s in specs)


# (category, what it is, networks). Category is the flag that refuses it.
_RANGES: tuple[tuple[str, str, tuple[Network, ...]], ...] = (
    ("loopback", "loopback", _nets("127.0.0.0/8", "::1/128")),
    ("loopback", "unspecified (this host)", _nets("0.0.0.0/8", "::/128")),
    ("link-local", "link-local", _nets("169.254.0.0/16", "fe80::/10")),
    ("private", "private", _nets("10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16")),
    ("private", "shared (carrier-grade NAT)", _nets("100.64.0.0/10")),
    ("private", "unique-local", _nets("fc00::/7", "fec0::/10")),
    ("private", "reserved", _nets("192.0.0.0/24", "198.18.0.0/15", "240.0.0.0/4", "255.255.255.255/32")),
    ("private", "multicast", _nets("224.0.0.0/4", "ff00::/8")),
)
METADATA = frozenset(
    ipaddress.ip_address(a)
    for a in ("169.254.169.254", "169.254.170.2", "fd00:ec2::254", "100.100.100.200", "192.0.0.192")
)
_METADATA_NAMES = frozenset({"metadata.google.internal", "metadata.goog", "metadata"})
_LOCALHOST_NAMES = frozenset(
    {"localhost", "localhost.localdomain", "ip6-localhost", "ip6-loopback", "localhost6"}
    | {"localhost6.localdomain6"}
)
_NAT64 = ipaddress.ip_network("64:ff9b::/96")
_SIX_TO_FOUR = ipaddress.ip_network("2002::/16")

BAD_PORTS = frozenset(
    {1, 7, 9, 11, 13, 15, 17, 19, 20, 21, 22, 23, 25, 37, 42, 43, 53, 69, 77, 79, 87, 95, 101, 102, 103,
     104, 109, 110, 111, 113, 115, 117, 119, 123, 135, 137, 139, 143, 161, 179, 389, 427, 465, 512, 513,
     514, 515, 526, 530, 531, 532, 540, 548, 554, 556, 563, 587, 601, 636, 989, 990, 993, 995, 1719, 1720,
     1723, 2049, 3659, 4045, 4190, 5060, 5061, 6000, 6566, 6665, 6666, 6667, 6668, 6669, 6679, 6697,
     10080}
)  # fmt: skip
"""The Fetch standard's port blocking list (https://fetch.spec.whatwg.org/#bad-port)."""


@dataclass(frozen=True, slots=True)
class GuardPolicy:
    """Which kinds of address are refused. Metadata addresses are refused when any flag is on."""

    private: bool = False
    loopback: bool = False
    link_local: bool = False

    @property
    def active(self) -> bool:
        return self.private or self.loopback or self.link_local

    def refuses(self, category: str) -> bool:
        return {"private": self.private, "loopback": self.loopback, "link-local": self.link_local}[category]


class Excluded(Exception):
    """A connection the guard refused; `detail` says why (e.g. "resolves to private address 10.1.2.3")."""

    def __init__(self, detail: str) -> None:
        super().__init__(detail)
        self.detail = detail


def ci_default(environ: Mapping[str, str]) -> bool:
    """Whether the guard is on by default: in CI (`CI` set, non-empty, not "false" or "0")."""
    value = environ.get("CI", "").strip().lower()
    return value not in ("", "false", "0", "no")


def embedded_ipv4(address: Address) -> ipaddress.IPv4Address | None:
    """The IPv4 address an IPv6 one carries (mapped, compatible, NAT64, 6to4), or None."""
    if isinstance(address, ipaddress.IPv4Address):
        return None
    if address.ipv4_mapped is not None:
        return address.ipv4_mapped
    if address.sixtofour is not None:
        return address.sixtofour
    packed = address.packed
    if address in _NAT64 or (packed[:12] == bytes(12) and int(address) > 0xFFFF):
        return ipaddress.IPv4Address(packed[12:])  # NAT64, or the deprecated IPv4-compatible ::a.b.c.d
    return None


def classify_address(address: Address) -> tuple[str, str, Address] | None:
    """(category, words, the address judged) for a non-public address, or None for a public one.
    The address judged is the IPv4 one an IPv6 address carries, if it carries one."""
    inner = embedded_ipv4(address)
    if inner is not None:
        return classify_address(inner)
    if address in METADATA:
        category = next(c for c, _, nets in _RANGES if any(address in n for n in nets))
        return category, "cloud metadata", address
    for category, words, nets in _RANGES:
        if any(address in n for n in nets):
            return category, words, address
    return None


def refusal(address: Address, policy: GuardPolicy) -> str | None:
    """Why the policy refuses this address ("private address 10.1.2.3"), or None."""
    found = classify_address(address)
    if found is None or not policy.active:
        return None
    category, words, judged = found
    if words == "cloud metadata" or policy.refuses(category):
        return f"{words} address {judged}" + (f" (as {address})" if judged != address else "")
    return None


def _ipv4_part(text: str) -> int | None:
    """One part of an inet_aton-style IPv4 literal: decimal, 0x-hex or 0-octal."""
    try:
        if text[:2].lower() == "0x":
            return int(text[2:] or "0", 16)
        if len(text) > 1 and text.startswith("0"):
            return int(text[1:], 8)
        return int(text, 10) if text.isdigit() else None
    except ValueError:
        return None


def parse_ipv4(host: str) -> ipaddress.IPv4Address | None:
    """An IPv4 literal the way inet_aton reads it (`127.1`, `0x7f.1`, `2130706433`, `0177.0.0.1`)."""
    parts = host.removesuffix(".").split(".")
    if not 1 <= len(parts) <= 4 or any(p == "" for p in parts):
        return None
    values = [_ipv4_part(p) for p in parts]
    if any(v is None for v in values):
        return None
    numbers = [v for v in values if v is not None]
    *head, last = numbers
    if any(v > 255 for v in head) or last >= 256 ** (4 - len(head)):
        return None
    value = last
    for i, v in enumerate(head):
        value |= v << (8 * (3 - i))
    return ipaddress.IPv4Address(value)


def parse_ip(host: str) -> Address | None:
    """An IP literal in any form a URL host may hold (brackets and an IPv6 zone allowed), or None."""
    text = host.strip().lower()
    if text.startswith("[") and text.endswith("]"):
        text = text[1:-1]
    if ":" in text:
        try:
            return ipaddress.IPv6Address(text.split("%", 1)[0])
        except ValueError:
            return None
    return parse_ipv4(text)


def host_refusal(host: str, policy: GuardPolicy) -> str | None:
    """Why a URL's host is refused before any lookup (an IP literal, a localhost or metadata name)."""
    if not policy.active or not host:
        return None
    address = parse_ip(host)
    if address is not None:
        why = refusal(address, policy)
        return f"{why}" if why is not None else None
    name = host.strip().lower().rstrip(".")
    if name in _METADATA_NAMES:
        return f"cloud metadata name {name}"
    if policy.loopback and (name in _LOCALHOST_NAMES or name.endswith(".localhost")):
        return f"loopback name {name}"
    return None


def bad_port(port: int | None) -> bool:
    """Whether browsers refuse this port (another protocol's, such as SMTP or SSH)."""
    return port is not None and port in BAD_PORTS
