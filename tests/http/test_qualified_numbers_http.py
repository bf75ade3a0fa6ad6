"""Qualified numbers through the app: routes, bodies, status codes, and the spec's schemas."""

from __future__ import annotations

import pytest

from mock_server.domain.qualified_numbers.model import GlobalProcessState as S
from tests.qualified_support import CANADIAN, OTHER, PHONE, bring_to
from tests.spec_schema import assert_matches

BASE = "/v1/projects/p1/qualifiedNumbers"
MOCK = "/_mock/projects/p1/qualifiedNumbers"
ENCODED = "%2B12025550134"
QUALIFIED_NUMBER_FIELDS = {"phoneNumber", "projectId", "regionCode", "globalProcessState", "osrEligibility",
                           "ownershipVerification", "hostedNumber", "createdTime", "updatedTime"}


def assert_error(response, status: int, name: str) -> dict:
    body = response.json()
    assert response.status_code == status, body
    assert body["code"] == str(status) and body["status"] == name and body["message"]
    assert_matches(body, "ErrorResponse")
    return body


def ok(response, schema: str = "QualifiedNumber") -> dict:
    body = response.json()
    assert response.status_code == 200, body
    assert_matches(body, schema)
    return body


def add(client, *phones: str):
    return client.post(f"{BASE}:addNumbers", json={"phoneNumbers": list(phones)})


def advance(client, seconds: float) -> None:
    assert client.post("/_mock/clock:advance", json={"seconds": seconds}).status_code == 200


def code_of(client, path_number: str = ENCODED) -> str:
    return client.get(f"{MOCK}/{path_number}/voiceChallenge").json()["code"]


def verify(client, code, path_number: str = ENCODED):
    return client.post(f"{BASE}/{path_number}:verifyVoiceChallenge", json={"code": code})


def send(client, path_number: str = ENCODED):
    return client.post(f"{BASE}/{path_number}:sendVoiceChallenge")


# --- :addNumbers ------------------------------------------------------------------------------
def test_add_numbers_answers_every_new_number(client):
    body = ok(add(client, PHONE, CANADIAN), "BatchCreateQualifiedNumbersResponse")
    first, second = body["qualifiedNumbers"]
    assert set(first) == QUALIFIED_NUMBER_FIELDS
    assert first == {
        "phoneNumber": PHONE, "projectId": "p1", "regionCode": "US",
        "globalProcessState": "GLOBAL_PROCESS_STATE_ELIGIBLE_CHECK_PENDING",
        "osrEligibility": {"status": "IN_PROGRESS", "error": ""},
        "ownershipVerification": {"status": "WAITING", "error": ""},
        "hostedNumber": {"status": 0, "error": ""},
        "createdTime": "2026-01-05T09:00:00.000Z", "updatedTime": "2026-01-05T09:00:00.000Z",
    }
    assert (second["phoneNumber"], second["regionCode"]) == (CANADIAN, "CA")


@pytest.mark.parametrize("body", [{}, {"phoneNumbers": []}, {"phoneNumbers": "+12025550134"}])
def test_add_needs_a_non_empty_array(client, body):
    error = assert_error(client.post(f"{BASE}:addNumbers", json=body), 400, "INVALID_ARGUMENT")
    assert error["details"][0]["fieldViolations"][0]["field"] == "phoneNumbers"


@pytest.mark.parametrize("body, field", [({"phoneNumbers": [PHONE, 12025550135]}, "phoneNumbers[1]"),
                                         ({"phoneNumbers": None}, "phoneNumbers")])
def test_the_add_body_is_typed_and_creates_nothing(client, body, field):
    error = assert_error(client.post(f"{BASE}:addNumbers", json=body), 400, "INVALID_ARGUMENT")
    assert [v["field"] for v in error["details"][0]["fieldViolations"]] == [field]
    assert_error(client.get(f"{BASE}/{ENCODED}"), 404, "NOT_FOUND")


