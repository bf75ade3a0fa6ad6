"""The one place where errors become responses.

Most of the API answers errors as the spec's `ErrorResponse` (`code` is a string); the
callback-configuration resource answers `{"error": {...}}` with an integer code, as the spec
says for it (docs/errata.md, E-CB-1).
"""

from __future__ import annotations

import logging

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import JSONResponse

from mock_server.core.errors import ApiError

log = logging.getLogger("sinch_mock.http")

_STATUS_NAMES = {
    400: "INVALID_ARGUMENT",
    401: "UNAUTHENTICATED",
    403: "PERMISSION_DENIED",
    404: "NOT_FOUND",
    405: "UNIMPLEMENTED",
    409: "ALREADY_EXISTS",
    413: "INVALID_ARGUMENT",
    415: "INVALID_ARGUMENT",
    429: "RESOURCE_EXHAUSTED",
    500: "INTERNAL",
    503: "UNAVAILABLE",
}


def uses_wrapped_errors(path: str) -> bool:
    return path.rstrip("/").endswith("/callbackConfiguration")


def error_body(error: ApiError, wrapped: bool = False) -> dict:
    details = []
    if error.violations:
        details.append({
            "type": "BadRequest",
            "fieldViolations": [{"field": v.field, "description": v.description} for v in error.violations],
        })
    if wrapped:
        return {"error": {"code": error.http_status, "message": error.message,
                          "status": error.status, "details": details}}
    body: dict = {"code": str(error.http_status), "message": error.message, "status": error.status}
    if details:
        body["details"] = details
    return body


def error_response(error: ApiError, path: str = "") -> JSONResponse:
    return JSONResponse(error_body(error, uses_wrapped_errors(path)), status_code=error.http_status,
                        headers=error.headers or None)


async def on_api_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, ApiError)
    return error_response(exc, request.url.path)


async def on_http_exception(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, HTTPException)
    messages = {404: f"No such resource: {request.method} {request.url.path}",
                405: f"Method {request.method} is not allowed on {request.url.path}"}
    message = messages.get(exc.status_code, str(exc.detail))
    error = ApiError(exc.status_code, _STATUS_NAMES.get(exc.status_code, "UNKNOWN"), message)
    response = error_response(error, request.url.path)
    if exc.headers:
        response.headers.update(exc.headers)
    return response


async def on_unexpected(request: Request, exc: Exception) -> JSONResponse:
    log.exception("unexpected error on %s %s", request.method, request.url.path)
    return error_response(ApiError(500, "INTERNAL", f"Internal error in the mock: {type(exc).__name__}"),
                          request.url.path)


EXCEPTION_HANDLERS = {
    ApiError: on_api_error,
    HTTPException: on_http_exception,
    Exception: on_unexpected,
}
