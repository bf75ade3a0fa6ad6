"""`sinch-mock clock|scenario|reset|state|events|requests|trigger|redeliver` against a real
`sinch-mock serve` process, run as a user runs them: separate processes over real sockets."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
import time

import pytest

from mock_server.cli_client import parse_duration
from mock_server.harness import SinchMockServer
from mock_server.testing import CallbackReceiver

pytestmark = pytest.mark.live

PROJECT = "p-cli"


@pytest.fixture(scope="module")
def scenario_dir(tmp_path_factory):
    """A directory the running mock may read scenario files from (`--scenario-dir`)."""
    return tmp_path_factory.mktemp("scenarios")


@pytest.fixture(scope="module")
def server(scenario_dir):
    with SinchMockServer(seed=5, scenario_dirs=[str(scenario_dir)]) as running:
        yield running


@pytest.fixture(autouse=True)
def fresh(server):
    server.reset()
    server.freeze()


def cli(*args: str, env: dict[str, str] | None = None, timeout: float = 60) -> subprocess.CompletedProcess:
    clean = {k: v for k, v in os.environ.items() if not k.startswith("SINCH_MOCK_")}
    return subprocess.run([sys.executable, "-m", "mock_server", *args], env={**clean, **(env or {})},
                          capture_output=True, text=True, timeout=timeout)


def test_durations():
    assert [parse_duration(t) for t in ("90s", "10m", "2h", "3d", "1h30m", "45", "2.5")] == [
        90, 600, 7200, 259200, 5400, 45, 2.5]
    for bad in ("10x", "m", "-5", "1h 30m", ""):
        with pytest.raises(Exception):
            parse_duration(bad)


def test_clock_show_advance_set_freeze_resume(server):
    before = server.now()
    advanced = cli("clock", "advance", "10m", "--mock", server.base_url)
    assert advanced.returncode == 0, advanced.stderr
    assert (server.now() - before).total_seconds() == 600
    assert advanced.stdout.strip().endswith("(frozen)")
    shown = cli("clock", "--mock", server.base_url, "--json")
    assert json.loads(shown.stdout)["now"] == advanced.stdout.split()[0]
    assert cli("clock", "set", "9000-01-01T00:00:00Z", "--mock", server.base_url).returncode == 0
    assert server.now().year == 9000
    assert "(frozen)" not in cli("clock", "resume", "--mock", server.base_url).stdout
    assert "(frozen)" in cli("clock", "freeze", "--mock", server.base_url).stdout


def test_the_url_comes_from_the_environment_and_bad_input_gets_a_message(server):
    env = {"SINCH_MOCK_URL": server.base_url}
    assert cli("clock", env=env).returncode == 0
    backwards = cli("clock", "set", "2000-01-01T00:00:00Z", env=env)
    assert backwards.returncode == 1
    assert "answered 400" in backwards.stderr and "only moves forward" in backwards.stderr
    bad = cli("clock", "advance", "ten minutes", env=env)
    assert bad.returncode == 2 and "is not a duration" in bad.stderr


def test_an_unreachable_mock_is_exit_status_3_with_a_hint():
    result = cli("reset", "--mock", "http://127.0.0.1:9")
    assert result.returncode == 3
    assert "cannot reach the mock at http://127.0.0.1:9" in result.stderr and "SINCH_MOCK_URL" in result.stderr


def test_the_control_token_is_sent_as_a_bearer_token():
    with CallbackReceiver() as fake_mock:
        base = fake_mock.url_for("")
        assert cli("reset", "--mock", base, "--control-token", "t0k").returncode == 0
        assert cli("reset", "--mock", base, env={"SINCH_MOCK_CONTROL_TOKEN": "from-env"}).returncode == 0
        assert cli("reset", "--mock", base).returncode == 0
    assert [c.path for c in fake_mock.received] == ["/_mock/reset"] * 3
    assert [c.headers.get("Authorization") for c in fake_mock.received] == [
        "Bearer t0k", "Bearer from-env", None]


def test_scenario_list_and_load_by_name_and_by_local_file(server, tmp_path, scenario_dir):
    listed = cli("scenario", "list", "--mock", server.base_url)
    assert listed.returncode == 0 and "10dlc-happy-path" in listed.stdout.split()
    by_name = cli("scenario", "load", "toll-free", "--mock", server.base_url)
    assert by_name.returncode == 0 and "loaded toll-free" in by_name.stdout
    path = tmp_path / "mine.yaml"
    path.write_text("projects: [{id: p-cli, imported_numbers: [{number: '+12065552000', service_plan: p}]}]\n")
    by_file = cli("scenario", "load", str(path), "--mock", server.base_url)
    assert by_file.returncode == 0, by_file.stderr
    assert "loaded mine: projects p-cli; 1 imported" in by_file.stdout
    bad = tmp_path / "bad.yaml"
    bad.write_text("projects: [{id: p, colour: red}]\n")
    refused = cli("scenario", "load", str(bad), "--mock", server.base_url)
    assert refused.returncode == 1 and "projects[0].colour" in refused.stderr
    missing = cli("scenario", "load", str(tmp_path / "nope.yaml"), "--mock", server.base_url)
    assert missing.returncode == 2 and "does not exist here" in missing.stderr
    outside = cli("scenario", "load", "--on-server", str(bad), "--mock", server.base_url)
    assert outside.returncode == 1 and "no such scenario file in the scenario directories" in outside.stderr
    on_server_bad = scenario_dir / "bad.yaml"
    on_server_bad.write_text(bad.read_text())
    on_server = cli("scenario", "load", "--on-server", str(on_server_bad), "--mock", server.base_url)
    assert on_server.returncode == 1 and f"scenario {on_server_bad} was not loaded" in on_server.stderr
    assert "(line 1)" in on_server.stderr  # the mock read the file itself: line numbers in its message


def test_state_save_reset_load(server, tmp_path):
    server.load_scenario("toll-free")
    saved = tmp_path / "state.json"
    assert cli("state", "save", str(saved), "--mock", server.base_url).returncode == 0
    assert cli("reset", "--mock", server.base_url).returncode == 0
    assert "toll-free" not in server.state()["projects"]
    loaded = cli("state", "load", str(saved), "--mock", server.base_url)
    assert loaded.returncode == 0 and "loaded the state" in loaded.stdout
    assert "toll-free" in server.state()["projects"]
    saved.write_text("{not json")
    assert cli("state", "load", str(saved), "--mock", server.base_url).returncode == 2


def test_trigger_events_requests_and_redeliver(server):
    server.client.patch(f"/v1/projects/{PROJECT}/callbackConfiguration", json={"hmacSecret": "cli-secret"})
    with CallbackReceiver() as receiver:
        triggered = cli("trigger", "LINK_TO_10DLC_CAMPAIGN", "--project", PROJECT, "--number", "+12025550134",
                        "--status", "FAILED", "--failure-code", "CAMPAIGN_EXPIRED", "--to", receiver.url,
                        "--mock", server.base_url)
        assert triggered.returncode == 0, triggered.stderr
        call, = receiver.received
        assert call.verify("cli-secret") and call.payload["failureCode"] == "CAMPAIGN_EXPIRED"
        event_id = call.payload["eventId"]
        assert event_id in triggered.stdout and "-> delivered" in triggered.stdout
        again = cli("redeliver", event_id, "--mock", server.base_url)
        assert again.returncode == 0 and "(redelivery)" in again.stdout
        assert len(receiver.received) == 2
    events = cli("events", "--project", PROJECT, "--mock", server.base_url)
    assert events.returncode == 0
    lines = events.stdout.splitlines()
    assert lines[0].startswith(event_id) and "LINK_TO_10DLC_CAMPAIGN" in lines[0] and "CAMPAIGN_EXPIRED" in lines[0]
    assert len([line for line in lines if "attempt" in line]) == 2
    assert cli("events", "--project", "other", "--mock", server.base_url).stdout == ""
    requests = cli("requests", "--project", PROJECT, "--mock", server.base_url)
    assert "PATCH /v1/projects/p-cli/callbackConfiguration  200" in requests.stdout
    refused = cli("trigger", "EXPLODED", "--project", PROJECT, "--number", "+12025550134", "--to", "http://x.test/",
                  "--mock", server.base_url)
    assert refused.returncode == 1 and "eventType: must be one of" in refused.stderr


def test_events_follow_prints_new_events_as_they_come(server):
    follower = subprocess.Popen([sys.executable, "-m", "mock_server", "events", "--follow", "--interval", "0.2",
                                 "--mock", server.base_url], stdout=subprocess.PIPE, text=True,
                                env={k: v for k, v in os.environ.items() if not k.startswith("SINCH_MOCK_")})
    watchdog = threading.Timer(30, follower.kill)  # a missing line fails the test instead of hanging it
    watchdog.start()
    try:
        time.sleep(1.0)
        server.client.post(f"/v1/projects/{PROJECT}/importedNumbers", json={
            "phoneNumber": "+12025550199", "regionCode": "US", "smsConfiguration": {"servicePlanId": "plan"},
            "callbackUrl": f"{server.base_url}/_mock/sink/follow"})
        server.advance(30)
        assert follower.stdout is not None
        first, second = follower.stdout.readline(), follower.stdout.readline()
    finally:
        watchdog.cancel()
        follower.terminate()
        follower.wait(timeout=10)
    assert "PROVISIONING_TO_SMS_PLATFORM" in first and "+12025550199" in first
    assert second.strip().startswith("attempt") and ": 200" in second


def test_sink_shows_what_arrived_and_sets_the_answer(server):
    server.client.patch(f"/v1/projects/{PROJECT}/callbackConfiguration", json={"hmacSecret": "s"})
    set_ = cli("sink", "mine", "--status", "503", "--mock", server.base_url)
    assert set_.returncode == 0 and "sink mine: answers 503; 0 received" in set_.stdout
    cli("trigger", "DELETE", "--project", PROJECT, "--number", "+12025550134",
        "--to", f"{server.base_url}/_mock/sink/mine", "--mock", server.base_url)
    shown = cli("sink", "mine", "--mock", server.base_url)
    assert "1 received" in shown.stdout and "answered 503  signature valid" in shown.stdout
    bad = cli("sink", "mine", "--status", "99", "--mock", server.base_url)
    assert bad.returncode == 1 and "status: must be an HTTP status code" in bad.stderr
