"""The HTTP/1.1 client callback attempts go through: kept-alive connections on asyncio streams.

An attempt is one `POST` whose answer matters only for its status code, so the client is small:
it writes the request in one piece, reads the status line and headers (at most `MAX_HEAD_BYTES`),
and reads at most `MAX_ANSWER_BYTES` of the body; an answer with more, or without a length, has
its connection closed instead of read on. Redirects are answers like any other (never
followed); no proxy is used. HTTPS verifies the receiver's certificate and name with the context
it is given. Connect, TLS handshake, send and read all happen on the event loop without blocking
it (names resolve in the loop's worker threads); the caller bounds the whole attempt in time.

Connections are kept per origin (scheme, host, port) after a complete answer that did not ask to
close, at most `MAX_IDLE` of them in all, each for at most `IDLE_SECONDS`. A kept connection that
the receiver closed meanwhile fails before any answer arrives; the request is then sent once
more on a new connection (the receiver cannot have acted on it: it never read it completely or
never answered), as browsers do.
"""

from __future__ import annotations

import asyncio
import ssl
import time
from collections import deque
from typing import Callable
from urllib.parse import quote, urlsplit

MAX_HEAD_BYTES = 64 * 1024  # the status line and headers of an answer
MAX_ANSWER_BYTES = 16 * 1024  # of an answer's body; the rest is never read
MAX_IDLE = 64  # kept-alive connections, all origins together
IDLE_SECONDS = 30.0  # a kept connection unused for longer is closed
_NO_BODY = {204, 304}
_PATH_SAFE = "/%:@!$&'()*+,;=-._~"
_QUERY_SAFE = _PATH_SAFE + "?"


class AnswerError(Exception):
    """The receiver's answer is not valid HTTP/1.1 (or it closed the connection instead)."""


class UnusableUrl(Exception):
    """The URL cannot be called (its scheme, host or port)."""


Origin = tuple[str, str, int]


