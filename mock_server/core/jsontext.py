"""JSON text read with bounds: what a hostile client sends cannot crash or mislead the mock.

`parse_json(raw)` refuses, with a `JsonTextError` saying why: text that is not UTF-8, nesting
deeper than `MAX_JSON_DEPTH`, integers longer than `MAX_INT_DIGITS` digits, numbers too large to
be finite (`1e400`), `NaN`/`Infinity`, and strings holding a lone surrogate (`"\\ud800"`: text
that cannot be stored, signed or answered as UTF-8). `check_text(data)` is the last check on its
own, for data parsed elsewhere (YAML scenarios).
"""

from __future__ import annotations

import json
import math
import re
from typing import Any

MAX_JSON_DEPTH = 64
MAX_INT_DIGITS = 30

# A lone surrogate can only come from a \uD800-\uDFFF escape (raw surrogate bytes are not UTF-8);
# the full walk is needed only when one appears.
_SURROGATE_ESCAPE = re.compile(r"\\u[dD][89a-fA-F]")


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
    if isinstance(raw, (bytes, bytearray)):
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError:
            raise JsonTextError("the text is not UTF-8") from None
        if consume and isinstance(raw, bytearray):
            raw.clear()
    else:
        text = raw
    try:
        data = json.loads(text, parse_int=_integer, parse_float=_number, parse_constant=_constant)
    except RecursionError:
        raise JsonTextError(f"it is nested more than {MAX_JSON_DEPTH} levels deep") from None
    except json.JSONDecodeError as error:
        raise JsonTextError(f"not valid JSON: {error}") from None
    check_depth(data)
    if _SURROGATE_ESCAPE.search(text):
        check_text(data)
    return data


def _containers(data: Any) -> list[Any]:
    if isinstance(data, dict):
        return [v for v in data.values() if isinstance(v, (dict, list))]
    if isinstance(data, list):
        return [v for v in data if isinstance(v, (dict, list))]
    return []


def check_depth(data: Any, limit: int = MAX_JSON_DEPTH) -> None:
    """Refuse objects and arrays nested more than `limit` levels deep (walked without recursion)."""
    level, depth = [data] if isinstance(data, (dict, list)) else [], 0
    while level:
        depth += 1
        if depth > limit:
            raise JsonTextError(f"it is nested more than {limit} levels deep")
        level = [child for node in level for child in _containers(node)]


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
