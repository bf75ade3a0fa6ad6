"""What the console shows, read from `/_mock/ui/api/...`: every resource rendered by the same
functions the API answers with, plus what only the mock knows (voice codes, LOA signatures,
per-step times, the ledger's exact bodies). Every list is paged (PAGE_SIZE, at most
MAX_PAGE_SIZE), so a project with 10,000 numbers stays quick to show."""

from __future__ import annotations

from collections import Counter
from datetime import datetime
from typing import Any, Iterable

from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from mock_server.core.errors import field_error, not_found
from mock_server.core.paging import Page, paginate, page_size_from
from mock_server.core.timefmt import rfc3339
from mock_server.delivery.signing import body_bytes, sign
from mock_server.domain.callback_configuration import MAX_HMAC_SECRET
from mock_server.domain.hosting_orders.model import (
    HostingOrder,
    HostingOrderNumber,
    HostingOrderReport,
    HostingOrderState,
    LetterOfAuthorization,
)
from mock_server.domain.imported_numbers.model import ImportedNumber, by_created_time
from mock_server.domain.project import Project
from mock_server.domain.provisioning import State
from mock_server.domain.qualified_numbers.model import GlobalProcessState
from mock_server.domain.qualified_numbers.requests import ListNumbersRequest
from mock_server.domain.world import World
from mock_server.http.bodies import json_object, query_one
from mock_server.http.common import json_response, world_of
from mock_server.http.control import clock_body
from mock_server.serializers.hosting_orders import hosting_order_json, hosting_order_number_json, report_json
from mock_server.serializers.callbacks import configuration_json
from mock_server.serializers.common import page_json
from mock_server.serializers.events import ledger_entry_with_body_json
from mock_server.serializers.imported_numbers import imported_number_response_json
from mock_server.serializers.qualified_numbers import qualified_number_with_challenge_json

PAGE_SIZE = 25
MAX_PAGE_SIZE = 100
ORDER_NUMBERS_SHOWN = 10  # numbers shown with each order; the rest page through .../numbers
NOT_STARTED = "NOT_STARTED"  # an imported number with no provisioning record (yet)


# --- helpers --------------------------------------------------------------------------------------
def _page_size(request: Request) -> int:
    raw = query_one(request, "pageSize")
    size = page_size_from(raw)  # a value that is not a whole number, zero or more, is refused
    return PAGE_SIZE if raw is None or int(raw) == 0 else min(size, MAX_PAGE_SIZE)


def _page(request: Request, items: Iterable[Any], key, filters: dict) -> Page:
    return paginate(list(items), key, _page_size(request), query_one(request, "pageToken"), filters,
                    project_id=request.path_params.get("projectId"))


def _project(world: World, request: Request) -> Project:
    """The project named by the path; one without state yet reads as empty (nothing is created)."""
    project_id = request.path_params["projectId"]
    return world.projects.get(project_id) or Project(project_id=project_id)


def _time(value: datetime | None) -> str | None:
    return rfc3339(value) if value is not None else None


def _newest_first(instant: datetime) -> float:
    return -instant.timestamp()


# --- overview -------------------------------------------------------------------------------------
def sms_state(number: ImportedNumber) -> str:
    return number.sms_provisioning.state.value if number.sms_provisioning else NOT_STARTED


def project_summary(project: Project) -> dict:
    return {
        "projectId": project.project_id,
        "importedNumbers": dict(Counter(sms_state(n) for n in project.imported_numbers.values())),
        "qualifiedNumbers": dict(Counter(n.state.value for n in project.qualified_numbers.values())),
        "hostingOrders": dict(Counter(o.state.value for o in project.hosting_orders.values())),
        "callbackConfiguration": configuration_json(project.project_id, project.callback_configuration),
    }


def next_due(request: Request) -> dict | None:
    """What falls due next: a timed transition or a callback delivery attempt."""
    world = world_of(request)
    job = world.scheduler.next_job()
    event = request.app.state.engine.dispatcher.next_event()
    attempt = event.next_attempt_at if event is not None else None
    if job is not None and (attempt is None or job.due <= attempt):
        return {"at": rfc3339(job.due), "what": job.kind, "projectId": job.project_id}
    if event is not None and attempt is not None:
        return {"at": rfc3339(attempt), "what": "callback delivery attempt", "projectId": event.project_id}
    return None


async def overview(request: Request) -> JSONResponse:
    world = world_of(request)
    with world.transaction():
        body = {
            "clock": clock_body(request),
            "nextDue": next_due(request),
            "projects": [project_summary(p) for p in sorted(world.projects.values(), key=lambda p: p.project_id)],
            "events": len(world.events.events),
        }
    return json_response(body)


# --- imported numbers -----------------------------------------------------------------------------
def _state_param(request: Request, name: str, allowed: Iterable[str]) -> str | None:
    value = query_one(request, name) or None
    allowed = tuple(allowed)
    if value is not None and value not in allowed:
        raise field_error(name, f"must be one of {', '.join(allowed)}")
    return value


def _search(request: Request) -> str:
    text = (query_one(request, "q") or "").strip()
    if len(text) > 16:
        raise field_error("q", "must be at most 16 characters (part of a phone number)")
    return text


async def imported_numbers(request: Request) -> JSONResponse:
    state = _state_param(request, "state", [NOT_STARTED, *(s.value for s in State)])
    text = _search(request)
    world = world_of(request)
    with world.transaction():
        numbers = (n for n in _project(world, request).imported_numbers.values()
                   if (state is None or sms_state(n) == state) and text in n.phone_number)
        page = _page(request, numbers, by_created_time, {"state": state, "q": text})
        body = page_json("importedNumbers", page, imported_number_response_json)
    return json_response(body)


