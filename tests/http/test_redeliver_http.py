"""`GET /_mock/events/{eventId}` and `POST /_mock/events/{eventId}:redeliver` (in process)."""

from __future__ import annotations

from mock_server.testing import CallbackReceiver, verify_signature

PROJECT = "p-redeliver"


def import_number(client, callback_url: str, phone: str = "+12025550134") -> None:
    response = client.post(f"/v1/projects/{PROJECT}/importedNumbers", json={
        "phoneNumber": phone, "regionCode": "US", "callbackUrl": callback_url,
        "smsConfiguration": {"servicePlanId": "plan-1"}})
    assert response.status_code == 200, response.text


def only_event(client) -> dict:
    event, = client.get("/_mock/events", params={"projectId": PROJECT}).json()["events"]
    return event


def test_one_event_is_looked_up_by_id_and_an_unknown_id_is_404(client):
    with CallbackReceiver() as receiver:
        import_number(client, receiver.url)
        client.post("/_mock/clock:advance", json={"seconds": 30})
    listed = only_event(client)
    one = client.get(f"/_mock/events/{listed['eventId']}")
    assert one.status_code == 200 and one.json() == listed
    missing = client.get("/_mock/events/0123456789abcdef0123456789")
    assert missing.status_code == 404
    assert missing.json()["status"] == "NOT_FOUND" and "0123456789abcdef0123456789" in missing.json()["message"]


def test_redeliver_sends_the_same_body_with_a_fresh_signature_and_changes_no_state(client):
    with CallbackReceiver() as receiver:
        client.patch(f"/v1/projects/{PROJECT}/callbackConfiguration", json={"hmacSecret": "old"})
        import_number(client, receiver.url)
        client.post("/_mock/clock:advance", json={"seconds": 30})
        event_id = only_event(client)["eventId"]
        client.patch(f"/v1/projects/{PROJECT}/callbackConfiguration", json={"hmacSecret": "new"})
        answer = client.post(f"/_mock/events/{event_id}:redeliver")
        assert answer.status_code == 200, answer.text
        first, again = receiver.received
    assert again.body == first.body and again.path == "/callback"
    assert first.verify("old") and again.verify("new") and not again.verify("old")
    entry = answer.json()
    assert entry["state"] == "delivered"
    assert [(a["statusCode"], a["redelivery"], a["url"]) for a in entry["attempts"]] == [
        (200, False, None), (200, True, None)]
    assert entry["attempts"][1]["sequence"] == entry["attempts"][0]["sequence"] + 1
    assert entry["signature"] == again.headers["X-Sinch-Signature"]


def test_redeliver_to_another_url_and_a_failed_redelivery_starts_no_retries(client):
    with CallbackReceiver() as original, CallbackReceiver(respond=500) as other:
        import_number(client, original.url)
        client.post("/_mock/clock:advance", json={"seconds": 30})
        event_id = only_event(client)["eventId"]
        elsewhere = other.url_for("/elsewhere")
        answer = client.post(f"/_mock/events/{event_id}:redeliver", json={"url": elsewhere})
        client.post("/_mock/clock:advance", json={"seconds": 3600})
    assert answer.status_code == 200
    assert len(original.received) == 1 and [c.path for c in other.received] == ["/elsewhere"]
    assert other.received[0].body == original.received[0].body
    assert verify_signature("", other.received[0].body, other.received[0].headers) is False  # unsigned: no secret
    entry = only_event(client)
    assert entry["state"] == "delivered" and entry["nextAttemptAt"] is None
    assert entry["attempts"][-1]["url"] == elsewhere
    assert entry["attempts"][-1]["statusCode"] == 500 and entry["attempts"][-1]["redelivery"] is True


def test_a_redelivery_does_not_count_toward_the_attempts_of_a_pending_event(client):
    with CallbackReceiver(respond=500) as receiver:
        client.post("/_mock/scenarios:load", json={"scenario": {"callbacks": {"max_attempts": 2}}})
        import_number(client, receiver.url)
        client.post("/_mock/clock:advance", json={"seconds": 30})
        event_id = only_event(client)["eventId"]
        client.post(f"/_mock/events/{event_id}:redeliver")
        client.post(f"/_mock/events/{event_id}:redeliver")
        assert only_event(client)["state"] == "pending"  # two redeliveries, one real attempt
        client.post("/_mock/clock:advance", json={"seconds": 60})
    entry = only_event(client)
    assert entry["state"] == "failed"
    assert [a["redelivery"] for a in entry["attempts"]] == [False, True, True, False]


def test_redeliver_refuses_bad_input_and_changes_nothing(client):
    import_number(client, "")  # no callbackUrl: no destination
    client.post("/_mock/clock:advance", json={"seconds": 30})
    entry = only_event(client)
    assert entry["state"] == "no_destination"
    refused = client.post(f"/_mock/events/{entry['eventId']}:redeliver")
    assert refused.status_code == 400 and refused.json()["status"] == "FAILED_PRECONDITION"
    for body in ({"url": "ftp://x/y"}, {"url": 5}, {"url": "not a url"}, {"url": "http://h.test/" + "a" * 2048},
                 {"url": "http://testserver/_mock/reset"}):  # the mock itself, outside its sink
        bad = client.post(f"/_mock/events/{entry['eventId']}:redeliver", json=body)
        assert bad.status_code == 400 and bad.json()["details"][0]["fieldViolations"][0]["field"] == "url"
    assert client.post("/_mock/events/nope:redeliver").status_code == 404
    assert only_event(client) == entry
