"""Auth, errors and the control-plane core, through the app."""

import base64
import hashlib
from pathlib import Path

import pytest
from starlette.testclient import TestClient

from mock_server.config import AccessKey, MockConfig
from mock_server.http.app import create_app
from mock_server.spec import SPEC_PATH, SPEC_SHA256
from tests.conftest import AUTH, START

LIST = "/v1/projects/p1/importedNumbers?servicePlanId=a&campaignId=b"


def basic(key_id, secret):
    return {"Authorization": "Basic " + base64.b64encode(f"{key_id}:{secret}".encode()).decode()}


def assert_error(response, status, name):
    body = response.json()
    assert response.status_code == status, body
    assert body["code"] == str(status) and body["status"] == name and body["message"]


# --- the vendored spec -------------------------------------------------------------------
def test_vendored_spec_is_byte_identical_to_the_shared_one():
    assert hashlib.sha256(SPEC_PATH.read_bytes()).hexdigest() == SPEC_SHA256
    source = Path(__file__).resolve().parents[2].parent / "shared" / "spec" / "SOURCE.md"
    if source.exists():
        assert SPEC_SHA256 in source.read_text()


def test_the_spec_is_served(anon):
    response = anon.get("/openapi.yaml")
    assert response.status_code == 200 and response.content == SPEC_PATH.read_bytes()


# --- auth --------------------------------------------------------------------------------
def test_basic_auth_with_the_sandbox_key_works(anon):
    assert anon.get(LIST, headers=basic(*AUTH)).status_code == 200


@pytest.mark.parametrize("headers", [
    {},
    {"Authorization": "Basic !!!notbase64"},
    {"Authorization": "Basic " + base64.b64encode(b"no-colon").decode()},
    basic("sandbox-key-id", "wrong"),
    basic("unknown", "secret"),
    {"Authorization": "Bearer not-a-token"},
    {"Authorization": "Digest abc"},
])
def test_missing_malformed_or_wrong_credentials_are_401(anon, headers):
    assert_error(anon.get(LIST, headers=headers), 401, "UNAUTHENTICATED")


def test_a_token_from_the_token_endpoint_works_until_it_expires_on_the_clock(anon):
    token = anon.post("/oauth2/token", data={"grant_type": "client_credentials"}, headers=basic(*AUTH))
    assert token.status_code == 200
    body = token.json()
    assert body["token_type"] == "bearer" and body["expires_in"] == 3600 and "scope" in body
    bearer = {"Authorization": f"Bearer {body['access_token']}"}
    assert anon.get(LIST, headers=bearer).status_code == 200
    anon.post("/_mock/clock:advance", json={"seconds": 3599})
    assert anon.get(LIST, headers=bearer).status_code == 200
    anon.post("/_mock/clock:advance", json={"seconds": 1})
    response = anon.get(LIST, headers=bearer)
    assert_error(response, 401, "UNAUTHENTICATED")
    assert "expired" in response.json()["message"]


@pytest.mark.parametrize("data,headers,status,error", [
    ({"grant_type": "client_credentials"}, {}, 401, "invalid_client"),
    ({"grant_type": "client_credentials"}, basic("sandbox-key-id", "nope"), 401, "invalid_client"),
    ({"grant_type": "password"}, basic(*AUTH), 400, "unsupported_grant_type"),
    ({}, basic(*AUTH), 400, "invalid_request"),
])
def test_token_endpoint_errors_use_the_oauth2_shape(anon, data, headers, status, error):
    response = anon.post("/oauth2/token", data=data, headers=headers)
    assert response.status_code == status and response.json()["error"] == error


def test_token_endpoint_accepts_client_credentials_in_the_form(anon):
    response = anon.post("/oauth2/token", data={"grant_type": "client_credentials",
                                                "client_id": AUTH[0], "client_secret": AUTH[1]})
    assert response.status_code == 200


