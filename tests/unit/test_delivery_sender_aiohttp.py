"""The sender's client is aiohttp: its own error classes read in the same words as any other
failure, an answer that is not HTTP is named so, and a small answer leaves the connection in
the pool while an endless one is cut at the bound (tests/unit/test_delivery_hardening.py)."""

from __future__ import annotations

import asyncio
import errno
import socket
import threading

import aiohttp
import pytest

from mock_server.delivery import sender
from mock_server.delivery.sender import INVALID_ANSWER, describe
from mock_server.domain.events import DeliveryState
from tests.unit.delivery_support import advance, new_world, record


@pytest.mark.parametrize("error,words", [
    (aiohttp.ClientConnectorError(None, ConnectionRefusedError(errno.ECONNREFUSED, "Connect call failed")),
     "connection refused"),
    (aiohttp.ClientConnectorDNSError(None, OSError(None, "Name or service not known")), "name not resolved"),
    (aiohttp.ClientOSError(errno.ECONNRESET, "Connection reset by peer"), "connection reset by the receiver"),
    (aiohttp.ServerTimeoutError("Timeout on reading data from socket"), "timed out"),
    (aiohttp.ServerDisconnectedError(), INVALID_ANSWER),
    (aiohttp.ClientPayloadError("Response payload is not completed"), INVALID_ANSWER),
    (aiohttp.InvalidURL("http://[::1"), "unusable callback URL"),
])
def test_aiohttp_errors_are_described_in_words(error, words):
    text = describe(error)
    assert text == words
    assert "Error" not in text


def _one_shot_server(answer: bytes) -> tuple[socket.socket, str]:
    """A receiver that reads one request, writes `answer` and hangs up."""
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(4)

    def serve() -> None:
        connection, _ = server.accept()
        with connection:
            request = b""
            while b"\r\n\r\n" not in request:
                request += connection.recv(65536)
            connection.sendall(answer)

    threading.Thread(target=serve, daemon=True).start()
    return server, f"http://127.0.0.1:{server.getsockname()[1]}/cb"


@pytest.mark.parametrize("answer", [b"", b"NOT HTTP AT ALL\r\n\r\n"])
def test_a_receiver_that_hangs_up_without_an_http_answer_is_named_so_in_the_ledger(answer):
    server, url = _one_shot_server(answer)
    try:
        world = new_world(max_attempts=1, timeout=5)
        event, = record(world, url)
        advance(world, 0)
        assert event.state == DeliveryState.FAILED
        assert [a.error for a in event.attempts] == [INVALID_ANSWER]
    finally:
        server.close()


def test_a_small_answer_body_is_read_whole_and_the_connection_kept_for_the_next_attempt():
    accepted = []
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(4)

    def serve() -> None:
        connection, _ = server.accept()
        accepted.append(connection)
        with connection:
            for _ in range(2):
                request = b""
                while b"\r\n\r\n" not in request:
                    request += connection.recv(65536)
                length = int(request.lower().split(b"content-length:")[1].split(b"\r\n")[0])
                body = request.split(b"\r\n\r\n", 1)[1]
                while len(body) < length:
                    body += connection.recv(65536)
                connection.sendall(b"HTTP/1.1 200 OK\r\nContent-Length: 6\r\n\r\nthanks")

    threading.Thread(target=serve, daemon=True).start()
    url = f"http://127.0.0.1:{server.getsockname()[1]}/cb"

    async def two_posts() -> list[int | None]:
        client = sender.new_client()
        try:
            return [(await sender.post(client, url, b"{}", {"Content-Type": "application/json"}, 5)).status_code
                    for _ in range(2)]
        finally:
            await client.aclose()

    try:
        assert asyncio.run(two_posts()) == [200, 200]
        assert len(accepted) == 1  # both over one kept-alive connection
    finally:
        server.close()
