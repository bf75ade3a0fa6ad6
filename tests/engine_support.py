"""Moving a domain world through time the way production does: through the engine.

Every due job runs at its due time and every delivery attempt due on the way is made (to a
placeholder receiver such as example.com an attempt fails at once, without network traffic).
Each world keeps one engine, on one event loop for all, as a running mock does.
"""

from __future__ import annotations

import asyncio
from datetime import datetime
from typing import Awaitable, Callable

from mock_server.domain.world import World
from mock_server.engine import Engine

_loop: asyncio.AbstractEventLoop | None = None


def _engine(world: World) -> tuple[Engine, asyncio.AbstractEventLoop]:
    """The world's engine (made on first use, kept on the world) and the loop all engines run on."""
    global _loop
    if _loop is None:
        _loop = asyncio.new_event_loop()
    engine = world.__dict__.get("_test_engine")
    if engine is None:
        engine = world.__dict__["_test_engine"] = Engine(world)
        _loop.run_until_complete(engine.start(background=False))
    return engine, _loop


def _run(world: World, move: Callable[[Engine], Awaitable[datetime]]) -> datetime:
    engine, loop = _engine(world)
    return loop.run_until_complete(move(engine))


def advance(world: World, seconds: float) -> datetime:
    """Move the clock `seconds` forward (POST /_mock/clock:advance)."""
    return _run(world, lambda engine: engine.advance(seconds))


def move_to(world: World, instant: datetime) -> datetime:
    """Move the clock forward to `instant` (POST /_mock/clock:set)."""
    return _run(world, lambda engine: engine.move_to(instant))
