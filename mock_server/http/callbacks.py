"""HTTP routes of the callbacks area: the project's callback configuration and the ledger.

`GET`/`PATCH /v1/projects/{projectId}/callbackConfiguration` answer `CallbackConfiguration`;
this resource's errors are `{"error": {...}}` with an integer code (docs/errata.md, E-CB-1),
which `mock_server.http.errors` renders for its path. `GET /_mock/events` is the delivery
ledger (docs/callbacks.md).
"""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import BaseRoute, Route

from mock_server.core.errors import FieldViolation, failed_precondition, field_error
from mock_server.core.paging import page_size_from
from mock_server.delivery.destinations import callback_url_problem
from mock_server.domain.callback_configuration import CallbackConfigurationUpdate
from mock_server.http.bodies import RequestModel, json_object, parse_body, query_one
from mock_server.http.common import PROJECT_PATH, check_destination, json_response, world_of
from mock_server.serializers.callbacks import configuration_json
from mock_server.serializers.events import ledger_entry_json


class CallbackConfigurationBody(RequestModel):
    """`CallbackConfigurationUpdate` (null is refused, as everywhere; absent leaves the secret)."""

    hmac_secret: str | None = None


# --- handlers -------------------------------------------------------------------------------------
async def get_configuration(request: Request) -> JSONResponse:
    project_id = request.path_params["projectId"]
    world = world_of(request)
    with world.transaction():
        body = configuration_json(project_id, world.callback_configuration.get(project_id))
    return json_response(body)


async def update_configuration(request: Request) -> JSONResponse:
    project_id = request.path_params["projectId"]
    body = parse_body(CallbackConfigurationBody, await json_object(request))
    wanted = CallbackConfigurationUpdate(hmac_secret=body.hmac_secret)
    world = world_of(request)
    with world.transaction():
        answer = configuration_json(project_id, world.callback_configuration.update(project_id, wanted))
    return json_response(answer)


async def list_events(request: Request) -> JSONResponse:
    """The ledger, oldest first: whole (at most `limits.ledger_events` events), or paged like the
    API's lists when `pageSize` or `pageToken` is given. `dropped` counts the finished events
    dropped to keep the ledger within its bound."""
    project_id, state = query_one(request, "projectId"), query_one(request, "state")
    paged = query_one(request, "pageSize") is not None or query_one(request, "pageToken") is not None
    world = world_of(request)
    with world.lock:
        answer: dict = {"dropped": world.events.dropped, "limit": world.settings.limits.ledger_events}
        if paged:
            page = world.events.page(project_id, state, page_size=page_size_from(query_one(request, "pageSize")),
                                     page_token=query_one(request, "pageToken"))
            matching = page.items
            answer.update(nextPageToken=page.next_page_token, totalSize=page.total_size)
        else:
            matching = world.events.select(project_id, state)
        events = [ledger_entry_json(e) for e in matching]
    return json_response({"events": events, **answer})


def check_url(request: Request, url: object) -> None:
    """A `url` given to send an event to: a usable callback URL, not the mock itself (except its sink)."""
    if url is None:
        return
    problem = "must be a string" if not isinstance(url, str) else callback_url_problem(url)
    if problem:
        raise field_error("url", problem)
    check_destination(request, str(url), "url")


async def get_event(request: Request) -> JSONResponse:
    world = world_of(request)
    with world.lock:
        return json_response(ledger_entry_json(world.events.get(request.path_params["eventId"])))


async def redeliver_event(request: Request) -> JSONResponse:
    """Send the event again now (`{"url"}` optional) and answer its ledger entry; the new
    attempt is the last of its `attempts`."""
    data = await json_object(request, required=False)
    url = data.get("url")
    check_url(request, url)
    world = world_of(request)
    with world.lock:
        event = world.events.get(request.path_params["eventId"])
        if not url and not event.destination:
            raise failed_precondition(f"Event {event.event_id} has no destination (its resource had no "
                                      "callbackUrl): give one as {\"url\": ...}",
                                      FieldViolation("url", "is required for an event without a destination"))
    await request.app.state.engine.dispatcher.redeliver(event, url)
    with world.lock:
        return json_response(ledger_entry_json(event))


_CONFIGURATION = f"{PROJECT_PATH}/callbackConfiguration"

routes: list[BaseRoute] = [
    Route(_CONFIGURATION, get_configuration, methods=["GET"]),
    Route(_CONFIGURATION, update_configuration, methods=["PATCH"]),
]
control_routes: list[BaseRoute] = [
    Route("/_mock/events", list_events, methods=["GET"]),
    Route("/_mock/events/{eventId}:redeliver", redeliver_event, methods=["POST"]),
    Route("/_mock/events/{eventId}", get_event, methods=["GET"]),
]
