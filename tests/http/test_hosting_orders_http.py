"""Hosting orders through the app: bodies, answers against the spec's schemas, errors, the control plane."""

from __future__ import annotations

import copy

import pytest

from mock_server.domain.qualified_numbers.model import GlobalProcessState
from mock_server.spec import spec_document
from tests.conftest import AUTH_HEADERS
from tests.hosting_support import CALLBACK, DLC, PLAN, TOLL_FREE, add_verified, magic
from tests.spec_schema import assert_matches

P = "proj-1"
BASE = f"/v1/projects/{P}"
CONTROL = f"/_mock/projects/{P}/hostingOrders"
EXAMPLES = spec_document()["components"]["examples"]


def example(name: str) -> dict:
    return copy.deepcopy(EXAMPLES[name]["value"])


def qualified_example(kind: str) -> dict:
    path = spec_document()["paths"]["/v1/projects/{projectId}/qualifiedNumbers:textEnableNumbers"]
    return copy.deepcopy(path["post"]["requestBody"]["content"]["application/json"]["examples"][kind]["value"])


@pytest.fixture
def world(app):
    return app.state.world


@pytest.fixture
def verified(world):
    add_verified(world, DLC + TOLL_FREE + ["+12025550134"], project=P)
    world.hosting_orders.approve_blanket_loa(P)  # for the spec's blanketLoaTextEnable example
    return world


def advance(client, seconds: float) -> None:
    assert client.post("/_mock/clock:advance", json={"seconds": seconds}).status_code == 200


def violations(response) -> list[str]:
    return [v["field"] for d in response.json().get("details", []) for v in d["fieldViolations"]]


def text_enable_body(**changes) -> dict:
    body = example("textEnableNumbers")
    body.update(changes)
    return body


# --- the spec's request examples are accepted -----------------------------------------------------
def test_the_import_example_creates_an_import_order(client):
    response = client.post(f"{BASE}/hostingOrders:importNumbers", json=example("importNumbersHostingOrderRequest"))
    assert response.status_code == 200
    body = response.json()
    assert_matches(body, "ImportHostingOrder")
    assert (body["state"], body["type"], body["projectId"]) == ("SUBMITTED", "IMPORT", P)
    assert (body["displayName"], body["callbackUrl"], body["migrateToSinchTmo"]) == (
        "Import numbers order", CALLBACK, True)
    assert body["createdTime"].endswith("Z") and len(body["hostingOrderId"]) == 26


@pytest.mark.parametrize("name", ["textEnableNumbers", "blanketLoaTextEnable"])
def test_the_hosting_order_text_enable_examples_are_accepted(client, verified, name):
    response = client.post(f"{BASE}/hostingOrders:textEnableNumbers", json=example(name))
    assert response.status_code == 200, response.json()
    body = response.json()
    assert_matches(body, "HostingOrder")
    assert (body["type"], body["state"], body["campaignId"]) == ("TYPE_TEXT_ENABLE", "SUBMITTED", "C3O8OGA")
    assert body["scheduledOsrUpdateTime"] == "2023-01-13T14:34:40.968Z"
    assert body["textEnableInfo"]["nnid"] == "104029"
    assert body["migrateToSinchTmo"] is False  # read-only outside hostingOrders:importNumbers (E-HO-5)


@pytest.mark.parametrize("kind", ["directLOAExample", "resellerLOAExample"])
def test_the_qualified_numbers_examples_answer_the_order_id(client, verified, kind):
    response = client.post(f"{BASE}/qualifiedNumbers:textEnableNumbers", json=qualified_example(kind))
    assert response.status_code == 200, response.json()
    assert_matches(response.json(), "TextEnableResponse")
    assert list(response.json()) == ["hostingOrderId"]
    order = client.get(f"{BASE}/hostingOrders/{response.json()['hostingOrderId']}").json()
    assert order["textEnableInfo"]["loaType"] == ("Direct" if kind == "directLOAExample" else "Reseller")
    if kind == "resellerLOAExample":
        assert order["textEnableInfo"]["businessName"] == "Acme, Inc."


