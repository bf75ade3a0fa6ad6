"""Requests whose body length is ambiguous are refused at once.

A request carrying both `Content-Length` and `Transfer-Encoding` can be read two ways (RFC 9112
section 6.1 calls it a smuggling attempt); the mock answers 400 in the API's error shape before
reading any of the body, and closes the connection, since where the next request starts is unknown.
"""

from __future__ import annotations

from starlette.types import ASGIApp, Receive, Scope, Send

from mock_server.core.errors import invalid_argument
from mock_server.http.errors import error_response


class FramingMiddleware:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            length = coding = False
            for name, _ in scope["headers"]:  # names in lower case, as ASGI servers give them
                if name == b"content-length":
                    length = True
                elif name == b"transfer-encoding":
                    coding = True
            if length and coding:
                error = invalid_argument("The request has both Content-Length and Transfer-Encoding; send one")
                response = error_response(error, scope.get("path", ""))
                response.headers["Connection"] = "close"
                await response(scope, receive, send)
                return
        await self.app(scope, receive, send)
