"""Reading hosting orders: the list filters and the one paging home of both lists (orders, and
the numbers of an order), with their named sort keys (model.py, in the lists' indexes)."""

from __future__ import annotations

from dataclasses import dataclass, field

from mock_server.core.paging import Page, paginate
from mock_server.core.sorted_index import IndexedDict
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


def orders_page(project_id: str, orders: IndexedDict, flt: OrderFilter, *, order_by: str, page_size: int,
                page_token: str | None) -> Page[HostingOrder]:
    """A page of `GET hostingOrders`: a token is bound to the project, the filter and the order."""
    return paginate(orders.select(order_by, flt.matches), HOSTING_ORDER_INDEX.orders[order_by], page_size,
                           page_token, {**flt.fingerprint(), "orderBy": order_by}, project_id=project_id)


def numbers_page(order: HostingOrder, flt: NumberFilter, *, order_by: str, page_size: int,
                 page_token: str | None) -> Page[HostingOrderNumber]:
    """A page of `GET hostingOrders/{id}/numbers`: a token is bound to the project, the order,
    the filter and the sort order."""
    numbers: IndexedDict = order.numbers  # type: ignore[assignment]
    return paginate(numbers.select(order_by, flt.matches), HOSTING_ORDER_NUMBER_INDEX.orders[order_by],
                           page_size, page_token,
                           {**flt.fingerprint(), "orderBy": order_by, "order": order.hosting_order_id},
                           project_id=order.project_id)
