"""The request journal behind `GET /_mock/requests`: every API call with its outcome."""

from __future__ import annotations

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from mock_server.core.timefmt import rfc3339
from mock_server.domain.world import World
from mock_server.http.common import project_in_path

FAULT_SCOPE_KEY = "sinch_mock.fault"  # set by the fault middleware (http/faults.py) on an injected fault


class JournalMiddleware:
    def __init__(self, app: ASGIApp, world: World) -> None:
        self.app = app
        self.world = world

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        path = scope.get("path", "")
        if scope["type"] != "http" or not (path.startswith("/v1/") or path.startswith("/oauth2/")):
            await self.app(scope, receive, send)
            return
        status = {"code": 500}

        async def record_status(message: Message) -> None:
            if message["type"] == "http.response.start":
                status["code"] = message["status"]
            await send(message)

        try:
            await self.app(scope, receive, record_status)
        finally:
            entry = {
                "method": scope["method"],
                "path": path,
                "query": scope.get("query_string", b"").decode("latin-1"),
                "status": status["code"],
                "time": rfc3339(self.world.clock.now()),
                "projectId": project_in_path(path),
            }
            fault = scope.get(FAULT_SCOPE_KEY)
            if fault is not None:
                entry["fault"] = fault
                if fault["action"] == "close":
                    entry["status"] = None  # no answer was given
            self.world.record_request(entry)
