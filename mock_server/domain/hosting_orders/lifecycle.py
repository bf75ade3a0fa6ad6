"""The timed life of a hosting order and of each of its numbers (docs/hosting-orders.md).

Order: SUBMITTED, picked up after `order_submission` seconds; then WAITING_FOR_LOA_SIGNATURE
when a direct or reseller LOA still needs its signature, else IN_PROGRESS; COMPLETED once every
number has finished and at least one was hosted, REJECTED when none was (or the LOA was
declined, see `letters_of_authorization`).

Number (while its order is IN_PROGRESS), one step after the other, each WAITING, IN_PROGRESS,
then DONE or FAILED: OSR update (starts at the order's scheduled OSR time, lasts `osr_update`),
SMS platform provisioning (`sms_provisioning`), campaign linking when the order has a campaign
(`campaign_provisioning`), then the four carrier entries (`carrier_configuration`). The first
failing step ends the number's hosting (later steps stay WAITING); a number whose steps all
succeed becomes an imported number. Carrier errors do not undo the hosting: they are shown on
the carrier entry and counted as `ongoingManualAction`.

Every step is a scheduler job whose data is JSON (`orderId`, `phoneNumber`, `step`). A job
whose order or number has moved on meanwhile does nothing. Every change of state goes through
the tables of `transitions`.
"""

from __future__ import annotations

from dataclasses import replace

from enum import Enum
from typing import TYPE_CHECKING, Callable

from mock_server.core.scheduler import Job
from mock_server.domain.events import EventType, ResourceType
from mock_server.domain.failure_codes import INVALID_NNID, describe
from mock_server.domain.hosting_orders.model import (
    HostingOrder,
    HostingOrderNumber,
    HostingOrderState,
    HostingOrderType,
    StepProgress,
)
from mock_server.domain.hosting_orders.transitions import move_carrier, move_number, move_order, move_step
from mock_server.domain.provisioning import State
from mock_server.domain.toll_free import campaign_refusal

if TYPE_CHECKING:
    from mock_server.domain.world import World

JOB_PICK_UP = "hosting_order.pick_up"
JOB_START_OSR = "hosting_order.start_osr"
JOB_FINISH_STEP = "hosting_order.finish_step"
JOB_PREFIX = "hosting_order."


class Step(str, Enum):
    OSR = "osr"
    PLATFORM = "platform"
    CAMPAIGN = "campaign"
    CARRIERS = "carriers"


STEP_EVENTS = {
    Step.OSR: EventType.OSR_UPDATE,
    Step.PLATFORM: EventType.PROVISIONING_TO_SMS_PLATFORM,
    Step.CAMPAIGN: EventType.LINK_TO_10DLC_CAMPAIGN,
}


def progress_of(number: HostingOrderNumber, step: Step) -> StepProgress:
    return {
        Step.OSR: number.osr_update,
        Step.PLATFORM: number.platform_provisioning,
        Step.CAMPAIGN: number.campaign_provisioning,
    }[step]


