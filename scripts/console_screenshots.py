"""Regenerate the screenshots of docs/sandbox.md from the real console (`make screenshots`).

Starts `sinch-mock serve` on a free loopback port, sets up a sandbox through the documented
calls (a fixed clock, three shipped scenarios, a number whose signed callbacks go to a local
receiver), drives the page in Debian's Chromium (/usr/bin/chromium, through Playwright) and
writes PNGs to the directory given (default docs/img).
"""

from __future__ import annotations

import sys
from pathlib import Path

import httpx
from playwright.sync_api import Page, expect, sync_playwright

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from mock_server.config import SANDBOX_KEY_ID, SANDBOX_KEY_SECRET  # noqa: E402
from mock_server.testing import CallbackReceiver  # noqa: E402
from tests.browser.conftest import CHROMIUM, CHROMIUM_ARGS, LiveMock  # noqa: E402

AUTH = (SANDBOX_KEY_ID, SANDBOX_KEY_SECRET)
START = "2030-01-07T09:00:00Z"


def prepare(url: str, receiver: CallbackReceiver) -> None:
    def ok(response: httpx.Response) -> None:
        assert response.status_code == 200, f"{response.request.url}: {response.text}"

    ok(httpx.post(f"{url}/_mock/clock:set", json={"now": START}))
    for name in ("10dlc-happy-path", "voice-challenge-lockout", "loa-declined"):
        ok(httpx.post(f"{url}/_mock/scenarios:load", json={"name": name}))
    ok(httpx.patch(f"{url}/v1/projects/happy-10dlc/callbackConfiguration", auth=AUTH, json={"hmacSecret": "my-secret"}))
    ok(httpx.post(f"{url}/v1/projects/happy-10dlc/importedNumbers", auth=AUTH, json={
        "phoneNumber": "+12065552300", "regionCode": "US", "displayName": "Sales", "callbackUrl": receiver.url,
        "smsConfiguration": {"servicePlanId": "happy-plan", "campaignId": "CHAPPY01"}}))
    ok(httpx.post(f"{url}/_mock/clock:advance", json={"seconds": 600}))
    ok(httpx.post(f"{url}/v1/projects/voice-lockout/qualifiedNumbers/%2B16175552003:sendVoiceChallenge", auth=AUTH))


def shoot(page: Page, out: Path, name: str) -> None:
    page.wait_for_timeout(300)
    page.screenshot(path=str(out / f"{name}.png"))
    print(f"wrote {out / name}.png")


def main(out: Path) -> int:
    if not CHROMIUM.exists():
        print(f"{CHROMIUM} is missing: apt-get install chromium", file=sys.stderr)
        return 2
    out.mkdir(parents=True, exist_ok=True)
    with LiveMock("--seed", "7") as mock, CallbackReceiver() as receiver, sync_playwright() as playwright:
        prepare(mock.url, receiver)
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": 1280, "height": 800})
        page.goto(f"{mock.url}/")
        expect(page.locator("#live")).to_have_text("live")
        shoot(page, out, "console-projects")

        page.goto(f"{mock.url}/#/p/happy-10dlc/imported")
        expect(page.locator("#imported-table")).to_contain_text("+12065552300")
        shoot(page, out, "console-imported-numbers")

        page.goto(f"{mock.url}/#/p/loa-declined/orders")
        waiting = page.locator("article.order", has_text="WAITING_FOR_LOA_SIGNATURE")
        waiting.get_by_role("button", name="Sign LOA").click()
        expect(page.locator("#last-call-status")).to_have_text("→ 200 OK")
        shoot(page, out, "console-hosting-order")

        page.goto(f"{mock.url}/#/p/voice-lockout/qualified")
        page.get_by_label("Number contains").fill("5552003")
        page.get_by_role("button", name="Filter").click()
        expect(page.locator(".pager")).to_contain_text("of 1 qualified numbers")
        card = page.locator('article.qualified[data-number="+16175552003"]')
        card.get_by_role("button", name="Read the code").click()
        expect(card.get_by_label("Code")).not_to_have_value("")
        shoot(page, out, "console-voice-code")

        page.goto(f"{mock.url}/#/p/happy-10dlc/callbacks")
        event = page.locator("#ledger article.event", has_text="+12065552300").first
        event.get_by_label("Secret").fill("my-secret")
        event.get_by_role("button", name="Check signature").click()
        expect(event).to_contain_text("valid for this secret")
        event.evaluate("el => el.scrollIntoView({block: 'start'})")
        shoot(page, out, "console-callbacks")

        page.goto(f"{mock.url}/#/p/happy-10dlc/create")
        form = page.locator("#import-form")
        form.get_by_label("Phone number (E.164)").fill("+1206555")
        form.get_by_label("Service plan id").fill("happy-plan")
        form.get_by_role("button", name="Import").click()
        expect(form.locator('[data-field="phoneNumber"] .field-error')).not_to_have_text("")
        page.evaluate("window.scrollTo(0, 0)")  # the call panel and the field, not just the field
        shoot(page, out, "console-form-error")

        phone = browser.new_page(viewport={"width": 390, "height": 844})
        phone.goto(f"{mock.url}/#/p/happy-10dlc/orders")
        expect(phone.locator("article.order").first).to_be_visible()
        shoot(phone, out, "console-phone")
        browser.close()
    return 0


if __name__ == "__main__":
    sys.exit(main(Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT / "docs" / "img"))
