"""The callback configuration resource and the /_mock/events ledger, through the app."""

from __future__ import annotations

import base64

import pytest

from mock_server.config import MockConfig
from mock_server.core.clock import Clock
from tests.conftest import START
from tests.spec_schema import assert_matches

CONFIG = "/v1/projects/p1/callbackConfiguration"
IMPORT = "/v1/projects/{}/importedNumbers"


def import_number(client, phone="+12025550134", project="p1", callback_url="http://127.0.0.1:9/cb"):
    body = {"phoneNumber": phone, "regionCode": "US", "smsConfiguration": {"servicePlanId": "plan"}}
    if callback_url is not None:
        body["callbackUrl"] = callback_url
    response = client.post(IMPORT.format(project), json=body)
    assert response.status_code == 200, response.text
    return response


def assert_wrapped_error(response, status: int, name: str) -> dict:
    assert response.status_code == status
    body = response.json()
    assert set(body) == {"error"}
    error = body["error"]
    assert error["code"] == status and isinstance(error["code"], int)
    assert error["status"] == name and error["message"]
    assert isinstance(error["details"], list)
    return error


# --- configuration ----------------------------------------------------------------------------------
def test_a_new_project_has_no_secret(client):
    response = client.get(CONFIG)
    assert response.status_code == 200
    assert response.json() == {"projectId": "p1"}
    assert_matches(response.json(), "CallbackConfiguration")


def test_patch_sets_and_get_returns_the_secret(client):
    response = client.patch(CONFIG, json={"hmacSecret": "YOUR_hmac_secret"})
    assert response.status_code == 200
    assert response.json() == {"projectId": "p1", "hmacSecret": "YOUR_hmac_secret"}
    assert_matches(response.json(), "CallbackConfiguration")
    assert client.get(CONFIG).json() == {"projectId": "p1", "hmacSecret": "YOUR_hmac_secret"}


def test_an_empty_string_clears_the_secret(client):
    client.patch(CONFIG, json={"hmacSecret": "k"})
    assert client.patch(CONFIG, json={"hmacSecret": ""}).json() == {"projectId": "p1"}
    assert client.get(CONFIG).json() == {"projectId": "p1"}


@pytest.mark.parametrize("body", [{}, {"somethingElse": 1}, {"projectId": "other"}])
def test_leaving_the_secret_out_changes_nothing(client, body):
    client.patch(CONFIG, json={"hmacSecret": "k"})
    response = client.patch(CONFIG, json=body)
    assert response.status_code == 200
    assert response.json() == {"projectId": "p1", "hmacSecret": "k"}


def test_secrets_belong_to_one_project(client):
    client.patch(CONFIG, json={"hmacSecret": "k1"})
    assert client.get("/v1/projects/p2/callbackConfiguration").json() == {"projectId": "p2"}


@pytest.mark.parametrize("value", [123, True, ["k"], {"k": 1}, None])
def test_a_secret_that_is_not_a_string_is_400_in_the_wrapped_shape(client, value):
    client.patch(CONFIG, json={"hmacSecret": "kept"})
    error = assert_wrapped_error(client.patch(CONFIG, json={"hmacSecret": value}), 400, "INVALID_ARGUMENT")
    assert error["details"][0]["type"] == "BadRequest"
    assert error["details"][0]["fieldViolations"][0]["field"] == "hmacSecret"
    assert_matches({"error": error}, "InvalidArgument")
    assert client.get(CONFIG).json()["hmacSecret"] == "kept"  # a refused PATCH changes nothing


def test_a_secret_over_the_bound_is_400_in_the_wrapped_shape(client):
    client.patch(CONFIG, json={"hmacSecret": "kept"})
    error = assert_wrapped_error(client.patch(CONFIG, json={"hmacSecret": "k" * 1025}), 400, "INVALID_ARGUMENT")
    assert error["details"][0]["fieldViolations"][0]["field"] == "hmacSecret"
    assert_matches({"error": error}, "InvalidArgument")
    assert client.get(CONFIG).json()["hmacSecret"] == "kept"
    assert client.patch(CONFIG, json={"hmacSecret": "k" * 1024}).status_code == 200


@pytest.mark.parametrize("content,headers,status", [
    (b"{not json", {"Content-Type": "application/json"}, 400),
    (b"[1, 2]", {"Content-Type": "application/json"}, 400),
    (b"", {"Content-Type": "application/json"}, 400),
    (b"hmacSecret=k", {"Content-Type": "application/x-www-form-urlencoded"}, 415),
])
def test_a_malformed_body_is_refused_in_the_wrapped_shape(client, content, headers, status):
    response = client.patch(CONFIG, content=content, headers=headers)
    assert_wrapped_error(response, status, "INVALID_ARGUMENT")


