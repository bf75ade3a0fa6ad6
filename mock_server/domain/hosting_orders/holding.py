"""Whether a running hosting order holds a number: the one check and its one message.

A number named by a SUBMITTED, WAITING_FOR_LOA_SIGNATURE or IN_PROGRESS hosting order is held
by that order until it is COMPLETED or REJECTED: it cannot be imported, named by another order,
deleted as a qualified number, or declared by a scenario meanwhile. Each of those asks here and
reports the answer in its own status (409 or 400 FAILED_PRECONDITION).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from mock_server.domain.project import Project


def held_by_running_order(project: "Project | None", phone: str) -> str | None:
    """Why `phone` is not free in `project`, in words (`+1... is held by the running hosting
    order <id>`), or None when no running order of the project holds it."""
    order_id = project.running_order_by_number.get(phone) if project is not None else None
    return f"{phone} is held by the running hosting order {order_id}" if order_id else None
