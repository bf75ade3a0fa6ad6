"""Rules and lifecycles of imported numbers."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from mock_server.domain.world import World


class ImportedNumberService:
    def __init__(self, world: "World") -> None:
        self.world = world
