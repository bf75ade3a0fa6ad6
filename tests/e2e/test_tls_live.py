"""`sinch-mock serve --tls-cert FILE --tls-key FILE`: HTTPS with a certificate made at test time."""

from __future__ import annotations

import os
import re
import ssl
import subprocess
import sys
from contextlib import contextmanager
from typing import Iterator

import httpx
import pytest

trustme = pytest.importorskip("trustme", reason="the test extra (pip install -e '.[test]') provides trustme")

pytestmark = pytest.mark.live


def clean_env() -> dict[str, str]:
    return {k: v for k, v in os.environ.items() if not k.startswith("SINCH_MOCK_")}


@pytest.fixture(scope="module")
def certificates(tmp_path_factory):
    directory = tmp_path_factory.mktemp("tls")
    authority = trustme.CA()
    leaf = authority.issue_cert("127.0.0.1", "localhost")
    paths = {name: directory / f"{name}.pem" for name in ("ca", "cert", "key")}
    authority.cert_pem.write_to_path(str(paths["ca"]))
    leaf.private_key_pem.write_to_path(str(paths["key"]))
    leaf.cert_chain_pems[0].write_to_path(str(paths["cert"]))
    for extra in leaf.cert_chain_pems[1:]:
        extra.write_to_path(str(paths["cert"]), append=True)
    return paths


@contextmanager
def https_mock(*args: str, env: dict[str, str] | None = None) -> Iterator[str]:
    process = subprocess.Popen([sys.executable, "-m", "mock_server", "serve", "--port", "0", "--seed", "1", *args],
                               stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                               env={**clean_env(), **(env or {})})
    try:
        assert process.stdout is not None
        line = process.stdout.readline()
        match = re.search(r"listening on (\S+)", line)
        assert match, line
        yield match.group(1)
    finally:
        process.terminate()
        process.wait(timeout=10)


def test_the_mock_serves_https_with_the_given_certificate(certificates):
    with https_mock("--tls-cert", str(certificates["cert"]), "--tls-key", str(certificates["key"])) as url:
        assert url.startswith("https://127.0.0.1:")
        with httpx.Client(verify=ssl.create_default_context(cafile=str(certificates["ca"])), trust_env=False) as client:
            assert client.get(f"{url}/_mock/health").json() == {"status": "ok"}
            token = client.post(f"{url}/oauth2/token", data={"grant_type": "client_credentials"},
                                auth=("sandbox-key-id", "sandbox-key-secret"))
            assert token.status_code == 200 and token.json()["token_type"] == "bearer"
        with httpx.Client(trust_env=False) as untrusting, pytest.raises(httpx.ConnectError):
            untrusting.get(f"{url}/_mock/health")  # the system's CAs do not know this certificate
        plain = url.replace("https://", "http://")
        with httpx.Client(trust_env=False) as client, pytest.raises(httpx.HTTPError):
            client.get(f"{plain}/_mock/health")  # no plain HTTP on the TLS port
        cli = subprocess.run([sys.executable, "-m", "mock_server", "clock", "--mock", url,
                              "--ca-cert", str(certificates["ca"])], capture_output=True, text=True,
                             env=clean_env(), timeout=60)
        assert cli.returncode == 0, cli.stderr


def test_the_environment_variables_work_too_and_the_docker_healthcheck_follows_them(certificates):
    from mock_server.healthcheck import health_url, healthy

    env = {"SINCH_MOCK_TLS_CERT": str(certificates["cert"]), "SINCH_MOCK_TLS_KEY": str(certificates["key"])}
    with https_mock(env=env) as url:
        assert url.startswith("https://")
        with httpx.Client(verify=ssl.create_default_context(cafile=str(certificates["ca"])), trust_env=False) as client:
            assert client.get(f"{url}/_mock/health").status_code == 200
        port = url.rsplit(":", 1)[1]
        probe = health_url({**env, "SINCH_MOCK_PORT": port})
        assert probe == f"https://127.0.0.1:{port}/_mock/health" and healthy(probe)
        assert not healthy(probe.replace("https://", "http://"))


@pytest.mark.parametrize("args, message", [
    (["--tls-cert", "CERT"], "--tls-cert and --tls-key go together"),
    (["--tls-cert", "CERT", "--tls-key", "/nonexistent/key.pem"], "cannot be used"),
    (["--tls-cert", "KEY", "--tls-key", "KEY"], "cannot be used"),
])
def test_unusable_tls_files_stop_the_server_with_a_message(certificates, args, message):
    args = [str(certificates["cert"]) if a == "CERT" else str(certificates["key"]) if a == "KEY" else a for a in args]
    result = subprocess.run([sys.executable, "-m", "mock_server", "serve", "--port", "0", *args],
                            capture_output=True, text=True, env=clean_env(), timeout=60)
    assert result.returncode == 2 and message in result.stderr and result.stdout == ""


