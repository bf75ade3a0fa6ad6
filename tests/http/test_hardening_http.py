"""Issue 10, input side: bad input writes nothing and never answers 500; bodies, tokens, the
ledger and the journal stay bounded; a key bound to a project reaches that project only."""

from __future__ import annotations

import base64
import threading

import pytest
from starlette.testclient import TestClient

from mock_server.config import AccessKey, MockConfig
from mock_server.core.clock import Clock
from mock_server.domain.events import EventType, ResourceType
from mock_server.domain.world import JOURNAL_LIMIT
from mock_server.http.app import create_app
from tests.conftest import AUTH_HEADERS, START

P = "/v1/projects/p"
NUMBER = "+12025550134"
LIST = {"servicePlanId": "plan", "campaignId": "camp"}  # the imported-numbers list needs both filters
IMPORT_BODY = {"phoneNumber": NUMBER, "regionCode": "US", "smsConfiguration": {"servicePlanId": "plan"}}

# Every route that reads a JSON body, with a body it would accept.
JSON_ENDPOINTS = [
    ("POST", f"{P}/importedNumbers"),
    ("PATCH", f"{P}/importedNumbers/{NUMBER}"),
    ("POST", f"{P}/qualifiedNumbers:addNumbers"),
    ("POST", f"{P}/qualifiedNumbers/{NUMBER}:sendVoiceChallenge"),
    ("POST", f"{P}/qualifiedNumbers/{NUMBER}:verifyVoiceChallenge"),
    ("POST", f"{P}/hostingOrders:importNumbers"),
    ("POST", f"{P}/hostingOrders:textEnableNumbers"),
    ("POST", f"{P}/hostingOrders:textEnableTollFreeNumbers"),
    ("POST", f"{P}/qualifiedNumbers:textEnableNumbers"),
    ("POST", f"{P}/qualifiedNumbers:textEnableTollFreeNumbers"),
    ("PATCH", f"{P}/callbackConfiguration"),
    ("POST", "/_mock/clock:advance"),
    ("POST", "/_mock/clock:set"),
    ("POST", "/_mock/scenarios:load"),
    ("PUT", "/_mock/state"),
]

HOSTILE_BODIES = {
    "1,000 levels deep": b"[" * 1000 + b"]" * 1000,
    "1,000 objects deep": b'{"a":' * 1000 + b"1" + b"}" * 1000,
    "an integer of 5,000 digits": b'{"seconds": ' + b"9" * 5000 + b"}",
    "an integer of 50 digits": b'{"seconds": ' + b"9" * 50 + b"}",
    "a number too large for a float": b'{"seconds": 1e400}',
    "Infinity": b'{"seconds": Infinity}',
    "a lone surrogate": b'{"displayName": "\\ud800", "hmacSecret": "\\udc00"}',
}


def basic(key_id: str, secret: str) -> dict[str, str]:
    return {"Authorization": "Basic " + base64.b64encode(f"{key_id}:{secret}".encode()).decode()}


def mock(**config) -> TestClient:
    config.setdefault("seed", 1234)
    return TestClient(create_app(MockConfig(background=False, **config), clock=Clock(start=START, frozen=True)),
                      headers=AUTH_HEADERS)


def state_of(client) -> dict:
    """The whole state but the request journal (which records the refused calls too)."""
    document = client.get("/_mock/state").json()
    document.pop("journal")
    return document


def assert_api_error(response, status: int) -> dict:
    assert response.status_code == status, response.text
    body = response.json()
    error = body.get("error", body)  # callbackConfiguration wraps its errors (errata E-CB-1)
    assert error["status"] == "INVALID_ARGUMENT" and error["message"]
    return error


# --- bad input writes nothing and never answers 500 ---------------------------------------------------
@pytest.mark.parametrize("method, path", JSON_ENDPOINTS)
@pytest.mark.parametrize("kind", HOSTILE_BODIES)
def test_hostile_json_is_400_on_every_json_endpoint_and_changes_nothing(client, method, path, kind):
    before = state_of(client)
    answer = client.request(method, path, content=HOSTILE_BODIES[kind], headers={"Content-Type": "application/json"})
    error = assert_api_error(answer, 400)
    assert "not valid JSON" in error["message"]
    assert state_of(client) == before
    assert client.get("/_mock/health").status_code == 200


