"""Small helpers every route module uses."""

from __future__ import annotations

import re
from typing import Any, Mapping

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import compile_path

from mock_server.core.errors import field_error
from mock_server.core.jsontext import answer_json
from mock_server.delivery.destinations import OWN_ADDRESS_MESSAGE, OwnAddress
from mock_server.domain.world import World


PROJECT_PATH = "/v1/projects/{projectId}"
"""Where every API route starts; `project_in_path` reads the project id with the same pattern."""
_PROJECT_IN_PATH = re.compile(compile_path(PROJECT_PATH)[0].pattern.removesuffix("$"))


def project_in_path(path: str) -> str | None:
    """The project id of an API path, exactly as the routes read it (`{projectId}`: the whole
    segment of the decoded path, `alpha:beta` included)."""
    match = _PROJECT_IN_PATH.match(path)
    return match.group("projectId") if match else None


def world_of(request: Request) -> World:
    return request.scope["app"].world  # the app is http.app.MockApplication


class JsonAnswer(JSONResponse):
    """Starlette's `JSONResponse`, the same text and headers, rendered by `answer_json` (orjson)
    instead of a `json.dumps` call that builds a new encoder for every answer; an answer with
    no headers of its own gets its two (length and type) without Starlette's general checks."""

    def __init__(self, content: Any, status_code: int = 200, headers: Mapping[str, str] | None = None) -> None:
        if headers is not None or status_code < 200 or status_code in (204, 304):
            super().__init__(content, status_code, headers)
            return
        self.status_code = status_code
        self.background = None
        self.body = body = answer_json(content)
        self.raw_headers = [(b"content-length", b"%d" % len(body)), (b"content-type", b"application/json")]

    def render(self, content: Any) -> bytes:
        return answer_json(content)


def json_response(body: Any, status_code: int = 200) -> JSONResponse:
    return JsonAnswer(body, status_code=status_code)


def empty_response() -> Response:
    """The spec's `200` with `content: {}` for deletes."""
    return Response(status_code=200)


def check_destination(request: Request, callback_url: str | None, field_name: str = "callbackUrl") -> None:
    """Refuse (400) a callback URL that would make the mock call itself: its listening address,
    or the host and port this request reached it as (docs/callbacks.md)."""
    if not callback_url:
        return
    own: OwnAddress = request.app.state.own_address
    served_as = []
    try:  # the Host header, as the client wrote it (a malformed one names nothing)
        served_as.append((request.url.hostname or "", request.url.port or (443 if request.url.scheme == "https" else 80)))
    except ValueError:
        pass
    server = request.scope.get("server")
    if server and server[1] is not None:
        served_as.append((str(server[0]), int(server[1])))
    if own.refuses(callback_url, served_as):
        raise field_error(field_name, OWN_ADDRESS_MESSAGE)