@pytest.mark.parametrize("entry", ["hostingOrders", "qualifiedNumbers"])
def test_the_toll_free_example_is_accepted_on_both_entry_points(client, verified, entry):
    response = client.post(f"{BASE}/{entry}:textEnableTollFreeNumbers", json=example("textEnableTollFreeNumbers"))
    assert response.status_code == 200, response.json()
    body = response.json()
    assert_matches(body, "HostingOrder")
    assert body["campaignId"] == "" and body["migrateToSinchTmo"] is False  # read-only here (E-HO-5)
    assert body["scheduledZipwhipProvisioningTime"] == "2023-01-13T14:34:40.968Z"
    assert body["textEnableInfo"]["loaType"] == "Direct"


# --- the lifecycle through HTTP -------------------------------------------------------------------
def test_a_text_enable_order_runs_to_completion(client, verified):
    order = client.post(f"{BASE}/hostingOrders:textEnableNumbers", json=text_enable_body()).json()
    oid = order["hostingOrderId"]
    advance(client, 10)
    assert client.get(f"{BASE}/hostingOrders/{oid}").json()["state"] == "WAITING_FOR_LOA_SIGNATURE"
    signed = client.post(f"{CONTROL}/{oid}:signLoa")
    assert signed.status_code == 200 and signed.json()["state"] == "IN_PROGRESS"
    assert_matches(signed.json(), "HostingOrder")
    advance(client, 3600)
    assert client.get(f"{BASE}/hostingOrders/{oid}").json()["state"] == "COMPLETED"
    report = client.get(f"{BASE}/hostingOrders/{oid}/report").json()
    assert_matches(report, "HostingOrderReport")
    assert report == {"total": 2, "osrUpdated": 2, "smsProvisioned": 2, "addedToCampaign": 2, "ongoingManualAction": 0}
    imported = client.get(f"{BASE}/importedNumbers/%2B17724295286").json()
    assert imported["smsConfiguration"]["servicePlanId"] == "07d6c2621f364b68856fe4938b7bb78f"
    assert imported["smsConfiguration"]["campaignId"] == "C3O8OGA"
    qualified = client.get(f"{BASE}/qualifiedNumbers/%2B17724295286").json()
    assert qualified["globalProcessState"] == "GLOBAL_PROCESS_STATE_HOSTING_DONE"
    assert qualified["hostedNumber"]["status"] == 1


def test_a_declined_loa_rejects_the_order(client, verified):
    oid = client.post(f"{BASE}/hostingOrders:textEnableNumbers", json=text_enable_body()).json()["hostingOrderId"]
    declined = client.post(f"{CONTROL}/{oid}:declineLoa")
    assert declined.status_code == 200 and declined.json()["state"] == "REJECTED"
    qualified = client.get(f"{BASE}/qualifiedNumbers/%2B17724295286").json()
    assert qualified["globalProcessState"] == "GLOBAL_PROCESS_STATE_VERIFIED"


def test_the_control_calls_refuse_what_cannot_be_signed(client, verified):
    oid = client.post(f"{BASE}/hostingOrders:importNumbers", json=example("importNumbersHostingOrderRequest")).json()["hostingOrderId"]
    for action in ("signLoa", "declineLoa"):
        response = client.post(f"{CONTROL}/{oid}:{action}")
        assert response.status_code == 400 and response.json()["status"] == "FAILED_PRECONDITION"
        missing = client.post(f"{CONTROL}/nope:{action}")
        assert missing.status_code == 404 and missing.json()["status"] == "NOT_FOUND"


def test_the_control_calls_need_no_credentials(anon, world):
    add_verified(world, DLC, project=P)
    oid = anon.post(f"{BASE}/hostingOrders:textEnableNumbers", json=text_enable_body(),
                    headers=AUTH_HEADERS).json()["hostingOrderId"]
    assert anon.post(f"{CONTROL}/{oid}:signLoa").status_code == 200


