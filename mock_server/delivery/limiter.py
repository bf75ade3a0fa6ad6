"""Bounded concurrency whose bound is read at each acquire (settings may change at run time)."""

from __future__ import annotations

import asyncio
from collections import deque
from typing import Callable


class Slot:
    """One unit of concurrency; releasing it twice is harmless."""

    def __init__(self, limiter: "Limiter") -> None:
        self._limiter: Limiter | None = limiter

    def release(self) -> None:
        limiter, self._limiter = self._limiter, None
        if limiter is not None:
            limiter._release()


class Limiter:
    def __init__(self, limit: Callable[[], int]) -> None:
        self._limit = limit
        self._used = 0
        self._waiters: deque[asyncio.Future[None]] = deque()

    @property
    def in_use(self) -> int:
        return self._used

    async def acquire(self) -> Slot:
        while self._used >= max(1, self._limit()):
            waiter = asyncio.get_running_loop().create_future()
            self._waiters.append(waiter)
            try:
                await waiter
            except asyncio.CancelledError:
                if waiter.done() and not waiter.cancelled():
                    self._wake_one()  # we were woken but will not take the slot: pass it on
                raise
        self._used += 1
        return Slot(self)

    def _release(self) -> None:
        self._used -= 1
        self._wake_one()

    def _wake_one(self) -> None:
        while self._waiters:
            waiter = self._waiters.popleft()
            if not waiter.done():
                waiter.set_result(None)
                return
