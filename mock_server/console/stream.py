"""`GET /_mock/ui/stream`: Server-Sent Events telling the console that the state changed.

Each message is `event: change` with the clock and an opaque revision; the page then reads what
it shows again. The stream polls the change notices (`notices.py`) every POLL_SECONDS, sends a
comment every HEARTBEAT_SECONDS so dead connections are noticed, and ends after
STREAM_SECONDS (the page reconnects at once), so no connection is held forever. When the
process begins to stop (the engine's `stopping` flag), every stream ends within a poll, so a
stop never waits for an open console. At most
`--ui-max-streams` streams are open at a time; one more is refused with 429.
"""

from __future__ import annotations

import asyncio
import json
import time
from typing import AsyncIterator

from starlette.requests import Request
from starlette.responses import StreamingResponse
from starlette.routing import Route
from starlette.types import Receive, Scope, Send

from mock_server.core.errors import resource_exhausted
from mock_server.http.control import clock_body

POLL_SECONDS = 0.2
HEARTBEAT_SECONDS = 15.0
STREAM_SECONDS = 300.0


class StreamGate:
    """Counts the open streams; refuses one more than `limit`."""

    def __init__(self, limit: int) -> None:
        self.limit = limit
        self.open = 0

    def enter(self) -> None:
        if self.open >= self.limit:
            raise resource_exhausted(
                f"Too many console streams are open (at most {self.limit}, set by --ui-max-streams); "
                "close a console tab and try again", retry_after_seconds=5)
        self.open += 1

    def leave(self) -> None:
        self.open -= 1


def _message(request: Request, revision: tuple) -> str:
    data = {"revision": ".".join(map(str, revision)), "clock": clock_body(request)}
    return f"event: change\ndata: {json.dumps(data, separators=(',', ':'))}\n\n"


async def _events(request: Request) -> AsyncIterator[str]:
    notices = request.app.state.console_notices
    engine = request.app.state.engine
    last = notices.revision()
    yield "retry: 1000\n" + _message(request, last)
    started = beat = time.monotonic()
    while time.monotonic() - started < STREAM_SECONDS:
        await asyncio.sleep(POLL_SECONDS)
        if engine.stopping or await request.is_disconnected():
            return
        current = notices.revision()
        if current != last:
            last = current
            beat = time.monotonic()
            yield _message(request, current)
        elif time.monotonic() - beat >= HEARTBEAT_SECONDS:
            beat = time.monotonic()
            yield ": keep-alive\n\n"


class GatedStream(StreamingResponse):
    """A stream that gives its place back however it ends (done, disconnected, cancelled)."""

    def __init__(self, content: AsyncIterator[str], gate: StreamGate) -> None:
        super().__init__(content, media_type="text/event-stream",
                         headers={"Cache-Control": "no-store", "X-Accel-Buffering": "no"})
        self.gate = gate

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        try:
            await super().__call__(scope, receive, send)
        finally:
            self.gate.leave()


async def stream(request: Request) -> StreamingResponse:
    gate: StreamGate = request.app.state.console_streams
    gate.enter()
    return GatedStream(_events(request), gate)


routes = [Route("/_mock/ui/stream", stream, methods=["GET"])]
