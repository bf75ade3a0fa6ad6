"""Driving the mock from tests: the objects behind the pytest fixtures (docs/pytest.md).

- `SinchMock`: an in-process mock (Starlette's TestClient; no socket, no thread of its own).
- `SinchMockServer`: a real `sinch-mock serve` process on a free loopback port.
- `CallbackSink`: a loopback HTTP receiver that records callbacks and checks their signatures
  (it is `mock_server.testing.CallbackReceiver` with the project's secret attached).

Both mocks share `MockControl`: one method per control-plane call, so a test reads
`mock.advance(600)`, `mock.voice_code("p", "+12025550134")`, `mock.sign_loa("p", order_id)`.
They are usable outside pytest as context managers.
"""

from __future__ import annotations

import base64
import os
import queue
import re
import subprocess
import sys
import threading
import time
import warnings
from datetime import datetime
from pathlib import Path
from typing import Any
from urllib.parse import quote

import httpx

from mock_server.config import SANDBOX_KEY_ID, SANDBOX_KEY_SECRET
from mock_server.core.timefmt import parse_rfc3339, rfc3339
from mock_server.testing import CallbackReceiver, ReceivedCallback

DEFAULT_SEED = 1234


class SinchMockError(AssertionError):
    """A control-plane call the mock refused; `status` and `body` are its answer."""

    def __init__(self, method: str, path: str, status: int, body: Any) -> None:
        self.status, self.body = status, body
        message = body.get("message") if isinstance(body, dict) else body
        super().__init__(f"{method} {path} answered {status}: {message}")


def basic_auth_header(key_id: str, key_secret: str) -> dict[str, str]:
    token = base64.b64encode(f"{key_id}:{key_secret}".encode()).decode()
    return {"Authorization": f"Basic {token}"}


def _journal_filters(project_id: str | None, method: str | None, path: str | None, status: int | str | None,
                     since: datetime | str | None, limit: int | None, include_control: bool) -> dict[str, str]:
    values = {"projectId": project_id, "method": method, "path": path, "status": status,
              "since": rfc3339(since) if isinstance(since, datetime) else since, "limit": limit,
              "include": "control" if include_control else None}
    return {name: str(value) for name, value in values.items() if value is not None}


def _segment(value: str) -> str:
    return quote(value, safe="")


def _record_path(project_id: str, collection: str, record_id: str, rest: str) -> str:
    """A control-plane path of one record: `/_mock/projects/{p}/{collection}/{id}{rest}`."""
    return f"/_mock/projects/{_segment(project_id)}/{collection}/{_segment(record_id)}{rest}"


