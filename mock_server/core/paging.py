"""List paging: an opaque page token, keyset ordering, consistent pages while items are added.

A page token carries the sort key of the last item served, a fingerprint of the filters it
was issued for and one of the project whose list it pages: another project's list refuses it
(400), without the token saying which project that was. The next page starts strictly after that key, so items added meanwhile
never shift a page and no item is served twice.
"""

from __future__ import annotations

import base64
import hashlib
import heapq
import json
import re
from dataclasses import dataclass
from datetime import datetime
from itertools import islice
from typing import Any, Callable, Generic, Iterable, Iterator, Protocol, runtime_checkable, TypeVar

from mock_server.core.errors import field_error

T = TypeVar("T")

DEFAULT_PAGE_SIZE = 100
MAX_PAGE_SIZE = 1000
ORDER_FIELDS = ("createdTime", "updatedTime")
_INTEGER = re.compile(r"[+-]?[0-9]{1,20}")


@dataclass
class Page(Generic[T]):
    items: list[T]
    next_page_token: str
    total_size: int


def page_size_from(raw: object) -> int:
    """0 or absent means the default; larger than the maximum is capped (the spec allows it).

    An empty value (`pageSize=`) is not an integer: 400, as the schema's `type: integer` says.
    """
    if raw is None:
        return DEFAULT_PAGE_SIZE
    text = str(raw)
    # Only ASCII digits with an optional sign: `int()` would also take " 5" and "٣".
    if not _INTEGER.fullmatch(text):
        raise field_error("pageSize", f"{raw!r} is not an integer")
    size = int(text)
    if size < 0:
        raise field_error("pageSize", "must not be negative")
    if size == 0:
        return DEFAULT_PAGE_SIZE
    return min(size, MAX_PAGE_SIZE)


def order_by_from(raw: object) -> str:
    """Absent means `createdTime`; an empty value (`orderBy=`) is outside the enum: 400."""
    if raw is None:
        return "createdTime"
    if raw not in ORDER_FIELDS:
        raise field_error("orderBy", f"{raw!r} is not one of {', '.join(ORDER_FIELDS)}")
    return str(raw)


def fingerprint(filters: dict[str, Any]) -> str:
    text = json.dumps(filters, sort_keys=True, default=str)
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def _jsonable(key: tuple) -> list:
    return [["d", part.isoformat()] if isinstance(part, datetime) else ["v", part] for part in key]


def _from_json(parts: list) -> tuple:
    return tuple(datetime.fromisoformat(value) if kind == "d" else value for kind, value in parts)


def _encode(key: tuple, filters_fp: str, project_fp: str) -> str:
    text = json.dumps({"k": _jsonable(key), "f": filters_fp, "p": project_fp}, separators=(",", ":"))
    return base64.urlsafe_b64encode(text.encode()).decode().rstrip("=")


def _decode(token: str, filters_fp: str, project_fp: str) -> tuple:
    try:
        padded = token + "=" * (-len(token) % 4)
        data = json.loads(base64.urlsafe_b64decode(padded.encode()).decode())
        key, fp, project = _from_json(data["k"]), data["f"], data["p"]
    except Exception:
        raise field_error("pageToken", "is not a token returned by this list") from None
    if project != project_fp:
        raise field_error("pageToken", "was issued for another project's list")
    if fp != filters_fp:
        raise field_error("pageToken", "was issued for other filters or another order")
    return key


class Unordered(Generic[T]):
    """Items in no order, as `Ordered`: the next `wanted` after a key come from a heap."""

    def __init__(self, items: list[T], sort_key: Callable[[T], tuple], wanted: int) -> None:
        self._items, self._sort_key, self._wanted = items, sort_key, wanted

    def after(self, key: tuple | None) -> Iterator[T]:
        """Each item's key is computed once (a list is accepted as a key too); the position
        breaks ties, so items themselves are never compared."""
        sort_key, items = self._sort_key, self._items
        keyed = [(tuple(sort_key(item)), at) for at, item in enumerate(items)]
        if key is not None:
            keyed = [pair for pair in keyed if pair[0] > key]
        return iter([items[at] for _, at in heapq.nsmallest(self._wanted, keyed)])

    def count(self) -> int:
        return len(self._items)


@runtime_checkable
class Ordered(Protocol[T]):
    """Matching items already in sort order (core/sorted_index.py's `Selection`)."""

    def after(self, key: tuple | None) -> Iterator[T]: ...

    def count(self) -> int: ...


def paginate(
    items: Ordered[T] | Iterable[T],
    sort_key: Callable[[T], tuple],
    page_size: int,
    page_token: str | None,
    filters: dict[str, Any],
    *,
    project_id: str | None,
) -> Page[T]:
    """One page of `items`, ordered by `sort_key`.

    `items` are either already in sort order (an `Ordered`: a project's index, which yields the
    matching items after a key), and a page costs the page plus `items.count()` for the total;
    or any iterable in no order, which costs one pass and a heap of `page_size` (nothing is
    sorted whole). A sort key is a tuple of strings, numbers and datetimes that ends with
    something unique (the phone number, the order id). A token works only for the list of
    `project_id` (None: a list of no one project, such as a control-plane list across
    projects) and with the `filters` it was issued for.
    """
    if not isinstance(items, Ordered):
        items = Unordered(items if isinstance(items, list) else list(items), sort_key, page_size + 1)
    filters_fp = fingerprint(filters)
    project_fp = fingerprint({"project": project_id})
    after = _decode(page_token, filters_fp, project_fp) if page_token else None
    try:
        chosen = list(islice(items.after(after), page_size + 1))
    except TypeError:  # a token whose key has other types than this list's keys
        raise field_error("pageToken", "is not a token returned by this list") from None
    page = chosen[:page_size]
    token = _encode(tuple(sort_key(page[-1])), filters_fp, project_fp) if len(chosen) > page_size else ""
    return Page(page, token, items.count())
