"""Rules and lifecycles of imported numbers.

Lifecycle of a link (import, or PATCH linking a service plan and/or a campaign):
SMS platform provisioning (`smsProvisioning` IN_PROGRESS -> DONE | FAILED), then the four
carrier entries (`mnoConfiguration`, IN_PROGRESS -> DONE | FAILED) and, with a campaign,
campaign linking (`campaignProvisioning` WAITING -> IN_PROGRESS -> DONE | FAILED). Unlinking
(`""` in PATCH) runs the DEPROVISIONING twin. While any of it runs,
`smsConfiguration.scheduledProvisioning` shows the pending change; a further change of
`smsConfiguration` is accepted and queued (`scheduledProvisioning` then shows the newest
configuration asked for) and runs when the current one ends. docs/imported-numbers.md has the
diagram and the events.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from mock_server.core.errors import ApiError, FieldViolation, already_exists, failed_precondition, not_found
from mock_server.core.paging import Page, paginate
from mock_server.core.scheduler import Job
from mock_server.domain.events import EventType, ResourceType
from mock_server.domain.imported_numbers.model import (
    IMPORTED_NUMBER_INDEX,
    ImportedNumber,
    QueuedChange,
    ScheduledProvisioning,
)
from mock_server.domain.failure_codes import failure_code_number
from mock_server.domain.hosting_orders.holding import held_by_running_order
from mock_server.domain.imported_numbers.requests import (
    ImportedNumberChange,
    ImportedNumberFilter,
    ImportRequest,
    NewImportedNumber,
    check_change,
    check_filter,
    check_import,
)
from mock_server.domain.toll_free import NO_CAMPAIGN, campaign_refusal
from mock_server.domain.provisioning import CARRIERS, CarrierState, Provisioning, State
from mock_server.domain.service_plans import check_service_plan

if TYPE_CHECKING:
    from mock_server.domain.world import World

# scheduledProvisioning.status (an integer enum in the spec; docs/errata.md, E-IMP-3)
PENDING, DONE, FAILED = 1, 2, 3

JOB_SMS = "imported_number.sms"
JOB_CARRIERS = "imported_number.carriers"
JOB_CAMPAIGN = "imported_number.campaign"
JOB_CAMPAIGN_UNLINK = "imported_number.campaign_unlink"
JOB_SMS_UNLINK = "imported_number.sms_unlink"
JOB_PREFIX = "imported_number."  # every kind above starts with it

HOSTED_ELSEWHERE = FieldViolation("phoneNumber", "is hosted already (imported, or in a running hosting order)")


class ImportedNumberService:
    def __init__(self, world: "World") -> None:
        self.world = world
        world.scheduler.register(JOB_SMS, self._on_sms_provisioned)
        world.scheduler.register(JOB_CARRIERS, self._on_carriers_configured)
        world.scheduler.register(JOB_CAMPAIGN, self._on_campaign_linked)
        world.scheduler.register(JOB_CAMPAIGN_UNLINK, self._on_campaign_unlinked)
        world.scheduler.register(JOB_SMS_UNLINK, self._on_sms_deprovisioned)

    # --- reads ----------------------------------------------------------------------------
    def get(self, project_id: str, phone: str) -> ImportedNumber:
        number = self.world.view(project_id).imported_numbers.get(phone)
        if number is None:
            raise not_found(f"The imported number {phone} could not be found")
        return number

    def is_imported(self, project_id: str, phone: str) -> bool:
        return phone in self.world.view(project_id).imported_numbers

    def matching(self, project_id: str, where: ImportedNumberFilter) -> list[ImportedNumber]:
        return [n for n in self.world.view(project_id).imported_numbers.values() if where.matches(n)]

    def list_numbers(self, project_id: str, where: ImportedNumberFilter, *, order_by: str, page_size: int,
                     page_token: str | None) -> Page[ImportedNumber]:
        """`GET importedNumbers`: a page of the numbers `where` matches, from the project's index
        in `order_by` order. Its page token works only for this project, this filter and this order."""
        where = check_filter(where)
        numbers = self.world.view(project_id).imported_numbers  # a read creates no project
        digits = where.digit_query()
        selection = numbers.select(order_by, where.matches_facet,  # type: ignore[attr-defined]
                                   digits.matches if digits else None, digits=digits, wanted=page_size + 1)
        return paginate(selection, IMPORTED_NUMBER_INDEX.orders[order_by], page_size, page_token,
                               {**where.fingerprint(), "orderBy": order_by}, project_id=project_id)

    # --- import ---------------------------------------------------------------------------
    def import_number(self, project_id: str, request: ImportRequest | NewImportedNumber) -> ImportedNumber:
        """`POST importedNumbers`. A request is checked first (every violation at once); a
        `NewImportedNumber` is one checked already. `migrateToSinchTmo` is not taken from the
        request: it is read-only but for `hostingOrders:importNumbers` (docs/errata.md, E-IMP-1)."""
        new = check_import(request) if isinstance(request, ImportRequest) else request
        project = self.world.view(project_id)  # created only when the number is stored
        if new.phone_number in project.imported_numbers:
            raise already_exists(f"The imported number {new.phone_number} already exists",
                                 FieldViolation("phoneNumber", "is imported in this project already"))
        held = held_by_running_order(project, new.phone_number)
        if held:
            raise already_exists(held, FieldViolation("phoneNumber", held))
        if self.hosted_elsewhere(project_id, new.phone_number):
            raise already_exists(f"The number {new.phone_number} already exists", HOSTED_ELSEWHERE)
        check_service_plan(self.world, project_id, new.service_plan_id, "smsConfiguration.servicePlanId")
        now = self.world.clock.now()
        # built linked (its link's fields set with the others), then stored: its place in the
        # project's index is found once
        number = ImportedNumber.unplaced(
            phone_number=new.phone_number,
            project_id=project_id,
            region_code=new.region_code,
            display_name=new.display_name,
            callback_url=new.callback_url,
            created_time=now,
            updated_time=now,
            **self._link_fields(new.service_plan_id, new.campaign_id, now),
        )
        self._schedule(JOB_SMS, number, self.world.settings.timings.sms_provisioning, now)
        self.world.project(project_id).imported_numbers[number.phone_number] = number
        return number

    def hosted_elsewhere(self, project_id: str, phone: str) -> bool:
        """Whether another project holds `phone` (imported, or in a running hosting order): one
        lookup in the world's map (domain/holders.py). A 409 says so without naming that project."""
        return self.world.holders.held_elsewhere(phone, project_id)

    def adopt_from_hosting_order(
        self, project_id: str, phone: str, *, region_code: str, service_plan_id: str, campaign_id: str,
        display_name: str, callback_url: str, hosting_order_id: str, migrate_to_sinch_tmo: bool,
    ) -> ImportedNumber:
        """A hosting-order number that finished: an imported number, already provisioned.

        It records no events itself (the hosting order's events cover the import); later
        changes to it report as IMPORTED_NUMBER.
        """
        now = self.world.clock.now()
        number = ImportedNumber.unplaced(
            phone_number=phone, project_id=project_id, region_code=region_code,
            display_name=display_name, callback_url=callback_url,
            service_plan_id=service_plan_id, campaign_id=campaign_id,
            migrate_to_sinch_tmo=migrate_to_sinch_tmo, hosting_order_id=hosting_order_id,
            sms_provisioning=Provisioning(service_type="SMS", service_id=service_plan_id,
                                          state=State.DONE, update_time=now),
            campaign_provisioning=Provisioning(service_type="CAMPAIGN", service_id=campaign_id,
                                               state=State.DONE, update_time=now) if campaign_id else None,
            mno={c: CarrierState(state=State.DONE, update_time=now) for c in CARRIERS},
            created_time=now, updated_time=now,
        )
        self.world.project(project_id).imported_numbers[phone] = number
        return number

    # --- scenarios: what the API cannot do -------------------------------------------------
    def place_provisioned(self, project_id: str, new: NewImportedNumber, *,
                          migrate_to_sinch_tmo: bool = False) -> ImportedNumber:
        """An imported number placed straight in its settled state: linked, every step DONE,
        nothing pending and no history (no events), as a hosting order leaves the numbers it
        hosts. Its service plan is checked as `POST importedNumbers` checks it; scenarios check
        where a number may be hosted before they place it."""
        check_service_plan(self.world, project_id, new.service_plan_id, "smsConfiguration.servicePlanId")
        if new.campaign_id and campaign_refusal(new.phone_number):  # no request could leave it linked
            raise failed_precondition(f"{new.phone_number} cannot be provisioned with campaign {new.campaign_id}: "
                                      f"{NO_CAMPAIGN} (linking it fails with {campaign_refusal(new.phone_number)})")
        return self.adopt_from_hosting_order(
            project_id, new.phone_number, region_code=new.region_code, service_plan_id=new.service_plan_id,
            campaign_id=new.campaign_id, display_name=new.display_name, callback_url=new.callback_url,
            hosting_order_id="", migrate_to_sinch_tmo=migrate_to_sinch_tmo)

    def declare_migrate_to_sinch_tmo(self, project_id: str, phone: str, migrate: bool) -> ImportedNumber:
        """Set `migrateToSinchTmo` of a number as an import hosting order would have (the API
        takes it from `hostingOrders:importNumbers` alone, docs/errata.md E-IMP-1). Before its
        carrier entries are configured it decides how they are."""
        number = self.get(project_id, phone)
        number.migrate_to_sinch_tmo = migrate
        return number

    # --- update ---------------------------------------------------------------------------
    def update(self, project_id: str, phone: str, change: ImportedNumberChange) -> ImportedNumber:
        """Apply a PATCH. A link that took effect must be unlinked (`""`) before another is
        linked; unlinking the service plan unlinks the campaign with it. A link whose
        provisioning failed never took effect, so it may be replaced, retried (the same id
        again) or dropped (`""`, at once and without events). While a change runs, the next one
        is checked against the configuration asked for last and queued behind it."""
        number = self.get(project_id, phone)
        check_change(change, number)
        queue = bool(self.busy(number) or number.queued_changes)
        if queue:  # judged against the newest configuration asked for, as if it took effect
            last = number.queued_changes[-1] if number.queued_changes else None
            plan, campaign = (last.service_plan_id, last.campaign_id) if last else \
                (number.service_plan_id, number.campaign_id)
            plan_live, campaign_live = bool(plan), bool(campaign)
        else:
            plan, campaign, plan_live, campaign_live = self._links_now(number)
        new_plan = plan if change.service_plan_id is None else change.service_plan_id
        new_campaign = campaign if change.campaign_id is None else change.campaign_id
        if change.service_plan_id == "" and change.campaign_id is None:
            new_campaign = ""  # a campaign cannot stay linked without a service plan
        retry = not queue and (
            (change.service_plan_id is not None and bool(plan) and not plan_live)
            or (change.campaign_id is not None and bool(campaign) and not campaign_live))
        reconfigures = (new_plan, new_campaign) != (plan, campaign) or retry
        if reconfigures:  # every check first: a refused change writes nothing
            self._check_change(number, plan, campaign, plan_live, campaign_live, new_plan, new_campaign)
            limit = self.world.settings.limits.queued_changes
            if queue and len(number.queued_changes) >= limit:
                raise failed_precondition(
                    f"The imported number {phone} has {limit} smsConfiguration changes queued already; "
                    "retry when smsConfiguration.scheduledProvisioning shows fewer")

        now = self.world.clock.now()
        if change.display_name is not None:
            number.display_name = change.display_name
        if change.callback_url is not None:
            number.callback_url = change.callback_url
        number.updated_time = now
        if not reconfigures:
            return number
        if queue:
            self._enqueue(number, new_plan, new_campaign)
        else:
            self._reconfigure(number, plan_live, campaign_live, new_plan, new_campaign)
        return number

    def _check_change(self, number: ImportedNumber, plan: str, campaign: str, plan_live: bool,
                      campaign_live: bool, new_plan: str, new_campaign: str) -> None:
        if new_plan and new_plan != plan:
            check_service_plan(self.world, number.project_id, new_plan, "smsConfiguration.servicePlanId")
        if plan_live and new_plan and new_plan != plan:
            raise failed_precondition(
                f"The number is linked to service plan {plan}; unlink it first "
                "(servicePlanId \"\") before linking another")
        if campaign_live and new_campaign and new_campaign != campaign:
            raise failed_precondition(
                f"The number is linked to campaign {campaign}; unlink it first "
                "(campaignId \"\") before linking another")
        if new_campaign and not new_plan:
            raise failed_precondition("A campaign can only be linked to a number linked to a service plan")

    def _reconfigure(self, number: ImportedNumber, plan_live: bool, campaign_live: bool, new_plan: str,
                     new_campaign: str) -> None:
        """Start the lifecycle that takes the number to (`new_plan`, `new_campaign`)."""
        campaign = number.campaign_id
        unlink_plan = plan_live and not new_plan
        unlink_campaign = campaign_live and not new_campaign
        if unlink_plan or unlink_campaign:
            if campaign and not campaign_live and not new_campaign:
                self._drop_campaign(number)
            self._start_unlink(number, unlink_plan, unlink_campaign)
        elif new_plan and not plan_live:
            self._start_link(number, new_plan, new_campaign, self.world.clock.now())
        elif not new_plan:
            self._drop_links(number)
        elif new_campaign:
            self._start_campaign_only(number, new_campaign)
        else:
            self._drop_campaign(number)

    def _enqueue(self, number: ImportedNumber, plan: str, campaign: str) -> None:
        """Queue a change behind the running one; `scheduledProvisioning` shows the newest."""
        now = self.world.clock.now()
        number.queued_changes.append(QueuedChange(service_plan_id=plan, campaign_id=campaign))
        pending = number.scheduled_provisioning
        assert pending is not None  # a change runs, or one is queued behind a running one
        pending.service_plan_id, pending.campaign_id = plan, campaign
        pending.status, pending.error_codes, pending.last_updated_time = PENDING, [], now

    def _run_queued(self, number: ImportedNumber) -> None:
        """The running change ended: start the oldest queued one, if any.

        Its rules are checked again against what the number is now (the running change may have
        failed); a queued change they refuse is dropped, with the rest of the queue, and
        `scheduledProvisioning` shows it FAILED."""
        if not number.queued_changes:
            return
        wanted = number.queued_changes.pop(0)
        plan, campaign, plan_live, campaign_live = self._links_now(number)
        target = (wanted.service_plan_id, wanted.campaign_id)
        retry = (bool(target[0]) and target[0] == plan and not plan_live) or \
                (bool(target[1]) and target[1] == campaign and not campaign_live)
        if target == (plan, campaign) and not retry:
            self._run_queued(number)
            return
        try:
            self._check_change(number, plan, campaign, plan_live, campaign_live, *target)
        except ApiError:
            number.queued_changes.clear()
            self._pending(number, *target, self.world.clock.now())
            assert number.scheduled_provisioning is not None
            number.scheduled_provisioning.status = FAILED
            return
        self._reconfigure(number, plan_live, campaign_live, *target)
        if number.scheduled_provisioning is None:  # dropped at once (nothing to undo): next one
            self._run_queued(number)
            return
        queued = number.queued_changes
        if queued:  # the newest configuration asked for stays on show
            number.scheduled_provisioning.service_plan_id = queued[-1].service_plan_id
            number.scheduled_provisioning.campaign_id = queued[-1].campaign_id

    @classmethod
    def _links_now(cls, number: ImportedNumber) -> tuple[str, str, bool, bool]:
        """The number's plan and campaign, and whether each link took effect."""
        plan, campaign = number.service_plan_id, number.campaign_id
        return (plan, campaign, bool(plan) and cls._took_effect(number.sms_provisioning),
                bool(campaign) and cls._took_effect(number.campaign_provisioning))

    @staticmethod
    def _took_effect(step: Provisioning | None) -> bool:
        return step is not None and step.type == "PROVISIONING" and step.state == State.DONE

    @staticmethod
    def _drop_links(number: ImportedNumber) -> None:
        """Forget a service plan (and campaign) whose provisioning failed: nothing to undo."""
        number.service_plan_id = number.campaign_id = ""
        number.sms_provisioning = number.campaign_provisioning = None
        number.mno = {}
        number.scheduled_provisioning = None

    @staticmethod
    def _drop_campaign(number: ImportedNumber) -> None:
        """Forget a campaign whose linking failed: nothing to undo."""
        number.campaign_id = ""
        number.campaign_provisioning = None
        number.scheduled_provisioning = None

    # --- delete ---------------------------------------------------------------------------
    def delete(self, project_id: str, phone: str) -> None:
        number = self.get(project_id, phone)
        del self.world.project(project_id).imported_numbers[phone]
        self.world.scheduler.cancel(lambda job: job.kind.startswith(JOB_PREFIX)
                                    and job.project_id == project_id and job.data.get("phone") == phone)
        self._event(number, EventType.DELETE)

    # --- state helpers ----------------------------------------------------------------------
    @staticmethod
    def busy(number: ImportedNumber) -> bool:
        pending = number.scheduled_provisioning
        return pending is not None and pending.status == PENDING

    def _event(self, number: ImportedNumber, event_type: EventType, *, failed: bool | None = None,
               failure_code: str | None = None) -> None:
        self.world.events.record(number.project_id, ResourceType.IMPORTED_NUMBER, event_type,
                                 number.phone_number, failed=failed, failure_code=failure_code,
                                 destination=number.callback_url or None)

    def _schedule(self, kind: str, number: ImportedNumber, delay: float, now: datetime) -> None:
        """A job `delay` seconds after `now` (the operation's instant: the clock is read once)."""
        self.world.scheduler.schedule(kind, number.project_id, at=now + timedelta(seconds=delay),
                                      phone=number.phone_number)

    def _pending(self, number: ImportedNumber, plan: str, campaign: str, now: datetime) -> None:
        number.scheduled_provisioning = _pending_change(plan, campaign, now)

    def _start_link(self, number: ImportedNumber, plan: str, campaign: str, now: datetime) -> None:
        for name, value in self._link_fields(plan, campaign, now).items():
            setattr(number, name, value)
        self._schedule(JOB_SMS, number, self.world.settings.timings.sms_provisioning, now)

    def _link_fields(self, plan: str, campaign: str, now: datetime) -> dict[str, Any]:
        """The fields a link to `plan` (and `campaign`) sets: its steps waiting, its change pending."""
        return {
            "service_plan_id": plan,
            "campaign_id": campaign,
            "sms_provisioning": Provisioning(service_type="SMS", service_id=plan, update_time=now),
            "campaign_provisioning": (
                Provisioning(service_type="CAMPAIGN", service_id=campaign, state=State.WAITING, update_time=now)
                if campaign else None),
            "mno": {c: CarrierState(state=State.WAITING, update_time=now) for c in CARRIERS},
            "scheduled_provisioning": _pending_change(plan, campaign, now),
        }

    def _start_campaign_only(self, number: ImportedNumber, campaign: str) -> None:
        now = self.world.clock.now()
        number.campaign_id = campaign
        number.campaign_provisioning = Provisioning(service_type="CAMPAIGN", service_id=campaign, update_time=now)
        self._pending(number, number.service_plan_id, campaign, now)
        self._schedule(JOB_CAMPAIGN, number, self.world.settings.timings.campaign_provisioning, now)

    def _start_unlink(self, number: ImportedNumber, plan: bool, campaign: bool) -> None:
        now = self.world.clock.now()
        delay = self.world.settings.timings.deprovisioning
        self._pending(number, "" if plan else number.service_plan_id, "" if campaign else number.campaign_id, now)
        if campaign:
            number.campaign_provisioning = Provisioning(
                service_type="CAMPAIGN", service_id=number.campaign_id, type="DEPROVISIONING", update_time=now)
            number.campaign_id = ""
            self._schedule(JOB_CAMPAIGN_UNLINK, number, delay, now)
        if plan:
            number.sms_provisioning = Provisioning(
                service_type="SMS", service_id=number.service_plan_id, type="DEPROVISIONING", update_time=now)
            number.mno = {c: CarrierState(state=State.IN_PROGRESS, operation="DEPROVISIONING", update_time=now)
                          for c in CARRIERS}
            number.service_plan_id = ""
            self._schedule(JOB_SMS_UNLINK, number, delay * (2 if campaign else 1), now)

    def _finish_if_settled(self, number: ImportedNumber) -> None:
        """Clear the pending change once every step of it has ended; keep it when one failed."""
        steps = [number.sms_provisioning, number.campaign_provisioning]
        states = [s.state for s in steps if s is not None] + [c.state for c in number.mno.values()]
        if any(s in (State.WAITING, State.IN_PROGRESS) for s in states):
            return
        pending = number.scheduled_provisioning
        if pending is None:
            return
        # A carrier entry that fails shows FAILED there; it does not fail the change (as in
        # hosting orders, it is a manual follow-up at the carrier).
        codes = [s.error_code for s in steps if s is not None and s.state == State.FAILED]
        if codes:
            pending.status = FAILED
            pending.error_codes = [failure_code_number(c) for c in codes if c]
            pending.last_updated_time = self.world.clock.now()
        else:
            number.scheduled_provisioning = None
        self._run_queued(number)

    def _number_of(self, job: Job) -> ImportedNumber | None:
        return self.world.project(job.project_id).imported_numbers.get(job.data["phone"])

    # --- scheduled steps ---------------------------------------------------------------------
    def _on_sms_provisioned(self, job: Job) -> None:
        number = self._number_of(job)
        if number is None or number.sms_provisioning is None:
            return
        now = self.world.clock.now()
        step = number.sms_provisioning
        code = self.world.outcomes.of(number.project_id).platform_failure(number.phone_number, number.service_plan_id)
        step.update_time = number.updated_time = now
        if code:
            step.state, step.error_code = State.FAILED, code
            step.error_message = f"Provisioning to the SMS platform failed ({code})"
            self._event(number, EventType.PROVISIONING_TO_SMS_PLATFORM, failed=True)
            self._finish_if_settled_after_failure(number)
            return
        step.state = State.DONE
        self._event(number, EventType.PROVISIONING_TO_SMS_PLATFORM)
        for carrier in number.mno.values():
            carrier.state, carrier.update_time = State.IN_PROGRESS, now
        self._schedule(JOB_CARRIERS, number, self.world.settings.timings.carrier_configuration, now)
        if number.campaign_provisioning is not None:
            number.campaign_provisioning.state = State.IN_PROGRESS
            number.campaign_provisioning.update_time = now
            self._schedule(JOB_CAMPAIGN, number, self.world.settings.timings.campaign_provisioning, now)

    def _finish_if_settled_after_failure(self, number: ImportedNumber) -> None:
        """SMS provisioning failed: the steps that depended on it never start."""
        now = self.world.clock.now()
        for carrier in number.mno.values():
            carrier.state, carrier.update_time = State.STATE_UNSPECIFIED, now
        if number.campaign_provisioning is not None:
            number.campaign_provisioning.state = State.STATE_UNSPECIFIED
            number.campaign_provisioning.update_time = now
        self._finish_if_settled(number)

    def _on_carriers_configured(self, job: Job) -> None:
        number = self._number_of(job)
        if number is None:
            return
        number.updated_time = self.world.clock.now()
        self.world.outcomes.of(number.project_id).configure_carriers(
            number.phone_number, number.mno, number.migrate_to_sinch_tmo, number.updated_time)
        self._finish_if_settled(number)

    def _campaign_failure(self, number: ImportedNumber) -> str | None:
        outcomes = self.world.outcomes.of(number.project_id)
        return campaign_refusal(number.phone_number) or outcomes.campaign_failure(number.phone_number, number.campaign_id)

    def _on_campaign_linked(self, job: Job) -> None:
        number = self._number_of(job)
        if number is None or number.campaign_provisioning is None:
            return
        now = self.world.clock.now()
        step = number.campaign_provisioning
        code = self._campaign_failure(number)
        step.update_time = number.updated_time = now
        if code:
            step.state, step.error_code = State.FAILED, code
            step.error_message = f"Linking to campaign {step.service_id} failed ({code})"
            self._event(number, EventType.LINK_TO_10DLC_CAMPAIGN, failure_code=code)
        else:
            step.state = State.DONE
            self._event(number, EventType.LINK_TO_10DLC_CAMPAIGN)
        self._finish_if_settled(number)

    def _unlink_done(self, job: Job, step_name: str) -> ImportedNumber | None:
        """An unlinking step of the job's number ended (DONE, now); None if nothing is left to end."""
        number = self._number_of(job)
        step = getattr(number, step_name) if number is not None else None
        if number is None or step is None:
            return None
        step.state = State.DONE
        step.update_time = number.updated_time = self.world.clock.now()
        return number

    def _on_campaign_unlinked(self, job: Job) -> None:
        number = self._unlink_done(job, "campaign_provisioning")
        if number is not None:
            self._event(number, EventType.UNLINK_TO_10DLC_CAMPAIGN)
            self._finish_if_settled(number)

    def _on_sms_deprovisioned(self, job: Job) -> None:
        number = self._unlink_done(job, "sms_provisioning")
        if number is None:
            return
        for carrier in number.mno.values():
            carrier.state, carrier.update_time = State.DONE, number.updated_time
        self._event(number, EventType.DEPROVISIONING_TO_SMS_PLATFORM)
        self._finish_if_settled(number)


def _pending_change(plan: str, campaign: str, now: datetime) -> ScheduledProvisioning:
    """`scheduledProvisioning` of a change to `plan` and `campaign` asked for at `now`."""
    return ScheduledProvisioning(service_plan_id=plan, campaign_id=campaign, status=PENDING, last_updated_time=now)
