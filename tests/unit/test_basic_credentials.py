"""A `Basic` header that matched a key is remembered with that very key: a key removed or replaced
refuses the same header at once, and the memory is bounded."""

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


def test_the_headers_remembered_as_matching_are_bounded_and_replaced_keys_are_checked_again():
    from mock_server.http.auth import VERIFIED_HEADERS

    keys = [AccessKey(f"k{n}", "s") for n in range(VERIFIED_HEADERS + 5)]
    authenticator = Authenticator(keys, Clock(), Rng(1))
    for key in keys:
        assert authenticator.authenticate(basic(key.key_id, "s"), None) is key
    assert 0 < len(authenticator._verified) <= VERIFIED_HEADERS
    header = basic("k0", "s")
    authenticator.authenticate(header, None)
    assert authenticator._verified[header] is keys[0]
    scoped = AccessKey("k0", "s", project_id="only-this")  # same secret, now bound to one project
    authenticator.add_keys([scoped])
    with pytest.raises(ApiError, match="may not be used for project"):
        authenticator.authenticate(header, "another")
    assert authenticator._verified[header] is scoped


def test_a_remembered_header_passes_at_once_only_for_a_key_that_works_for_every_project():
    everywhere, one_project = AccessKey("all", "s"), AccessKey("one", "s", project_id="p1")
    authenticator = Authenticator([everywhere, one_project], Clock(), Rng(1))
    every, only = basic("all", "s"), basic("one", "s")
    assert not authenticator.any_project(every)  # not yet checked: the full check runs
    authenticator.authenticate(every, "p9")
    authenticator.authenticate(only, "p1")
    assert authenticator.any_project(every)
    assert not authenticator.any_project(only)  # bound to p1: its project is checked each time
    with pytest.raises(ApiError, match="may not be used for project"):
        authenticator.authenticate(only, "p2")
    authenticator.remove_keys(["all"])
    assert not authenticator.any_project(every)
