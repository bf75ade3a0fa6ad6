"""Small helpers every route module uses."""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from mock_server.domain.world import World


def world_of(request: Request) -> World:
    return request.app.state.world


def json_response(body: Any, status_code: int = 200) -> JSONResponse:
    return JSONResponse(body, status_code=status_code)


def empty_response() -> Response:
    """The spec's `200` with `content: {}` for deletes."""
    return Response(status_code=200)