class _Connection:
    __slots__ = ("reader", "writer", "idle_since")

    def __init__(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self.reader = reader
        self.writer = writer
        self.idle_since = 0.0

    def usable(self, now: float) -> bool:
        return not self.writer.is_closing() and not self.reader.at_eof() and now - self.idle_since < IDLE_SECONDS

    def close(self) -> None:
        self.writer.close()


class ConnectionPool:
    def __init__(self, tls: Callable[[], ssl.SSLContext], headers: dict[str, str]) -> None:
        self._make_tls = tls  # called on the first HTTPS connection
        self._tls: ssl.SSLContext | None = None
        self.headers = "".join(f"{name}: {value}\r\n" for name, value in headers.items())
        self._idle: dict[Origin, deque[_Connection]] = {}
        self._idle_count = 0
        self._closed = False

    async def post(self, url: str, body: bytes, headers: dict[str, str]) -> int:
        """POST `body` to `url`; the answer's status code. Raises OSError, ssl.SSLError,
        AnswerError or UnusableUrl (and TimeoutError only from the caller's bound)."""
        origin, request = _request(url, body, headers, self.headers)
        connection = self._take(origin)
        if connection is not None:
            try:
                return await self._exchange(origin, connection, request)
            except (AnswerError, ConnectionError) as error:
                if not getattr(error, "before_answer", False):
                    raise
            # the kept connection was closed by the receiver meanwhile: once more, on a new one
        return await self._exchange(origin, await self._connect(origin), request)

    async def aclose(self) -> None:
        self._closed = True
        for connections in self._idle.values():
            for connection in connections:
                connection.close()
        self._idle.clear()
        self._idle_count = 0

    # --- connections ------------------------------------------------------------------------------
    def _take(self, origin: Origin) -> _Connection | None:
        connections = self._idle.get(origin)
        now = time.monotonic()
        while connections:
            connection = connections.pop()
            self._idle_count -= 1
            if connection.usable(now):
                return connection
            connection.close()
        return None

    def _keep(self, origin: Origin, connection: _Connection) -> None:
        if self._closed:
            connection.close()
            return
        connection.idle_since = time.monotonic()
        if self._idle_count >= MAX_IDLE:  # make room: drop the connection idle the longest
            oldest = min((c for cs in self._idle.values() for c in cs), key=lambda c: c.idle_since)
            for connections in self._idle.values():
                if oldest in connections:
                    connections.remove(oldest)
                    break
            oldest.close()
            self._idle_count -= 1
        self._idle.setdefault(origin, deque()).append(connection)
        self._idle_count += 1

    async def _connect(self, origin: Origin) -> _Connection:
        scheme, host, port = origin
        tls = None
        if scheme == "https":
            if self._tls is None:
                self._tls = self._make_tls()
            tls = self._tls
        reader, writer = await asyncio.open_connection(host, port, ssl=tls, server_hostname=host if tls else None,
                                                       limit=MAX_HEAD_BYTES)
        return _Connection(reader, writer)

    async def _exchange(self, origin: Origin, connection: _Connection, request: bytes) -> int:
        keep = False
        try:
            connection.writer.write(request)
            await connection.writer.drain()
            status, keep = await _read_answer(connection.reader)
            return status
        except (asyncio.IncompleteReadError, asyncio.LimitOverrunError) as error:
            answer = AnswerError("the receiver closed the connection without a valid HTTP answer")
            answer.before_answer = isinstance(error, asyncio.IncompleteReadError) and not error.partial  # type: ignore[attr-defined]
            raise answer from error
        except ConnectionError as error:
            error.before_answer = True  # type: ignore[attr-defined]
            raise
        finally:
            if keep:
                self._keep(origin, connection)
            else:
                connection.close()


def _request(url: str, body: bytes, headers: dict[str, str], fixed: str) -> tuple[Origin, bytes]:
    try:
        parts = urlsplit(url)
        scheme = parts.scheme.lower()
        host = (parts.hostname or "").encode("idna").decode("ascii")
        port = parts.port or (443 if scheme == "https" else 80)
    except (ValueError, UnicodeError):
        raise UnusableUrl(url) from None
    if scheme not in ("http", "https") or not host:
        raise UnusableUrl(url)
    target = quote(parts.path or "/", safe=_PATH_SAFE) + ("?" + quote(parts.query, safe=_QUERY_SAFE)
                                                         if parts.query else "")
    shown = f"[{host}]" if ":" in host else host
    if port != (443 if scheme == "https" else 80):
        shown = f"{shown}:{port}"
    lines = [f"POST {target} HTTP/1.1\r\nHost: {shown}\r\n", fixed, f"Content-Length: {len(body)}\r\n"]
    for name, value in headers.items():
        if any(c in name or c in value for c in "\r\n\0") or ":" in name:
            raise UnusableUrl(f"header {name!r} cannot be sent")
        lines.append(f"{name}: {value}\r\n")
    lines.append("\r\n")
    return (scheme, host, port), "".join(lines).encode("latin-1") + body


async def _read_answer(reader: asyncio.StreamReader) -> tuple[int, bool]:
    """(status, whether the connection can carry another request)."""
    while True:
        head = await reader.readuntil(b"\r\n\r\n")
        lines = head[:-4].decode("latin-1").split("\r\n")
        version, _, rest = lines[0].partition(" ")
        code = rest[:3]
        if not version.startswith("HTTP/1.") or len(code) != 3 or not code.isdigit():
            raise AnswerError("the receiver closed the connection without a valid HTTP answer")
        status = int(code)
        if not 100 <= status < 200 or status == 101:
            break  # an interim answer (100 Continue ...) is followed by the real one
    fields: dict[str, str] = {}
    for line in lines[1:]:
        name, colon, value = line.partition(":")
        if not colon:
            raise AnswerError("the receiver closed the connection without a valid HTTP answer")
        name = name.strip().lower()
        fields[name] = f"{fields[name]}, {value.strip()}" if name in fields else value.strip()
    keep = version == "HTTP/1.1" and "close" not in fields.get("connection", "").lower()
    if status in _NO_BODY:
        return status, keep
    if "chunked" in fields.get("transfer-encoding", "").lower():
        return status, keep and await _read_chunked(reader, MAX_ANSWER_BYTES)
    length = fields.get("content-length")
    if length is None:  # the body ends with the connection: not read, not kept
        return status, False
    if not length.isdigit():
        raise AnswerError("the receiver closed the connection without a valid HTTP answer")
    if int(length) > MAX_ANSWER_BYTES:
        return status, False  # the rest is dropped with the connection
    await reader.readexactly(int(length))
    return status, keep


async def _read_chunked(reader: asyncio.StreamReader, budget: int) -> bool:
    """Read a chunked body of at most `budget` bytes; False when it is longer (left unread)."""
    while True:
        line = await reader.readuntil(b"\r\n")
        size_text = line.split(b";", 1)[0].strip()
        try:
            size = int(size_text, 16)
        except ValueError:
            raise AnswerError("the receiver closed the connection without a valid HTTP answer") from None
        if size == 0:
            while await reader.readuntil(b"\r\n") != b"\r\n":  # trailers, if any
                pass
            return True
        if size > budget:
            return False
        budget -= size
        await reader.readexactly(size + 2)
