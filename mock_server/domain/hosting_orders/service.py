"""Rules and lifecycles of hosting orders (import orders and text-enable orders)."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from mock_server.domain.world import World


class HostingOrderService:
    def __init__(self, world: "World") -> None:
        self.world = world
