"""`/docs` in Chromium: loads with no network, authorizes, and "Try it out" reaches the mock."""

from __future__ import annotations

import json
from urllib.parse import urlsplit

import httpx

from mock_server.config import SANDBOX_KEY_ID, SANDBOX_KEY_SECRET

IMPORT_BODY = {"phoneNumber": "+12025550134", "regionCode": "US", "displayName": "from the explorer",
               "smsConfiguration": {"servicePlanId": "plan", "campaignId": "camp"}}


def offline(page) -> list[str]:
    """Refuse every request that would leave loopback; answer the list of those tried."""
    tried: list[str] = []

    def route(request_route) -> None:
        host = urlsplit(request_route.request.url).hostname
        if request_route.request.url.startswith("data:") or host in ("127.0.0.1", "localhost"):
            request_route.continue_()
        else:
            tried.append(request_route.request.url)
            request_route.abort()

    page.route("**/*", route)
    return tried


def open_operation(page, operation_id: str):
    block = page.locator(f"#operations-{operation_id}")
    block.locator(".opblock-summary").first.click()
    block.get_by_role("button", name="Try it out").click()
    return block


def try_import(page, project: str):
    """"Try it out" on the import operation: the status shown and the answer's cell."""
    block = open_operation(page, "Imported_Numbers-ImportNumberService_ImportNumber")
    block.locator("tr[data-param-name=projectId] input").fill(project)
    block.locator("textarea.body-param__text").fill(json.dumps(IMPORT_BODY))
    block.get_by_role("button", name="Execute").click()
    status = block.locator(".live-responses-table .response .response-col_status").first
    status.wait_for()
    return status.inner_text().strip(), block.locator(".live-responses-table tbody .response-col_description").first


def test_the_explorer_authorizes_and_try_it_out_imports_a_number(page, live_mock):
    tried = offline(page)
    page.goto(f"{live_mock.url}/docs")
    page.locator(".information-container .title").wait_for()
    assert "Imported Numbers" in page.locator(".information-container .title").inner_text()
    assert live_mock.url in page.locator(".servers").inner_text()
    page.screenshot(path="/tmp/i13-explorer-top.png")

    page.locator(".auth-wrapper .authorize").click()
    basic = page.locator(".auth-container").filter(has_text="Basic (http, Basic)")
    basic.locator("#auth-basic-username").fill(SANDBOX_KEY_ID)
    basic.locator("#auth-basic-password").fill(SANDBOX_KEY_SECRET)
    basic.locator("button.authorize").click()
    page.locator(".dialog-ux .close-modal").click()

    status, answer = try_import(page, "explorer")
    answer.scroll_into_view_if_needed()
    page.screenshot(path="/tmp/i13-explorer-import.png")
    assert status == "200"
    assert '"+12025550134"' in answer.inner_text()

    created = httpx.get(f"{live_mock.url}/v1/projects/explorer/importedNumbers/%2B12025550134",
                        auth=(SANDBOX_KEY_ID, SANDBOX_KEY_SECRET))
    assert created.status_code == 200 and created.json()["displayName"] == "from the explorer"
    assert tried == []
    assert page.console_errors == []


def test_the_explorer_gets_a_token_from_the_mock(page, live_mock):
    tried = offline(page)
    page.goto(f"{live_mock.url}/docs")
    page.locator(".auth-wrapper .authorize").click()
    oauth = page.locator(".auth-container").filter(has_text="OAuth2.0")
    assert f"{live_mock.url}/oauth2/token" in oauth.inner_text()
    oauth.locator("#client_id_clientCredentials").fill(SANDBOX_KEY_ID)
    oauth.locator("#client_secret_clientCredentials").fill(SANDBOX_KEY_SECRET)
    oauth.locator("button.authorize").click()
    oauth.locator("button", has_text="Logout").wait_for()
    page.locator(".dialog-ux .close-modal").click()

    status, _ = try_import(page, "token")
    assert status == "200"
    tokens = httpx.get(f"{live_mock.url}/_mock/requests", params={"path": "/oauth2/token"}).json()["requests"]
    assert [t["status"] for t in tokens] == [200]
    assert tried == [] and page.console_errors == []


def test_the_control_plane_definition_drives_the_mock(page, live_mock):
    tried = offline(page)
    page.goto(f"{live_mock.url}/docs?urls.primaryName=Control%20plane%20(%2F_mock)")
    page.locator(".information-container .title").wait_for()
    assert "sinch-mock control plane" in page.locator(".information-container .title").inner_text()
    block = open_operation(page, "Clock-freezeClock")
    block.get_by_role("button", name="Execute").click()
    status = block.locator(".live-responses-table .response .response-col_status").first
    status.wait_for()
    status.scroll_into_view_if_needed()
    page.screenshot(path="/tmp/i13-explorer-control.png")
    assert status.inner_text().strip() == "200"
    assert httpx.get(f"{live_mock.url}/_mock/clock").json()["frozen"] is True
    assert tried == [] and page.console_errors == []