def test_a_lone_surrogate_in_a_display_name_stores_nothing(client):
    body = dict(IMPORT_BODY, displayName="x\ud800")
    import json

    raw = json.dumps(body).encode()  # json.dumps writes the surrogate as the escape \ud800
    assert b"\\ud800" in raw
    assert_api_error(client.post(f"{P}/importedNumbers", content=raw, headers={"Content-Type": "application/json"}), 400)
    assert client.get(f"{P}/importedNumbers/{NUMBER}").status_code == 404
    assert client.get(f"{P}/importedNumbers", params=LIST).status_code == 200
    assert client.get("/_mock/state").json()["projects"] == {}


def test_a_lone_surrogate_in_an_hmac_secret_is_refused(client):
    answer = client.patch(f"{P}/callbackConfiguration", content=b'{"hmacSecret": "s\\udfffs"}',
                          headers={"Content-Type": "application/json"})
    assert_api_error(answer, 400)
    assert "hmacSecret" not in client.get(f"{P}/callbackConfiguration").json()


def test_a_lone_surrogate_in_an_inline_scenario_is_refused(client):
    raw = ('{"scenario": {"projects": [{"id": "p", "imported_numbers": [{"number": "%s", "service_plan": "plan", '
           '"display_name": "\\ud800"}]}]}}' % NUMBER).encode()
    answer = client.post("/_mock/scenarios:load", content=raw, headers={"Content-Type": "application/json"})
    assert_api_error(answer, 400)
    assert client.get("/_mock/state").json()["projects"] == {}


@pytest.mark.parametrize("settings, field", [
    ({"timings": {"sms_provisioning": 1e12}}, "timings.sms_provisioning"),
    ({"timings": {"loa_auto_sign": 1e12}}, "timings.loa_auto_sign"),
    ({"callbacks": {"initial_backoff": 1e300}}, "callbacks.initial_backoff"),
    ({"callbacks": {"timeout": 1e300}}, "callbacks.timeout"),
    ({"callbacks": {"max_attempts": 1000}}, "callbacks.max_attempts"),
    ({"callbacks": {"concurrency": 10**9}}, "callbacks.concurrency"),
    ({"limits": {"qualify_batch_numbers": 10**9}}, "limits.qualify_batch_numbers"),
    ({"limits": {"ledger_events": 10**9}}, "limits.ledger_events"),
    ({"callbacks": {"max_attempts": 20, "initial_backoff": 3600}}, "callbacks"),
])
def test_a_scenario_setting_beyond_its_bound_is_refused_before_anything_changes(client, settings, field):
    before = state_of(client)
    answer = client.post("/_mock/scenarios:load", json={"scenario": {**settings, "projects": [{"id": "p"}]}})
    error = assert_api_error(answer, 400)
    assert [v["field"] for v in error["details"][0]["fieldViolations"]] == [field]
    assert state_of(client) == before
    assert client.post(f"{P}/importedNumbers", json=IMPORT_BODY).status_code == 200


def _state_with(client, change) -> tuple[dict, dict]:
    client.post(f"{P}/importedNumbers", json=IMPORT_BODY)
    document = client.get("/_mock/state").json()
    document["journal"] = []
    before = state_of(client)
    change(document)
    return document, before


@pytest.mark.parametrize("change, field", [
    (lambda d: d["clock"].update(now="9999-12-31T00:00:00+00:00"), "clock.now"),
    (lambda d: d["clock"].update(now="1900-01-01T00:00:00+00:00"), "clock.now"),
    (lambda d: d["clock"].update(now="yesterday"), "clock.now"),
    (lambda d: d["settings"]["timings"].update(sms_provisioning=1e12), "settings.timings.sms_provisioning"),
    (lambda d: d["settings"]["callbacks"].update(initial_backoff=1e300), "settings.callbacks.initial_backoff"),
    (lambda d: d["settings"]["callbacks"].update(timeout=1e300), "settings.callbacks.timeout"),
    (lambda d: d["journal"].append({"method": "GET", "path": "/v1/projects/p/importedNumbers", "query": "",
                                    "status": 200, "time": "2026-01-05T09:00:00.000Z"}), "journal[0].projectId"),
    (lambda d: d["journal"].append({"method": "GET"}), "journal[0].path"),
    (lambda d: d["rng"].update(state=[3, [1, 2, 3], None]), "rng.state"),
    (lambda d: d["rng"].update(state=[3, [2**40] * 625, None]), "rng.state"),
    (lambda d: d["rng"].update(state=[3, [0] * 624 + [625], None]), "rng.state"),
    (lambda d: d["rng"].update(seed=-1), "rng.seed"),
])
def test_a_state_document_out_of_bounds_is_refused_completely_before_anything_changes(client, change, field):
    document, before = _state_with(client, change)
    error = assert_api_error(client.put("/_mock/state", json=document), 400)
    assert field in [v["field"] for v in error["details"][0]["fieldViolations"]]
    assert state_of(client) == before
    assert client.post(f"{P}/importedNumbers", json=dict(IMPORT_BODY, phoneNumber="+12025550135")).status_code == 200
    assert client.get(f"{P}/importedNumbers", params=LIST).status_code == 200
    assert client.get("/_mock/requests?projectId=p").status_code == 200


