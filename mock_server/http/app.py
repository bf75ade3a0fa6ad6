"""`create_app(config)`: one isolated mock, ready for uvicorn or Starlette's TestClient."""

from __future__ import annotations

import contextlib
from typing import AsyncIterator

from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from mock_server.config import MockConfig
from mock_server.core.clock import Clock
from mock_server.core.rng import Rng
from mock_server.delivery.dispatcher import Dispatcher
from mock_server.domain.world import World
from mock_server.engine import Engine
from mock_server.http import callbacks, control, hosting_orders, imported_numbers, qualified_numbers
from mock_server.http import state
from mock_server.http.auth import AuthMiddleware, Authenticator, token_endpoint
from mock_server.http.errors import EXCEPTION_HANDLERS
from mock_server.http.journal import JournalMiddleware
from mock_server.http.state import ScenarioHost
from mock_server.spec import spec_bytes


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
        *imported_numbers.control_routes,
        *state.control_routes,
        Route("/oauth2/token", token_endpoint, methods=["POST"]),
        Route("/openapi.yaml", openapi_yaml, methods=["GET"]),
    ]


def create_app(config: MockConfig | None = None, *, clock: Clock | None = None) -> Starlette:
    config = config or MockConfig()
    rng = Rng(config.seed)
    world = World(settings=config.settings.model_copy(deep=True), clock=clock or Clock(), rng=rng)
    engine = Engine(world, Dispatcher(world))
    authenticator = Authenticator(config.keys, world.clock, rng)
    scenarios = ScenarioHost(world, authenticator, config.scenarios)  # start-up scenarios; ScenarioError

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        await engine.start(background=config.background)
        try:
            yield
        finally:
            await engine.stop()

    app = Starlette(
        routes=build_routes(),
        middleware=[
            Middleware(JournalMiddleware, world=world),
            Middleware(AuthMiddleware, authenticator=authenticator),
        ],
        exception_handlers=EXCEPTION_HANDLERS,  # type: ignore[arg-type]
        lifespan=lifespan,
    )
    app.state.config = config
    app.state.world = world
    app.state.engine = engine
    app.state.authenticator = authenticator
    app.state.scenarios = scenarios
    return app