def test_a_list_query_names_every_bad_value_at_once(client):
    error = assert_error(client.get(BASE, params={"states": "ELIGIBLE", "regionCode": "MX", "orderBy": "name"}),
                         400, "INVALID_ARGUMENT")
    assert [v["field"] for v in error["details"][0]["fieldViolations"]] == ["states", "orderBy", "regionCode"]


def test_add_without_a_body_is_400(client):
    assert_error(client.post(f"{BASE}:addNumbers"), 400, "INVALID_ARGUMENT")


def test_add_names_each_bad_number_and_creates_nothing(client):
    error = assert_error(add(client, PHONE, "+4420794600000", "+1202"), 400, "INVALID_ARGUMENT")
    fields = [v["field"] for v in error["details"][0]["fieldViolations"]]
    assert fields == ["phoneNumbers[1]", "phoneNumbers[2]"]
    assert_error(client.get(f"{BASE}/{ENCODED}"), 404, "NOT_FOUND")


def test_add_refuses_a_repeated_number(client):
    error = assert_error(add(client, PHONE, PHONE), 400, "INVALID_ARGUMENT")
    assert PHONE in error["message"]


def test_add_refuses_an_already_qualified_number_with_409(client):
    ok(add(client, PHONE), "BatchCreateQualifiedNumbersResponse")
    error = assert_error(add(client, OTHER, PHONE), 409, "ALREADY_EXISTS")
    assert PHONE in error["message"]
    assert_error(client.get(f"{BASE}/%2B17724295286"), 404, "NOT_FOUND")


def test_the_public_operations_need_credentials(anon):
    assert_error(anon.post(f"{BASE}:addNumbers", json={"phoneNumbers": [PHONE]}), 401, "UNAUTHENTICATED")
    assert_error(anon.get(f"{BASE}?states=GLOBAL_PROCESS_STATE_ELIGIBLE"), 401, "UNAUTHENTICATED")


# --- get and delete ---------------------------------------------------------------------------
@pytest.mark.parametrize("path_number", [ENCODED, PHONE])
def test_get_takes_the_plus_raw_or_encoded(client, path_number):
    add(client, PHONE)
    body = ok(client.get(f"{BASE}/{path_number}"))
    assert body["phoneNumber"] == PHONE and set(body) == QUALIFIED_NUMBER_FIELDS


def test_get_of_an_absent_number_is_404(client):
    assert_error(client.get(f"{BASE}/{ENCODED}"), 404, "NOT_FOUND")


def test_a_malformed_path_number_is_400(client):
    error = assert_error(client.get(f"{BASE}/12025550134"), 400, "INVALID_ARGUMENT")
    assert error["details"][0]["fieldViolations"][0]["field"] == "phoneNumber"


def test_an_action_url_read_with_get_is_405_in_the_error_shape(client):
    add(client, PHONE)
    assert_error(client.get(f"{BASE}/{ENCODED}:sendVoiceChallenge"), 405, "UNIMPLEMENTED")


def test_the_eligibility_check_finishes_on_the_mock_clock(client):
    add(client, PHONE, "+12025550100")
    advance(client, 60)
    assert ok(client.get(f"{BASE}/{ENCODED}"))["globalProcessState"] == S.ELIGIBLE.value
    magic = ok(client.get(f"{BASE}/%2B12025550100"))
    assert magic["globalProcessState"] == S.NOT_ELIGIBLE.value
    assert magic["osrEligibility"]["status"] == "FAILED" and magic["osrEligibility"]["error"]
    assert magic["updatedTime"] == "2026-01-05T09:01:00.000Z"


def test_delete_answers_200_with_an_empty_body(client):
    add(client, PHONE)
    response = client.delete(f"{BASE}/{ENCODED}")
    assert response.status_code == 200 and response.content == b""
    assert_error(client.get(f"{BASE}/{ENCODED}"), 404, "NOT_FOUND")
    assert_error(client.delete(f"{BASE}/{ENCODED}"), 404, "NOT_FOUND")


