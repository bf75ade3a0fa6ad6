"""Reading hosting orders: list filters, the numbers of an order, keyset sort keys."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable

from mock_server.domain.hosting_orders.model import (
    HOSTING_ORDER_INDEX,
    HOSTING_ORDER_NUMBER_INDEX,
    HostingOrder,
    HostingOrderNumber,
    HostingOrderState,
    HostingOrderType,
)
from mock_server.domain.provisioning import State


@dataclass(frozen=True)
class OrderFilter:
    """`GET hostingOrders`. `servicePlanId` and `campaignId` match exactly (an empty campaignId
    finds the orders without a campaign, as in the imported numbers list); no state, or the
    UNSPECIFIED state or type, matches every state or type (docs/errata.md, E-HO-7)."""

    states: frozenset[HostingOrderState] = field(default_factory=frozenset)
    type: HostingOrderType = HostingOrderType.UNSPECIFIED
    service_plan_id: str = ""
    campaign_id: str = ""
    region_code: str = ""

    def matches(self, order: HostingOrder) -> bool:
        states = self.states - {HostingOrderState.UNSPECIFIED}
        return (
            (not states or order.state in states)
            and (self.type == HostingOrderType.UNSPECIFIED or order.type == self.type)
            and order.service_plan_id == self.service_plan_id
            and order.campaign_id == self.campaign_id
            and (not self.region_code or order.region_code == self.region_code)
        )

    def fingerprint(self) -> dict:
        return {
            "states": sorted(s.value for s in self.states),
            "type": self.type.value,
            "servicePlanId": self.service_plan_id,
            "campaignId": self.campaign_id,
            "regionCode": self.region_code,
        }


@dataclass(frozen=True)
class NumberFilter:
    """`GET hostingOrders/{id}/numbers`: each state filter is optional."""

    osr_update_state: State | None = None
    campaign_provisioning_state: State | None = None
    platform_provisioning_state: State | None = None

    def matches(self, number: HostingOrderNumber) -> bool:
        return (
            (self.osr_update_state is None or number.osr_update.state == self.osr_update_state)
            and (self.campaign_provisioning_state is None
                 or number.campaign_provisioning.state == self.campaign_provisioning_state)
            and (self.platform_provisioning_state is None
                 or number.platform_provisioning.state == self.platform_provisioning_state)
        )

    def fingerprint(self) -> dict:
        return {
            "osrUpdateState": self.osr_update_state.value if self.osr_update_state else None,
            "campaignProvisioningState": (self.campaign_provisioning_state.value
                                          if self.campaign_provisioning_state else None),
            "platformProvisioningState": (self.platform_provisioning_state.value
                                          if self.platform_provisioning_state else None),
        }


def order_sort_key(order_by: str) -> Callable[[HostingOrder], tuple]:
    return HOSTING_ORDER_INDEX.orders[order_by]


def number_sort_key(order_by: str) -> Callable[[HostingOrderNumber], tuple]:
    """Numbers are created with their order, in request order; `createdTime` keeps that order."""
    return HOSTING_ORDER_NUMBER_INDEX.orders[order_by]