def test_settings_from_the_environment_are_bounded_too():
    with pytest.raises(ValueError, match="SINCH_MOCK_CALLBACK_TIMEOUT"):
        MockConfig.from_env({"SINCH_MOCK_CALLBACK_TIMEOUT": "1e300"})
    with pytest.raises(ValueError, match="more than a year"):
        MockConfig.from_env({"SINCH_MOCK_CALLBACK_INITIAL_BACKOFF": "3600", "SINCH_MOCK_CALLBACK_MAX_ATTEMPTS": "20"})


# --- bodies are bounded while they are read -------------------------------------------------------------
def test_a_chunked_body_over_the_bound_is_413(client):
    # In-process the test client hands the app the whole body; tests/e2e/test_hardening_e2e.py
    # checks over a socket that the mock stops reading at the bound.
    def chunks():
        for _ in range(3):
            yield b" " * (1024 * 1024)

    answer = client.post("/_mock/clock:advance", content=chunks(), headers={"Content-Type": "application/json"})
    assert "content-length" not in answer.request.headers
    assert_api_error(answer, 413)


def test_the_token_endpoint_bounds_its_body(anon):
    answer = anon.post("/oauth2/token", content=b"grant_type=client_credentials&x=" + b"a" * (64 * 1024),
                       headers={**basic("sandbox-key-id", "sandbox-key-secret"),
                                "Content-Type": "application/x-www-form-urlencoded"})
    assert answer.status_code == 413
    assert answer.json()["error"] == "invalid_request"


def test_a_request_with_content_length_and_transfer_encoding_is_400(app):
    from starlette.testclient import TestClient

    with TestClient(app) as raw:
        answer = raw.post("/_mock/clock:advance", content=b'{"seconds": 1}',
                          headers={"Content-Type": "application/json", "Transfer-Encoding": "chunked",
                                   "Content-Length": "14"})
    assert_api_error(answer, 400)
    assert answer.headers["connection"] == "close"


def test_the_large_inventory_state_round_trips(client):
    assert client.post("/_mock/scenarios:load", json={"name": "large-inventory"}).status_code == 200
    exported = client.get("/_mock/state")
    assert len(exported.content) > 1024 * 1024  # over the bound of ordinary bodies
    client.post("/_mock/reset")
    answer = client.put("/_mock/state", content=exported.content, headers={"Content-Type": "application/json"})
    assert answer.status_code == 200, answer.text[:300]
    assert client.get("/_mock/state").content == exported.content


def test_a_state_document_over_its_bound_is_413(client, monkeypatch):
    from mock_server.http import state

    monkeypatch.setattr(state, "MAX_STATE_BYTES", 1000)
    assert_api_error(client.put("/_mock/state", content=b" " * 1001, headers={"Content-Type": "application/json"}), 413)


# --- authentication means what it says -------------------------------------------------------------------
@pytest.mark.parametrize("path", [
    "/v1/projects/alpha:beta/importedNumbers",
    "/v1/projects/alpha:x/callbackConfiguration",
    "/v1/projects/alpha%3Abeta/importedNumbers",
    "/v1/projects/alpha%3Abeta/callbackConfiguration",
    "/v1/projects/alpha:/qualifiedNumbers",
])
def test_a_key_bound_to_a_project_reaches_exactly_that_project(path):
    key = basic("alpha-key", "alpha-secret")
    with mock(access_keys=[AccessKey("alpha-key", "alpha-secret", "alpha")]) as client:
        assert client.get("/v1/projects/alpha/importedNumbers", params=LIST, headers=key).status_code == 200
        assert client.get(path, params=LIST, headers=key).status_code == 403
        assert client.patch(path, json={"hmacSecret": "stolen"}, headers=key).status_code in (403, 405)
        token = client.post("/oauth2/token", data={"grant_type": "client_credentials"}, headers=key).json()
        assert client.get(path, headers={"Authorization": f"Bearer {token['access_token']}"}).status_code == 403
        assert client.get("/_mock/state").json()["projects"] == {}


