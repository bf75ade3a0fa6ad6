"""HTTP routes of the Imported Numbers tag: parse, call the service, render."""

from __future__ import annotations

from pydantic import StrictBool
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import BaseRoute, Route

from mock_server.domain.imported_numbers.requests import (
    ImportedNumberChange,
    ImportedNumberFilter,
    ImportRequest,
    SmsConfiguration,
)
from mock_server.http.bodies import RequestModel, json_object, list_params, parse_body, query_one
from mock_server.http.common import PROJECT_PATH, check_destination, empty_response, json_response, world_of
from mock_server.http.convertors import PHONE
from mock_server.serializers.common import page_json
from mock_server.serializers.imported_numbers import imported_number_json, imported_number_response_json


class SmsConfigurationBody(RequestModel):
    service_plan_id: str | None = None
    campaign_id: str | None = None
    # Read-only (E-IMP-1): type-checked, then ignored; only hostingOrders:importNumbers sets it.
    migrate_to_sinch_tmo: StrictBool | None = None


class ImportedNumberBody(RequestModel):
    """`ImportedNumber` as a request body (POST and PATCH)."""

    phone_number: str | None = None
    project_id: str | None = None
    region_code: str | None = None
    display_name: str | None = None
    sms_configuration: SmsConfigurationBody | None = None
    callback_url: str | None = None

    def sms(self) -> SmsConfiguration | None:
        sms = self.sms_configuration
        return SmsConfiguration(sms.service_plan_id, sms.campaign_id) if sms is not None else None

    def import_request(self) -> ImportRequest:
        return ImportRequest(phone_number=self.phone_number, region_code=self.region_code,
                             sms_configuration=self.sms(), display_name=self.display_name,
                             callback_url=self.callback_url)

    def change(self) -> ImportedNumberChange:
        sms = self.sms()
        return ImportedNumberChange(
            display_name=self.display_name, callback_url=self.callback_url,
            service_plan_id=sms.service_plan_id if sms else None, campaign_id=sms.campaign_id if sms else None,
            phone_number=self.phone_number, project_id=self.project_id, region_code=self.region_code)


def filter_from(request: Request) -> ImportedNumberFilter:
    """The list's query parameters, as sent (the service checks them)."""
    return ImportedNumberFilter(
        service_plan_id=query_one(request, "servicePlanId"),
        campaign_id=query_one(request, "campaignId"),
        region_code=query_one(request, "regionCode"),
        pattern=query_one(request, "numberPattern.pattern"),
        search_pattern=query_one(request, "numberPattern.searchPattern"),
    )


# --- handlers -------------------------------------------------------------------------------------
async def import_number(request: Request) -> JSONResponse:
    wanted = parse_body(ImportedNumberBody, await json_object(request)).import_request()
    check_destination(request, wanted.callback_url)
    world = world_of(request)
    with world.transaction():
        number = world.imported_numbers.import_number(request.path_params["projectId"], wanted)
        return json_response(imported_number_json(number))


async def get_imported_number(request: Request) -> JSONResponse:
    world = world_of(request)
    with world.transaction():
        number = world.imported_numbers.get(request.path_params["projectId"], request.path_params["phoneNumber"])
        return json_response(imported_number_response_json(number))


async def update_imported_number(request: Request) -> JSONResponse:
    change = parse_body(ImportedNumberBody, await json_object(request)).change()
    check_destination(request, change.callback_url)
    world = world_of(request)
    with world.transaction():
        number = world.imported_numbers.update(request.path_params["projectId"], request.path_params["phoneNumber"],
                                               change)
        return json_response(imported_number_json(number))


async def delete_imported_number(request: Request) -> Response:
    world = world_of(request)
    with world.transaction():
        world.imported_numbers.delete(request.path_params["projectId"], request.path_params["phoneNumber"])
    return empty_response()


async def list_imported_numbers(request: Request) -> JSONResponse:
    where = filter_from(request)
    paging = list_params(request)
    world = world_of(request)
    with world.transaction():
        page = world.imported_numbers.list_numbers(request.path_params["projectId"], where,
                                                   order_by=paging.order_by, page_size=paging.page_size,
                                                   page_token=paging.page_token)
        return json_response(page_json("importedNumbers", page, imported_number_response_json))


_BASE = f"{PROJECT_PATH}/importedNumbers"

routes: list[BaseRoute] = [
    Route(_BASE, list_imported_numbers, methods=["GET"]),
    Route(_BASE, import_number, methods=["POST"]),
    Route(f"{_BASE}/{PHONE}", get_imported_number, methods=["GET"]),
    Route(f"{_BASE}/{PHONE}", update_imported_number, methods=["PATCH"]),
    Route(f"{_BASE}/{PHONE}", delete_imported_number, methods=["DELETE"]),
]
