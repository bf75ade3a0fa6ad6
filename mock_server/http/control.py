"""The control plane's core: health, reset, the clock and the request journal."""

from __future__ import annotations

import math

from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from mock_server.core.clock import ClockError
from mock_server.core.errors import field_error, invalid_argument
from mock_server.core.timefmt import parse_rfc3339, rfc3339
from mock_server.domain.world import JOURNAL_LIMIT
from mock_server.http.bodies import json_object
from mock_server.http.common import json_response, world_of
from mock_server.http.journal import JournalQuery
from mock_server.http.gate import heavy


def clock_body(request: Request) -> dict:
    clock = world_of(request).clock
    return {"now": rfc3339(clock.now()), "frozen": clock.frozen}


async def health(request: Request) -> JSONResponse:
    return json_response({"status": "ok"})


async def reset(request: Request) -> JSONResponse:
    await heavy(request, world_of(request).reset)  # re-applies start-up scenarios: may be large
    return json_response({"status": "reset"})


async def get_clock(request: Request) -> JSONResponse:
    return json_response(clock_body(request))


async def advance_clock(request: Request) -> JSONResponse:
    data = await json_object(request)
    seconds = data.get("seconds")
    if seconds is None:
        raise field_error("seconds", "is required: a number of seconds, zero or more")
    if isinstance(seconds, bool) or not isinstance(seconds, (int, float)) or not math.isfinite(seconds) \
            or seconds < 0:
        raise field_error("seconds", "must be a number of seconds, zero or more")
    try:
        await request.app.state.engine.advance(float(seconds))
    except ClockError as error:
        raise field_error("seconds", str(error)) from None
    return json_response(clock_body(request))


async def set_clock(request: Request) -> JSONResponse:
    data = await json_object(request)
    if data.get("now") is None:
        raise field_error("now", "is required: an RFC 3339 date-time, e.g. 2026-01-01T00:00:00Z")
    try:
        instant = parse_rfc3339(data["now"])
    except (TypeError, ValueError) as error:
        raise field_error("now", f"must be an RFC 3339 date-time, e.g. 2026-01-01T00:00:00Z ({error})") from None
    try:
        await request.app.state.engine.move_to(instant)
    except ClockError as error:
        raise invalid_argument(str(error)) from None
    return json_response(clock_body(request))


async def freeze_clock(request: Request) -> JSONResponse:
    world = world_of(request)
    with world.lock:
        world.clock.freeze()
    return json_response(clock_body(request))


async def resume_clock(request: Request) -> JSONResponse:
    world = world_of(request)
    with world.lock:
        world.clock.resume()
    return json_response(clock_body(request))


def _journal_entries(request: Request) -> tuple[list[dict], int]:
    query = JournalQuery.parse(request.query_params)
    world = world_of(request)
    with world.lock:
        return query.select(world.journal), world.journal_dropped


async def list_requests(request: Request) -> JSONResponse:
    entries, dropped = _journal_entries(request)
    return json_response({"requests": entries, "dropped": dropped, "limit": JOURNAL_LIMIT})


async def count_requests(request: Request) -> JSONResponse:
    return json_response({"count": len(_journal_entries(request)[0])})


async def clear_requests(request: Request) -> JSONResponse:
    world = world_of(request)
    with world.lock:
        cleared = len(world.journal)
        world.journal.clear()
        world.journal_dropped = 0
    return json_response({"status": "cleared", "cleared": cleared})


routes = [
    Route("/_mock/health", health, methods=["GET"]),
    Route("/_mock/reset", reset, methods=["POST"]),
    Route("/_mock/clock", get_clock, methods=["GET"]),
    Route("/_mock/clock:advance", advance_clock, methods=["POST"]),
    Route("/_mock/clock:set", set_clock, methods=["POST"]),
    Route("/_mock/clock:freeze", freeze_clock, methods=["POST"]),
    Route("/_mock/clock:resume", resume_clock, methods=["POST"]),
    Route("/_mock/requests", list_requests, methods=["GET"]),
    Route("/_mock/requests", clear_requests, methods=["DELETE"]),
    Route("/_mock/requests:count", count_requests, methods=["GET"]),
]
