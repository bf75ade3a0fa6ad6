"""The request journal behind `GET /_mock/requests`: every API call with its outcome."""

from __future__ import annotations

import re
from urllib.parse import unquote

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from mock_server.core.timefmt import rfc3339
from mock_server.domain.world import World

_PROJECT_IN_PATH = re.compile(r"^/v1/projects/([^/:]+)")
JOURNAL_LIMIT = 10_000
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
            match = _PROJECT_IN_PATH.match(path)
            entry = {
                "method": scope["method"],
                "path": path,
                "query": scope.get("query_string", b"").decode("latin-1"),
                "status": status["code"],
                "time": rfc3339(self.world.clock.now()),
                "projectId": unquote(match.group(1)) if match else None,
            }
            fault = scope.get(FAULT_SCOPE_KEY)
            if fault is not None:
                entry["fault"] = fault
                if fault["action"] == "close":
                    entry["status"] = None  # no answer was given
            with self.world.lock:
                self.world.journal.append(entry)
                if len(self.world.journal) > JOURNAL_LIMIT:
                    del self.world.journal[: len(self.world.journal) - JOURNAL_LIMIT]
