"""Fixtures of the contract suite, the network guard and the per-operation summary table."""

from __future__ import annotations

import os
import re
import select
import signal
import socket
import subprocess
import sys
import threading
import time
from datetime import datetime, timezone
from ipaddress import ip_address
from pathlib import Path
from typing import Iterator

import pytest

from contract_tests.harness import STATS
from contract_tests.overlay import iter_operations, patched_spec

HERE = Path(__file__).resolve().parent
START = datetime(2026, 1, 5, 9, 0, 0, tzinfo=timezone.utc)


# --- every test here is a contract test -----------------------------------------------------------
def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    for item in items:
        if Path(str(item.fspath)).resolve().is_relative_to(HERE):
            item.add_marker(pytest.mark.contract)


# --- no network: schemathesis and the mock talk to 127.0.0.1 only ---------------------------------
def _is_local(address: object) -> bool:
    if not isinstance(address, tuple) or not address:
        return True  # AF_UNIX paths and the like
    host = address[0]
    if host in ("localhost", "testserver"):
        return True
    try:
        return ip_address(str(host).split("%")[0]).is_loopback
    except ValueError:
        return False


@pytest.fixture(autouse=True, scope="package")
def _no_network() -> Iterator[None]:
    original_connect = socket.socket.connect
    original_connect_ex = socket.socket.connect_ex

    def guarded_connect(self: socket.socket, address: object) -> None:
        if not _is_local(address):
            raise ConnectionRefusedError(f"contract tests may not reach {address!r}: loopback only")
        return original_connect(self, address)

    def guarded_connect_ex(self: socket.socket, address: object) -> int:
        if not _is_local(address):
            raise ConnectionRefusedError(f"contract tests may not reach {address!r}: loopback only")
        return original_connect_ex(self, address)

    socket.socket.connect = guarded_connect  # type: ignore[method-assign]
    socket.socket.connect_ex = guarded_connect_ex  # type: ignore[method-assign]
    try:
        yield
    finally:
        socket.socket.connect = original_connect  # type: ignore[method-assign]
        socket.socket.connect_ex = original_connect_ex  # type: ignore[method-assign]


# --- the mock under test -------------------------------------------------------------------------
def make_app(start: datetime = START, seed: int = 1234):
    from mock_server.config import MockConfig
    from mock_server.core.clock import Clock
    from mock_server.http.app import create_app

    return create_app(MockConfig(seed=seed, background=False), clock=Clock(start=start, frozen=True))


@pytest.fixture(scope="module")
def asgi_app():
    """One in-process mock per module, on a frozen clock, seeded."""
    return make_app()


class LiveServer:
    def __init__(self, process: subprocess.Popen, url: str) -> None:
        self.process = process
        self.url = url


_URL = re.compile(r"(http://[^\s()]+)")


def _drain(process: subprocess.Popen) -> None:
    for _ in process.stdout or ():
        pass


def start_live_server(timeout: float = 30.0) -> LiveServer:
    """`sinch-mock serve --port 0`: parse the URL it prints, wait for /_mock/health."""
    import httpx

    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    for name in [k for k in env if k.startswith("SINCH_MOCK_")]:
        del env[name]
    command = [sys.executable, "-m", "mock_server", "serve", "--host", "127.0.0.1", "--port", "0", "--seed", "4321"]
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, env=env)
    deadline = time.monotonic() + timeout
    lines: list[str] = []
    url = None
    assert process.stdout is not None
    while url is None and time.monotonic() < deadline:
        ready, _, _ = select.select([process.stdout], [], [], 0.2)
        if ready:
            line = process.stdout.readline()
            if not line:
                break
            lines.append(line)
            match = _URL.search(line)
            if match:
                url = match.group(1).rstrip("/")
        elif process.poll() is not None:
            break
    if url is None:
        stop_live_server(LiveServer(process, ""))
        raise RuntimeError("sinch-mock serve printed no URL:\n" + "".join(lines))
    # keep reading its output (an access-log line per request): a full pipe would block the server
    threading.Thread(target=_drain, args=(process,), daemon=True).start()
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"{url}/_mock/health", timeout=1.0).status_code == 200:
                return LiveServer(process, url)
        except httpx.TransportError:
            time.sleep(0.1)
    stop_live_server(LiveServer(process, url))
    raise RuntimeError(f"sinch-mock serve did not become healthy at {url}")


