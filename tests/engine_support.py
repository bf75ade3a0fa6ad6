"""Moving a domain world through time the way production does: through the engine.

Every due job runs at its due time and every delivery attempt due on the way is made (to a
placeholder receiver such as example.com an attempt fails at once, without network traffic).
"""

from __future__ import annotations

import asyncio
from datetime import datetime

from mock_server.domain.world import World
from mock_server.engine import Engine


def _run(world: World, move) -> datetime:
    async def main() -> datetime:
        engine = Engine(world)
        await engine.start(background=False)
        try:
            return await move(engine)
        finally:
            await engine.stop()

    return asyncio.run(main())


def advance(world: World, seconds: float) -> datetime:
    """Move the clock `seconds` forward (POST /_mock/clock:advance)."""
    return _run(world, lambda engine: engine.advance(seconds))


def move_to(world: World, instant: datetime) -> datetime:
    """Move the clock forward to `instant` (POST /_mock/clock:set)."""
    return _run(world, lambda engine: engine.move_to(instant))
