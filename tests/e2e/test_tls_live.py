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
