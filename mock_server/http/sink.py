"""The built-in callback receiver: `POST`/`GET`/`PUT`/`DELETE /_mock/sink/{name}`, `GET /_mock/sink`.

`POST` records a callback and answers the sink's status (200 unless `PUT` set another);
`GET` lists what arrived, with headers, the raw body and whether the signature verifies against
the current secret of the project the body names. docs/callbacks.md, "The built-in sink".
"""

from __future__ import annotations

import json

from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from mock_server.core.errors import ApiError
from mock_server.delivery.signing import SIGNATURE_HEADER, verify
from mock_server.domain.sinks import MAX_BODY_BYTES, SINK_PATH_PREFIX, Sink, SinkCallback
from mock_server.domain.world import World
from mock_server.http.bodies import json_object
from mock_server.http.common import json_response, world_of
from mock_server.serializers.sinks import sink_json, sink_summary_json


async def _limited_body(request: Request) -> bytes:
    """The body, refusing (413) as soon as it passes the bound; nothing is stored then."""
    too_large = ApiError(413, "INVALID_ARGUMENT", f"A sink keeps bodies of at most {MAX_BODY_BYTES} bytes")
    length = request.headers.get("content-length", "")
    if length.isdigit() and int(length) > MAX_BODY_BYTES:
        raise too_large
    chunks, size = [], 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > MAX_BODY_BYTES:
            raise too_large
        chunks.append(chunk)
    return b"".join(chunks)


def signature_check(world: World, callback: SinkCallback) -> tuple[bool | None, str]:
    """Whether the callback's signature verifies against the current secret of the project its
    body names: (True/False, why), or (None, why) when there is nothing to check against."""
    signature = next((v for k, v in callback.headers if k.lower() == SIGNATURE_HEADER.lower()), None)
    try:
        project_id = json.loads(callback.body).get("projectId")
    except (ValueError, AttributeError):
        project_id = None
    if not isinstance(project_id, str):
        return None, "the body names no projectId, so there is no secret to check against"
    secret = world.callback_configuration.secret(project_id)
    if not secret:
        if signature is None:
            return None, f"unsigned, and project {project_id} has no hmacSecret"
        return False, f"signed, but project {project_id} has no hmacSecret"
    if signature is None:
        return False, f"no {SIGNATURE_HEADER} header, but project {project_id} has an hmacSecret"
    if verify(secret, callback.body, signature):
        return True, f"HMAC-SHA1 of the raw body with project {project_id}'s current hmacSecret"
    return False, f"does not match the HMAC-SHA1 of the raw body with project {project_id}'s current hmacSecret"


def sink_answer(world: World, sink: Sink) -> dict:
    """The sink with what arrived, each callback's signature checked now."""
    return sink_json(sink, [signature_check(world, c) for c in sink.callbacks])


async def receive(request: Request) -> JSONResponse:
    body = await _limited_body(request)
    world = world_of(request)
    with world.lock:
        callback = world.sinks.receive(request.path_params["name"], world.clock.now(),
                                       [(k, v) for k, v in request.headers.items()], body)
    return json_response({"sink": request.path_params["name"], "received": True}, callback.answered)


async def show(request: Request) -> JSONResponse:
    world = world_of(request)
    with world.lock:
        return json_response(sink_answer(world, world.sinks.get(request.path_params["name"])))


async def configure(request: Request) -> JSONResponse:
    data = await json_object(request)
    world = world_of(request)
    with world.lock:
        return json_response(sink_answer(world, world.sinks.configure(request.path_params["name"], data.get("status"))))


async def delete(request: Request) -> JSONResponse:
    world = world_of(request)
    with world.lock:
        world.sinks.delete(request.path_params["name"])
    return json_response({"status": "deleted"})


async def list_sinks(request: Request) -> JSONResponse:
    world = world_of(request)
    with world.lock:
        return json_response({"sinks": [sink_summary_json(world.sinks.get(name)) for name in world.sinks.names()]})


_SINK = SINK_PATH_PREFIX + "{name}"

control_routes = [
    Route(SINK_PATH_PREFIX.rstrip("/"), list_sinks, methods=["GET"]),
    Route(_SINK, receive, methods=["POST"]),
    Route(_SINK, show, methods=["GET"]),
    Route(_SINK, configure, methods=["PUT"]),
    Route(_SINK, delete, methods=["DELETE"]),
]
