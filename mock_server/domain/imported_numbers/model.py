"""An imported number: a non-Sinch number enabled for SMS with Sinch as the DCA."""

from __future__ import annotations

from dataclasses import field
from datetime import datetime

from mock_server.core.sorted_index import IndexSpec, WatchedSlot
from mock_server.domain.provisioning import RECORD_CONFIG, CarrierState, Provisioning, record


@record
class ScheduledProvisioning:
    """`smsConfiguration.scheduledProvisioning`: a change still being applied."""

    __pydantic_config__ = RECORD_CONFIG

    service_plan_id: str = ""
    campaign_id: str = ""
    status: int = 1  # integer enum in the spec (see errata): 1 in progress, 2 done, 3 failed
    last_updated_time: datetime
    error_codes: list[int] = field(default_factory=list)


@record
class QueuedChange:
    """A `smsConfiguration` change asked for while another ran: it runs when that one ends."""

    __pydantic_config__ = RECORD_CONFIG

    service_plan_id: str
    campaign_id: str


@record
class ImportedNumber(WatchedSlot):  # its project's IndexedDict is told of changes (core/sorted_index.py)
    __pydantic_config__ = RECORD_CONFIG

    phone_number: str
    project_id: str
    region_code: str
    display_name: str = ""
    callback_url: str = ""
    service_plan_id: str = ""
    campaign_id: str = ""
    migrate_to_sinch_tmo: bool = False
    sms_provisioning: Provisioning | None = None
    campaign_provisioning: Provisioning | None = None
    mno: dict[str, CarrierState] = field(default_factory=dict)
    scheduled_provisioning: ScheduledProvisioning | None = None
    queued_changes: list[QueuedChange] = field(default_factory=list)  # oldest first
    hosting_order_id: str = ""  # the hosting order it came from, if any
    created_time: datetime
    updated_time: datetime


def by_created_time(number: ImportedNumber) -> tuple:
    """`orderBy=createdTime`: the key ends with the phone number (unique in a project)."""
    return (number.created_time, number.phone_number)


def by_updated_time(number: ImportedNumber) -> tuple:
    """`orderBy=updatedTime`."""
    return (number.updated_time, number.phone_number)


def digits(number: ImportedNumber) -> str:
    """The digits of the number (`+12025550134` -> `12025550134`): what `numberPattern` searches."""
    return number.phone_number[1:]


DIGITS_WIDTH = 11  # `+1` and ten digits: every number checked as E.164 of the NANP


def facet(number: ImportedNumber) -> tuple:
    """The fields `GET importedNumbers` filters on exactly: one bucket of the index per combination."""
    return (number.service_plan_id, number.campaign_id, number.region_code)


# `GET importedNumbers`: its orders by name, and its facet.
IMPORTED_NUMBER_INDEX: IndexSpec[ImportedNumber] = IndexSpec(
    orders={"createdTime": by_created_time, "updatedTime": by_updated_time},
    facet=facet,
    watched=frozenset({"created_time", "updated_time", "phone_number", "service_plan_id", "campaign_id",
                       "region_code"}),
    digits=digits,
    digits_width=DIGITS_WIDTH,
    digits_watched=frozenset({"phone_number", "service_plan_id", "campaign_id", "region_code"}),
)
