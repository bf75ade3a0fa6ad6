"""Callbacks end to end: numbers imported through the API, real HTTP receivers on loopback.

In-process apps (TestClient) for the deterministic cases, and `sinch-mock serve` as a real
process for the real-time worker and for reproducing an order from `--seed` alone.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import re
import signal
import subprocess
import sys
import time
from contextlib import contextmanager
from typing import Iterator

import httpx
import pytest
from starlette.testclient import TestClient

from mock_server.config import MockConfig
from mock_server.core.clock import Clock
from mock_server.http.app import create_app
from mock_server.testing import CallbackReceiver
from tests.conftest import AUTH, AUTH_HEADERS, START

PROJECT = "p-callbacks"
SECRET = "YOUR_hmac_secret"
NUMBERS = [f"+1202555{2000 + i}" for i in range(8)]


@contextmanager
def mock(seed: int, *, frozen: bool = True, **callbacks: object) -> Iterator[TestClient]:
    config = MockConfig(seed=seed, background=False)
    for name, value in callbacks.items():
        setattr(config.settings.callbacks, name, value)
    with TestClient(create_app(config, clock=Clock(start=START, frozen=frozen)), headers=AUTH_HEADERS) as client:
        yield client


def import_number(api: httpx.Client | TestClient, phone: str, callback_url: str, **sms: str) -> None:
    response = api.post(f"/v1/projects/{PROJECT}/importedNumbers", json={
        "phoneNumber": phone, "regionCode": "US", "callbackUrl": callback_url,
        "smsConfiguration": {"servicePlanId": "plan-1", **sms}})
    assert response.status_code == 200, response.text


def independent_signature(body: bytes, secret: str = SECRET) -> str:
    return hmac.new(secret.encode(), body, hashlib.sha1).hexdigest()


def eight_numbers_order(seed: int, *, frozen: bool) -> list[str]:
    with CallbackReceiver() as receiver, mock(seed, frozen=frozen) as client:
        assert client.patch(f"/v1/projects/{PROJECT}/callbackConfiguration",
                            json={"hmacSecret": SECRET}).status_code == 200
        for phone in NUMBERS:
            import_number(client, phone, receiver.url)
        assert client.post("/_mock/clock:advance", json={"seconds": 60}).status_code == 200
        # the advance returns only after every due attempt was made: no waiting needed
        calls = list(receiver.received)
    assert len(calls) == 8
    for call in calls:
        assert call.headers["X-Sinch-Signature"] == independent_signature(call.body)
        assert call.payload["eventType"] == "PROVISIONING_TO_SMS_PLATFORM"
        assert call.payload["projectId"] == PROJECT and call.payload["status"] == "SUCCEEDED"
    return [call.payload["resourceId"] for call in calls]


@pytest.mark.parametrize("frozen", [True, False], ids=["frozen-clock", "flowing-clock"])
def test_eight_numbers_provisioned_in_one_advance_arrive_in_a_seed_dependent_order(frozen):
    """With a flowing clock the imports are milliseconds apart, so are their transitions: they
    still form one burst and go out in an order drawn from the seed alone."""
    first = eight_numbers_order(3, frozen=frozen)
    assert eight_numbers_order(3, frozen=frozen) == first
    assert eight_numbers_order(4, frozen=frozen) != first
    assert sorted(first) == sorted(NUMBERS) and first != NUMBERS


def test_fifo_order_is_import_order():
    with CallbackReceiver() as receiver, mock(3, order="fifo") as client:
        for phone in NUMBERS:
            import_number(client, phone, receiver.url)
        client.post("/_mock/clock:advance", json={"seconds": 60})
    assert [c.payload["resourceId"] for c in receiver.received] == NUMBERS


def test_a_receiver_answering_500_500_200_gets_the_event_on_the_third_attempt():
    with CallbackReceiver(respond=[500, 500, 200]) as receiver, mock(1) as client:
        import_number(client, "+12025550134", receiver.url)
        client.post("/_mock/clock:advance", json={"seconds": 30})
        assert [c.status for c in receiver.received] == [500]
        client.post("/_mock/clock:advance", json={"seconds": 3600})
        entry, = client.get("/_mock/events", params={"projectId": PROJECT}).json()["events"]
    assert [c.status for c in receiver.received] == [500, 500, 200]
    assert [(a["time"], a["statusCode"]) for a in entry["attempts"]] == [
        ("2026-01-05T09:00:30.000Z", 500), ("2026-01-05T09:00:35.000Z", 500), ("2026-01-05T09:00:45.000Z", 200)]
    assert entry["state"] == "delivered" and entry["nextAttemptAt"] is None


def test_the_ledger_matches_what_the_receiver_saw():
    with CallbackReceiver(respond=[503, 200]) as receiver, mock(2) as client:
        client.patch(f"/v1/projects/{PROJECT}/callbackConfiguration", json={"hmacSecret": SECRET})
        import_number(client, "+12025550134", receiver.url, campaignId="camp-1")  # provisioning + campaign link
        import_number(client, "+12025550112", receiver.url)  # SMS platform provisioning fails (magic number)
        client.post("/_mock/clock:advance", json={"seconds": 600})
        client.delete(f"/v1/projects/{PROJECT}/importedNumbers/+12025550134")
        client.post("/_mock/clock:advance", json={"seconds": 600})
        events = client.get("/_mock/events").json()["events"]
    kinds = sorted((e["payload"]["resourceId"], e["payload"]["eventType"], e["payload"]["status"]) for e in events)
    assert kinds == [("+12025550112", "PROVISIONING_TO_SMS_PLATFORM", "FAILED"),
                     ("+12025550134", "DELETE", "SUCCEEDED"),
                     ("+12025550134", "LINK_TO_10DLC_CAMPAIGN", "SUCCEEDED"),
                     ("+12025550134", "PROVISIONING_TO_SMS_PLATFORM", "SUCCEEDED")]
    attempts = sorted((a["sequence"], e["eventId"], a["statusCode"], a["signature"])
                      for e in events for a in e["attempts"])
    seen = [(c.event_id, c.status, c.headers.get("X-Sinch-Signature")) for c in receiver.received]
    assert [row[1:] for row in attempts] == seen  # same requests, same answers, same order
    by_id = {e["eventId"]: e for e in events}
    for call in receiver.received:
        assert call.payload == by_id[call.event_id]["payload"]
        assert call.signature == independent_signature(call.body)
    assert all(e["state"] == "delivered" and len(e["attempts"]) == 2 for e in events)


# --- a real process ---------------------------------------------------------------------------------
@contextmanager
def served(*args: str) -> Iterator[httpx.Client]:
    process = subprocess.Popen([sys.executable, "-m", "mock_server", "serve", "--port", "0", *args],
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                               env={k: v for k, v in os.environ.items() if not k.startswith("SINCH_MOCK_")})
    try:
        line = process.stdout.readline()
        match = re.search(r"http://127\.0\.0\.1:\d+", line)
        assert match, f"no URL in {line!r}"
        with httpx.Client(base_url=match.group(0), auth=AUTH, timeout=30) as api:
            for _ in range(200):
                try:
                    if api.get("/_mock/health").status_code == 200:
                        break
                except httpx.TransportError:
                    pass
            yield api
    finally:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=10)
        finally:
            if process.poll() is None:
                process.kill()


def served_order(seed: int) -> list[str]:
    with CallbackReceiver() as receiver, served("--seed", str(seed)) as api:
        for phone in NUMBERS:
            import_number(api, phone, receiver.url)
        assert api.post("/_mock/clock:advance", json={"seconds": 60}).status_code == 200
        return [c.payload["resourceId"] for c in receiver.received]


@pytest.mark.live
def test_a_served_mock_reproduces_the_order_from_its_seed():
    first = served_order(5)
    assert len(first) == 8
    assert served_order(5) == first
    assert served_order(6) != first


@pytest.mark.live
def test_a_served_mock_delivers_in_real_time_and_signs_with_its_configured_secret():
    with CallbackReceiver() as receiver, served("--seed", "1", "--callback-max-attempts", "2") as api:
        api.patch(f"/v1/projects/{PROJECT}/callbackConfiguration", json={"hmacSecret": SECRET})
        import_number(api, "+12025550134", receiver.url)
        api.post("/_mock/clock:advance", json={"seconds": 30})
        assert receiver.answered == 1  # made before the advance returned
        assert api.delete(f"/v1/projects/{PROJECT}/importedNumbers/+12025550134").status_code == 200
        assert receiver.wait_for(2, timeout=10)  # no clock move: the background worker sends it
        for _ in range(100):  # the receiver has answered; the ledger notes it a moment later
            events = api.get("/_mock/events").json()["events"]
            if all(e["state"] != "pending" for e in events):
                break
            time.sleep(0.05)
    assert [c.payload["eventType"] for c in receiver.received] == ["PROVISIONING_TO_SMS_PLATFORM", "DELETE"]
    assert all(c.signature == independent_signature(c.body) for c in receiver.received)
    assert [e["state"] for e in events] == ["delivered", "delivered"]


def test_hosting_order_numbers_call_back_to_the_orders_url_then_as_imported_numbers():
    with CallbackReceiver() as receiver, mock(1, order="fifo") as client:
        created = client.post(f"/v1/projects/{PROJECT}/hostingOrders:importNumbers", json={
            "regionCode": "US", "numbers": ["+13125554000", "+13125550112"], "servicePlanId": "plan-1",
            "campaignId": "camp-1", "callbackUrl": receiver.url})
        assert created.status_code == 200, created.text
        client.post("/_mock/clock:advance", json={"seconds": 3600})
        hosted = [(c.payload["resourceType"], c.payload["resourceId"], c.payload["eventType"], c.payload["status"],
                   c.payload.get("failureCode")) for c in receiver.received]
        # the hosted number becomes an imported number: its later changes report as IMPORTED_NUMBER
        assert client.patch(f"/v1/projects/{PROJECT}/importedNumbers/+13125554000",
                            json={"smsConfiguration": {"campaignId": ""}}).status_code == 200
        client.post("/_mock/clock:advance", json={"seconds": 3600})
        later = [(c.payload["resourceType"], c.payload["eventType"]) for c in receiver.received[len(hosted):]]
    order = "HOSTING_ORDER_NUMBER"
    assert sorted(hosted, key=lambda row: (row[1], row[2])) == sorted([
        (order, "+13125554000", "OSR_UPDATE", "SUCCEEDED", None),
        (order, "+13125554000", "PROVISIONING_TO_SMS_PLATFORM", "SUCCEEDED", None),
        (order, "+13125554000", "LINK_TO_10DLC_CAMPAIGN", "SUCCEEDED", None),
        (order, "+13125554000", "HOSTING_PROCESS", "SUCCEEDED", None),
        (order, "+13125550112", "OSR_UPDATE", "SUCCEEDED", None),
        (order, "+13125550112", "PROVISIONING_TO_SMS_PLATFORM", "FAILED", None),
        (order, "+13125550112", "HOSTING_PROCESS", "FAILED", "NUMBER_PROVISIONING_FAILED"),
    ], key=lambda row: (row[1], row[2]))
    assert later == [("IMPORTED_NUMBER", "UNLINK_TO_10DLC_CAMPAIGN")]
