"""Callback events: every transition the real API reports by callback is recorded here.

`EventLog.record` builds the `CallbackPayload` of the spec and remembers where it must go; the
delivery side (`mock_server.delivery`) sends it and notes each attempt on the same record, so
the log is also the ledger that `/_mock/events` shows.

The ledger is bounded (`settings.limits.ledger_events`): once it holds more, the oldest finished
events (delivered, failed, no destination) are dropped, a twentieth of the bound at a time so a
busy mock does not trim on every event; pending events are never dropped. `dropped` counts the
events dropped since the ledger was last emptied.

History that a scenario preloads (an order completed at the moment of loading) is recorded in
the log's `history()` mode: its events are made as live ones are, so the events that follow are
numbered as if that history had happened live, but they are neither kept nor delivered.
"""

from __future__ import annotations

from contextlib import contextmanager
from datetime import datetime
from enum import Enum
from typing import TYPE_CHECKING, Iterator

from pydantic import BaseModel, ConfigDict, Field

from mock_server.core.errors import field_error, not_found
from mock_server.core.paging import DEFAULT_PAGE_SIZE, Page, paginate
from mock_server.core.rng import Purpose
from mock_server.core.timefmt import rfc3339
from mock_server.domain.provisioning import STORED_NAMES

if TYPE_CHECKING:
    from mock_server.domain.world import World


class ResourceType(str, Enum):
    IMPORTED_NUMBER = "IMPORTED_NUMBER"
    HOSTING_ORDER_NUMBER = "HOSTING_ORDER_NUMBER"


class EventType(str, Enum):
    PROVISIONING_TO_SMS_PLATFORM = "PROVISIONING_TO_SMS_PLATFORM"
    DEPROVISIONING_TO_SMS_PLATFORM = "DEPROVISIONING_TO_SMS_PLATFORM"
    LINK_TO_10DLC_CAMPAIGN = "LINK_TO_10DLC_CAMPAIGN"
    UNLINK_TO_10DLC_CAMPAIGN = "UNLINK_TO_10DLC_CAMPAIGN"
    HOSTING_PROCESS = "HOSTING_PROCESS"
    OSR_UPDATE = "OSR_UPDATE"
    DELETE = "DELETE"


class DeliveryState(str, Enum):
    PENDING = "pending"
    DELIVERED = "delivered"
    FAILED = "failed"
    NO_DESTINATION = "no_destination"


class DeliveryAttempt(BaseModel):
    model_config = ConfigDict(extra="forbid", **STORED_NAMES)

    time: datetime
    status_code: int | None = None
    error: str | None = None
    duplicate: bool = False
    signature: str | None = None  # the X-Sinch-Signature header sent with this attempt
    sequence: int = 0  # running number across the ledger: the order in which attempts were made
    redelivery: bool = False  # sent by `POST /_mock/events/{eventId}:redeliver`: changes no state
    url: str | None = None  # where a redelivery went when that was not the event's destination


class CallbackEvent(BaseModel):
    model_config = ConfigDict(extra="forbid", **STORED_NAMES)

    seq: int
    event_id: str
    project_id: str
    resource_type: ResourceType
    event_type: EventType
    resource_id: str
    status: str  # SUCCEEDED | FAILED
    failure_code: str | None = None
    timestamp: datetime
    destination: str | None = None
    state: DeliveryState = DeliveryState.PENDING
    attempts: list[DeliveryAttempt] = Field(default_factory=list)  # a factory: no deepcopy of []
    next_attempt_at: datetime | None = None
    signature: str | None = None

    def payload(self) -> dict:
        """The body sent to the callback URL (`CallbackPayload`)."""
        body = {
            "resourceType": self.resource_type.value,
            "eventType": self.event_type.value,
            "eventId": self.event_id,
            "timestamp": rfc3339(self.timestamp),
            "projectId": self.project_id,
            "resourceId": self.resource_id,
            "status": self.status,
        }
        if self.status == "FAILED" and self.failure_code:
            body["failureCode"] = self.failure_code
        return body


def oldest_first(event: CallbackEvent) -> tuple[int]:
    return (event.seq,)


def newest_first(event: CallbackEvent) -> tuple[int]:
    return (-event.seq,)


# The ledger's orders by name: `GET /_mock/events` reads it oldest first, the console newest first.
LEDGER_ORDERS = {"oldest": oldest_first, "newest": newest_first}
DELIVERY_STATES = {state.value: state for state in DeliveryState}