def test_delete_is_refused_while_a_running_hosting_order_holds_the_number(client, app):
    world = app.state.world
    bring_to(world, S.HOSTING_IN_PROGRESS)
    world.project("p1").running_order_by_number[PHONE] = "order-1"
    error = assert_error(client.delete(f"{BASE}/{ENCODED}"), 400, "FAILED_PRECONDITION")
    assert "order-1" in error["message"]
    assert ok(client.get(f"{BASE}/{ENCODED}"))["globalProcessState"] == S.HOSTING_IN_PROGRESS.value


# --- list -------------------------------------------------------------------------------------
def test_list_takes_repeated_and_comma_separated_states(client, app):
    bring_to(app.state.world, S.VERIFIED, PHONE)
    add(client, OTHER)
    repeated = ok(client.get(BASE, params=[("states", S.VERIFIED.value), ("states", S.ELIGIBLE_CHECK_PENDING.value)]),
                  "ListQualifiedNumber")
    assert [n["phoneNumber"] for n in repeated["qualifiedNumbers"]] == [PHONE, OTHER]
    assert repeated["totalSize"] == 2 and repeated["nextPageToken"] == ""
    joined = ok(client.get(BASE, params={"states": f"{S.VERIFIED.value},{S.ELIGIBLE_CHECK_PENDING.value}"}),
                "ListQualifiedNumber")
    assert joined == repeated
    only = ok(client.get(BASE, params={"states": S.VERIFIED.value}), "ListQualifiedNumber")
    assert [n["phoneNumber"] for n in only["qualifiedNumbers"]] == [PHONE]


def test_list_needs_states(client):
    error = assert_error(client.get(BASE), 400, "INVALID_ARGUMENT")
    assert error["details"][0]["fieldViolations"][0]["field"] == "states"


def test_list_refuses_an_unknown_state_naming_the_field(client):
    error = assert_error(client.get(BASE, params={"states": "VERIFIED"}), 400, "INVALID_ARGUMENT")
    assert error["details"][0]["fieldViolations"][0]["field"] == "states" and "VERIFIED" in error["message"]


def test_list_filters_by_region_and_refuses_other_regions(client):
    add(client, PHONE, CANADIAN)
    pending = {"states": S.ELIGIBLE_CHECK_PENDING.value}
    body = ok(client.get(BASE, params={**pending, "regionCode": "CA"}), "ListQualifiedNumber")
    assert [n["phoneNumber"] for n in body["qualifiedNumbers"]] == [CANADIAN]
    assert_error(client.get(BASE, params={**pending, "regionCode": "MX"}), 400, "INVALID_ARGUMENT")
    for order_by in ("phoneNumber", ""):
        error = assert_error(client.get(BASE, params={**pending, "orderBy": order_by}), 400, "INVALID_ARGUMENT")
        assert error["details"][0]["fieldViolations"][0]["field"] == "orderBy"


@pytest.mark.parametrize("size", ["", "ten", "-1"])
def test_list_refuses_a_page_size_that_is_not_a_count(client, size):
    params = {"states": S.ELIGIBLE_CHECK_PENDING.value, "pageSize": size}
    error = assert_error(client.get(BASE, params=params), 400, "INVALID_ARGUMENT")
    assert error["details"][0]["fieldViolations"][0]["field"] == "pageSize"


def test_list_pages_through_every_number_once(client):
    phones = [f"+1202555{n:04d}" for n in range(400, 405)]
    add(client, *phones)
    params = {"states": S.ELIGIBLE_CHECK_PENDING.value, "pageSize": 2}
    seen, token = [], None
    while True:
        body = ok(client.get(BASE, params={**params, **({"pageToken": token} if token else {})}),
                  "ListQualifiedNumber")
        assert body["totalSize"] == 5
        seen += [n["phoneNumber"] for n in body["qualifiedNumbers"]]
        token = body["nextPageToken"]
        if not token:
            break
    assert seen == phones