def test_secrets_are_compared_in_constant_time(anon, monkeypatch):
    from mock_server.http import auth

    calls = []
    real = auth.hmac.compare_digest
    monkeypatch.setattr(auth.hmac, "compare_digest", lambda a, b: calls.append((a, b)) or real(a, b))
    assert anon.get(f"{P}/importedNumbers", headers=basic("sandbox-key-id", "wrong")).status_code == 401
    assert anon.post("/oauth2/token", data={"grant_type": "client_credentials", "client_id": "sandbox-key-id",
                                            "client_secret": "sandbox-key-secret"}).status_code == 200
    assert (b"wrong", b"sandbox-key-secret") in calls and (b"sandbox-key-secret", b"sandbox-key-secret") in calls


# --- memory stays bounded ------------------------------------------------------------------------------
def test_authenticated_reads_of_a_never_seen_project_create_nothing(client):
    assert client.get(f"{P}/importedNumbers", params=LIST).status_code == 200
    for path in [f"{P}/importedNumbers/{NUMBER}", f"{P}/qualifiedNumbers",
                 f"{P}/qualifiedNumbers/{NUMBER}", f"{P}/hostingOrders", f"{P}/hostingOrders/01abc",
                 f"{P}/callbackConfiguration"]:
        assert client.get(path).status_code in (200, 400, 404)
    refused = client.post(f"{P}/importedNumbers", json=dict(IMPORT_BODY, regionCode="FR"))
    assert refused.status_code == 400
    assert client.get("/_mock/state").json()["projects"] == {}


def token_of(client, headers=None) -> str:
    return client.post("/oauth2/token", data={"grant_type": "client_credentials"},
                       headers=headers or AUTH_HEADERS).json()["access_token"]


def test_expired_tokens_are_dropped(client, app):
    token_of(client)
    token_of(client)
    assert app.state.authenticator.token_count() == 2
    client.post("/_mock/clock:advance", json={"seconds": 3600})
    token = token_of(client)
    assert app.state.authenticator.token_count() == 1
    assert client.get(f"{P}/importedNumbers", params=LIST, headers={"Authorization": f"Bearer {token}"}).status_code == 200


def test_live_tokens_are_bounded(client, app, monkeypatch):
    from mock_server.http import auth

    monkeypatch.setattr(auth, "MAX_TOKENS", 3)
    first = token_of(client)
    for _ in range(5):
        token_of(client)
    assert app.state.authenticator.token_count() == 3
    assert client.get(f"{P}/importedNumbers", params=LIST, headers={"Authorization": f"Bearer {first}"}).status_code == 401


def test_a_reset_revokes_tokens(client):
    token = {"Authorization": f"Bearer {token_of(client)}"}
    assert client.get(f"{P}/importedNumbers", params=LIST, headers=token).status_code == 200
    client.post("/_mock/reset")
    assert client.get(f"{P}/importedNumbers", params=LIST, headers=token).status_code == 401


def test_removing_a_key_revokes_its_tokens(client):
    client.post("/_mock/scenarios:load", json={"scenario": {"access_keys": [{"key_id": "k", "key_secret": "s"}]}})
    empty = client.get("/_mock/state").json()
    token = {"Authorization": f"Bearer {token_of(client, basic('k', 's'))}"}
    assert client.get(f"{P}/importedNumbers", params=LIST, headers=token).status_code == 200
    empty["accessKeys"] = []
    assert client.put("/_mock/state", json=empty).status_code == 200  # the key is gone
    assert client.get(f"{P}/importedNumbers", params=LIST, headers=token).status_code == 401


def test_the_journal_says_when_it_dropped_old_entries(client, app):
    world = app.state.world
    for i in range(JOURNAL_LIMIT + 4):
        world.record_request({"method": "GET", "path": f"/v1/projects/p/x{i}", "query": "", "status": 200,
                              "time": "2026-01-05T09:00:00.000Z", "projectId": "p"})
    assert client.get(f"{P}/importedNumbers", params=LIST).status_code == 200
    answer = client.get("/_mock/requests").json()
    assert (len(answer["requests"]), answer["dropped"], answer["limit"]) == (JOURNAL_LIMIT, 5, JOURNAL_LIMIT)
    assert answer["requests"][0]["path"] == "/v1/projects/p/x5"
    client.post("/_mock/reset")
    assert client.get("/_mock/requests").json()["dropped"] == 0


def record_events(world, count: int, destination: str | None = None) -> None:
    with world.lock:
        for i in range(count):
            world.events.record("p", ResourceType.IMPORTED_NUMBER, EventType.PROVISIONING_TO_SMS_PLATFORM,
                                f"+1202555{i:04d}", destination=destination)


