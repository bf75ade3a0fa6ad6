"""Where the mock follows Sinch's API documentation over the letter of the spec (issue 11)."""

import pytest

IMPORTED = "/v1/projects/{}/importedNumbers"
QUALIFIED = "/v1/projects/{}/qualifiedNumbers"


def imported(client, project, phone, plan="plan-1", campaign=None, **extra):
    sms = {"servicePlanId": plan} | ({"campaignId": campaign} if campaign is not None else {})
    return client.post(IMPORTED.format(project), json={"phoneNumber": phone, "regionCode": "US",
                                                       "smsConfiguration": sms, **extra})


def advance(client, seconds=600):
    assert client.post("/_mock/clock:advance", json={"seconds": seconds}).status_code == 200


def field_of(response):
    return [v["field"] for v in response.json()["details"][0]["fieldViolations"]]


# --- point 12: a trailing slash is an unknown path ---------------------------------------------------
@pytest.mark.parametrize("path", ["/v1/projects/p1/importedNumbers/", "/v1/projects/p1/hostingOrders/",
                                  "/v1/projects/p1/qualifiedNumbers/", "/_mock/clock/"])
def test_a_trailing_slash_is_404_not_a_redirect(client, path):
    response = client.get(path, follow_redirects=False)
    assert response.status_code == 404 and response.json()["status"] == "NOT_FOUND"
    assert "location" not in response.headers


# --- point 13: page tokens belong to one project -----------------------------------------------------
@pytest.mark.parametrize("url,params", [
    (IMPORTED, {}),
    (QUALIFIED, {"states": "GLOBAL_PROCESS_STATE_ELIGIBLE_CHECK_PENDING"}),
])
def test_a_page_token_of_one_project_is_refused_by_another(client, url, params):
    for project, phones in (("p1", ["+12025550134", "+12025550135"]), ("p2", ["+12025550136", "+12025550137"])):
        if url == IMPORTED:
            for phone in phones:
                assert imported(client, project, phone).status_code == 200
        else:
            assert client.post(QUALIFIED.format(project) + ":addNumbers",
                               json={"phoneNumbers": phones}).status_code == 200
    first = client.get(url.format("p1"), params={**params, "pageSize": 1}).json()
    token = first["nextPageToken"]
    assert client.get(url.format("p1"), params={**params, "pageToken": token}).status_code == 200
    other = client.get(url.format("p2"), params={**params, "pageToken": token})
    assert other.status_code == 400 and field_of(other) == ["pageToken"]
    assert "p1" not in other.text


def test_a_hosting_order_list_token_is_bound_to_its_project(client):
    params = {"states": "HOSTING_ORDER_STATE_UNSPECIFIED", "type": "HOSTING_ORDER_TYPE_UNSPECIFIED",
              "servicePlanId": "plan-1", "campaignId": "", "pageSize": 1}
    for project, phones in (("p1", ["+12025550134", "+12025550135"]), ("p2", ["+12025550136", "+12025550137"])):
        for phone in phones:
            assert client.post(f"/v1/projects/{project}/hostingOrders:importNumbers", json={
                "regionCode": "US", "numbers": [phone], "servicePlanId": "plan-1"}).status_code == 200
    token = client.get("/v1/projects/p1/hostingOrders", params=params).json()["nextPageToken"]
    other = client.get("/v1/projects/p2/hostingOrders", params={**params, "pageToken": token})
    assert other.status_code == 400 and field_of(other) == ["pageToken"]


# --- point 14: strict query values --------------------------------------------------------------------
@pytest.mark.parametrize("value", [" 5", "5 ", "\u0663", "\uff15", "+ 5"])
def test_page_size_takes_ascii_digits_only(client, value):
    response = client.get(QUALIFIED.format("p1"), params={"states": "GLOBAL_PROCESS_STATE_ELIGIBLE",
                                                          "pageSize": value})
    assert response.status_code == 400 and field_of(response) == ["pageSize"]