def test_a_key_bound_to_a_project_is_403_elsewhere():
    app = create_app(MockConfig(access_keys=[AccessKey.parse("k1:s1:p1")], background=False))
    with TestClient(app) as anon:
        assert anon.get(LIST, headers=basic("k1", "s1")).status_code == 200
        assert_error(anon.get(LIST.replace("p1", "p2"), headers=basic("k1", "s1")), 403, "PERMISSION_DENIED")
        assert_error(anon.get(LIST, headers=basic(*AUTH)), 401, "UNAUTHENTICATED")  # no sandbox key


def test_access_key_parsing():
    assert AccessKey.parse("a:b") == AccessKey("a", "b", None)
    assert AccessKey.parse("a:b:p") == AccessKey("a", "b", "p")
    for bad in ("a", "a:", ":b", "a:b:", "a:b:c:d"):
        with pytest.raises(ValueError):
            AccessKey.parse(bad)


# --- bad requests ---------------------------------------------------------------------------
URL = "/v1/projects/p1/importedNumbers"


def test_malformed_json_is_400(client):
    response = client.post(URL, content=b"{not json", headers={"Content-Type": "application/json"})
    assert_error(response, 400, "INVALID_ARGUMENT")
    assert "not valid JSON" in response.json()["message"]


@pytest.mark.parametrize("body", [b"[]", b"42", b'"text"', b"null"])
def test_a_body_that_is_not_an_object_is_400(client, body):
    assert_error(client.post(URL, content=body, headers={"Content-Type": "application/json"}), 400, "INVALID_ARGUMENT")


def test_a_missing_body_is_400(client):
    assert_error(client.post(URL), 400, "INVALID_ARGUMENT")


def test_wrong_content_type_is_415(client):
    response = client.post(URL, content=b"regionCode=US", headers={"Content-Type": "application/x-www-form-urlencoded"})
    assert_error(response, 415, "INVALID_ARGUMENT")


def test_a_body_over_one_mebibyte_is_413(client):
    big = b'{"displayName": "' + b"x" * (1024 * 1024) + b'"}'
    assert_error(client.post(URL, content=big, headers={"Content-Type": "application/json"}), 413, "INVALID_ARGUMENT")


def test_wrong_types_name_the_field(client):
    response = client.post(URL, json={"phoneNumber": 12025550134, "regionCode": "US",
                                      "smsConfiguration": {"servicePlanId": "p"}})
    assert_error(response, 400, "INVALID_ARGUMENT")
    fields = [v["field"] for v in response.json()["details"][0]["fieldViolations"]]
    assert fields == ["phoneNumber"]


def test_unknown_paths_are_404_and_wrong_methods_405_in_the_error_shape(client):
    assert_error(client.get("/v1/projects/p1/nothingHere"), 404, "NOT_FOUND")
    assert_error(client.put(URL, json={}), 405, "UNIMPLEMENTED")
    assert_error(client.get("/nope"), 404, "NOT_FOUND")


@pytest.mark.parametrize("raw", ["12025550134", "+1202555", "+44207183875", "abc"])
def test_a_path_number_that_is_not_e164_is_400(client, raw):
    response = client.get(f"{URL}/{raw}")
    assert_error(response, 400, "INVALID_ARGUMENT")
    assert "path" in response.json()["message"]


# --- control plane core ----------------------------------------------------------------------
def test_health(anon):
    assert anon.get("/_mock/health").json() == {"status": "ok"}


def test_clock_get_advance_and_set(anon):
    assert anon.get("/_mock/clock").json()["now"] == "2026-01-05T09:00:00.000Z"
    assert anon.post("/_mock/clock:advance", json={"seconds": 90}).json()["now"] == "2026-01-05T09:01:30.000Z"
    moved = anon.post("/_mock/clock:set", json={"now": "2026-02-01T00:00:00Z"}).json()
    assert moved == {"now": "2026-02-01T00:00:00.000Z", "frozen": True}


