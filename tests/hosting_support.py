"""Test helpers for hosting orders: verified qualified numbers, requests, and time travel."""

from __future__ import annotations

from mock_server.domain.hosting_orders.model import (
    Address,
    AuthorisedPerson,
    HostingOrder,
    LetterOfAuthorization,
    LoaType,
)
from mock_server.domain.hosting_orders.requests import ImportNumbersRequest, TextEnableRequest
from mock_server.domain.qualified_numbers.model import GlobalProcessState, QualifiedNumber
from mock_server.domain.world import World
from tests.engine_support import move_to

PROJECT = "p1"
PLAN = "07d6c2621f364b68856fe4938b7bb78f"
CAMPAIGN = "C3O8OGA"
CALLBACK = "https://www.your-callback-server.com/callback"
# The spec's example numbers: always on the happy path.
DLC = ["+17724295286", "+17724295287"]
DLC_OTHER = "+12025550134"
TOLL_FREE = ["+18335870229", "+18339460473"]


def magic(digits: str, area: str = "202") -> str:
    """A number of the documented 555-01XX table (docs/magic-numbers.md)."""
    return f"+1{area}55501{digits}"


def add_verified(world: World, phones: list[str], project: str = PROJECT,
                 state: GlobalProcessState = GlobalProcessState.VERIFIED, region: str = "US") -> None:
    """Qualified numbers in `state`, as if they had been qualified and verified already."""
    now = world.clock.now()
    numbers = world.project(project).qualified_numbers
    for phone in phones:
        numbers[phone] = QualifiedNumber(phone_number=phone, project_id=project, region_code=region,
                                         state=state, created_time=now, updated_time=now)


def person() -> AuthorisedPerson:
    return AuthorisedPerson(first_name="John", last_name="Smith", email="email@domain.com")


def address() -> Address:
    return Address(building_number="2433", street="Vesta Drive", city="Chicago", state="IL",
                   postal_code="60647", country="US")


def letter(loa_type: LoaType = LoaType.DIRECT) -> LetterOfAuthorization:
    if loa_type is LoaType.BLANKET:
        return LetterOfAuthorization(loa_type=loa_type)
    return LetterOfAuthorization(
        loa_type=loa_type, authorised_person=person(), address=address(), current_voice_carrier="Verizon",
        business_name="Acme, Inc." if loa_type is LoaType.RESELLER else "",
    )


def import_request(numbers: list[str], **changes) -> ImportNumbersRequest:
    fields = dict(region_code="US", numbers=list(numbers), service_plan_id=PLAN, campaign_id=CAMPAIGN,
                  callback_url=CALLBACK)
    return ImportNumbersRequest(**(fields | changes))


def text_enable_request(numbers: list[str], loa_type: LoaType = LoaType.DIRECT, **changes) -> TextEnableRequest:
    fields = dict(region_code="US", numbers=list(numbers), service_plan_id=PLAN, campaign_id=CAMPAIGN,
                  callback_url=CALLBACK, letters=[letter(loa_type)])
    return TextEnableRequest(**(fields | changes))


def toll_free_request(numbers: list[str], loa_type: LoaType = LoaType.DIRECT, **changes) -> TextEnableRequest:
    fields = dict(toll_free=True, campaign_id="")
    return text_enable_request(numbers, loa_type, **(fields | changes))


def import_order(world: World, numbers: list[str], project: str = PROJECT, **changes) -> HostingOrder:
    with world.transaction():
        return world.hosting_orders.import_numbers(project, import_request(numbers, **changes))


def text_enable_order(world: World, numbers: list[str], loa_type: LoaType = LoaType.DIRECT,
                      project: str = PROJECT, **changes) -> HostingOrder:
    add_verified(world, [n for n in numbers if n not in world.project(project).qualified_numbers], project)
    if loa_type is LoaType.BLANKET:  # a blanket LOA is usable once approved for the project
        world.hosting_orders.approve_blanket_loa(project)
    request = (toll_free_request if changes.pop("toll_free", False) else text_enable_request)(
        numbers, loa_type, **changes)
    with world.transaction():
        return world.hosting_orders.text_enable(project, request)


def durations(world: World) -> dict[str, float]:
    t = world.settings.timings
    return {"submission": t.order_submission, "osr": t.osr_update, "platform": t.sms_provisioning,
            "campaign": t.campaign_provisioning, "carriers": t.carrier_configuration}


def run_to_end(world: World, order: HostingOrder) -> HostingOrder:
    """Advance the clock until the order stops changing (signing is up to the test)."""
    for _ in range(500):
        if order.state.value in ("COMPLETED", "REJECTED", "WAITING_FOR_LOA_SIGNATURE"):
            break
        next_due = world.scheduler.next_due()
        if next_due is None:
            break
        move_to(world, max(next_due, world.clock.now()))
    return order
