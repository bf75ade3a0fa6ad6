"""JSON text read with bounds: what a hostile client sends cannot crash or mislead the mock.

`parse_json(raw)` refuses, with a `JsonTextError` saying why: text that is not UTF-8, nesting
deeper than `MAX_JSON_DEPTH`, integers longer than `MAX_INT_DIGITS` digits, numbers too large to
be finite (`1e400`), `NaN`/`Infinity`, and strings holding a lone surrogate (`"\\ud800"`: text
that cannot be stored, signed or answered as UTF-8). `check_text(data)` is the last check on its
own, for data parsed elsewhere (YAML scenarios).
"""

from __future__ import annotations

import codecs
import json
import math
import re
from typing import Any, Iterator

import orjson

MAX_JSON_DEPTH = 64
MAX_INT_DIGITS = 30

# A lone surrogate can only come from a \uD800-\uDFFF escape (raw surrogate bytes are not UTF-8);
# the full walk is needed only when one appears.
_SURROGATE_ESCAPE = re.compile(r"\\u[dD][89a-fA-F]")


LARGE_TEXT = 1024 * 1024  # longer texts are parsed with a Python hook per object (see _switch_point)
PIECE_CHARS = 1024 * 1024  # encode_pieces joins its output into pieces of about this size
_ENCODER = json.JSONEncoder(ensure_ascii=False, allow_nan=False, separators=(",", ":"))
compact_json = _ENCODER.encode
"""`value` as compact JSON text, as Starlette's JSONResponse writes it (one encoder for every call)."""

def answer_json(value: Any) -> bytes:
    """`value` as compact JSON in UTF-8, the text `compact_json` writes, by orjson (about ten
    times faster for an answer's few nested objects). The one visible difference: a float below
    1e-4 is written without an exponent (`0.00001`, not `1e-05`; the same number). What orjson
    does not take (a key that is not a string, an integer beyond 64 bits, a type neither encoder
    knows) goes to `compact_json`, which writes it or raises as before."""
    try:
        return orjson.dumps(value)
    except TypeError:  # orjson.JSONEncodeError is a TypeError
        return compact_json(value).encode("utf-8")


def _decoder(object_hook: Any = None) -> json.JSONDecoder:
    return json.JSONDecoder(parse_int=_integer, parse_float=_number, parse_constant=_constant,
                            object_hook=object_hook)


def _switch_point(value: dict) -> dict:
    """An object hook that changes nothing: running Python code per object lets other threads
    (the event loop) take their turn while a large text is parsed, which one call into the C
    parser would not."""
    return value


class EncodedJson(str):
    """A value already encoded as compact JSON text (as `_ENCODER` writes it): `encode_pieces`
    writes it as it is. Lets a large document carry its records encoded by their own (faster)
    serializer instead of as dicts encoded again."""

    __slots__ = ()


def encode_pieces(value: Any, small: int = 2000) -> Iterator[str]:
    """`value` as compact JSON text (as Starlette's JSONResponse writes it), in pieces of about
    PIECE_CHARS. Objects and arrays of more than `small` values in all are encoded member by
    member, so no single call into the C encoder holds the interpreter for long; an `EncodedJson`
    member is written as it is."""
    pending: list[str] = []
    size = 0
    for part in _parts(value, small):
        pending.append(part)
        size += len(part)
        if size >= PIECE_CHARS:
            yield "".join(pending)
            pending, size = [], 0
    if pending:
        yield "".join(pending)


def _at_most(value: Any, limit: int) -> bool:
    """Whether `value` holds at most `limit` values, nested ones included (stops counting early)."""
    stack, count = [value], 0
    while stack:
        node = stack.pop()
        count += 1
        if count > limit or type(node) is EncodedJson:  # an EncodedJson cannot go through the encoder
            return False
        if isinstance(node, dict):
            stack.extend(node.values())
        elif isinstance(node, list):
            stack.extend(node)
    return True


def _parts(value: Any, small: int) -> Iterator[str]:
    if type(value) is EncodedJson:
        yield value
    elif isinstance(value, dict) and not _at_most(value, small):
        yield "{"
        for i, (key, member) in enumerate(value.items()):
            yield ("," if i else "") + _ENCODER.encode(str(key)) + ":"
            yield from _parts(member, small)
        yield "}"
    elif isinstance(value, list) and not _at_most(value, small):
        yield "["
        for i, member in enumerate(value):
            if i:
                yield ","
            yield from _parts(member, small)
        yield "]"
    else:
        yield _ENCODER.encode(value)


