"""A qualified number: a number whose eligibility and ownership are checked before hosting.

Only records live here (they are exported by `/_mock/state`); the rules are in `lifecycle.py`
(which state may follow which) and `service.py` (the operations).
"""

from __future__ import annotations

from datetime import datetime
from enum import Enum

from pydantic import Field

from mock_server.core.sorted_index import IndexSpec, Watched
from mock_server.domain.provisioning import Record, State


class GlobalProcessState(str, Enum):
    UNSPECIFIED = "GLOBAL_PROCESS_STATE_UNSPECIFIED"
    ELIGIBLE_CHECK_PENDING = "GLOBAL_PROCESS_STATE_ELIGIBLE_CHECK_PENDING"
    ELIGIBLE = "GLOBAL_PROCESS_STATE_ELIGIBLE"
    NOT_ELIGIBLE = "GLOBAL_PROCESS_STATE_NOT_ELIGIBLE"
    VERIFICATION_PENDING = "GLOBAL_PROCESS_STATE_VERIFICATION_PENDING"
    VERIFICATION_FAILED = "GLOBAL_PROCESS_STATE_VERIFICATION_FAILED"
    VERIFICATION_BLOCKED = "GLOBAL_PROCESS_STATE_VERIFICATION_BLOCKED"
    VERIFIED = "GLOBAL_PROCESS_STATE_VERIFIED"
    HOSTING_IN_PROGRESS = "GLOBAL_PROCESS_STATE_HOSTING_IN_PROGRESS"
    HOSTING_DONE = "GLOBAL_PROCESS_STATE_HOSTING_DONE"
    HOSTING_FAILED = "GLOBAL_PROCESS_STATE_HOSTING_FAILED"


class StepDetail(Record):
    """`osrEligibility` / `ownershipVerification`."""

    status: State = State.WAITING
    error: str = ""


class HostedNumberDetail(Record):
    """`hostedNumber`: an integer status in the spec."""

    status: int = 0  # 0 HOSTING_STATUS_UNSPECIFIED, 1 HOSTING_STATUS_HOSTED, 2 HOSTING_STATUS_FAILED
    error: str = ""


class VoiceChallenge(Record):
    """The code last "spoken" to the number by a voice call."""

    code: str
    sent_at: datetime
    expires_at: datetime
    attempts_left: int


class QualifiedNumber(Watched, Record):
    __slots__ = ("_index",)  # its project's IndexedDict (core/sorted_index.py)

    phone_number: str
    project_id: str
    region_code: str
    state: GlobalProcessState = GlobalProcessState.ELIGIBLE_CHECK_PENDING
    osr_eligibility: StepDetail = Field(default_factory=lambda: StepDetail(status=State.IN_PROGRESS))
    ownership_verification: StepDetail = Field(default_factory=lambda: StepDetail(status=State.WAITING))
    hosted_number: HostedNumberDetail = Field(default_factory=HostedNumberDetail)
    voice_challenge: VoiceChallenge | None = None
    hosting_order_id: str = ""  # the running or last hosting order that text-enabled it
    created_time: datetime
    updated_time: datetime


def _millisecond(instant: datetime) -> datetime:
    """The instant as the API writes it (RFC 3339 with milliseconds): numbers stamped within
    one millisecond read as simultaneous, so their order is the phone number's."""
    return instant.replace(microsecond=instant.microsecond // 1000 * 1000)


def created_time_key(number: QualifiedNumber) -> tuple[datetime, str]:
    """The `createdTime` order of `GET qualifiedNumbers`: the API's millisecond, then the number."""
    return _millisecond(number.created_time), number.phone_number


def updated_time_key(number: QualifiedNumber) -> tuple[datetime, str]:
    """The `updatedTime` order of `GET qualifiedNumbers`: the API's millisecond, then the number."""
    return _millisecond(number.updated_time), number.phone_number


# `GET qualifiedNumbers` orders, by the name `orderBy` gives them, and the fields it filters on exactly.
QUALIFIED_NUMBER_INDEX: IndexSpec[QualifiedNumber] = IndexSpec(
    orders={"createdTime": created_time_key, "updatedTime": updated_time_key},
    facet=lambda n: (n.state, n.region_code),
    watched=frozenset({"created_time", "updated_time", "phone_number", "state", "region_code"}),
)