class MockControl:
    """The control plane (`/_mock/...`) as methods. Subclasses set `_control`, an httpx-like client."""

    _control: Any
    control_token: str | None = None  # sent as `Authorization: Bearer` on control-plane calls

    # --- plumbing -------------------------------------------------------------------------
    def _call(self, method: str, path: str, json: Any = None, params: dict | None = None) -> Any:
        headers = {"Authorization": f"Bearer {self.control_token}"} if self.control_token else None
        response = self._control.request(method, path, json=json, params=params, headers=headers)
        try:
            body = response.json()
        except ValueError:
            body = response.text
        if response.status_code >= 400:
            raise SinchMockError(method, path, response.status_code, body)
        return body

    # --- state ----------------------------------------------------------------------------
    def reset(self) -> None:
        """Drop all state (start-up scenarios are applied again)."""
        self._call("POST", "/_mock/reset")

    def state(self) -> dict:
        """The whole state, as `GET /_mock/state` exports it."""
        return self._call("GET", "/_mock/state")

    def restore(self, document: dict) -> None:
        """Replace the whole state with an exported one (`PUT /_mock/state`)."""
        self._call("PUT", "/_mock/state", json=document)

    def load_scenario(self, name_or_path: str | os.PathLike | None = None, *, name: str | None = None,
                      path: str | os.PathLike | None = None, scenario: dict | None = None) -> dict:
        """Load a scenario: a shipped one by name, a file by path, or an inline dict.

        A positional string is a path when such a file exists (or it ends in .yaml/.yml),
        else the name of a shipped scenario. Answers what was loaded (projects, order ids).
        """
        if isinstance(name_or_path, dict):
            scenario = name_or_path
        elif name_or_path is not None:
            text = os.fspath(name_or_path)
            if Path(text).is_file() or text.endswith((".yaml", ".yml")):
                path = text
            else:
                name = text
        given = [(k, v) for k, v in (("name", name), ("path", path), ("scenario", scenario)) if v is not None]
        if len(given) != 1:
            raise ValueError("give one scenario: a name, a path or an inline dict")
        key, value = given[0]
        if key == "path":
            value = str(Path(os.fspath(value)).resolve())
        return self._call("POST", "/_mock/scenarios:load", json={key: value})

    # --- the clock ------------------------------------------------------------------------
    def now(self) -> datetime:
        return parse_rfc3339(self._call("GET", "/_mock/clock")["now"])

    def advance(self, seconds: float) -> datetime:
        """Move the clock forward; every transition and delivery falling due runs first."""
        return parse_rfc3339(self._call("POST", "/_mock/clock:advance", json={"seconds": seconds})["now"])

    def move_to(self, instant: datetime | str) -> datetime:
        """Jump the clock forward to `instant` (`/_mock/clock:set`), with the same effect."""
        text = instant if isinstance(instant, str) else rfc3339(instant)
        return parse_rfc3339(self._call("POST", "/_mock/clock:set", json={"now": text})["now"])

    def freeze(self) -> datetime:
        return parse_rfc3339(self._call("POST", "/_mock/clock:freeze")["now"])

    def resume(self) -> datetime:
        return parse_rfc3339(self._call("POST", "/_mock/clock:resume")["now"])

    # --- what happened --------------------------------------------------------------------
    def events(self, project_id: str | None = None, *, state: str | None = None) -> list[dict]:
        """The callback ledger: each event with its payload, destination, state and attempts."""
        params = {k: v for k, v in (("projectId", project_id), ("state", state)) if v is not None}
        return self._call("GET", "/_mock/events", params=params)["events"]

    def payloads(self, project_id: str | None = None) -> list[dict]:
        """Just the callback payloads, in the order they were recorded."""
        return [event["payload"] for event in self.events(project_id)]

    def requests(self, project_id: str | None = None, *, method: str | None = None, path: str | None = None,
                 status: int | str | None = None, since: datetime | str | None = None, limit: int | None = None,
                 include_control: bool = False) -> list[dict]:
        """The request journal, oldest first: each call's method, path, status, time, headers,
        bodies and duration; filtered as `GET /_mock/requests` filters (`path` is a prefix,
        `status` a code or a class such as "4xx", `limit` keeps the most recent)."""
        params = _journal_filters(project_id, method, path, status, since, limit, include_control)
        return self._call("GET", "/_mock/requests", params=params)["requests"]

    def event(self, event_id: str) -> dict:
        """One ledger entry (`GET /_mock/events/{eventId}`)."""
        return self._call("GET", f"/_mock/events/{_segment(event_id)}")

    def redeliver(self, event_id: str, url: str | None = None) -> dict:
        """Send an event again now, to its destination or `url`; answers its ledger entry."""
        return self._call("POST", f"/_mock/events/{_segment(event_id)}:redeliver",
                          json={"url": url} if url is not None else None)

    def sink(self, name: str) -> dict:
        """What the built-in sink `/_mock/sink/{name}` received."""
        return self._call("GET", f"/_mock/sink/{_segment(name)}")

    # --- faults ---------------------------------------------------------------------------
    def add_fault(self, rule: dict) -> dict:
        """Add a fault or latency rule (docs/faults.md); answers it with its id."""
        return self._call("POST", "/_mock/faults", json=rule)

    def clear_faults(self) -> None:
        self._call("DELETE", "/_mock/faults")

    def count_requests(self, project_id: str | None = None, *, method: str | None = None,
                       path: str | None = None, status: int | str | None = None,
                       since: datetime | str | None = None, include_control: bool = False) -> int:
        params = _journal_filters(project_id, method, path, status, since, None, include_control)
        return self._call("GET", "/_mock/requests:count", params=params)["count"]

    def clear_requests(self) -> None:
        """Empty the request journal (`DELETE /_mock/requests`)."""
        self._call("DELETE", "/_mock/requests")

    def assert_called(self, method: str | None = None, path: str | None = None, *, times: int | None = None,
                      project_id: str | None = None, status: int | str | None = None,
                      since: datetime | str | None = None) -> list[dict]:
        """Fail unless the API got a matching call (exactly `times` of them, if given); answer
        the matching journal entries. `path` is a prefix."""
        found = self.requests(project_id, method=method, path=path, status=status, since=since)
        if (times is None and not found) or (times is not None and len(found) != times):
            wanted = " ".join(part for part in (method, path) if part) or "any call"
            seen = "\n".join(f"  {e['method']} {e['path']} -> {e['status']}" for e in self.requests()[-20:])
            expected = "at least once" if times is None else f"{times} time(s)"
            raise AssertionError(f"expected {wanted} {expected}, found {len(found)}; the last calls were:\n"
                                 + (seen or "  (none)"))
        return found

    # --- the people and processes outside the API -------------------------------------------
    def voice_challenge(self, project_id: str, number: str) -> dict:
        return self._call("GET", _record_path(project_id, "qualifiedNumbers", number, "/voiceChallenge"))

    def voice_code(self, project_id: str, number: str) -> str:
        """The code the last voice call to `number` "spoke"."""
        return self.voice_challenge(project_id, number)["code"]

    def approve_invoices(self, project_id: str, number: str) -> dict:
        return self._call("POST", _record_path(project_id, "qualifiedNumbers", number, ":approveInvoices"))

    def reject_invoices(self, project_id: str, number: str) -> dict:
        return self._call("POST", _record_path(project_id, "qualifiedNumbers", number, ":rejectInvoices"))

    def sign_loa(self, project_id: str, hosting_order_id: str) -> dict:
        return self._call("POST", _record_path(project_id, "hostingOrders", hosting_order_id, ":signLoa"))

    def decline_loa(self, project_id: str, hosting_order_id: str) -> dict:
        return self._call("POST", _record_path(project_id, "hostingOrders", hosting_order_id, ":declineLoa"))

    def approve_blanket_loa(self, project_id: str) -> dict:
        """A blanket LOA is on file for the project: its orders may use `blanketLoaInfo`."""
        return self._call("POST", f"/_mock/projects/{_segment(project_id)}:approveBlanketLoa")

    def revoke_blanket_loa(self, project_id: str) -> dict:
        return self._call("POST", f"/_mock/projects/{_segment(project_id)}:revokeBlanketLoa")


