"""`GET`/`PUT /_mock/state` and `POST /_mock/scenarios:load` through the app."""

from __future__ import annotations

import base64

import pytest
from starlette.testclient import TestClient

from mock_server.config import MockConfig
from mock_server.core.clock import Clock
from mock_server.http.app import create_app
from mock_server.scenarios import ScenarioError
from tests.conftest import AUTH_HEADERS, START

NUMBER_URL = "/v1/projects/happy-10dlc/importedNumbers/+12065552000"


def basic(key_id: str, secret: str) -> dict[str, str]:
    return {"Authorization": "Basic " + base64.b64encode(f"{key_id}:{secret}".encode()).decode()}


def app_with(*scenarios: str, scenario_dirs: list[str] | None = None):
    return create_app(MockConfig(seed=1234, background=False, scenarios=list(scenarios),
                                 scenario_dirs=scenario_dirs or []),
                      clock=Clock(start=START, frozen=True))


@pytest.fixture
def dir_client(tmp_path):
    """A client of a mock whose scenario directory is tmp_path."""
    with TestClient(app_with(scenario_dirs=[str(tmp_path)]), headers=AUTH_HEADERS) as test_client:
        yield test_client


def import_number(client: TestClient, project: str = "p", number: str = "+12025550134"):
    return client.post(f"/v1/projects/{project}/importedNumbers", json={
        "phoneNumber": number, "regionCode": "US", "callbackUrl": "http://127.0.0.1:9/cb",
        "smsConfiguration": {"servicePlanId": "plan", "campaignId": "camp"}})


# --- state --------------------------------------------------------------------------------------
def test_export_reset_import_export_gives_the_same_document(client):
    assert client.post("/_mock/scenarios:load", json={"name": "10dlc-happy-path"}).status_code == 200
    assert import_number(client).status_code == 200
    client.post("/_mock/clock:advance", json={"seconds": 40})
    exported = client.get("/_mock/state").json()
    assert exported["events"] and exported["jobs"] and exported["journal"]
    assert exported["accessKeys"] == [{"keyId": "happy-key", "keySecret": "happy-secret", "projectId": "happy-10dlc"}]

    assert client.post("/_mock/reset").status_code == 200
    assert client.get("/_mock/state").json()["projects"] == {}
    answer = client.put("/_mock/state", json=exported)
    assert answer.status_code == 200, answer.text
    assert answer.json() == {"status": "imported", "projects": 2, "events": len(exported["events"])}
    assert client.get("/_mock/state").json() == exported


def test_an_imported_state_serves_the_api_and_its_keys(client, anon):
    client.post("/_mock/scenarios:load", json={"name": "10dlc-happy-path"})
    exported = client.get("/_mock/state").json()
    client.post("/_mock/reset")
    assert anon.get(NUMBER_URL, headers=basic("happy-key", "happy-secret")).status_code == 401
    client.put("/_mock/state", json=exported)
    assert anon.get(NUMBER_URL, headers=basic("happy-key", "happy-secret")).status_code == 200


def test_importing_a_state_without_keys_drops_keys_added_later(client, anon):
    exported = client.get("/_mock/state").json()
    client.post("/_mock/scenarios:load", json={"name": "10dlc-happy-path"})
    client.put("/_mock/state", json=exported)
    assert anon.get("/v1/projects/happy-10dlc/importedNumbers/+12065552000",
                    headers=basic("happy-key", "happy-secret")).status_code == 401
    assert client.get("/v1/projects/p/importedNumbers/+12025550134").status_code == 404  # sandbox key still works


def test_a_bad_state_is_refused_with_field_violations_and_changes_nothing(client):
    import_number(client)
    before = client.get("/_mock/state").json()
    bad = {**before, "version": 9, "jobs": [{"due": "2026-01-05T09:00:00+00:00", "seq": 1, "kind": "nap",
                                             "projectId": "p", "data": {}}]}
    answer = client.put("/_mock/state", json=bad)
    assert answer.status_code == 400
    body = answer.json()
    assert body["status"] == "INVALID_ARGUMENT"
    assert body["message"].startswith("The state was not imported (nothing changed): version: ")
    fields = {v["field"] for v in body["details"][0]["fieldViolations"]}
    assert fields == {"version"}  # the shape is checked first; job kinds once the shape is right
    assert client.get("/_mock/state").json() == before
    answer = client.put("/_mock/state", json={**before, "jobs": bad["jobs"]})
    assert [v["field"] for v in answer.json()["details"][0]["fieldViolations"]] == ["jobs[0].kind"]


