"""Which callback URLs the mock accepts and which it refuses to call.

Two rules, each with one home here:

- `callback_url_problem`: a callback URL is an absolute http(s) URL of at most
  `MAX_CALLBACK_URL_LENGTH` characters, without control characters or spaces (CR, LF and tab
  would let a URL smuggle headers), with a port from 1 to 65535.
- `OwnAddress`: callbacks must not be turned against the mock itself. A URL whose host and port
  reach this mock (its bind address; the loopback names and addresses when it listens on
  loopback or on every interface; the host and port a request reached it as) may only name a
  path the mock serves for receiving callbacks (`RECEIVER_PATHS`); anything else there, such
  as `/_mock/reset`, is refused when set and never called.
"""

from __future__ import annotations

import asyncio
import ipaddress
import socket
from typing import Iterable
from urllib.parse import SplitResult, urlsplit

from mock_server.domain.sinks import SINK_PATH_PREFIX

MAX_CALLBACK_URL_LENGTH = 2048
# Path prefixes the mock serves for receiving callbacks: the only paths a callback may name on
# the mock's own address (the built-in sink, mock_server/domain/sinks.py).
RECEIVER_PATHS: tuple[str, ...] = (SINK_PATH_PREFIX,)

LOOPBACK_NAMES = frozenset({"localhost", "localhost.localdomain", "ip6-localhost", "ip6-loopback"})
OWN_ADDRESS_MESSAGE = ("must not point at the mock itself (on its own address a callback URL may only "
                       "name a callback receiver path: " + (", ".join(p + "..." for p in RECEIVER_PATHS) or "none")
                       + ")")


def callback_url_problem(url: str) -> str | None:
    """What makes `url` unusable as a callback URL, or None when it is fine."""
    if len(url) > MAX_CALLBACK_URL_LENGTH:
        return f"must be at most {MAX_CALLBACK_URL_LENGTH} characters"
    if any(ord(c) <= 0x20 or ord(c) == 0x7F for c in url):
        return "must not contain spaces or control characters (CR, LF, tab ...)"
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        return "must be an absolute http or https URL with a port from 1 to 65535"
    if parts.scheme not in ("http", "https") or not parts.hostname:
        return "must be an absolute http or https URL"
    if port == 0:
        return "must be an absolute http or https URL with a port from 1 to 65535"
    return None


def _host_port(parts: SplitResult) -> tuple[str, int] | None:
    try:
        port = parts.port or (443 if parts.scheme == "https" else 80)
    except ValueError:
        return None
    host = (parts.hostname or "").rstrip(".")
    return (host, port) if host else None


def _ip(host: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    """The address a literal host stands for, in any form a resolver accepts (`127.1`, `0x7f.1`,
    `2130706433`, `::ffff:127.0.0.1`); None for a name."""
    try:
        address = ipaddress.ip_address(host.split("%", 1)[0])
    except ValueError:
        try:
            address = ipaddress.IPv4Address(socket.inet_aton(host))
        except OSError:
            return None
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        return address.ipv4_mapped
    return address


def _is_loopback(host: str) -> bool:
    if host in LOOPBACK_NAMES or host.endswith(".localhost"):
        return True
    address = _ip(host)
    return address is not None and (address.is_loopback or address.is_unspecified)


def _is_local_address(address: ipaddress.IPv4Address | ipaddress.IPv6Address) -> bool:
    """Whether this machine has the address (a socket can be bound to it)."""
    if address.is_loopback or address.is_unspecified:
        return True
    family = socket.AF_INET6 if address.version == 6 else socket.AF_INET
    with socket.socket(family, socket.SOCK_DGRAM) as probe:
        try:
            probe.bind((str(address), 0))
        except OSError:
            return False
    return True


def is_receiver_path(path: str) -> bool:
    """Whether `path` lies under RECEIVER_PATHS, with nothing that could lead out of it once
    normalized (dot segments, encoded dots, slashes or backslashes)."""
    lowered = path.lower()
    if not path.startswith(RECEIVER_PATHS) or any(code in lowered for code in ("%2e", "%2f", "%5c", "\\")):
        return False
    return not any(segment in (".", "..") for segment in path.split("/"))


class OwnAddress:
    """Where this mock listens, to keep callbacks from calling it."""

    def __init__(self) -> None:
        self.endpoints: set[tuple[str, int]] = set()
        self.loopback_ports: set[int] = set()  # listening on loopback or every interface
        self.wildcard_ports: set[int] = set()  # listening on every interface

    def listening(self, host: str, port: int) -> None:
        host = host.strip("[]").lower()
        self.endpoints.add((host, port))
        address = _ip(host)
        if address is not None and address.is_unspecified:
            self.wildcard_ports.add(port)
            self.loopback_ports.add(port)
        elif _is_loopback(host):
            self.loopback_ports.add(port)

    @property
    def ports(self) -> set[int]:
        return {port for _, port in self.endpoints}

    def refuses(self, url: str, served_as: Iterable[tuple[str, int]] = ()) -> bool:
        """Whether the mock refuses to call `url`: it reaches the mock, outside RECEIVER_PATHS.
        `served_as`: further (host, port) pairs that reach the mock (a request's Host header)."""
        parts = urlsplit(url)
        if is_receiver_path(parts.path):
            return False
        target = _host_port(parts)
        return target is not None and self._reaches_me(*target, served_as)

    def _reaches_me(self, host: str, port: int, served_as: Iterable[tuple[str, int]]) -> bool:
        endpoints = self.endpoints | {(h.strip("[]").lower().rstrip("."), p) for h, p in served_as}
        if (host, port) in endpoints:
            return True
        address = _ip(host)
        if address is not None and any(_ip(h) == address and p == port for h, p in endpoints):
            return True
        if port in self.loopback_ports and _is_loopback(host):
            return True
        return port in self.wildcard_ports and address is not None and _is_local_address(address)

    async def resolves_to_me(self, url: str) -> bool:
        """Whether `url` names a host that resolves to this mock (checked before each attempt, so
        a name set earlier, or loaded from a saved state, is caught too)."""
        parts = urlsplit(url)
        if is_receiver_path(parts.path):
            return False
        target = _host_port(parts)
        if target is None or target[1] not in self.ports:
            return False
        host, port = target
        if self._reaches_me(host, port, ()):
            return True
        if _ip(host) is not None:
            return False
        try:
            found = await asyncio.get_running_loop().getaddrinfo(host, port, type=socket.SOCK_STREAM)
        except OSError:
            return False
        return any(self._reaches_me(str(info[4][0]), port, ()) for info in found)
