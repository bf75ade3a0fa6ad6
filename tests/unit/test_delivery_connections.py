"""The callback client's kept-alive connections (delivery/connections.py) against scripted receivers."""

from __future__ import annotations

import asyncio
import ssl

import pytest

from mock_server.delivery.connections import (
    MAX_ANSWER_BYTES,
    MAX_HEAD_BYTES,
    AnswerError,
    ConnectionPool,
    UnusableUrl,
)
from mock_server.delivery.sender import describe


class Receiver:
    """A loopback server answering each request with the next scripted answer (bytes), or by
    closing the connection (None). Counts connections and keeps the requests it read."""

    def __init__(self, answers: list[bytes | None]) -> None:
        self.answers = answers
        self.connections = 0
        self.requests: list[bytes] = []
        self.server: asyncio.AbstractServer | None = None

    async def __aenter__(self) -> "Receiver":
        self.server = await asyncio.start_server(self._serve, "127.0.0.1", 0)
        return self

    async def __aexit__(self, *exc: object) -> None:
        assert self.server is not None
        self.server.close()

    @property
    def url(self) -> str:
        assert self.server is not None
        return f"http://127.0.0.1:{self.server.sockets[0].getsockname()[1]}/hook?x=1"

    async def _serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self.connections += 1
        try:
            while self.answers:
                head = await reader.readuntil(b"\r\n\r\n")
                length = int(head.lower().split(b"content-length: ")[1].split(b"\r\n")[0])
                self.requests.append(head + await reader.readexactly(length))
                answer = self.answers.pop(0)
                if answer is None:
                    break
                writer.write(answer)
                await writer.drain()
        except (asyncio.IncompleteReadError, ConnectionError):
            pass
        finally:
            writer.close()


def pool() -> ConnectionPool:
    return ConnectionPool(ssl.create_default_context, {"User-Agent": "test-agent"})


def run(coroutine):  # type: ignore[no-untyped-def]
    return asyncio.run(coroutine)


OK = b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok"


def test_requests_share_one_kept_connection_and_carry_body_and_headers():
    async def main() -> Receiver:
        async with Receiver([OK, OK, OK]) as receiver:
            client = pool()
            for n in range(3):
                assert await client.post(receiver.url, b'{"n":%d}' % n, {"X-Signature": "abc"}) == 200
            await client.aclose()
            return receiver

    receiver = run(main())
    assert receiver.connections == 1
    first = receiver.requests[0]
    assert first.startswith(b"POST /hook?x=1 HTTP/1.1\r\nHost: 127.0.0.1:")
    assert b"\r\nUser-Agent: test-agent\r\n" in first and b"\r\nX-Signature: abc\r\n" in first
    assert first.endswith(b'\r\n\r\n{"n":0}')


@pytest.mark.parametrize("answer,kept", [
    (b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\nConnection: close\r\n\r\nok", False),
    (b"HTTP/1.0 200 OK\r\nContent-Length: 2\r\n\r\nok", False),
    (b"HTTP/1.1 200 OK\r\n\r\nbody until the end", False),  # no length: never read
    (b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nok\r\n0\r\n\r\n", True),
    (b"HTTP/1.1 204 No Content\r\n\r\n", True),
    (b"HTTP/1.1 200 OK\r\nContent-Length: %d\r\n\r\n" % (MAX_ANSWER_BYTES + 1) + b"x" * (MAX_ANSWER_BYTES + 1), False),
    (b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n%x\r\n" % (MAX_ANSWER_BYTES + 1)
     + b"x" * (MAX_ANSWER_BYTES + 1) + b"\r\n0\r\n\r\n", False),
])
def test_a_connection_is_kept_only_after_a_complete_answer_within_the_bound(answer, kept):
    async def main() -> int:
        async with Receiver([answer, OK]) as receiver:
            client = pool()
            assert await client.post(receiver.url, b"{}", {}) == int(answer.split()[1])
            assert await client.post(receiver.url, b"{}", {}) == 200
            await client.aclose()
            return receiver.connections

    assert run(main()) == (1 if kept else 2)


def test_redirects_are_answers_and_interim_answers_are_skipped():
    async def main() -> list[int]:
        redirect = b"HTTP/1.1 307 Temporary Redirect\r\nLocation: http://127.0.0.1:1/elsewhere\r\nContent-Length: 0\r\n\r\n"
        interim = b"HTTP/1.1 100 Continue\r\n\r\n" + OK
        async with Receiver([redirect, interim]) as receiver:
            client = pool()
            found = [await client.post(receiver.url, b"{}", {}), await client.post(receiver.url, b"{}", {})]
            await client.aclose()
            return found

    assert run(main()) == [307, 200]


def test_a_kept_connection_the_receiver_closed_is_replaced_once():
    async def main() -> tuple[int, int]:
        # the receiver closes after its first answer without saying so
        async with Receiver([OK, None]) as first:
            client = pool()
            assert await client.post(first.url, b"{}", {}) == 200
            first.answers[:] = [None, OK]  # the kept connection is read once, then closed
            await asyncio.sleep(0)
            status = await client.post(first.url, b"{}", {})
            await client.aclose()
            return status, first.connections

    status, connections = run(main())
    assert status == 200 and connections == 2


@pytest.mark.parametrize("answer", [
    b"garbage\r\n\r\n",
    b"HTTP/1.1 20x OK\r\n\r\n",
    b"HTTP/1.1 200 OK\r\nno colon here\r\n\r\n",
    b"HTTP/1.1 200 OK\r\nContent-Length: many\r\n\r\n",
    b"HTTP/1.1 200 OK\r\nX-Long: " + b"a" * MAX_HEAD_BYTES + b"\r\n\r\n",
    b"HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nshort",  # then the receiver closes
])
def test_an_invalid_answer_is_a_failed_attempt_in_words(answer):
    async def main() -> str:
        async with Receiver([answer]) as receiver:  # then it closes
            client = pool()
            try:
                await client.post(receiver.url, b"{}", {})
            except Exception as error:  # noqa: BLE001 - the words are what is checked
                assert isinstance(error, AnswerError)
                return describe(error)
            finally:
                await client.aclose()
        raise AssertionError("no error")

    assert run(main()) == "the receiver closed the connection without a valid HTTP answer"


@pytest.mark.parametrize("url", ["ftp://127.0.0.1/x", "http:///nohost", "http://127.0.0.1:99999/x",
                                 "http://[::1/x"])
def test_an_unusable_url_is_named(url):
    async def main() -> str:
        try:
            await pool().post(url, b"{}", {})
        except UnusableUrl as error:
            return describe(error)
        raise AssertionError("no error")

    assert run(main()) == "unusable callback URL"


def test_a_header_cannot_smuggle_another_line():
    async def main() -> None:
        await pool().post("http://127.0.0.1:9/x", b"{}", {"X-A": "1\r\nX-B: 2"})

    with pytest.raises(UnusableUrl):
        run(main())