def test_a_page_token_is_refused_with_other_filters(client):
    add(client, PHONE, OTHER)
    first = ok(client.get(BASE, params={"states": S.ELIGIBLE_CHECK_PENDING.value, "pageSize": 1}),
               "ListQualifiedNumber")
    error = assert_error(client.get(BASE, params={"states": S.ELIGIBLE_CHECK_PENDING.value, "pageSize": 1,
                                                  "regionCode": "US", "pageToken": first["nextPageToken"]}),
                         400, "INVALID_ARGUMENT")
    assert error["details"][0]["fieldViolations"][0]["field"] == "pageToken"


# --- voice challenges -------------------------------------------------------------------------
def test_a_voice_challenge_then_the_right_code_verifies(client):
    add(client, PHONE)
    advance(client, 60)
    sent = ok(send(client))
    assert sent["globalProcessState"] == S.VERIFICATION_PENDING.value
    assert sent["ownershipVerification"]["status"] == "IN_PROGRESS"
    assert sent["updatedTime"] == "2026-01-05T09:01:00.000Z"
    challenge = client.get(f"{MOCK}/{ENCODED}/voiceChallenge").json()
    assert challenge["expiresAt"] == "2026-01-05T09:11:00.000Z" and challenge["attemptsLeft"] == 3
    assert len(challenge["code"]) == 4
    advance(client, 30)
    verified = ok(verify(client, challenge["code"]))
    assert verified["globalProcessState"] == S.VERIFIED.value
    assert verified["ownershipVerification"] == {"status": "DONE", "error": ""}
    assert verified["updatedTime"] == "2026-01-05T09:01:30.000Z"


def test_a_wrong_code_is_400_with_the_attempts_left_and_the_third_blocks(client, app):
    bring_to(app.state.world, S.VERIFICATION_PENDING)
    right = code_of(client)
    wrong = f"{(int(right) + 1) % 10000:04d}"
    first = assert_error(verify(client, wrong), 400, "INVALID_ARGUMENT")
    assert "2 attempt(s) left" in first["message"]
    assert first["details"][0]["fieldViolations"][0]["field"] == "code"
    assert client.get(f"{MOCK}/{ENCODED}/voiceChallenge").json()["attemptsLeft"] == 2
    assert_error(verify(client, wrong), 400, "INVALID_ARGUMENT")
    assert "blocked" in assert_error(verify(client, wrong), 400, "INVALID_ARGUMENT")["message"]
    number = ok(client.get(f"{BASE}/{ENCODED}"))
    assert number["globalProcessState"] == S.VERIFICATION_BLOCKED.value
    assert number["ownershipVerification"]["status"] == "FAILED"
    advance(client, 60)
    assert_error(send(client), 400, "FAILED_PRECONDITION")
    assert_error(verify(client, right), 400, "FAILED_PRECONDITION")


def test_resending_too_soon_is_429_with_retry_after(client, app):
    bring_to(app.state.world, S.VERIFICATION_PENDING)
    advance(client, 45)
    response = send(client)
    assert_error(response, 429, "RESOURCE_EXHAUSTED")
    assert response.headers["Retry-After"] == "15"
    advance(client, 15)
    ok(send(client))


def test_an_expired_code_is_400_and_fails_the_verification(client, app):
    bring_to(app.state.world, S.VERIFICATION_PENDING)
    code = code_of(client)
    advance(client, 600)
    error = assert_error(verify(client, code), 400, "FAILED_PRECONDITION")
    assert "expired" in error["message"] and "send a new voice challenge" in error["message"]
    number = ok(client.get(f"{BASE}/{ENCODED}"))
    assert number["globalProcessState"] == S.VERIFICATION_FAILED.value
    assert number["ownershipVerification"]["status"] == "FAILED"
    assert ok(send(client))["globalProcessState"] == S.VERIFICATION_PENDING.value


