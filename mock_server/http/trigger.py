"""`POST /_mock/events:trigger`: one synthetic signed event through the normal delivery
(`sinch-mock trigger`; docs/callbacks.md, "Triggering an event")."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from mock_server.core.errors import field_error
from mock_server.domain.fields import project_id_problem
from mock_server.domain.triggers import trigger
from mock_server.http.bodies import json_object
from mock_server.http.callbacks import check_url
from mock_server.http.common import json_response, world_of
from mock_server.serializers.events import ledger_entry_json

MAX_FIELD_LENGTH = 2048


def _text(data: dict, name: str, *, required: bool = False) -> str | None:
    value = data.get(name)
    if value is None:
        if required:
            raise field_error(name, "is required")
        return None
    if not isinstance(value, str) or not value or len(value) > MAX_FIELD_LENGTH:
        raise field_error(name, f"must be a non-empty string of at most {MAX_FIELD_LENGTH} characters")
    return value


async def trigger_event(request: Request) -> JSONResponse:
    """Record the event, make its first delivery attempt (as a clock move would), answer its
    ledger entry (201)."""
    data = await json_object(request)
    project_id = _text(data, "projectId", required=True)
    problem = project_id_problem(project_id)
    if problem:
        raise field_error("projectId", problem)
    url = data.get("url")
    check_url(request, url)
    world = world_of(request)
    with world.transaction():
        event = trigger(world, project_id or "", _text(data, "eventType", required=True) or "",
                        _text(data, "resourceId", required=True) or "",
                        status=_text(data, "status") or "SUCCEEDED", failure_code=_text(data, "failureCode"),
                        url=url, resource_type=_text(data, "resourceType"))
        now = world.clock.now()
    await request.app.state.engine.dispatcher.deliver_due(now)
    with world.lock:
        return json_response(ledger_entry_json(event), 201)


control_routes = [Route("/_mock/events:trigger", trigger_event, methods=["POST"])]