def test_the_ledger_drops_the_oldest_finished_events_never_pending_ones(client, app):
    client.post("/_mock/scenarios:load", json={"scenario": {"limits": {"ledger_events": 100}}})
    world = app.state.world
    record_events(world, 30, destination="http://127.0.0.1:9/cb")  # pending: no delivery runs here
    record_events(world, 200)  # no destination: finished at once
    events = world.events.events
    assert len(events) <= 100
    assert [e.seq for e in events[:30]] == list(range(1, 31))  # every pending event is kept
    answer = client.get("/_mock/events").json()
    assert answer["dropped"] == 230 - len(events) and answer["limit"] == 100
    assert answer["events"][-1]["seq"] == 230  # the newest are kept, numbering goes on
    record_events(world, 200, destination="http://127.0.0.1:9/cb")  # only pending: nothing can go
    assert sum(e.state.value == "pending" for e in world.events.events) == 230


def test_the_ledger_is_paged_like_the_api_lists(client, app):
    record_events(app.state.world, 250)
    seen, token, pages = [], None, 0
    while True:
        params = {"pageSize": 100, **({"pageToken": token} if token else {})}
        page = client.get("/_mock/events", params=params).json()
        assert page["totalSize"] == 250
        seen += [e["seq"] for e in page["events"]]
        pages += 1
        token = page["nextPageToken"]
        if not token:
            break
    assert (pages, seen) == (3, list(range(1, 251)))
    assert len(client.get("/_mock/events").json()["events"]) == 250  # no paging asked: the whole ledger
    assert client.get("/_mock/events", params={"pageToken": "nonsense"}).status_code == 400
    other = client.get("/_mock/events", params={"pageSize": 1, "projectId": "p"}).json()["nextPageToken"]
    assert client.get("/_mock/events", params={"pageToken": other}).status_code == 400  # other filters


# --- heavy jobs leave the event loop free -----------------------------------------------------------------
def health_within(client, seconds: float) -> int | None:
    """The status of GET /_mock/health, or None if it did not answer within `seconds`."""
    answer: dict[str, int] = {}
    asking = threading.Thread(target=lambda: answer.update(status=client.get("/_mock/health").status_code),
                              daemon=True)
    asking.start()
    asking.join(seconds)
    return answer.get("status")


def test_health_answers_while_a_scenario_loads_and_other_requests_wait(client, app, monkeypatch):
    host = app.state.scenarios
    started, release = threading.Event(), threading.Event()
    real_apply = host.apply

    def slow_apply(scenario, source=None):
        started.set()
        assert release.wait(30)
        return real_apply(scenario, source)

    monkeypatch.setattr(host, "apply", slow_apply)
    answers: dict[str, int] = {}

    def call(name, method, path, **kwargs):
        answers[name] = client.request(method, path, **kwargs).status_code

    loading = threading.Thread(target=call, args=("load", "POST", "/_mock/scenarios:load"),
                               kwargs={"json": {"name": "default"}})
    loading.start()
    assert started.wait(30)
    api = threading.Thread(target=call, args=("api", "GET", f"{P}/importedNumbers"), kwargs={"params": LIST})
    try:
        assert health_within(client, 10) == 200  # answered while the load is in progress
        api.start()
        api.join(0.3)
        assert "load" not in answers and "api" not in answers  # the API call waits at the gate
    finally:
        release.set()
        loading.join(30)
        if api.is_alive() or api.ident is not None:
            api.join(30)
    assert answers == {"load": 200, "api": 200}


def health_answers_while_blocked(client, monkeypatch, name: str, call) -> None:
    """Hold `mock_server.http.state.<name>` until health has answered; the call waits meanwhile."""
    from mock_server.http import state

    started, release = threading.Event(), threading.Event()
    real = getattr(state, name)

    def held(*args, **options):
        started.set()
        assert release.wait(30)
        return real(*args, **options)

    monkeypatch.setattr(state, name, held)
    answers = {}
    worker = threading.Thread(target=lambda: answers.update(call=call().status_code))
    worker.start()
    assert started.wait(30)
    try:
        assert health_within(client, 10) == 200  # answered while the job is in progress
        assert "call" not in answers
    finally:
        release.set()
        worker.join(30)
    assert answers == {"call": 200}


def test_health_answers_while_the_state_is_exported(client, monkeypatch):
    health_answers_while_blocked(client, monkeypatch, "export_state", lambda: client.get("/_mock/state"))


def test_health_answers_while_the_state_is_imported(client, monkeypatch):
    document = client.get("/_mock/state").json()
    health_answers_while_blocked(client, monkeypatch, "import_state", lambda: client.put("/_mock/state", json=document))