@contextmanager
def untrusted_https_receiver() -> Iterator[str]:
    """An HTTPS receiver whose certificate comes from an authority nobody trusts."""
    import threading
    from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

    class Answer(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            self.rfile.read(int(self.headers.get("Content-Length", 0)))
            self.send_response(200)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, *args: object) -> None:
            pass

    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    trustme.CA().issue_cert("127.0.0.1").configure_cert(context)
    server = ThreadingHTTPServer(("127.0.0.1", 0), Answer)
    server.socket = context.wrap_socket(server.socket, server_side=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"https://127.0.0.1:{server.server_address[1]}/hook"
    finally:
        server.shutdown()
        server.server_close()


def test_deliveries_trust_the_mocks_own_certificate_and_name_an_untrusted_one(certificates):
    from tests.conftest import AUTH

    with untrusted_https_receiver() as stranger, \
            https_mock("--tls-cert", str(certificates["cert"]), "--tls-key", str(certificates["key"]),
                       "--log-level", "warning", "--callback-max-attempts", "1") as url:
        with httpx.Client(base_url=url, auth=AUTH, trust_env=False, timeout=30,
                          verify=ssl.create_default_context(cafile=str(certificates["ca"]))) as api:
            assert api.post("/_mock/clock:freeze").status_code == 200
            for phone, callback_url in (("+12025550134", stranger), ("+12025550135", f"{url}/_mock/sink/mine")):
                assert api.post("/v1/projects/tls/importedNumbers", json={
                    "phoneNumber": phone, "regionCode": "US", "smsConfiguration": {"servicePlanId": "plan"},
                    "callbackUrl": callback_url}).status_code == 200, callback_url
            assert api.post("/_mock/clock:advance", json={"seconds": 600}).status_code == 200
            events = api.get("/_mock/events", params={"projectId": "tls"}).json()["events"]
            by_phone = {e["payload"]["resourceId"]: e for e in events}
            refused = by_phone["+12025550134"]["attempts"]
            assert refused and all(a["error"].startswith("TLS certificate not trusted: ") for a in refused), refused
            assert "certificate" in refused[0]["error"].removeprefix("TLS certificate not trusted: ")
            own = by_phone["+12025550135"]
            assert own["state"] == "delivered", own["attempts"]
            assert api.get("/_mock/sink/mine").status_code == 200


@contextmanager
def silent_receiver() -> Iterator[str]:
    """An HTTPS destination that accepts connections and never says a word (no TLS handshake)."""
    import socket
    import threading

    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(16)
    held: list[socket.socket] = []

    def accept() -> None:
        while True:
            try:
                held.append(server.accept()[0])
            except OSError:
                return

    threading.Thread(target=accept, daemon=True).start()
    try:
        yield f"https://127.0.0.1:{server.getsockname()[1]}/hook"
    finally:
        server.close()
        for connection in held:
            connection.close()


def test_dead_and_untrusted_https_receivers_stall_neither_the_server_nor_other_lanes(certificates):
    """While attempts to a receiver that never completes the TLS handshake wait out their timeout,
    and attempts to an untrusted one fail, the server keeps answering and a live receiver gets
    its callback at once."""
    import threading
    import time

    from tests.conftest import AUTH

    timeout = 4
    with silent_receiver() as dead, untrusted_https_receiver() as stranger, \
            https_mock("--tls-cert", str(certificates["cert"]), "--tls-key", str(certificates["key"]),
                       "--log-level", "warning", "--callback-max-attempts", "1",
                       "--callback-timeout", str(timeout)) as url:
        verify = ssl.create_default_context(cafile=str(certificates["ca"]))
        with httpx.Client(base_url=url, auth=AUTH, trust_env=False, timeout=30, verify=verify) as api:
            assert api.post("/_mock/clock:freeze").status_code == 200
            phones = {"+12025550140": dead, "+12025550141": dead, "+12025550142": stranger,
                      "+12025550143": f"{url}/_mock/sink/live"}
            for phone, callback_url in phones.items():
                assert api.post("/v1/projects/lanes/importedNumbers", json={
                    "phoneNumber": phone, "regionCode": "US", "smsConfiguration": {"servicePlanId": "plan"},
                    "callbackUrl": callback_url}).status_code == 200, callback_url
            advanced: dict = {}

            def advance() -> None:
                advanced["status"] = api.post("/_mock/clock:advance", json={"seconds": 600}).status_code

            worker = threading.Thread(target=advance)
            began = time.monotonic()
            worker.start()
            slowest, live_during_advance = 0.0, False
            with httpx.Client(base_url=url, trust_env=False, timeout=30, verify=verify) as other:
                while worker.is_alive():
                    asked = time.monotonic()
                    assert other.get("/_mock/health").status_code == 200
                    assert other.get("/v1/projects/lanes/importedNumbers/+12025550143",
                                     auth=AUTH).status_code == 200
                    slowest = max(slowest, time.monotonic() - asked)
                    if other.get("/_mock/sink/live").json()["callbacks"] and worker.is_alive():
                        live_during_advance = True
                    time.sleep(0.05)
            worker.join()
            assert advanced["status"] == 200
            assert time.monotonic() - began >= timeout * 0.9  # the dead receiver's attempts did wait
            assert slowest < timeout / 2, slowest  # the server never waited with them
            assert live_during_advance  # the live lane was not held behind the dead one
            events = {e["payload"]["resourceId"]: e for e in
                      api.get("/_mock/events", params={"projectId": "lanes"}).json()["events"]}
            for phone in ("+12025550140", "+12025550141"):
                attempt, = events[phone]["attempts"]
                assert attempt["error"] == f"timed out: no answer within {timeout} s", attempt
            assert events["+12025550142"]["attempts"][0]["error"].startswith("TLS certificate not trusted: ")
            assert events["+12025550143"]["state"] == "delivered"
