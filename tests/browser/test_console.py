"""The sandbox console in Debian's Chromium against a real `sinch-mock serve` process.

Each flow runs at desktop (1280x800) and phone (390x844) width, and ends with no console
error (one flow expects exactly the 400 its bad form provokes).
"""

from __future__ import annotations

import json
import re
from typing import Iterator

import httpx
import pytest

from mock_server.config import SANDBOX_KEY_ID, SANDBOX_KEY_SECRET
from tests.browser.conftest import LiveMock

expect = pytest.importorskip("playwright.sync_api").expect

AUTH = (SANDBOX_KEY_ID, SANDBOX_KEY_SECRET)
WIDTHS = {"desktop": (1280, 800), "phone": (390, 844)}
LIVE_MS = 2000  # a change made elsewhere shows within a second; 2 s leaves room on a busy machine


@pytest.fixture(params=list(WIDTHS))
def console(request, browser) -> Iterator:
    """A page at one of the two widths, collecting console errors."""
    width, height = WIDTHS[request.param]
    context = browser.new_context(viewport={"width": width, "height": height})
    page = context.new_page()
    errors: list[str] = []
    page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.console_errors = errors
    page.width_name = request.param
    try:
        yield page
    finally:
        context.close()


def mock_with(*args: str) -> LiveMock:
    return LiveMock("--seed", "7", *args)


@pytest.fixture
def happy() -> Iterator[LiveMock]:
    with mock_with("--scenario", "10dlc-happy-path") as mock:
        yield mock


def open_project(page, mock: LiveMock, project: str, tab: str = "imported") -> None:
    page.goto(f"{mock.url}/#/p/{project}/{tab}")
    expect(page.locator("#live")).to_have_text("live")


def test_lists_the_numbers_of_the_scenario_as_the_api_returns_them(console, happy):
    page = console
    httpx.post(f"{happy.url}/_mock/clock:freeze")
    page.goto(happy.url + "/")
    page.get_by_role("link", name="happy-10dlc").first.click()
    table = page.locator("#imported-table")
    for number in ("+12065552000", "+12065552001", "+12065552002", "+12065552100", "+12065552101"):
        expect(table.get_by_role("rowheader", name=re.compile(re.escape(number)))).to_be_visible()
    expect(page.locator(".pager")).to_contain_text("1–5 of 5 imported numbers")
    # The row's JSON is exactly what GET importedNumbers/{phoneNumber} answers.
    row = table.locator("tr", has_text="+12065552000")
    row.locator("summary", has_text="JSON").click()
    shown = json.loads(row.locator("pre").inner_text())
    api = httpx.get(f"{happy.url}/v1/projects/happy-10dlc/importedNumbers/%2B12065552000", auth=AUTH).json()
    assert shown == api
    assert page.console_errors == []


def test_advancing_the_clock_completes_the_order_and_its_callbacks_reach_the_ledger(console, happy):
    page = console
    httpx.post(f"{happy.url}/_mock/clock:freeze")
    open_project(page, happy, "happy-10dlc", "orders")
    order = page.locator("article.order")
    expect(order.locator("h3")).to_contain_text("IN_PROGRESS")
    page.get_by_role("button", name="+1 h").click()
    expect(order.locator("h3")).to_contain_text("COMPLETED")
    expect(page.locator("#last-call-text")).to_have_text('POST /_mock/clock:advance\n{"seconds":3600}')
    expect(page.locator("#last-call-status")).to_have_text("→ 200 OK")
    expect(page.locator("#clock-mode")).to_have_text("frozen")
    page.get_by_role("link", name="Callbacks").click()
    ledger = page.locator("#ledger article.event")
    expect(ledger.filter(has_text="+12065552200").first).to_be_visible()
    events = httpx.get(f"{happy.url}/_mock/events", params={"projectId": "happy-10dlc"}).json()["events"]
    expect(ledger).to_have_count(len(events))
    assert events, "the scenario's lifecycles record callback events"
    assert page.console_errors == []


def test_signing_the_loa_from_the_page_starts_the_order(console):
    with mock_with("--scenario", "loa-declined") as mock:
        page = console
        open_project(page, mock, "loa-declined", "orders")
        waiting = page.locator("article.order", has_text="WAITING_FOR_LOA_SIGNATURE")
        order_id = waiting.get_attribute("data-order")
        waiting.get_by_role("button", name="Sign LOA").click()
        card = page.locator(f'article.order[data-order="{order_id}"]')
        expect(card.locator("h3")).to_contain_text("IN_PROGRESS")
        expect(card).to_contain_text("SIGNED")
        expect(page.locator("#last-call-text")).to_have_text(f"POST /_mock/projects/loa-declined/hostingOrders/{order_id}:signLoa\n{{}}")
        api = httpx.get(f"{mock.url}/v1/projects/loa-declined/hostingOrders/{order_id}", auth=AUTH).json()
        assert api["state"] == "IN_PROGRESS"
        assert page.console_errors == []


