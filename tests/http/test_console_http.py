"""The sandbox console's server side, in-process: the page, its read views (the API's own
serializers, paged), the signature check, the change notices and the stream bound."""

from __future__ import annotations

import pytest

from mock_server.cli import build_parser, config_from_args
from mock_server.config import MockConfig
from mock_server.console.notices import ChangeNotices
from mock_server.console.stream import StreamGate
from mock_server.core.errors import ApiError
from mock_server.delivery.signing import body_bytes, sign
from tests.engine_support import advance

UI = "/_mock/ui/api"


def load(client, scenario: dict) -> dict:
    answer = client.post("/_mock/scenarios:load", json={"scenario": scenario})
    assert answer.status_code == 200, answer.text
    return answer.json()


def import_number(client, project: str, phone: str, **extra) -> None:
    answer = client.post(f"/v1/projects/{project}/importedNumbers", json={
        "phoneNumber": phone, "regionCode": "US", "smsConfiguration": {"servicePlanId": "plan"}, **extra})
    assert answer.status_code == 200, answer.text


# --- the page ---------------------------------------------------------------------------------------
def test_the_page_is_served_at_the_root_and_under_the_control_plane(anon):
    for path in ("/", "/_mock/ui/"):
        page = anon.get(path)
        assert page.status_code == 200
        assert page.headers["content-type"].startswith("text/html")
        assert "script-src 'self'" in page.headers["content-security-policy"]
        assert '<script type="module" src="/_mock/ui/static/js/main.js">' in page.text
        assert 'content="sandbox-key-id"' in page.text  # the sandbox key, changeable on the page
    moved = anon.get("/_mock/ui", follow_redirects=False)
    assert moved.status_code == 308 and moved.headers["location"] == "/_mock/ui/"
    script = anon.get("/_mock/ui/static/js/main.js")
    assert script.status_code == 200 and "javascript" in script.headers["content-type"]
    assert anon.get("/_mock/ui/static/../pages.py").status_code == 404
    assert anon.get("/_mock/ui/static/index.html").status_code == 404  # the page is served only as the page


def test_only_the_page_and_its_files_are_public_under_a_control_token():
    from mock_server.console import is_public

    assert all(is_public(p) for p in ("/", "/_mock/ui", "/_mock/ui/", "/_mock/ui/static/js/main.js"))
    assert not any(is_public(p) for p in ("/_mock/ui/stream", "/_mock/ui/api/overview", "/_mock/state", "/v1/x"))


# --- read views -------------------------------------------------------------------------------------
def test_overview_counts_states_per_project_and_names_what_falls_due(client):
    import_number(client, "p1", "+12025550134")
    import_number(client, "p1", "+12025550135")
    client.post("/v1/projects/p2/qualifiedNumbers:addNumbers", json={"phoneNumbers": ["+12025550150"]})
    body = client.get(f"{UI}/overview").json()
    assert body["clock"] == {"now": "2026-01-05T09:00:00.000Z", "frozen": True}
    projects = {p["projectId"]: p for p in body["projects"]}
    assert projects["p1"]["importedNumbers"] == {"IN_PROGRESS": 2}
    assert projects["p2"]["qualifiedNumbers"] == {"GLOBAL_PROCESS_STATE_ELIGIBLE_CHECK_PENDING": 1}
    assert body["nextDue"]["projectId"] in ("p1", "p2") and body["nextDue"]["at"] > body["clock"]["now"]
    client.post("/_mock/clock:advance", json={"seconds": 86400})
    later = client.get(f"{UI}/overview").json()
    assert {p["projectId"]: p for p in later["projects"]}["p1"]["importedNumbers"] == {"DONE": 2}
    # The invoice review of p2's number ends by itself days later (docs/qualified-numbers.md).
    assert later["nextDue"]["projectId"] == "p2" and later["nextDue"]["what"] == "qualified_number.invoice_review"
    client.post("/_mock/clock:advance", json={"seconds": 3 * 86400})
    assert client.get(f"{UI}/overview").json()["nextDue"] is None


def test_overview_names_the_project_of_a_due_callback_attempt(client):
    import_number(client, "p7", "+12025550134", callbackUrl="https://receiver.example/hook")  # fails, retried
    client.post("/_mock/clock:advance", json={"seconds": 31})  # provisioned at 30 s: the first attempt fails
    events = client.get("/_mock/events").json()["events"]
    assert events and events[0]["state"] == "pending" and events[0]["attempts"]  # a retry is due
    due = client.get(f"{UI}/overview").json()["nextDue"]
    assert due["what"] == "callback delivery attempt" and due["projectId"] == "p7"
    assert due["at"] == events[0]["nextAttemptAt"]


