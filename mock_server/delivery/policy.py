"""What an attempt's outcome means for its event: delivered, retried later, or failed.

Any 2xx is delivered. Anything else (another status, a timeout, a connection error) is retried
with exponential backoff on the mock's clock: the k-th retry waits `initial_backoff * 2**(k-1)`
seconds after the attempt before it ended, so with the defaults (5 s, 6 attempts) the attempts of
an event first tried at T are at T, T+5, T+15, T+35, T+75 and T+155. After `max_attempts`
attempts the event is failed. Duplicate deliveries (at-least-once emulation) never count.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from mock_server.domain.events import CallbackEvent, DeliveryAttempt, DeliveryState
from mock_server.domain.settings import CallbackSettings


@dataclass(frozen=True)
class Outcome:
    """What one HTTP attempt gave: a status code, or an error (timeout, connection)."""

    status_code: int | None = None
    error: str | None = None

    @property
    def ok(self) -> bool:
        return self.status_code is not None and 200 <= self.status_code < 300


def backoff_seconds(failed_attempts: int, settings: CallbackSettings) -> float:
    """The wait after the `failed_attempts`-th failed attempt (1, 2, ...)."""
    return settings.initial_backoff * 2 ** (failed_attempts - 1)


def real_attempts(event: CallbackEvent) -> int:
    return sum(1 for attempt in event.attempts if not attempt.duplicate and not attempt.redelivery)


def apply_outcome(event: CallbackEvent, outcome: Outcome, *, started: datetime, ended: datetime,
                  signature: str | None, settings: CallbackSettings, duplicate: bool = False,
                  sequence: int = 0, redelivery: bool = False, url: str | None = None) -> None:
    """Note the attempt on the event and move its delivery state on (a duplicate or a
    redelivery is noted and changes nothing else)."""
    event.attempts.append(DeliveryAttempt(time=started, status_code=outcome.status_code, error=outcome.error,
                                          duplicate=duplicate, signature=signature, sequence=sequence,
                                          redelivery=redelivery, url=url))
    event.signature = signature
    if duplicate or redelivery or event.state != DeliveryState.PENDING:
        return
    if outcome.ok:
        event.state, event.next_attempt_at = DeliveryState.DELIVERED, None
        return
    made = real_attempts(event)
    if made >= settings.max_attempts:
        event.state, event.next_attempt_at = DeliveryState.FAILED, None
        return
    event.next_attempt_at = ended + timedelta(seconds=backoff_seconds(made, settings))
