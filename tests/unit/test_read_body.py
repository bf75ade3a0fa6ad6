"""`bodies.read_body`: the ASGI messages of a body read with its bound, as Starlette's stream reads them."""

import asyncio

import pytest
from starlette.requests import ClientDisconnect, Request

from mock_server.core.errors import ApiError
from mock_server.http.bodies import read_body


def reading(messages: list[dict], headers: list | None = None, limit: int = 10) -> tuple[object, int]:
    """What read_body answers (or raises) for `messages`, and how many of them it asked for."""
    given = iter(messages)
    asked = 0

    async def receive() -> dict:
        nonlocal asked
        asked += 1
        return next(given)

    request = Request({"type": "http", "method": "POST", "headers": headers or []}, receive)
    try:
        return asyncio.run(read_body(request, limit)), asked
    except (ApiError, ClientDisconnect) as error:
        return error, asked


def chunk(body: bytes, more: bool = True) -> dict:
    return {"type": "http.request", "body": body, "more_body": more}


def test_chunks_are_joined_until_the_last_and_an_empty_or_absent_body_is_empty():
    assert reading([chunk(b"ab"), chunk(b""), {"type": "http.request", "more_body": True}, chunk(b"cd", False)]) \
        == (bytearray(b"abcd"), 4)
    assert reading([{"type": "http.request"}]) == (bytearray(), 1)


def test_a_body_is_413_as_soon_as_it_passes_the_limit():
    error, asked = reading([chunk(b"12345"), chunk(b"123456"), chunk(b"never read", False)])
    assert isinstance(error, ApiError) and error.http_status == 413 and asked == 2
    assert reading([chunk(b"1234567890", False)]) == (bytearray(b"1234567890"), 1)  # the limit itself is fine


def test_a_content_length_over_the_limit_is_413_before_anything_is_read():
    error, asked = reading([chunk(b"x", False)], headers=[(b"content-length", b"11")])
    assert isinstance(error, ApiError) and error.http_status == 413 and asked == 0


def test_a_disconnect_before_the_last_chunk_is_a_client_disconnect():
    error, asked = reading([chunk(b"ab"), {"type": "http.disconnect"}, chunk(b"cd", False)])
    assert isinstance(error, ClientDisconnect) and asked == 2