def test_the_voice_code_entered_on_the_page_verifies_the_number(console):
    with mock_with("--scenario", "voice-challenge-lockout") as mock:
        page = console
        open_project(page, mock, "voice-lockout", "qualified")
        card = page.locator('article.qualified[data-number="+16175552003"]')
        expect(card.locator("h3")).to_contain_text("ELIGIBLE")
        card.get_by_role("button", name="Send voice challenge").click()
        expect(card.locator("h3")).to_contain_text("VERIFICATION_PENDING")
        code = httpx.get(f"{mock.url}/_mock/projects/voice-lockout/qualifiedNumbers/%2B16175552003/voiceChallenge").json()["code"]
        expect(card.locator("[data-voice-code]")).to_have_text(code)  # the current code is on the page
        card.get_by_role("button", name="Read the code").click()
        expect(card.get_by_label("Code")).to_have_value(code)
        card.get_by_role("button", name="Verify").click()
        expect(card.locator("h3")).to_contain_text("VERIFIED")
        expect(page.locator("#last-call-text")).to_have_text(
            "POST /v1/projects/voice-lockout/qualifiedNumbers/%2B16175552003:verifyVoiceChallenge\n"
            f'{{"code":"{code}"}}')
        assert "-u 'sandbox-key-id:sandbox-key-secret'" in page.locator("#last-call-curl").text_content()
        api = httpx.get(f"{mock.url}/v1/projects/voice-lockout/qualifiedNumbers/%2B16175552003", auth=AUTH).json()
        assert api["globalProcessState"] == "GLOBAL_PROCESS_STATE_VERIFIED"
        assert page.console_errors == []


def test_a_number_imported_by_an_outside_call_appears_without_reload(console, live_mock):
    page = console
    open_project(page, live_mock, "outside")
    page.evaluate("window.__notReloaded = true")
    answer = httpx.post(f"{live_mock.url}/v1/projects/outside/importedNumbers", auth=AUTH, json={
        "phoneNumber": "+12025550134", "regionCode": "US", "smsConfiguration": {"servicePlanId": "plan"}})
    assert answer.status_code == 200
    expect(page.get_by_role("rowheader", name=re.compile(r"\+12025550134"))).to_be_visible(timeout=LIVE_MS)
    expect(page.locator("#projects")).to_contain_text("outside", timeout=LIVE_MS)
    assert page.evaluate("window.__notReloaded") is True
    assert page.console_errors == []


def test_a_bad_number_shows_the_apis_message_on_the_field(console, live_mock):
    page = console
    open_project(page, live_mock, "forms", "create")
    form = page.locator("#import-form")
    form.get_by_label("Phone number (E.164)").fill("+1202555")
    form.get_by_label("Service plan id").fill("plan")
    form.get_by_role("button", name="Import").click()
    api = httpx.post(f"{live_mock.url}/v1/projects/forms/importedNumbers", auth=AUTH, json={
        "phoneNumber": "+1202555", "regionCode": "US", "smsConfiguration": {"servicePlanId": "plan"}}).json()
    described = {v["field"]: v["description"] for d in api["details"] for v in d["fieldViolations"]}
    error = form.locator('[data-field="phoneNumber"] .field-error')
    expect(error).to_have_text(described["phoneNumber"])
    expect(form.get_by_label("Phone number (E.164)")).to_have_attribute("aria-invalid", "true")
    expect(form.locator('[data-field="displayName"] .field-error')).to_have_text("")
    expect(form.locator(".form-error")).to_contain_text(api["message"])
    # A refresh brought by the live stream keeps the form, its values and its messages.
    httpx.post(f"{live_mock.url}/_mock/clock:advance", json={"seconds": 1})
    page.wait_for_timeout(600)
    expect(error).to_have_text(described["phoneNumber"])
    expect(form.get_by_label("Phone number (E.164)")).to_have_value("+1202555")
    # The browser reports the refused call, and nothing else.
    assert [e for e in page.console_errors if "status of 400" not in e] == []
    assert len(page.console_errors) == 1


