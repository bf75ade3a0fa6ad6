"""HTTP routes of the Qualified Numbers tag, and their control-plane helpers.

The two text-enable operations of the tag live with hosting orders (`hosting_orders.py`)."""

from __future__ import annotations

from typing import Callable

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import BaseRoute, Route

from mock_server.core.paging import page_size_from
from mock_server.domain.qualified_numbers.model import QualifiedNumber
from mock_server.domain.qualified_numbers.requests import AddNumbersRequest, ListNumbersRequest
from mock_server.domain.qualified_numbers.service import QualifiedNumberService
from mock_server.http.bodies import RequestModel, json_object, parse_body, query_many, query_one
from mock_server.http.common import PROJECT_PATH, empty_response, json_response, world_of
from mock_server.http.convertors import PHONE
from mock_server.serializers.common import page_json
from mock_server.serializers.qualified_numbers import qualified_number_json, voice_challenge_json

V1 = f"{PROJECT_PATH}/qualifiedNumbers"
MOCK = "/_mock/projects/{projectId}/qualifiedNumbers"


# --- requests -------------------------------------------------------------------------------------
class AddNumbersBody(RequestModel):
    """`BatchCreateQualifiedNumbersRequest`."""

    phone_numbers: list[str]


class VerifyVoiceChallengeBody(RequestModel):
    code: str


def list_request_from(request: Request) -> ListNumbersRequest:
    """`GET qualifiedNumbers`'s query: `states`, `regionCode` and `orderBy` as sent (the service
    checks them together)."""
    return ListNumbersRequest(states=tuple(query_many(request, "states")), region_code=query_one(request, "regionCode"),
                              order_by=query_one(request, "orderBy"),
                              page_size=page_size_from(query_one(request, "pageSize")),
                              page_token=query_one(request, "pageToken"))


def _target(request: Request) -> tuple[str, str]:
    """The project id and the phone number named by the path."""
    return request.path_params["projectId"], request.path_params["phoneNumber"]


NumberOperation = Callable[[QualifiedNumberService, str, str], QualifiedNumber]


def _number_answer(request: Request, operation: NumberOperation) -> JSONResponse:
    """Run `operation` on the number the path names and answer the `QualifiedNumber`."""
    project_id, phone = _target(request)
    world = world_of(request)
    with world.transaction():
        body = qualified_number_json(operation(world.qualified_numbers, project_id, phone))
    return json_response(body)


# --- public operations ---------------------------------------------------------------------------
async def list_numbers(request: Request) -> JSONResponse:
    wanted = list_request_from(request)
    world = world_of(request)
    with world.transaction():
        page = world.qualified_numbers.list_numbers(request.path_params["projectId"], wanted)
        body = page_json("qualifiedNumbers", page, qualified_number_json)
    return json_response(body)


async def get_number(request: Request) -> JSONResponse:
    return _number_answer(request, QualifiedNumberService.get)


async def delete_number(request: Request) -> Response:
    project_id, phone = _target(request)
    world = world_of(request)
    with world.transaction():
        world.qualified_numbers.delete(project_id, phone)
    return empty_response()


async def add_numbers(request: Request) -> JSONResponse:
    body = parse_body(AddNumbersBody, await json_object(request))
    wanted = AddNumbersRequest(phone_numbers=body.phone_numbers)
    world = world_of(request)
    with world.transaction():
        created = world.qualified_numbers.add_numbers(request.path_params["projectId"], wanted)
        answer = {"qualifiedNumbers": [qualified_number_json(n) for n in created]}
    return json_response(answer)


async def send_voice_challenge(request: Request) -> JSONResponse:
    await json_object(request, required=False)  # the operation has no body; a bad one is still refused
    return _number_answer(request, QualifiedNumberService.send_voice_challenge)


async def verify_voice_challenge(request: Request) -> JSONResponse:
    code = parse_body(VerifyVoiceChallengeBody, await json_object(request)).code
    return _number_answer(request, lambda service, project_id, phone:
                          service.verify_voice_challenge(project_id, phone, code))


# --- control plane --------------------------------------------------------------------------------
async def get_voice_challenge(request: Request) -> JSONResponse:
    project_id, phone = _target(request)
    world = world_of(request)
    with world.transaction():
        body = voice_challenge_json(world.qualified_numbers.voice_challenge(project_id, phone))
    return json_response(body)


async def approve_invoices(request: Request) -> JSONResponse:
    return _number_answer(request, QualifiedNumberService.approve_invoices)


async def reject_invoices(request: Request) -> JSONResponse:
    return _number_answer(request, QualifiedNumberService.reject_invoices)


routes: list[BaseRoute] = [
    Route(f"{V1}:addNumbers", add_numbers, methods=["POST"]),
    Route(f"{V1}/{PHONE}:sendVoiceChallenge", send_voice_challenge, methods=["POST"]),
    Route(f"{V1}/{PHONE}:verifyVoiceChallenge", verify_voice_challenge, methods=["POST"]),
    Route(V1, list_numbers, methods=["GET"]),
    Route(f"{V1}/{PHONE}", get_number, methods=["GET"]),
    Route(f"{V1}/{PHONE}", delete_number, methods=["DELETE"]),
]

control_routes: list[BaseRoute] = [
    Route(f"{MOCK}/{PHONE}:approveInvoices", approve_invoices, methods=["POST"]),
    Route(f"{MOCK}/{PHONE}:rejectInvoices", reject_invoices, methods=["POST"]),
    Route(f"{MOCK}/{PHONE}/voiceChallenge", get_voice_challenge, methods=["GET"]),
]