def test_a_start_pattern_needs_its_plus_sign(client):
    assert imported(client, "p1", "+12065550134").status_code == 200
    params = {"numberPattern.searchPattern": "START"}
    found = client.get(IMPORTED.format("p1"), params={**params, "numberPattern.pattern": "+1206"})
    assert found.status_code == 200 and found.json()["totalSize"] == 1
    refused = client.get(IMPORTED.format("p1"), params={**params, "numberPattern.pattern": "1206"})
    assert refused.status_code == 400 and field_of(refused) == ["numberPattern.pattern"]
    assert "%2B" in refused.json()["message"] or "+" in refused.json()["details"][0]["fieldViolations"][0]["description"]


# --- point 2: unlinking the service plan takes the campaign with it ----------------------------------
def test_unlinking_the_service_plan_alone_succeeds_and_unlinks_the_campaign(client):
    assert imported(client, "p1", "+12025550134", campaign="camp-1").status_code == 200
    advance(client)
    unlinked = client.patch(IMPORTED.format("p1") + "/+12025550134", json={"smsConfiguration": {"servicePlanId": ""}})
    assert unlinked.status_code == 200, unlinked.text
    assert unlinked.json()["smsConfiguration"]["scheduledProvisioning"]["campaignId"] == ""
    advance(client)
    sms = client.get(IMPORTED.format("p1") + "/+12025550134").json()["smsConfiguration"]
    assert (sms["servicePlanId"], sms["campaignId"]) == ("", "")


# --- point 3: a change while another runs is queued -------------------------------------------------
def test_relinking_in_two_requests_sent_back_to_back_is_accepted_and_queued(client):
    url = IMPORTED.format("p1") + "/+12025550134"
    assert imported(client, "p1", "+12025550134", campaign="camp-1").status_code == 200
    right_after = client.patch(url, json={"smsConfiguration": {"servicePlanId": "", "campaignId": ""}})
    assert right_after.status_code == 200, right_after.text  # during the import's provisioning
    relink = client.patch(url, json={"smsConfiguration": {"servicePlanId": "plan-2", "campaignId": "camp-2"}})
    assert relink.status_code == 200, relink.text
    pending = relink.json()["smsConfiguration"]["scheduledProvisioning"]
    assert (pending["servicePlanId"], pending["campaignId"], pending["status"]) == ("plan-2", "camp-2", 1)
    advance(client, 1200)
    got = client.get(url).json()
    assert (got["smsConfiguration"]["servicePlanId"], got["smsConfiguration"]["campaignId"]) == ("plan-2", "camp-2")
    assert "scheduledProvisioning" not in got["smsConfiguration"]
    assert (got["smsProvisioning"]["state"], got["campaignProvisioning"]["state"]) == ("DONE", "DONE")
    kinds = [e["payload"]["eventType"] for e in client.get("/_mock/events", params={"projectId": "p1"}).json()["events"]]
    assert kinds == ["PROVISIONING_TO_SMS_PLATFORM", "LINK_TO_10DLC_CAMPAIGN", "UNLINK_TO_10DLC_CAMPAIGN",
                     "DEPROVISIONING_TO_SMS_PLATFORM", "PROVISIONING_TO_SMS_PLATFORM", "LINK_TO_10DLC_CAMPAIGN"]


def test_linking_another_plan_while_one_is_linked_is_still_refused(client):
    url = IMPORTED.format("p1") + "/+12025550134"
    assert imported(client, "p1", "+12025550134").status_code == 200
    refused = client.patch(url, json={"smsConfiguration": {"servicePlanId": "plan-2"}})
    assert refused.status_code == 400 and refused.json()["status"] == "FAILED_PRECONDITION"
    assert "unlink it first" in refused.json()["message"]


# --- point 4: service plans ---------------------------------------------------------------------------
def test_a_blank_service_plan_is_refused_everywhere_with_one_message(client):
    on_import = imported(client, "p1", "+12025550134", plan="   ")
    on_order = client.post("/v1/projects/p1/hostingOrders:importNumbers", json={
        "regionCode": "US", "numbers": ["+12025550135"], "servicePlanId": "   "})
    for response in (on_import, on_order):
        assert response.status_code == 400 and response.json()["status"] == "INVALID_ARGUMENT"
    descriptions = {v["description"] for r in (on_import, on_order)
                    for v in r.json()["details"][0]["fieldViolations"]}
    assert descriptions == {"is required and must not be blank"}
    assert client.get(IMPORTED.format("p1")).json()["totalSize"] == 0


