"""serving.HeadWithBody: an answer's head leaves with its body's first bytes, in one write."""

from __future__ import annotations

from mock_server.serving import HeadWithBody

HEAD = b"HTTP/1.1 200 OK\r\ncontent-length: 2\r\n\r\n"


class Transport:
    def __init__(self) -> None:
        self.writes: list[bytes] = []
        self.closed = False

    def write(self, data: bytes) -> None:
        self.writes.append(data)

    def close(self) -> None:
        self.closed = True

    def is_closing(self) -> bool:
        return self.closed

    def get_extra_info(self, name: str) -> str:
        return f"info:{name}"


def test_the_head_waits_for_the_body_and_both_leave_in_one_write():
    transport = Transport()
    joined = HeadWithBody(transport, "GET")
    joined.write(HEAD)
    assert transport.writes == []
    joined.write(b"{}")
    assert transport.writes == [HEAD + b"{}"]
    joined.write(b"more")  # later body chunks go out as they come
    assert transport.writes == [HEAD + b"{}", b"more"]


def test_the_interim_continue_goes_out_at_once_and_the_head_after_it_still_waits():
    transport = Transport()
    joined = HeadWithBody(transport, "POST")
    joined.write(b"HTTP/1.1 100 Continue\r\n\r\n")
    assert transport.writes == [b"HTTP/1.1 100 Continue\r\n\r\n"]
    joined.write(HEAD)
    joined.write(b"{}")
    assert transport.writes[1:] == [HEAD + b"{}"]


def test_an_answer_to_head_is_written_at_once_no_body_follows():
    transport = Transport()
    HeadWithBody(transport, "HEAD").write(HEAD)
    assert transport.writes == [HEAD]


def test_a_held_head_is_written_before_the_connection_closes():
    transport = Transport()
    joined = HeadWithBody(transport, "GET")
    joined.write(HEAD)
    joined.close()
    assert transport.writes == [HEAD] and transport.closed
    assert joined.is_closing() is True
    assert joined.get_extra_info("socket") == "info:socket"
