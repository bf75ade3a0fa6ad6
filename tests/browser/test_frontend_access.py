"""A frontend on another origin uses the mock from Chromium; hostile pages cannot abuse it."""

from __future__ import annotations

import httpx

from mock_server.config import SANDBOX_KEY_ID, SANDBOX_KEY_SECRET

# Runs in the page: import a number and read it back, with Basic auth and with an OAuth2 token.
FRONTEND = """
async ({mock, keyId, keySecret}) => {
  const basic = "Basic " + btoa(keyId + ":" + keySecret);
  const json = {"Content-Type": "application/json"};
  const body = (number) => JSON.stringify({phoneNumber: number, regionCode: "US",
                                           smsConfiguration: {servicePlanId: "plan", campaignId: "camp"}});
  const out = {};
  let r = await fetch(`${mock}/v1/projects/web/importedNumbers`,
                      {method: "POST", headers: {...json, Authorization: basic}, body: body("+12025550134")});
  out.basicImport = r.status;
  r = await fetch(`${mock}/v1/projects/web/importedNumbers/%2B12025550134`, {headers: {Authorization: basic}});
  out.basicRead = [r.status, (await r.json()).phoneNumber];

  r = await fetch(`${mock}/oauth2/token`, {method: "POST", headers: {Authorization: basic,
                  "Content-Type": "application/x-www-form-urlencoded"}, body: "grant_type=client_credentials"});
  const token = (await r.json()).access_token;
  out.token = [r.status, typeof token];
  const bearer = "Bearer " + token;
  r = await fetch(`${mock}/v1/projects/web/importedNumbers`,
                  {method: "POST", headers: {...json, Authorization: bearer}, body: body("+12025550135")});
  out.bearerImport = r.status;
  r = await fetch(`${mock}/v1/projects/web/importedNumbers/%2B12025550135`, {headers: {Authorization: bearer}});
  out.bearerRead = [r.status, (await r.json()).phoneNumber];

  r = await fetch(`${mock}/v1/projects/web/importedNumbers/%2B19999999999`, {headers: {Authorization: "Basic eDp5"}});
  out.unauthenticated = [r.status, r.headers.get("WWW-Authenticate")];
  r = await fetch(`${mock}/_mock/clock:advance`, {method: "POST", headers: json, body: '{"seconds": 600}'});
  out.advance = r.status;
  return out;
}
"""


def test_a_page_on_another_origin_imports_and_reads_back(page, live_mock, other_origin):
    page.goto(other_origin.url("localhost"))  # like `npm run dev` on http://localhost:PORT
    result = page.evaluate(FRONTEND, {"mock": live_mock.url, "keyId": SANDBOX_KEY_ID, "keySecret": SANDBOX_KEY_SECRET})
    assert result == {
        "basicImport": 200, "basicRead": [200, "+12025550134"],
        "token": [200, "string"],
        "bearerImport": 200, "bearerRead": [200, "+12025550135"],
        "unauthenticated": [401, 'Basic realm="sinch-mock"'],
        "advance": 200,
    }
    # 401 above is logged by Chromium as a failed resource; nothing else may be
    assert [e for e in page.console_errors if "401" not in e] == []
    page.screenshot(path="/tmp/i13-frontend-page.png")


HOSTILE = """
async ({mock}) => {
  const out = {};
  // the attack: a simple cross-site request, whose answer the page cannot even read
  await fetch(`${mock}/_mock/reset`, {method: "POST", mode: "no-cors"});
  await fetch(`${mock}/_mock/clock:resume`, {method: "POST", mode: "no-cors",
                                           headers: {"Content-Type": "text/plain"}, body: "{}"});
  // reading the mock's state or the API with CORS fails
  for (const path of ["/_mock/state", "/v1/projects/web/importedNumbers/%2B12025550134"]) {
    try { await fetch(`${mock}${path}`); out[path] = "read"; } catch (e) { out[path] = "refused"; }
  }
  return out;
}
"""


def test_a_page_on_a_disallowed_origin_is_refused_and_changes_nothing(page, live_mock, other_origin):
    api = httpx.Client(base_url=live_mock.url, auth=(SANDBOX_KEY_ID, SANDBOX_KEY_SECRET))
    assert api.post("/v1/projects/web/importedNumbers", json={
        "phoneNumber": "+12025550134", "regionCode": "US",
        "smsConfiguration": {"servicePlanId": "plan", "campaignId": "camp"}}).status_code == 200
    api.post("/_mock/clock:freeze")
    before = {k: v for k, v in api.get("/_mock/state").json().items() if k != "journal"}
    journal_before = api.get("/_mock/requests:count", params={"include": "control"}).json()["count"]

    page.goto(other_origin.url("evil.test"))
    result = page.evaluate(HOSTILE, {"mock": live_mock.url})
    assert result == {"/_mock/state": "refused", "/v1/projects/web/importedNumbers/%2B12025550134": "refused"}
    after = {k: v for k, v in api.get("/_mock/state").json().items() if k != "journal"}
    assert after == before  # the number is still there, the clock still frozen
    refusals = api.get("/_mock/requests", params={"include": "control"}).json()["requests"][journal_before:]
    assert sorted((e["path"], e["status"]) for e in refusals if e["control"]) == [
        ("/_mock/clock:resume", 403), ("/_mock/reset", 403)]
    # the page's console shows the refusals (403, CORS), nothing else
    refused = ("CORS policy", "status of 403", "status of 401", "net::ERR_FAILED")
    assert page.console_errors and [e for e in page.console_errors if not any(r in e for r in refused)] == []


def test_dns_rebinding_cannot_read_the_control_plane(page, live_mock):
    # a name of the attacker's that resolves to 127.0.0.1: the page is same-origin with the mock
    response = page.goto(f"http://rebind.test:{live_mock.port}/_mock/state")
    assert response is not None and response.status == 403
    assert "--allowed-host" in page.locator("body").inner_text()
    assert page.goto(f"http://localhost:{live_mock.port}/_mock/clock").status == 200
