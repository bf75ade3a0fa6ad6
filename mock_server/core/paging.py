"""List paging: an opaque page token, keyset ordering, consistent pages while items are added.

A page token carries the sort key of the last item served and a fingerprint of the filters
it was issued for. The next page starts strictly after that key, so items added meanwhile
never shift a page and no item is served twice.
"""

from __future__ import annotations

import base64
import hashlib
import heapq
import json
from dataclasses import dataclass
from typing import Any, Callable, Generic, Iterable, TypeVar

from mock_server.core.errors import field_error

T = TypeVar("T")

DEFAULT_PAGE_SIZE = 100
MAX_PAGE_SIZE = 1000
ORDER_FIELDS = ("createdTime", "updatedTime")


@dataclass
class Page(Generic[T]):
    items: list[T]
    next_page_token: str
    total_size: int


def page_size_from(raw: object) -> int:
    """0 or absent means the default; larger than the maximum is capped (the spec allows it)."""
    if raw in (None, ""):
        return DEFAULT_PAGE_SIZE
    try:
        size = int(str(raw))
    except ValueError:
        raise field_error("pageSize", f"{raw!r} is not an integer") from None
    if size < 0:
        raise field_error("pageSize", "must not be negative")
    if size == 0:
        return DEFAULT_PAGE_SIZE
    return min(size, MAX_PAGE_SIZE)


def order_by_from(raw: object) -> str:
    if raw in (None, ""):
        return "createdTime"
    if raw not in ORDER_FIELDS:
        raise field_error("orderBy", f"{raw!r} is not one of {', '.join(ORDER_FIELDS)}")
    return str(raw)


def fingerprint(filters: dict[str, Any]) -> str:
    text = json.dumps(filters, sort_keys=True, default=str)
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def _encode(key: list, filters_fp: str) -> str:
    text = json.dumps({"k": key, "f": filters_fp}, separators=(",", ":"))
    return base64.urlsafe_b64encode(text.encode()).decode().rstrip("=")


def _decode(token: str, filters_fp: str) -> list:
    try:
        padded = token + "=" * (-len(token) % 4)
        data = json.loads(base64.urlsafe_b64decode(padded.encode()).decode())
        key, fp = data["k"], data["f"]
        if not isinstance(key, list):
            raise ValueError
    except Exception:
        raise field_error("pageToken", "is not a token returned by this list") from None
    if fp != filters_fp:
        raise field_error("pageToken", "was issued for other filters or another order")
    return key


def paginate(
    items: Iterable[T],
    sort_key: Callable[[T], list],
    page_size: int,
    page_token: str | None,
    filters: dict[str, Any],
) -> Page[T]:
    """One page of `items` (already filtered), ordered by `sort_key` (a list of JSON scalars).

    Costs one pass over the matching items and a heap of `page_size`; nothing is sorted whole.
    """
    filters_fp = fingerprint(filters)
    after = _decode(page_token, filters_fp) if page_token else None
    total = 0
    candidates: list[tuple[list, int, T]] = []
    for index, item in enumerate(items):
        total += 1
        key = sort_key(item)
        if after is None or key > after:
            candidates.append((key, index, item))
    chosen = heapq.nsmallest(page_size + 1, candidates, key=lambda c: (c[0], c[1]))
    page = chosen[:page_size]
    token = _encode(page[-1][0], filters_fp) if len(chosen) > page_size else ""
    return Page([item for _, _, item in page], token, total)
