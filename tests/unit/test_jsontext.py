"""JSON text read with bounds (mock_server.core.jsontext): hostile bodies are refused, not crashes."""

from __future__ import annotations

import json

import pytest

from mock_server.core.jsontext import (
    MAX_INT_DIGITS,
    MAX_JSON_DEPTH,
    PIECE_CHARS,
    JsonTextError,
    check_text,
    parse_json,
)


@pytest.mark.parametrize("text, reason", [
    ("[" * 1000 + "]" * 1000, f"nested more than {MAX_JSON_DEPTH} levels deep"),
    ('{"a":' * 100_000 + "1" + "}" * 100_000, f"nested more than {MAX_JSON_DEPTH} levels deep"),
    ("[" * (MAX_JSON_DEPTH + 1) + "]" * (MAX_JSON_DEPTH + 1), "nested more than"),
    ('{"seconds": ' + "9" * 5000 + "}", f"more than {MAX_INT_DIGITS} digits"),
    ("1" * (MAX_INT_DIGITS + 1), f"more than {MAX_INT_DIGITS} digits"),
    ("1e400", "too large"),
    ("-1e400", "too large"),
    ("NaN", "NaN is not a JSON number"),
    ('{"x": Infinity}', "Infinity is not a JSON number"),
    ('{"displayName": "\\ud800"}', "lone surrogate"),
    ('{"\\udfff": 1}', "lone surrogate"),
    ('["ok", {"a": ["\\uDBFF"]}]', "lone surrogate"),
    (b'"\xed\xa0\x80"', "not UTF-8"),
    ("{", "not valid JSON"),
    ("\ufeff{}", "Unexpected UTF-8 BOM"),
    # texts longer than one piece (decoded and searched a piece at a time)
    ('["' + "a" * (PIECE_CHARS + 10) + '", "\\ud800"]', "lone surrogate"),
    (b'["' + b"a" * (PIECE_CHARS + 10) + b'\xff"]', "not UTF-8"),
])
def test_hostile_json_is_refused_with_the_reason(text, reason):
    with pytest.raises(JsonTextError, match=reason):
        parse_json(text if isinstance(text, bytes) else text.encode())


def test_what_is_within_the_bounds_is_read_as_usual():
    nested = "[" * MAX_JSON_DEPTH + "]" * MAX_JSON_DEPTH
    assert parse_json(nested.encode()) is not None
    assert parse_json(('{"n": ' + "9" * MAX_INT_DIGITS + ', "f": 1.5e300}').encode()) == \
        {"n": int("9" * MAX_INT_DIGITS), "f": 1.5e300}
    assert parse_json('"\\ud83d\\ude00"'.encode()) == "\U0001F600"  # a surrogate pair is one character


def test_a_consumed_buffer_is_emptied_once_decoded():
    raw = bytearray(b'{"a": 1}')
    assert parse_json(raw, consume=True) == {"a": 1}
    assert raw == bytearray()


def test_check_text_finds_a_lone_surrogate_anywhere():
    check_text({"a": ["fine", {"b": "\U0001F600"}]})
    with pytest.raises(JsonTextError):
        check_text({"a": ["fine", {"b": "x\udc00"}]})


def test_encode_pieces_writes_encoded_json_as_it_is():
    from mock_server.core.jsontext import EncodedJson, encode_pieces

    def document(record):
        return [{"records": {"k": record}, "n": 1},  # small: would go to the encoder whole
                {"records": {f"k{i}": record for i in range(50)}, "other": list(range(30))},  # taken apart
                [record, {"c": None}]]

    for value, plain in zip(document(EncodedJson('{"a":[1,2],"b":"x"}')), document({"a": [1, 2], "b": "x"})):
        text = "".join(encode_pieces(value, small=10))
        assert text == json.dumps(plain, separators=(",", ":"))  # the text itself, never quoted as a string


# --- answers: answer_json writes what compact_json writes ----------------------------------------
from hypothesis import given, strategies as st  # noqa: E402

from mock_server.core.jsontext import answer_json, compact_json  # noqa: E402

_ANSWER_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers(min_value=-(2**63), max_value=2**63 - 1) | st.text()
    | st.floats(allow_nan=False, allow_infinity=False).filter(lambda x: x == 0 or abs(x) >= 1e-4),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(), inner, max_size=4),
    max_leaves=20)


@given(_ANSWER_VALUES)
def test_answer_json_writes_the_bytes_compact_json_writes(value):
    assert answer_json(value) == compact_json(value).encode("utf-8")


def test_answer_json_takes_what_orjson_refuses_from_compact_json():
    assert answer_json({"n": 10**30, 1: "a"}) == b'{"n":1000000000000000000000000000000,"1":"a"}'
    with pytest.raises(TypeError):
        answer_json({"x": object()})


def test_answer_json_writes_a_tiny_float_without_an_exponent():
    """The one documented difference from compact_json: the same number, another spelling."""
    assert compact_json(1e-05) == "1e-05"
    assert answer_json(1e-05) == b"0.00001"
    assert json.loads(answer_json(1e-05)) == 1e-05