def test_an_unknown_plan_of_a_project_that_declares_its_plans_gets_the_documented_400(client):
    loaded = client.post("/_mock/scenarios:load", json={"scenario": {"projects": [
        {"id": "p1", "service_plans": ["plan-1"]}]}})
    assert loaded.status_code == 200, loaded.text
    response = imported(client, "p1", "+12025550134", plan="plan-x")
    assert response.status_code == 400
    assert response.json() == {"code": "400", "message": "Invalid service_plan_id plan-x", "status": "INVALID_ARGUMENT",
                               "details": [{"type": "BadRequest", "fieldViolations": [
                                   {"field": "smsConfiguration.servicePlanId", "description": "Invalid servicePlanId"}]}]}
    assert imported(client, "p1", "+12025550134", plan="plan-1").status_code == 200


# --- point 6: one number, one home ---------------------------------------------------------------------
def test_a_number_is_hosted_by_one_project_only(client):
    assert imported(client, "p1", "+12025550134").status_code == 200
    twice = imported(client, "p2", "+12025550134")
    assert twice.status_code == 409 and twice.json()["status"] == "ALREADY_EXISTS"
    assert "p1" not in twice.text
    order = client.post("/v1/projects/p3/hostingOrders:importNumbers", json={
        "regionCode": "US", "numbers": ["+12025550134"], "servicePlanId": "plan-1"})
    assert order.status_code == 409 and "p1" not in order.text
    assert client.post("/v1/projects/p3/hostingOrders:importNumbers", json={
        "regionCode": "US", "numbers": ["+12025550135"], "servicePlanId": "plan-1"}).status_code == 200
    assert imported(client, "p1", "+12025550135").status_code == 409  # held by p3's running order


# --- point 7: the invoice review -------------------------------------------------------------------------
def test_the_invoice_review_runs_by_itself_after_add_numbers(client):
    number = QUALIFIED.format("p1") + "/+12025550134"
    assert client.post(QUALIFIED.format("p1") + ":addNumbers",
                       json={"phoneNumbers": ["+12025550134", "+12025550101"]}).status_code == 200
    advance(client, 60)
    assert client.get(number).json()["globalProcessState"] == "GLOBAL_PROCESS_STATE_ELIGIBLE"
    advance(client, 3600)
    under_review = client.get(number).json()
    assert under_review["globalProcessState"] == "GLOBAL_PROCESS_STATE_VERIFICATION_PENDING"
    assert under_review["ownershipVerification"]["status"] == "IN_PROGRESS"
    advance(client, 2 * 86400)
    assert client.get(number).json()["globalProcessState"] == "GLOBAL_PROCESS_STATE_VERIFIED"
    rejected = client.get(QUALIFIED.format("p1") + "/+12025550101").json()  # magic 555-0101
    assert rejected["globalProcessState"] == "GLOBAL_PROCESS_STATE_VERIFICATION_FAILED"
    assert rejected["ownershipVerification"]["error"] == "The invoices did not prove ownership of the number"


# --- point 9: campaigns for Canada -----------------------------------------------------------------------
def test_text_enabling_canadian_numbers_needs_no_campaign_but_us_numbers_do(client, app):
    from tests.hosting_support import add_verified

    add_verified(app.state.world, ["+14165550134"], project="p1", region="CA")
    add_verified(app.state.world, ["+12025550134"], project="p1")
    loa = {"authorisedPerson": {"firstName": "A", "lastName": "B", "email": "a@b.example"},
           "address": {"buildingNumber": "1", "street": "S", "city": "C", "state": "ON", "postalCode": "M5V",
                       "country": "CA"}, "currentVoiceCarrier": "Rogers"}
    body = {"servicePlanId": "plan-1", "directLoaInfo": loa}
    canada = client.post("/v1/projects/p1/hostingOrders:textEnableNumbers",
                         json={**body, "regionCode": "CA", "numbers": ["+14165550134"]})
    assert canada.status_code == 200, canada.text
    assert canada.json()["campaignId"] == ""
    us = client.post("/v1/projects/p1/hostingOrders:textEnableNumbers",
                     json={**body, "regionCode": "US", "numbers": ["+12025550134"]})
    assert us.status_code == 400 and field_of(us) == ["campaignId"]


