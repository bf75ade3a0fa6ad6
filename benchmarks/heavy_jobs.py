"""Heavy jobs and health: `/_mock/health` latency while a real `sinch-mock serve` process loads a
100,000-number scenario, exports that state (GET /_mock/state), and imports it back (PUT).

Prints, per job: how long it took (wall clock, over HTTP), the size of the document, how many
health calls were answered meanwhile and the slowest and median of them; the rows for `make
bench` are the slowest health answer during each job (target: 100 ms), with the slowest answer
of the idle mock as the anchor. Each health call opens its own connection (`http.client`), so the figures are
the mock's, not those of TCP's delayed acknowledgements on a reused connection. The server runs
with its access log off (`--log-level warning`). Run alone:
`.venv/bin/python benchmarks/heavy_jobs.py`.
"""

from __future__ import annotations

import http.client
import re
import statistics
import subprocess
import sys
import threading
import time
from typing import Callable

import httpx

sys.path.insert(0, __import__("os").path.dirname(__file__))
from figures import arguments, emit, Row  # noqa: E402

SCENARIO = {"name": "hundred-thousand", "projects": [{"id": "big", "imported_numbers": [
    {"range": {"start": "+12062000000", "count": 100_000}, "service_plan": "plan"}]}]}


def start() -> tuple[subprocess.Popen, str]:
    process = subprocess.Popen([sys.executable, "-m", "mock_server", "serve", "--port", "0", "--seed", "1",
                                "--log-level", "warning"],
                               stdout=subprocess.PIPE, text=True)
    line = process.stdout.readline() if process.stdout else ""
    match = re.search(r"http://127\.0\.0\.1:\d+", line)
    if not match:
        raise SystemExit(f"the server did not start: {line!r}")
    return process, match.group(0)


def health(url: str) -> None:
    """One `GET /_mock/health` on a new connection (http.client: no client set-up of its own to
    time, such as the certificate store httpx loads for each new client)."""
    host, port = url.removeprefix("http://").split(":")
    connection = http.client.HTTPConnection(host, int(port), timeout=60)
    try:
        connection.request("GET", "/_mock/health")
        answer = connection.getresponse()
        answer.read()
        assert answer.status == 200, answer.status
    finally:
        connection.close()


def measured(url: str, name: str, job: Callable[[], int]) -> tuple[float, float]:
    """(seconds the job took, slowest health answer meanwhile in ms)."""
    result: dict = {}

    def run() -> None:
        began = time.perf_counter()
        result["size"] = job()
        result["seconds"] = time.perf_counter() - began

    worker = threading.Thread(target=run)
    latencies = []
    worker.start()
    while worker.is_alive():
        began = time.perf_counter()
        health(url)
        if worker.is_alive():
            latencies.append(time.perf_counter() - began)
        time.sleep(0.02)
    worker.join()
    slowest = max(latencies, default=0) * 1000
    median = statistics.median(latencies) * 1000 if latencies else 0
    print(f"{name:<26} {result['seconds']:6.2f} s  {result['size'] / 1e6:7.1f} MB  health: {len(latencies):4d} "
          f"answers, slowest {slowest:6.1f} ms, median {median:5.1f} ms", file=sys.stderr)
    return result["seconds"], slowest


def rows() -> list[Row]:
    process, url = start()
    try:
        with httpx.Client(base_url=url, timeout=600) as control:
            while True:
                try:
                    control.get("/_mock/health")
                    break
                except httpx.TransportError:
                    time.sleep(0.05)
            document: dict = {}

            def load() -> int:
                control.post("/_mock/scenarios:load", json={"scenario": SCENARIO}).raise_for_status()
                return 0

            def export() -> int:
                answer = control.get("/_mock/state")
                answer.raise_for_status()
                document["raw"] = answer.content
                return len(answer.content)

            def restore() -> int:
                control.put("/_mock/state", content=document["raw"],
                            headers={"Content-Type": "application/json"}).raise_for_status()
                return len(document["raw"])

            _, idle = measured(url, "idle (sleep 2 s)", lambda: time.sleep(2) or 0)
            found = [("a scenario load of 100,000 numbers", measured(url, "load 100,000 numbers", load)),
                     ("GET /_mock/state of 100,000 numbers", measured(url, "export the state", export))]
            control.post("/_mock/reset").raise_for_status()
            found.append(("PUT /_mock/state of 100,000 numbers", measured(url, "import the state", restore)))
    finally:
        process.terminate()
        process.wait(30)
    out = []
    for job, (seconds, slowest) in found:
        out.append(Row(f"health, slowest answer during {job} ({seconds:.1f} s over HTTP)", slowest, "ms",
                       "slowest health answer, mock idle", idle, "figure <= 100"))
    return out


def main() -> None:
    arguments(__doc__).parse_args()
    emit(rows())


if __name__ == "__main__":
    main()
