"""Each shipped scenario loads and keeps what its description promises."""

from __future__ import annotations

import base64

import pytest

from mock_server.domain.failure_codes import FAILURE_CODES
from mock_server.domain.settings import Settings


def load(client, name: str) -> dict:
    answer = client.post("/_mock/scenarios:load", json={"name": name})
    assert answer.status_code == 200, answer.text
    return answer.json()


def advance(client, seconds: float) -> None:
    assert client.post("/_mock/clock:advance", json={"seconds": seconds}).status_code == 200


def events(client, project: str) -> list[dict]:
    return [e["payload"] for e in client.get("/_mock/events", params={"projectId": project}).json()["events"]]


def imported(client, project: str, number: str) -> dict:
    answer = client.get(f"/v1/projects/{project}/importedNumbers/{number}")
    assert answer.status_code == 200, answer.text
    return answer.json()


def qualified_state(client, project: str, number: str) -> str:
    return client.get(f"/v1/projects/{project}/qualifiedNumbers/{number}").json()["globalProcessState"]


def order(client, project: str, order_id: str) -> dict:
    return client.get(f"/v1/projects/{project}/hostingOrders/{order_id}").json()


LOA = {"authorisedPerson": {"firstName": "Jane", "lastName": "Doe", "email": "jane@example.com"},
       "address": {"buildingNumber": "1", "street": "Main St", "city": "Seattle", "state": "WA",
                   "postalCode": "98101", "country": "US"},
       "currentVoiceCarrier": "Verizon"}


def test_default_is_the_empty_sandbox(client, app):
    body = load(client, "default")
    assert (body["projects"], body["importedNumbers"], body["hostingOrders"]) == ([], 0, [])
    state = client.get("/_mock/state").json()
    assert state["projects"] == {} and state["jobs"] == [] and state["accessKeys"] == []
    assert app.state.world.settings == Settings()


def test_10dlc_happy_path(client, anon):
    body = load(client, "10dlc-happy-path")
    project = "happy-10dlc"
    key = {"Authorization": "Basic " + base64.b64encode(b"happy-key:happy-secret").decode()}
    assert anon.get(f"/v1/projects/{project}/importedNumbers/+12065552000", headers=key).status_code == 200
    assert anon.get("/v1/projects/elsewhere/importedNumbers/+12065552000", headers=key).status_code == 403
    for number in ("+12065552000", "+12065552001", "+12065552002"):
        got = imported(client, project, number)
        assert got["smsProvisioning"]["state"] == "DONE" and got["campaignProvisioning"]["state"] == "DONE"
        assert got["smsConfiguration"] == {"servicePlanId": "happy-plan", "campaignId": "CHAPPY01",
                                           "migrateToSinchTmo": False}
    assert imported(client, project, "+12065552100")["smsProvisioning"]["state"] == "IN_PROGRESS"
    for number in ("+12025550134", "+12345612345"):
        assert qualified_state(client, project, number) == "GLOBAL_PROCESS_STATE_VERIFIED"

    advance(client, 180)
    for number in ("+12065552100", "+12065552101"):
        got = imported(client, project, number)
        assert got["campaignProvisioning"]["state"] == "DONE"
        assert "scheduledProvisioning" not in got["smsConfiguration"]
    assert all(e["status"] == "SUCCEEDED" for e in events(client, project))
    advance(client, 120)
    in_progress = body["hostingOrders"][0]["hostingOrderId"]
    assert order(client, project, in_progress)["state"] == "COMPLETED"
    assert imported(client, project, "+12065552201")["smsProvisioning"]["state"] == "DONE"

    text_enabled = client.post(f"/v1/projects/{project}/hostingOrders:textEnableNumbers", json={
        "regionCode": "US", "numbers": ["+12025550134", "+12345612345"], "servicePlanId": "happy-plan",
        "campaignId": "CHAPPY01", "directLoaInfo": LOA}).json()
    advance(client, 10 + 60)  # picked up, then the LOA is signed automatically
    assert order(client, project, text_enabled["hostingOrderId"])["state"] == "IN_PROGRESS"
    advance(client, 600)
    assert order(client, project, text_enabled["hostingOrderId"])["state"] == "COMPLETED"
    assert qualified_state(client, project, "+12025550134") == "GLOBAL_PROCESS_STATE_HOSTING_DONE"
    assert all(e["status"] == "SUCCEEDED" for e in events(client, project))
    assert client.get("/_mock/state").json()["settings"]["callbacks"]["order"] == "fifo"


