"""Preloading records in a chosen state, through the services' own operations.

A record in a later state is reached the way the API reaches it: the number is qualified, its
eligibility check runs (early, at the moment of loading), a voice challenge is sent, invoices
are approved, an order is picked up, its LOA signed, its steps run. Outcomes apply as usual,
so a state the outcomes forbid (an "eligible" number whose outcome fails the check) is refused
with the reason. What the API has no call for (a step run now, a region or flag the API takes
from elsewhere) is a named operation of the service concerned (docs/scenarios.md lists them);
this module never touches a record, a job or the ledger itself. History that happened during
preloading is recorded in the event log's `history()` mode: it sends no callbacks.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Iterator

from mock_server.core.errors import already_exists, failed_precondition
from mock_server.core.phone import PhoneNumber
from mock_server.domain.hosting_orders.holding import held_by_running_order
from mock_server.domain.hosting_orders.model import (
    Address,
    AuthorisedPerson,
    HostingOrder,
    LetterOfAuthorization,
    LoaType,
)
from mock_server.domain.hosting_orders.requests import ImportNumbersRequest, TextEnableRequest
from mock_server.domain.imported_numbers.service import NewImportedNumber
from mock_server.domain.qualified_numbers.model import GlobalProcessState
from mock_server.domain.qualified_numbers.requests import AddNumbersRequest
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
    known = world.view(project_id).qualified_numbers
    taken = [p for p in e164s if p in known]
    if taken:
        raise already_exists(f"already qualified numbers in project {project_id}: {', '.join(taken[:5])}")
    for chunk in _chunks(e164s, world.settings.limits.qualify_batch_numbers):
        service.add_numbers(project_id, AddNumbersRequest(chunk))
    service.declare_regions(project_id, regions)
    if state == "eligible_check_pending":
        return
    if state == "not_eligible":
        outcomes = world.outcomes.of(project_id)
        service.fail_eligibility_now(
            project_id, {p: outcomes.eligibility_error(p) or NOT_ELIGIBLE_TEXT for p in e164s})
        return
    service.check_eligibility_now(project_id, e164s)
    for phone in e164s:
        number = service.get(project_id, phone)
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
        if not service.submit_invoices_now(project_id, phone):
            raise failed_precondition(f"{phone} cannot be invoices_under_review: "
                                      "timings.invoice_submission is null (invoices never arrive)")
    elif state in ("verification_pending", "verification_blocked"):
        service.send_voice_challenge(project_id, phone)
        if state == "verification_blocked":
            service.use_up_voice_attempts(project_id, phone)


# --- imported numbers -----------------------------------------------------------------------
def preload_imported(world: World, project_id: str, entry: ImportedNumberSpec) -> int:
    project = world.view(project_id)
    phones = entry.phones()
    taken = [p.e164 for p in phones if p.e164 in project.imported_numbers]
    if taken:
        raise already_exists(f"already imported in project {project_id}: {', '.join(taken[:5])}")
    held = [why for p in phones if (why := held_by_running_order(project, p.e164))]
    if held:
        raise already_exists(f"in project {project_id}: {'; '.join(held[:5])}")
    service = world.imported_numbers
    elsewhere = [p.e164 for p in phones if service.hosted_elsewhere(project_id, p.e164)]
    if elsewhere:
        raise already_exists(f"hosted already by another project: {', '.join(elsewhere[:5])}")
    for phone in phones:
        new = NewImportedNumber(
            phone_number=phone.e164, region_code=entry.region_of(phone), service_plan_id=entry.service_plan,
            campaign_id=entry.campaign, display_name=entry.display_name, callback_url=entry.callback_url,
            toll_free=phone.toll_free)
        if entry.state == "provisioned":
            service.place_provisioned(project_id, new, migrate_to_sinch_tmo=entry.migrate_to_sinch_tmo)
        else:
            service.import_number(project_id, new)
            service.declare_migrate_to_sinch_tmo(project_id, phone.e164, entry.migrate_to_sinch_tmo)
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
        known = world.view(project_id).qualified_numbers
        missing = [p for p in phones if p.e164 not in known]
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


def _needs_signature(order: HostingOrder) -> bool:
    letter = order.text_enable_info
    return letter is not None and letter.loa_type.needs_signature


def _drive(world: World, order: HostingOrder, state: str) -> None:
    """Move a just-submitted order on to `state`, at the moment of loading."""
    service, lifecycle = world.hosting_orders, world.hosting_orders.lifecycle
    if state == "submitted":
        return
    if state == "rejected" and order.text_enable_info is not None:
        lifecycle.pick_up_now(order)
        service.decline_loa(order.project_id, order.hosting_order_id)
        return
    if state != "waiting_for_loa_signature" and _needs_signature(order):
        service.sign_loa(order.project_id, order.hosting_order_id)
    lifecycle.pick_up_now(order)
    if state in ("completed", "rejected"):
        with world.events.history():  # its past: no callbacks, no entries in the ledger
            lifecycle.run_steps_now(order)
