"""Synthetic events: one signed callback on demand, through the normal delivery (`trigger`).

A trigger records an event in the ledger exactly as a transition would, without changing any
record: it tests a receiver, not the lifecycle. The destination is the given URL, or the
callbackUrl the number's record has (an imported number's, else the hosting order's that holds
it).
"""

from __future__ import annotations

from mock_server.core.errors import FieldViolation, failed_precondition, field_error
from mock_server.core.phone import parse_e164
from mock_server.domain.events import CallbackEvent, EventType, ResourceType
from mock_server.domain.failure_codes import FAILURE_CODES
from mock_server.domain.world import World

STATUSES = ("SUCCEEDED", "FAILED")


def _destination(world: World, project_id: str, phone: str) -> tuple[ResourceType | None, str]:
    project = world.projects.get(project_id)
    if project is None:
        return None, ""
    imported = project.imported_numbers.get(phone)
    if imported is not None:
        return ResourceType.IMPORTED_NUMBER, imported.callback_url
    for order in project.hosting_orders.values():
        if phone in order.numbers:
            return ResourceType.HOSTING_ORDER_NUMBER, order.callback_url
    return None, ""


def trigger(world: World, project_id: str, event_type: str, phone_number: str, *, status: str = "SUCCEEDED",
            failure_code: str | None = None, url: str | None = None,
            resource_type: str | None = None) -> CallbackEvent:
    """Record one event for delivery; every argument is checked before anything is written."""
    if event_type not in EventType.__members__:
        raise field_error("eventType", f"must be one of {', '.join(EventType.__members__)}")
    if status not in STATUSES:
        raise field_error("status", "must be SUCCEEDED or FAILED")
    if failure_code is not None:
        if status != "FAILED":
            raise field_error("failureCode", "is only sent with status FAILED")
        if failure_code not in FAILURE_CODES:
            raise field_error("failureCode", f"must be one of {', '.join(FAILURE_CODES)}")
    if resource_type is not None and resource_type not in ResourceType.__members__:
        raise field_error("resourceType", f"must be one of {', '.join(ResourceType.__members__)}")
    phone = parse_e164(phone_number, "resourceId").e164
    known_type, known_url = _destination(world, project_id, phone)
    destination = url or known_url
    if not destination:
        raise failed_precondition(
            f"{phone} has no callbackUrl in project {project_id}: give the URL to send to",
            FieldViolation("url", "is required when the number has no callbackUrl"))
    kind = ResourceType(resource_type) if resource_type else known_type or ResourceType.IMPORTED_NUMBER
    return world.events.record(project_id, kind, EventType(event_type), phone, failure_code=failure_code,
                               failed=status == "FAILED", destination=destination)