def test_the_api_needs_credentials(anon):
    assert anon.get(f"{BASE}/hostingOrders/x").status_code == 401
    assert anon.post(f"{BASE}/hostingOrders:importNumbers", json={}).status_code == 401


# --- reads ----------------------------------------------------------------------------------------
def test_get_numbers_and_one_number(client, world):
    oid = client.post(f"{BASE}/hostingOrders:importNumbers",
                      json={"regionCode": "US", "numbers": [magic("12"), DLC[0]], "servicePlanId": PLAN}).json()["hostingOrderId"]
    advance(client, 600)
    listed = client.get(f"{BASE}/hostingOrders/{oid}/numbers")
    assert listed.status_code == 200
    assert_matches(listed.json(), "ListHostingOrderNumbersResponse")
    assert listed.json()["totalSize"] == 2
    failed = client.get(f"{BASE}/hostingOrders/{oid}/numbers", params={"platformProvisioningState": "FAILED"}).json()
    assert [n["phoneNumber"] for n in failed["numbers"]] == [magic("12")]
    assert failed["numbers"][0]["osrUpdate"] == {"nnid": "104029", "state": "DONE"}
    assert failed["numbers"][0]["campaignProvisioning"] == {"campaignId": "", "state": "STATE_UNSPECIFIED"}
    for path_number in (DLC[0], DLC[0].replace("+", "%2B")):
        one = client.get(f"{BASE}/hostingOrders/{oid}/numbers/{path_number}")
        assert one.status_code == 200
        assert_matches(one.json(), "HostingOrderNumber")
        assert one.json()["smsAtt"]["state"] == "DONE"
        assert one.json()["platformProvisioning"] == {"servicePlanId": PLAN, "state": "DONE"}
    assert client.get(f"{BASE}/hostingOrders/{oid}/numbers/%2B12025550134").status_code == 404
    bad = client.get(f"{BASE}/hostingOrders/{oid}/numbers/12345")
    assert bad.status_code == 400
    assert client.get(f"{BASE}/hostingOrders/{oid}/numbers", params={"osrUpdateState": "NOPE"}).status_code == 400


def test_numbers_page_with_a_token(client, world):
    world.project(P).limits.import_order_numbers = 3
    oid = client.post(f"{BASE}/hostingOrders:importNumbers",
                      json={"regionCode": "US", "numbers": ["+13125554000", "+13125554001", "+13125554002"],
                            "servicePlanId": PLAN}).json()["hostingOrderId"]
    first = client.get(f"{BASE}/hostingOrders/{oid}/numbers", params={"pageSize": 2}).json()
    second = client.get(f"{BASE}/hostingOrders/{oid}/numbers",
                        params={"pageSize": 2, "pageToken": first["nextPageToken"]}).json()
    assert [n["phoneNumber"] for n in first["numbers"] + second["numbers"]] == [
        "+13125554000", "+13125554001", "+13125554002"]
    assert second["nextPageToken"] == ""


def list_params(**changes) -> dict:
    return {"states": "SUBMITTED", "type": "IMPORT", "servicePlanId": PLAN, "campaignId": "C3O8OGA"} | changes


def test_list_hosting_orders(client, verified):
    imported = client.post(f"{BASE}/hostingOrders:importNumbers", json=example("importNumbersHostingOrderRequest")).json()
    enabled = client.post(f"{BASE}/hostingOrders:textEnableNumbers",
                          json=text_enable_body(numbers=["+12025550134"])).json()
    response = client.get(f"{BASE}/hostingOrders", params=list_params())
    assert response.status_code == 200
    assert_matches(response.json(), "ListHostingOrdersResponse")
    assert [o["hostingOrderId"] for o in response.json()["hostingOrders"]] == [imported["hostingOrderId"]]
    assert response.json()["totalSize"] == 1
    typed = client.get(f"{BASE}/hostingOrders", params=list_params(type="TYPE_TEXT_ENABLE")).json()
    assert [o["hostingOrderId"] for o in typed["hostingOrders"]] == [enabled["hostingOrderId"]]
    repeated = client.get(f"{BASE}/hostingOrders?states=COMPLETED&states=SUBMITTED&type=HOSTING_ORDER_TYPE_UNSPECIFIED"
                          f"&servicePlanId={PLAN}&campaignId=C3O8OGA").json()
    assert repeated["totalSize"] == 2
    assert client.get(f"{BASE}/hostingOrders", params=list_params(states="COMPLETED")).json()["totalSize"] == 0
    assert client.get(f"{BASE}/hostingOrders", params=list_params(regionCode="CA")).json()["totalSize"] == 0


