"""The gate between everyday requests and heavy jobs (a large scenario, a state import/export).

Heavy jobs run in a worker thread so the event loop stays free: `GET /_mock/health` answers while
one runs. Requests that touch the world pass the gate `reading()` (many at once); a heavy job
passes it `writing()`: it waits until the requests inside are done, and requests arriving
meanwhile wait, without blocking the loop, until it is over. Waiting is event-based, so a
cancelled request never leaves the gate shut.
"""

from __future__ import annotations

import asyncio
from contextlib import asynccontextmanager
from typing import AsyncIterator


class Gate:
    def __init__(self) -> None:
        self.readers = 0
        self.writing = False
        self._writers_waiting = 0
        self._loop: asyncio.AbstractEventLoop | None = None
        self._changed: asyncio.Event | None = None

    @property
    def busy(self) -> bool:
        """A heavy job runs or waits to run."""
        return self.writing or self._writers_waiting > 0

    def _event(self) -> asyncio.Event:
        loop = asyncio.get_running_loop()
        if self._loop is not loop or self._changed is None:  # a new loop (a new TestClient): start afresh
            self._loop, self._changed = loop, asyncio.Event()
            self.readers, self.writing, self._writers_waiting = 0, False, 0
        return self._changed

    def _signal(self) -> None:
        event = self._event()
        self._changed = asyncio.Event()
        event.set()

    def try_enter_reading(self) -> bool:
        """Pass the gate as a reader at once, without waiting, when no heavy job runs or waits
        (the usual case) on the loop the gate already knows; False otherwise (then `await
        enter_reading()`, which also starts afresh on a new loop)."""
        if self.writing or self._writers_waiting or self._loop is not asyncio.get_running_loop():
            return False
        self.readers += 1
        return True

    async def enter_reading(self) -> None:
        """Pass the gate as a reader (pair with `leave_reading`); at once when no heavy job
        runs or waits, which is the usual case."""
        while True:
            event = self._event()
            if not self.busy:
                break
            await event.wait()
        self.readers += 1

    def leave_reading(self) -> None:
        self.readers -= 1
        if self.readers == 0 and self._writers_waiting:  # only a waiting job listens for this
            self._signal()

    @asynccontextmanager
    async def reading(self) -> AsyncIterator[None]:
        await self.enter_reading()
        try:
            yield
        finally:
            self.leave_reading()

    @asynccontextmanager
    async def writing_alone(self) -> AsyncIterator[None]:
        self._event()
        self._writers_waiting += 1
        try:
            while self.writing or self.readers:
                await self._event().wait()
        finally:
            self._writers_waiting -= 1
            self._signal()  # a cancelled wait must let the waiting requests in
        self.writing = True
        try:
            yield
        finally:
            self.writing = False
            self._signal()
