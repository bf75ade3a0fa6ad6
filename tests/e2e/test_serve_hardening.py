"""`sinch-mock serve` under hostile or heavy use: its own sockets, keep-alive under load, clock
moves sent concurrently, callbacks aimed at the mock itself, a stop in the middle of a burst,
and a state kept across restarts (--state-file)."""

from __future__ import annotations

import asyncio
import collections
import json
import os
import random
import signal
import socket
import threading
import time
from datetime import datetime, timedelta

import httpx
import pytest

from mock_server import serving
from tests.conftest import AUTH
from tests.e2e.test_cli_serve import start, stop, wait_healthy

pytestmark = pytest.mark.live


# --- TCP_NODELAY on accepted connections -----------------------------------------------------------
def accepted_nodelay(sock: socket.socket) -> int:
    """Serve `sock` the way uvicorn does (`loop.create_server(sock=...)`), connect once, and say
    what TCP_NODELAY the accepted connection has."""
    async def probe() -> int:
        seen: asyncio.Future[int] = asyncio.get_running_loop().create_future()

        class Probe(asyncio.Protocol):
            def connection_made(self, transport: asyncio.BaseTransport) -> None:
                accepted = transport.get_extra_info("socket")
                seen.set_result(accepted.getsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY))
                transport.close()

        server = await asyncio.get_running_loop().create_server(Probe, sock=sock)
        try:
            port = sock.getsockname()[1]
            reader, writer = await asyncio.open_connection("127.0.0.1", port)
            value = await asyncio.wait_for(seen, 5)
            writer.close()
            return value
        finally:
            server.close()

    return asyncio.run(probe())


def test_the_socket_serve_binds_gives_accepted_connections_tcp_nodelay(monkeypatch):
    """Without TCP_NODELAY every answer on a kept-alive connection waits ~40 ms for the client's
    delayed ACK. Checked on the very socket `sinch-mock serve` hands to uvicorn."""
    from mock_server.cli import config_from_args, build_parser, serve

    handed: list[socket.socket] = []
    settled: list[int] = []
    monkeypatch.setattr(serving.Server, "run", lambda self, sockets=None: handed.extend(sockets or []))
    monkeypatch.setattr(serving, "settle_heap", lambda: settled.append(len(handed)))  # not in pytest's process
    monkeypatch.setattr(signal, "signal", lambda *args: None)
    serve(config_from_args(build_parser().parse_args(["serve", "--port", "0"]), environ={}))
    assert len(handed) == 1
    assert settled == [0]  # the heap was settled once, before serving began
    with handed[0] as sock:
        assert accepted_nodelay(sock) == 1


# --- keep-alive: the idle timer never drops a request that already arrived ---------------------------
async def _app(scope, receive, send):  # a minimal ASGI app for the protocol test
    if scope["type"] == "lifespan":
        return
    await send({"type": "http.response.start", "status": 200, "headers": [(b"content-length", b"2")]})
    await send({"type": "http.response.body", "body": b"ok"})


def keep_alive_race(protocol_class: type) -> bytes:
    """One kept-alive connection; the next request reaches the kernel while the event loop is
    busy, then the idle timer fires before the loop reads it. What does the client get?"""
    import uvicorn
    from uvicorn.server import ServerState

    async def main() -> bytes:
        config = uvicorn.Config(_app, http=protocol_class, timeout_keep_alive=60, log_level="critical")
        config.load()
        state = ServerState()
        loop = asyncio.get_running_loop()
        sock = serving.listening_socket("127.0.0.1", 0)
        server = await loop.create_server(
            lambda: protocol_class(config=config, server_state=state, app_state={}), sock=sock)
        client = socket.create_connection(sock.getsockname())
        client.setblocking(False)
        try:
            request = b"GET / HTTP/1.1\r\nHost: x\r\n\r\n"
            await loop.sock_sendall(client, request)
            first = b""
            while not first.endswith(b"ok"):
                first += await asyncio.wait_for(loop.sock_recv(client, 4096), 5)
            assert first.startswith(b"HTTP/1.1 200")
            protocol, = state.connections
            protocol.transport.pause_reading()  # the loop is busy elsewhere: nothing read yet
            await loop.sock_sendall(client, request)
            for _ in range(500):  # until the bytes wait in the server's kernel buffer
                if serving.has_unread_input(protocol.transport):
                    break
                await asyncio.sleep(0.01)
            protocol.timeout_keep_alive_handler()  # the idle timer fires now
            if not protocol.transport.is_closing():
                protocol.transport.resume_reading()
            try:
                return await asyncio.wait_for(loop.sock_recv(client, 4096), 5)
            except ConnectionResetError:
                return b""
        finally:
            client.close()
            server.close()

    return asyncio.run(main())


