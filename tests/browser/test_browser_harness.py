"""The browser harness itself: Debian's Chromium loads a page the mock serves."""

import json


def test_chromium_reaches_the_mock_health_endpoint(page, live_mock):
    response = page.goto(f"{live_mock.url}/_mock/health")
    assert response is not None and response.status == 200
    assert json.loads(page.locator("body").inner_text()) == {"status": "ok"}
