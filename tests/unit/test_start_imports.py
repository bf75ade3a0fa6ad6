"""`sinch-mock serve` with defaults starts without importing what only some commands or requests
need (docs/performance.md, start time); those pieces still load, and work, when used."""

import subprocess
import sys

DEFERRED = ("yaml", "phonenumbers", "h11", "httpx", "mock_server.conform.runner", "mock_server.conform.junit")

_SERVE_IMPORTS = """
import sys
from mock_server import cli
from mock_server.http.app import create_app
from mock_server.serving import http_protocol, server_config
cli.build_parser().parse_args(["serve"])
server_config(create_app(), log_level="warning")
print(",".join(name for name in {deferred!r} if name in sys.modules))
"""


def test_serve_with_defaults_imports_none_of_the_deferred_modules():
    out = subprocess.run([sys.executable, "-c", _SERVE_IMPORTS.format(deferred=DEFERRED)],
                         capture_output=True, text=True, check=True).stdout.strip()
    assert out == "", f"imported at start: {out}"


def test_the_deferred_pieces_work_when_used():
    from mock_server import conform, serving
    from mock_server.core.phone import parse_e164
    from mock_server.scenarios import parse_text

    assert parse_e164("+14165550123").known_region == "CA"
    assert parse_text("name: x\n", "inline").name == "x"
    assert callable(conform.check_handler) and callable(conform.junit_xml)
    assert serving.KeepAliveProtocol.__name__ == "KeepAliveProtocol"
