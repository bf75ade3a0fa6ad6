"""`POST /_mock/events:trigger`: a synthetic signed event through the normal delivery."""

from __future__ import annotations

from mock_server.testing import CallbackReceiver

PROJECT = "p-trigger"


def test_a_trigger_to_a_url_is_signed_delivered_and_in_the_ledger(client):
    client.patch(f"/v1/projects/{PROJECT}/callbackConfiguration", json={"hmacSecret": "sec"})
    with CallbackReceiver() as receiver:
        answer = client.post("/_mock/events:trigger", json={
            "projectId": PROJECT, "eventType": "LINK_TO_10DLC_CAMPAIGN", "resourceId": "+12025550134",
            "status": "FAILED", "failureCode": "CAMPAIGN_EXPIRED", "url": receiver.url})
        call, = receiver.received
    assert answer.status_code == 201, answer.text
    entry = answer.json()
    assert entry["state"] == "delivered" and entry["attempts"][0]["statusCode"] == 200
    assert call.verify("sec") and call.payload == entry["payload"]
    assert call.payload["failureCode"] == "CAMPAIGN_EXPIRED" and call.payload["status"] == "FAILED"
    assert call.payload["resourceType"] == "IMPORTED_NUMBER"
    assert client.get(f"/_mock/events/{entry['eventId']}").json() == entry


def test_without_a_url_it_goes_to_the_numbers_callback_url_and_changes_no_record(client):
    with CallbackReceiver() as receiver:
        client.post(f"/v1/projects/{PROJECT}/importedNumbers", json={
            "phoneNumber": "+12025550134", "regionCode": "US", "callbackUrl": receiver.url_for("/mine"),
            "smsConfiguration": {"servicePlanId": "plan"}})
        before = client.get(f"/v1/projects/{PROJECT}/importedNumbers/+12025550134").json()
        answer = client.post("/_mock/events:trigger", json={
            "projectId": PROJECT, "eventType": "DELETE", "resourceId": "+12025550134"})
        assert answer.status_code == 201
        assert [c.path for c in receiver.received] == ["/mine"]
    assert client.get(f"/v1/projects/{PROJECT}/importedNumbers/+12025550134").json() == before


def test_bad_triggers_are_400_and_record_nothing(client):
    base = {"projectId": PROJECT, "eventType": "DELETE", "resourceId": "+12025550134",
            "url": "http://127.0.0.1:9/cb"}
    cases = [
        ({"eventType": "EXPLODED"}, "eventType"),
        ({"status": "MAYBE"}, "status"),
        ({"failureCode": "CAMPAIGN_EXPIRED"}, "failureCode"),  # only with FAILED
        ({"status": "FAILED", "failureCode": "NOPE"}, "failureCode"),
        ({"resourceId": "12345"}, "resourceId"),
        ({"url": "ftp://x"}, "url"),
        ({"url": "http://testserver/_mock/reset"}, "url"),
        ({"projectId": "a/b"}, "projectId"),
        ({"resourceType": "ORDER"}, "resourceType"),
        ({"url": None}, "url"),  # no callbackUrl known for the number
    ]
    for change, field in cases:
        body = {k: v for k, v in {**base, **change}.items() if v is not None}
        refused = client.post("/_mock/events:trigger", json=body)
        assert refused.status_code == 400, (change, refused.text)
        assert refused.json()["details"][0]["fieldViolations"][0]["field"] == field, change
    assert client.get("/_mock/events").json()["events"] == []
