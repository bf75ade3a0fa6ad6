"""Browser tests: Playwright (from PyPI) driving Debian's Chromium, never a downloaded browser.

Every test here is marked `browser`. Without /usr/bin/chromium (Debian packages `chromium` and
`chromium-driver`: `apt-get install chromium chromium-driver`) or without the `playwright`
package they skip, saying which is missing. `.ci/run` installs Chromium, so in CI they run.
"""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Iterator

import httpx
import pytest

CHROMIUM = Path(os.environ.get("SINCH_MOCK_CHROMIUM", "/usr/bin/chromium"))
# The flags keep Chromium off the network: this machine reaches no host but loopback.
CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
    "--disable-dev-shm-usage",
    # Names under .test (a reserved TLD) resolve to loopback: a page on "another site" for the
    # tests of hostile pages (cross-site requests, DNS rebinding) without leaving the machine.
    "--host-resolver-rules=MAP *.test 127.0.0.1",
]


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    here = Path(__file__).parent
    for item in items:
        if Path(str(item.fspath)).is_relative_to(here):
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="package")
def browser() -> Iterator["object"]:
    """One headless Debian Chromium for the browser tests. Package scope, not session: the sync
    Playwright API keeps an event loop running in the main thread while it is open, which would
    make every later `asyncio.run` in the session fail."""
    if not CHROMIUM.exists():
        pytest.skip(f"{CHROMIUM} is missing: install Debian's Chromium with "
                    "`apt-get install chromium chromium-driver`")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        pytest.skip("the playwright package is missing: `make test` installs it (.[test])")
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            yield chromium
        finally:
            chromium.close()


@pytest.fixture
def page(browser) -> Iterator["object"]:
    """A fresh page; console errors are collected in `page.console_errors` for the test to check."""
    context = browser.new_context(viewport={"width": 1280, "height": 800})
    page = context.new_page()
    errors: list[str] = []
    page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.console_errors = errors  # type: ignore[attr-defined]
    try:
        yield page
    finally:
        context.close()


class LiveMock:
    """`sinch-mock serve --port 0` as a real process, as a user runs it."""

    def __init__(self, *args: str, env: dict[str, str] | None = None) -> None:
        self.process = subprocess.Popen(
            [sys.executable, "-m", "mock_server", "serve", "--port", "0", *args],
            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
            env={**{k: v for k, v in os.environ.items() if not k.startswith("SINCH_MOCK_")}, **(env or {})},
        )
        line = self.process.stdout.readline() if self.process.stdout else ""
        self.output: list[str] = [line]
        # keep reading (the access log) so that the process never blocks on a full pipe
        threading.Thread(target=self._drain, daemon=True).start()
        match = re.search(r"https?://[^\s]+:(\d+)", line)
        if not match:
            self.stop()
            raise AssertionError(f"no URL in {line!r}")
        self.url = match.group(0)
        self.port = int(match.group(1))
        deadline = time.monotonic() + 15
        while time.monotonic() < deadline:
            try:
                if httpx.get(f"{self.url}/_mock/health", timeout=2).status_code == 200:
                    return
            except httpx.TransportError:
                time.sleep(0.05)
        self.stop()
        raise AssertionError("the mock never became healthy")

    def _drain(self) -> None:
        assert self.process.stdout is not None
        for line in self.process.stdout:
            self.output.append(line)

    def __enter__(self) -> "LiveMock":
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.stop()

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()


@pytest.fixture
def live_mock() -> Iterator[LiveMock]:
    """A fresh `sinch-mock serve` process on a free port (seed 7), stopped after the test."""
    with LiveMock("--seed", "7") as mock:
        yield mock


PAGE = b"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>a page on another origin</title>
<link rel="icon" href="data:,"></head><body><h1>another origin</h1></body></html>
"""


class OriginServer:
    """A second local web server (127.0.0.1, a free port) serving one blank page: the origin
    of a frontend under development, or of a hostile site when reached as `*.test`."""

    def __init__(self) -> None:
        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:  # noqa: N802 (http.server's naming)
                self.send_response(200)
                self.send_header("Content-Type", "text/html; charset=utf-8")
                self.send_header("Content-Length", str(len(PAGE)))
                self.end_headers()
                self.wfile.write(PAGE)

            def log_message(self, format: str, *args: object) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.port = self.server.server_port
        threading.Thread(target=self.server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True).start()

    def url(self, host: str = "127.0.0.1") -> str:
        return f"http://{host}:{self.port}/"

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def other_origin() -> Iterator[OriginServer]:
    """A page on another origin than the mock's (`other_origin.url(host)`)."""
    server = OriginServer()
    try:
        yield server
    finally:
        server.stop()