def test_the_control_token_goes_with_every_control_call_and_the_stream(console, live_mock):
    page = console
    sent: list[tuple[str, str | None]] = []
    page.on("request", lambda r: sent.append((r.url, r.headers.get("authorization"))))
    page.goto(live_mock.url + "/")
    page.locator("summary", has_text="Credentials").click()
    page.get_by_label("Control token").fill("s3cret")
    sent.clear()
    page.get_by_role("button", name="Save").click()
    page.get_by_role("button", name="+1 min").click()
    expect(page.locator("#last-call-status")).to_have_text("→ 200 OK")
    page.wait_for_timeout(300)
    control = [(url, auth) for url, auth in sent if "/_mock/" in url and "/_mock/ui/static/" not in url]
    assert any(url.endswith("/_mock/clock:advance") for url, _ in control)
    assert any(url.endswith("/_mock/ui/stream") for url, _ in control)
    assert all(auth == "Bearer s3cret" for _, auth in control), control
    assert page.evaluate("sessionStorage.getItem('sinch-mock.token')") == "s3cret"
    assert 'Authorization: Bearer $SINCH_MOCK_CONTROL_TOKEN' in page.locator("#last-call-curl").text_content()
    assert page.console_errors == []


def test_ten_thousand_numbers_are_paged_never_rendered_whole(console, live_mock):
    page = console
    loaded = httpx.post(f"{live_mock.url}/_mock/scenarios:load", timeout=60, json={"scenario": {"projects": [
        {"id": "big", "imported_numbers": [{"range": {"start": "+12125550000", "count": 10000},
                                            "service_plan": "plan"}]}]}})
    assert loaded.status_code == 200, loaded.text
    open_project(page, live_mock, "big")
    rows = page.locator("#imported-table tbody tr")
    expect(rows).to_have_count(25)
    expect(page.locator(".pager")).to_contain_text("1–25 of 10000 imported numbers")
    first = rows.first.locator("th").inner_text()
    page.get_by_role("button", name="Next page").click()
    # 10,000 numbers on a shared 2-core machine: give the page time, the assertion is the same.
    expect(page.locator(".pager")).to_contain_text("26–50 of 10000", timeout=20_000)
    assert rows.first.locator("th").inner_text() != first
    page.get_by_label("Number contains").fill("5559999")
    page.get_by_role("button", name="Filter").click()
    expect(page.locator(".pager")).to_contain_text("1–1 of 1 imported numbers")
    assert page.console_errors == []


UNLABELLED = """() => [...document.querySelectorAll('input, select, textarea, button')]
  .filter((el) => el.offsetParent !== null || el.closest('details'))
  .filter((el) => el.tagName === 'BUTTON' ? !el.textContent.trim() && !el.getAttribute('aria-label')
                                          : !(el.labels && el.labels.length) && !el.getAttribute('aria-label'))
  .map((el) => el.outerHTML.slice(0, 120))"""


def test_keyboard_alone_drives_the_clock_and_every_control_has_a_label(console, happy):
    page = console
    for tab in ("imported", "qualified", "orders", "callbacks", "requests", "create"):
        open_project(page, happy, "happy-10dlc", tab)
        expect(page.locator(".tab-body")).not_to_be_empty()
        assert page.evaluate(UNLABELLED) == [], tab
    page.goto(happy.url + "/")
    expect(page.locator("#live")).to_have_text("live")
    for _ in range(30):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.textContent") == "+1 min":
            break
    else:
        pytest.fail("+1 min is not reachable with Tab")
    page.keyboard.press("Enter")
    expect(page.locator("#last-call-text")).to_have_text('POST /_mock/clock:advance\n{"seconds":60}')
    expect(page.locator("#clock-mode")).to_have_text("frozen")
    assert page.console_errors == []


def test_scenarios_state_and_reset_from_the_page_and_open_details_survive_a_refresh(console, live_mock, tmp_path):
    page = console
    page.goto(live_mock.url + "/")
    expect(page.locator("#live")).to_have_text("live")
    page.locator("summary", has_text="Scenarios and state").click()
    page.get_by_label("Scenario").select_option("10dlc-happy-path")
    page.get_by_role("button", name="Load", exact=True).click()
    expect(page.locator("#projects")).to_contain_text("happy-10dlc")
    expect(page.locator("#last-call-text")).to_have_text('POST /_mock/scenarios:load\n{"name":"10dlc-happy-path"}')
    expect(page.locator("#imported-table")).to_contain_text("+12065552000")  # it opened the loaded project

    row = page.locator('#imported-table tr[data-number="+12065552100"]')
    row.locator("summary", has_text="JSON").click()
    httpx.post(f"{live_mock.url}/_mock/clock:advance", json={"seconds": 600})  # a change: the view is read again
    expect(row.locator("td").first).to_contain_text("DONE")
    expect(row.locator("details")).to_have_attribute("open", "")

    with page.expect_download() as download:
        page.get_by_role("button", name="Download state").click()
    saved = tmp_path / "state.json"
    download.value.save_as(saved)
    assert json.loads(saved.read_text())["version"] == 2
    expect(page.locator("#last-call-text")).to_have_text("GET /_mock/state")

    page.get_by_role("button", name="Reset the mock").click()
    expect(page.locator("#projects")).to_contain_text("No projects yet.")
    expect(page.locator("#last-call-text")).to_have_text("POST /_mock/reset\n{}")

    page.get_by_label("Upload a saved state").set_input_files(saved)
    expect(page.locator("#projects")).to_contain_text("happy-10dlc")
    expect(page.locator("#last-call-status")).to_have_text("→ 200 OK")
    assert page.locator("#last-call-text").inner_text().startswith("PUT /_mock/state\n{")
    assert page.console_errors == []


