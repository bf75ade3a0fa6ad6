"""HTTP routes of the Imported Numbers tag."""

from __future__ import annotations

import re
from typing import Callable, TypeVar

from pydantic import StrictBool
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import BaseRoute, Route

from mock_server.core.errors import ApiError, FieldViolation, field_error, invalid_argument
from mock_server.core.phone import check_region_code, number_in_region
from mock_server.core.timefmt import rfc3339
from mock_server.delivery.destinations import callback_url_problem
from mock_server.domain.imported_numbers.model import ImportedNumber
from mock_server.domain.service_plans import blank_plan, is_blank
from mock_server.domain.imported_numbers.service import (
    ImportedNumberChange,
    ImportedNumberFilter,
    NewImportedNumber,
)
from mock_server.http.bodies import (
    RequestModel,
    json_object,
    list_params,
    parse_body,
    query_one,
)
from mock_server.http.convertors import PHONE
from mock_server.http.common import check_destination, empty_response, json_response, world_of
from mock_server.serializers.common import carrier_json, page_json, provisioning_json

T = TypeVar("T")
SEARCH_PATTERNS = ("START", "CONTAIN", "END")
_PATTERN = re.compile(r"\+?[0-9]{1,11}")  # ASCII digits only: str.isdigit() takes "٣" too
MAX_DISPLAY_NAME = 256


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


# --- serialization ------------------------------------------------------------------------------
def imported_number_json(number: ImportedNumber) -> dict:
    """`ImportedNumber`: what POST and PATCH answer."""
    sms: dict = {
        "servicePlanId": number.service_plan_id,
        "campaignId": number.campaign_id,
        "migrateToSinchTmo": number.migrate_to_sinch_tmo,
    }
    pending = number.scheduled_provisioning
    if pending is not None:
        sms["scheduledProvisioning"] = {
            "servicePlanId": pending.service_plan_id,
            "campaignId": pending.campaign_id,
            "status": pending.status,
            "lastUpdatedTime": rfc3339(pending.last_updated_time),
            "errorCodes": list(pending.error_codes),
        }
    return {
        "phoneNumber": number.phone_number,
        "projectId": number.project_id,
        "regionCode": number.region_code,
        "displayName": number.display_name,
        "smsConfiguration": sms,
        "callbackUrl": number.callback_url,
    }


def imported_number_response_json(number: ImportedNumber) -> dict:
    """`ImportedNumberResponse`: the number with its provisioning and carrier details."""
    body = imported_number_json(number)
    if number.mno:
        body["mnoConfiguration"] = {name: carrier_json(c) for name, c in number.mno.items()}
    if number.sms_provisioning is not None:
        body["smsProvisioning"] = provisioning_json(number.sms_provisioning)
    if number.campaign_provisioning is not None:
        body["campaignProvisioning"] = provisioning_json(number.campaign_provisioning)
    return body


# --- request checks -------------------------------------------------------------------------------
def _callback_url(value: str | None) -> str | None:
    problem = callback_url_problem(value) if value else None
    if problem:
        raise field_error("callbackUrl", problem)
    return value


def _display_name(value: str | None) -> str | None:
    if value is not None and len(value) > MAX_DISPLAY_NAME:
        raise field_error("displayName", f"must be at most {MAX_DISPLAY_NAME} characters")
    return value


def new_number_from(body: ImportedNumberBody) -> NewImportedNumber:
    """Every check of an import request, all violations reported at once."""
    violations: list[FieldViolation] = []

    def checked(check: Callable[..., T], *args: object) -> T | None:
        try:
            return check(*args)
        except ApiError as error:  # keep collecting: every violation is reported at once
            violations.extend(error.violations)
            return None

    sms = body.sms_configuration
    region = checked(check_region_code, body.region_code)
    phone = checked(number_in_region, body.phone_number, region or "US")
    if sms is None:
        violations.append(FieldViolation("smsConfiguration", "is required"))
    elif is_blank(sms.service_plan_id):
        violations.extend(blank_plan("smsConfiguration.servicePlanId").violations)
    checked(_callback_url, body.callback_url)
    checked(_display_name, body.display_name)
    if violations:
        names = ", ".join(dict.fromkeys(v.field for v in violations))
        raise invalid_argument(f"Invalid import request: {names}", *violations)
    assert region is not None and phone is not None and sms is not None and sms.service_plan_id
    return NewImportedNumber(
        phone_number=phone.e164,
        region_code=region,
        service_plan_id=sms.service_plan_id,
        campaign_id=sms.campaign_id or "",
        display_name=body.display_name or "",
        callback_url=body.callback_url or "",
        toll_free=phone.toll_free,
    )


