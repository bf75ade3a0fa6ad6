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
from mock_server.core.timefmt import rfc3339
from mock_server.domain.hosting_orders.model import (
    HostingOrder,
    HostingOrderNumber,
    HostingOrderReport,
    HostingOrderState,
    HostingOrderType,
    LetterOfAuthorization,
    LoaType,
)
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
from mock_server.serializers.common import carrier_json, page_json


# --- serialization ----------------------------------------------------------------------------------
def text_enable_info_json(letter: LetterOfAuthorization) -> dict:
    """`TextEnableInfo`. A blanket LOA has no `loaType` in the spec's enum: it is left out."""
    body: dict = {"businessName": letter.business_name}
    if letter.authorised_person is not None:
        person = letter.authorised_person
        body["authorisedPerson"] = {"firstName": person.first_name, "lastName": person.last_name,
                                    "email": person.email}
    if letter.address is not None:
        a = letter.address
        body["address"] = {"buildingNumber": a.building_number, "street": a.street, "city": a.city,
                           "state": a.state, "postalCode": a.postal_code, "country": a.country}
    body["serviceProvider"] = letter.service_provider
    body["currentVoiceCarrier"] = letter.current_voice_carrier
    body["nnid"] = letter.nnid
    if letter.loa_type is not LoaType.BLANKET:
        body["loaType"] = letter.loa_type.value
    return body


def hosting_order_json(order: HostingOrder) -> dict:
    """`HostingOrder` (for an IMPORT order the same fields make an `ImportHostingOrder`)."""
    body: dict = {
        "projectId": order.project_id,
        "hostingOrderId": order.hosting_order_id,
        "displayName": order.display_name,
        "regionCode": order.region_code,
        "state": order.state.value,
        "type": order.type.value,
        "createdTime": rfc3339(order.created_time),
        "updatedTime": rfc3339(order.updated_time),
    }
    if order.scheduled_osr_update_time is not None:
        body["scheduledOsrUpdateTime"] = rfc3339(order.scheduled_osr_update_time)
    body |= {
        "servicePlanId": order.service_plan_id,
        "campaignId": order.campaign_id,
        "migrateToSinchTmo": order.migrate_to_sinch_tmo,
        "callbackUrl": order.callback_url,
    }
    if order.text_enable_info is not None:
        body["textEnableInfo"] = text_enable_info_json(order.text_enable_info)
    if order.scheduled_zipwhip_provisioning_time is not None:  # not in the schema (E-HO-6)
        body["scheduledZipwhipProvisioningTime"] = rfc3339(order.scheduled_zipwhip_provisioning_time)
    return body


def hosting_order_number_json(order: HostingOrder, number: HostingOrderNumber) -> dict:
    body: dict = {
        "projectId": order.project_id,
        "hostingOrderId": order.hosting_order_id,
        "phoneNumber": number.phone_number,
        "osrUpdate": {"nnid": number.nnid, "state": number.osr_update.state.value},
        "campaignProvisioning": {"campaignId": order.campaign_id,
                                 "state": number.campaign_provisioning.state.value},
        "platformProvisioning": {"servicePlanId": order.service_plan_id,
                                 "state": number.platform_provisioning.state.value},
    }
    for name, carrier in number.carriers.items():
        body[name] = carrier_json(carrier, with_operation=False)
    return body


def report_json(report: HostingOrderReport) -> dict:
    return {
        "total": report.total,
        "osrUpdated": report.osr_updated,
        "smsProvisioned": report.sms_provisioned,
        "addedToCampaign": report.added_to_campaign,
        "ongoingManualAction": report.ongoing_manual_action,
    }


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


# --- handlers ---------------------------------------------------------------------------------------
async def import_numbers(request: Request) -> JSONResponse:
    project_id = request.path_params["projectId"]
    wanted = import_request_from(parse_body(ImportNumbersBody, await json_object(request)))
    check_destination(request, wanted.callback_url)
    world = world_of(request)
    with world.transaction():
        body = hosting_order_json(world.hosting_orders.import_numbers(project_id, wanted))
    return json_response(body)


async def _text_enable(request: Request, *, toll_free: bool) -> dict:
    project_id = request.path_params["projectId"]
    wanted = text_enable_request_from(parse_body(TextEnableBody, await json_object(request)), toll_free=toll_free)
    check_destination(request, wanted.callback_url)
    world = world_of(request)
    with world.transaction():
        return hosting_order_json(world.hosting_orders.text_enable(project_id, wanted))


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
    project_id = request.path_params["projectId"]
    flt = order_filter_from(request)
    paging = list_params(request)
    world = world_of(request)
    with world.transaction():
        page = world.hosting_orders.list(project_id, flt, order_by=paging.order_by, page_size=paging.page_size,
                                         page_token=paging.page_token)
        body = page_json("hostingOrders", page, hosting_order_json)
    return json_response(body)


async def get_hosting_order(request: Request) -> JSONResponse:
    world = world_of(request)
    with world.transaction():
        order = world.hosting_orders.get(request.path_params["projectId"], request.path_params["hostingOrderId"])
        body = hosting_order_json(order)
    return json_response(body)


async def get_report(request: Request) -> JSONResponse:
    world = world_of(request)
    with world.transaction():
        report = world.hosting_orders.report(request.path_params["projectId"], request.path_params["hostingOrderId"])
    return json_response(report_json(report))


async def list_hosting_order_numbers(request: Request) -> JSONResponse:
    project_id, order_id = request.path_params["projectId"], request.path_params["hostingOrderId"]
    flt = number_filter_from(request)
    paging = list_params(request)
    world = world_of(request)
    with world.transaction():
        page = world.hosting_orders.list_numbers(project_id, order_id, flt, order_by=paging.order_by,
                                                 page_size=paging.page_size, page_token=paging.page_token)
        order = world.hosting_orders.get(project_id, order_id)
        body = page_json("numbers", page, lambda number: hosting_order_number_json(order, number))
    return json_response(body)


async def get_hosting_order_number(request: Request) -> JSONResponse:
    project_id, order_id = request.path_params["projectId"], request.path_params["hostingOrderId"]
    phone = request.path_params["phoneNumber"]
    world = world_of(request)
    with world.transaction():
        number = world.hosting_orders.get_number(project_id, order_id, phone)
        body = hosting_order_number_json(world.hosting_orders.get(project_id, order_id), number)
    return json_response(body)


async def sign_loa(request: Request) -> JSONResponse:
    world = world_of(request)
    with world.transaction():
        order = world.hosting_orders.sign_loa(request.path_params["projectId"], request.path_params["hostingOrderId"])
        body = hosting_order_json(order)
    return json_response(body)


async def decline_loa(request: Request) -> JSONResponse:
    world = world_of(request)
    with world.transaction():
        order = world.hosting_orders.decline_loa(request.path_params["projectId"],
                                                 request.path_params["hostingOrderId"])
        body = hosting_order_json(order)
    return json_response(body)


async def set_blanket_loa(request: Request) -> JSONResponse:
    """`:approveBlanketLoa` / `:revokeBlanketLoa`: whether the project's orders may use
    `blanketLoaInfo`. Answers `{"projectId", "blanketLoa"}`."""
    project_id = request.path_params["projectId"]
    approved = request.url.path.endswith(":approveBlanketLoa")
    world = world_of(request)
    with world.transaction():
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
