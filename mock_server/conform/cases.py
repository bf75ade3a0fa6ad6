"""The battery: what the kit sends to a callback handler, and what the documentation's contract
expects back.

Sinch's documentation asks a callback handler to verify the HMAC on the raw body before parsing
the JSON, to "ingest the event and respond with 200 OK", and to cope with events that come
twice, out of order, or of a kind it has not seen. Each case here is one such situation: the
requests to send (in order) and the answers that meet the contract.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any, Callable

from mock_server.core.rng import Rng
from mock_server.core.timefmt import rfc3339
from mock_server.delivery.signing import SIGNATURE_HEADER, body_bytes, sign

Expectation = Callable[[int], bool]


def accepted(status: int) -> bool:
    return 200 <= status < 300


def refused(status: int) -> bool:
    return 400 <= status < 500


def not_a_server_error(status: int) -> bool:
    return 200 <= status < 300 or 400 <= status < 500


@dataclass(frozen=True)
class Request:
    """One POST to the handler."""

    body: bytes
    headers: dict[str, str]
    label: str  # what this request is, in reports


@dataclass(frozen=True)
class Case:
    name: str
    title: str
    expected: str  # the contract, in words
    requests: list[Request]
    expectation: Expectation


@dataclass
class Battery:
    """Builds the cases for one run: fresh event ids (from a seeded generator) and timestamps
    just before `now`, so a handler's memory of earlier runs does not matter."""

    secret: str
    project_id: str
    now: datetime
    rng: Rng
    cases: list[Case] = field(default_factory=list)

    # --- building blocks ------------------------------------------------------------------------
    def payload(self, event_type: str, resource_id: str, seconds_ago: float, *, status: str = "SUCCEEDED",
                resource_type: str = "IMPORTED_NUMBER", failure_code: str | None = None) -> dict[str, Any]:
        body: dict[str, Any] = {
            "resourceType": resource_type, "eventType": event_type, "eventId": self.rng.hex(26),
            "timestamp": rfc3339(self.now - timedelta(seconds=seconds_ago)), "projectId": self.project_id,
            "resourceId": resource_id, "status": status}
        if failure_code:
            body["failureCode"] = failure_code
        return body

    def signed(self, payload: dict[str, Any] | bytes, label: str, *, secret: str | None = None) -> Request:
        body = payload if isinstance(payload, bytes) else body_bytes(payload)
        return Request(body, {"Content-Type": "application/json",
                              SIGNATURE_HEADER: sign(self.secret if secret is None else secret, body)}, label)

    def number(self) -> str:
        return "+1202555" + self.rng.digits(4)

    def add(self, name: str, title: str, expected: str, requests: list[Request], expectation: Expectation) -> None:
        self.cases.append(Case(name, title, expected, requests, expectation))

    # --- the cases ------------------------------------------------------------------------------
    def build(self) -> list[Case]:
        ok = "200 OK (any 2xx)"
        number = self.number()
        valid = self.payload("PROVISIONING_TO_SMS_PLATFORM", number, 60)
        self.add("valid_event", "A valid, signed event", ok, [self.signed(valid, "the event")], accepted)

        again = self.payload("LINK_TO_10DLC_CAMPAIGN", self.number(), 50)
        self.add("duplicate_event", "The same event twice (at-least-once delivery)", f"{ok} both times",
                 [self.signed(again, "first delivery"), self.signed(again, "second delivery, same bytes")], accepted)

        hosted = self.number()
        later = self.payload("HOSTING_PROCESS", hosted, 100, resource_type="HOSTING_ORDER_NUMBER")
        earlier = self.payload("OSR_UPDATE", hosted, 235, resource_type="HOSTING_ORDER_NUMBER")
        self.add("later_state_first", "A later state before an earlier one (HOSTING_PROCESS, then OSR_UPDATE of "
                 "the same number)", f"{ok} for both: the handler decides later, it must not reject or crash",
                 [self.signed(later, "HOSTING_PROCESS (newer)"), self.signed(earlier, "OSR_UPDATE (older)")],
                 accepted)

        moved = self.number()
        newer = self.payload("PROVISIONING_TO_SMS_PLATFORM", moved, 40)
        older = self.payload("PROVISIONING_TO_SMS_PLATFORM", moved, 400, status="FAILED")
        self.add("old_event_after_newer", "An old event after a newer one for the same resource",
                 f"{ok} for both: an old event is ingested and ignored, not rejected",
                 [self.signed(newer, "newer event"), self.signed(older, "older event, same number and type")],
                 accepted)

        unknown = self.payload("NUMBER_PORTED_OUT", self.number(), 30)
        self.add("unknown_event_type", "An event type the handler has not seen", ok,
                 [self.signed(unknown, "eventType NUMBER_PORTED_OUT")], accepted)

        extra = {**self.payload("DELETE", self.number(), 20), "carrierNote": {"newField": True, "level": 2}}
        self.add("unknown_field", "An event with a field the handler has not seen", ok,
                 [self.signed(extra, "extra field carrierNote")], accepted)

        forged = self.payload("DELETE", self.number(), 10)
        self.add("wrong_signature", "A body whose signature is wrong", "a 4xx, never 2xx",
                 [self.signed(forged, "signed with another secret", secret=self.secret + "-not-it")], refused)

        unsigned_body = body_bytes(self.payload("DELETE", self.number(), 10))
        self.add("missing_signature", f"A body with no {SIGNATURE_HEADER} header", "a 4xx, never 2xx",
                 [Request(unsigned_body, {"Content-Type": "application/json"}, "no signature header")], refused)

        reserialized = self.payload("PROVISIONING_TO_SMS_PLATFORM", self.number(), 10)
        sent = json.dumps(reserialized, indent=2).encode("utf-8")  # the bytes on the wire
        compact = json.dumps(reserialized, separators=(",", ":")).encode("utf-8")  # JSON.stringify's form
        spaced = json.dumps(reserialized).encode("utf-8")  # Python's json.dumps default form
        self.add("reserialized_signature", "A signature made over re-serialized JSON instead of the raw bytes",
                 "a 4xx, never 2xx: the HMAC must be checked on the raw body",
                 [Request(sent, {"Content-Type": "application/json", SIGNATURE_HEADER: sign(self.secret, compact)},
                          "signed over the compact re-serialization"),
                  Request(sent, {"Content-Type": "application/json", SIGNATURE_HEADER: sign(self.secret, spaced)},
                          "signed over json.dumps' default re-serialization")], refused)

        broken = b'{"resourceType":"IMPORTED_NUMBER","eventType":"DELETE","eventId":'
        self.add("malformed_json", "Malformed JSON with a valid signature over it",
                 "a 4xx or a 2xx, never a 5xx", [self.signed(broken, "truncated JSON, correctly signed")],
                 not_a_server_error)
        return self.cases
