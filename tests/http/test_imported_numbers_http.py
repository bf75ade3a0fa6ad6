"""The five Imported Numbers operations through the app."""

import threading

import pytest

from tests.spec_schema import assert_matches

URL = "/v1/projects/p1/importedNumbers"
NUMBER = "+12025550134"


def body(phone=NUMBER, plan="plan-1", campaign=None, **extra):
    sms = {"servicePlanId": plan}
    if campaign is not None:
        sms["campaignId"] = campaign
    return {"phoneNumber": phone, "regionCode": "US", "smsConfiguration": sms, **extra}


def violations(response):
    return {v["field"]: v["description"] for v in response.json()["details"][0]["fieldViolations"]}


def test_the_spec_example_imports_and_provisions(client):
    example = {"regionCode": "US", "smsConfiguration": {"servicePlanId": "YOUR_service_plan_id",
               "campaignId": "YOUR_campaign_id", "migrateToSinchTmo": True},
               "phoneNumber": "+11234567890", "displayName": "MyPhoneNumber",
               "callbackUrl": "https://www.your-callback-server.com/callback"}
    created = client.post(URL, json=example)
    assert created.status_code == 200
    assert_matches(created.json(), "ImportedNumber")
    assert created.json()["smsConfiguration"]["scheduledProvisioning"]["status"] == 1
    client.post("/_mock/clock:advance", json={"seconds": 600})
    got = client.get(f"{URL}/%2B11234567890")
    assert got.status_code == 200
    assert_matches(got.json(), "ImportedNumberResponse")
    assert got.json()["smsProvisioning"]["state"] == "DONE"
    assert got.json()["campaignProvisioning"]["state"] == "DONE"
    assert set(got.json()["mnoConfiguration"]) == {"smsAtt", "smsTmo", "mmsAtt", "mmsTmo"}
    assert "scheduledProvisioning" not in got.json()["smsConfiguration"]


@pytest.mark.parametrize("payload,field", [
    ({"regionCode": "US", "smsConfiguration": {"servicePlanId": "x"}}, "phoneNumber"),
    (body(regionCode=None), "regionCode"),
    ({"phoneNumber": NUMBER, "regionCode": "US"}, "smsConfiguration"),
    (body(plan=""), "smsConfiguration.servicePlanId"),
    (body(regionCode="GB"), "regionCode"),
    (body(phone="+14165550123"), "phoneNumber"),  # a Canadian number with regionCode US
    (body(callbackUrl="not a url"), "callbackUrl"),
    (body(callbackUrl="ftp://example.test/x"), "callbackUrl"),
    (body(displayName=7), "displayName"),
])
def test_each_missing_or_invalid_field_is_named(client, payload, field):
    payload = {k: v for k, v in payload.items() if v is not None}
    response = client.post(URL, json=payload)
    assert response.status_code == 400 and response.json()["status"] == "INVALID_ARGUMENT"
    assert field in violations(response)
    assert client.get(f"{URL}/{NUMBER}").status_code == 404


def test_all_violations_are_reported_at_once(client):
    response = client.post(URL, json={"phoneNumber": "x", "regionCode": "SE"})
    assert set(violations(response)) == {"phoneNumber", "regionCode", "smsConfiguration"}
    response = client.post(URL, json={"phoneNumber": "+442071234567", "regionCode": "GB",
                                      "smsConfiguration": {"servicePlanId": ""}, "displayName": "x" * 257,
                                      "callbackUrl": "nope"})
    assert set(violations(response)) == {"phoneNumber", "regionCode", "smsConfiguration.servicePlanId",
                                         "displayName", "callbackUrl"}


def test_missing_fields_are_said_to_be_required(client):
    found = violations(client.post(URL, json={}))
    assert found["regionCode"].startswith("is required") and found["phoneNumber"] == "is required"


def test_duplicate_import_is_409(client):
    assert client.post(URL, json=body()).status_code == 200
    response = client.post(URL, json=body())
    assert response.status_code == 409 and response.json()["status"] == "ALREADY_EXISTS"
    assert "phoneNumber" in violations(response)  # like the other 409s of the API


def test_get_of_an_absent_number_is_404(client):
    response = client.get(f"{URL}/{NUMBER}")
    assert response.status_code == 404 and response.json()["status"] == "NOT_FOUND"


