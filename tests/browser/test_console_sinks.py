"""The console's view of the built-in callback sinks, and redelivering a ledger event from the page,
in Debian's Chromium against a real `sinch-mock serve` process, at desktop and phone width."""

from __future__ import annotations

import json

import httpx
import pytest

from tests.browser.conftest import LiveMock
from tests.browser.test_console import AUTH, LIVE_MS, UNLABELLED, console, open_project  # noqa: F401 (console: a fixture)

expect = pytest.importorskip("playwright.sync_api").expect


def import_into_sink(mock: LiveMock, project: str, secret: str = "k") -> str:
    """A signed project whose imported number sends its callbacks to the sink `mine`."""
    httpx.post(f"{mock.url}/_mock/clock:freeze")
    httpx.patch(f"{mock.url}/v1/projects/{project}/callbackConfiguration", auth=AUTH, json={"hmacSecret": secret})
    sink = f"{mock.url}/_mock/sink/mine"
    answer = httpx.post(f"{mock.url}/v1/projects/{project}/importedNumbers", auth=AUTH, json={
        "phoneNumber": "+12025550134", "regionCode": "US", "smsConfiguration": {"servicePlanId": "plan"},
        "callbackUrl": sink})
    assert answer.status_code == 200, answer.text
    return sink


def test_a_callback_delivered_to_a_sink_shows_in_the_sink_view_with_its_signature_checked(console, live_mock):
    page = console
    import_into_sink(live_mock, "sinks")
    page.goto(f"{live_mock.url}/#/sinks/mine")
    expect(page.locator("#live")).to_have_text("live")
    expect(page.locator("section.sink")).to_contain_text("Nothing kept yet.")
    page.evaluate("window.__notReloaded = true")
    page.get_by_role("button", name="+1 h").click()  # provisioning completes: its callbacks go to the sink
    cards = page.locator("#sink-callbacks article.sink-callback")
    expect(cards.first).to_be_visible(timeout=LIVE_MS)
    arrived = httpx.get(f"{live_mock.url}/_mock/sink/mine").json()
    expect(cards).to_have_count(len(arrived["callbacks"]), timeout=LIVE_MS)
    arrived = httpx.get(f"{live_mock.url}/_mock/sink/mine").json()
    newest = arrived["callbacks"][-1]
    assert newest["signatureValid"] is True
    card = cards.first  # newest first
    expect(card.locator("h3")).to_have_text(f'{json.loads(newest["body"])["eventType"]} signature valid')
    expect(card.locator("pre.sink-body")).to_have_text(newest["body"])  # the raw body, byte for byte
    expect(card.locator("time")).to_have_attribute("datetime", newest["receivedAt"])
    row = page.locator('#sinks-table tr[data-sink="mine"]')
    expect(row.locator("td").first).to_have_text(str(arrived["received"]))
    expect(row.locator("td").nth(1)).to_have_text("200")
    assert page.evaluate("window.__notReloaded") is True  # it came with the change stream
    assert page.evaluate(UNLABELLED) == []

    # A secret changed afterwards: the same callbacks no longer verify against the project's secret.
    httpx.patch(f"{live_mock.url}/v1/projects/sinks/callbackConfiguration", auth=AUTH, json={"hmacSecret": "other"})
    expect(cards.first.locator("h3")).to_contain_text("signature invalid", timeout=LIVE_MS)

    # The sink's answer status is set from the page, with the call shown.
    page.get_by_label("Answer with status").fill("503")
    page.keyboard.press("Enter")  # the keyboard alone submits it
    expect(page.locator("#last-call-text")).to_have_text('PUT /_mock/sink/mine\n{"status":503}')
    expect(row.locator("td").nth(1)).to_have_text("503")
    assert page.screenshot(path=f"/tmp/sinkui-sinks-{page.width_name}.png", full_page=True)
    assert page.console_errors == []


def test_redeliver_records_a_redelivery_attempt_and_shows_its_call(console, live_mock):
    page = console
    import_into_sink(live_mock, "again")
    httpx.post(f"{live_mock.url}/_mock/clock:advance", json={"seconds": 3600})
    open_project(page, live_mock, "again", "callbacks")
    event = page.locator("#ledger article.event", has_text="delivered").first
    expect(event).to_be_visible(timeout=LIVE_MS)
    event_id = event.get_attribute("data-event")
    card = page.locator(f'#ledger article.event[data-event="{event_id}"]')
    attempts = card.locator("ol.attempts li")
    expect(attempts).to_have_count(1)
    expect(card.locator(".redelivery")).to_have_count(0)
    received = httpx.get(f"{live_mock.url}/_mock/sink/mine").json()["received"]
    card.get_by_role("button", name="Redeliver").click()
    expect(page.locator("#last-call-text")).to_have_text(f"POST /_mock/events/{event_id}:redeliver\n{{}}")
    expect(page.locator("#last-call-status")).to_have_text("→ 200 OK")
    expect(attempts).to_have_count(2)
    expect(attempts.nth(1)).to_contain_text("(redelivery)")
    expect(attempts.nth(1)).to_contain_text("200")
    expect(attempts.first).not_to_contain_text("redelivery")
    ledger = httpx.get(f"{live_mock.url}/_mock/events/{event_id}").json()
    assert [a["redelivery"] for a in ledger["attempts"]] == [False, True]
    assert httpx.get(f"{live_mock.url}/_mock/sink/mine").json()["received"] == received + 1
    assert page.console_errors == []
