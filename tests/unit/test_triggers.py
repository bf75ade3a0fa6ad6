"""Synthetic events (`trigger`): destination and resource type come from the number's record."""

from __future__ import annotations

import pytest

from mock_server.core.errors import ApiError
from mock_server.domain.triggers import trigger
from tests.hosting_support import CALLBACK, PROJECT, import_order


def test_a_hosting_order_number_goes_to_the_orders_callback_url(world):
    import_order(world, ["+12025550134"])
    event = trigger(world, PROJECT, "OSR_UPDATE", "+12025550134", status="FAILED", failure_code="INVALID_NNID")
    assert (event.destination, event.resource_type.value) == (CALLBACK, "HOSTING_ORDER_NUMBER")
    assert event.payload()["failureCode"] == "INVALID_NNID" and event.state.value == "pending"


def test_an_unknown_number_needs_a_url_and_the_resource_type_may_be_given(world):
    with pytest.raises(ApiError) as refused:
        trigger(world, PROJECT, "DELETE", "+12025550199")
    assert refused.value.status == "FAILED_PRECONDITION" and world.events.events == []
    event = trigger(world, PROJECT, "DELETE", "+12025550199", url="http://127.0.0.1:9/cb",
                    resource_type="HOSTING_ORDER_NUMBER")
    assert event.resource_type.value == "HOSTING_ORDER_NUMBER" and event.destination == "http://127.0.0.1:9/cb"
