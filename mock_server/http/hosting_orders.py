"""HTTP routes of the Hosting Orders tag, the two text-enable operations of the Qualified
Numbers tag (one shared implementation), and the control plane's LOA signature calls."""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import BaseRoute, Route

from mock_server.core.errors import FieldViolation, field_error, invalid_argument
from mock_server.core.phone import check_region_code
from mock_server.http.convertors import PHONE
from mock_server.domain.hosting_orders.model import HostingOrderState, HostingOrderType
from mock_server.domain.hosting_orders.queries import NumberFilter, OrderFilter
from mock_server.domain.provisioning import State
from mock_server.http.bodies import json_object, list_params, parse_body, query_many, query_one
from mock_server.http.common import PROJECT_PATH, check_destination, json_response, world_of
from mock_server.http.hosting_order_bodies import (
    ImportNumbersBody,
    TextEnableBody,
    import_request_from,
    text_enable_request_from,
)
from mock_server.serializers.hosting_orders import (
    hosting_order_json,
    hosting_order_number_json,
    hosting_order_numbers_page_json,
    hosting_orders_page_json,
    report_json,
)


# --- query parameters -------------------------------------------------------------------------------
def _enum(enum: type, name: str, raw: str) -> Any:
    try:
        return enum(raw)
    except ValueError:
        allowed = ", ".join(e.value for e in enum)
        raise field_error(name, f"{raw!r} is not one of {allowed}") from None


def order_filter_from(request: Request) -> OrderFilter:
    """`states`, `type`, `servicePlanId` and `campaignId` are required: one 400 names every missing one."""
    required = ("states", "type", "servicePlanId", "campaignId")
    missing = [name for name in required if name not in request.query_params]
    if missing:
        raise invalid_argument(
            f"Missing required query parameters: {', '.join(missing)}",
            *(FieldViolation(name, "is required") for name in missing),
        )
    states = query_many(request, "states", required=True)
    region = query_one(request, "regionCode")
    return OrderFilter(
        states=frozenset(_enum(HostingOrderState, "states", s) for s in states),
        type=_enum(HostingOrderType, "type", query_one(request, "type", required=True) or ""),
        service_plan_id=query_one(request, "servicePlanId") or "",
        campaign_id=query_one(request, "campaignId") or "",
        region_code=check_region_code(region) if region else "",
    )


def number_filter_from(request: Request) -> NumberFilter:
    def state(name: str) -> State | None:
        raw = query_one(request, name)
        return _enum(State, name, raw) if raw else None

    return NumberFilter(
        osr_update_state=state("osrUpdateState"),
        campaign_provisioning_state=state("campaignProvisioningState"),
        platform_provisioning_state=state("platformProvisioningState"),
    )


# --- handlers: parse, call the domain, render ---------------------------------------------------------
def _order_path(request: Request) -> tuple[str, str]:
    return request.path_params["projectId"], request.path_params["hostingOrderId"]


async def import_numbers(request: Request) -> JSONResponse:
    wanted = import_request_from(parse_body(ImportNumbersBody, await json_object(request)))
    check_destination(request, wanted.callback_url)
    with world_of(request).transaction() as world:
        order = world.hosting_orders.import_numbers(request.path_params["projectId"], wanted)
        return json_response(hosting_order_json(order))


async def _text_enable(request: Request, *, toll_free: bool) -> dict:
    """Both text-enable entry points of both tags: the new order, rendered as `HostingOrder`."""
    wanted = text_enable_request_from(parse_body(TextEnableBody, await json_object(request)), toll_free=toll_free)
    check_destination(request, wanted.callback_url)
    with world_of(request).transaction() as world:
        return hosting_order_json(world.hosting_orders.text_enable(request.path_params["projectId"], wanted))


async def text_enable_numbers(request: Request) -> JSONResponse:
    """`hostingOrders:textEnableNumbers`: answers the `HostingOrder`."""
    return json_response(await _text_enable(request, toll_free=False))


async def text_enable_toll_free_numbers(request: Request) -> JSONResponse:
    """Both toll-free entry points answer the `HostingOrder`."""
    return json_response(await _text_enable(request, toll_free=True))


async def text_enable_qualified_numbers(request: Request) -> JSONResponse:
    """`qualifiedNumbers:textEnableNumbers`: the same order, answered as `TextEnableResponse`."""
    order = await _text_enable(request, toll_free=False)
    return json_response({"hostingOrderId": order["hostingOrderId"]})