@pytest.mark.parametrize("body", [{}, {"code": 1234}, {"code": None}, {"code": "12"}])
def test_a_malformed_verify_body_is_400(client, app, body):
    bring_to(app.state.world, S.VERIFICATION_PENDING)
    response = client.post(f"{BASE}/{ENCODED}:verifyVoiceChallenge", json=body)
    error = assert_error(response, 400, "INVALID_ARGUMENT")
    assert error["details"][0]["fieldViolations"][0]["field"] == "code"
    assert client.get(f"{MOCK}/{ENCODED}/voiceChallenge").json()["attemptsLeft"] == 3


@pytest.mark.parametrize("state", [S.ELIGIBLE_CHECK_PENDING, S.NOT_ELIGIBLE, S.VERIFIED])
def test_voice_calls_in_other_states_are_failed_preconditions(client, app, state):
    bring_to(app.state.world, state)
    assert PHONE in assert_error(send(client), 400, "FAILED_PRECONDITION")["message"]
    assert_error(verify(client, "1234"), 400, "FAILED_PRECONDITION")


def test_voice_calls_for_an_absent_number_are_404(client):
    assert_error(send(client), 404, "NOT_FOUND")
    assert_error(verify(client, "1234"), 404, "NOT_FOUND")


def test_the_voice_challenge_is_404_before_one_is_sent(anon, app):
    assert_error(anon.get(f"{MOCK}/{ENCODED}/voiceChallenge"), 404, "NOT_FOUND")
    bring_to(app.state.world, S.ELIGIBLE)
    assert_error(anon.get(f"{MOCK}/{PHONE}/voiceChallenge"), 404, "NOT_FOUND")


# --- invoices (control plane: no credentials needed) ------------------------------------------
def test_approved_invoices_verify_the_number(anon, app):
    bring_to(app.state.world, S.ELIGIBLE)
    body = ok(anon.post(f"{MOCK}/{ENCODED}:approveInvoices"))
    assert body["globalProcessState"] == S.VERIFIED.value and body["ownershipVerification"]["status"] == "DONE"


def test_rejected_invoices_fail_the_verification(anon, app):
    bring_to(app.state.world, S.VERIFICATION_PENDING)
    body = ok(anon.post(f"{MOCK}/{PHONE}:rejectInvoices"))
    assert body["globalProcessState"] == S.VERIFICATION_FAILED.value
    assert body["ownershipVerification"]["status"] == "FAILED" and body["ownershipVerification"]["error"]


@pytest.mark.parametrize("action", ["approveInvoices", "rejectInvoices"])
def test_an_invoice_review_is_refused_for_a_decided_number(anon, app, action):
    bring_to(app.state.world, S.VERIFIED)
    error = assert_error(anon.post(f"{MOCK}/{ENCODED}:{action}"), 400, "FAILED_PRECONDITION")
    assert PHONE in error["message"]


@pytest.mark.parametrize("action", ["approveInvoices", "rejectInvoices"])
def test_an_invoice_review_of_an_absent_number_is_404(anon, action):
    assert_error(anon.post(f"{MOCK}/{ENCODED}:{action}"), 404, "NOT_FOUND")


def test_no_callback_events_are_recorded_for_qualified_numbers(client, app):
    add(client, PHONE)
    advance(client, 60)
    ok(send(client))
    ok(verify(client, code_of(client)))
    assert app.state.world.events.events == []


def test_a_path_number_route_and_its_action_route_match_in_either_order():
    """`{phoneNumber:e164}` stops at `:`, so the plain route never takes an action's request."""
    from starlette.routing import Route

    from mock_server.http.convertors import PHONE

    plain = Route(f"{BASE}/{PHONE}", lambda request: None, methods=["GET"])
    action = Route(f"{BASE}/{PHONE}:sendVoiceChallenge", lambda request: None, methods=["POST"])
    scope = {"type": "http", "method": "POST", "path": f"{BASE}/+12065550100:sendVoiceChallenge"}
    assert plain.matches(scope)[0].name == "NONE"
    match, child = action.matches(scope)
    assert match.name == "FULL" and child["path_params"]["phoneNumber"] == "+12065550100"
