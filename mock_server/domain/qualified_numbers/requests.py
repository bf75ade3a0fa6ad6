"""What a client asks of qualified numbers, in the domain's words (the HTTP layer builds these
from bodies and query strings; the service checks them and reports every violation at once)."""

from __future__ import annotations

from dataclasses import dataclass

from mock_server.core.paging import DEFAULT_PAGE_SIZE


@dataclass(frozen=True)
class AddNumbersRequest:
    """`qualifiedNumbers:addNumbers`: the numbers as sent, checked by the service."""

    phone_numbers: list[str]


@dataclass(frozen=True)
class ListNumbersRequest:
    """`GET qualifiedNumbers`. `states` (required), `regionCode` and `orderBy` (None: by
    `createdTime`) are as sent, checked by the service. `text` (part of the phone number) is the
    console's search; the API has no such filter."""

    states: tuple[str, ...] = ()
    region_code: str | None = None
    order_by: str | None = None
    page_size: int = DEFAULT_PAGE_SIZE
    page_token: str | None = None
    text: str = ""