class SinchMock(MockControl):
    """An in-process mock with its own state. `client` is an authenticated TestClient
    (the `httpx.Client` interface) whose base URL is `http://testserver`.

    The clock follows the system time (and so `freezegun`) until the test moves it with
    `advance`/`move_to` (which freeze it) or `start` fixes it. No background worker runs:
    due transitions run on every request, callbacks go out when the clock is moved.
    """

    base_url = "http://testserver"

    def __init__(self, *, seed: int = DEFAULT_SEED, scenarios: list[str] | None = None,
                 start: datetime | None = None, key_id: str = SANDBOX_KEY_ID,
                 key_secret: str = SANDBOX_KEY_SECRET, control_token: str | None = None,
                 scenario_dirs: list[str] | None = None) -> None:
        with warnings.catch_warnings():  # Starlette's notice about httpx concerns it, not the user
            warnings.filterwarnings("ignore", message="Using `httpx` with `starlette.testclient`")
            from starlette.testclient import TestClient

        from mock_server.config import AccessKey, MockConfig
        from mock_server.core.clock import Clock
        from mock_server.http.app import create_app

        self.key_id, self.key_secret = key_id, key_secret
        self.control_token = control_token
        config = MockConfig(seed=seed, background=False, scenarios=list(scenarios or []),
                            access_keys=[AccessKey(key_id, key_secret)], control_token=control_token,
                            scenario_dirs=list(scenario_dirs or []))
        self.app = create_app(config, clock=Clock(start=start, frozen=start is not None))
        self.client = TestClient(self.app, base_url=self.base_url, headers=basic_auth_header(key_id, key_secret))
        self._control = self.client
        self._open = False

    @property
    def world(self):  # type: ignore[no-untyped-def]
        """The domain world behind the app, for assertions the API cannot make."""
        return self.app.state.world

    @property
    def auth(self) -> tuple[str, str]:
        return (self.key_id, self.key_secret)

    def deliver(self) -> int:
        """Bring the state up to the clock's now and make every callback delivery attempt that is
        due, without moving the clock (under freezegun: after `tick()`); returns how many events
        are still pending."""
        engine = self.app.state.engine
        world = self.world

        async def catch_up() -> None:
            world.catch_up()
            await engine.dispatcher.deliver_due(world.clock.now())

        self.open()
        self.client.portal.call(catch_up)  # type: ignore[union-attr]
        with world.lock:
            return sum(1 for event in world.events.events if event.state.value == "pending")

    def open(self) -> "SinchMock":
        if not self._open:
            self.client.__enter__()  # runs the app's lifespan (the delivery engine)
            self._open = True
        return self

    def close(self) -> None:
        if self._open:
            self._open = False
            self.client.__exit__(None, None, None)

    def __enter__(self) -> "SinchMock":
        return self.open()

    def __exit__(self, *exc: object) -> None:
        self.close()


_LISTENING = re.compile(r"listening on (https?://\S+)")


