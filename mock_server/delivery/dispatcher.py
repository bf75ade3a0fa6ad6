"""Sends recorded callback events (placeholder: the delivery issue fills this in)."""

from __future__ import annotations

from datetime import datetime

from mock_server.domain.world import World


class Dispatcher:
    def __init__(self, world: World) -> None:
        self.world = world

    def next_due(self) -> datetime | None:
        """When the next delivery attempt falls due, if any is waiting."""
        return None

    async def deliver_due(self, now: datetime) -> None:
        """Make every attempt due at or before `now` and wait for them to finish."""

    async def start(self) -> None:
        pass

    async def stop(self) -> None:
        pass
