"""The console's change stream on a real `sinch-mock serve`: a change made through the API is
announced within a second, and the number of open streams is bounded."""

from __future__ import annotations

import json
import time

import httpx
import pytest

from tests.conftest import AUTH
from tests.e2e.test_cli_serve import start, stop, wait_healthy

pytestmark = pytest.mark.live


def messages(response: httpx.Response):
    """Parsed `event: change` messages of an open stream, one at a time."""
    buffer = ""
    for chunk in response.iter_text():
        buffer += chunk
        while "\n\n" in buffer:
            block, buffer = buffer.split("\n\n", 1)
            data = [line[5:] for line in block.splitlines() if line.startswith("data:")]
            if data:
                assert "event: change" in block
                yield json.loads("".join(data))


def test_a_change_through_the_api_is_announced_and_streams_are_bounded():
    process, url, _ = start("--seed", "7", "--ui-max-streams", "1")
    try:
        wait_healthy(url)
        with httpx.Client(timeout=5) as client, client.stream("GET", f"{url}/_mock/ui/stream") as stream:
            assert stream.status_code == 200
            assert stream.headers["content-type"].startswith("text/event-stream")
            received = messages(stream)
            first = next(received)
            assert set(first) == {"revision", "clock"} and first["clock"]["frozen"] is False

            refused = httpx.get(f"{url}/_mock/ui/stream", timeout=5)
            assert refused.status_code == 429 and refused.headers["retry-after"] == "5"
            assert refused.json()["status"] == "RESOURCE_EXHAUSTED"
            assert "--ui-max-streams" in refused.json()["message"]

            sent = time.monotonic()
            imported = httpx.post(f"{url}/v1/projects/s/importedNumbers", auth=AUTH, json={
                "phoneNumber": "+12025550134", "regionCode": "US", "smsConfiguration": {"servicePlanId": "p"}})
            assert imported.status_code == 200
            change = next(received)
            took = time.monotonic() - sent
            print(f"change announced {took * 1000:.0f} ms after the import")
            assert change["revision"] != first["revision"]
        # The closed stream frees its place.
        deadline = time.monotonic() + 5
        while True:
            with httpx.stream("GET", f"{url}/_mock/ui/stream", timeout=5) as again:
                if again.status_code == 200:
                    break
            assert time.monotonic() < deadline, "the closed stream never freed its place"
            time.sleep(0.2)
        assert stop(process) == 0
    finally:
        if process.poll() is None:
            process.kill()


def test_the_mock_stops_cleanly_while_a_console_stream_is_open():
    process, url, _ = start("--seed", "7")
    try:
        wait_healthy(url)
        with httpx.Client(timeout=10) as client, client.stream("GET", f"{url}/_mock/ui/stream") as stream:
            assert stream.status_code == 200
            next(messages(stream))
            began = time.monotonic()
            assert stop(process) == 0
            print(f"stopped in {time.monotonic() - began:.2f} s with a stream open")
    finally:
        if process.poll() is None:
            process.kill()


def test_an_open_stream_never_holds_up_a_reset_a_scenario_load_or_a_state_export():
    """Heavy control-plane jobs wait for the requests in flight; a console stream lasts minutes,
    so it must not count as one (it reads no state that a heavy job writes)."""
    process, url, _ = start("--seed", "7")
    try:
        wait_healthy(url)
        with httpx.Client(timeout=5) as client, client.stream("GET", f"{url}/_mock/ui/stream") as stream:
            next(messages(stream))
            assert httpx.post(f"{url}/_mock/reset", timeout=10).status_code == 200
            loaded = httpx.post(f"{url}/_mock/scenarios:load", json={"name": "10dlc-happy-path"}, timeout=10)
            assert loaded.status_code == 200, loaded.text
            assert httpx.get(f"{url}/_mock/state", timeout=10).status_code == 200
    finally:
        stop(process)


def test_an_open_stream_never_holds_up_heavy_jobs_on_uvicorn():
    """The same on the app served by plain uvicorn in this process, where the gate can be read."""
    import threading

    import uvicorn

    from mock_server.config import MockConfig
    from mock_server.http.app import create_app
    from tests.e2e.test_docker_artifacts import free_port

    app = create_app(MockConfig(seed=7))
    port = free_port()
    server = uvicorn.Server(uvicorn.Config(app, port=port, log_level="error"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    url = f"http://127.0.0.1:{port}"
    try:
        wait_healthy(url)
        with httpx.Client(timeout=5) as client, client.stream("GET", f"{url}/_mock/ui/stream") as stream:
            next(messages(stream))
            assert app.state.engine.gate.readers == 0  # the stream holds no place at the gate
            assert httpx.post(f"{url}/_mock/reset", timeout=10).status_code == 200
            assert httpx.get(f"{url}/_mock/state", timeout=10).status_code == 200
    finally:
        server.should_exit = True
        thread.join(10)
