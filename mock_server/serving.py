"""Running an app on a real socket: the listening socket, the HTTP protocol and the stop.

`sinch-mock serve` binds its own socket (so `--port 0` can print the port it got before
serving). These details decide how the server behaves under load:

- The socket is created with `IPPROTO_TCP`: asyncio turns on `TCP_NODELAY` only for accepted
  sockets whose protocol number says TCP, and without it every answer on a kept-alive
  connection waits for the client's delayed ACK (about 40 ms; Nagle's algorithm).
- The accept backlog is `BACKLOG`, so a burst of new connections waits in the kernel instead
  of being dropped.
- HTTP/1.1 is parsed by httptools (llhttp, from `uvicorn[standard]`), several times cheaper than
  h11; h11 serves when httptools is not installed. With httptools, a request carrying both
  `Content-Length` and `Transfer-Encoding` still reaches the app, whose framing check
  (http/framing.py) answers it in the API's error shape, as with h11; and the request line with
  its headers is bounded by `MAX_HEAD_BYTES`, as h11 bounds them (400, connection closed).
- An idle kept-alive connection is closed after `KEEP_ALIVE_SECONDS`, longer than the idle
  time of the usual client pools (httpx 5 s, Node 5 s, aiohttp 15 s, Go 90 s ...), so it is the
  client that closes first; and never while a request already waits unread in the kernel: a
  busy event loop can run the idle timer after the client sent its next request, and closing
  then drops that request with no answer (what looked like connections "closed for nothing").
- An answer's head (status line and headers) goes out with the first bytes of its body, in one
  write: one `send` call and, usually, one TCP segment per answer instead of two
  (`HeadWithBody`).
- What start-up made (modules, the spec, phone metadata, a loaded scenario or state file) is
  moved out of the cyclic garbage collector's sight before serving, and its youngest generation
  is collected every `YOUNG_COLLECTION_ALLOCATIONS` allocations instead of Python's 700: the
  collector then spends its time on what requests make (`settle_heap`).
"""

from __future__ import annotations

import asyncio
import gc
import select
import socket
from typing import Any, Callable

import uvicorn

try:
    from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol
except ImportError:  # pragma: no cover - httptools comes with uvicorn[standard]
    HttpToolsProtocol = None  # type: ignore[assignment,misc]

BACKLOG = 2048
KEEP_ALIVE_SECONDS = 120
GRACEFUL_SHUTDOWN_SECONDS = 3
MAX_HEAD_BYTES = 16 * 1024  # request line and headers; h11's own bound (h11 serves without httptools)
YOUNG_COLLECTION_ALLOCATIONS = 10_000  # the collector's first threshold (Python's default: 700)
OLDER_COLLECTIONS = 20  # collections of a generation before the next one is collected (default: 10)


def settle_heap() -> None:
    """Before serving: collect once, then freeze what is left (it lives as long as the process:
    `gc.freeze`), and collect the young generation less often (`YOUNG_COLLECTION_ALLOCATIONS`)."""
    gc.collect()
    gc.freeze()
    gc.set_threshold(YOUNG_COLLECTION_ALLOCATIONS, OLDER_COLLECTIONS, OLDER_COLLECTIONS)


