"""Issue 10 against a real `sinch-mock serve` process over real sockets: bodies bounded while they
arrive, ambiguous framing refused at once, hostile JSON a 400 on a connection that stays usable,
scenario directories, and health answering while a 100,000-number scenario loads."""

from __future__ import annotations

import json
import socket
import threading
import time
from urllib.parse import urlsplit

import httpx
import pytest

from tests.conftest import AUTH
from tests.e2e.test_cli_serve import start, stop, wait_healthy

pytestmark = pytest.mark.live


@pytest.fixture(scope="module")
def served(tmp_path_factory):
    scenario_dir = tmp_path_factory.mktemp("scenarios")
    (scenario_dir / "mine.yaml").write_text("projects: [{id: mine}]\n")
    process, url, _ = start("--scenario-dir", str(scenario_dir))
    wait_healthy(url)
    yield url, scenario_dir
    assert stop(process) == 0


def connect(url: str) -> socket.socket:
    parts = urlsplit(url)
    sock = socket.create_connection((parts.hostname, parts.port), timeout=10)
    return sock


def read_response(sock: socket.socket) -> tuple[int, dict[str, str], bytes]:
    """One HTTP/1.1 response (Content-Length framed) from the socket."""
    data = b""
    while b"\r\n\r\n" not in data:
        chunk = sock.recv(65536)
        if not chunk:
            raise ConnectionError(f"closed after {data!r}")
        data += chunk
    head, _, rest = data.partition(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    headers = {k.lower(): v.strip() for k, v in (line.split(":", 1) for line in lines[1:])}
    length = int(headers.get("content-length", "0"))
    while len(rest) < length:
        chunk = sock.recv(65536)
        if not chunk:
            break
        rest += chunk
    return int(lines[0].split()[1]), headers, rest[:length]


def test_content_length_with_transfer_encoding_is_400_at_once(served):
    url, _ = served
    with connect(url) as sock:
        sock.settimeout(5)  # the mock once waited 30 s here
        sock.sendall(b"POST /_mock/clock:advance HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
                     b"Content-Length: 20\r\nTransfer-Encoding: chunked\r\n\r\n")
        status, headers, body = read_response(sock)
    assert status == 400 and headers["connection"] == "close"
    assert json.loads(body)["status"] == "INVALID_ARGUMENT"


@pytest.mark.parametrize("in_one_write", [True, False])
def test_a_request_head_past_its_bound_is_400_and_closes(served, in_one_write):
    """The request line and headers are bounded (serving.MAX_HEAD_BYTES), whether they arrive at
    once or piece by piece; a head within the bound is served on the same kind of connection."""
    from mock_server.serving import MAX_HEAD_BYTES

    url, _ = served
    with connect(url) as sock:
        sock.sendall(b"GET /_mock/health HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Pad: " + b"a" * 1000 + b"\r\n\r\n")
        assert read_response(sock)[0] == 200
    pad = b"X-Pad: " + b"a" * 1000 + b"\r\n"
    head = b"GET /_mock/health HTTP/1.1\r\nHost: 127.0.0.1\r\n" + pad * (MAX_HEAD_BYTES // len(pad) + 2)
    with connect(url) as sock:
        if in_one_write:
            sock.sendall(head + b"\r\n")
        else:
            for start_ in range(0, len(head), 2048):
                try:
                    sock.sendall(head[start_:start_ + 2048])
                except (BrokenPipeError, ConnectionResetError):
                    break
                time.sleep(0.01)
        status, headers, _ = read_response(sock)
        assert status == 400 and headers["connection"] == "close"
        assert sock.recv(1) == b""  # and the connection is closed


def test_a_chunked_body_stops_being_read_at_the_bound(served):
    url, _ = served
    sent = 0
    chunk = b"100000\r\n" + b" " * 0x100000 + b"\r\n"  # 1 MiB chunks
    with connect(url) as sock:
        sock.sendall(b"POST /_mock/clock:advance HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
                     b"Transfer-Encoding: chunked\r\n\r\n")
        sock.settimeout(0.5)
        answer = None
        while sent < 300 and answer is None:  # 300 MiB, if the mock read it all
            try:
                sock.sendall(chunk)
                sent += 1
            except (BrokenPipeError, ConnectionResetError, socket.timeout):
                pass
            try:
                sock.settimeout(0.01)
                if sock.recv(1, socket.MSG_PEEK):
                    sock.settimeout(10)
                    answer = read_response(sock)
            except (BlockingIOError, socket.timeout):
                pass
            finally:
                sock.settimeout(0.5)
    assert answer is not None and answer[0] == 413, f"no answer after {sent} MiB"
    assert sent < 32  # read no further than the bound (plus what the socket buffers hold)


def test_the_token_endpoint_refuses_a_large_body_without_reading_it(served):
    url, _ = served
    body = b"grant_type=client_credentials&pad=" + b"a" * (8 * 1024 * 1024)
    answer = httpx.post(f"{url}/oauth2/token", content=body, auth=AUTH,
                        headers={"Content-Type": "application/x-www-form-urlencoded"}, timeout=30)
    assert answer.status_code == 413 and answer.json()["error"] == "invalid_request"


def test_hostile_json_is_400_and_the_connection_stays_usable(served):
    url, _ = served
    auth = "Basic " + __import__("base64").b64encode(":".join(AUTH).encode()).decode()
    bodies = (b"[" * 1000 + b"]" * 1000, b'{"seconds": ' + b"9" * 5000 + b"}",
              b'{"phoneNumber": "+12025550134", "regionCode": "US", "displayName": "\\ud800"}')
    with connect(url) as sock:  # one keep-alive connection for every request
        for body in bodies:
            sock.sendall(b"POST /v1/projects/p/importedNumbers HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                         b"Authorization: " + auth.encode() + b"\r\nContent-Type: application/json\r\n"
                         b"Content-Length: " + str(len(body)).encode() + b"\r\n\r\n" + body)
            status, headers, answer = read_response(sock)
            assert status == 400 and json.loads(answer)["status"] == "INVALID_ARGUMENT"
            assert headers.get("connection", "").lower() != "close"
        sock.sendall(b"GET /v1/projects/p/importedNumbers/%2B12025550134 HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                     b"Authorization: " + auth.encode() + b"\r\n\r\n")
        assert read_response(sock)[0] == 404  # the same connection still serves: nothing was stored


def test_scenario_directories_bound_what_a_path_may_load(served, tmp_path):
    url, scenario_dir = served
    (tmp_path / "elsewhere.yaml").write_text("projects: [{id: elsewhere}]\n")
    with httpx.Client(base_url=url, timeout=30) as control:
        assert control.post("/_mock/scenarios:load", json={"path": "mine.yaml"}).json()["projects"] == ["mine"]
        for path in (str(tmp_path / "elsewhere.yaml"), "/etc/passwd", "../../../etc/passwd", "/dev/urandom"):
            refused = control.post("/_mock/scenarios:load", json={"path": path})
            assert refused.status_code == 400
            assert "no such scenario file in the scenario directories" in refused.json()["message"]
            assert "root:" not in refused.text


def test_health_answers_while_a_100000_number_scenario_loads(served):
    url, _ = served
    scenario = {"name": "hundred-thousand", "projects": [{"id": "big", "imported_numbers": [
        {"range": {"start": "+12062000000", "count": 100_000}, "service_plan": "plan"}]}]}
    loaded: dict = {}

    def load() -> None:
        answer = httpx.post(f"{url}/_mock/scenarios:load", json={"scenario": scenario}, timeout=300)
        loaded.update(status=answer.status_code, at=time.monotonic())

    worker = threading.Thread(target=load)
    worker.start()
    answered, slowest = 0, 0.0
    with httpx.Client(base_url=url, timeout=60) as health:
        while worker.is_alive():
            began = time.monotonic()
            assert health.get("/_mock/health").status_code == 200
            if worker.is_alive():  # answered while the load was still in progress
                answered += 1
                slowest = max(slowest, time.monotonic() - began)
            time.sleep(0.05)
    worker.join()
    print(f"health answered {answered} times during the load; slowest {slowest * 1000:.1f} ms")
    assert loaded["status"] == 200
    assert answered >= 3
    with httpx.Client(base_url=url, auth=AUTH, timeout=60) as api:
        assert api.get("/v1/projects/big/importedNumbers/+12062099999").status_code == 200
        assert httpx.post(f"{url}/_mock/reset", timeout=120).status_code == 200