@pytest.mark.parametrize("body, field", [
    ({"accessKeys": "k"}, "accessKeys"),
    ({"accessKeys": [{"keyId": "k"}]}, "accessKeys[0].keySecret"),
])
def test_bad_access_keys_in_a_state_are_refused(client, body, field):
    document = {**client.get("/_mock/state").json(), **body}
    answer = client.put("/_mock/state", json=document)
    assert answer.status_code == 400
    assert answer.json()["details"][0]["fieldViolations"][0]["field"] == field


def test_a_state_must_be_a_json_object(client):
    answer = client.put("/_mock/state", content=b"[1]", headers={"Content-Type": "application/json"})
    assert answer.status_code == 400 and answer.json()["message"] == "The request body must be a JSON object"


# --- loading scenarios ---------------------------------------------------------------------------
def test_load_by_name_answers_what_was_loaded(client):
    answer = client.post("/_mock/scenarios:load", json={"name": "loa-declined"})
    assert answer.status_code == 200
    body = answer.json()
    assert body["status"] == "loaded" and body["name"] == "loa-declined"
    assert body["projects"] == ["loa-declined"] and body["accessKeys"] == []
    assert [o["state"] for o in body["hostingOrders"]] == ["rejected", "waiting_for_loa_signature"]
    order_id = body["hostingOrders"][1]["hostingOrderId"]
    assert client.get(f"/v1/projects/loa-declined/hostingOrders/{order_id}").json()["state"] == \
        "WAITING_FOR_LOA_SIGNATURE"


def test_load_by_path(dir_client, tmp_path):
    path = tmp_path / "mine.yaml"
    path.write_text("projects: [{id: mine, imported_numbers: [{number: '+12065552000', service_plan: p}]}]\n")
    body = dir_client.post("/_mock/scenarios:load", json={"path": str(path)}).json()
    assert (body["name"], body["importedNumbers"]) == ("mine", 1)
    assert dir_client.get("/v1/projects/mine/importedNumbers/+12065552000").status_code == 200
    dir_client.post("/_mock/reset")
    assert dir_client.post("/_mock/scenarios:load", json={"path": "mine.yaml"}).json()["name"] == "mine"


def test_load_inline(client):
    body = client.post("/_mock/scenarios:load", json={"scenario": {
        "name": "tiny", "campaigns": {"camp": "expired"}}}).json()
    assert body["name"] == "tiny"
    import_number(client)
    client.post("/_mock/clock:advance", json={"seconds": 600})
    failures = [e["payload"].get("failureCode") for e in client.get("/_mock/events").json()["events"]]
    assert "CAMPAIGN_EXPIRED" in failures


def test_a_scenario_key_works_for_its_project_only(client, anon):
    client.post("/_mock/scenarios:load", json={"name": "10dlc-happy-path"})
    assert anon.get(NUMBER_URL, headers=basic("happy-key", "happy-secret")).status_code == 200
    other = anon.get("/v1/projects/other/importedNumbers/+12065552000", headers=basic("happy-key", "happy-secret"))
    assert other.status_code == 403
    token = anon.post("/oauth2/token", data={"grant_type": "client_credentials"},
                      headers=basic("happy-key", "happy-secret")).json()["access_token"]
    assert anon.get(NUMBER_URL, headers={"Authorization": f"Bearer {token}"}).status_code == 200


def test_a_reset_forgets_keys_and_data_of_scenarios_loaded_later(client, anon):
    client.post("/_mock/scenarios:load", json={"name": "10dlc-happy-path"})
    client.post("/_mock/reset")
    assert client.get(NUMBER_URL).status_code == 404
    assert anon.get(NUMBER_URL, headers=basic("happy-key", "happy-secret")).status_code == 401