def test_the_idle_timer_spares_a_connection_whose_next_request_already_arrived():
    from uvicorn.protocols.http.h11_impl import H11Protocol

    assert keep_alive_race(H11Protocol) == b""  # uvicorn's own protocol drops it: the cause
    assert keep_alive_race(serving.KeepAliveProtocol).startswith(b"HTTP/1.1 200")


def test_the_httptools_protocol_that_serve_runs_spares_a_waiting_request_too():
    from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol

    assert serving.http_protocol() is serving.FastKeepAliveProtocol  # uvicorn[standard] brings httptools
    assert keep_alive_race(HttpToolsProtocol) == b""
    assert keep_alive_race(serving.FastKeepAliveProtocol).startswith(b"HTTP/1.1 200")


def test_an_idle_keep_alive_connection_outlives_common_client_pools():
    """Clients keep idle connections 5 s (httpx, Node) to 90 s (Go): the mock must not be the one
    closing first, or a request sent at that moment is lost."""
    process, url, _ = start()
    try:
        wait_healthy(url)
        host, port = url.removeprefix("http://").split(":")
        with socket.create_connection((host, int(port))) as conn:
            conn.sendall(b"GET /_mock/health HTTP/1.1\r\nHost: x\r\n\r\n")
            answer = b""
            while not answer.endswith(b'"ok"}'):
                answer += conn.recv(4096)
            assert answer.startswith(b"HTTP/1.1 200")
            time.sleep(6.5)  # past uvicorn's default 5 s keep-alive
            conn.setblocking(False)
            try:
                peeked = conn.recv(1, socket.MSG_PEEK)
            except BlockingIOError:
                peeked = None  # nothing to read: the connection is still open
            assert peeked is None, "the mock closed an idle connection after 5 s"
            conn.setblocking(True)
            conn.sendall(b"GET /_mock/health HTTP/1.1\r\nHost: x\r\n\r\n")
            assert conn.recv(4096).startswith(b"HTTP/1.1 200")
    finally:
        assert stop(process) == 0
    assert serving.KEEP_ALIVE_SECONDS >= 90


