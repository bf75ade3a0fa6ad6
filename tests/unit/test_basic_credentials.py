"""The decoded `Basic` credentials are kept per header, the keys they name are not: a key
removed or replaced refuses the same header at once."""

import base64

import pytest

from mock_server.config import AccessKey
from mock_server.core.clock import Clock
from mock_server.core.errors import ApiError
from mock_server.core.rng import Rng
from mock_server.http.auth import BASIC_CACHE_HEADER_LIMIT, Authenticator


def basic(key_id: str, secret: str) -> str:
    return "Basic " + base64.b64encode(f"{key_id}:{secret}".encode()).decode()


def test_a_removed_or_replaced_key_refuses_a_header_it_accepted_before():
    authenticator = Authenticator([AccessKey("k", "s")], Clock(), Rng(1))
    header = basic("k", "s")
    assert authenticator.authenticate(header, "p").key_id == "k"
    authenticator.add_keys([AccessKey("k", "other")])
    with pytest.raises(ApiError):
        authenticator.authenticate(header, "p")
    authenticator.add_keys([AccessKey("k", "s")])
    assert authenticator.authenticate(header, "p").key_id == "k"
    authenticator.remove_keys(["k"])
    with pytest.raises(ApiError):
        authenticator.authenticate(header, "p")


def test_long_and_malformed_headers_answer_as_short_ones():
    secret = "x" * BASIC_CACHE_HEADER_LIMIT
    authenticator = Authenticator([AccessKey("k", secret)], Clock(), Rng(1))
    assert authenticator.authenticate(basic("k", secret), None).key_id == "k"  # past the cached length
    for header in ("Basic", "Basic !!!", "Basic " + base64.b64encode(b"no-colon").decode(), basic("k", "wrong")):
        with pytest.raises(ApiError):
            authenticator.authenticate(header, None)
