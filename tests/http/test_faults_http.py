"""`/_mock/faults` and the fault middleware, in process (tests/e2e has them over sockets)."""

from __future__ import annotations

import time

LIST = "/v1/projects/p-faults/importedNumbers?servicePlanId=plan&campaignId=c"


def add(anon, **rule):
    return anon.post("/_mock/faults", json=rule)


def test_an_error_rule_answers_the_apis_error_shape_and_is_marked_in_the_journal(client, anon):
    created = add(anon, operationId="ImportNumberService_ListImportedNumbers", times=1,
                  action={"type": "error", "status": 503, "retryAfter": 2})
    assert created.status_code == 201
    rule = created.json()
    assert rule["id"] == "fault-1" and rule["remaining"] == 1 and rule["fired"] == 0
    failed = client.get(LIST)
    assert failed.status_code == 503 and failed.headers["Retry-After"] == "2"
    assert failed.json()["status"] == "UNAVAILABLE" and "fault-1" in failed.json()["message"]
    assert client.get(LIST).status_code == 200  # only the next call
    first, second = anon.get("/_mock/requests").json()["requests"]
    assert first["fault"] == {"rule": "fault-1", "action": "error", "status": 503} and first["status"] == 503
    assert "fault" not in second and second["status"] == 200
    listed, = anon.get("/_mock/faults").json()["faults"]
    assert (listed["remaining"], listed["matched"], listed["fired"]) == (0, 1, 1)


def test_an_injected_error_changes_nothing(client, anon):
    add(anon, method="POST", path="/v1/projects/*/importedNumbers", action={"type": "error", "status": 500})
    refused = client.post("/v1/projects/p-faults/importedNumbers", json={
        "phoneNumber": "+12025550134", "regionCode": "US", "smsConfiguration": {"servicePlanId": "plan"}})
    assert refused.status_code == 500 and refused.json()["status"] == "INTERNAL"
    assert client.get("/v1/projects/p-faults/importedNumbers/+12025550134").status_code == 404


def test_a_429_on_the_callback_configuration_uses_that_resources_error_shape(client, anon):
    add(anon, operationId="GetCallbackConfiguration", action={"type": "error", "status": 429, "retryAfter": 30})
    answer = client.get("/v1/projects/p-faults/callbackConfiguration")
    assert answer.status_code == 429 and answer.headers["Retry-After"] == "30"
    assert answer.json()["error"]["code"] == 429 and answer.json()["error"]["status"] == "RESOURCE_EXHAUSTED"


def test_a_delay_rule_holds_the_answer_then_serves_it(client, anon):
    add(anon, projectId="p-faults", action={"type": "delay", "seconds": 0.3})
    started = time.monotonic()
    answer = client.get(LIST)
    assert answer.status_code == 200 and time.monotonic() - started >= 0.3
    assert client.get("/v1/projects/other/importedNumbers?servicePlanId=plan&campaignId=c").status_code == 200
    entry = anon.get("/_mock/requests").json()["requests"][0]
    assert entry["fault"] == {"rule": "fault-1", "action": "delay", "seconds": 0.3} and entry["status"] == 200


def test_rules_never_touch_the_control_plane(anon):
    add(anon, action={"type": "error", "status": 500})
    assert anon.get("/_mock/health").status_code == 200
    assert anon.get("/_mock/faults").status_code == 200


def test_bad_rules_are_400_naming_the_field_and_change_nothing(anon):
    bad = add(anon, action={"type": "error", "status": 99})
    assert bad.status_code == 400 and bad.json()["status"] == "INVALID_ARGUMENT"
    assert bad.json()["details"][0]["fieldViolations"][0]["field"] == "action.error.status"
    assert add(anon, operationId="Nope", action={"type": "close"}).status_code == 400
    assert anon.post("/_mock/faults", content=b"[]", headers={"Content-Type": "application/json"}).status_code == 400
    assert anon.get("/_mock/faults").json() == {"faults": []}


def test_delete_one_rule_all_rules_and_reset(client, anon):
    add(anon, action={"type": "error", "status": 500})
    add(anon, action={"type": "error", "status": 503})
    assert anon.delete("/_mock/faults/fault-1").status_code == 200
    assert anon.delete("/_mock/faults/fault-1").status_code == 404
    assert [r["id"] for r in anon.get("/_mock/faults").json()["faults"]] == ["fault-2"]
    assert anon.delete("/_mock/faults").json() == {"status": "deleted", "faults": 1}
    assert client.get(LIST).status_code == 200
    add(anon, action={"type": "error", "status": 500})
    anon.post("/_mock/reset")
    assert anon.get("/_mock/faults").json() == {"faults": []}


def test_a_scenario_brings_its_faults_and_a_reset_keeps_only_start_up_ones(client, anon):
    loaded = anon.post("/_mock/scenarios:load", json={"scenario": {"faults": [
        {"operation_id": "ImportNumberService_ListImportedNumbers", "project_id": "p-faults",
         "action": {"type": "error", "status": 429, "retry_after": 1}}]}})
    assert loaded.status_code == 200 and loaded.json()["faults"] == ["fault-1"]
    assert client.get(LIST).status_code == 429
    bad = anon.post("/_mock/scenarios:load", json={"scenario": {"faults": [{"action": {"type": "nap"}}]}})
    assert bad.status_code == 400 and "faults[0].action" in bad.text
    assert len(anon.get("/_mock/faults").json()["faults"]) == 1


def test_the_same_seed_fails_the_same_calls(anon):
    from starlette.testclient import TestClient

    from mock_server.config import MockConfig
    from mock_server.http.app import create_app
    from tests.conftest import AUTH_HEADERS

    def statuses(seed: int) -> list[int]:
        with TestClient(create_app(MockConfig(seed=seed, background=False)), headers=AUTH_HEADERS) as api:
            api.post("/_mock/faults", json={"probability": 0.5, "action": {"type": "error", "status": 500}})
            return [api.get(LIST).status_code for _ in range(30)]

    assert statuses(21) == statuses(21)
    assert statuses(21) != statuses(22)
    assert set(statuses(21)) == {200, 500}


def test_a_scenario_whose_faults_would_pass_the_bound_is_refused_whole(anon, monkeypatch):
    from mock_server.domain import faults

    monkeypatch.setattr(faults, "MAX_RULES", 2)
    add(anon, action={"type": "error", "status": 500})
    rule = {"action": {"type": "delay", "seconds": 1}}
    refused = anon.post("/_mock/scenarios:load", json={"scenario": {
        "projects": [{"id": "p-bound"}], "faults": [rule, rule]}})
    assert refused.status_code == 400 and "at most 2 fault rules" in refused.text
    assert len(anon.get("/_mock/faults").json()["faults"]) == 1
    assert "p-bound" not in anon.get("/_mock/state").json()["projects"]
