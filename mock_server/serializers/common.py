"""Serialization pieces shared by several resources (pages, provisioning records, carrier entries)."""

from __future__ import annotations

from typing import Any, Callable

from mock_server.core.paging import Page
from mock_server.core.timefmt import rfc3339
from mock_server.domain.provisioning import CarrierState, Provisioning


def provisioning_json(step: Provisioning) -> dict:
    return {
        "serviceType": step.service_type,
        "serviceId": step.service_id,
        "type": step.type,
        "state": step.state.value,
        "updateTime": rfc3339(step.update_time),
        "errorMessage": step.error_message,
        "errorCode": step.error_code,
    }


def carrier_json(carrier: CarrierState, *, with_operation: bool = True) -> dict:
    body = {
        "state": carrier.state.value,
        "errorCode": carrier.error_code,
        "errorMessage": carrier.error_message,
        "updateTime": rfc3339(carrier.update_time),
    }
    if with_operation:
        body["operation"] = carrier.operation
    return body


def page_json(key: str, page: Page, render: Callable[[Any], dict]) -> dict:
    """A list answer: the items under `key`, `nextPageToken` (`""` on the last page), `totalSize`."""
    return {key: [render(item) for item in page.items], "nextPageToken": page.next_page_token,
            "totalSize": page.total_size}