def test_resources_are_rendered_exactly_as_the_api_answers_them(client):
    load(client, {"projects": [{"id": "fid", "imported_numbers": [
        {"numbers": ["+12065552000"], "service_plan": "plan", "state": "provisioned"}],
        "qualified_numbers": [{"numbers": ["+12025550134"], "state": "verified"}]}]})
    client.post("/v1/projects/fid/qualifiedNumbers:addNumbers", json={"phoneNumbers": ["+12025550160"]})
    client.post("/_mock/clock:advance", json={"seconds": 60})
    client.post("/v1/projects/fid/qualifiedNumbers/%2B12025550160:sendVoiceChallenge")
    order = client.post("/v1/projects/fid/hostingOrders:importNumbers", json={
        "regionCode": "US", "numbers": ["+12025550170"], "servicePlanId": "plan"}).json()

    imported = client.get(f"{UI}/projects/fid/importedNumbers").json()["importedNumbers"][0]
    assert imported == client.get("/v1/projects/fid/importedNumbers/%2B12065552000").json()

    qualified = {n["phoneNumber"]: n for n in client.get(f"{UI}/projects/fid/qualifiedNumbers").json()["qualifiedNumbers"]}
    challenged = qualified.pop("+12025550160")
    assert challenged.pop("voiceChallenge") == client.get(
        "/_mock/projects/fid/qualifiedNumbers/%2B12025550160/voiceChallenge").json()
    assert challenged == client.get("/v1/projects/fid/qualifiedNumbers/%2B12025550160").json()
    assert qualified["+12025550134"].pop("voiceChallenge") is None

    entry = client.get(f"{UI}/projects/fid/hostingOrders").json()["hostingOrders"][0]
    base = f"/v1/projects/fid/hostingOrders/{order['hostingOrderId']}"
    assert entry["hostingOrder"] == client.get(base).json()
    assert entry["report"] == client.get(f"{base}/report").json()
    assert entry["numbers"][0]["number"] == client.get(f"{base}/numbers/%2B12025550170").json()
    assert [s["step"] for s in entry["numbers"][0]["timeline"]] == [
        "osrUpdate", "platformProvisioning", "campaignProvisioning", "smsAtt", "smsTmo", "mmsAtt", "mmsTmo"]
    assert entry["loa"] is None and entry["numbersTotal"] == 1


def test_lists_are_paged_filtered_and_bounded(client):
    load(client, {"projects": [{"id": "big", "imported_numbers": [
        {"range": {"start": "+12125550000", "count": 1000}, "service_plan": "plan"}]}]})
    first = client.get(f"{UI}/projects/big/importedNumbers").json()
    assert len(first["importedNumbers"]) == 25 and first["totalSize"] == 1000 and first["nextPageToken"]
    second = client.get(f"{UI}/projects/big/importedNumbers", params={"pageToken": first["nextPageToken"]}).json()
    assert not {n["phoneNumber"] for n in first["importedNumbers"]} & {n["phoneNumber"] for n in second["importedNumbers"]}
    assert len(client.get(f"{UI}/projects/big/importedNumbers", params={"pageSize": 5000}).json()["importedNumbers"]) == 100
    assert len(client.get(f"{UI}/projects/big/importedNumbers", params={"pageSize": 0}).json()["importedNumbers"]) == 25
    assert len(client.get(f"{UI}/projects/big/importedNumbers", params={"pageSize": 7}).json()["importedNumbers"]) == 7
    assert client.get(f"{UI}/projects/big/importedNumbers", params={"pageSize": "x"}).status_code == 400
    found = client.get(f"{UI}/projects/big/importedNumbers", params={"q": "5550999"}).json()
    assert [n["phoneNumber"] for n in found["importedNumbers"]] == ["+12125550999"]
    assert client.get(f"{UI}/projects/big/importedNumbers", params={"state": "DONE"}).json()["totalSize"] == 1000
    assert client.get(f"{UI}/projects/big/importedNumbers", params={"state": "IN_PROGRESS"}).json()["totalSize"] == 0
    bad = client.get(f"{UI}/projects/big/importedNumbers", params={"state": "SHINY"})
    assert bad.status_code == 400 and bad.json()["details"][0]["fieldViolations"][0]["field"] == "state"
    assert client.get(f"{UI}/projects/big/importedNumbers", params={"q": "1" * 17}).status_code == 400
    # A project with no state reads as empty, and reading does not create it.
    assert client.get(f"{UI}/projects/nobody/events").json() == {"events": [], "nextPageToken": "", "totalSize": 0}
    assert "nobody" not in {p["projectId"] for p in client.get(f"{UI}/overview").json()["projects"]}


