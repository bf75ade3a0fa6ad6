"""Hosting orders: import orders and text-enable orders, with their per-number progress.

Every piece of state is a record, so `/_mock/state` exports and restores it. The state
diagrams are in docs/hosting-orders.md.
"""

from __future__ import annotations

from datetime import datetime
from enum import Enum

from pydantic import Field

from mock_server.core.sorted_index import IndexedDict, IndexSpec, Watched
from mock_server.core.timefmt import EARLIEST
from mock_server.domain.provisioning import CARRIERS, CarrierState, Record, State


class HostingOrderState(str, Enum):
    UNSPECIFIED = "HOSTING_ORDER_STATE_UNSPECIFIED"
    DRAFT = "DRAFT"  # in the enum, but no operation creates drafts
    SUBMITTED = "SUBMITTED"
    WAITING_FOR_LOA_SIGNATURE = "WAITING_FOR_LOA_SIGNATURE"
    IN_PROGRESS = "IN_PROGRESS"
    COMPLETED = "COMPLETED"
    REJECTED = "REJECTED"


RUNNING_ORDER_STATES = (
    HostingOrderState.SUBMITTED,
    HostingOrderState.WAITING_FOR_LOA_SIGNATURE,
    HostingOrderState.IN_PROGRESS,
)


class HostingOrderType(str, Enum):
    UNSPECIFIED = "HOSTING_ORDER_TYPE_UNSPECIFIED"
    IMPORT = "IMPORT"
    TEXT_ENABLE = "TYPE_TEXT_ENABLE"


class LoaType(str, Enum):
    """The kind of Letter of Authorization. The spec's `loaType` enumerates Direct and Reseller
    (docs/errata.md, E-HO-4); a blanket LOA is on file with the account and needs no signature."""

    DIRECT = "Direct"
    RESELLER = "Reseller"
    BLANKET = "Blanket"

    @property
    def needs_signature(self) -> bool:
        return self is not LoaType.BLANKET


class LoaStatus(str, Enum):
    """Where the e-signature of a direct or reseller LOA stands (not part of the API)."""

    NOT_REQUIRED = "NOT_REQUIRED"  # blanket LOA
    PENDING = "PENDING"  # generated; sent to the authorised person when the order is picked up
    SIGNED = "SIGNED"
    DECLINED = "DECLINED"


class AuthorisedPerson(Record):
    first_name: str
    last_name: str
    email: str


class Address(Record):
    building_number: str
    street: str
    city: str
    state: str
    postal_code: str
    country: str


class LetterOfAuthorization(Record):
    """What a text-enable order carries as `textEnableInfo`, plus its signature status."""

    loa_type: LoaType
    business_name: str = ""
    authorised_person: AuthorisedPerson | None = None
    address: Address | None = None
    service_provider: str = "Sinch America Inc."
    current_voice_carrier: str = ""
    nnid: str = ""
    status: LoaStatus = LoaStatus.PENDING
    sent_time: datetime | None = None
    signed_time: datetime | None = None
    declined_time: datetime | None = None


class StepProgress(Watched, Record):
    """One provisioning step of a hosting-order number (`osrUpdate`, `platformProvisioning`,
    `campaignProvisioning`). STATE_UNSPECIFIED: the step does not apply (no campaign)."""

    __slots__ = ("_index",)  # its number's place in the order's IndexedDict (core/sorted_index.py)

    state: State = State.WAITING
    failure_code: str = ""  # kept for /_mock/state; the API shows it in events only
    update_time: datetime | None = None


class HostingOrderNumber(Watched, Record):
    __slots__ = ("_index",)  # its order's IndexedDict (core/sorted_index.py)

    phone_number: str
    position: int = 0  # place in the request; the list's createdTime order
    toll_free: bool = False
    nnid: str = ""
    osr_update: StepProgress = Field(default_factory=StepProgress)
    platform_provisioning: StepProgress = Field(default_factory=StepProgress)
    campaign_provisioning: StepProgress = Field(default_factory=StepProgress)
    carriers: dict[str, CarrierState] = Field(default_factory=dict)
    # The number's hosting process as a whole: WAITING until its order starts, then
    # IN_PROGRESS, then DONE (it became an imported number) or FAILED (failure_code says why).
    hosting: State = State.WAITING
    failure_code: str = ""
    updated_time: datetime | None = None

    @property
    def finished(self) -> bool:
        return self.hosting in (State.DONE, State.FAILED)

    def carrier_failed(self) -> bool:
        return any(c.state == State.FAILED for c in self.carriers.values())


