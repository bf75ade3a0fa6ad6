"""pytest plugin of sinch-mock, registered as the `pytest11` entry point `sinch_mock`.

Installing the package is enough; docs/pytest.md shows a whole test file. Fixtures:

- `sinch_mock`: an in-process mock with a fresh state for every test. `sinch_mock.client` is an
  authenticated `httpx.Client`-like TestClient; `advance`, `events`, `voice_code`, `sign_loa`,
  `approve_invoices`, `load_scenario`, `reset`, `state`, ... drive the control plane.
- `sinch_mock_server`: a live server on a free loopback port, started once per session and
  reset before every test; `base_url`, `key_id`, `key_secret`, `auth` and the same methods.
- `callback_sink`: a live loopback receiver that records callbacks and checks signatures;
  pass `callback_sink.url` as `callbackUrl`.

Scenario files under pytest's root directory may be loaded by path (it is their scenario
directory). Configure with the marker `@pytest.mark.sinch_mock(scenario=..., seed=..., start=...)` or the
ini options `sinch_mock_seed` and `sinch_mock_scenarios`. This module imports the mock only
when a fixture is used, so having the plugin installed costs other test suites nothing.
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, Iterator

import pytest

if TYPE_CHECKING:
    from mock_server.harness import CallbackSink, SinchMock, SinchMockServer

MARKER = "sinch_mock"


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addini("sinch_mock_seed", "seed of the sinch-mock fixtures (ids, voice codes, callback order)",
                  default="1234")
    parser.addini("sinch_mock_scenarios", "scenarios (names or paths) every sinch-mock fixture starts with",
                  type="linelist", default=[])
    parser.addini("sinch_mock_control_token", "control token of the sinch-mock fixtures (--control-token); "
                  "their control-plane calls send it", default="")


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers",
        f"{MARKER}(scenario=None, seed=None, start=None): configure the sinch_mock fixture for this test "
        "(scenario: a name, a path or a list of them, loaded after the ini scenarios; start: an RFC 3339 "
        "instant at which the mock's clock stands frozen). sinch_mock_server honours scenario.")


def _options(request: pytest.FixtureRequest) -> dict[str, Any]:
    """The marker's keyword arguments, nearest marker first (a test's over its module's)."""
    options: dict[str, Any] = {}
    for marker in reversed(list(request.node.iter_markers(MARKER))):
        if marker.args:
            raise pytest.UsageError(f"@pytest.mark.{MARKER} takes keyword arguments only")
        options.update(marker.kwargs)
    unknown = sorted(set(options) - {"scenario", "seed", "start"})
    if unknown:
        raise pytest.UsageError(f"@pytest.mark.{MARKER}: unknown option(s) {', '.join(unknown)}")
    return options


def _as_list(value: Any) -> list[str]:
    if value is None:
        return []
    if isinstance(value, (str, bytes)) or not hasattr(value, "__iter__"):
        return [str(value)]
    return [str(v) for v in value]


def _looks_like_path(entry: str) -> bool:
    return "/" in entry or "\\" in entry or entry.endswith((".yaml", ".yml"))


def _resolved(entry: str, *bases: Path) -> str:
    """A scenario path relative to the first base where it exists; names pass through."""
    if not _looks_like_path(entry) or Path(entry).is_absolute():
        return entry
    for base in bases:
        if (base / entry).exists():
            return str(base / entry)
    return entry


def _ini_scenarios(config: pytest.Config) -> list[str]:
    """The ini option's scenarios; paths are relative to the ini file, wherever pytest runs."""
    base = config.inipath.parent if config.inipath else config.rootpath
    return [_resolved(entry, base) for entry in config.getini("sinch_mock_scenarios")]


def _marker_scenarios(request: pytest.FixtureRequest, options: dict[str, Any]) -> list[str]:
    """The marker's scenarios; paths are relative to the test file, else to the root dir."""
    return [_resolved(entry, request.path.parent, request.config.rootpath)
            for entry in _as_list(options.get("scenario"))]


def _seed(config: pytest.Config, options: dict[str, Any]) -> int:
    return int(options.get("seed") if options.get("seed") is not None else config.getini("sinch_mock_seed"))


def _start(value: Any) -> datetime | None:
    if value is None or isinstance(value, datetime):
        return value
    from mock_server.core.timefmt import parse_rfc3339

    return parse_rfc3339(str(value))


@pytest.fixture
def sinch_mock(request: pytest.FixtureRequest) -> Iterator["SinchMock"]:
    """An in-process Sinch mock with a fresh state; `sinch_mock.client` talks to it."""
    from mock_server.harness import SinchMock

    options = _options(request)
    scenarios = _ini_scenarios(request.config) + _marker_scenarios(request, options)
    mock = SinchMock(seed=_seed(request.config, options), scenarios=scenarios, start=_start(options.get("start")),
                     control_token=request.config.getini("sinch_mock_control_token") or None,
                     scenario_dirs=[str(request.config.rootpath)])
    with mock:
        yield mock


@pytest.fixture(scope="session")
def _sinch_mock_server_session(request: pytest.FixtureRequest) -> Iterator["SinchMockServer"]:
    from mock_server.harness import SinchMockServer

    server = SinchMockServer(seed=int(request.config.getini("sinch_mock_seed")),
                             scenarios=_ini_scenarios(request.config), scenario_dirs=[str(request.config.rootpath)],
                             control_token=request.config.getini("sinch_mock_control_token") or None)
    with server:
        yield server


@pytest.fixture
def sinch_mock_server(request: pytest.FixtureRequest,
                      _sinch_mock_server_session: "SinchMockServer") -> "SinchMockServer":
    """A live Sinch mock on a free port (one per session), reset before each test."""
    server = _sinch_mock_server_session
    options = _options(request)
    if options.get("seed") is not None or options.get("start") is not None:
        raise pytest.UsageError("sinch_mock_server is shared by the session: only scenario= applies to it")
    server.reset()
    server.resume()
    for scenario in _marker_scenarios(request, options):
        server.load_scenario(scenario)
    return server


@pytest.fixture
def callback_sink() -> Iterator["CallbackSink"]:
    """A loopback HTTP receiver recording callbacks; give `callback_sink.url` as callbackUrl
    and set `callback_sink.secret` to the project's hmacSecret to have signatures checked."""
    from mock_server.harness import CallbackSink

    with CallbackSink() as sink:
        yield sink
