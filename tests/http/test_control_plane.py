"""Every control-plane call of the contract, through the app, as docs/control-plane.md shows it."""

from __future__ import annotations

import re
from pathlib import Path

from starlette.routing import Route

from mock_server.http.app import build_routes

DOC = Path(__file__).resolve().parents[2] / "docs" / "control-plane.md"
NUMBER = "+12025550134"


def import_number(client, project: str, number: str = NUMBER, callback_url: str | None = None):
    body = {"phoneNumber": number, "regionCode": "US", "smsConfiguration": {"servicePlanId": "plan"}}
    if callback_url:
        body["callbackUrl"] = callback_url
    answer = client.post(f"/v1/projects/{project}/importedNumbers", json=body)
    assert answer.status_code == 200, answer.text


def test_health(anon):
    assert anon.get("/_mock/health").json() == {"status": "ok"}


def test_the_clock_calls(anon):
    assert anon.get("/_mock/clock").json() == {"now": "2026-01-05T09:00:00.000Z", "frozen": True}
    assert anon.post("/_mock/clock:advance", json={"seconds": 90}).json()["now"] == "2026-01-05T09:01:30.000Z"
    assert anon.post("/_mock/clock:set", json={"now": "2026-01-06T00:00:00Z"}).json()["now"] == "2026-01-06T00:00:00.000Z"
    assert anon.post("/_mock/clock:resume").json()["frozen"] is False
    assert anon.post("/_mock/clock:freeze").json()["frozen"] is True
    backwards = anon.post("/_mock/clock:set", json={"now": "2026-01-01T00:00:00Z"})
    assert backwards.status_code == 400 and backwards.json()["status"] == "INVALID_ARGUMENT"


def test_advance_carries_out_every_transition_before_it_returns(client):
    import_number(client, "p")
    client.post("/_mock/clock:advance", json={"seconds": 600})
    number = client.get(f"/v1/projects/p/importedNumbers/{NUMBER}").json()
    assert number["smsProvisioning"]["state"] == "DONE"


def test_events_and_requests_filter_by_project(client):
    import_number(client, "p1", callback_url="http://127.0.0.1:9/cb")
    import_number(client, "p2", number="+12025550135")
    client.post("/_mock/clock:advance", json={"seconds": 600})
    everything = client.get("/_mock/events").json()["events"]
    only_p2 = client.get("/_mock/events", params={"projectId": "p2"}).json()["events"]
    assert {e["projectId"] for e in everything} == {"p1", "p2"}
    assert only_p2 and {e["projectId"] for e in only_p2} == {"p2"}
    assert only_p2[0]["state"] == "no_destination" and only_p2[0]["destination"] is None
    first = [e for e in everything if e["projectId"] == "p1"][0]
    assert set(first) >= {"payload", "destination", "signature", "state", "attempts"}
    assert first["attempts"] and {"time", "statusCode", "error"} <= set(first["attempts"][0])
    requests = client.get("/_mock/requests", params={"projectId": "p1"}).json()["requests"]
    assert [(r["method"], r["path"], r["status"]) for r in requests] == [
        ("POST", "/v1/projects/p1/importedNumbers", 200)]
    assert {"time"} <= set(requests[0])


def test_voice_challenge_and_invoices(client):
    client.post("/v1/projects/p/qualifiedNumbers:addNumbers", json={"phoneNumbers": [NUMBER, "+12025550135"]})
    client.post("/_mock/clock:advance", json={"seconds": 60})
    base = "/_mock/projects/p/qualifiedNumbers"
    assert client.get(f"{base}/{NUMBER}/voiceChallenge").status_code == 404
    client.post(f"/v1/projects/p/qualifiedNumbers/{NUMBER}:sendVoiceChallenge")
    challenge = client.get(f"{base}/%2B12025550134/voiceChallenge").json()
    assert set(challenge) >= {"code", "expiresAt", "attemptsLeft"}
    assert client.post(f"{base}/{NUMBER}:approveInvoices").json()["globalProcessState"] == \
        "GLOBAL_PROCESS_STATE_VERIFIED"
    assert client.post(f"{base}/+12025550135:rejectInvoices").json()["globalProcessState"] == \
        "GLOBAL_PROCESS_STATE_VERIFICATION_FAILED"


def test_sign_and_decline_loa(client):
    orders = client.post("/_mock/scenarios:load", json={"scenario": {"projects": [{"id": "p", "hosting_orders": [
        {"type": "text_enable", "number": "+12065552000", "service_plan": "s", "campaign": "c",
         "state": "waiting_for_loa_signature"},
        {"type": "text_enable", "number": "+12065552001", "service_plan": "s", "campaign": "c",
         "state": "waiting_for_loa_signature"}]}]}}).json()["hostingOrders"]
    first, second = (o["hostingOrderId"] for o in orders)
    assert client.post(f"/_mock/projects/p/hostingOrders/{first}:signLoa").json()["state"] == "IN_PROGRESS"
    assert client.post(f"/_mock/projects/p/hostingOrders/{second}:declineLoa").json()["state"] == "REJECTED"
    missing = client.post("/_mock/projects/p/hostingOrders/nope:signLoa")
    assert missing.status_code == 404 and set(missing.json()) >= {"code", "message", "status"}


def test_reset_drops_everything_but_keeps_the_configuration(client, app):
    import_number(client, "p")
    client.post("/_mock/clock:advance", json={"seconds": 600})
    assert client.post("/_mock/reset").status_code == 200
    state = client.get("/_mock/state").json()
    assert (state["projects"], state["events"], state["journal"], state["jobs"]) == ({}, [], [], [])
    assert client.get(f"/v1/projects/p/importedNumbers/{NUMBER}").status_code == 404  # the key still works


def control_paths() -> set[str]:
    return {re.sub(r"\{(\w+):\w+\}", r"{\1}", route.path)  # {phoneNumber:e164} is {phoneNumber} in the docs
            for route in build_routes() if isinstance(route, Route) and route.path.startswith("/_mock")}


def test_every_control_call_is_documented_with_a_curl_example():
    text = DOC.read_text()
    examples = "\n".join(re.findall(r"```sh\n(.*?)```", text, flags=re.S))
    for path in sorted(control_paths()):
        assert path in text, f"{path} is not described in docs/control-plane.md"
        literal_parts = re.split(r"\{\w+\}", path)
        pattern = r"[^\s'\"?]+".join(re.escape(part) for part in literal_parts) + r"(?![\w:/])"
        assert re.search(pattern, examples), f"no curl example calls {path}"
