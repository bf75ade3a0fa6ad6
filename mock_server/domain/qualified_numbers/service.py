"""Rules and lifecycle of qualified numbers (eligibility, ownership, hosting state)."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from mock_server.domain.world import World


class QualifiedNumberService:
    def __init__(self, world: "World") -> None:
        self.world = world
