"""Shapes shared by every lifecycle: step states, provisioning records, carrier entries."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import Enum
from typing import Mapping, TypeVar

from pydantic import BaseModel, ConfigDict
from pydantic.alias_generators import to_camel


E = TypeVar("E", bound=Enum)


class State(str, Enum):
    WAITING = "WAITING"
    IN_PROGRESS = "IN_PROGRESS"
    DONE = "DONE"
    FAILED = "FAILED"
    STATE_UNSPECIFIED = "STATE_UNSPECIFIED"


class IllegalTransition(RuntimeError):
    """A move a state machine does not have: a bug in the mock, never a client error."""


def enter(record: object, attribute: str, edges: Mapping[tuple[E, E], str], to: E, what: str) -> None:
    """The gate of every state machine (a table of allowed `(from, to)` edges): the one place
    that assigns a record's state; `what` names the record in the error."""
    current = getattr(record, attribute)
    if (current, to) not in edges:
        raise IllegalTransition(f"{what}: {current.value} -> {to.value} is not a transition")
    setattr(record, attribute, to)


CARRIERS = ("smsAtt", "smsTmo", "mmsAtt", "mmsTmo")


# Records are exported by `/_mock/state` with the API's camelCase names (dumped `by_alias`); a
# document may name their fields either way (older versions exported the Python names).
STORED_NAMES = ConfigDict(alias_generator=to_camel, validate_by_name=True, validate_by_alias=True)


class Record(BaseModel):
    """Base of every stored record: mutable, exported and imported as JSON."""

    model_config = ConfigDict(validate_assignment=False, extra="forbid", **STORED_NAMES)


# The records there are one or more of per number (an imported number and its steps and
# carrier entries) are slotted dataclasses instead: a fraction of a model's memory and
# construction time. Pydantic still validates and dumps them inside a `Record`
# (`/_mock/state`), refusing unknown keys as a Record does.
record = dataclass(slots=True, kw_only=True)
RECORD_CONFIG = ConfigDict(extra="forbid", **STORED_NAMES)


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