def test_patch_unlinks_with_empty_strings_and_refuses_relinking(client):
    client.post(URL, json=body(campaign="camp-1"))
    refused = client.patch(f"{URL}/{NUMBER}", json={"displayName": "x"})
    assert refused.status_code == 200  # display name changes are fine while provisioning runs
    busy = client.patch(f"{URL}/{NUMBER}", json={"smsConfiguration": {"campaignId": "camp-2"}})
    assert busy.status_code == 400 and busy.json()["status"] == "FAILED_PRECONDITION"  # queued or not
    client.post("/_mock/clock:advance", json={"seconds": 600})
    relink = client.patch(f"{URL}/{NUMBER}", json={"smsConfiguration": {"campaignId": "camp-2"}})
    assert relink.status_code == 400 and "unlink it first" in relink.json()["message"]
    unlink = client.patch(f"{URL}/{NUMBER}", json={"displayName": "My Display Name",
                                                   "smsConfiguration": {"servicePlanId": "", "campaignId": ""},
                                                   "callbackUrl": "https://www.your-callback-server.com/callback"})
    assert unlink.status_code == 200
    assert_matches(unlink.json(), "ImportedNumber")
    client.post("/_mock/clock:advance", json={"seconds": 600})
    got = client.get(f"{URL}/{NUMBER}").json()
    assert got["smsConfiguration"]["servicePlanId"] == "" and got["smsProvisioning"]["type"] == "DEPROVISIONING"
    link = client.patch(f"{URL}/{NUMBER}", json={"smsConfiguration": {"servicePlanId": "plan-2", "campaignId": "c2"}})
    assert link.status_code == 200 and link.json()["smsConfiguration"]["servicePlanId"] == "plan-2"


def test_patch_cannot_change_the_number_itself(client):
    client.post(URL, json=body())
    response = client.patch(f"{URL}/{NUMBER}", json={"phoneNumber": "+12025550199"})
    assert response.status_code == 400 and "phoneNumber" in violations(response)


def test_patch_of_an_absent_number_is_404(client):
    assert client.patch(f"{URL}/{NUMBER}", json={"displayName": "x"}).status_code == 404


def test_delete_answers_an_empty_200_and_the_number_can_come_back(client):
    client.post(URL, json=body())
    deleted = client.delete(f"{URL}/%2B12025550134")
    assert deleted.status_code == 200 and deleted.content == b""
    assert client.delete(f"{URL}/{NUMBER}").status_code == 404
    assert client.post(URL, json=body()).status_code == 200


# --- listing ---------------------------------------------------------------------------------------
def seed(client, count, plan="plan-1", campaign: str | None = "camp-1", start=2025550100, region="US"):
    for i in range(count):
        assert client.post(URL, json={**body(f"+1{start + i}", plan, campaign), "regionCode": region}).status_code == 200
        client.post("/_mock/clock:advance", json={"seconds": 1})


def listing(client, **params):
    params = {"servicePlanId": "plan-1", "campaignId": "camp-1", **params}
    return client.get(URL, params=params)


def test_list_without_filters_lists_every_number_of_the_project(client):
    seed(client, 2)
    seed(client, 1, plan="plan-2", campaign=None, start=2025550200)
    everything = client.get(URL)
    assert everything.status_code == 200 and everything.json()["totalSize"] == 3
    assert client.get(URL, params={"servicePlanId": "plan-2"}).json()["totalSize"] == 1
    assert client.get(URL, params={"campaignId": ""}).json()["totalSize"] == 1  # empty: none linked
    assert client.get(URL, params={"campaignId": "camp-1"}).json()["totalSize"] == 2


def test_list_filters_by_plan_campaign_region_and_pattern(client):
    seed(client, 3)
    seed(client, 2, plan="plan-2", start=2025550200)
    seed(client, 1, start=4165550300, region="CA")
    assert listing(client).json()["totalSize"] == 4
    assert listing(client, regionCode="CA").json()["totalSize"] == 1
    assert listing(client, servicePlanId="plan-2").json()["totalSize"] == 2
    starts = listing(client, **{"numberPattern.pattern": "+1416", "numberPattern.searchPattern": "START"}).json()
    assert [n["phoneNumber"] for n in starts["importedNumbers"]] == ["+14165550300"]
    ends = listing(client, **{"numberPattern.pattern": "0102", "numberPattern.searchPattern": "END"}).json()
    assert [n["phoneNumber"] for n in ends["importedNumbers"]] == ["+12025550102"]
    contains = listing(client, **{"numberPattern.pattern": "555010"}).json()
    assert contains["totalSize"] == 3
    assert_matches(contains, "ListImportedNumbersResponse")


