"""What a stop does to work still waiting: a heavy job (reset, scenario load) queued behind a
clock advance answers 503 and changes nothing, so --state-file saves the world as it stood."""

from __future__ import annotations

import json
import signal
import threading
import time

import httpx
import pytest

from tests.conftest import AUTH
from tests.e2e.test_cli_serve import start, wait_healthy
from tests.unit.delivery_support import hanging_receiver

pytestmark = pytest.mark.live


def post_later(url: str, path: str, body: dict, delay: float, answers: dict[str, httpx.Response]) -> threading.Thread:
    def send() -> None:
        time.sleep(delay)
        try:
            answers[path] = httpx.post(f"{url}{path}", json=body, timeout=60)
        except httpx.HTTPError as error:  # recorded: the test expects an answer
            answers[path] = error  # type: ignore[assignment]

    thread = threading.Thread(target=send, daemon=True)
    thread.start()
    return thread


@pytest.mark.parametrize("path, body", [
    ("/_mock/reset", {}),
    ("/_mock/scenarios:load", {"name": "10dlc-happy-path"}),
])
def test_a_heavy_job_queued_behind_an_advance_answers_503_after_sigterm(tmp_path, path, body):
    state_file = tmp_path / "state.json"
    with hanging_receiver() as receiver:
        process, url, _ = start("--seed", "3", "--log-level", "warning", "--state-file", str(state_file))
        answers: dict[str, httpx.Response] = {}
        try:
            wait_healthy(url)
            with httpx.Client(base_url=url, auth=AUTH) as api:
                assert api.post("/_mock/clock:freeze").status_code == 200
                for phone in ("+12025550134", "+12025550135"):
                    assert api.post("/v1/projects/keep/importedNumbers", json={
                        "phoneNumber": phone, "regionCode": "US", "smsConfiguration": {"servicePlanId": "plan"},
                        "callbackUrl": receiver.url}).status_code == 200
            threads = [post_later(url, "/_mock/clock:advance", {"seconds": 3600}, 0, answers),
                       post_later(url, path, body, 1, answers)]
            time.sleep(3)
            assert not answers  # the advance hangs on the receiver; the heavy job waits behind it
            process.send_signal(signal.SIGTERM)
            assert process.wait(timeout=30) == 0
            for thread in threads:
                thread.join(30)
        finally:
            if process.poll() is None:
                process.kill()
    for answered in (answers["/_mock/clock:advance"], answers[path]):
        assert isinstance(answered, httpx.Response), answered
        assert answered.status_code == 503, answered.text
        assert answered.json()["status"] == "UNAVAILABLE" and "shutting down" in answered.json()["message"]
    saved = json.loads(state_file.read_text())
    assert list(saved["projects"]) == ["keep"]  # nothing loaded, nothing emptied
    assert sorted(saved["projects"]["keep"]["importedNumbers"]) == ["+12025550134", "+12025550135"]
    assert [e["state"] for e in saved["events"]] == ["pending"] * 2
