"""`bodies.header`: a request header read from the ASGI scope, as `request.headers.get` reads it."""

import pytest
from starlette.requests import Request

from mock_server.http.bodies import header

RAW = [(b"content-type", b"application/json; charset=utf-8"), (b"x-twice", b"first"), (b"x-twice", b"second"),
       (b"x-latin", "caf\u00e9".encode("latin-1")), (b"content-length", b"12")]


@pytest.mark.parametrize("name", ["content-type", "content-length", "x-twice", "x-latin", "absent"])
def test_a_header_reads_as_the_headers_mapping_reads_it(name):
    request = Request({"type": "http", "method": "POST", "headers": RAW})
    assert header(request, name.encode()) == request.headers.get(name)


def test_the_first_of_a_repeated_header_and_none_for_an_absent_one():
    request = Request({"type": "http", "method": "POST", "headers": RAW})
    assert header(request, b"x-twice") == "first"
    assert header(request, b"x-latin") == "caf\u00e9"
    assert header(request, b"absent") is None
