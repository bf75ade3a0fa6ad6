"""`create_app(config)`: one isolated mock, ready for uvicorn or Starlette's TestClient."""

from __future__ import annotations

import contextlib
import logging
from typing import AsyncIterator

from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from mock_server import console
from mock_server.config import MockConfig
from mock_server.core.clock import Clock
from mock_server.core.rng import Rng
from mock_server.delivery.destinations import OwnAddress
from mock_server.delivery.dispatcher import Dispatcher
from mock_server.domain.world import World
from mock_server.engine import Engine
from mock_server.http import callbacks, control, hosting_orders, imported_numbers, qualified_numbers
from mock_server.http import explorer, faults, sink, state, trigger
from mock_server.http.auth import AuthMiddleware, Authenticator, token_endpoint
from mock_server.http.errors import EXCEPTION_HANDLERS
from mock_server.http.framing import FramingMiddleware
from mock_server.http.gate import GateMiddleware
from mock_server.http.guard import BrowserPolicy, ControlPlaneGuard, cors_middleware
from mock_server.http.journal import JournalMiddleware
from mock_server.http.routing import IndexedRouter, lean_routes
from mock_server.http.state import ScenarioHost, export_document, import_document
from mock_server.spec import spec_bytes
from mock_server.state import StateError
from mock_server.state_file import StateFileError, read_state_file, write_state_file

log = logging.getLogger("sinch_mock.app")


async def openapi_yaml(request: Request) -> Response:
    return Response(spec_bytes(), media_type="application/yaml")


def build_routes() -> list:
    # The API's routes first: Starlette tries routes in order, and they take most of the traffic
    # (no path of the control plane, /oauth2 or /openapi.yaml starts with /v1/).
    return [
        *imported_numbers.routes,
        *qualified_numbers.routes,
        *hosting_orders.routes,
        *callbacks.routes,
        *control.routes,
        *qualified_numbers.control_routes,
        *hosting_orders.control_routes,
        *callbacks.control_routes,
        *state.control_routes,
        *explorer.control_routes,
        *sink.control_routes,
        *faults.control_routes,
        *trigger.control_routes,
        Route("/oauth2/token", token_endpoint, methods=["POST"]),
        Route("/openapi.yaml", openapi_yaml, methods=["GET"]),
        *explorer.routes,
    ]


def load_state_file(path: str, world: World, scenarios: ScenarioHost) -> None:
    """Restore the state saved in `path`, when there is one (--state-file)."""
    document = read_state_file(path)
    if document is None:
        return
    try:
        import_document(world, scenarios, document)
    except StateError as error:
        raise StateFileError(f"state file {path!r} was not loaded: {error}") from None


def save_state_file(path: str, world: World, scenarios: ScenarioHost) -> None:
    try:
        write_state_file(path, export_document(world, scenarios))
    except (OSError, ValueError):
        log.exception("the state could not be saved to %s", path)


class MockApplication(Starlette):
    """The mock's Starlette app: its world is `app.world` (and `app.state.world`), read by every
    handler (`http.common.world_of`) without the lookup `app.state` makes."""

    world: World


def create_app(config: MockConfig | None = None, *, clock: Clock | None = None) -> MockApplication:
    config = config or MockConfig()
    rng = Rng(config.seed)
    world = World(settings=config.settings.model_copy(deep=True), clock=clock or Clock(), rng=rng)
    own_address = OwnAddress()  # `sinch-mock serve` tells it where it listens
    engine = Engine(world, Dispatcher(world, own_address=own_address, own_certificate=config.tls_cert))
    authenticator = Authenticator(config.keys, world.clock, rng)
    policy = BrowserPolicy(config.cors_origins, config.allowed_hosts, config.control_token)
    world.reset_hooks.append(authenticator.revoke_all)  # tokens belong to the world
    scenarios = ScenarioHost(world, authenticator, config.scenarios,  # start-up scenarios; ScenarioError
                             config.scenario_dirs)
    if config.state_file:
        load_state_file(config.state_file, world, scenarios)  # StateFileError

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        await engine.start(background=config.background)
        try:
            yield
        finally:
            await engine.stop()
            if config.state_file:
                save_state_file(config.state_file, world, scenarios)

    app = MockApplication(
        middleware=[
            cors_middleware(policy),  # outermost: preflights are answered before anything else
            Middleware(FramingMiddleware),
            Middleware(GateMiddleware, gate=engine.gate),
            Middleware(JournalMiddleware, world=world, key_of_token=authenticator.key_id_of_token),
            Middleware(ControlPlaneGuard, policy=policy),
            Middleware(AuthMiddleware, authenticator=authenticator),
            Middleware(faults.FaultMiddleware, world=world),  # inside authentication: a refused call draws no fault
        ],
        exception_handlers=EXCEPTION_HANDLERS,  # type: ignore[arg-type]
    )
    # A trailing slash is an unknown path (404), as at the real API's gateway: no redirect.
    app.router = IndexedRouter(routes=lean_routes(build_routes()), redirect_slashes=False, lifespan=lifespan)
    faults.quiet_dropped_connections()
    app.state.config = config
    app.state.world = app.world = world
    app.state.engine = engine
    app.state.own_address = own_address
    app.state.authenticator = authenticator
    app.state.scenarios = scenarios
    console.install(app, max_streams=config.ui_max_streams)
    return app
