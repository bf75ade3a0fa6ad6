"""A test suite that uses sinch-mock's pytest plugin, written the way a user would.

Installing the package (`pip install sinch-mock`) registers the fixtures; nothing to import.
Run it with `pytest examples/test_with_sinch_mock.py`.
"""

from datetime import timedelta

import httpx
import pytest
from freezegun import freeze_time

PROJECT = "my-project"
NUMBER = "+12025550134"


def import_number(client, number=NUMBER, **extra):
    return client.post(f"/v1/projects/{PROJECT}/importedNumbers", json={
        "phoneNumber": number, "regionCode": "US",
        "smsConfiguration": {"servicePlanId": "my-plan", "campaignId": "my-campaign"}, **extra})


def test_an_imported_number_is_provisioned_and_linked(sinch_mock):
    created = import_number(sinch_mock.client)
    assert created.status_code == 200
    assert created.json()["smsConfiguration"]["scheduledProvisioning"]["status"] == 1

    sinch_mock.advance(3600)

    number = sinch_mock.client.get(f"/v1/projects/{PROJECT}/importedNumbers/{NUMBER}").json()
    assert number["smsProvisioning"]["state"] == "DONE"
    assert number["campaignProvisioning"]["state"] == "DONE"
    assert [p["eventType"] for p in sinch_mock.payloads(PROJECT)] == [
        "PROVISIONING_TO_SMS_PLATFORM", "LINK_TO_10DLC_CAMPAIGN"]


def test_each_test_starts_from_an_empty_mock(sinch_mock):
    assert sinch_mock.client.get(f"/v1/projects/{PROJECT}/importedNumbers/{NUMBER}").status_code == 404


def test_callbacks_arrive_signed_with_the_project_secret(sinch_mock, callback_sink):
    sinch_mock.client.patch(f"/v1/projects/{PROJECT}/callbackConfiguration", json={"hmacSecret": "s3cret"})
    callback_sink.secret = "s3cret"
    import_number(sinch_mock.client, callbackUrl=callback_sink.url)

    sinch_mock.advance(3600)  # deliveries that fall due are made before advance returns

    assert [e["eventType"] for e in callback_sink.events()] == [
        "PROVISIONING_TO_SMS_PLATFORM", "LINK_TO_10DLC_CAMPAIGN"]
    callback_sink.assert_signatures()


def test_a_failing_receiver_gets_the_callback_again(sinch_mock, callback_sink):
    callback_sink.respond = [500, 200]  # each event: first attempt 500, then 200
    import_number(sinch_mock.client, callbackUrl=callback_sink.url)
    sinch_mock.advance(3600)
    first = sinch_mock.events(PROJECT)[0]
    assert first["state"] == "delivered"
    assert [a["statusCode"] for a in first["attempts"]] == [500, 200]


def test_ownership_is_proven_by_the_voice_call(sinch_mock):
    client = sinch_mock.client
    client.post(f"/v1/projects/{PROJECT}/qualifiedNumbers:addNumbers", json={"phoneNumbers": [NUMBER]})
    sinch_mock.advance(60)  # the eligibility check
    client.post(f"/v1/projects/{PROJECT}/qualifiedNumbers/{NUMBER}:sendVoiceChallenge")

    code = sinch_mock.voice_code(PROJECT, NUMBER)  # what the voice call "said"

    verified = client.post(f"/v1/projects/{PROJECT}/qualifiedNumbers/{NUMBER}:verifyVoiceChallenge",
                           json={"code": code})
    assert verified.json()["globalProcessState"] == "GLOBAL_PROCESS_STATE_VERIFIED"


def test_a_text_enable_order_completes_once_its_loa_is_signed(sinch_mock):
    client = sinch_mock.client
    client.post(f"/v1/projects/{PROJECT}/qualifiedNumbers:addNumbers", json={"phoneNumbers": [NUMBER]})
    sinch_mock.advance(60)
    sinch_mock.approve_invoices(PROJECT, NUMBER)  # the manual invoice review passes
    order = client.post(f"/v1/projects/{PROJECT}/hostingOrders:textEnableNumbers", json={
        "regionCode": "US", "numbers": [NUMBER], "servicePlanId": "my-plan", "campaignId": "my-campaign",
        "directLoaInfo": {
            "authorisedPerson": {"firstName": "Jane", "lastName": "Doe", "email": "jane@example.com"},
            "address": {"buildingNumber": "1", "street": "Main St", "city": "Seattle", "state": "WA",
                        "postalCode": "98101", "country": "US"},
            "currentVoiceCarrier": "Verizon"}}).json()
    sinch_mock.advance(60)
    assert client.get(f"/v1/projects/{PROJECT}/hostingOrders/{order['hostingOrderId']}").json()["state"] \
        == "WAITING_FOR_LOA_SIGNATURE"

    sinch_mock.sign_loa(PROJECT, order["hostingOrderId"])
    sinch_mock.advance(3600)

    assert client.get(f"/v1/projects/{PROJECT}/hostingOrders/{order['hostingOrderId']}").json()["state"] \
        == "COMPLETED"
    assert client.get(f"/v1/projects/{PROJECT}/importedNumbers/{NUMBER}").status_code == 200


@pytest.mark.sinch_mock(scenario="campaign-failures")
def test_a_number_linked_to_a_suspended_campaign_fails(sinch_mock):
    sinch_mock.advance(600)
    number = sinch_mock.client.get("/v1/projects/campaign-failures/importedNumbers/+13035553010").json()
    assert number["campaignProvisioning"]["errorCode"] == "CAMPAIGN_MNO_SUSPENDED"


def test_an_inline_scenario(sinch_mock):
    sinch_mock.load_scenario({"campaigns": {"my-campaign": "expired"}})
    import_number(sinch_mock.client)
    sinch_mock.advance(600)
    assert sinch_mock.payloads(PROJECT)[-1]["failureCode"] == "CAMPAIGN_EXPIRED"


def test_freezegun_moves_the_mock_s_clock(sinch_mock):
    with freeze_time("2026-06-01T12:00:00Z", real_asyncio=True) as frozen:
        import_number(sinch_mock.client)
        frozen.tick(timedelta(seconds=30))
        number = sinch_mock.client.get(f"/v1/projects/{PROJECT}/importedNumbers/{NUMBER}").json()
        assert number["smsProvisioning"]["updateTime"] == "2026-06-01T12:00:30.000Z"
        frozen.move_to("2026-06-01T13:00:00Z")
        number = sinch_mock.client.get(f"/v1/projects/{PROJECT}/importedNumbers/{NUMBER}").json()
        assert number["campaignProvisioning"]["state"] == "DONE"


def test_code_that_makes_real_http_calls(sinch_mock_server, callback_sink):
    # The code under test gets a URL and credentials, as it would for the real API.
    with httpx.Client(base_url=sinch_mock_server.base_url, auth=sinch_mock_server.auth) as api:
        created = import_number(api, callbackUrl=callback_sink.url)
        assert created.status_code == 200
    sinch_mock_server.advance(3600)
    assert callback_sink.wait_for(2)
    assert {e["resourceId"] for e in callback_sink.events()} == {NUMBER}


def test_the_live_server_is_reset_between_tests(sinch_mock_server):
    assert sinch_mock_server.events() == []