def test_an_order_created_from_the_form_completes_and_its_signed_callbacks_are_delivered(console, live_mock):
    from mock_server.testing import CallbackReceiver

    page = console
    httpx.post(f"{live_mock.url}/_mock/clock:freeze")
    httpx.patch(f"{live_mock.url}/v1/projects/shop/callbackConfiguration", auth=AUTH, json={"hmacSecret": "k"})
    with CallbackReceiver() as receiver:
        open_project(page, live_mock, "shop", "create")
        form = page.locator("#order-form")
        expect(form.locator("fieldset.loa")).to_be_hidden()  # an import order has no LOA
        form.get_by_label("Numbers (one per line)").fill("+12025550134\n+1202")
        form.get_by_label("Service plan id").fill("plan")
        form.get_by_label("Callback URL").fill(receiver.url)
        form.get_by_role("button", name="Create order").click()
        error = form.locator('[data-field="numbers"] .field-error')
        expect(error).to_contain_text("numbers[1]: '+1202' is not an E.164 number")
        form.get_by_label("Numbers (one per line)").fill("+12025550134\n+12025550135")
        form.get_by_role("button", name="Create order").click()
        expect(form.locator(".form-ok")).to_contain_text("created (SUBMITTED)")
        expect(error).to_have_text("")
        body = json.loads(page.locator("#last-call-text").inner_text().split("\n", 1)[1])
        assert body == {"numbers": ["+12025550134", "+12025550135"], "regionCode": "US", "servicePlanId": "plan",
                        "callbackUrl": receiver.url}
        page.get_by_role("button", name="+1 h").click()
        expect(page.locator("#last-call-status")).to_have_text("→ 200 OK")
        page.get_by_role("link", name="Hosting orders").click()
        expect(page.locator("article.order h3")).to_contain_text("COMPLETED")
        page.get_by_role("link", name="Callbacks").click()
        delivered = page.locator("#ledger article.event", has_text="delivered")
        expect(delivered.first).to_be_visible()
        assert receiver.received and all(r.verify("k") for r in receiver.received)
        expect(delivered).to_have_count(len(receiver.received))
        first = delivered.first
        first.get_by_label("Secret").fill("k")
        first.get_by_role("button", name="Check signature").click()
        expect(page.locator("#ledger article.event", has_text="valid for this secret")).to_have_count(1)
    assert [e for e in page.console_errors if "status of 400" not in e] == []


def test_qualified_numbers_added_from_the_form_are_verified_by_approving_invoices(console, live_mock):
    page = console
    httpx.post(f"{live_mock.url}/_mock/clock:freeze")
    open_project(page, live_mock, "qual", "create")
    form = page.locator("#qualify-form")
    form.get_by_label("Numbers (one per line)").fill("+12025550134\n+1202")
    form.get_by_role("button", name="Add").click()
    expect(form.locator('[data-field="phoneNumbers"] .field-error')).to_contain_text("phoneNumbers[1]: '+1202'")
    form.get_by_label("Numbers (one per line)").fill("+12025550134")
    form.get_by_role("button", name="Add").click()
    expect(form.locator(".form-ok")).to_contain_text("Added +12025550134")
    page.get_by_role("button", name="+1 h").click()  # the eligibility check passes
    page.get_by_role("link", name="Qualified numbers").click()
    card = page.locator('article.qualified[data-number="+12025550134"]')
    expect(card.locator("h3")).to_contain_text("ELIGIBLE")
    card.get_by_role("button", name="Approve invoices").click()
    expect(card.locator("h3")).to_contain_text("VERIFIED")
    expect(card.locator(".note")).to_have_text("POST approveInvoices: 200 OK")
    expect(page.locator("#last-call-text")).to_have_text(
        "POST /_mock/projects/qual/qualifiedNumbers/%2B12025550134:approveInvoices\n{}")
    assert [e for e in page.console_errors if "status of 400" not in e] == []