@pytest.mark.parametrize("path,body", [
    ("/_mock/clock:advance", {"seconds": -1}),
    ("/_mock/clock:advance", {"seconds": "ten"}),
    ("/_mock/clock:advance", {}),
    ("/_mock/clock:set", {"now": "yesterday"}),
    ("/_mock/clock:set", {"now": "2020-01-01T00:00:00Z"}),  # backwards
    ("/_mock/clock:set", {"now": "2030-01-01T00:00:00"}),  # no offset
])
def test_bad_clock_moves_are_400(anon, path, body):
    assert_error(anon.post(path, json=body), 400, "INVALID_ARGUMENT")
    assert anon.get("/_mock/clock").json()["now"] == "2026-01-05T09:00:00.000Z"


def test_freeze_and_resume(anon):
    assert anon.post("/_mock/clock:resume").json()["frozen"] is False
    assert anon.post("/_mock/clock:freeze").json()["frozen"] is True


def test_the_journal_records_api_calls_and_filters_by_project(client):
    client.get("/v1/projects/p1/importedNumbers/+12025550134")
    client.get("/v1/projects/p2/importedNumbers/+12025550134")
    client.get("/_mock/health")
    entries = client.get("/_mock/requests").json()["requests"]
    assert [(e["method"], e["status"], e["projectId"]) for e in entries] == [("GET", 404, "p1"), ("GET", 404, "p2")]
    assert entries[0]["time"] == "2026-01-05T09:00:00.000Z"
    only = client.get("/_mock/requests", params={"projectId": "p2"}).json()["requests"]
    assert [e["projectId"] for e in only] == ["p2"]


def test_reset_drops_state_and_keeps_configuration(client):
    client.post(URL, json={"phoneNumber": "+12025550134", "regionCode": "US", "smsConfiguration": {"servicePlanId": "a"}})
    assert client.post("/_mock/reset").status_code == 200
    assert client.get(f"{URL}/+12025550134").status_code == 404
    assert len(client.get("/_mock/requests").json()["requests"]) == 1  # only the GET after the reset
    assert client.get(LIST).status_code == 200  # the sandbox key still works


def test_unexpected_errors_are_500_in_the_error_shape(app):
    from starlette.routing import Route

    async def broken(request):
        raise RuntimeError("boom")

    app.router.routes.insert(0, Route("/_mock/broken", broken))
    with TestClient(app, raise_server_exceptions=False) as anon:
        response = anon.get("/_mock/broken")
    assert_error(response, 500, "INTERNAL")


def test_start_instant_used_by_the_fixtures():
    assert START.isoformat() == "2026-01-05T09:00:00+00:00"


@pytest.mark.parametrize("path,body", [
    ("/_mock/clock:set", {"now": "9999-12-31T23:59:59-01:00"}),
    ("/_mock/clock:set", {"now": "0001-01-01T00:00:00+00:01"}),
    ("/_mock/clock:set", {"now": "9999-01-01T00:00:00Z"}),
    ("/_mock/clock:advance", {"seconds": 1e300}),
    ("/_mock/clock:advance", {"seconds": 400 * 365 * 86400 * 20}),
])
def test_clock_moves_out_of_range_are_400_not_500(anon, path, body):
    assert_error(anon.post(path, json=body), 400, "INVALID_ARGUMENT")


def test_a_nan_advance_is_400(anon):
    response = anon.post("/_mock/clock:advance", content=b'{"seconds": NaN}', headers={"Content-Type": "application/json"})
    assert_error(response, 400, "INVALID_ARGUMENT")


@pytest.mark.parametrize("path,field", [("/_mock/clock:advance", "seconds"), ("/_mock/clock:set", "now")])
def test_a_missing_clock_field_is_said_to_be_required(anon, path, field):
    response = anon.post(path, json={})
    assert_error(response, 400, "INVALID_ARGUMENT")
    assert "is required" in response.json()["details"][0]["fieldViolations"][0]["description"]