def dismantle(value: Any) -> None:
    """Empty a large parsed document piece by piece. Dropping it whole frees millions of objects in
    one go, during which no other thread (the event loop) runs; this frees them a few at a time."""
    stack = [value]
    while stack:
        node = stack.pop()
        while node:
            member = node.popitem()[1] if isinstance(node, dict) else node.pop()
            if isinstance(member, (dict, list)) and len(member) > 8:
                stack.append(member)
            del member


class JsonTextError(ValueError):
    """Why a JSON text was refused."""


def _integer(text: str) -> int:
    if len(text.lstrip("-")) > MAX_INT_DIGITS:
        raise JsonTextError(f"an integer has more than {MAX_INT_DIGITS} digits")
    return int(text)


def _number(text: str) -> float:
    value = float(text)
    if not math.isfinite(value):
        raise JsonTextError(f"the number {text[:40]} is too large")
    return value


def _constant(text: str) -> Any:
    raise JsonTextError(f"{text} is not a JSON number")


def parse_json(raw: bytes | bytearray | str, *, consume: bool = False) -> Any:
    """The value of a JSON text, checked as the module says; JsonTextError otherwise. With
    `consume`, a bytearray is emptied as soon as it is decoded."""
    if isinstance(raw, str):
        text = raw
    else:
        try:
            text = raw.decode("utf-8") if len(raw) <= PIECE_CHARS else "".join(_decoded_pieces(raw))
        except UnicodeDecodeError:
            raise JsonTextError("the text is not UTF-8") from None
        if consume and isinstance(raw, bytearray):
            raw.clear()
    try:
        if text.startswith("\ufeff"):  # as json.loads refuses it
            raise json.JSONDecodeError("Unexpected UTF-8 BOM (decode using utf-8-sig)", text, 0)
        data = (_LARGE_DECODER if len(text) > LARGE_TEXT else _DECODER).decode(text)
    except RecursionError:
        raise JsonTextError(f"it is nested more than {MAX_JSON_DEPTH} levels deep") from None
    except json.JSONDecodeError as error:
        raise JsonTextError(f"not valid JSON: {error}") from None
    if text.count("{") + text.count("[") > MAX_JSON_DEPTH:  # fewer brackets cannot nest deeper
        check_depth(data)
    if _surrogate_escape_in(text):
        check_text(data)
    return data


def _surrogate_escape_in(text: str) -> bool:
    """Whether `text` holds a `\\uD800`-`\\uDFFF` escape: a long text searched a piece at a
    time (no single search holds the interpreter long)."""
    if len(text) <= PIECE_CHARS:
        return _SURROGATE_ESCAPE.search(text) is not None
    return any(_SURROGATE_ESCAPE.search(text, start, start + PIECE_CHARS + 5)
               for start in range(0, len(text), PIECE_CHARS))



_DECODER = _decoder()
_LARGE_DECODER = _decoder(_switch_point)

def _decoded_pieces(raw: bytes | bytearray) -> list[str]:
    """UTF-8 bytes decoded a piece at a time (a large text in one call would hold the interpreter)."""
    decoder = codecs.getincrementaldecoder("utf-8")()
    view = memoryview(raw)
    try:
        parts = [decoder.decode(view[start:start + PIECE_CHARS]) for start in range(0, len(raw), PIECE_CHARS)]
        parts.append(decoder.decode(b"", final=True))
    finally:
        view.release()
    return parts


_CONTAINERS = (dict, list)


def check_depth(data: Any, limit: int = MAX_JSON_DEPTH) -> None:
    """Refuse objects and arrays nested more than `limit` levels deep (walked level by level,
    without recursion; one comprehension a level, as a large document has millions of values)."""
    level, depth = [data] if isinstance(data, _CONTAINERS) else [], 0
    while level:
        depth += 1
        if depth > limit:
            raise JsonTextError(f"it is nested more than {limit} levels deep")
        level = [child for node in level for child in (node.values() if isinstance(node, dict) else node)
                 if isinstance(child, _CONTAINERS)]


def check_text(data: Any) -> None:
    """Refuse any string (key or value) that cannot be encoded as UTF-8 (a lone surrogate)."""
    stack = [data]
    while stack:
        node = stack.pop()
        if isinstance(node, str):
            _encodable(node)
        elif isinstance(node, dict):
            for key, value in node.items():
                if isinstance(key, str):
                    _encodable(key)
                stack.append(value)
        elif isinstance(node, list):
            stack.extend(node)


def _encodable(text: str) -> None:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        raise JsonTextError(f"the text {text[:40].encode('utf-8', 'backslashreplace').decode()!r} "
                            "holds a lone surrogate (not valid Unicode)") from None
