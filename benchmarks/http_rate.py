"""Request rate and latency over real sockets: the mock against a bare Starlette route, same run.

Server processes on loopback, with what the package installs (httptools and uvloop come with
`uvicorn[standard]`):
- `mock`: `sinch-mock serve` as a user starts it, with one imported number in project `bench`
  (imported over HTTP), its access log off (`--log-level warning`); `mock-logged`: the same with
  the default access log (a line a request on stdout), for the GET row only;
- `bare`: a Starlette app with the same two routes (GET one number, POST an import) answering
  a fixed JSON body on plain `uvicorn.run`: the anchor, the most the Python stack can do for
  these routes.

Rates: `wrk` (Debian package `wrk`: `apt-get install wrk`), 1 thread, 16 connections; without
wrk a load generator on httpx (16 concurrent loops) runs against both sides instead, and the
table says so. Latency: the median of sequential requests over one keep-alive connection
(`http.client`). Start: time from process start until `/_mock/health` answers, with no scenario,
for `sinch-mock serve` as installed. Run alone: `.venv/bin/python benchmarks/http_rate.py`.
"""

from __future__ import annotations

import argparse
import asyncio
import base64
import http.client
import os
import re
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from figures import arguments, emit, Row  # noqa: E402

PROJECT = "bench"
NUMBER = "+12025550100"
AUTH = "Basic " + base64.b64encode(b"sandbox-key-id:sandbox-key-secret").decode()
GET_PATH = f"/v1/projects/{PROJECT}/importedNumbers/%2B{NUMBER[1:]}"
POST_PATH = f"/v1/projects/{PROJECT}/importedNumbers"
SECONDS = 3
CONNECTIONS = 16


# --- the servers (separate processes) -------------------------------------------------------------
def bare_app():  # type: ignore[no-untyped-def]
    from starlette.applications import Starlette
    from starlette.requests import Request
    from starlette.responses import JSONResponse
    from starlette.routing import Route

    body = {"phoneNumber": NUMBER, "projectId": PROJECT, "regionCode": "US", "displayName": "",
            "smsConfiguration": {"servicePlanId": "plan", "campaignId": "", "migrateToSinchTmo": False},
            "callbackUrl": ""}

    async def get_number(request: Request) -> JSONResponse:
        return JSONResponse(body)

    async def import_number(request: Request) -> JSONResponse:
        data = await request.json()
        return JSONResponse({**body, "phoneNumber": data["phoneNumber"]})

    base = "/v1/projects/{projectId}/importedNumbers"
    return Starlette(routes=[Route(base + "/{phoneNumber}", get_number, methods=["GET"]),
                             Route(base, import_number, methods=["POST"])])


def serve(kind: str) -> None:
    """The anchor: plain `uvicorn.run` on a free port (printed first); loop and parser as installed."""
    import uvicorn

    app = bare_app()
    probe = socket.socket()
    probe.bind(("127.0.0.1", 0))
    port = probe.getsockname()[1]
    probe.close()
    print(port, flush=True)
    uvicorn.run(app, host="127.0.0.1", port=port, log_level="error", access_log=False)


def serve_command(*args: str) -> list[str]:
    return [str(Path(sys.executable).with_name("sinch-mock")), "serve", "--port", "0", "--seed", "1", *args]


class Server:
    """`bare`: the anchor app on plain `uvicorn.run`. `mock`: `sinch-mock serve` as installed
    (its own protocol, socket and middleware), with the access log off (`--log-level warning`:
    the anchor writes none either); `mock-logged`: the same with its default access log, a line
    a request on stdout (read and dropped by a thread of this process)."""

    def __init__(self, kind: str) -> None:
        if kind == "bare":
            command = [sys.executable, __file__, "--serve", kind]
        else:
            command = serve_command(*(["--log-level", "warning"] if kind == "mock" else []))
        self.process = subprocess.Popen(command, stdout=subprocess.PIPE, text=True)
        line = self.process.stdout.readline()  # type: ignore[union-attr]
        self.port = int(re.search(r":(\d+)", line).group(1)) if ":" in line else int(line)  # type: ignore[union-attr]
        self.url = f"http://127.0.0.1:{self.port}"
        threading.Thread(target=self.process.stdout.read, daemon=True).start()  # type: ignore[union-attr]
        if kind != "bare":
            wait_until_answers(self.port, "/_mock/health")
            body = (f'{{"phoneNumber":"{NUMBER}","regionCode":"US",'
                    '"smsConfiguration":{"servicePlanId":"plan"}}')
            connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=10)
            connection.request("POST", POST_PATH, body=body,
                               headers={"Authorization": AUTH, "Content-Type": "application/json"})
            assert connection.getresponse().status == 200
            connection.close()
        wait_until_answers(self.port, GET_PATH)

    def stop(self) -> None:
        self.process.terminate()
        self.process.wait(timeout=10)