@pytest.mark.parametrize("body, message, fields", [
    ({}, 'Give exactly one of {"path": ...}, {"name": ...} or {"scenario": {...}}', []),
    ({"name": "default", "path": "/x.yaml"}, "Give exactly one of", ["name"]),
    ({"name": "default", "colour": 1}, "Give exactly one of", ["colour"]),
    ({"name": 3}, "name must be a non-empty string", ["name"]),
    ({"scenario": "default"}, "scenario must be an object", ["scenario"]),
    ({"name": "nope"}, "scenario nope was not loaded:\n  no shipped scenario is named 'nope'", ["scenario"]),
    ({"path": "/nonexistent/s.yaml"}, "scenario /nonexistent/s.yaml was not loaded:\n  no such scenario file in the "
                                      "scenario directories", ["scenario"]),
    ({"scenario": {"projects": [{"id": "p", "imported_numbers": [{"number": "+1"}]}]}},
     "scenario (inline) was not loaded:", ["projects[0].imported_numbers[0].service_plan"]),
])
def test_a_bad_load_request_is_a_400_naming_the_problem(client, body, message, fields):
    before = client.get("/_mock/state").json()
    answer = client.post("/_mock/scenarios:load", json=body)
    assert answer.status_code == 400
    error = answer.json()
    assert error["status"] == "INVALID_ARGUMENT" and error["message"].startswith(message)
    assert [v["field"] for v in error.get("details", [{}])[0].get("fieldViolations", [])] == fields
    assert client.get("/_mock/state").json() == before


def test_a_scenario_refused_by_the_world_loads_nothing(client):
    import_number(client, project="happy-10dlc", number="+12065552101")
    before = client.get("/_mock/state").json()
    answer = client.post("/_mock/scenarios:load", json={"name": "10dlc-happy-path"})
    assert answer.status_code == 400
    violation = answer.json()["details"][0]["fieldViolations"][0]
    assert violation == {"field": "projects[0].imported_numbers[1]",
                         "description": "already imported in project happy-10dlc: +12065552101"}
    assert client.get("/_mock/state").json() == before


def test_a_yaml_error_is_reported_with_its_line(dir_client, tmp_path):
    path = tmp_path / "broken.yaml"
    path.write_text("projects:\n  - id: a\n   bad: x\n")
    error = dir_client.post("/_mock/scenarios:load", json={"path": str(path)}).json()
    assert error["details"][0]["fieldViolations"][0]["description"].startswith("not valid YAML")
    assert error["details"][0]["fieldViolations"][0]["description"].endswith("(line 3)")


def test_the_shipped_scenarios_are_listed(client):
    assert client.get("/_mock/scenarios").json() == {"scenarios": [
        "10dlc-happy-path", "campaign-failures", "default", "large-inventory", "loa-declined", "toll-free",
        "voice-challenge-lockout"]}


# --- start-up scenarios ----------------------------------------------------------------------------
def test_start_up_scenarios_are_applied_and_come_back_after_a_reset():
    app = app_with("10dlc-happy-path", "voice-challenge-lockout")
    with TestClient(app, headers=AUTH_HEADERS) as client:
        assert client.get(NUMBER_URL).status_code == 200
        import_number(client)
        client.post("/_mock/scenarios:load", json={"name": "loa-declined"})
        client.post("/_mock/reset")
        projects = set(client.get("/_mock/state").json()["projects"])
        assert projects == {"happy-10dlc", "voice-lockout"}
        assert client.get("/v1/projects/happy-10dlc/importedNumbers/+12065552000",
                          headers=basic("happy-key", "happy-secret")).status_code == 200
        assert app.state.world.settings.limits.voice_attempts == 2  # the start-up scenario's settings


def test_a_start_up_scenario_that_cannot_load_stops_the_app_from_being_made(tmp_path):
    path = tmp_path / "bad.yaml"
    path.write_text("campaigns: {C: sleepy}\n")
    with pytest.raises(ScenarioError) as caught:
        app_with(str(path))
    assert str(caught.value).startswith(f"scenario {path} was not loaded:\n  campaigns.C (line 1): Input should be")


def test_scenario_callback_settings_drive_the_deliveries():
    from mock_server.harness import CallbackSink, SinchMock

    with SinchMock(seed=5) as mock, CallbackSink(respond=500) as sink:
        mock.load_scenario(scenario={"callbacks": {"max_attempts": 2, "initial_backoff": 1, "order": "fifo"}})
        import_number(mock.client)
        mock.client.patch("/v1/projects/p/importedNumbers/+12025550134", json={"callbackUrl": sink.url})
        mock.advance(600)
        failed = mock.events("p", state="failed")
        assert failed and all(len(e["attempts"]) == 2 for e in failed)
        assert {e["statusCode"] for e in failed[0]["attempts"]} == {500}