def stop_live_server(server: LiveServer) -> None:
    """SIGINT first (uvicorn shuts down cleanly), then terminate, then kill."""
    process = server.process
    if process.poll() is None:
        process.send_signal(signal.SIGINT)
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.terminate()
            try:
                process.wait(timeout=5)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait(timeout=5)
    if process.stdout is not None:
        process.stdout.close()


@pytest.fixture(scope="session")
def live_server() -> Iterator[LiveServer]:
    server = start_live_server()
    try:
        yield server
    finally:
        stop_live_server(server)


# --- the per-operation table ---------------------------------------------------------------------
KIND_TITLES = (("asgi", "in-process"), ("live", "live server"), ("stateful", "stateful"))


def pytest_terminal_summary(terminalreporter, exitstatus: int, config: pytest.Config) -> None:
    examples = sys.modules.get("contract_tests.test_examples")
    if examples is not None and examples.CHECKED:
        terminalreporter.section("contract tests: example fidelity")
        terminalreporter.write_line(
            f"{len(examples.CHECKED)} spec examples checked: {len(examples.REQUEST_EXAMPLES)} request examples, "
            f"{len(examples.RESPONSE_EXAMPLES)} response examples, {len(examples.LIST_OPERATIONS)} lists' "
            "parameter examples")
    kinds = [(kind, title) for kind, title in KIND_TITLES if STATS.by_kind.get(kind)]
    if not kinds:
        return
    spec = patched_spec()
    labels = [f"{method.upper()} {path}" for _, method, path, _ in iter_operations(spec)]
    ids = {f"{method.upper()} {path}": op_id for op_id, method, path, _ in iter_operations(spec)}
    write = terminalreporter.write_line
    terminalreporter.section("contract tests: cases and failures per operation")
    width = max(len(ids[label]) for label in labels)
    header = f"{'operation':<{width}}  " + "  ".join(f"{title:>26}" if kind == "stateful" else f"{title:>20}" for kind, title in kinds) + "  statuses (in-process)"
    write(header)
    write("-" * len(header))
    totals = {kind: [0, 0] for kind, _ in kinds}
    for label in labels:
        cells = []
        for kind, _ in kinds:
            tally = STATS.by_kind[kind].get(label)
            cases, failures = (tally.cases, tally.failures) if tally else (0, 0)
            totals[kind][0] += cases
            totals[kind][1] += failures
            cells.append(f"{cases:>7} cases {failures:>4} fail")
            if kind == "stateful":
                linked = STATS.by_kind.get("stateful-linked", {}).get(label)
                cells[-1] = f"{cases:>5} ({linked.cases if linked else 0:>3} linked) {failures:>3} fail"
        asgi = STATS.by_kind.get("asgi", {}).get(label)
        statuses = " ".join(f"{code}:{n}" for code, n in sorted(asgi.statuses.items())) if asgi else ""
        write(f"{ids[label]:<{width}}  " + "  ".join(f"{c:>20}" for c in cells) + f"  {statuses}")
    write("-" * len(header))
    write(f"{'total':<{width}}  " + "  ".join(f"{f'{t[0]:>7} cases {t[1]:>4} fail':>20}" for t in totals.values()))
    write("(fail: failing calls, shrinking replays included; stateful: steps, of which fed by an overlay link; "
          "statuses: what the in-process run answered)")
    failing = [(kind, label, tally) for kind, _ in kinds for label, tally in STATS.by_kind[kind].items()
               if tally.failures]
    for kind, label, tally in failing:
        write(f"first failure [{kind}] {label}: {tally.first_failure}")
