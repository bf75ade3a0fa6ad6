"""Fault and latency injection on a real `sinch-mock serve` process, over real sockets."""

from __future__ import annotations

import time

import httpx
import pytest

from mock_server.harness import SinchMockServer

pytestmark = pytest.mark.live

LIST = "/v1/projects/p-live/importedNumbers?servicePlanId=plan&campaignId=c"


@pytest.fixture(scope="module")
def server():
    with SinchMockServer(seed=3) as running:
        yield running


@pytest.fixture(autouse=True)
def clean(server):
    server.reset()
    yield


def add(server, **rule) -> dict:
    answer = server._control.post("/_mock/faults", json=rule)
    assert answer.status_code == 201, answer.text
    return answer.json()


def test_error_503_with_retry_after_then_normal_answers(server):
    add(server, path="/v1/projects/*/importedNumbers", times=2,
        action={"type": "error", "status": 503, "retryAfter": 4})
    answers = [server.client.get(LIST) for _ in range(3)]
    assert [a.status_code for a in answers] == [503, 503, 200]
    assert answers[0].headers["retry-after"] == "4" and answers[0].json()["code"] == "503"
    journal = server.requests("p-live")
    assert [e.get("fault", {}).get("rule") for e in journal] == ["fault-1", "fault-1", None]


def test_delay_holds_the_answer_for_real_time(server):
    add(server, operationId="ImportNumberService_ListImportedNumbers", action={"type": "delay", "seconds": 0.5})
    started = time.monotonic()
    assert server.client.get(LIST).status_code == 200
    assert time.monotonic() - started >= 0.5


def test_close_hangs_up_without_an_answer_and_the_server_stays_quiet(server):
    add(server, method="GET", times=1, action={"type": "close"})
    with pytest.raises(httpx.RemoteProtocolError):
        server.client.get(LIST)
    assert server.client.get(LIST).status_code == 200  # the next call is served
    entry = server.requests("p-live")[0]
    assert entry["fault"] == {"rule": "fault-1", "action": "close"} and entry["status"] is None
    assert "Traceback" not in server.output and "ConnectionDropped" not in server.output


def test_one_seed_fails_the_same_calls_in_two_processes():
    def pattern(seed: int) -> list[int]:
        with SinchMockServer(seed=seed) as running:
            running._control.post("/_mock/faults", json={"probability": 0.5,
                                                         "action": {"type": "error", "status": 500}})
            return [running.client.get(LIST).status_code for _ in range(20)]

    first = pattern(99)
    assert first == pattern(99) and set(first) == {200, 500}


def test_faults_from_a_start_up_scenario_come_back_after_a_reset(tmp_path):
    path = tmp_path / "flaky.yaml"
    path.write_text("faults:\n  - operation_id: ImportNumberService_ListImportedNumbers\n"
                    "    action: {type: error, status: 429, retry_after: 2}\n")
    with SinchMockServer(scenarios=[str(path)]) as running:
        assert running.client.get(LIST).status_code == 429
        running._control.delete("/_mock/faults")
        assert running.client.get(LIST).status_code == 200
        running.reset()
        assert running.client.get(LIST).status_code == 429


def test_the_harness_helpers_add_and_clear_faults(server):
    rule = server.add_fault({"times": 1, "action": {"type": "error", "status": 500}})
    assert rule["id"] == "fault-1"
    assert server.client.get(LIST).status_code == 500
    server.add_fault({"action": {"type": "error", "status": 502}})
    server.clear_faults()
    assert server.client.get(LIST).status_code == 200