def wait_until_answers(port: int, path: str, timeout: float = 20.0) -> float:
    """Seconds until `GET path` answers (any status), polling every 2 ms."""
    started = time.perf_counter()
    while time.perf_counter() - started < timeout:
        try:
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=1)
            connection.request("GET", path, headers={"Authorization": AUTH})
            connection.getresponse().read()
            connection.close()
            return time.perf_counter() - started
        except OSError:
            time.sleep(0.002)
    raise RuntimeError(f"nothing answers on port {port}")


# --- load generators --------------------------------------------------------------------------------
_WRK_SCRIPT = """
wrk.headers["Authorization"] = "{auth}"
wrk.headers["Content-Type"] = "application/json"
local n = 0
local post = {post}
request = function()
  if not post then return wrk.format("GET", "{get_path}") end
  n = n + 1
  local body = string.format('{{"phoneNumber":"+1%03d%03d%04d","regionCode":"US","smsConfiguration":{{"servicePlanId":"plan"}}}}',
                             {area}, 234 + math.floor(n / 10000), n % 10000)
  return wrk.format("POST", "{post_path}", nil, body)
end
"""
# Each POST run imports new numbers: a fresh area code (all in the US) for every run. The
# exchange (234 and up) and line make numbers the NANP can have (the mock refuses others).
_AREAS = iter([202, 203, 205, 206, 207, 208, 209, 210, 212, 213, 214, 215, 216, 217, 218, 219, 224, 225])


def valid_number(area: int, n: int) -> str:
    """The n-th number of an area code (n below 260,000), as the wrk script makes them."""
    return f"+1{area:03d}{234 + n // 10_000}{n % 10_000:04d}"


def wrk_rate(url: str, post: bool, seconds: int = SECONDS) -> float:
    script = _WRK_SCRIPT.format(auth=AUTH, post="true" if post else "false", get_path=GET_PATH,
                                post_path=POST_PATH, area=next(_AREAS))
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as handle:
        handle.write(script)
    try:
        out = subprocess.run(["wrk", "-t1", f"-c{CONNECTIONS}", f"-d{seconds}s", "-s", handle.name, url],
                             capture_output=True, text=True, check=True).stdout
    finally:
        os.unlink(handle.name)
    bad = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    if bad:
        raise RuntimeError(f"{bad.group(1)} failed requests against {url}:\n{out}")
    return float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))  # type: ignore[union-attr]


def httpx_rate(url: str, post: bool, seconds: int = SECONDS) -> float:
    import httpx

    area = next(_AREAS)

    async def run() -> float:
        done = 0
        limits = httpx.Limits(max_connections=CONNECTIONS, max_keepalive_connections=CONNECTIONS)
        async with httpx.AsyncClient(base_url=url, limits=limits, headers={"Authorization": AUTH}) as client:
            deadline = time.perf_counter() + seconds

            async def lane(lane_no: int) -> None:
                nonlocal done
                n = 0
                while time.perf_counter() < deadline:
                    if post:
                        n += 1
                        body = {"phoneNumber": valid_number(area, lane_no * 15_000 + n), "regionCode": "US",
                                "smsConfiguration": {"servicePlanId": "plan"}}
                        response = await client.post(POST_PATH, json=body)
                    else:
                        response = await client.get(GET_PATH)
                    response.raise_for_status()
                    done += 1

            started = time.perf_counter()
            await asyncio.gather(*(lane(i) for i in range(CONNECTIONS)))
            return done / (time.perf_counter() - started)

    return asyncio.run(run())


def load_generator() -> tuple[str, object]:
    if shutil.which("wrk"):
        return f"wrk -t1 -c{CONNECTIONS}", wrk_rate
    print("wrk not found (Debian/Ubuntu: apt-get install wrk); using the httpx load generator for both sides",
          file=sys.stderr)
    return f"httpx, {CONNECTIONS} loops", httpx_rate


