"""Which state may follow which, for a hosting order, its numbers and their steps.

Every change of state goes through `move_order`, `move_number` or `move_step`, which refuse an
edge that is not in the table (a bug in the mock, never a client error) and move the record's
update time with it. docs/hosting-orders.md draws the same diagrams.
"""

from __future__ import annotations

from datetime import datetime

from mock_server.domain.hosting_orders.model import (
    HostingOrder,
    HostingOrderNumber,
    HostingOrderState,
    StepProgress,
)
from mock_server.domain.outcomes import CarrierFailure
from mock_server.domain.provisioning import IllegalTransition  # noqa: F401  (raised by the gate)
from mock_server.domain.provisioning import CarrierState, State, enter

O = HostingOrderState

# (from, to) -> what causes it. An order is created SUBMITTED.
ORDER_EDGES: dict[tuple[O, O], str] = {
    (O.SUBMITTED, O.WAITING_FOR_LOA_SIGNATURE): "picked up while its direct or reseller LOA is unsigned",
    (O.SUBMITTED, O.IN_PROGRESS): "picked up: an import order, a blanket LOA, or an LOA signed already",
    (O.WAITING_FOR_LOA_SIGNATURE, O.IN_PROGRESS): "its LOA is signed",
    (O.SUBMITTED, O.REJECTED): "its LOA is declined before the order is picked up",
    (O.WAITING_FOR_LOA_SIGNATURE, O.REJECTED): "its LOA is declined",
    (O.IN_PROGRESS, O.COMPLETED): "every number finished and at least one was hosted",
    (O.IN_PROGRESS, O.REJECTED): "every number finished and none was hosted",
}

# A number's hosting as a whole (`HostingOrderNumber.hosting`); it is created WAITING.
NUMBER_EDGES: dict[tuple[State, State], str] = {
    (State.WAITING, State.IN_PROGRESS): "its order starts (IN_PROGRESS)",
    (State.IN_PROGRESS, State.DONE): "every step succeeded: it is an imported number now",
    (State.IN_PROGRESS, State.FAILED): "a step failed",
}

# One step of a number (`osrUpdate`, `platformProvisioning`, `campaignProvisioning`, and each
# carrier entry). It is created WAITING, or STATE_UNSPECIFIED (no campaign: that step never
# runs, so has no edge).
STEP_EDGES: dict[tuple[State, State], str] = {
    (State.WAITING, State.IN_PROGRESS): "the step starts (the previous one is DONE)",
    (State.IN_PROGRESS, State.DONE): "the step succeeds",
    (State.IN_PROGRESS, State.FAILED): "the step fails (with a failure code)",
}


# The gate: the one place that assigns a state of a hosting-order record (shared by every lifecycle).
_enter = enter


def move_order(order: HostingOrder, to: HostingOrderState, now: datetime) -> None:
    _enter(order, "state", ORDER_EDGES, to, f"hosting order {order.hosting_order_id}")
    order.updated_time = now


def move_number(order: HostingOrder, number: HostingOrderNumber, to: State, now: datetime,
                *, failure_code: str = "") -> None:
    """`failure_code`: why the number failed (FAILED only)."""
    _enter(number, "hosting", NUMBER_EDGES, to, f"{number.phone_number} of hosting order {order.hosting_order_id}")
    if to is State.FAILED:
        number.failure_code = failure_code
    number.updated_time = now


def move_step(order: HostingOrder, number: HostingOrderNumber, step: StepProgress, to: State, now: datetime,
              *, failure_code: str = "") -> None:
    """`failure_code`: the code a FAILED step ends with ("" for any other move)."""
    _enter(step, "state", STEP_EDGES, to, f"a step of {number.phone_number} of hosting order {order.hosting_order_id}")
    step.failure_code = failure_code
    step.update_time = now


def move_carrier(order: HostingOrder, number: HostingOrderNumber, name: str, carrier: CarrierState, to: State,
                 now: datetime, *, failure: CarrierFailure | None = None) -> None:
    """`failure`: how a FAILED carrier entry failed (its error code and message)."""
    _enter(carrier, "state", STEP_EDGES, to, f"carrier entry {name} of {number.phone_number} of hosting order "
                                               f"{order.hosting_order_id}")
    carrier.error_code = failure.error_code if failure else ""
    carrier.error_message = failure.message if failure else ""
    carrier.update_time = now