def test_toll_free(client):
    body = load(client, "toll-free")
    project = "toll-free"
    for number in ("+18885552000", "+18775552001"):
        got = imported(client, project, number)
        assert got["smsProvisioning"]["state"] == "DONE" and got["smsConfiguration"]["campaignId"] == ""
    assert qualified_state(client, project, "+18335870229") == "GLOBAL_PROCESS_STATE_VERIFIED"
    waiting = body["hostingOrders"][0]["hostingOrderId"]
    assert order(client, project, waiting)["state"] == "WAITING_FOR_LOA_SIGNATURE"

    advance(client, 600)
    linked = imported(client, project, "+18005552300")
    assert linked["campaignProvisioning"]["errorCode"] == "TFN_NOT_ALLOWED"
    assert {"eventType": "LINK_TO_10DLC_CAMPAIGN", "failureCode": "TFN_NOT_ALLOWED"}.items() <= events(client, project)[-1].items()

    assert client.post(f"/_mock/projects/{project}/hostingOrders/{waiting}:signLoa").status_code == 200
    advance(client, 3 * 86400)  # the Zipwhip provisioning time may move to the next day
    assert order(client, project, waiting)["state"] == "COMPLETED"
    text_enabled = client.post(f"/v1/projects/{project}/qualifiedNumbers:textEnableTollFreeNumbers", json={
        "regionCode": "US", "numbers": ["+18335870229"], "servicePlanId": "tf-plan", "directLoaInfo": LOA})
    assert text_enabled.status_code == 200, text_enabled.text


def test_campaign_failures_has_one_number_per_failure_code(client):
    load(client, "campaign-failures")
    project = "campaign-failures"
    advance(client, 600)
    codes: dict[str, str] = {}
    for index in range(1, 15):
        prefix = "+1844555" if index == 14 else "+1303555"
        number = f"{prefix}30{index:02d}"
        got = imported(client, project, number)
        code = got["smsProvisioning"]["errorCode"] or (got.get("campaignProvisioning") or {}).get("errorCode")
        assert code, f"{number} did not fail"
        codes[code] = number
    osr = [e for e in events(client, project) if e["eventType"] == "OSR_UPDATE"]
    assert [(e["resourceId"], e["status"], e["failureCode"]) for e in osr] == [
        ("+13035553015", "FAILED", "INVALID_NNID")]
    codes["INVALID_NNID"] = "+13035553015"
    assert sorted(codes) == sorted(FAILURE_CODES)
    campaign_failures = {e["failureCode"] for e in events(client, project) if e["eventType"] == "LINK_TO_10DLC_CAMPAIGN"}
    assert "CAMPAIGN_MNO_SUSPENDED" in campaign_failures and "CAMPAIGN_MNO_REVIEW" in campaign_failures


def test_loa_declined(client):
    body = load(client, "loa-declined")
    project = "loa-declined"
    rejected, waiting = (o["hostingOrderId"] for o in body["hostingOrders"])
    assert order(client, project, rejected)["state"] == "REJECTED"
    assert qualified_state(client, project, "+14155552001") == "GLOBAL_PROCESS_STATE_VERIFIED"
    assert order(client, project, waiting)["state"] == "WAITING_FOR_LOA_SIGNATURE"
    assert order(client, project, waiting)["textEnableInfo"]["loaType"] == "Reseller"
    advance(client, 86400)
    assert order(client, project, waiting)["state"] == "WAITING_FOR_LOA_SIGNATURE", "never signed automatically"
    declined = client.post(f"/_mock/projects/{project}/hostingOrders/{waiting}:declineLoa")
    assert declined.json()["state"] == "REJECTED"
    assert qualified_state(client, project, "+14155552002") == "GLOBAL_PROCESS_STATE_VERIFIED"


