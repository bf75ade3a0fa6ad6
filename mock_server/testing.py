"""Helpers for testing your own callback handler against the mock.

Verify a callback's signature exactly as your handler should (on the raw body, before
parsing the JSON):

    from mock_server.testing import verify_signature

    assert verify_signature("my-secret", request_body_bytes, request_headers)

Build a signed request, as the mock would send it, to feed your handler in a unit test:

    body, headers = signed_callback({"eventId": "e1", ...}, secret="my-secret")

Receive real callbacks on loopback in an integration test (point a `callbackUrl` at
`receiver.url`):

    with CallbackReceiver(respond=[500, 200]) as receiver:   # each event: 500 first, then 200
        ...  # import a number with callbackUrl=receiver.url, advance the mock's clock
        assert receiver.wait_for(1)
        assert receiver.received[-1].verify("my-secret")
"""

from __future__ import annotations

import json
import threading
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Callable, Mapping, Sequence, Union

from mock_server.delivery.signing import SIGNATURE_HEADER, body_bytes, request_headers, sign, verify

__all__ = ["SIGNATURE_HEADER", "sign", "verify_signature", "signed_callback", "ReceivedCallback",
           "CallbackReceiver"]


def _signature_from(headers_or_signature: Mapping[str, str] | str | None) -> str | None:
    if headers_or_signature is None or isinstance(headers_or_signature, str):
        return headers_or_signature
    wanted = SIGNATURE_HEADER.lower()
    for name, value in headers_or_signature.items():
        if name.lower() == wanted:
            return value
    return None


def verify_signature(secret: str | bytes, body: bytes | str,
                     headers_or_signature: Mapping[str, str] | str | None) -> bool:
    """True when the `X-Sinch-Signature` (given as the headers of the request, in any letter
    case, or as the header's value) is the HMAC-SHA1 of the raw `body` keyed with `secret`.

    Compare on the bytes received, never on re-serialized JSON. A missing header is False. The
    comparison is constant-time and ignores the hex digits' letter case.
    """
    raw = body.encode("utf-8") if isinstance(body, str) else body
    return verify(secret, raw, _signature_from(headers_or_signature))


def signed_callback(payload: Mapping[str, Any], secret: str | None = None) -> tuple[bytes, dict[str, str]]:
    """The body and headers the mock sends for `payload` (signed when `secret` is given)."""
    body = body_bytes(dict(payload))
    return body, request_headers(body, secret)


@dataclass
class ReceivedCallback:
    """One request a `CallbackReceiver` got, and the status it answered."""

    path: str
    headers: dict[str, str]
    body: bytes
    status: int | None = None  # None while the answer is being decided

    @property
    def payload(self) -> dict[str, Any]:
        return json.loads(self.body)

    @property
    def event_id(self) -> str | None:
        try:
            return self.payload.get("eventId")
        except ValueError:
            return None

    @property
    def signature(self) -> str | None:
        return _signature_from(self.headers)

    def verify(self, secret: str | bytes) -> bool:
        return verify_signature(secret, self.body, self.headers)


Responder = Union[int, Sequence[int], Callable[[ReceivedCallback], int]]


@dataclass
class CallbackReceiver:
    """A small HTTP server on 127.0.0.1 (a free port) that records every POST it gets.

    `respond` decides each answer: a status for every request; a sequence of statuses used in
    turn for each event (by `eventId`: the first delivery of an event gets the first status, the
    next one the second, and the last repeats); or a function of the received callback (it may
    block, to play a receiver that does not answer). Use it as a context manager.
    """

    respond: Responder = 200
    host: str = "127.0.0.1"
    received: list[ReceivedCallback] = field(default_factory=list)

    def __post_init__(self) -> None:
        self._lock = threading.Condition()
        self._seen: dict[str | None, int] = {}
        self._server: ThreadingHTTPServer | None = None

    # --- lifecycle ------------------------------------------------------------------------------
    def start(self) -> "CallbackReceiver":
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_POST(self) -> None:  # noqa: N802 (http.server's naming)
                length = int(self.headers.get("Content-Length") or 0)
                call = ReceivedCallback(self.path, dict(self.headers.items()), self.rfile.read(length))
                status = receiver._answer(call)
                try:
                    self.send_response(status)
                    self.send_header("Content-Length", "0")
                    self.end_headers()
                except OSError:  # the sender gave up waiting (its timeout) and hung up
                    self.close_connection = True

            def log_message(self, format: str, *args: Any) -> None:
                pass

        server = ThreadingHTTPServer((self.host, 0), Handler)
        server.daemon_threads = True
        server.block_on_close = False
        self._server = server
        threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05},
                         name="callback-receiver", daemon=True).start()
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None

    def __enter__(self) -> "CallbackReceiver":
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    # --- what it saw ----------------------------------------------------------------------------
    @property
    def url(self) -> str:
        return self.url_for("/callback")

    def url_for(self, path: str) -> str:
        """A URL on this receiver (different paths are different destinations to the mock)."""
        assert self._server is not None, "start the receiver first"
        return f"http://{self.host}:{self._server.server_port}{path}"

    def wait_for(self, count: int, timeout: float = 10.0) -> bool:
        """Wait until `count` requests have been answered; False if that takes over `timeout` s."""
        with self._lock:
            return self._lock.wait_for(lambda: self.answered >= count, timeout)

    @property
    def answered(self) -> int:
        return sum(1 for call in self.received if call.status is not None)

    def event_ids(self, status: int | None = None) -> list[str | None]:
        """Event ids in arrival order (only those answered with `status`, if given)."""
        return [c.event_id for c in self.received if status is None or c.status == status]

    def payloads(self) -> list[dict[str, Any]]:
        return [c.payload for c in self.received]

    # --- answering ------------------------------------------------------------------------------
    def _answer(self, call: ReceivedCallback) -> int:
        with self._lock:
            self.received.append(call)
            turn = self._seen.get(call.event_id, 0)
            self._seen[call.event_id] = turn + 1
        respond = self.respond
        if callable(respond):
            status = respond(call)
        elif isinstance(respond, int):
            status = respond
        else:
            status = respond[min(turn, len(respond) - 1)]
        with self._lock:
            call.status = status
            self._lock.notify_all()
        return status
