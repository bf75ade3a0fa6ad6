"""The e-signature of a direct or reseller Letter of Authorization (LOA).

The LOA is sent to the authorised person when the order is picked up (the order then waits in
WAITING_FOR_LOA_SIGNATURE). The control plane signs or declines it (`:signLoa`, `:declineLoa`);
a scenario may sign every LOA automatically `loa_auto_sign` seconds after it was sent. Signing
is allowed as soon as the order exists: an order signed while still SUBMITTED starts at pick-up.
A blanket LOA is on file with the account and is never signed per order; a project may use
`blanketLoaInfo` only once its blanket LOA is approved (`set_blanket`, from a scenario or the
control plane's `:approveBlanketLoa`; `:revokeBlanketLoa` withdraws it for later orders).

Toll-free orders: if the LOA is signed after `scheduledZipwhipProvisioningTime`, that time
moves to the day after the signature, at the same time of day (UTC), as the spec says.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from mock_server.core.errors import FieldViolation, failed_precondition
from mock_server.core.scheduler import Job
from mock_server.domain.hosting_orders.lifecycle import HostingOrderLifecycle
from mock_server.domain.hosting_orders.model import (
    HostingOrder,
    HostingOrderState,
    LetterOfAuthorization,
    LoaStatus,
    LoaType,
)

if TYPE_CHECKING:
    from mock_server.domain.world import World

JOB_AUTO_SIGN = "hosting_order.auto_sign"
SIGNABLE_ORDER_STATES = (HostingOrderState.SUBMITTED, HostingOrderState.WAITING_FOR_LOA_SIGNATURE)


def rescheduled_zipwhip_time(scheduled: datetime, signed: datetime) -> datetime:
    """The Zipwhip provisioning time after a signature at `signed` (unchanged if not later)."""
    if signed <= scheduled:
        return scheduled
    return datetime.combine(signed.date() + timedelta(days=1), scheduled.timetz())


class LettersOfAuthorization:
    def __init__(self, world: "World", lifecycle: HostingOrderLifecycle) -> None:
        self.world = world
        self.lifecycle = lifecycle
        world.scheduler.register(JOB_AUTO_SIGN, self._on_auto_sign)

    # --- the blanket LOA of a project ------------------------------------------------------
    def set_blanket(self, project_id: str, approved: bool) -> None:
        """Approve or revoke the project's blanket LOA. Orders that used it keep it; once it is
        revoked, new orders with `blanketLoaInfo` are refused."""
        self.world.project(project_id).blanket_loa = approved

    def check_blanket_on_file(self, project_id: str, letter: LetterOfAuthorization) -> None:
        if letter.loa_type is LoaType.BLANKET and not self.world.project(project_id).blanket_loa:
            raise failed_precondition(
                f"No blanket Letter of Authorization is approved for project {project_id}: blanketLoaInfo "
                "can be used once the blanket LOA has been approved; send directLoaInfo or resellerLoaInfo",
                FieldViolation("blanketLoaInfo", "no approved blanket LOA is on file for the project"))

    # --- the e-signature of an order's LOA ------------------------------------------------
    def sent(self, order: HostingOrder) -> None:
        """The LOA went out for signature; a scenario may have it signed automatically."""
        delay = self.world.settings.timings.loa_auto_sign
        if delay is not None:
            self.world.scheduler.schedule(JOB_AUTO_SIGN, order.project_id, delay=delay,
                                          orderId=order.hosting_order_id)

    def _on_auto_sign(self, job: Job) -> None:
        order = self.lifecycle.order_of(job)
        if order is None or order.state != HostingOrderState.WAITING_FOR_LOA_SIGNATURE:
            return
        if order.text_enable_info is not None and order.text_enable_info.status == LoaStatus.PENDING:
            self._sign(order, order.text_enable_info)

    # --- control plane --------------------------------------------------------------------
    def sign(self, order: HostingOrder) -> HostingOrder:
        self._sign(order, self._signable(order, "signed"))
        return order

    def decline(self, order: HostingOrder) -> HostingOrder:
        letter = self._signable(order, "declined")
        letter.status = LoaStatus.DECLINED
        letter.declined_time = self.world.clock.now()
        self.lifecycle.reject(order)
        return order

    def _signable(self, order: HostingOrder, action: str) -> LetterOfAuthorization:
        letter = order.text_enable_info
        name = f"hosting order {order.hosting_order_id}"
        if letter is None:
            raise failed_precondition(f"The {name} is an import order: it has no Letter of Authorization to be {action}")
        if not letter.loa_type.needs_signature:
            raise failed_precondition(f"The {name} uses a blanket LOA on file: there is no LOA to be {action}")
        if letter.status == LoaStatus.SIGNED:
            raise failed_precondition(f"The LOA of {name} was signed already; it cannot be {action}")
        if letter.status == LoaStatus.DECLINED or order.state not in SIGNABLE_ORDER_STATES:
            raise failed_precondition(f"The {name} is {order.state.value}; its LOA cannot be {action}")
        return letter

    def _sign(self, order: HostingOrder, letter: LetterOfAuthorization) -> None:
        now = self.world.clock.now()
        letter.status = LoaStatus.SIGNED
        letter.signed_time = now
        self.world.scheduler.cancel(
            lambda j: j.kind == JOB_AUTO_SIGN and j.project_id == order.project_id
            and j.data.get("orderId") == order.hosting_order_id
        )
        if order.scheduled_zipwhip_provisioning_time is not None:
            moved = rescheduled_zipwhip_time(order.scheduled_zipwhip_provisioning_time, now)
            order.scheduled_zipwhip_provisioning_time = moved
            order.scheduled_osr_update_time = moved
        order.updated_time = now
        if order.state == HostingOrderState.WAITING_FOR_LOA_SIGNATURE:
            self.lifecycle.start(order)
