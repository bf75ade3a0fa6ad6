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