# --- qualified numbers ----------------------------------------------------------------------------
async def qualified_numbers(request: Request) -> JSONResponse:
    """The API's list (its paging, oldest first), every state unless `state` names one."""
    states = tuple(s.value for s in GlobalProcessState)
    state = _state_param(request, "state", states)
    wanted = ListNumbersRequest(states=(state,) if state else states, text=_search(request),
                                page_size=_page_size(request), page_token=query_one(request, "pageToken"))
    world = world_of(request)
    with world.transaction():
        page = world.qualified_numbers.list_numbers(request.path_params["projectId"], wanted)
        body = page_json("qualifiedNumbers", page, qualified_number_with_challenge_json)
    return json_response(body)


# --- hosting orders -------------------------------------------------------------------------------
def loa_json(letter: LetterOfAuthorization | None) -> dict | None:
    if letter is None:
        return None
    return {"loaType": letter.loa_type.value, "status": letter.status.value, "sentTime": _time(letter.sent_time),
            "signedTime": _time(letter.signed_time), "declinedTime": _time(letter.declined_time)}


def order_number_entry(order: HostingOrder, number: HostingOrderNumber) -> dict:
    """`HostingOrderNumber` as the API answers it, and its steps with their times."""
    steps = [("osrUpdate", number.osr_update), ("platformProvisioning", number.platform_provisioning),
             ("campaignProvisioning", number.campaign_provisioning)]
    timeline = [{"step": name, "state": step.state.value, "time": _time(step.update_time)} for name, step in steps]
    timeline += [{"step": name, "state": carrier.state.value, "time": _time(carrier.update_time)}
                 for name, carrier in number.carriers.items()]
    return {"number": hosting_order_number_json(order, number), "hosting": number.hosting.value,
            "failureCode": number.failure_code or None, "timeline": timeline}


def _order_numbers(order: HostingOrder, limit: int) -> list[dict]:
    return [order_number_entry(order, n) for n in list(order.numbers.values())[:limit]]


def order_entry(order: HostingOrder) -> dict:
    return {"hostingOrder": hosting_order_json(order), "report": report_json(HostingOrderReport.of(order)),
            "loa": loa_json(order.text_enable_info), "numbers": _order_numbers(order, ORDER_NUMBERS_SHOWN),
            "numbersTotal": len(order.numbers)}


async def hosting_orders(request: Request) -> JSONResponse:
    state = _state_param(request, "state", (s.value for s in HostingOrderState))
    world = world_of(request)
    with world.transaction():
        orders = (o for o in _project(world, request).hosting_orders.values() if state is None or o.state.value == state)
        page = _page(request, orders, lambda o: (_newest_first(o.created_time), o.hosting_order_id), {"state": state})
        body = page_json("hostingOrders", page, order_entry)
    return json_response(body)


async def hosting_order_numbers(request: Request) -> JSONResponse:
    world = world_of(request)
    with world.transaction():
        order = _project(world, request).hosting_orders.get(request.path_params["hostingOrderId"])
        if order is None:
            raise not_found(f"Hosting order {request.path_params['hostingOrderId']} not found")
        page = _page(request, order.numbers.values(), lambda n: (n.position,), {"order": order.hosting_order_id})
        body = page_json("numbers", page, lambda n: order_number_entry(order, n))
    return json_response(body)


# --- callbacks and requests -----------------------------------------------------------------------
async def events(request: Request) -> JSONResponse:
    world = world_of(request)
    with world.lock:
        page = world.events.page(request.path_params["projectId"], order="newest", page_size=_page_size(request),
                                 page_token=query_one(request, "pageToken"))
        body = page_json("events", page, ledger_entry_with_body_json)
    return json_response(body)


async def requests(request: Request) -> JSONResponse:
    world = world_of(request)
    with world.lock:
        project = _project(world, request)
        entries = [(i, e) for i, e in enumerate(world.journal) if e["projectId"] == project.project_id]
        page = _page(request, entries, lambda item: (-item[0],), {"projectId": project.project_id})
        body = page_json("requests", page, lambda item: item[1])
    return json_response(body)


async def check_signature(request: Request) -> JSONResponse:
    """Whether the signature sent with an event is the one `secret` gives for its exact body."""
    data = await json_object(request)
    event_id, secret = data.get("eventId"), data.get("secret")
    if not isinstance(event_id, str) or not event_id:
        raise field_error("eventId", "is required: the id of a ledger event")
    if not isinstance(secret, str) or len(secret) > MAX_HMAC_SECRET:
        raise field_error("secret", f"is required: a string of at most {MAX_HMAC_SECRET} characters")
    world = world_of(request)
    with world.lock:
        event = world.events.by_id.get(event_id)
        if event is None:
            raise not_found(f"Event {event_id} is not in the ledger")
        expected = sign(secret, body_bytes(event.payload())) if secret else None
        sent = event.signature
    return json_response({"eventId": event_id, "sent": sent, "expected": expected,
                          "valid": sent is not None and sent == expected})


_API = "/_mock/ui/api"
_PROJECT = _API + "/projects/{projectId}"

routes = [
    Route(_API + "/overview", overview, methods=["GET"]),
    Route(_API + "/signature:check", check_signature, methods=["POST"]),
    Route(_PROJECT + "/importedNumbers", imported_numbers, methods=["GET"]),
    Route(_PROJECT + "/qualifiedNumbers", qualified_numbers, methods=["GET"]),
    Route(_PROJECT + "/hostingOrders", hosting_orders, methods=["GET"]),
    Route(_PROJECT + "/hostingOrders/{hostingOrderId}/numbers", hosting_order_numbers, methods=["GET"]),
    Route(_PROJECT + "/events", events, methods=["GET"]),
    Route(_PROJECT + "/requests", requests, methods=["GET"]),
]
