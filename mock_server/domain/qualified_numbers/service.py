"""Rules and lifecycle of qualified numbers (eligibility, ownership, hosting state)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from mock_server.core.errors import not_found
from mock_server.domain.provisioning import State
from mock_server.domain.qualified_numbers.model import GlobalProcessState, QualifiedNumber

if TYPE_CHECKING:
    from mock_server.domain.world import World


class QualifiedNumberService:
    def __init__(self, world: "World") -> None:
        self.world = world

    def get(self, project_id: str, phone: str) -> QualifiedNumber:
        number = self.world.project(project_id).qualified_numbers.get(phone)
        if number is None:
            raise not_found(f"The qualified number {phone} could not be found")
        return number

    # --- hosting, driven by text-enable hosting orders ----------------------------------------
    def begin_hosting(self, project_id: str, phones: list[str], hosting_order_id: str) -> None:
        """The numbers (validated VERIFIED by the caller) enter a text-enable order."""
        now = self.world.clock.now()
        for phone in phones:
            number = self.get(project_id, phone)
            number.state = GlobalProcessState.HOSTING_IN_PROGRESS
            number.hosting_order_id = hosting_order_id
            number.hosted_number.status = 0
            number.hosted_number.error = ""
            number.updated_time = now

    def finish_hosting(self, project_id: str, phone: str, ok: bool, error: str = "") -> None:
        number = self.get(project_id, phone)
        number.state = GlobalProcessState.HOSTING_DONE if ok else GlobalProcessState.HOSTING_FAILED
        number.hosted_number.status = 1 if ok else 2
        number.hosted_number.error = "" if ok else error
        number.updated_time = self.world.clock.now()

    def release_from_hosting(self, project_id: str, phones: list[str]) -> None:
        """The order was rejected: the numbers are VERIFIED again and may be text-enabled anew."""
        now = self.world.clock.now()
        for phone in phones:
            number = self.get(project_id, phone)
            number.state = GlobalProcessState.VERIFIED
            number.ownership_verification.status = State.DONE
            number.hosted_number.status = 0
            number.hosted_number.error = ""
            number.updated_time = now
