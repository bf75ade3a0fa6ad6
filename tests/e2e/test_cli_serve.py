"""`sinch-mock serve` as a real process: the URL it prints, a full import, a clean stop."""

import os
import re
import signal
import subprocess
import sys
import time

import httpx
import pytest

from tests.conftest import AUTH

pytestmark = pytest.mark.live


def start(*args, env=None):
    process = subprocess.Popen(
        [sys.executable, "-m", "mock_server", "serve", "--port", "0", *args],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        env={**os.environ, **(env or {})},
    )
    line = process.stdout.readline()
    match = re.search(r"http://127\.0\.0\.1:(\d+)", line)
    assert match, f"no URL in {line!r}; stderr: {process.stderr.read() if process.poll() is not None else ''}"
    return process, match.group(0), line


def stop(process):
    process.send_signal(signal.SIGTERM)
    try:
        return process.wait(timeout=10)
    finally:
        if process.poll() is None:
            process.kill()


def wait_healthy(url):
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"{url}/_mock/health").json() == {"status": "ok"}:
                return
        except httpx.TransportError:
            time.sleep(0.05)
    raise AssertionError("the server never became healthy")


def test_serve_on_a_free_port_import_a_number_and_see_it_provisioned():
    process, url, line = start("--seed", "7")
    try:
        assert "seed 7" in line
        wait_healthy(url)
        with httpx.Client(base_url=url, auth=AUTH) as api:
            created = api.post("/v1/projects/demo/importedNumbers", json={
                "phoneNumber": "+12025550134", "regionCode": "US",
                "smsConfiguration": {"servicePlanId": "plan-1", "campaignId": "camp-1"}})
            assert created.status_code == 200, created.text
            assert api.post("/_mock/clock:advance", json={"seconds": 600}).status_code == 200
            got = api.get("/v1/projects/demo/importedNumbers/%2B12025550134").json()
            assert got["smsProvisioning"]["state"] == "DONE" and got["campaignProvisioning"]["state"] == "DONE"
    finally:
        assert stop(process) == 0


def test_access_keys_and_seed_from_the_environment():
    process, url, line = start(env={"SINCH_MOCK_ACCESS_KEYS": "k1:s1:proj,k2:s2", "SINCH_MOCK_SEED": "99"})
    try:
        assert "seed 99" in line
        wait_healthy(url)
        assert httpx.get(f"{url}/v1/projects/proj/importedNumbers/+12025550134", auth=("k1", "s1")).status_code == 404
        assert httpx.get(f"{url}/v1/projects/other/importedNumbers/+12025550134", auth=("k1", "s1")).status_code == 403
        assert httpx.get(f"{url}/v1/projects/x/importedNumbers/+12025550134", auth=AUTH).status_code == 401
    finally:
        assert stop(process) == 0


def test_ctrl_c_stops_it_cleanly():
    process, url, _ = start()
    wait_healthy(url)
    process.send_signal(signal.SIGINT)
    assert process.wait(timeout=10) == 0


def test_a_bad_access_key_flag_is_a_usage_error():
    result = subprocess.run([sys.executable, "-m", "mock_server", "serve", "--access-key", "nocolon"],
                            capture_output=True, text=True, timeout=30)
    assert result.returncode == 2 and "KEY_ID:KEY_SECRET" in result.stderr


@pytest.mark.parametrize("args,env,message", [
    (["--port", "-1"], {}, "is not a port"),
    (["--port", "70000"], {}, "is not a port"),
    (["--callback-timeout", "inf"], {}, "--callback-timeout"),
    ([], {"SINCH_MOCK_PORT": "abc"}, "SINCH_MOCK_PORT"),
    ([], {"SINCH_MOCK_SEED": "x"}, "SINCH_MOCK_SEED"),
    ([], {"SINCH_MOCK_CALLBACK_ORDER": "FIFO"}, "SINCH_MOCK_CALLBACK_ORDER"),
    (["--cors-origin", "localhost:5173"], {}, "--cors-origin"),
    ([], {"SINCH_MOCK_CORS_ORIGINS": "http://ok.test,http://x.test/path"}, "SINCH_MOCK_CORS_ORIGINS"),
    ([], {"SINCH_MOCK_LOG_LEVEL": "loud"}, "SINCH_MOCK_LOG_LEVEL"),
])
def test_bad_flags_and_variables_are_usage_errors_that_name_them(args, env, message):
    result = subprocess.run([sys.executable, "-m", "mock_server", "serve", *args], capture_output=True, text=True,
                            timeout=30, env={**os.environ, **env})
    assert result.returncode == 2 and message in result.stderr and "Traceback" not in result.stderr


