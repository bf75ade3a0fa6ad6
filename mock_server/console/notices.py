"""Change notices for the console: a revision that moves whenever the mock's state may have.

Three sources, all counters the mock keeps anyway: every write request that went through the
app (an API or control-plane call other than GET/HEAD/OPTIONS), every timed job the scheduler
ran (also those the real-time worker runs while the clock flows), and every callback event
recorded or delivery attempt noted. Reading them costs nothing, so the stream polls them.
"""

from __future__ import annotations

from starlette.types import ASGIApp, Receive, Scope, Send

from mock_server.domain.world import World

READ_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


class ChangeNotices:
    def __init__(self, world: World) -> None:
        self.world = world
        self.writes = 0

    def revision(self) -> tuple[int, int, int, int]:
        world = self.world
        return (self.writes, world.scheduler.runs, world.events.changes, world.events.generation)


class WriteNoticeMiddleware:
    """Counts finished write requests to the API and the control plane."""

    def __init__(self, app: ASGIApp, notices: ChangeNotices) -> None:
        self.app = app
        self.notices = notices

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] in READ_METHODS:
            await self.app(scope, receive, send)
            return
        try:
            await self.app(scope, receive, send)
        finally:
            self.notices.writes += 1
