from mock_server.domain.hosting_orders.model import HostingOrder, HostingOrderNumber, HostingOrderState
from mock_server.domain.hosting_orders.service import HostingOrderService

__all__ = ["HostingOrder", "HostingOrderNumber", "HostingOrderState", "HostingOrderService"]
