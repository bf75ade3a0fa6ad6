"""Preloading records in a chosen state, through the services' own operations.

A record in a later state is reached the way the API reaches it: the number is qualified, its
eligibility check runs (early, at the moment of loading), a voice challenge is sent, invoices
are approved, an order is picked up, its LOA signed, its steps run. Outcomes apply as usual,
so a state the outcomes forbid (an "eligible" number whose outcome fails the check) is refused
with the reason. History that happened during preloading sends no callbacks.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable, Iterator

from mock_server.core.errors import ApiError, already_exists, failed_precondition
from mock_server.core.phone import PhoneNumber
from mock_server.core.scheduler import Job
from mock_server.domain.hosting_orders.model import (
    Address,
    AuthorisedPerson,
    HostingOrder,
    LetterOfAuthorization,
    LoaType,
)
from mock_server.domain.hosting_orders.requests import ImportNumbersRequest, TextEnableRequest
from mock_server.domain.imported_numbers.service import NewImportedNumber
from mock_server.domain.qualified_numbers.lifecycle import move
from mock_server.domain.qualified_numbers.model import GlobalProcessState
from mock_server.domain.world import World
from mock_server.scenarios.format import ImportedNumberSpec, QualifiedNumberSpec
from mock_server.scenarios.orders import HostingOrderSpec, LoaSpec

S = GlobalProcessState
NOT_ELIGIBLE_TEXT = "The number is not eligible for hosting (set by the scenario)."
LOA_TYPES = {"direct": LoaType.DIRECT, "reseller": LoaType.RESELLER, "blanket": LoaType.BLANKET}


# --- qualified numbers ----------------------------------------------------------------------
def preload_qualified(world: World, project_id: str, entry: QualifiedNumberSpec) -> int:
    phones = entry.phones()
    qualify(world, project_id, phones, entry.state, {p.e164: entry.region_of(p) for p in phones})
    return len(phones)


def _chunks(items: list[str], size: int) -> Iterator[list[str]]:
    for start in range(0, len(items), size):
        yield items[start:start + size]


def qualify(world: World, project_id: str, phones: list[PhoneNumber], state: str,
            regions: dict[str, str]) -> None:
    service = world.qualified_numbers
    e164s = [p.e164 for p in phones]
    project = world.project(project_id)
    taken = [p for p in e164s if p in project.qualified_numbers]
    if taken:
        raise already_exists(f"already qualified numbers in project {project_id}: {', '.join(taken[:5])}")
    for chunk in _chunks(e164s, world.settings.limits.qualify_batch_numbers):
        service.add_numbers(project_id, chunk)
    for phone in e164s:
        project.qualified_numbers[phone].region_code = regions[phone]
    if state == "eligible_check_pending":
        return
    wanted = set(e164s)
    checks = _jobs_of(project_id, wanted, "qualified_number.eligibility_check")
    if state == "not_eligible":
        world.scheduler.cancel(checks)
        for phone in e164s:
            error = world.outcomes.of(project_id).eligibility_error(phone) or NOT_ELIGIBLE_TEXT
            move(project.qualified_numbers[phone], S.NOT_ELIGIBLE, world.clock.now(), error=error)
        return
    world.scheduler.run_early(checks)
    for phone in e164s:
        number = project.qualified_numbers[phone]
        if number.state is not S.ELIGIBLE:
            raise failed_precondition(
                f"{phone} cannot be {state}: its eligibility check fails "
                f"({number.osr_eligibility.error or number.state.value}); override its outcome, "
                "or declare it not_eligible")
        _verify_step(world, project_id, phone, state)


def _verify_step(world: World, project_id: str, phone: str, state: str) -> None:
    service = world.qualified_numbers
    if state == "verified":
        service.approve_invoices(project_id, phone)
    elif state == "verification_failed":
        service.reject_invoices(project_id, phone)
    elif state == "invoices_under_review":  # the invoices arrive now; the review runs its course
        world.scheduler.run_early(_jobs_of(project_id, {phone}, "qualified_number.invoice_submission"))
        if service.get(project_id, phone).state is not S.VERIFICATION_PENDING:
            raise failed_precondition(f"{phone} cannot be invoices_under_review: "
                                      "timings.invoice_submission is null (invoices never arrive)")
    elif state in ("verification_pending", "verification_blocked"):
        number = service.send_voice_challenge(project_id, phone)
        if state == "verification_blocked":
            assert number.voice_challenge is not None
            code = number.voice_challenge.code
            wrong = str((int(code) + 1) % 10 ** len(code)).zfill(len(code))
            while number.state is S.VERIFICATION_PENDING:  # each wrong code uses up an attempt
                try:
                    service.verify_voice_challenge(project_id, phone, wrong)
                except ApiError:
                    pass


def _jobs_of(project_id: str, phones: set[str], kind: str) -> Callable[[Job], bool]:
    return lambda job: (job.kind == kind and job.project_id == project_id
                        and job.data.get("phoneNumber") in phones)


# --- imported numbers -----------------------------------------------------------------------
def preload_imported(world: World, project_id: str, entry: ImportedNumberSpec) -> int:
    project = world.project(project_id)
    phones = entry.phones()
    taken = [p.e164 for p in phones if p.e164 in project.imported_numbers]
    if taken:
        raise already_exists(f"already imported in project {project_id}: {', '.join(taken[:5])}")
    held = [p.e164 for p in phones if p.e164 in project.running_order_by_number]
    if held:
        raise already_exists(f"held by a running hosting order in project {project_id}: {', '.join(held[:5])}")
    service = world.imported_numbers
    elsewhere = [p.e164 for p in phones if service.hosted_elsewhere(project_id, p.e164)]
    if elsewhere:
        raise already_exists(f"hosted already by another project: {', '.join(elsewhere[:5])}")
    for phone in phones:
        if entry.state == "provisioned":
            service.adopt_from_hosting_order(
                project_id, phone.e164, region_code=entry.region_of(phone), service_plan_id=entry.service_plan,
                campaign_id=entry.campaign, display_name=entry.display_name, callback_url=entry.callback_url,
                hosting_order_id="", migrate_to_sinch_tmo=entry.migrate_to_sinch_tmo)
        else:
            number = service.import_number(project_id, NewImportedNumber(
                phone_number=phone.e164, region_code=entry.region_of(phone), service_plan_id=entry.service_plan,
                campaign_id=entry.campaign, display_name=entry.display_name, callback_url=entry.callback_url,
                toll_free=phone.toll_free))
            # Declared as if it came from an import hosting order (the only request that sets it).
            number.migrate_to_sinch_tmo = entry.migrate_to_sinch_tmo
    return len(phones)


# --- hosting orders -------------------------------------------------------------------------
@dataclass
class OrderMade:
    project_id: str
    hosting_order_id: str
    type: str
    state: str  # the scenario's word for the order's state (submitted, ..., rejected)

    def summary(self) -> dict:
        return {"projectId": self.project_id, "hostingOrderId": self.hosting_order_id,
                "type": self.type, "state": self.state}

    def why_not(self, wanted: str) -> str:
        if wanted == "completed" and self.state == "rejected":
            return ("the order ended rejected, not completed: every number failed a step (their "
                    "outcomes, or the magic-number table); let at least one number succeed")
        if wanted == "rejected" and self.state == "completed":
            return ("the order ended completed, not rejected: an import order is rejected only when "
                    "every number fails a step; give each number a failing outcome")
        return f"the order ended {self.state}, not {wanted}"


def preload_hosting_order(world: World, project_id: str, spec: HostingOrderSpec) -> OrderMade:
    phones = spec.phones()
    region = spec.region_code or spec.region_of(phones[0])
    numbers = [p.e164 for p in phones]
    service = world.hosting_orders
    if spec.type == "import":
        order = service.import_numbers(project_id, ImportNumbersRequest(
            region_code=region, numbers=numbers, service_plan_id=spec.service_plan, campaign_id=spec.campaign,
            display_name=spec.display_name, callback_url=spec.callback_url,
            migrate_to_sinch_tmo=spec.migrate_to_sinch_tmo))
    else:
        project = world.project(project_id)
        missing = [p for p in phones if p.e164 not in project.qualified_numbers]
        if missing:
            qualify(world, project_id, missing, "verified", {p.e164: region for p in missing})
        assert spec.loa is not None
        order = service.text_enable(project_id, TextEnableRequest(
            region_code=region, numbers=numbers, service_plan_id=spec.service_plan,
            toll_free=spec.type == "text_enable_toll_free", letters=[_letter(spec.loa)],
            campaign_id=spec.campaign, display_name=spec.display_name, callback_url=spec.callback_url))
    _drive(world, order, spec.state)
    return OrderMade(project_id, order.hosting_order_id, spec.type, order.state.value.lower())


def _letter(loa: LoaSpec) -> LetterOfAuthorization:
    person, address = loa.authorised_person, loa.address
    return LetterOfAuthorization(
        loa_type=LOA_TYPES[loa.type], business_name=loa.business_name,
        authorised_person=AuthorisedPerson(first_name=person.first_name, last_name=person.last_name,
                                           email=person.email),
        address=Address(building_number=address.building_number, street=address.street, city=address.city,
                        state=address.state, postal_code=address.postal_code, country=address.country),
        current_voice_carrier=loa.current_voice_carrier)


def _order_jobs(order: HostingOrder) -> Callable[[Job], bool]:
    def matches(job: Job) -> bool:
        return (job.kind.startswith("hosting_order.") and job.project_id == order.project_id
                and job.data.get("orderId") == order.hosting_order_id)
    return matches


def _needs_signature(order: HostingOrder) -> bool:
    letter = order.text_enable_info
    return letter is not None and letter.loa_type.needs_signature


def _drive(world: World, order: HostingOrder, state: str) -> None:
    """Move a just-submitted order on to `state`, at the moment of loading."""
    service = world.hosting_orders
    if state == "submitted":
        return
    if state == "rejected" and order.text_enable_info is not None:
        _pick_up(world, order)
        service.decline_loa(order.project_id, order.hosting_order_id)
        return
    if state != "waiting_for_loa_signature" and _needs_signature(order):
        service.sign_loa(order.project_id, order.hosting_order_id)
    _pick_up(world, order)
    if state in ("completed", "rejected"):
        _run_to_end(world, order)


def _pick_up(world: World, order: HostingOrder) -> None:
    world.scheduler.cancel(lambda job: _order_jobs(order)(job) and job.kind == "hosting_order.pick_up")
    world.hosting_orders.lifecycle.pick_up(order)


def _run_to_end(world: World, order: HostingOrder) -> None:
    """Run every step of the order now. Its history sends no callbacks and leaves no events."""
    url, order.callback_url = order.callback_url, ""
    first_event = len(world.events.events)
    try:
        world.scheduler.run_early(_order_jobs(order))
    finally:
        order.callback_url = url
        for event in world.events.events[first_event:]:
            world.events.by_id.pop(event.event_id, None)
        del world.events.events[first_event:]
    project = world.project(order.project_id)
    for phone in order.numbers:
        imported = project.imported_numbers.get(phone)
        if imported is not None and imported.hosting_order_id == order.hosting_order_id:
            imported.callback_url = url