def number_by_created_time(number: HostingOrderNumber) -> tuple:
    """Numbers are created with their order, in request order: `createdTime` keeps that order."""
    return (number.position,)


def number_by_updated_time(number: HostingOrderNumber) -> tuple:
    return (number.updated_time or EARLIEST, number.position)


# `GET hostingOrders/{id}/numbers` orders: request order (createdTime), or updatedTime then
# request order. It filters on the states of three steps (parts: nested records).
HOSTING_ORDER_NUMBER_INDEX: IndexSpec[HostingOrderNumber] = IndexSpec(
    orders={"createdTime": number_by_created_time, "updatedTime": number_by_updated_time},
    facet=lambda n: (n.osr_update.state, n.campaign_provisioning.state, n.platform_provisioning.state),
    watched=frozenset({"position", "updated_time", "osr_update", "campaign_provisioning", "platform_provisioning"}),
    parts=("osr_update", "campaign_provisioning", "platform_provisioning"),
    part_watched=frozenset({"state"}),
)


def fresh_carriers(now: datetime) -> dict[str, CarrierState]:
    return {carrier: CarrierState(state=State.WAITING, update_time=now) for carrier in CARRIERS}


class HostingOrder(Watched, Record):
    __slots__ = ("_index",)  # its project's IndexedDict (core/sorted_index.py)

    hosting_order_id: str
    project_id: str
    type: HostingOrderType
    state: HostingOrderState = HostingOrderState.SUBMITTED
    display_name: str = ""
    region_code: str
    service_plan_id: str
    campaign_id: str = ""
    migrate_to_sinch_tmo: bool = False
    callback_url: str = ""
    toll_free: bool = False
    nnid: str = ""  # the NNID the OSR update points the numbers to
    # When the OSR update starts: as requested, or set when the order starts without one. For a
    # toll-free order it is the Zipwhip provisioning time (after any reschedule).
    scheduled_osr_update_time: datetime | None = None
    scheduled_zipwhip_provisioning_time: datetime | None = None
    text_enable_info: LetterOfAuthorization | None = None
    numbers: dict[str, HostingOrderNumber] = Field(default_factory=dict)  # in request order
    created_time: datetime
    updated_time: datetime

    def model_post_init(self, context: object) -> None:
        if not isinstance(self.numbers, IndexedDict):
            self.numbers = IndexedDict(HOSTING_ORDER_NUMBER_INDEX, self.numbers)

    @property
    def running(self) -> bool:
        return self.state in RUNNING_ORDER_STATES


class HostingOrderReport(Record):
    """`HostingOrderReport`: always counted from the order's numbers, never stored."""

    total: int
    osr_updated: int
    sms_provisioned: int
    added_to_campaign: int
    ongoing_manual_action: int

    @classmethod
    def of(cls, order: HostingOrder) -> "HostingOrderReport":
        numbers = list(order.numbers.values())
        return cls(
            total=len(numbers),
            osr_updated=sum(n.osr_update.state == State.DONE for n in numbers),
            sms_provisioned=sum(n.platform_provisioning.state == State.DONE for n in numbers),
            added_to_campaign=sum(n.campaign_provisioning.state == State.DONE for n in numbers),
            ongoing_manual_action=sum(n.carrier_failed() for n in numbers),
        )


def order_by_created_time(order: HostingOrder) -> tuple:
    return (order.created_time, order.hosting_order_id)


def order_by_updated_time(order: HostingOrder) -> tuple:
    return (order.updated_time, order.hosting_order_id)


# `GET hostingOrders` orders (keys end with the order id) and the fields it filters on exactly.
HOSTING_ORDER_INDEX: IndexSpec[HostingOrder] = IndexSpec(
    orders={"createdTime": order_by_created_time, "updatedTime": order_by_updated_time},
    facet=lambda o: (o.state, o.type, o.service_plan_id, o.campaign_id, o.region_code),
    watched=frozenset({"created_time", "updated_time", "hosting_order_id", "state", "type", "service_plan_id",
                       "campaign_id", "region_code"}),
)
