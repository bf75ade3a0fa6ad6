"""The JSON of a callback event as the delivery ledger shows it (`GET /_mock/events`, the
console's events view): what was sent (`payload`, the spec's `CallbackPayload`), where, and
every attempt."""

from __future__ import annotations

from mock_server.core.timefmt import rfc3339
from mock_server.delivery.signing import body_bytes
from mock_server.domain.events import CallbackEvent, DeliveryAttempt


def attempt_json(attempt: DeliveryAttempt) -> dict:
    return {
        "sequence": attempt.sequence,
        "time": rfc3339(attempt.time),
        "statusCode": attempt.status_code,
        "error": attempt.error,
        "signature": attempt.signature,
        "duplicate": attempt.duplicate,
        "redelivery": attempt.redelivery,
        "url": attempt.url,
    }


def ledger_entry_json(event: CallbackEvent) -> dict:
    return {
        "eventId": event.event_id,
        "seq": event.seq,
        "projectId": event.project_id,
        "payload": event.payload(),
        "destination": event.destination,
        "signature": event.signature,
        "state": event.state.value,
        "attempts": [attempt_json(a) for a in event.attempts],
        "nextAttemptAt": rfc3339(event.next_attempt_at) if event.next_attempt_at else None,
    }


def ledger_entry_with_body_json(event: CallbackEvent) -> dict:
    """The ledger entry and `body`: the exact text that is (or was) sent (the console shows it)."""
    return {**ledger_entry_json(event), "body": body_bytes(event.payload()).decode("utf-8")}
