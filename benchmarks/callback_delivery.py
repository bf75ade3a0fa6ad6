"""Callback delivery throughput: the mock's dispatcher against a plain httpx loop, same run.

A receiver process (uvicorn, answering 200 to every POST) listens on loopback. The script
records N events (default 10,000) in a world, spread over D destinations (paths on that
receiver), and times one clock advance that delivers them all; then it posts the same bodies
with the same headers through a plain `httpx.AsyncClient` loop (one sequential loop per
destination, the loops running concurrently), and prints both rates (best of --rounds runs
each, alternating which goes first) and their ratio. The
dispatcher sends one event at a time per destination, so D=1 compares it with a strictly
sequential loop and D=16 with 16 concurrent loops. Figures, no thresholds; run it with
`make bench` or `.venv/bin/python benchmarks/callback_delivery.py [--events N]`.
"""

from __future__ import annotations

import argparse
import asyncio
import socket
import subprocess
import sys
import time
from datetime import datetime, timezone
from pathlib import Path

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parent))
from figures import arguments, emit, Row  # noqa: E402

from mock_server.core.clock import Clock
from mock_server.core.rng import Rng
from mock_server.delivery.signing import body_bytes, request_headers
from mock_server.domain.events import DeliveryState, EventType, ResourceType
from mock_server.domain.world import World
from mock_server.engine import Engine

SECRET = "bench-secret"


# --- the receiver (a separate process, so it does not share the GIL with the sender) -------------
async def _receiver_app(scope, receive, send) -> None:  # type: ignore[no-untyped-def]
    if scope["type"] != "http":
        return
    more = True
    while more:
        message = await receive()
        more = message.get("more_body", False)
    await send({"type": "http.response.start", "status": 200, "headers": [(b"content-length", b"0")]})
    await send({"type": "http.response.body", "body": b""})


def run_receiver() -> None:
    import uvicorn

    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    sock.listen(1024)
    print(sock.getsockname()[1], flush=True)
    uvicorn.Server(uvicorn.Config(_receiver_app, log_level="error", access_log=False, lifespan="off")).run(
        sockets=[sock])


def start_receiver() -> tuple[subprocess.Popen, str]:
    process = subprocess.Popen([sys.executable, __file__, "--receiver"], stdout=subprocess.PIPE, text=True)
    port = int(process.stdout.readline())  # type: ignore[union-attr]
    base = f"http://127.0.0.1:{port}"
    for _ in range(200):
        try:
            httpx.post(base + "/ready", content=b"{}")
            break
        except httpx.TransportError:
            time.sleep(0.02)
    return process, base


# --- the two senders ----------------------------------------------------------------------------------
def new_world(base: str, events: int, destinations: int) -> World:
    world = World(clock=Clock(start=datetime(2026, 1, 5, 9, tzinfo=timezone.utc), frozen=True), rng=Rng(1))
    world.project("bench").callback_configuration.hmac_secret = SECRET
    world.settings.callbacks.concurrency = max(16, destinations)
    for i in range(events):
        world.events.record("bench", ResourceType.IMPORTED_NUMBER, EventType.PROVISIONING_TO_SMS_PLATFORM,
                            f"+1202{i:07d}", destination=f"{base}/d{i % destinations}")
    return world


async def dispatcher_run(world: World) -> float:
    engine = Engine(world)
    await engine.start(background=False)
    try:
        started = time.perf_counter()
        await engine.advance(0)
        elapsed = time.perf_counter() - started
    finally:
        await engine.stop()
    states = {e.state for e in world.events.events}
    assert states == {DeliveryState.DELIVERED}, states
    return elapsed


async def plain_loop_run(world: World) -> float:
    """The same requests (bytes and headers) through a bare httpx loop per destination."""
    lanes: dict[str, list[tuple[bytes, dict[str, str]]]] = {}
    for event in world.events.events:
        body = body_bytes(event.payload())
        lanes.setdefault(event.destination or "", []).append((body, request_headers(body, SECRET)))
    limits = httpx.Limits(max_connections=None, max_keepalive_connections=64)
    async with httpx.AsyncClient(limits=limits, trust_env=False) as client:
        async def lane(url: str, requests: list[tuple[bytes, dict[str, str]]]) -> None:
            for body, headers in requests:
                response = await client.post(url, content=body, headers=headers, timeout=5)
                assert response.status_code == 200

        started = time.perf_counter()
        await asyncio.gather(*(lane(url, requests) for url, requests in lanes.items()))
        return time.perf_counter() - started


def compare(base: str, events: int, destinations: int, rounds: int) -> tuple[float, float]:
    """Best of `rounds` runs of each, alternating which goes first (the machine's load varies).

    Returns (dispatcher rate, plain loop rate) in events a second."""
    mine, plain = [], []
    for round_ in range(rounds):
        runs = [(mine, dispatcher_run), (plain, plain_loop_run)]
        for times, run in runs if round_ % 2 == 0 else reversed(runs):
            times.append(asyncio.run(run(new_world(base, events, destinations))))
    mock_rate, plain_rate = events / min(mine), events / min(plain)
    print(f"{events:>7} events to {destinations:>2} destination(s): dispatcher {mock_rate:7.0f} ev/s   "
          f"plain httpx loop {plain_rate:7.0f} ev/s   ratio {mock_rate / plain_rate:4.2f}", file=sys.stderr)
    return mock_rate, plain_rate


def main() -> None:
    parser = arguments(__doc__)
    parser.add_argument("--events", type=int, default=10_000)
    parser.add_argument("--destinations", type=int, nargs="*", default=[1, 16])
    parser.add_argument("--rounds", type=int, default=2, help="runs of each sender; the best counts")
    parser.add_argument("--receiver", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.receiver:
        run_receiver()
        return
    process, base = start_receiver()
    rows = []
    try:
        print(f"callback delivery to a local receiver ({base}), signed, Python {sys.version.split()[0]}",
              file=sys.stderr)
        for destinations in args.destinations:
            mock_rate, plain_rate = compare(base, args.events, destinations, args.rounds)
            target = {1: "ratio >= 1.2", 16: "figure >= 2000"}.get(destinations, "")
            rows.append(Row(f"callbacks: {args.events:,} signed events to {destinations} destination(s)",
                            mock_rate, "ev/s", f"plain httpx loop, {destinations} destination(s)", plain_rate,
                            target))
    finally:
        process.terminate()
        process.wait(timeout=10)
    emit(rows)


if __name__ == "__main__":
    main()
