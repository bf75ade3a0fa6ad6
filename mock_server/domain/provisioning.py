"""Shapes shared by every lifecycle: step states, provisioning records, carrier entries."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import Enum

from pydantic import BaseModel, ConfigDict


class State(str, Enum):
    WAITING = "WAITING"
    IN_PROGRESS = "IN_PROGRESS"
    DONE = "DONE"
    FAILED = "FAILED"
    STATE_UNSPECIFIED = "STATE_UNSPECIFIED"


CARRIERS = ("smsAtt", "smsTmo", "mmsAtt", "mmsTmo")


class Record(BaseModel):
    """Base of every stored record: mutable, exported and imported as JSON."""

    model_config = ConfigDict(validate_assignment=False, extra="forbid")


# The records there are one or more of per number (an imported number and its steps and
# carrier entries) are slotted dataclasses instead: a fraction of a model's memory and
# construction time. Pydantic still validates and dumps them inside a `Record`
# (`/_mock/state`), refusing unknown keys as a Record does.
record = dataclass(slots=True, kw_only=True)
RECORD_CONFIG = ConfigDict(extra="forbid")


@record
class Provisioning:
    """`smsProvisioning` / `campaignProvisioning` of an imported number."""

    __pydantic_config__ = RECORD_CONFIG

    service_type: str  # SMS | CAMPAIGN
    service_id: str
    type: str = "PROVISIONING"  # PROVISIONING | DEPROVISIONING
    state: State = State.IN_PROGRESS
    update_time: datetime
    error_code: str = ""
    error_message: str = ""


@record
class CarrierState:
    __pydantic_config__ = RECORD_CONFIG

    state: State = State.WAITING
    error_code: str = ""
    error_message: str = ""
    update_time: datetime
    operation: str = "PROVISIONING"  # PROVISIONING | DEPROVISIONING | OPERATION_UNSPECIFIED
