"""freezegun drives the in-process mock's clock: tick() and move_to() play transitions out."""

from datetime import timedelta

from freezegun import freeze_time
from starlette.testclient import TestClient

from mock_server.config import MockConfig
from mock_server.http.app import create_app
from tests.conftest import AUTH_HEADERS

URL = "/v1/projects/p1/importedNumbers"


def test_freeze_time_tick_and_move_to_drive_the_lifecycle():
    with freeze_time("2026-06-01T12:00:00Z") as frozen:
        app = create_app(MockConfig(seed=5, background=False))  # the default, flowing clock
        client = TestClient(app, headers=AUTH_HEADERS)
        created = client.post(URL, json={"phoneNumber": "+12025550134", "regionCode": "US",
                                         "smsConfiguration": {"servicePlanId": "plan", "campaignId": "camp"}})
        assert created.status_code == 200
        assert client.get("/_mock/clock").json()["now"] == "2026-06-01T12:00:00.000Z"
        frozen.tick(timedelta(seconds=30))
        got = client.get(f"{URL}/+12025550134").json()
        assert got["smsProvisioning"]["state"] == "DONE"
        assert got["smsProvisioning"]["updateTime"] == "2026-06-01T12:00:30.000Z"
        assert got["campaignProvisioning"]["state"] == "IN_PROGRESS"
        frozen.move_to("2026-06-01T13:00:00Z")
        got = client.get(f"{URL}/+12025550134").json()
        assert got["campaignProvisioning"]["state"] == "DONE"
        assert "scheduledProvisioning" not in got["smsConfiguration"]