def test_the_ledger_is_newest_first_with_exact_bodies_and_a_signature_check(client):
    client.patch("/v1/projects/cb/callbackConfiguration", json={"hmacSecret": "topsecret"})
    import_number(client, "cb", "+12025550134", callbackUrl="http://127.0.0.1:9/unreachable")
    client.post("/_mock/clock:advance", json={"seconds": 600})
    events = client.get(f"{UI}/projects/cb/events").json()["events"]
    assert events and [e["seq"] for e in events] == sorted((e["seq"] for e in events), reverse=True)
    event = events[0]
    assert event["body"].encode() == body_bytes(event["payload"])
    assert event["signature"] == sign("topsecret", event["body"].encode())
    good = client.post(f"{UI}/signature:check", json={"eventId": event["eventId"], "secret": "topsecret"}).json()
    assert good["valid"] is True and good["expected"] == event["signature"]
    bad = client.post(f"{UI}/signature:check", json={"eventId": event["eventId"], "secret": "other"}).json()
    assert bad["valid"] is False and bad["expected"] != bad["sent"]
    assert client.post(f"{UI}/signature:check", json={"eventId": "nope", "secret": "x"}).status_code == 404
    assert client.post(f"{UI}/signature:check", json={"eventId": event["eventId"]}).status_code == 400
    too_long = client.post(f"{UI}/signature:check", json={"eventId": event["eventId"], "secret": "s" * 1025})
    assert too_long.status_code == 400 and too_long.json()["details"][0]["fieldViolations"][0]["field"] == "secret"


def test_the_request_journal_is_paged_newest_first(client):
    for last in range(30, 33):
        client.get(f"/v1/projects/j/importedNumbers/%2B120255501{last}")
    journal = client.get(f"{UI}/projects/j/requests", params={"pageSize": 2}).json()
    assert [r["path"] for r in journal["requests"]] == [
        "/v1/projects/j/importedNumbers/+12025550132", "/v1/projects/j/importedNumbers/+12025550131"]
    assert journal["totalSize"] == 3 and journal["nextPageToken"]


# --- change notices ---------------------------------------------------------------------------------
def test_the_revision_moves_on_writes_jobs_and_deliveries_but_not_on_reads(app, client):
    notices: ChangeNotices = app.state.console_notices
    start = notices.revision()
    client.get(f"{UI}/overview")
    client.get("/v1/projects/r/importedNumbers/%2B12025550134")
    assert notices.revision() == start
    import_number(client, "r", "+12025550134")
    after_write = notices.revision()
    assert after_write[0] == start[0] + 1
    world = app.state.world
    advance(world, 600)  # jobs run without any request: the scheduler's count moves
    assert notices.revision()[1] > after_write[1]
    before_event = notices.revision()[2]
    world.events.touch()
    assert notices.revision()[2] == before_event + 1


def test_a_callback_a_sink_receives_moves_the_revision(app, client):
    notices: ChangeNotices = app.state.console_notices
    start = notices.revision()
    client.get("/_mock/sink/mine")
    assert notices.revision() == start
    assert client.post("/_mock/sink/mine", json={"eventId": "e1"}).status_code == 200
    assert notices.revision() != start  # the sink view of the console is read again


def test_the_stream_gate_refuses_one_stream_more_than_its_limit():
    gate = StreamGate(2)
    gate.enter()
    gate.enter()
    with pytest.raises(ApiError) as refused:
        gate.enter()
    assert refused.value.http_status == 429 and "--ui-max-streams" in refused.value.message
    gate.leave()
    gate.enter()
    assert gate.open == 2


def test_the_stream_limit_is_set_by_flag_or_environment():
    assert MockConfig().ui_max_streams == 16
    assert MockConfig.from_env({"SINCH_MOCK_UI_MAX_STREAMS": "3"}).ui_max_streams == 3
    with pytest.raises(ValueError, match="SINCH_MOCK_UI_MAX_STREAMS"):
        MockConfig.from_env({"SINCH_MOCK_UI_MAX_STREAMS": "0"})
    args = build_parser().parse_args(["serve", "--ui-max-streams", "5"])
    assert config_from_args(args, {}).ui_max_streams == 5
    with pytest.raises(SystemExit):
        build_parser().parse_args(["serve", "--ui-max-streams", "100000"])
