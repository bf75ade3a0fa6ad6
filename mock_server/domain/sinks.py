"""The built-in callback receiver: named sinks that record what is POSTed to them.

`POST /_mock/sink/{name}` is a callback URL the mock serves itself, so a user with no receiver
of their own (a docker-compose setup, a frontend developer) can point `callbackUrl` at
`http://sinch-mock:8080/_mock/sink/mine` and look at what arrived. Everything here is bounded:
at most `MAX_SINKS` sinks, each keeping its latest callbacks up to `MAX_CALLBACKS_PER_SINK` of
them and `MAX_SINK_BYTES` of bodies and headers, bodies of at most `MAX_BODY_BYTES`, headers
up to `MAX_HEADERS` and `MAX_HEADER_BYTES` in all (docs/limits.md). So all sinks together
hold at most `MAX_SINKS * MAX_SINK_BYTES` (100 MiB).
"""

from __future__ import annotations

import re
from collections import deque
from dataclasses import dataclass, field
from datetime import datetime

from mock_server.core.errors import ApiError, field_error

# Every URL under this prefix is a receiver the mock serves: the one path on the mock's own
# address that a callbackUrl may name (`RECEIVER_PATHS` in mock_server/delivery/destinations.py).
SINK_PATH_PREFIX = "/_mock/sink/"

MAX_SINKS = 100
MAX_CALLBACKS_PER_SINK = 200
MAX_SINK_BYTES = 1024 * 1024
MAX_BODY_BYTES = 64 * 1024
MAX_HEADERS = 64
MAX_HEADER_BYTES = 16 * 1024  # names and values of the headers kept, together
NAME_PATTERN = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$")


def check_name(name: str) -> str:
    if not NAME_PATTERN.match(name):
        raise field_error("name", "must be 1 to 64 letters, digits, '.', '_' or '-', starting with a letter "
                                  "or digit")
    return name


def check_status(status: object) -> int:
    if isinstance(status, bool) or not isinstance(status, int) or not 200 <= status <= 599:
        raise field_error("status", "must be an HTTP status code from 200 to 599")
    return status


@dataclass
class SinkCallback:
    """One request a sink received."""

    received_at: datetime  # on the mock's clock
    headers: list[tuple[str, str]]
    body: bytes
    answered: int  # the status the sink answered
    truncated_headers: bool = False

    @property
    def size(self) -> int:
        return len(self.body) + sum(len(k) + len(v) for k, v in self.headers)


@dataclass
class Sink:
    name: str
    status: int = 200  # what it answers; PUT changes it (500 to make the mock retry)
    callbacks: deque[SinkCallback] = field(default_factory=deque)
    received: int = 0  # every callback ever received, kept or not
    size: int = 0  # bytes of the callbacks kept

    def keep(self, callback: SinkCallback) -> None:
        """Keep the callback; drop the oldest ones beyond the count and byte budgets."""
        self.callbacks.append(callback)
        self.received += 1
        self.size += callback.size
        while len(self.callbacks) > MAX_CALLBACKS_PER_SINK or self.size > MAX_SINK_BYTES:
            self.size -= self.callbacks.popleft().size

    @property
    def dropped(self) -> int:
        """Callbacks received but no longer kept (only the latest MAX_CALLBACKS_PER_SINK are)."""
        return self.received - len(self.callbacks)


class Sinks:
    def __init__(self) -> None:
        self._sinks: dict[str, Sink] = {}

    def get(self, name: str) -> Sink:
        """The sink by this name; one that never received anything answers empty."""
        return self._sinks.get(check_name(name)) or Sink(name)

    def names(self) -> list[str]:
        return sorted(self._sinks)

    def _open(self, name: str) -> Sink:
        sink = self._sinks.get(check_name(name))
        if sink is None:
            if len(self._sinks) >= MAX_SINKS:
                raise ApiError(429, "RESOURCE_EXHAUSTED", f"At most {MAX_SINKS} sinks exist at once; delete one "
                                                          "(DELETE /_mock/sink/{name}) or reset the mock")
            sink = self._sinks[name] = Sink(name)
        return sink

    def configure(self, name: str, status: int) -> Sink:
        status = check_status(status)
        sink = self._open(name)
        sink.status = status
        return sink

    def receive(self, name: str, now: datetime, headers: list[tuple[str, str]], body: bytes) -> SinkCallback:
        if len(body) > MAX_BODY_BYTES:
            raise ApiError(413, "INVALID_ARGUMENT", f"A sink keeps bodies of at most {MAX_BODY_BYTES} bytes")
        sink = self._open(name)
        kept: list[tuple[str, str]] = []
        room = MAX_HEADER_BYTES
        for name, value in headers[:MAX_HEADERS]:
            if len(name) + len(value) > room:
                break
            kept.append((name, value))
            room -= len(name) + len(value)
        callback = SinkCallback(now, kept, body, sink.status, truncated_headers=len(kept) < len(headers))
        sink.keep(callback)
        return callback

    def delete(self, name: str) -> None:
        self._sinks.pop(check_name(name), None)

    def clear(self) -> None:
        self._sinks.clear()
