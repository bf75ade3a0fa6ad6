"""Fault and latency injection on the API (`/v1/...`, `/oauth2/token`): the middleware that
applies the rules, and `POST`/`GET`/`DELETE /_mock/faults` that manage them (docs/faults.md).

An injected fault is noted in the request's scope under `FAULT_SCOPE_KEY`; the journal shows
it as the entry's `fault`.
"""

from __future__ import annotations

import asyncio
import logging

from pydantic import ValidationError
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route
from starlette.types import ASGIApp, Receive, Scope, Send

from mock_server.core.errors import invalid_argument, not_found
from mock_server.domain.faults import Call, CloseAction, DelayAction, ErrorAction, FaultSpec
from mock_server.domain.world import World
from mock_server.http.bodies import json_object, violations_of
from mock_server.http.common import json_response, world_of
from mock_server.http.errors import error_response
from mock_server.http.common import project_in_path
from mock_server.http.journal import FAULT_SCOPE_KEY
from mock_server.spec.operations import operation_id


class ConnectionDropped(BaseException):
    """Ends a request without an answer: the server closes the connection.

    A BaseException so that no exception handler turns it into a 500 on the way out."""


class _QuietDroppedConnections(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        return not (record.exc_info and isinstance(record.exc_info[1], ConnectionDropped))


def quiet_dropped_connections() -> None:
    """Keep uvicorn from logging a deliberately closed connection as an application error."""
    logger = logging.getLogger("uvicorn.error")
    if not any(isinstance(f, _QuietDroppedConnections) for f in logger.filters):
        logger.addFilter(_QuietDroppedConnections())


def is_api_path(path: str) -> bool:
    return path.startswith("/v1/") or path.startswith("/oauth2/")


class FaultMiddleware:
    def __init__(self, app: ASGIApp, world: World) -> None:
        self.app = app
        self.world = world

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        world = self.world
        path = scope.get("path", "")
        if not world.faults.rules or scope["type"] != "http" or not is_api_path(path):  # no rules: the usual case
            await self.app(scope, receive, send)
            return
        call = Call(scope["method"], path, operation_id(scope["method"], path), project_in_path(path))
        with world.lock:
            rule = world.faults.pick(call, world.rng)
        if rule is None:
            await self.app(scope, receive, send)
            return
        action = rule.spec.action
        scope[FAULT_SCOPE_KEY] = {"rule": rule.id, "action": action.type}
        if isinstance(action, DelayAction):
            scope[FAULT_SCOPE_KEY]["seconds"] = action.seconds
            await asyncio.sleep(action.seconds)
            await self.app(scope, receive, send)
        elif isinstance(action, ErrorAction):
            scope[FAULT_SCOPE_KEY]["status"] = action.status
            await error_response(rule.error(), path)(scope, receive, send)
        else:
            assert isinstance(action, CloseAction)
            await _hang_up(send)


async def _hang_up(send: Send) -> None:
    """Close the connection without an answer. uvicorn marks the response as started, then
    refuses the impossible status 0 before writing anything; a request that ends with an
    exception after that point has its connection closed."""
    try:
        await send({"type": "http.response.start", "status": 0, "headers": []})
    except Exception:
        pass
    raise ConnectionDropped("injected fault: connection closed without an answer")


# --- the control plane ----------------------------------------------------------------------------
async def add_fault(request: Request) -> JSONResponse:
    data = await json_object(request)
    try:
        spec = FaultSpec.model_validate(data)
    except ValidationError as error:
        violations = violations_of(error)
        raise invalid_argument("Invalid fault rule: " + ", ".join(dict.fromkeys(v.field for v in violations)),
                               *violations) from None
    world = world_of(request)
    with world.lock:
        return json_response(world.faults.add(spec).to_json(), 201)


async def list_faults(request: Request) -> JSONResponse:
    world = world_of(request)
    with world.lock:
        return json_response({"faults": [rule.to_json() for rule in world.faults.rules]})


async def clear_faults(request: Request) -> JSONResponse:
    world = world_of(request)
    with world.lock:
        count = len(world.faults.rules)
        world.faults.clear()
    return json_response({"status": "deleted", "faults": count})


async def delete_fault(request: Request) -> JSONResponse:
    world = world_of(request)
    rule_id = request.path_params["faultId"]
    with world.lock:
        if not world.faults.remove(rule_id):
            raise not_found(f"No fault rule {rule_id!r}")
    return json_response({"status": "deleted", "faults": 1})


control_routes = [
    Route("/_mock/faults", add_fault, methods=["POST"]),
    Route("/_mock/faults", list_faults, methods=["GET"]),
    Route("/_mock/faults", clear_faults, methods=["DELETE"]),
    Route("/_mock/faults/{faultId}", delete_fault, methods=["DELETE"]),
]