def test_auth_errors_and_unknown_methods_on_this_resource_use_the_wrapped_shape(anon, client):
    assert_wrapped_error(anon.get(CONFIG), 401, "UNAUTHENTICATED")
    assert_wrapped_error(client.post(CONFIG, json={}), 405, "UNIMPLEMENTED")


def test_a_key_bound_to_another_project_is_403_in_the_wrapped_shape():
    from starlette.testclient import TestClient

    from mock_server.config import AccessKey
    from mock_server.http.app import create_app

    config = MockConfig(seed=1, background=False, access_keys=[AccessKey("id", "secret", "p1")])
    headers = {"Authorization": "Basic " + base64.b64encode(b"id:secret").decode()}
    with TestClient(create_app(config, clock=Clock(start=START, frozen=True)), headers=headers) as bound:
        assert bound.get(CONFIG).status_code == 200
        assert_wrapped_error(bound.get("/v1/projects/p2/callbackConfiguration"), 403, "PERMISSION_DENIED")


def test_the_rest_of_the_api_keeps_its_own_error_shape(client):
    response = client.get(IMPORT.format("p1") + "/+12025550134")
    assert response.status_code == 404 and response.json()["code"] == "404"


# --- the ledger -------------------------------------------------------------------------------------
def test_the_ledger_shows_each_event_with_its_payload_destination_and_state(client):
    import_number(client, "+12025550134", callback_url=None)
    import_number(client, "+12025550135", project="p2", callback_url="http://127.0.0.1:9/cb")
    client.post("/_mock/clock:advance", json={"seconds": 30})
    events = client.get("/_mock/events").json()["events"]
    assert [e["projectId"] for e in events] == ["p1", "p2"]
    quiet, sent = events
    assert quiet["state"] == "no_destination" and quiet["destination"] is None and quiet["attempts"] == []
    assert sent["destination"] == "http://127.0.0.1:9/cb"
    assert sent["payload"]["eventType"] == "PROVISIONING_TO_SMS_PLATFORM"
    assert sent["payload"]["resourceId"] == "+12025550135" and sent["payload"]["status"] == "SUCCEEDED"
    assert sent["payload"]["timestamp"] == "2026-01-05T09:00:30.000Z"
    assert sent["eventId"] == sent["payload"]["eventId"]
    assert_matches(sent["payload"], "CallbackPayload")
    attempt = sent["attempts"][0]  # nothing listens on port 9: a connection error, then a retry
    assert attempt["time"] == "2026-01-05T09:00:30.000Z" and attempt["statusCode"] is None
    assert attempt["error"] == "connection refused" and attempt["sequence"] == 1
    assert sent["state"] == "pending" and sent["nextAttemptAt"] == "2026-01-05T09:00:35.000Z"


def test_the_ledger_filters_by_project_and_state(client):
    import_number(client, "+12025550134", callback_url=None)
    import_number(client, "+12025550135", project="p2")
    client.post("/_mock/clock:advance", json={"seconds": 30})
    assert [e["projectId"] for e in client.get("/_mock/events?projectId=p2").json()["events"]] == ["p2"]
    assert client.get("/_mock/events?projectId=nobody").json() == {"events": [], "dropped": 0, "limit": 10_000}
    assert [e["projectId"] for e in client.get("/_mock/events?state=no_destination").json()["events"]] == ["p1"]
    assert [e["projectId"] for e in client.get("/_mock/events?state=pending").json()["events"]] == ["p2"]


def test_a_bad_ledger_filter_is_400_in_the_control_planes_shape(client):
    response = client.get("/_mock/events?state=lost")
    assert response.status_code == 400 and response.json()["code"] == "400"
    assert response.json()["details"][0]["fieldViolations"][0]["field"] == "state"
    assert client.get("/_mock/events?projectId=a&projectId=b").status_code == 400


def test_the_ledger_needs_no_credentials_and_empties_on_reset(anon, client):
    import_number(client, callback_url=None)
    client.post("/_mock/clock:advance", json={"seconds": 30})
    assert len(anon.get("/_mock/events").json()["events"]) == 1
    anon.post("/_mock/reset")
    assert anon.get("/_mock/events").json()["events"] == []
