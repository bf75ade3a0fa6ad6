"""What an attempt's outcome does to its event: delivered, retried with backoff, or failed."""

from datetime import datetime, timedelta, timezone

import pytest

from mock_server.delivery.policy import Outcome, apply_outcome, backoff_seconds
from mock_server.domain.events import CallbackEvent, DeliveryState, EventType, ResourceType
from mock_server.domain.settings import CallbackSettings

T = datetime(2026, 1, 5, 9, tzinfo=timezone.utc)


def event() -> CallbackEvent:
    return CallbackEvent(seq=1, event_id="e1", project_id="p", resource_type=ResourceType.IMPORTED_NUMBER,
                         event_type=EventType.DELETE, resource_id="+12025550134", status="SUCCEEDED",
                         timestamp=T, destination="http://127.0.0.1:1/cb", next_attempt_at=T)


def attempt(e, outcome, at=T, settings=None, **kw):
    apply_outcome(e, outcome, started=at, ended=at, signature="sig", settings=settings or CallbackSettings(), **kw)


def test_the_defaults_are_documented_ones():
    settings = CallbackSettings()
    assert (settings.max_attempts, settings.initial_backoff, settings.timeout) == (6, 5, 5)
    assert [backoff_seconds(k, settings) for k in range(1, 6)] == [5, 10, 20, 40, 80]


@pytest.mark.parametrize("status", [200, 201, 202, 204, 299])
def test_any_2xx_is_delivered(status):
    e = event()
    attempt(e, Outcome(status_code=status))
    assert e.state == DeliveryState.DELIVERED and e.next_attempt_at is None
    assert e.attempts[0].status_code == status and e.attempts[0].signature == "sig" and e.signature == "sig"


@pytest.mark.parametrize("outcome", [Outcome(status_code=199), Outcome(status_code=301), Outcome(status_code=404),
                                     Outcome(status_code=500), Outcome(error="timeout"),
                                     Outcome(error="connection error")])
def test_anything_else_is_retried_after_the_backoff(outcome):
    e = event()
    attempt(e, outcome)
    assert e.state == DeliveryState.PENDING
    assert e.next_attempt_at == T + timedelta(seconds=5)
    assert (e.attempts[0].status_code, e.attempts[0].error) == (outcome.status_code, outcome.error)


def test_backoff_doubles_from_the_end_of_each_attempt_then_the_event_fails():
    e = event()
    settings = CallbackSettings(max_attempts=4, initial_backoff=5)
    at = T
    times = []
    for _ in range(4):
        times.append(at)
        apply_outcome(e, Outcome(status_code=500), started=at, ended=at + timedelta(seconds=1), signature=None,
                      settings=settings)
        at = e.next_attempt_at or at
    assert e.state == DeliveryState.FAILED and e.next_attempt_at is None
    assert [(t - T).total_seconds() for t in times] == [0, 6, 17, 38]
    assert len(e.attempts) == 4


def test_duplicates_are_recorded_but_change_nothing():
    settings = CallbackSettings(max_attempts=1)
    e = event()
    attempt(e, Outcome(status_code=200), settings=settings)
    attempt(e, Outcome(status_code=500), settings=settings, duplicate=True)
    assert e.state == DeliveryState.DELIVERED
    assert [a.duplicate for a in e.attempts] == [False, True]
    retried = event()
    attempt(retried, Outcome(status_code=200), settings=CallbackSettings(max_attempts=2), duplicate=True)
    assert retried.state == DeliveryState.PENDING  # a duplicate does not count as an attempt either


def test_a_finished_event_stays_finished():
    e = event()
    attempt(e, Outcome(status_code=200))
    attempt(e, Outcome(status_code=500))
    assert e.state == DeliveryState.DELIVERED and e.next_attempt_at is None