class SinchMockServer(MockControl):
    """A live `sinch-mock serve` process on 127.0.0.1 and a free port.

    `base_url`, `key_id`, `key_secret` (and `auth`, a tuple for httpx/requests) are what the
    code under test needs; `client` is an authenticated `httpx.Client` on it.
    """

    def __init__(self, *, seed: int = DEFAULT_SEED, scenarios: list[str] | None = None,
                 key_id: str = SANDBOX_KEY_ID, key_secret: str = SANDBOX_KEY_SECRET,
                 startup_timeout: float = 20.0, control_token: str | None = None,
                 scenario_dirs: list[str] | None = None) -> None:
        self.seed, self.scenarios = seed, list(scenarios or [])
        self.control_token = control_token
        self.scenario_dirs = list(scenario_dirs or [])
        self.key_id, self.key_secret = key_id, key_secret
        self.startup_timeout = startup_timeout
        self.process: subprocess.Popen[str] | None = None
        self.base_url = ""
        self.client: httpx.Client | None = None
        self._output: list[str] = []

    @property
    def auth(self) -> tuple[str, str]:
        return (self.key_id, self.key_secret)

    def start(self) -> "SinchMockServer":
        command = [sys.executable, "-m", "mock_server", "serve", "--host", "127.0.0.1", "--port", "0",
                   "--seed", str(self.seed), "--access-key", f"{self.key_id}:{self.key_secret}"]
        for scenario in self.scenarios:
            command += ["--scenario", scenario]
        for directory in self.scenario_dirs:
            command += ["--scenario-dir", directory]
        env = {k: v for k, v in os.environ.items() if not k.startswith("SINCH_MOCK_")}
        if self.control_token:
            env["SINCH_MOCK_CONTROL_TOKEN"] = self.control_token  # not on the command line, where `ps` shows it
        self.process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                                        text=True, env=env)
        lines: queue.Queue[str | None] = queue.Queue()
        threading.Thread(target=self._pump, args=(lines,), name="sinch-mock-output", daemon=True).start()
        deadline = time.monotonic() + self.startup_timeout
        while not self.base_url:
            try:
                line = lines.get(timeout=max(0.0, deadline - time.monotonic()))
            except queue.Empty:
                line = None
            if line is None:
                self.stop()
                raise RuntimeError("sinch-mock did not start:\n" + "".join(self._output))
            match = _LISTENING.search(line)
            if match:
                self.base_url = match.group(1)
        self._control = httpx.Client(base_url=self.base_url, timeout=30)
        self.client = httpx.Client(base_url=self.base_url, auth=self.auth, timeout=30)
        self._wait_healthy(deadline)
        return self

    def _pump(self, lines: "queue.Queue[str | None]") -> None:
        assert self.process is not None and self.process.stdout is not None
        for line in self.process.stdout:
            self._output.append(line)
            lines.put(line)
        lines.put(None)

    def _wait_healthy(self, deadline: float) -> None:
        while True:
            try:
                if self._control.get("/_mock/health").status_code == 200:
                    return
            except httpx.TransportError:
                pass
            if time.monotonic() > deadline:
                self.stop()
                raise RuntimeError("sinch-mock never answered /_mock/health:\n" + "".join(self._output))
            time.sleep(0.05)

    @property
    def output(self) -> str:
        """What the server process printed so far."""
        return "".join(self._output)

    def stop(self) -> None:
        for client in (getattr(self, "_control", None), self.client):
            if client is not None:
                client.close()
        self.client = None
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.process = None

    def __enter__(self) -> "SinchMockServer":
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()


class CallbackSink(CallbackReceiver):
    """Records callbacks on 127.0.0.1 and checks each signature against `secret`.

    Set `secret` to the project's `hmacSecret` (None: callbacks must come unsigned). `url` is
    what tests pass as `callbackUrl`; `respond` scripts the answers (see CallbackReceiver).
    """

    def __init__(self, secret: str | None = None, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.secret = secret

    def signature_ok(self, call: ReceivedCallback) -> bool:
        if self.secret is None:
            return call.signature is None
        return call.verify(self.secret)

    def bad_signatures(self) -> list[ReceivedCallback]:
        return [call for call in self.received if not self.signature_ok(call)]

    def assert_signatures(self) -> None:
        """Fail unless every callback received so far carries the right signature."""
        bad = self.bad_signatures()
        if bad:
            expected = "unsigned callbacks" if self.secret is None else "signatures made with the secret"
            raise AssertionError(f"{len(bad)} of {len(self.received)} callbacks lack {expected}: "
                                 + ", ".join(str(call.event_id) for call in bad))

    def events(self, event_type: str | None = None, resource_id: str | None = None) -> list[dict]:
        """The payloads received, optionally only of one event type and/or resource."""
        return [p for p in self.payloads()
                if (event_type is None or p.get("eventType") == event_type)
                and (resource_id is None or p.get("resourceId") == resource_id)]