def test_list_names_every_missing_required_parameter(client):
    response = client.get(f"{BASE}/hostingOrders", params={"type": "IMPORT"})
    assert response.status_code == 400
    assert violations(response) == ["states", "servicePlanId", "campaignId"]
    assert "states" in response.json()["message"] and "campaignId" in response.json()["message"]


@pytest.mark.parametrize(("name", "value"), [("states", "DONE"), ("type", "TEXT_ENABLE"), ("regionCode", "GB"),
                                             ("orderBy", "name"), ("pageSize", "x"), ("pageToken", "garbage")])
def test_list_refuses_bad_values(client, name, value):
    response = client.get(f"{BASE}/hostingOrders", params=list_params(**{name: value}))
    assert response.status_code == 400 and violations(response) == [name]


def test_unknown_orders_are_not_found(client):
    for path in ("", "/report", "/numbers", "/numbers/%2B12025550134"):
        response = client.get(f"{BASE}/hostingOrders/01nosuchorder{path}")
        assert response.status_code == 404, path
        assert_matches(response.json(), "ErrorResponse")


# --- refusals -------------------------------------------------------------------------------------
def test_six_numbers_are_refused_naming_the_limit(client):
    numbers = [f"+1312555{n:04d}" for n in range(5000, 5006)]
    response = client.post(f"{BASE}/hostingOrders:importNumbers",
                           json={"regionCode": "US", "numbers": numbers, "servicePlanId": PLAN})
    assert response.status_code == 400 and response.json()["status"] == "INVALID_ARGUMENT"
    assert "at most 5" in response.json()["message"]
    assert client.get(f"{BASE}/hostingOrders", params=list_params(campaignId="")).json()["totalSize"] == 0


def test_import_requires_its_fields(client):
    response = client.post(f"{BASE}/hostingOrders:importNumbers", json={})
    assert response.status_code == 400
    assert violations(response) == ["regionCode", "numbers", "servicePlanId"]


@pytest.mark.parametrize(("field", "value"), [("numbers", "+17724295286"), ("numbers", [1]), ("projectId", {}),
                                              ("migrateToSinchTmo", "yes"), ("campaignId", 7),
                                              ("callbackUrl", "not a url"), ("callbackUrl", "ftp://x/y")])
def test_import_refuses_wrong_types(client, field, value):
    body = example("importNumbersHostingOrderRequest") | {field: value}
    response = client.post(f"{BASE}/hostingOrders:importNumbers", json=body)
    assert response.status_code == 400
    assert violations(response)[0].startswith(field)


def test_a_conflict_is_409(client):
    body = example("importNumbersHostingOrderRequest")
    assert client.post(f"{BASE}/hostingOrders:importNumbers", json=body).status_code == 200
    again = client.post(f"{BASE}/hostingOrders:importNumbers", json=body)
    assert again.status_code == 409 and again.json()["status"] == "ALREADY_EXISTS"
    assert violations(again) == ["numbers[0]", "numbers[1]"]


