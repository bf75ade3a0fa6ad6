"""The documented workflows of issue 11 on a real `sinch-mock serve` process, over real sockets."""

import httpx
import pytest

from tests.conftest import AUTH
from tests.e2e.test_cli_serve import start, stop, wait_healthy

pytestmark = pytest.mark.live


def test_relink_in_two_requests_invoice_review_and_blanket_loa_over_http():
    process, url, _ = start("--seed", "11")
    try:
        wait_healthy(url)
        with httpx.Client(base_url=url, auth=AUTH) as api:
            numbers = "/v1/projects/live/importedNumbers"
            assert api.get(f"{numbers}/").status_code == 404  # a trailing slash is an unknown path
            assert api.post(numbers, json={"phoneNumber": "+12025550134", "regionCode": "US", "smsConfiguration": {
                "servicePlanId": "plan-1", "campaignId": "camp-1"}}).status_code == 200
            one = f"{numbers}/+12025550134"
            assert api.patch(one, json={"smsConfiguration": {"servicePlanId": "", "campaignId": ""}}).status_code == 200
            assert api.patch(one, json={"smsConfiguration": {"servicePlanId": "plan-2"}}).status_code == 200
            assert api.get(numbers).json()["totalSize"] == 1  # no filter needed

            qualified = "/v1/projects/live/qualifiedNumbers"
            assert api.post(f"{qualified}:addNumbers", json={"phoneNumbers": ["+12025550135"]}).status_code == 200
            assert api.post("/_mock/clock:advance", json={"seconds": 3 * 86400}).status_code == 200
            assert api.get(one).json()["smsConfiguration"]["servicePlanId"] == "plan-2"
            assert api.get(f"{qualified}/+12025550135").json()["globalProcessState"] == "GLOBAL_PROCESS_STATE_VERIFIED"

            order = {"regionCode": "US", "numbers": ["+12025550135"], "servicePlanId": "plan-1", "campaignId": "C1",
                     "blanketLoaInfo": {}}
            assert api.post("/v1/projects/live/hostingOrders:textEnableNumbers", json=order).status_code == 400
            assert api.post("/_mock/projects/live:approveBlanketLoa").json()["blanketLoa"] is True
            assert api.post("/v1/projects/live/hostingOrders:textEnableNumbers", json=order).status_code == 200
    finally:
        assert stop(process) == 0