def change_from(body: ImportedNumberBody, number: ImportedNumber) -> ImportedNumberChange:
    for name, given, current in (("phoneNumber", body.phone_number, number.phone_number),
                                 ("projectId", body.project_id, number.project_id),
                                 ("regionCode", body.region_code, number.region_code)):
        if given is not None and given != current:
            raise field_error(name, "cannot be changed", f"{name} of an imported number cannot be changed")
    sms = body.sms_configuration
    return ImportedNumberChange(
        display_name=_display_name(body.display_name),
        callback_url=_callback_url(body.callback_url),
        service_plan_id=sms.service_plan_id if sms else None,
        campaign_id=sms.campaign_id if sms else None,
    )


# --- handlers -------------------------------------------------------------------------------------
async def import_number(request: Request) -> JSONResponse:
    project_id = request.path_params["projectId"]
    new = new_number_from(parse_body(ImportedNumberBody, await json_object(request)))
    check_destination(request, new.callback_url)
    world = world_of(request)
    with world.transaction():
        number = world.imported_numbers.import_number(project_id, new)
        return json_response(imported_number_json(number))


async def get_imported_number(request: Request) -> JSONResponse:
    phone = request.path_params["phoneNumber"]
    world = world_of(request)
    with world.transaction():
        number = world.imported_numbers.get(request.path_params["projectId"], phone)
        return json_response(imported_number_response_json(number))


async def update_imported_number(request: Request) -> JSONResponse:
    project_id = request.path_params["projectId"]
    phone = request.path_params["phoneNumber"]
    body = parse_body(ImportedNumberBody, await json_object(request))
    check_destination(request, body.callback_url)
    world = world_of(request)
    with world.transaction():
        current = world.imported_numbers.get(project_id, phone)
        number = world.imported_numbers.update(project_id, phone, change_from(body, current))
        return json_response(imported_number_json(number))


async def delete_imported_number(request: Request) -> Response:
    phone = request.path_params["phoneNumber"]
    world = world_of(request)
    with world.transaction():
        world.imported_numbers.delete(request.path_params["projectId"], phone)
    return empty_response()


def filter_from(request: Request) -> ImportedNumberFilter:
    """The list's filters. `servicePlanId` and `campaignId` are optional (E-IMP-4): absent, no
    filter; empty, numbers without one."""
    plan = query_one(request, "servicePlanId")
    campaign = query_one(request, "campaignId")
    region = query_one(request, "regionCode")
    if region:
        check_region_code(region)
    pattern = query_one(request, "numberPattern.pattern")
    search = query_one(request, "numberPattern.searchPattern")
    search = "CONTAIN" if search is None else search
    if search not in SEARCH_PATTERNS:
        raise field_error("numberPattern.searchPattern", f"must be one of {', '.join(SEARCH_PATTERNS)}")
    if pattern:
        if not _PATTERN.fullmatch(pattern):
            raise field_error("numberPattern.pattern", "must be up to 11 digits 0-9, after a + with START")
        if search == "START" and not pattern.startswith("+"):
            raise field_error("numberPattern.pattern",
                              "must begin with + (URL-encoded %2B) with searchPattern START, e.g. %2B1206")
        if search != "START" and pattern.startswith("+"):
            raise field_error("numberPattern.pattern", "may begin with + only with searchPattern START")
    return ImportedNumberFilter(plan, campaign, region or None, pattern or None, search)


async def list_imported_numbers(request: Request) -> JSONResponse:
    project_id = request.path_params["projectId"]
    where = filter_from(request)
    paging = list_params(request)
    order_by = paging.order_by
    filters = {"where": where.__dict__, "orderBy": order_by}
    world = world_of(request)
    with world.transaction():
        page = world.imported_numbers.list_numbers(project_id, where, order_by=order_by, page_size=paging.page_size,
                                                   page_token=paging.page_token, filters=filters)
        body = page_json("importedNumbers", page, imported_number_response_json)
    return json_response(body)


_BASE = "/v1/projects/{projectId}/importedNumbers"

routes: list[BaseRoute] = [
    Route(_BASE, list_imported_numbers, methods=["GET"]),
    Route(_BASE, import_number, methods=["POST"]),
    Route(f"{_BASE}/{PHONE}", get_imported_number, methods=["GET"]),
    Route(f"{_BASE}/{PHONE}", update_imported_number, methods=["PATCH"]),
    Route(f"{_BASE}/{PHONE}", delete_imported_number, methods=["DELETE"]),
]
control_routes: list[BaseRoute] = []