@pytest.mark.parametrize(("path", "value", "field"), [
    (("directLoaInfo", "address", "city"), None, "directLoaInfo.address.city"),
    (("directLoaInfo", "address", "city"), "  ", "directLoaInfo.address.city"),
    (("directLoaInfo", "authorisedPerson", "email"), "not-an-email", "directLoaInfo.authorisedPerson.email"),
    (("directLoaInfo", "authorisedPerson", "firstName"), None, "directLoaInfo.authorisedPerson.firstName"),
    (("directLoaInfo", "currentVoiceCarrier"), None, "directLoaInfo.currentVoiceCarrier"),
    (("directLoaInfo", "address"), None, "directLoaInfo.address"),
    (("scheduledOsrUpdateTime",), "tomorrow", "scheduledOsrUpdateTime"),
    (("scheduledOsrUpdateTime",), "2026-01-13T14:34:40", "scheduledOsrUpdateTime"),
    (("nnid",), 104029, "nnid"),
    (("scheduledOsrUpdateTime",), "0001-01-01T00:00:00+01:00", "scheduledOsrUpdateTime"),
    (("scheduledOsrUpdateTime",), "9999-12-31T23:59:59-05:00", "scheduledOsrUpdateTime"),
    (("displayName",), "x" * 257, "displayName"),
])
def test_each_loa_field_is_validated_by_its_schema(client, verified, path, value, field):
    body = text_enable_body()
    target = body
    for part in path[:-1]:
        target = target[part]
    if value is None:
        del target[path[-1]]
    else:
        target[path[-1]] = value
    response = client.post(f"{BASE}/hostingOrders:textEnableNumbers", json=body)
    assert response.status_code == 400, response.json()
    assert violations(response) == [field]


@pytest.mark.parametrize("field", ["projectId", "campaignId", "displayName", "callbackUrl", "migrateToSinchTmo", "nnid",
                                   "scheduledOsrUpdateTime", "blanketLoaInfo"])
def test_optional_fields_may_be_left_out_but_not_null(client, verified, field):
    response = client.post(f"{BASE}/hostingOrders:textEnableNumbers", json=text_enable_body(**{field: None}))
    assert response.status_code == 400 and violations(response) == [field]


def test_the_body_project_id_is_ignored(client):
    body = example("importNumbersHostingOrderRequest") | {"projectId": "another-project"}
    response = client.post(f"{BASE}/hostingOrders:importNumbers", json=body)
    assert response.status_code == 200 and response.json()["projectId"] == P


def test_an_import_field_sent_as_null_is_refused(client):
    body = example("importNumbersHostingOrderRequest") | {"migrateToSinchTmo": None}
    response = client.post(f"{BASE}/hostingOrders:importNumbers", json=body)
    assert response.status_code == 400 and violations(response) == ["migrateToSinchTmo"]


def test_a_reseller_loa_needs_a_business_name(client, verified):
    body = qualified_example("resellerLOAExample")
    del body["resellerLoaInfo"]["businessName"]
    response = client.post(f"{BASE}/qualifiedNumbers:textEnableNumbers", json=body)
    assert response.status_code == 400 and violations(response) == ["resellerLoaInfo.businessName"]


def test_exactly_one_loa_is_required(client, verified):
    body = text_enable_body()
    del body["directLoaInfo"]
    none = client.post(f"{BASE}/hostingOrders:textEnableNumbers", json=body)
    assert none.status_code == 400
    several = client.post(f"{BASE}/hostingOrders:textEnableNumbers", json=text_enable_body(blanketLoaInfo={}))
    assert several.status_code == 400 and violations(several) == ["directLoaInfo", "blanketLoaInfo"]


def test_a_toll_free_number_is_refused_for_10dlc(client, verified):
    response = client.post(f"{BASE}/qualifiedNumbers:textEnableNumbers",
                           json=qualified_example("directLOAExample") | {"numbers": [TOLL_FREE[0]]})
    assert response.status_code == 400 and "TFN_NOT_ALLOWED" in response.json()["message"]


def test_unknown_and_unverified_numbers(client, world):
    unknown = client.post(f"{BASE}/hostingOrders:textEnableNumbers", json=text_enable_body())
    assert unknown.status_code == 404 and DLC[0] in unknown.json()["message"]
    add_verified(world, DLC, project=P, state=GlobalProcessState.ELIGIBLE)
    unverified = client.post(f"{BASE}/hostingOrders:textEnableNumbers", json=text_enable_body())
    assert unverified.status_code == 400 and unverified.json()["status"] == "FAILED_PRECONDITION"
    assert all(p in unverified.json()["message"] for p in DLC)


