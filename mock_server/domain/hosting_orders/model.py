"""Hosting orders: import orders and text-enable orders, with their per-number progress."""

from __future__ import annotations

from datetime import datetime
from enum import Enum

from mock_server.domain.provisioning import CarrierState, Record, State


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
    """What a text-enable order carries as `textEnableInfo`."""

    loa_type: str  # Direct | Reseller | Blanket
    business_name: str = ""
    authorised_person: AuthorisedPerson | None = None
    address: Address | None = None
    service_provider: str = "Sinch America Inc."
    current_voice_carrier: str = ""
    nnid: str = ""
    signed_time: datetime | None = None


class StepProgress(Record):
    state: State = State.WAITING
    failure_code: str = ""


class HostingOrderNumber(Record):
    phone_number: str
    osr_update: StepProgress = StepProgress()
    nnid: str = ""
    platform_provisioning: StepProgress = StepProgress()
    campaign_provisioning: StepProgress = StepProgress()
    carriers: dict[str, CarrierState] = {}


class HostingOrder(Record):
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
    scheduled_osr_update_time: datetime | None = None
    scheduled_zipwhip_provisioning_time: datetime | None = None
    text_enable_info: LetterOfAuthorization | None = None
    numbers: dict[str, HostingOrderNumber] = {}  # in request order
    created_time: datetime
    updated_time: datetime
