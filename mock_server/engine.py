"""The engine: moves the world through time and lets callback deliveries keep pace.

It is the only place where timed transitions (the scheduler) and delivery attempts (the
dispatcher) meet. Moving the clock steps from one due instant to the next, running the jobs
and making the delivery attempts of each instant in order, so an advance of an hour plays out
exactly as an hour would have, before the call returns.

Clock moves run one at a time, in the order they arrived; an advance measures its seconds from
where the clock stands when its turn comes, so sixteen concurrent 30-second advances move the
clock 480 seconds. When the process stops (`interrupt`), a move in progress ends where it
stands and answers 503; the deliveries it was making stay pending.
"""

from __future__ import annotations

import asyncio
import logging
from datetime import datetime

from mock_server.core.errors import unavailable
from mock_server.core.timefmt import rfc3339
from mock_server.core.gate import Gate
from mock_server.delivery.dispatcher import Dispatcher
from mock_server.domain.world import World

log = logging.getLogger("sinch_mock.engine")

IDLE_POLL_SECONDS = 0.2
BURST_SECONDS = 1.0  # jobs due closer together than this deliver their callbacks as one round


class Engine:
    def __init__(self, world: World, dispatcher: Dispatcher | None = None) -> None:
        self.world = world
        self.dispatcher = dispatcher or Dispatcher(world)
        self._task: asyncio.Task | None = None
        self._moving = asyncio.Lock()
        self.stopping = False
        self.gate = Gate()  # heavy jobs (mock_server.http.gate) run alone; the worker waits meanwhile

    async def advance(self, seconds: float) -> datetime:
        """Move the clock `seconds` on from where it stands when this move's turn comes."""
        async with self._moving:
            self.check_running()
            with self.world.lock:
                self.world.clock.freeze()  # a flowing clock must not pass the target meanwhile
                target = self.world.clock.after(seconds)
            return await self._move(target)

    async def move_to(self, target: datetime) -> datetime:
        """Freeze the clock and play every due job and delivery attempt up to `target`."""
        async with self._moving:
            self.check_running()
            return await self._move(target)

    def interrupt(self) -> None:
        """The process is stopping: clock moves end (503), heavy jobs still waiting answer 503
        without running (mock_server.http.gate.heavy), and no delivery attempt starts."""
        self.stopping = True
        self.dispatcher.interrupt()

    def check_running(self) -> None:
        """Raise 503 UNAVAILABLE once the process is stopping (for clock moves and heavy jobs)."""
        if self.stopping:
            raise unavailable(f"The mock is shutting down: the clock stopped at {rfc3339(self.world.clock.now())}; "
                              "pending callbacks stay pending (and are saved with --state-file)")

    async def _move(self, target: datetime) -> datetime:
        world = self.world
        with world.lock:
            world.clock.ahead(target)
            world.clock.freeze()
            world.scheduler.run_due()
        await self._deliver(world.clock.now())
        while True:
            with world.lock:
                step = self._next_step(target)
                if step is None:
                    break
            await self._deliver(step)
        self.check_running()
        with world.lock:
            world.clock.set(target)
            world.scheduler.run_due(target)
        await self._deliver(target)
        return target

    async def _deliver(self, now: datetime) -> None:
        await self.dispatcher.deliver_due(now)
        self.check_running()

    def _next_step(self, target: datetime) -> datetime | None:
        """Move to the next instant where something falls due (not past `target`) and run its jobs.

        Jobs falling due less than BURST_SECONDS apart form one burst: each runs at its own due
        time (the clock is pinned to it), and the burst's callbacks go out together at its last
        instant, in shuffled order. So numbers imported one after another with a flowing clock,
        whose transitions fall due milliseconds apart, still call back in a seed-dependent order.
        A due delivery attempt (a retry) ends a burst, so retries keep their exact times.
        """
        world = self.world
        job_due, attempt_due = world.scheduler.next_due(), self.dispatcher.next_due()
        due = [t for t in (job_due, attempt_due) if t is not None]
        if not due or min(due) > target:
            return None
        step = max(min(due), world.clock.now())
        world.clock.set(step)
        world.scheduler.run_due(step)
        if attempt_due is not None and attempt_due <= step:
            return step
        horizon = min(target, attempt_due) if attempt_due is not None else target
        while (following := world.scheduler.next_due()) is not None and following <= horizon \
                and (following - step).total_seconds() < BURST_SECONDS:
            step = max(following, step)
            world.clock.set(step)
            world.scheduler.run_due(step)
        return step

    async def tick(self) -> None:
        """One round of real-time work: run due jobs, start due delivery attempts (not awaited,
        so a slow receiver never holds up the worker)."""
        self.world.catch_up()
        await self.dispatcher.deliver_due(self.world.clock.now(), wait=False)

    async def _run(self) -> None:
        while True:
            try:
                if not self._moving.locked() and not self.gate.busy:
                    await self.tick()
            except Exception:  # keep serving; the failure is logged
                log.exception("background tick failed")
            await asyncio.sleep(IDLE_POLL_SECONDS)

    async def start(self, background: bool = True) -> None:
        self.stopping = False
        await self.dispatcher.start()
        if background and self._task is None:
            self._task = asyncio.create_task(self._run(), name="sinch-mock-engine")

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            try:
                await self._task
            except asyncio.CancelledError:
                pass
            self._task = None
        await self.dispatcher.stop()