def test_more_than_500_numbers_are_refused(client, verified):
    numbers = [f"+1312555{n:04d}" for n in range(6000, 6501)]
    response = client.post(f"{BASE}/hostingOrders:textEnableNumbers", json=text_enable_body(numbers=numbers))
    assert response.status_code == 400 and "at most 500" in response.json()["message"]


def test_toll_free_refusals(client, verified):
    body = example("textEnableTollFreeNumbers")
    blanket = dict(body, blanketLoaInfo={})
    del blanket["directLoaInfo"]
    assert violations(client.post(f"{BASE}/hostingOrders:textEnableTollFreeNumbers", json=blanket)) == [
        "blanketLoaInfo"]
    with_campaign = client.post(f"{BASE}/hostingOrders:textEnableTollFreeNumbers", json=body | {"campaignId": "C1"})
    assert with_campaign.status_code == 400 and violations(with_campaign) == ["campaignId"]
    not_toll_free = client.post(f"{BASE}/hostingOrders:textEnableTollFreeNumbers", json=body | {"numbers": [DLC[0]]})
    assert not_toll_free.status_code == 400 and violations(not_toll_free) == ["numbers[0]"]


def test_a_refused_request_creates_nothing(client, verified, world):
    client.post(f"{BASE}/hostingOrders:textEnableNumbers", json=text_enable_body(campaignId=""))
    assert world.project(P).hosting_orders == {}
    assert world.qualified_numbers.get(P, DLC[0]).state.value == "GLOBAL_PROCESS_STATE_VERIFIED"


def test_get_after_the_clock_shows_scheduled_osr_update_time_for_imports(client):
    oid = client.post(f"{BASE}/hostingOrders:importNumbers",
                      json=example("importNumbersHostingOrderRequest")).json()["hostingOrderId"]
    assert "scheduledOsrUpdateTime" not in client.get(f"{BASE}/hostingOrders/{oid}").json()
    advance(client, 10)
    body = client.get(f"{BASE}/hostingOrders/{oid}").json()
    assert body["scheduledOsrUpdateTime"] == "2026-01-05T09:00:10.000Z"
    assert_matches(body, "HostingOrder")


def test_events_of_hosting_order_numbers_go_to_the_order_callback(client, world):
    client.post(f"{BASE}/hostingOrders:importNumbers",
                json={"regionCode": "US", "numbers": [magic("10")], "servicePlanId": PLAN, "campaignId": "C1",
                      "callbackUrl": "http://127.0.0.1:9/hook"})
    advance(client, 600)
    seen = [(e.event_type.value, e.status, e.failure_code, e.destination) for e in world.events.for_project(P)]
    assert seen[-2:] == [("LINK_TO_10DLC_CAMPAIGN", "FAILED", "CAMPAIGN_NOT_AVAILABLE", "http://127.0.0.1:9/hook"),
                         ("HOSTING_PROCESS", "FAILED", "CAMPAIGN_NOT_AVAILABLE", "http://127.0.0.1:9/hook")]
    for event in world.events.for_project(P):
        assert_matches(event.payload(), "CallbackPayload")


def test_toll_free_numbers_qualified_as_us_can_be_text_enabled_in_canada(client):
    phone = "+18335550150"
    assert client.post(f"{BASE}/qualifiedNumbers:addNumbers", json={"phoneNumbers": [phone]}).status_code == 200
    advance(client, 3600)
    assert client.post(f"/_mock/projects/{P}/qualifiedNumbers/{phone}:approveInvoices").status_code == 200
    body = {**example("textEnableTollFreeNumbers"), "regionCode": "CA", "numbers": [phone]}
    response = client.post(f"{BASE}/hostingOrders:textEnableTollFreeNumbers", json=body)
    assert response.status_code == 200, response.json()
    assert response.json()["regionCode"] == "CA"