# --- point 10: the blanket LOA is on file only once approved ---------------------------------------------
def test_a_blanket_loa_needs_approval_for_the_project(client, app):
    from tests.hosting_support import add_verified

    add_verified(app.state.world, ["+12025550134"], project="p1")
    body = {"regionCode": "US", "numbers": ["+12025550134"], "servicePlanId": "plan-1", "campaignId": "C1",
            "blanketLoaInfo": {}}
    url = "/v1/projects/p1/hostingOrders:textEnableNumbers"
    refused = client.post(url, json=body)
    assert refused.status_code == 400 and refused.json()["status"] == "FAILED_PRECONDITION"
    assert "blanket" in refused.json()["message"] and field_of(refused) == ["blanketLoaInfo"]
    approved = client.post("/_mock/projects/p1:approveBlanketLoa")
    assert approved.status_code == 200 and approved.json() == {"projectId": "p1", "blanketLoa": True}
    assert client.post(url, json=body).status_code == 200
    assert client.post("/_mock/projects/p1:revokeBlanketLoa").json() == {"projectId": "p1", "blanketLoa": False}
    add_verified(app.state.world, ["+12025550135"], project="p1")
    assert client.post(url, json={**body, "numbers": ["+12025550135"]}).status_code == 400


# --- point 11: migrateToSinchTmo is read-only outside hostingOrders:importNumbers ------------------------
def test_migrate_to_sinch_tmo_is_read_only_but_in_import_orders(client):
    created = client.post(IMPORTED.format("p1"), json={
        "phoneNumber": "+12025550134", "regionCode": "US",
        "smsConfiguration": {"servicePlanId": "plan-1", "migrateToSinchTmo": True}})
    assert created.status_code == 200 and created.json()["smsConfiguration"]["migrateToSinchTmo"] is False
    order = client.post("/v1/projects/p1/hostingOrders:importNumbers", json={
        "regionCode": "US", "numbers": ["+12025550135"], "servicePlanId": "plan-1", "migrateToSinchTmo": True})
    assert order.status_code == 200 and order.json()["migrateToSinchTmo"] is True
    advance(client, 3600)
    adopted = IMPORTED.format("p1") + "/+12025550135"
    assert client.get(adopted).json()["smsConfiguration"]["migrateToSinchTmo"] is True
    patched = client.patch(adopted, json={"smsConfiguration": {"migrateToSinchTmo": False}})
    assert patched.status_code == 200 and patched.json()["smsConfiguration"]["migrateToSinchTmo"] is True


# --- point 5: impossible numbers ---------------------------------------------------------------------
@pytest.mark.parametrize("phone", ["+10000000000", "+11111111111", "+19999999999", "+12021234567"])
def test_impossible_us_numbers_are_refused_everywhere(client, phone):
    assert imported(client, "p1", phone).status_code == 400
    assert client.post(QUALIFIED.format("p1") + ":addNumbers", json={"phoneNumbers": [phone]}).status_code == 400
    order = client.post("/v1/projects/p1/hostingOrders:importNumbers", json={
        "regionCode": "US", "numbers": [phone], "servicePlanId": "plan-1"})
    assert order.status_code == 400 and field_of(order) == ["numbers[0]"]
    assert client.get(IMPORTED.format("p1") + f"/{phone}").status_code == 400


def test_the_spec_s_own_example_number_is_still_accepted(client):
    assert imported(client, "p1", "+11234567890").status_code == 200


def test_the_harness_approves_and_revokes_a_blanket_loa():
    from mock_server.harness import SinchMock

    with SinchMock(seed=5) as mock:
        assert mock.approve_blanket_loa("p1") == {"projectId": "p1", "blanketLoa": True}
        assert mock.revoke_blanket_loa("p1") == {"projectId": "p1", "blanketLoa": False}
        assert mock.state()["projects"]["p1"]["blanketLoa"] is False