def listening_socket(host: str, port: int) -> socket.socket:
    """A bound, listening TCP socket; its accepted connections get TCP_NODELAY from asyncio."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind((host, port))
        sock.listen(BACKLOG)
    except OSError:
        sock.close()
        raise
    return sock


def has_unread_input(transport: object) -> bool:
    """Whether bytes (or the peer's close) wait unread in the kernel for this connection."""
    sock = getattr(transport, "get_extra_info")("socket")
    if sock is None:
        return False
    poller = select.poll()
    poller.register(sock.fileno(), select.POLLIN)
    return bool(poller.poll(0))


class _SparesWaitingRequests:
    """The idle timer spares a connection with input waiting (the next event loop round reads
    it, which starts the next request)."""

    transport: "asyncio.Transport"

    def timeout_keep_alive_handler(self) -> None:
        if not self.transport.is_closing() and has_unread_input(self.transport):
            return
        super().timeout_keep_alive_handler()  # type: ignore[misc]


def _keep_alive_protocol() -> type:
    """uvicorn's h11 protocol with the idle timer that spares a waiting request (made, and h11
    imported, only when asked for: with httptools installed `sinch-mock serve` never runs it)."""
    from uvicorn.protocols.http.h11_impl import H11Protocol

    class KeepAliveProtocol(_SparesWaitingRequests, H11Protocol):
        """uvicorn's h11 protocol with the idle timer that spares a waiting request."""

    KeepAliveProtocol.__qualname__ = "KeepAliveProtocol"
    globals()["KeepAliveProtocol"] = KeepAliveProtocol
    return KeepAliveProtocol


def __getattr__(name: str) -> Any:
    if name == "KeepAliveProtocol":
        return _keep_alive_protocol()
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


_CONTINUE = b"HTTP/1.1 100 Continue\r\n\r\n"


class HeadWithBody:
    """The transport one request's answer is written to: the head is held and written together
    with the body's first bytes (uvicorn writes them one after the other, with nothing between).

    The first write that is not the interim `100 Continue` is the head. It is written at once
    when no body write will follow (an answer to `HEAD`), and a held head is written before the
    transport closes (an app that fails after starting its answer)."""

    __slots__ = ("transport", "held", "awaiting_head", "body_follows")

    def __init__(self, transport: "asyncio.Transport", method: str) -> None:
        self.transport = transport
        self.held: bytes | None = None
        self.awaiting_head = True
        self.body_follows = method != "HEAD"

    def write(self, data: bytes) -> None:
        held = self.held
        if held is not None:
            self.held = None
            self.transport.write(held + data)
            return
        if self.awaiting_head and data != _CONTINUE:
            self.awaiting_head = False
            if self.body_follows:
                self.held = data
                return
        self.transport.write(data)

    def close(self) -> None:
        if self.held is not None:
            held, self.held = self.held, None
            self.transport.write(held)
        self.transport.close()

    def is_closing(self) -> bool:
        return self.transport.is_closing()

    def __getattr__(self, name: str) -> Any:
        return getattr(self.transport, name)


if HttpToolsProtocol is not None:
    class FastKeepAliveProtocol(_SparesWaitingRequests, HttpToolsProtocol):  # type: ignore[valid-type,misc]
        """uvicorn's httptools protocol with the same idle timer as `KeepAliveProtocol`; a
        request's head (request line and headers) bounded by `MAX_HEAD_BYTES`; and ambiguous
        framing passed on to the app, which refuses it (http/framing.py)."""

        def __init__(self, *args: Any, **kwargs: Any) -> None:
            super().__init__(*args, **kwargs)
            self.parser.set_dangerous_leniencies(lenient_chunked_length=True)
            self._in_head = True  # between the start of a request and the end of its headers
            self._head_bytes = 0  # bytes received while a head was incomplete
            self._ended = False  # a request ended in the bytes being parsed
            self._began_here = False  # a request began in the bytes being parsed
            self._read = 0  # how many bytes are being parsed

        def on_message_begin(self) -> None:
            super().on_message_begin()
            self._in_head, self._head_bytes, self._began_here = True, 0, True

        def on_headers_complete(self) -> None:
            self._in_head = False
            # A head that began in this read of at most MAX_HEAD_BYTES is within the bound;
            # others are measured.
            if (not self._began_here or self._read > MAX_HEAD_BYTES) and \
                    len(self.url) + sum(len(name) + len(value) for name, value in self.headers) > MAX_HEAD_BYTES:
                raise ValueError("request head too large")  # the parser answers 400 and closes
            before = self.cycle
            super().on_headers_complete()
            if self.cycle is not before:  # a new request's cycle (an upgrade makes none)
                self.cycle.transport = HeadWithBody(self.transport, self.scope["method"])

        def on_message_complete(self) -> None:
            super().on_message_complete()
            self._ended = True

        def data_received(self, data: bytes) -> None:
            self._ended = self._began_here = False
            self._read = len(data)
            super().data_received(data)
            # Bytes of a head still incomplete after this read (a read where a request ended
            # may also hold the next one's start; it is not counted, which errs by one read).
            if self._in_head and not self._ended and self.parser is not None and not self.transport.is_closing():
                self._head_bytes += len(data)
                if self._head_bytes > MAX_HEAD_BYTES:
                    self.logger.warning("Invalid HTTP request received.")
                    self.send_400_response("Invalid HTTP request received.")
else:  # pragma: no cover - uvicorn without httptools
    FastKeepAliveProtocol = None  # type: ignore[assignment,misc]


def http_protocol() -> type:
    """The protocol `sinch-mock serve` runs: httptools' when installed, else h11's."""
    return FastKeepAliveProtocol or _keep_alive_protocol()


class Server(uvicorn.Server):
    """uvicorn's server, telling the app that a stop began before it waits for requests in flight
    (so those can end with an answer instead of being cancelled)."""

    def __init__(self, config: uvicorn.Config, on_stop: Callable[[], None]) -> None:
        super().__init__(config)
        self._on_stop = on_stop

    async def shutdown(self, sockets: list[socket.socket] | None = None) -> None:
        self._on_stop()
        await super().shutdown(sockets)


def server_config(app: object, log_level: str = "warning", log_config: dict | None = None) -> uvicorn.Config:
    """With `log_config` (the mock's own access log, cli.logging_config), uvicorn's is off."""
    # A stop waits this long for requests in flight, then cancels them: Ctrl-C and `docker stop`
    # stay prompt.
    extra = {"log_config": log_config, "access_log": False} if log_config is not None else {}
    return uvicorn.Config(app, log_level=log_level, lifespan="on", http=http_protocol(),  # type: ignore[arg-type]
                          backlog=BACKLOG, timeout_keep_alive=KEEP_ALIVE_SECONDS,
                          timeout_graceful_shutdown=GRACEFUL_SHUTDOWN_SECONDS, **extra)
