"""Small helpers every route module uses."""

from __future__ import annotations

import re
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from mock_server.domain.world import World


_PROJECT_IN_PATH = re.compile(r"^/v1/projects/([^/]+)")


def project_in_path(path: str) -> str | None:
    """The project id of an API path, exactly as the routes read it (`{projectId}`: the whole
    segment of the decoded path, `alpha:beta` included)."""
    match = _PROJECT_IN_PATH.match(path)
    return match.group(1) if match else None


def world_of(request: Request) -> World:
    return request.app.state.world


def json_response(body: Any, status_code: int = 200) -> JSONResponse:
    return JSONResponse(body, status_code=status_code)


def empty_response() -> Response:
    """The spec's `200` with `content: {}` for deletes."""
    return Response(status_code=200)