async def list_hosting_orders(request: Request) -> JSONResponse:
    flt, paging = order_filter_from(request), list_params(request)
    with world_of(request).transaction() as world:
        page = world.hosting_orders.list(request.path_params["projectId"], flt, order_by=paging.order_by,
                                         page_size=paging.page_size, page_token=paging.page_token)
        return json_response(hosting_orders_page_json(page))


async def get_hosting_order(request: Request) -> JSONResponse:
    with world_of(request).transaction() as world:
        return json_response(hosting_order_json(world.hosting_orders.get(*_order_path(request))))


async def get_report(request: Request) -> JSONResponse:
    with world_of(request).transaction() as world:
        return json_response(report_json(world.hosting_orders.report(*_order_path(request))))


async def list_hosting_order_numbers(request: Request) -> JSONResponse:
    flt, paging = number_filter_from(request), list_params(request)
    with world_of(request).transaction() as world:
        page = world.hosting_orders.list_numbers(*_order_path(request), flt, order_by=paging.order_by,
                                                 page_size=paging.page_size, page_token=paging.page_token)
        return json_response(hosting_order_numbers_page_json(world.hosting_orders.get(*_order_path(request)), page))


async def get_hosting_order_number(request: Request) -> JSONResponse:
    with world_of(request).transaction() as world:
        number = world.hosting_orders.get_number(*_order_path(request), request.path_params["phoneNumber"])
        return json_response(hosting_order_number_json(world.hosting_orders.get(*_order_path(request)), number))


async def sign_loa(request: Request) -> JSONResponse:
    with world_of(request).transaction() as world:
        return json_response(hosting_order_json(world.hosting_orders.sign_loa(*_order_path(request))))


async def decline_loa(request: Request) -> JSONResponse:
    with world_of(request).transaction() as world:
        return json_response(hosting_order_json(world.hosting_orders.decline_loa(*_order_path(request))))


async def set_blanket_loa(request: Request) -> JSONResponse:
    """`:approveBlanketLoa` / `:revokeBlanketLoa`: whether the project's orders may use
    `blanketLoaInfo`. Answers `{"projectId", "blanketLoa"}`."""
    project_id = request.path_params["projectId"]
    approved = request.url.path.endswith(":approveBlanketLoa")
    with world_of(request).transaction() as world:
        world.hosting_orders.set_blanket_loa(project_id, approved)
    return json_response({"projectId": project_id, "blanketLoa": approved})


_ORDERS = f"{PROJECT_PATH}/hostingOrders"
_ORDER = _ORDERS + "/{hostingOrderId}"
_QUALIFIED = f"{PROJECT_PATH}/qualifiedNumbers"

routes: list[BaseRoute] = [
    Route(f"{_ORDERS}:importNumbers", import_numbers, methods=["POST"]),
    Route(f"{_ORDERS}:textEnableNumbers", text_enable_numbers, methods=["POST"]),
    Route(f"{_ORDERS}:textEnableTollFreeNumbers", text_enable_toll_free_numbers, methods=["POST"]),
    Route(f"{_QUALIFIED}:textEnableNumbers", text_enable_qualified_numbers, methods=["POST"]),
    Route(f"{_QUALIFIED}:textEnableTollFreeNumbers", text_enable_toll_free_numbers, methods=["POST"]),
    Route(_ORDERS, list_hosting_orders, methods=["GET"]),
    Route(_ORDER, get_hosting_order, methods=["GET"]),
    Route(f"{_ORDER}/report", get_report, methods=["GET"]),
    Route(f"{_ORDER}/numbers", list_hosting_order_numbers, methods=["GET"]),
    Route(f"{_ORDER}/numbers/{PHONE}", get_hosting_order_number, methods=["GET"]),
]

_CONTROL = "/_mock/projects/{projectId}/hostingOrders/{hostingOrderId}"

control_routes: list[BaseRoute] = [
    Route("/_mock/projects/{projectId}:approveBlanketLoa", set_blanket_loa, methods=["POST"]),
    Route("/_mock/projects/{projectId}:revokeBlanketLoa", set_blanket_loa, methods=["POST"]),
    Route(f"{_CONTROL}:signLoa", sign_loa, methods=["POST"]),
    Route(f"{_CONTROL}:declineLoa", decline_loa, methods=["POST"]),
]