class HostingOrderLifecycle:
    def __init__(self, world: "World") -> None:
        self.world = world
        world.scheduler.register(JOB_PICK_UP, self._on_pick_up)
        world.scheduler.register(JOB_START_OSR, self._on_start_osr)
        world.scheduler.register(JOB_FINISH_STEP, self._on_finish_step)

    # --- jobs -----------------------------------------------------------------------------
    def order_of(self, job: Job) -> HostingOrder | None:
        project = self.world.projects.get(job.project_id)
        return project.hosting_orders.get(job.data.get("orderId", "")) if project else None

    def _number_of(self, job: Job) -> tuple[HostingOrder, HostingOrderNumber] | None:
        order = self.order_of(job)
        if order is None or order.state != HostingOrderState.IN_PROGRESS:
            return None
        number = order.numbers.get(job.data.get("phoneNumber", ""))
        if number is None or number.finished:
            return None
        return order, number

    def _on_pick_up(self, job: Job) -> None:
        order = self.order_of(job)
        if order is not None and order.state == HostingOrderState.SUBMITTED:
            self.pick_up(order)

    def _on_start_osr(self, job: Job) -> None:
        found = self._number_of(job)
        if found and found[1].osr_update.state == State.WAITING:
            self._begin(found[0], found[1], Step.OSR)

    def _on_finish_step(self, job: Job) -> None:
        found = self._number_of(job)
        if found:
            self.finish_step(found[0], found[1], Step(job.data["step"]))

    def cancel_jobs(self, order: HostingOrder) -> int:
        return self.world.scheduler.cancel(self.jobs_of(order))

    @staticmethod
    def jobs_of(order: HostingOrder, kinds: tuple[str, ...] | None = None) -> Callable[[Job], bool]:
        """Matches the pending jobs of the order (of these kinds; default: every kind)."""
        return lambda j: (j.kind.startswith(JOB_PREFIX) and (kinds is None or j.kind in kinds)
                          and j.project_id == order.project_id and j.data.get("orderId") == order.hosting_order_id)

    # --- scenarios: the order's timed steps, now -------------------------------------------
    def pick_up_now(self, order: HostingOrder) -> int:
        """Sinch takes a SUBMITTED order on now instead of `timings.order_submission` seconds
        after it came in (scenarios). Returns 0 when it was picked up already."""
        return self.world.scheduler.run_early(self.jobs_of(order, (JOB_PICK_UP,)))

    def run_steps_now(self, order: HostingOrder) -> int:
        """Run every pending step of the order now, and the steps they start, earliest due first
        (`Scheduler.run_early`; scenarios: an order preloaded completed or rejected). Returns how
        many ran. Their events are recorded as usual: run it inside `world.events.history()` for
        a past that sends no callbacks."""
        return self.world.scheduler.run_early(self.jobs_of(order))

    # --- the order ------------------------------------------------------------------------
    def submit(self, order: HostingOrder) -> None:
        """A new order: it is picked up after the submission delay."""
        self.world.scheduler.schedule(
            JOB_PICK_UP, order.project_id, delay=self.world.settings.timings.order_submission,
            orderId=order.hosting_order_id,
        )

    def pick_up(self, order: HostingOrder) -> None:
        """Sinch takes the order on: the LOA goes out for signature, or the work starts."""
        letter = order.text_enable_info
        if letter is not None and letter.loa_type.needs_signature and letter.signed_time is None:
            letter.sent_time = self.world.clock.now()
            move_order(order, HostingOrderState.WAITING_FOR_LOA_SIGNATURE, letter.sent_time)
            self.world.hosting_orders.letters.sent(order)
        else:
            self.start(order)

    def start(self, order: HostingOrder) -> None:
        """IN_PROGRESS: every number's OSR update starts at the scheduled time (now if past)."""
        now = self.world.clock.now()
        move_order(order, HostingOrderState.IN_PROGRESS, now)
        if order.scheduled_osr_update_time is None:
            order.scheduled_osr_update_time = now
        starts_at = max(now, order.scheduled_osr_update_time)
        for number in order.numbers.values():
            move_number(order, number, State.IN_PROGRESS, now)
            if starts_at <= now:
                self._begin(order, number, Step.OSR)
            else:
                self.world.scheduler.schedule(
                    JOB_START_OSR, order.project_id, at=starts_at,
                    orderId=order.hosting_order_id, phoneNumber=number.phone_number,
                )

    def reject(self, order: HostingOrder) -> None:
        """The order ends before any number was processed (the LOA was declined)."""
        self.cancel_jobs(order)
        move_order(order, HostingOrderState.REJECTED, self.world.clock.now())
        self._release_numbers(order)
        if order.type == HostingOrderType.TEXT_ENABLE:
            self.world.qualified_numbers.release_from_hosting(
                order.project_id, [p for p in order.numbers if self._is_qualified(order, p)]
            )

    def _maybe_finish(self, order: HostingOrder) -> None:
        if not all(n.finished for n in order.numbers.values()):
            return
        hosted = any(n.hosting == State.DONE for n in order.numbers.values())
        move_order(order, HostingOrderState.COMPLETED if hosted else HostingOrderState.REJECTED, self.world.clock.now())
        self._release_numbers(order)

    def _release_numbers(self, order: HostingOrder) -> None:
        running = self.world.project(order.project_id).running_order_by_number
        for phone in order.numbers:
            if running.get(phone) == order.hosting_order_id:
                del running[phone]

    # --- the steps of a number ------------------------------------------------------------
    def _begin(self, order: HostingOrder, number: HostingOrderNumber, step: Step) -> None:
        now = self.world.clock.now()
        timings = self.world.settings.timings
        if step is Step.CARRIERS:
            for name, carrier in number.carriers.items():
                move_carrier(order, number, name, carrier, State.IN_PROGRESS, now)
            duration = timings.carrier_configuration
        else:
            move_step(order, number, progress_of(number, step), State.IN_PROGRESS, now)
            duration = {
                Step.OSR: timings.osr_update,
                Step.PLATFORM: timings.sms_provisioning,
                Step.CAMPAIGN: timings.campaign_provisioning,
            }[step]
        self._touch(order, number)
        self.world.scheduler.schedule(
            JOB_FINISH_STEP, order.project_id, delay=duration,
            orderId=order.hosting_order_id, phoneNumber=number.phone_number, step=step.value,
        )

    def finish_step(self, order: HostingOrder, number: HostingOrderNumber, step: Step) -> None:
        if step is Step.CARRIERS:
            self._finish_carriers(order, number)
            self._host(order, number)
            return
        code = self.failure_of(order, number, step)
        move_step(order, number, progress_of(number, step), State.FAILED if code else State.DONE,
                  self.world.clock.now(), failure_code=code or "")
        self._touch(order, number)
        # The spec: SMS platform provisioning fails without a failureCode ("the result is
        # binary"); its code is carried by the HOSTING_PROCESS event (docs/errata.md, E-HO-9).
        self._event(order, number, STEP_EVENTS[step], failed=bool(code),
                    failure_code=None if step is Step.PLATFORM else code)
        if code:
            self._fail(order, number, code)
        else:
            self._begin(order, number, self._next(order, step))

    @staticmethod
    def _next(order: HostingOrder, step: Step) -> Step:
        if step is Step.OSR:
            return Step.PLATFORM
        if step is Step.PLATFORM and order.campaign_id:
            return Step.CAMPAIGN
        return Step.CARRIERS

    def failure_of(self, order: HostingOrder, number: HostingOrderNumber, step: Step) -> str | None:
        """The failure code a step ends with, or None when it succeeds (docs/magic-numbers.md)."""
        outcomes = self.world.outcomes.of(order.project_id)
        phone = number.phone_number
        if step is Step.OSR:
            return outcomes.osr_failure(phone) or (None if number.nnid.isdigit() else INVALID_NNID)
        if step is Step.PLATFORM:
            return outcomes.platform_failure(phone, order.service_plan_id)
        if step is Step.CAMPAIGN:
            return campaign_refusal(phone) or outcomes.campaign_failure(phone, order.campaign_id)
        return None

    def _finish_carriers(self, order: HostingOrder, number: HostingOrderNumber) -> None:
        now = self.world.clock.now()
        outcomes = self.world.outcomes.of(order.project_id)
        for name, carrier in number.carriers.items():
            failure = outcomes.carrier_failure(number.phone_number, name, order.migrate_to_sinch_tmo)
            move_carrier(order, number, name, carrier, State.FAILED if failure else State.DONE, now, failure=failure)
        self._touch(order, number)

    def _host(self, order: HostingOrder, number: HostingOrderNumber) -> None:
        """Every step succeeded: the number is hosted and becomes an imported number."""
        move_number(order, number, State.DONE, self.world.clock.now())
        self._touch(order)
        self._event(order, number, EventType.HOSTING_PROCESS)
        imported = self.world.imported_numbers.adopt_from_hosting_order(
            order.project_id, number.phone_number,
            region_code=order.region_code,
            service_plan_id=order.service_plan_id,
            campaign_id=order.campaign_id,
            display_name=order.display_name,
            callback_url=order.callback_url,
            hosting_order_id=order.hosting_order_id,
            migrate_to_sinch_tmo=order.migrate_to_sinch_tmo,
        )
        if hasattr(imported, "mno"):  # the carrier entries as the order configured them
            imported.mno = {k: replace(v) for k, v in number.carriers.items()}
        if order.type == HostingOrderType.TEXT_ENABLE and self._is_qualified(order, number.phone_number):
            self.world.qualified_numbers.finish_hosting(order.project_id, number.phone_number, True)
        self._maybe_finish(order)

    def _fail(self, order: HostingOrder, number: HostingOrderNumber, code: str) -> None:
        move_number(order, number, State.FAILED, self.world.clock.now(), failure_code=code)
        self._touch(order)
        self._event(order, number, EventType.HOSTING_PROCESS, failed=True, failure_code=code)
        if order.type == HostingOrderType.TEXT_ENABLE and self._is_qualified(order, number.phone_number):
            self.world.qualified_numbers.finish_hosting(order.project_id, number.phone_number, False, describe(code))
        self._maybe_finish(order)

    # --- helpers --------------------------------------------------------------------------
    def _event(self, order: HostingOrder, number: HostingOrderNumber, event_type: EventType, *,
               failed: bool = False, failure_code: str | None = None) -> None:
        self.world.events.record(
            order.project_id, ResourceType.HOSTING_ORDER_NUMBER, event_type, number.phone_number,
            failure_code=failure_code, failed=failed, destination=order.callback_url or None,
        )

    def _touch(self, order: HostingOrder, number: HostingOrderNumber | None = None) -> None:
        now = self.world.clock.now()
        order.updated_time = now
        if number is not None:
            number.updated_time = now

    def _is_qualified(self, order: HostingOrder, phone: str) -> bool:
        return phone in self.world.view(order.project_id).qualified_numbers
