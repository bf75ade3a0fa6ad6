"""Requests on one kept-alive connection to a real `sinch-mock serve` process, and a dead receiver.

Prints figures (no thresholds):
- the median and 95th percentile time of `GET /_mock/health` on one reused connection (about
  44 ms each when accepted sockets lack TCP_NODELAY; well under a millisecond with it);
- the real time of `clock:advance` through the whole retry schedule with 20 events queued for
  a receiver that never answers, against 1 event (a dead receiver costs a timeout per retry
  instant, not per event).
Run with `.venv/bin/python benchmarks/keep_alive.py`.
"""

from __future__ import annotations

import re
import signal
import socket
import statistics
import subprocess
import sys
import time

import httpx


def serve(*args: str) -> tuple[subprocess.Popen, str]:
    process = subprocess.Popen([sys.executable, "-m", "mock_server", "serve", "--port", "0", *args],
                               stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    url = re.search(r"http://127\.0\.0\.1:\d+", process.stdout.readline() or "")
    assert url, "the server did not start"
    for _ in range(100):
        try:
            httpx.get(url.group(0) + "/_mock/health")
            break
        except httpx.TransportError:
            time.sleep(0.05)
    return process, url.group(0)


def keep_alive(url: str, rounds: int = 200) -> list[float]:
    times = []
    with httpx.Client(base_url=url) as client:
        client.get("/_mock/health")
        for _ in range(rounds):
            started = time.perf_counter()
            client.get("/_mock/health")
            times.append(time.perf_counter() - started)
    return times


def dead_receiver_advance(url: str, events: int) -> float:
    dead = socket.socket()
    dead.bind(("127.0.0.1", 0))
    dead.listen(256)  # accepts, never answers
    try:
        with httpx.Client(base_url=url, auth=("sandbox-key-id", "sandbox-key-secret"), timeout=600) as api:
            api.post("/_mock/reset")
            for i in range(events):
                api.post(f"/v1/projects/bench/importedNumbers", json={
                    "phoneNumber": f"+1202555{3000 + i}", "regionCode": "US",
                    "smsConfiguration": {"servicePlanId": "plan"},
                    "callbackUrl": f"http://127.0.0.1:{dead.getsockname()[1]}/hook"})
            started = time.perf_counter()
            api.post("/_mock/clock:advance", json={"seconds": 600})
            return time.perf_counter() - started
    finally:
        dead.close()


def main() -> None:
    process, url = serve("--callback-timeout", "1", "--callback-max-attempts", "3")
    try:
        times = sorted(keep_alive(url))
        print(f"keep-alive GET /_mock/health: median {statistics.median(times) * 1000:.2f} ms, "
              f"p95 {times[int(len(times) * 0.95)] * 1000:.2f} ms over {len(times)} requests")
        one = dead_receiver_advance(url, 1)
        twenty = dead_receiver_advance(url, 20)
        print(f"advance 600 s, dead receiver (timeout 1 s, 3 attempts): 1 event {one:.1f} s, "
              f"20 events {twenty:.1f} s")
    finally:
        process.send_signal(signal.SIGTERM)
        process.wait(30)


if __name__ == "__main__":
    main()