def test_heavy_control_plane_traffic_never_closes_a_connection_without_an_answer():
    """The reproduction: clients idle 4-6 s between calls on kept-alive connections while others
    export a large state (long event-loop turns). Before the fix some requests met a closed
    connection (connection reset, no answer, nothing logged)."""
    process, url, _ = start()
    errors: collections.Counter[str] = collections.Counter()
    answered = [0]
    lock = threading.Lock()
    try:
        wait_healthy(url)
        assert httpx.post(f"{url}/_mock/scenarios:load", json={"name": "large-inventory"},
                          timeout=120).status_code == 200
        stop_at = time.monotonic() + 14

        def call(client: httpx.Client, method: str, path: str) -> None:
            try:
                response = client.request(method, path)
                with lock:
                    answered[0] += 1
                    if response.status_code >= 500:
                        errors[f"status {response.status_code}"] += 1
            except httpx.HTTPError as error:
                with lock:
                    errors[type(error).__name__] += 1

        def idle_client(seed: int) -> None:
            pause = random.Random(seed)
            with httpx.Client(base_url=url, timeout=120, limits=httpx.Limits(keepalive_expiry=60)) as client:
                while time.monotonic() < stop_at:
                    call(client, "GET", "/_mock/clock")
                    time.sleep(pause.uniform(4.0, 6.0))

        def heavy_client() -> None:
            with httpx.Client(base_url=url, timeout=120) as client:
                while time.monotonic() < stop_at:
                    call(client, "GET", "/_mock/state")

        threads = [threading.Thread(target=idle_client, args=(i,)) for i in range(48)]
        threads += [threading.Thread(target=heavy_client) for _ in range(3)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(180)
    finally:
        assert stop(process) == 0
    assert answered[0] >= 48  # every idle client was answered at least once
    assert not errors, f"{sum(errors.values())} of {answered[0] + sum(errors.values())} calls failed: {dict(errors)}"


# --- clock moves sent concurrently -------------------------------------------------------------------
def test_sixteen_concurrent_advances_move_the_clock_480_seconds():
    """Callbacks fall due during the first advances, so those take real time and the others
    arrive meanwhile; each still moves the clock by its own 30 s, in arrival order."""
    from mock_server.testing import CallbackReceiver

    def slow(call):
        time.sleep(0.2)
        return 200

    process, url, _ = start("--seed", "3")
    receiver = CallbackReceiver(respond=slow).start()
    try:
        wait_healthy(url)
        with httpx.Client(base_url=url, auth=AUTH) as api:
            before = datetime.fromisoformat(api.post("/_mock/clock:freeze").json()["now"].replace("Z", "+00:00"))
            for i in range(4):
                assert api.post("/v1/projects/clock/importedNumbers", json={
                    "phoneNumber": f"+1202555014{i}", "regionCode": "US", "callbackUrl": receiver.url,
                    "smsConfiguration": {"servicePlanId": "plan", "campaignId": "camp"}}).status_code == 200
        results: list[int] = []

        def advance() -> None:
            results.append(httpx.post(f"{url}/_mock/clock:advance", json={"seconds": 30}, timeout=60).status_code)

        threads = [threading.Thread(target=advance) for _ in range(16)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(60)
        after = datetime.fromisoformat(httpx.get(f"{url}/_mock/clock").json()["now"].replace("Z", "+00:00"))
    finally:
        receiver.stop()
        assert stop(process) == 0
    assert results == [200] * 16
    assert after - before == timedelta(seconds=480)


# --- callbacks aimed at the mock itself ----------------------------------------------------------------
def test_a_callback_url_on_the_mocks_own_address_is_refused_and_never_called():
    process, url, _ = start("--seed", "5")
    try:
        wait_healthy(url)
        port = url.rsplit(":", 1)[1]
        with httpx.Client(base_url=url, auth=AUTH) as api:
            for own in (f"http://127.0.0.1:{port}/_mock/reset", f"http://localhost:{port}/_mock/reset",
                        f"http://0.0.0.0:{port}/_mock/reset"):
                refused = api.post("/v1/projects/mallory/importedNumbers", json={
                    "phoneNumber": "+12025550134", "regionCode": "US",
                    "smsConfiguration": {"servicePlanId": "plan"}, "callbackUrl": own})
                assert refused.status_code == 400, refused.text
                assert refused.json()["details"][0]["fieldViolations"][0]["field"] == "callbackUrl"
            # a saved state can still name it: it is never called
            assert api.post("/v1/projects/victim/importedNumbers", json={
                "phoneNumber": "+12025550135", "regionCode": "US",
                "smsConfiguration": {"servicePlanId": "plan"}}).status_code == 200
            state = api.get("/_mock/state").json()
            state["projects"]["victim"]["importedNumbers"]["+12025550135"]["callbackUrl"] = \
                f"http://localhost:{port}/_mock/reset"
            for job in state["jobs"]:
                job["data"] = job["data"]
            assert api.put("/_mock/state", json=state).status_code == 200
            assert api.post("/_mock/clock:advance", json={"seconds": 120}).status_code == 200
            assert api.get("/v1/projects/victim/importedNumbers/%2B12025550135").status_code == 200  # no reset
            events = api.get("/_mock/events", params={"projectId": "victim"}).json()["events"]
            own_events = [e for e in events if e["destination"]]
            assert own_events and all(a["error"].startswith("refused: the mock's own address")
                                      for e in own_events for a in e["attempts"])
    finally:
        assert stop(process) == 0


# --- a stop in the middle of a burst, and --state-file -------------------------------------------------
def test_sigterm_during_an_advance_answers_503_and_the_state_file_keeps_everything(tmp_path):
    dead = socket.socket()
    dead.bind(("127.0.0.1", 0))
    dead.listen(64)  # accepts connections, never answers
    state_file = tmp_path / "state.json"
    process, url, _ = start("--seed", "11", "--state-file", str(state_file))
    answers: list[httpx.Response] = []
    try:
        wait_healthy(url)
        with httpx.Client(base_url=url, auth=AUTH) as api:
            for i in range(3):
                assert api.post("/v1/projects/keep/importedNumbers", json={
                    "phoneNumber": f"+1202555013{i}", "regionCode": "US", "smsConfiguration": {"servicePlanId": "plan"},
                    "callbackUrl": f"http://127.0.0.1:{dead.getsockname()[1]}/hook"}).status_code == 200

        def advance() -> None:
            answers.append(httpx.post(f"{url}/_mock/clock:advance", json={"seconds": 600}, timeout=60))

        mover = threading.Thread(target=advance)
        mover.start()
        time.sleep(1.5)
        assert mover.is_alive()  # delivering to the dead receiver
        process.send_signal(signal.SIGTERM)
        assert process.wait(timeout=30) == 0
        mover.join(30)
    finally:
        if process.poll() is None:
            process.kill()
        dead.close()
    answer, = answers
    assert answer.status_code == 503
    assert answer.json()["status"] == "UNAVAILABLE" and "shutting down" in answer.json()["message"]
    saved = json.loads(state_file.read_text())
    assert not [p for p in os.listdir(tmp_path) if p.endswith(".tmp")]  # written atomically
    assert sorted(saved["projects"]["keep"]["importedNumbers"]) == ["+12025550130", "+12025550131", "+12025550132"]
    assert [e["state"] for e in saved["events"]] == ["pending"] * 3

    process, url, _ = start("--state-file", str(state_file))
    try:
        wait_healthy(url)
        with httpx.Client(base_url=url, auth=AUTH) as api:
            assert api.get("/v1/projects/keep/importedNumbers/%2B12025550131").status_code == 200
            events = api.get("/_mock/events").json()["events"]
            assert [e["eventId"] for e in events] == [e["eventId"] for e in saved["events"]]
            assert {e["state"] for e in events} == {"pending"}  # the dead receiver is gone: still pending
    finally:
        assert stop(process) == 0


def test_state_file_from_the_environment_and_a_bad_file_is_a_clear_start_error(tmp_path):
    import subprocess
    import sys

    state_file = tmp_path / "state.json"
    process, url, _ = start("--seed", "2", env={"SINCH_MOCK_STATE_FILE": str(state_file)})
    try:
        wait_healthy(url)
        assert httpx.post(f"{url}/v1/projects/env/importedNumbers", auth=AUTH, json={
            "phoneNumber": "+12025550134", "regionCode": "US",
            "smsConfiguration": {"servicePlanId": "plan"}}).status_code == 200
    finally:
        assert stop(process) == 0
    assert "+12025550134" in json.loads(state_file.read_text())["projects"]["env"]["importedNumbers"]

    state_file.write_text('{"version": 99}')
    result = subprocess.run([sys.executable, "-m", "mock_server", "serve", "--port", "0", "--state-file",
                             str(state_file)], capture_output=True, text=True, timeout=30)
    assert result.returncode == 2 and "state file" in result.stderr and "Traceback" not in result.stderr


@pytest.mark.parametrize("how", ["flag", "env"])
def test_a_state_file_in_a_missing_directory_is_refused_at_start(tmp_path, how):
    import subprocess
    import sys

    target = str(tmp_path / "nonexistent" / "dir" / "x.json")
    args, env = (["--state-file", target], {}) if how == "flag" else ([], {"SINCH_MOCK_STATE_FILE": target})
    result = subprocess.run([sys.executable, "-m", "mock_server", "serve", "--port", "0", *args],
                            capture_output=True, text=True, timeout=30, env={**os.environ, **env})
    assert result.returncode == 2, result.stderr
    assert ("--state-file" if how == "flag" else "SINCH_MOCK_STATE_FILE") in result.stderr
    assert "does not exist" in result.stderr and "Traceback" not in result.stderr
    assert "listening" not in result.stdout


def own_address_scenario(callback_url: str) -> dict:
    return {"name": "loops", "projects": [{"id": "mallory", "imported_numbers": [
        {"number": "+12025550134", "service_plan": "plan", "callback_url": "http://127.0.0.1:9/ok"},
        {"number": "+12025550135", "service_plan": "plan", "callback_url": callback_url}]}]}


def test_a_scenario_callback_url_on_the_mocks_own_address_is_refused_at_load(tmp_path):
    process, url, _ = start("--seed", "5", "--log-level", "warning")
    try:
        wait_healthy(url)
        port = url.rsplit(":", 1)[1]
        with httpx.Client(base_url=url, auth=AUTH) as api:
            for own in (f"http://127.0.0.1:{port}/_mock/reset", f"http://localhost:{port}/v1/projects/p/importedNumbers"):
                refused = api.post("/_mock/scenarios:load", json={"scenario": own_address_scenario(own)})
                assert refused.status_code == 400, refused.text
                assert refused.json()["status"] == "INVALID_ARGUMENT"
                violation, = refused.json()["details"][0]["fieldViolations"]
                assert violation["field"] == "projects[0].imported_numbers[1].callback_url"
                assert "mock itself" in violation["description"]
            assert api.get("/v1/projects/mallory/importedNumbers/%2B12025550134").status_code == 404  # nothing loaded
            sink = api.post("/_mock/scenarios:load", json={
                "scenario": own_address_scenario(f"http://127.0.0.1:{port}/_mock/sink/mine")})
            assert sink.status_code == 200, sink.text  # its own receiver paths stay allowed
    finally:
        assert stop(process) == 0

    # a start-up scenario: the port is chosen, then the scenario names it
    import subprocess
    import sys

    probe = socket.socket()
    probe.bind(("127.0.0.1", 0))
    port = probe.getsockname()[1]
    probe.close()
    scenario = tmp_path / "loops.yaml"
    scenario.write_text(json.dumps(own_address_scenario(f"http://localhost:{port}/_mock/reset")))
    result = subprocess.run([sys.executable, "-m", "mock_server", "serve", "--port", str(port), "--scenario",
                             str(scenario)], capture_output=True, text=True, timeout=30)
    assert result.returncode == 2, result.stderr
    assert "projects[0].imported_numbers[1].callback_url" in result.stderr and "Traceback" not in result.stderr


def test_settle_heap_freezes_what_start_up_made_and_collects_the_young_generation_less_often():
    import gc

    threshold = gc.get_threshold()
    try:
        kept = [object() for _ in range(10)]  # noqa: F841 - start-up's objects, still alive
        serving.settle_heap()
        assert gc.get_freeze_count() > 0
        assert gc.get_threshold() == (serving.YOUNG_COLLECTION_ALLOCATIONS, serving.OLDER_COLLECTIONS,
                                      serving.OLDER_COLLECTIONS)
    finally:
        gc.unfreeze()
        gc.set_threshold(*threshold)
