"""Shapes shared by every lifecycle: step states, provisioning records, carrier entries."""

from __future__ import annotations

from datetime import datetime
from enum import Enum

from pydantic import BaseModel, ConfigDict


class State(str, Enum):
    WAITING = "WAITING"
    IN_PROGRESS = "IN_PROGRESS"
    DONE = "DONE"
    FAILED = "FAILED"
    STATE_UNSPECIFIED = "STATE_UNSPECIFIED"


FINISHED_STATES = (State.DONE, State.FAILED)

CARRIERS = ("smsAtt", "smsTmo", "mmsAtt", "mmsTmo")


class Record(BaseModel):
    """Base of every stored record: mutable, exported and imported as JSON."""

    model_config = ConfigDict(validate_assignment=False, extra="forbid")


class Provisioning(Record):
    """`smsProvisioning` / `campaignProvisioning` of an imported number."""

    service_type: str  # SMS | CAMPAIGN
    service_id: str
    type: str = "PROVISIONING"  # PROVISIONING | DEPROVISIONING
    state: State = State.IN_PROGRESS
    update_time: datetime
    error_code: str = ""
    error_message: str = ""


class CarrierState(Record):
    state: State = State.WAITING
    error_code: str = ""
    error_message: str = ""
    update_time: datetime
    operation: str = "PROVISIONING"  # PROVISIONING | DEPROVISIONING | OPERATION_UNSPECIFIED
