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
