"""The one conversion of a pydantic error location to a field path, as the API, scenario errors
and state documents name fields: `('directLoaInfo', 'address', 'city')` -> `directLoaInfo.address.city`,
`('numbers', 2)` -> `numbers[2]`. Pydantic's own steps (`function-after[...]`) are left out."""

from __future__ import annotations

import re
from typing import Any, Iterable

_INTERNAL = re.compile(r"^[a-z-]+\[.*\]$")  # pydantic's own steps, e.g. function-after[_check(), str]


def field_steps(loc: Iterable[Any]) -> list[str | int]:
    """The steps of `loc` that name fields or list positions."""
    return [part for part in loc if isinstance(part, int) or not _INTERNAL.match(str(part))]


def field_path(loc: Iterable[Any]) -> str:
    path = ""
    for part in field_steps(loc):
        if isinstance(part, int):
            path += f"[{part}]"
        else:
            path += f".{part}" if path else str(part)
    return path
