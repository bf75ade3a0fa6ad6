"""The one check of a `servicePlanId` a request links numbers to.

A blank plan (empty or only whitespace) is refused everywhere with the same words. A project
whose service plans are declared (a scenario's `service_plans` list under the project) accepts
only those; any other is the spec's documented 400, message `Invalid service_plan_id {id}`
(`/components/examples/invalidServicePlanId`). A project that declares none accepts any plan.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from mock_server.core.errors import ApiError, FieldViolation, invalid_argument

if TYPE_CHECKING:
    from mock_server.domain.world import World

BLANK = "is required and must not be blank"


def is_blank(plan: str | None) -> bool:
    return not plan or not plan.strip()


def blank_plan(field_name: str) -> ApiError:
    return invalid_argument(f"Invalid {field_name}: {BLANK}", FieldViolation(field_name, BLANK))


def check_service_plan(world: "World", project_id: str, plan: str | None, field_name: str) -> str:
    """`plan` when a request may link numbers of `project_id` to it; else the 400."""
    if plan is None or is_blank(plan):
        raise blank_plan(field_name)
    known = world.project(project_id).service_plans
    if known is not None and plan not in known:
        raise invalid_argument(f"Invalid service_plan_id {plan}", FieldViolation(field_name, "Invalid servicePlanId"))
    return plan