@pytest.mark.parametrize("params,field", [
    ({"numberPattern.searchPattern": "MIDDLE"}, "numberPattern.searchPattern"),
    ({"numberPattern.searchPattern": ""}, "numberPattern.searchPattern"),
    ({"orderBy": ""}, "orderBy"),
    ({"numberPattern.pattern": "12a"}, "numberPattern.pattern"),
    ({"numberPattern.pattern": "+1202", "numberPattern.searchPattern": "END"}, "numberPattern.pattern"),
    ({"numberPattern.pattern": "1202", "numberPattern.searchPattern": "START"}, "numberPattern.pattern"),
    ({"numberPattern.pattern": "\u0663"}, "numberPattern.pattern"),
    ({"pageSize": " 5"}, "pageSize"),
    ({"pageSize": "\u0663"}, "pageSize"),
    ({"orderBy": "phoneNumber"}, "orderBy"),
    ({"pageSize": "-3"}, "pageSize"),
    ({"pageToken": "bogus"}, "pageToken"),
    ({"regionCode": "MX"}, "regionCode"),
])
def test_bad_list_parameters_are_400(client, params, field):
    response = listing(client, **params)
    assert response.status_code == 400 and field in violations(response)


def test_paging_is_consistent_while_numbers_are_added(client):
    seed(client, 5)
    first = listing(client, pageSize=2).json()
    assert first["totalSize"] == 5 and first["nextPageToken"]
    seed(client, 1, start=2025550190)  # created later: sorts last by createdTime
    second = listing(client, pageSize=2, pageToken=first["nextPageToken"]).json()
    third = listing(client, pageSize=10, pageToken=second["nextPageToken"]).json()
    phones = [n["phoneNumber"] for page in (first, second, third) for n in page["importedNumbers"]]
    assert phones == [f"+1{2025550100 + i}" for i in range(5)] + ["+12025550190"]
    assert third["nextPageToken"] == ""


def test_order_by_updated_time(client):
    seed(client, 3)
    client.patch(f"{URL}/+12025550100", json={"displayName": "touched"})
    phones = [n["phoneNumber"] for n in listing(client, orderBy="updatedTime").json()["importedNumbers"]]
    assert phones[-1] == "+12025550100"


def test_a_token_cannot_be_reused_with_other_filters(client):
    seed(client, 3)
    token = listing(client, pageSize=1).json()["nextPageToken"]
    response = listing(client, pageSize=1, pageToken=token, regionCode="US")
    assert response.status_code == 400 and "pageToken" in violations(response)


def test_a_token_of_one_project_is_400_in_another(client):
    seed(client, 3)
    for i in range(3):  # p2 holds a list of the same shape
        assert client.post("/v1/projects/p2/importedNumbers",
                           json=body(f"+1{2025550200 + i}", "plan-1", "camp-1")).status_code == 200
    token = listing(client, pageSize=1).json()["nextPageToken"]
    response = client.get("/v1/projects/p2/importedNumbers",
                          params={"servicePlanId": "plan-1", "campaignId": "camp-1", "pageSize": 1, "pageToken": token})
    assert response.status_code == 400 and "pageToken" in violations(response)


def test_a_token_of_one_number_pattern_is_400_with_another(client):
    seed(client, 3)
    token = listing(client, pageSize=1, **{"numberPattern.pattern": "555"}).json()["nextPageToken"]
    response = listing(client, pageSize=1, pageToken=token, **{"numberPattern.pattern": "+1202",
                                                               "numberPattern.searchPattern": "START"})
    assert response.status_code == 400 and "pageToken" in violations(response)


def test_concurrent_imports_lose_nothing(client):
    phones = [f"+1202555{1000 + i}" for i in range(24)]
    results = []

    def worker(chunk):
        for phone in chunk:
            results.append(client.post(URL, json=body(phone)).status_code)

    threads = [threading.Thread(target=worker, args=(phones[i::4],)) for i in range(4)]
    duplicate = [threading.Thread(target=lambda: results.append(client.post(URL, json=body(phones[0])).status_code))
                 for _ in range(4)]
    for t in threads + duplicate:
        t.start()
    for t in threads + duplicate:
        t.join()
    assert sorted(results).count(200) == 24 and results.count(409) == 4
    assert listing(client, campaignId="").json()["totalSize"] == 24


@pytest.mark.parametrize("payload,field", [
    ({**body(), "callbackUrl": None}, "callbackUrl"),
    ({**body(), "displayName": None}, "displayName"),
    ({**body(), "smsConfiguration": {"servicePlanId": "p", "campaignId": None}}, "smsConfiguration.campaignId"),
])
def test_null_is_refused_naming_the_field(client, payload, field):
    response = client.post(URL, json=payload)
    assert response.status_code == 400 and field in violations(response)
