"""Helpers for the delivery tests: a seeded world on a frozen clock, events, and running the engine."""

from __future__ import annotations

import asyncio
import threading
from contextlib import contextmanager
from datetime import datetime, timezone
from typing import Awaitable, Callable, Iterator, TypeVar

from mock_server.core.clock import Clock
from mock_server.core.rng import Rng
from mock_server.delivery.dispatcher import Dispatcher
from mock_server.domain.events import CallbackEvent, EventType, ResourceType
from mock_server.domain.world import World
from mock_server.engine import Engine
from mock_server.testing import CallbackReceiver

START = datetime(2026, 1, 5, 9, 0, 0, tzinfo=timezone.utc)
T = TypeVar("T")


def new_world(seed: int = 1234, **callbacks: object) -> World:
    world = World(clock=Clock(start=START, frozen=True), rng=Rng(seed))
    for name, value in callbacks.items():
        setattr(world.settings.callbacks, name, value)
    return world


def record(world: World, destination: str | None, count: int = 1, project: str = "p1",
           event_type: EventType = EventType.PROVISIONING_TO_SMS_PLATFORM) -> list[CallbackEvent]:
    return [world.events.record(project, ResourceType.IMPORTED_NUMBER, event_type, f"+1202555{i:04d}",
                                destination=destination) for i in range(count)]


def run(world: World, scenario: Callable[[Engine], Awaitable[T]], *, head_of_line: float = 1.0) -> T:
    """Run `scenario(engine)` in a fresh event loop with a started (no background worker) engine."""

    async def main() -> T:
        engine = Engine(world, Dispatcher(world, head_of_line_seconds=head_of_line))
        await engine.start(background=False)
        try:
            return await scenario(engine)
        finally:
            await engine.stop()

    return asyncio.run(main())


def advance(world: World, seconds: float, **kw: object) -> None:
    async def scenario(engine: Engine) -> None:
        await engine.advance(seconds)

    run(world, scenario, **kw)  # type: ignore[arg-type]


def seconds_after_start(instant: datetime) -> float:
    return (instant - START).total_seconds()


@contextmanager
def hanging_receiver() -> Iterator[CallbackReceiver]:
    """A loopback receiver that accepts every callback and answers none until the block ends."""
    release = threading.Event()

    def hang(call: object) -> int:
        release.wait(10)
        return 200

    with CallbackReceiver(respond=hang) as receiver:
        try:
            yield receiver
        finally:
            release.set()
