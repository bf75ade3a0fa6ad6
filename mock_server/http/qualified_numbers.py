"""HTTP routes of the Qualified Numbers tag, and their control-plane helpers.

The two text-enable operations of the tag live with hosting orders (`hosting_orders.py`)."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import BaseRoute, Route

from mock_server.http.convertors import PHONE
from mock_server.core.timefmt import rfc3339
from mock_server.domain.qualified_numbers.model import QualifiedNumber, VoiceChallenge
from mock_server.http.bodies import RequestModel, json_object, list_params, parse_body, query_many, query_one
from mock_server.serializers.common import page_json
from mock_server.http.common import PROJECT_PATH, empty_response, json_response, world_of

V1 = f"{PROJECT_PATH}/qualifiedNumbers"
MOCK = "/_mock/projects/{projectId}/qualifiedNumbers"


class VerifyVoiceChallengeBody(RequestModel):
    code: str


def qualified_number_json(number: QualifiedNumber) -> dict:
    """The spec's `QualifiedNumber`, every field present."""
    return {
        "phoneNumber": number.phone_number,
        "projectId": number.project_id,
        "regionCode": number.region_code,
        "globalProcessState": number.state.value,
        "osrEligibility": {"status": number.osr_eligibility.status.value, "error": number.osr_eligibility.error},
        "ownershipVerification": {"status": number.ownership_verification.status.value,
                                  "error": number.ownership_verification.error},
        "hostedNumber": {"status": number.hosted_number.status, "error": number.hosted_number.error},
        "createdTime": rfc3339(number.created_time),
        "updatedTime": rfc3339(number.updated_time),
    }


def voice_challenge_json(challenge: VoiceChallenge) -> dict:
    return {"code": challenge.code, "expiresAt": rfc3339(challenge.expires_at),
            "attemptsLeft": challenge.attempts_left, "sentAt": rfc3339(challenge.sent_at)}


def _target(request: Request) -> tuple[str, str]:
    """The project id and the phone number named by the path."""
    return request.path_params["projectId"], request.path_params["phoneNumber"]


# --- public operations ---------------------------------------------------------------------------
async def list_numbers(request: Request) -> JSONResponse:
    project_id = request.path_params["projectId"]
    states = query_many(request, "states")
    region_code = query_one(request, "regionCode")
    paging = list_params(request)
    world = world_of(request)
    with world.transaction():
        page = world.qualified_numbers.list_numbers(project_id, states, region_code=region_code,
                                                    order_by=paging.order_by, page_size=paging.page_size,
                                                    page_token=paging.page_token)
        body = page_json("qualifiedNumbers", page, qualified_number_json)
    return json_response(body)


async def get_number(request: Request) -> JSONResponse:
    project_id, phone = _target(request)
    world = world_of(request)
    with world.transaction():
        body = qualified_number_json(world.qualified_numbers.get(project_id, phone))
    return json_response(body)


async def delete_number(request: Request) -> Response:
    project_id, phone = _target(request)
    world = world_of(request)
    with world.transaction():
        world.qualified_numbers.delete(project_id, phone)
    return empty_response()


async def add_numbers(request: Request) -> JSONResponse:
    project_id = request.path_params["projectId"]
    data = await json_object(request)
    world = world_of(request)
    with world.transaction():
        created = world.qualified_numbers.add_numbers(project_id, data.get("phoneNumbers"))
        body = {"qualifiedNumbers": [qualified_number_json(n) for n in created]}
    return json_response(body)


async def send_voice_challenge(request: Request) -> JSONResponse:
    project_id, phone = _target(request)
    await json_object(request, required=False)  # the operation has no body; a bad one is still refused
    world = world_of(request)
    with world.transaction():
        body = qualified_number_json(world.qualified_numbers.send_voice_challenge(project_id, phone))
    return json_response(body)


async def verify_voice_challenge(request: Request) -> JSONResponse:
    project_id, phone = _target(request)
    code = parse_body(VerifyVoiceChallengeBody, await json_object(request)).code
    world = world_of(request)
    with world.transaction():
        body = qualified_number_json(world.qualified_numbers.verify_voice_challenge(project_id, phone, code))
    return json_response(body)


# --- control plane --------------------------------------------------------------------------------
async def get_voice_challenge(request: Request) -> JSONResponse:
    project_id, phone = _target(request)
    world = world_of(request)
    with world.transaction():
        body = voice_challenge_json(world.qualified_numbers.voice_challenge(project_id, phone))
    return json_response(body)


async def approve_invoices(request: Request) -> JSONResponse:
    project_id, phone = _target(request)
    world = world_of(request)
    with world.transaction():
        body = qualified_number_json(world.qualified_numbers.approve_invoices(project_id, phone))
    return json_response(body)


async def reject_invoices(request: Request) -> JSONResponse:
    project_id, phone = _target(request)
    world = world_of(request)
    with world.transaction():
        body = qualified_number_json(world.qualified_numbers.reject_invoices(project_id, phone))
    return json_response(body)


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
