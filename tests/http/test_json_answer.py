"""http.common.JsonAnswer answers exactly as Starlette's JSONResponse would: body, headers, status."""

from __future__ import annotations

import pytest
from hypothesis import given, strategies as st
from starlette.responses import JSONResponse

from mock_server.http.common import JsonAnswer

_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers(min_value=-(2**63), max_value=2**63 - 1) | st.text(),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(), inner, max_size=3), max_leaves=12)


@given(_VALUES, st.sampled_from([200, 201, 400, 404, 409, 500]))
def test_a_json_answer_is_the_json_response_starlette_would_give(value, status):
    ours, starlettes = JsonAnswer(value, status), JSONResponse(value, status)
    assert (ours.status_code, ours.body, ours.raw_headers) == (starlettes.status_code, starlettes.body,
                                                                starlettes.raw_headers)


@pytest.mark.parametrize("status, headers", [(200, {"Cache-Control": "no-store"}), (204, None), (101, None)])
def test_answers_with_their_own_headers_or_no_body_take_starlettes_way(status, headers):
    ours, starlettes = JsonAnswer({"a": 1}, status, headers), JSONResponse({"a": 1}, status, headers)
    assert ours.raw_headers == starlettes.raw_headers
