"""`--scenario` and SINCH_MOCK_SCENARIO on a real `sinch-mock serve` process."""

from __future__ import annotations

import os
import subprocess
import sys

import httpx
import pytest

from mock_server.harness import SinchMockServer

pytestmark = pytest.mark.live


def serve(*args: str, env: dict[str, str] | None = None, timeout: float = 30) -> subprocess.CompletedProcess:
    clean = {k: v for k, v in os.environ.items() if not k.startswith("SINCH_MOCK_")}
    return subprocess.run([sys.executable, "-m", "mock_server", "serve", "--port", "0", *args],
                          env={**clean, **(env or {})}, capture_output=True, text=True, timeout=timeout)


def test_a_scenario_that_cannot_be_loaded_stops_the_server_with_status_2(tmp_path):
    path = tmp_path / "bad.yaml"
    path.write_text("projects:\n  - id: p\n    imported_numbers: [{number: '+1206'}]\n")
    result = serve("--scenario", str(path))
    assert result.returncode == 2
    assert result.stderr.startswith(f"sinch-mock: scenario {path} was not loaded:\n")
    assert "projects[0].imported_numbers[0].service_plan (line 3): Field required" in result.stderr
    assert result.stdout == ""


def test_an_unknown_scenario_name_from_the_environment_is_refused():
    result = serve(env={"SINCH_MOCK_SCENARIO": "default,nope"})
    assert result.returncode == 2
    assert "scenario nope was not loaded" in result.stderr and "shipped: 10dlc-happy-path" in result.stderr


def test_scenarios_by_name_and_by_path_are_loaded_at_start_and_after_a_reset(tmp_path):
    path = tmp_path / "mine.yaml"
    path.write_text("projects: [{id: mine, imported_numbers: [{number: '+12065552000', service_plan: p}]}]\n")
    with SinchMockServer(scenarios=["toll-free", str(path)]) as server:
        assert set(server.state()["projects"]) == {"toll-free", "mine"}
        server.reset()
        assert set(server.state()["projects"]) == {"toll-free", "mine"}
        number = server.client.get("/v1/projects/mine/importedNumbers/+12065552000")
        assert number.status_code == 200
        assert isinstance(server.client, httpx.Client)


def test_the_readme_path_load_a_scenario_and_watch_its_numbers_move():
    """README, "Scenarios": start with a scenario, look at a number, advance, look again."""
    with SinchMockServer(scenarios=["10dlc-happy-path"]) as server:
        url = "/v1/projects/happy-10dlc/importedNumbers/%2B12065552100"
        server.freeze()
        before = server.client.get(url).json()
        assert before["smsProvisioning"]["state"] == "IN_PROGRESS"
        assert before["smsConfiguration"]["scheduledProvisioning"]["status"] == 1
        server.advance(180)
        after = server.client.get(url).json()
        assert (after["smsProvisioning"]["state"], after["campaignProvisioning"]["state"]) == ("DONE", "DONE")
        events = server.events("happy-10dlc")
        assert {(e["payload"]["resourceId"], e["payload"]["eventType"], e["payload"]["status"]) for e in events} >= {
            ("+12065552100", "PROVISIONING_TO_SMS_PLATFORM", "SUCCEEDED"),
            ("+12065552100", "LINK_TO_10DLC_CAMPAIGN", "SUCCEEDED")}
