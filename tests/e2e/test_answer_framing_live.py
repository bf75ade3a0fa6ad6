"""Answers on a real `sinch-mock serve` connection, now that a head leaves together with its body
(serving.HeadWithBody): pipelined requests, `Expect: 100-continue`, `HEAD`, and answers that
follow each other on one kept-alive connection all arrive whole and in order."""

from __future__ import annotations

import json
import socket
from urllib.parse import urlsplit

import pytest

from tests.conftest import AUTH_HEADERS
from tests.e2e.test_cli_serve import start, stop, wait_healthy

pytestmark = pytest.mark.live
AUTHORIZATION = f"Authorization: {AUTH_HEADERS['Authorization']}\r\n".encode()
NUMBER_PATH = b"/v1/projects/frame/importedNumbers/%2B12025550100"
IMPORT = json.dumps({"phoneNumber": "+12025550100", "regionCode": "US",
                     "smsConfiguration": {"servicePlanId": "plan"}}).encode()


class Reader:
    """HTTP/1.1 answers read one by one from a socket, bytes past one answer kept for the next."""

    def __init__(self, sock: socket.socket) -> None:
        self.sock, self.pending = sock, b""

    def _more(self) -> None:
        chunk = self.sock.recv(65536)
        if not chunk:
            raise ConnectionError(f"closed with {self.pending!r} unread")
        self.pending += chunk

    def answer(self, has_body: bool = True) -> tuple[int, dict[str, str], bytes]:
        while b"\r\n\r\n" not in self.pending:
            self._more()
        head, _, self.pending = self.pending.partition(b"\r\n\r\n")
        lines = head.decode("latin-1").split("\r\n")
        headers = {k.lower(): v.strip() for k, v in (line.split(":", 1) for line in lines[1:])}
        length = int(headers.get("content-length", "0")) if has_body else 0
        while len(self.pending) < length:
            self._more()
        body, self.pending = self.pending[:length], self.pending[length:]
        return int(lines[0].split()[1]), headers, body


@pytest.fixture(scope="module")
def served():
    process, url, _ = start()
    wait_healthy(url)
    parts = urlsplit(url)
    yield parts.hostname, parts.port
    assert stop(process) == 0


def request(method: bytes, path: bytes, body: bytes = b"", extra: bytes = b"") -> bytes:
    length = (b"Content-Length: %d\r\nContent-Type: application/json\r\n" % len(body)) if method == b"POST" else b""
    return method + b" " + path + b" HTTP/1.1\r\nHost: 127.0.0.1\r\n" + AUTHORIZATION + length + extra + b"\r\n" + body


def test_an_import_after_expect_100_continue_then_head_and_pipelined_gets_on_one_connection(served):
    with socket.create_connection(served, timeout=10) as sock:
        reader = Reader(sock)
        sock.sendall(request(b"POST", b"/v1/projects/frame/importedNumbers", extra=b"Expect: 100-continue\r\n")
                     .replace(b"Content-Length: 0", b"Content-Length: %d" % len(IMPORT)))
        status, _, _ = reader.answer(has_body=False)
        assert status == 100  # the interim answer comes before the body is sent, not held back
        sock.sendall(IMPORT)
        status, headers, body = reader.answer()
        assert status == 200 and json.loads(body)["phoneNumber"] == "+12025550100"
        assert headers["content-length"] == str(len(body))

        sock.sendall(request(b"HEAD", NUMBER_PATH))
        status, headers, body = reader.answer(has_body=False)  # a head alone: no body follows
        assert status == 200 and int(headers["content-length"]) > 0

        sock.sendall(request(b"GET", NUMBER_PATH) + request(b"GET", b"/v1/projects/frame/importedNumbers/%2B12025550199")
                     + request(b"GET", NUMBER_PATH))
        answers = [reader.answer() for _ in range(3)]
        assert [status for status, _, _ in answers] == [200, 404, 200]
        assert answers[0][2] == answers[2][2]
        assert json.loads(answers[1][2])["status"] == "NOT_FOUND"
        assert reader.pending == b""