# --- latency over one keep-alive connection ---------------------------------------------------------
def median_latency(port: int, post: bool, count: int = 1000, area: int = 301) -> float:
    connection = http.client.HTTPConnection("127.0.0.1", port)
    headers = {"Authorization": AUTH, "Content-Type": "application/json"}
    times = []
    for n in range(count):
        started = time.perf_counter()
        if post:
            body = f'{{"phoneNumber":"{valid_number(area, n)}","regionCode":"US","smsConfiguration":{{"servicePlanId":"plan"}}}}'
            connection.request("POST", POST_PATH, body=body, headers=headers)
        else:
            connection.request("GET", GET_PATH, headers=headers)
        response = connection.getresponse()
        response.read()
        times.append(time.perf_counter() - started)
        assert response.status == 200, response.status
    connection.close()
    return statistics.median(times)


# --- start time ----------------------------------------------------------------------------------------
def start_time(command: list[str]) -> float:
    """Seconds from spawning `command` (which prints its port first) until /_mock/health answers."""
    started = time.perf_counter()
    process = subprocess.Popen(command, stdout=subprocess.PIPE, text=True)
    try:
        line = process.stdout.readline()  # type: ignore[union-attr]
        port = int(re.search(r":(\d+)", line).group(1)) if ":" in line else int(line)  # type: ignore[union-attr]
        wait_until_answers(port, "/_mock/health")
        return time.perf_counter() - started
    finally:
        process.terminate()
        process.wait(timeout=10)


def _health_app_serve() -> None:
    """The anchor for start time: a bare Starlette app with a health route on uvicorn."""
    import uvicorn
    from starlette.applications import Starlette
    from starlette.responses import JSONResponse
    from starlette.routing import Route

    async def health(request):  # type: ignore[no-untyped-def]
        return JSONResponse({"status": "ok"})

    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    print(sock.getsockname()[1], flush=True)
    app = Starlette(routes=[Route("/_mock/health", health)])
    uvicorn.Server(uvicorn.Config(app, log_level="error")).run(sockets=[sock])


def best_start(command: list[str], rounds: int = 3) -> float:
    return min(start_time(command) for _ in range(rounds))


# --- the rows -------------------------------------------------------------------------------------------
def rows(rounds: int = 2) -> list[Row]:
    generator, rate = load_generator()
    mock, logged, bare = Server("mock"), Server("mock-logged"), Server("bare")
    try:
        found: dict[str, list[float]] = {}
        for round_ in range(rounds):  # alternate which side goes first (the machine's load varies)
            for post in (False, True):
                sides = [("mock", mock), ("bare", bare)] + ([] if post else [("logged", logged)])
                for name, server in sides if round_ % 2 == 0 else reversed(sides):
                    found.setdefault(f"{name}-{post}", []).append(rate(server.url, post))  # type: ignore[operator]
        get_ms = median_latency(mock.port, False) * 1000
        bare_get_ms = median_latency(bare.port, False) * 1000
        post_ms = median_latency(mock.port, True) * 1000
        bare_post_ms = median_latency(bare.port, True) * 1000
    finally:
        mock.stop()
        logged.stop()
        bare.stop()
    mock_start = best_start(serve_command())
    bare_start = best_start([sys.executable, __file__, "--health-app"])
    anchor = "bare Starlette, uvicorn[standard]"
    return [
        Row(f"GET one number, {generator}", max(found["mock-False"]), "req/s", anchor,
            max(found["bare-False"]), "ratio >= 0.6"),
        Row(f"GET one number, {generator}, default access log on", max(found["logged-False"]), "req/s", anchor,
            max(found["bare-False"]), ""),
        Row(f"POST an import, {generator}", max(found["mock-True"]), "req/s", anchor,
            max(found["bare-True"]), "ratio >= 0.4"),
        Row("GET median latency, one keep-alive connection", get_ms, "ms", anchor, bare_get_ms, "figure <= 1"),
        Row("POST import median latency, one keep-alive connection", post_ms, "ms", anchor, bare_post_ms,
            "figure <= 2"),
        Row("start: `sinch-mock serve` until health answers", mock_start * 1000, "ms",
            "bare Starlette app on uvicorn", bare_start * 1000, "figure <= 500"),
    ]


def main() -> None:
    parser = arguments(__doc__)
    parser.add_argument("--serve", choices=["bare"], help=argparse.SUPPRESS)
    parser.add_argument("--health-app", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--rounds", type=int, default=2)
    args = parser.parse_args()
    if args.serve:
        serve(args.serve)
    elif args.health_app:
        _health_app_serve()
    else:
        emit(rows(args.rounds))


if __name__ == "__main__":
    main()