class EventLog:
    def __init__(self, world: "World") -> None:
        self._world = world
        self.events: list[CallbackEvent] = []
        self.by_id: dict[str, CallbackEvent] = {}
        # Bumped whenever the log is emptied (reset, state import): deliveries in flight then
        # belong to a past the ledger no longer holds.
        self.generation = 0
        # Bumped on every new event and every delivery attempt noted: a change notice.
        self.changes = 0
        self.dropped = 0  # finished events dropped to keep the ledger within its bound
        self.trims = 0  # bumped on every drop: positions in `events` moved
        self._last_seq = 0
        self._history = 0  # > 0 inside `history()`

    def record(
        self,
        project_id: str,
        resource_type: ResourceType,
        event_type: EventType,
        resource_id: str,
        *,
        failure_code: str | None = None,
        failed: bool | None = None,
        destination: str | None = None,
    ) -> CallbackEvent:
        """Record one event. It is FAILED when `failed` is true or a failure code is given (some
        failures, such as SMS platform provisioning, carry no code: the spec calls them binary)."""
        now = self._world.clock.now()
        failed = bool(failure_code) if failed is None else failed
        # Every value is made here, typed: constructed without validation (a clock advance
        # records one event per transition).
        event = CallbackEvent.model_construct(
            seq=self._last_seq + 1,
            event_id=self._world.rng.stream(Purpose.EVENT_IDS, project_id).hex(26),
            project_id=project_id,
            resource_type=resource_type,
            event_type=event_type,
            resource_id=resource_id,
            status="FAILED" if failed else "SUCCEEDED",
            failure_code=failure_code if failed else None,
            timestamp=now,
            destination=destination or None,
            state=DeliveryState.PENDING if destination else DeliveryState.NO_DESTINATION,
            next_attempt_at=now if destination else None,
            attempts=[],  # given: model_construct would inspect the default factory's signature
            signature=None,
        )
        self._last_seq = event.seq
        if self._history:
            return event
        self.events.append(event)
        self.by_id[event.event_id] = event
        self.changes += 1
        self._trim()
        return event

    @contextmanager
    def history(self) -> Iterator[None]:
        """Record a past, not a present: inside this block every event is made as usual (its id
        and sequence number are drawn, so later events are numbered as if it had happened live)
        but it is not kept in the ledger and no callback is sent for it. A preloaded world sends
        no callbacks for its history."""
        self._history += 1
        try:
            yield
        finally:
            self._history -= 1

    def get(self, event_id: str) -> CallbackEvent:
        """The event with this id; a 404 ApiError when the ledger holds none."""
        event = self.by_id.get(event_id)
        if event is None:
            raise not_found(f"No callback event {event_id!r} in the ledger")
        return event

    def touch(self) -> None:
        """Note that an event changed (a delivery attempt was made)."""
        self.changes += 1

    def _trim(self) -> None:
        """Drop the oldest finished events once the ledger holds more than its bound."""
        bound = self._world.settings.limits.ledger_events
        excess = len(self.events) - bound
        if excess <= 0:
            return
        wanted = excess + bound // 20
        gone: set[str] = set()
        for event in self.events:
            if len(gone) == wanted:
                break
            if event.state is not DeliveryState.PENDING:
                gone.add(event.event_id)
        if not gone:
            return
        self.events[:] = [e for e in self.events if e.event_id not in gone]
        for event_id in gone:
            del self.by_id[event_id]
        self.dropped += len(gone)
        self.trims += 1

    def for_project(self, project_id: str | None) -> list[CallbackEvent]:
        return [e for e in self.events if project_id is None or e.project_id == project_id]

    def select(self, project_id: str | None, state: str | None = None) -> list[CallbackEvent]:
        """The events of a project (None: of every project), in a delivery state if one is named."""
        if state is not None and state not in DELIVERY_STATES:
            raise field_error("state", f"must be one of {', '.join(DELIVERY_STATES)}")
        wanted = DELIVERY_STATES.get(state or "")
        return [e for e in self.for_project(project_id) if wanted is None or e.state is wanted]

    def page(self, project_id: str | None, state: str | None = None, *, order: str = "oldest",
             page_size: int = DEFAULT_PAGE_SIZE, page_token: str | None = None) -> Page[CallbackEvent]:
        """One page of `select` in one of `LEDGER_ORDERS`; its token works only for the same
        project, state and order."""
        return paginate(self.select(project_id, state), LEDGER_ORDERS[order], page_size, page_token,
                        {"state": state, "order": order}, project_id=project_id)

    def clear(self) -> None:
        self.generation += 1
        self.events.clear()
        self.by_id.clear()
        self.dropped = 0
        self._last_seq = 0

    def export(self) -> list[dict]:
        return [e.model_dump(mode="json", by_alias=True) for e in self.events]

    def restore(self, items: list[CallbackEvent] | list[dict]) -> None:
        """Replace the ledger with these events (models, or their exported form)."""
        self.clear()
        for item in items:
            event = item if isinstance(item, CallbackEvent) else CallbackEvent.model_validate(item)
            self.events.append(event)
            self.by_id[event.event_id] = event
        self._last_seq = max((e.seq for e in self.events), default=0)