def test_scenario_names_in_the_variable_may_have_spaces_after_commas():
    from mock_server.config import MockConfig

    config = MockConfig.from_env({"SINCH_MOCK_SCENARIO": "10dlc-happy-path, toll-free"})
    assert config.scenarios == ["10dlc-happy-path", "toll-free"]


def test_a_stop_does_not_wait_for_a_long_advance_to_a_dead_receiver():
    """An advance delivering to a receiver that never answers runs for about a minute (timeouts
    and retries); SIGTERM still ends the process within seconds, with status 0."""
    import socket
    import threading

    dead = socket.socket()
    dead.bind(("127.0.0.1", 0))
    dead.listen(64)  # accepts connections, never answers
    process, url, _ = start()
    try:
        wait_healthy(url)
        with httpx.Client(base_url=url, auth=AUTH) as api:
            for phone in ("+12025550134", "+12025550135"):
                assert api.post("/v1/projects/p/importedNumbers", json={
                    "phoneNumber": phone, "regionCode": "US", "smsConfiguration": {"servicePlanId": "plan"},
                    "callbackUrl": f"http://127.0.0.1:{dead.getsockname()[1]}/hook"}).status_code == 200

        def advance():
            try:
                httpx.post(f"{url}/_mock/clock:advance", json={"seconds": 600}, timeout=120)
            except httpx.HTTPError:
                pass  # the stop cuts it short

        mover = threading.Thread(target=advance, daemon=True)
        mover.start()
        time.sleep(1.5)
        assert mover.is_alive()  # still delivering
        began = time.monotonic()
        process.send_signal(signal.SIGTERM)
        assert process.wait(timeout=30) == 0
        assert time.monotonic() - began < 20
    finally:
        if process.poll() is None:
            process.kill()
        dead.close()


def test_browser_settings_and_the_access_log():
    process, url, _ = start("--cors-origin", "http://app.test:3000", "--control-token", "team",
                            env={"SINCH_MOCK_ALLOWED_HOSTS": "mock.test", "SINCH_MOCK_LOG_LEVEL": ""})
    try:
        wait_healthy(url)
        cors = httpx.get(f"{url}/openapi.yaml", headers={"Origin": "http://app.test:3000"})
        assert cors.headers["access-control-allow-origin"] == "http://app.test:3000"
        assert httpx.get(f"{url}/openapi.yaml", headers={"Origin": "http://localhost:5173"}
                         ).headers.get("access-control-allow-origin") is None
        assert httpx.get(f"{url}/_mock/clock").status_code == 401
        team = {"Authorization": "Bearer team"}
        assert httpx.get(f"{url}/_mock/clock", headers=team).status_code == 200
        assert httpx.get(f"{url}/_mock/clock", headers={**team, "Host": "mock.test"}).status_code == 200
        assert httpx.get(f"{url}/_mock/clock", headers={**team, "Host": "evil.test"}).status_code == 403
        assert httpx.get(f"{url}/v1/projects/p/importedNumbers/%2B12025550134", auth=AUTH).status_code == 404
    finally:
        assert stop(process) == 0
    output = process.stdout.read()
    assert '"GET /v1/projects/p/importedNumbers/%2B12025550134" 404' in output  # the access log, on by default
    assert "/_mock/health" not in output


def test_log_level_warning_turns_the_access_log_off():
    process, url, _ = start("--log-level", "warning")
    try:
        wait_healthy(url)
        httpx.get(f"{url}/v1/projects/p/importedNumbers/%2B12025550134", auth=AUTH)
    finally:
        assert stop(process) == 0
    assert "/v1/projects" not in process.stdout.read()