def test_voice_challenge_lockout(client):
    load(client, "voice-challenge-lockout")
    project, base = "voice-lockout", "/v1/projects/voice-lockout/qualifiedNumbers"
    assert qualified_state(client, project, "+16175552001") == "GLOBAL_PROCESS_STATE_VERIFICATION_BLOCKED"
    challenge = client.get(f"/_mock/projects/{project}/qualifiedNumbers/+16175552002/voiceChallenge").json()
    assert challenge["attemptsLeft"] == 2
    wrong = f"{(int(challenge['code']) + 1) % 10000:04d}"
    first = client.post(f"{base}/+16175552002:verifyVoiceChallenge", json={"code": wrong})
    assert first.status_code == 400 and "1 attempt(s) left" in first.json()["message"]
    second = client.post(f"{base}/+16175552002:verifyVoiceChallenge", json={"code": wrong})
    assert "is now blocked" in second.json()["message"]
    assert qualified_state(client, project, "+16175552002") == "GLOBAL_PROCESS_STATE_VERIFICATION_BLOCKED"

    assert qualified_state(client, project, "+16175552003") == "GLOBAL_PROCESS_STATE_ELIGIBLE"
    assert client.post(f"{base}/+16175552003:sendVoiceChallenge").status_code == 200
    code = client.get(f"/_mock/projects/{project}/qualifiedNumbers/+16175552003/voiceChallenge").json()["code"]
    verified = client.post(f"{base}/+16175552003:verifyVoiceChallenge", json={"code": code})
    assert verified.json()["globalProcessState"] == "GLOBAL_PROCESS_STATE_VERIFIED"

    assert qualified_state(client, project, "+16175552004") == "GLOBAL_PROCESS_STATE_VERIFICATION_PENDING"
    advance(client, 300)
    assert qualified_state(client, project, "+16175552004") == "GLOBAL_PROCESS_STATE_VERIFICATION_FAILED"


def test_large_inventory_holds_ten_thousand_numbers_in_several_projects(client, app):
    body = load(client, "large-inventory")
    assert body["importedNumbers"] >= 10_000 and len(body["projects"]) >= 3
    projects = app.state.world.projects
    counts = {p: len(projects[p].imported_numbers) for p in body["projects"]}
    assert counts == {"inventory-east": 3000, "inventory-west": 3000, "inventory-central": 2500,
                      "inventory-canada": 2000}
    page = client.get("/v1/projects/inventory-canada/importedNumbers", params={
        "servicePlanId": "ca-plan", "campaignId": "", "regionCode": "CA", "pageSize": 1000}).json()
    assert len(page["importedNumbers"]) == 1000 and page["nextPageToken"]
    assert imported(client, "inventory-east", "+12125553999")["smsConfiguration"]["campaignId"] == "CEAST001"
    assert client.get("/v1/projects/inventory-east/importedNumbers/+12125554000").status_code == 404
    assert client.get("/_mock/state").json()["jobs"] == [], "all provisioned: nothing pending"


@pytest.mark.parametrize("later", ["loa-declined", "toll-free"])
def test_scenarios_promising_manual_signature_keep_it_after_one_that_signs_automatically(client, later):
    assert client.post("/_mock/scenarios:load", json={"name": "10dlc-happy-path"}).status_code == 200
    assert client.post("/_mock/scenarios:load", json={"name": later}).status_code == 200
    assert client.get("/_mock/state").json()["settings"]["timings"]["loa_auto_sign"] is None
