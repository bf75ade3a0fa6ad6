"""Requests pass the engine's gate (`mock_server.core.gate`): they wait, without blocking the
event loop, while a heavy job (scenario load, state export or import, reset) runs in a worker
thread. `/_mock/health` never waits, and the heavy routes take the gate themselves."""

from __future__ import annotations

import asyncio
import functools
import gc
import sys
import threading
from typing import Any, Callable, TypeVar

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.types import ASGIApp, Receive, Scope, Send

from mock_server.core.gate import Gate

T = TypeVar("T")

# Routes that run heavy jobs: they pass the gate alone, around the job only (not while their
# body arrives).
HEAVY_PATHS = frozenset({"/_mock/scenarios:load", "/_mock/state", "/_mock/reset"})
# Requests that never wait and are not waited for: health, and the console's change stream, which
# stays open for minutes and reads only change counters (a heavy job waiting for it would wait
# for minutes, and every request behind that job with it).
FREE_PATHS = frozenset({"/_mock/health", "/_mock/ui/stream"})
IDLE_POLL_SECONDS = 0.01


class GateMiddleware:
    def __init__(self, app: ASGIApp, gate: Gate) -> None:
        self.app = app
        self.gate = gate

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        path = scope.get("path", "")
        if scope["type"] != "http" or path in FREE_PATHS or path in HEAVY_PATHS:
            await self.app(scope, receive, send)
            return
        gate = self.gate
        if not gate.try_enter_reading():
            await gate.enter_reading()
        try:
            await self.app(scope, receive, send)
        finally:
            gate.leave_reading()


# While a heavy job runs, the interpreter offers the event loop's thread its turn this often
# (Python's default is 5 ms): each answer the loop gives meanwhile needs several turns, so health
# and the requests that do not wait for the job answer in a few milliseconds, not tens.
HEAVY_SWITCH_INTERVAL = 0.0005
_collector = threading.Lock()
_jobs_running = 0
_switch_interval = sys.getswitchinterval()


def _without_full_collections(job: Callable[[], T]) -> T:
    """Run `job` with the cyclic garbage collector paused and a short switch interval
    (`HEAVY_SWITCH_INTERVAL`), then freeze what survives.

    A job that builds a large world (100,000 numbers are millions of objects) would otherwise
    trigger full collections that stop every thread, the event loop too, for a second or more.
    What such a job builds is long-lived, so it is moved out of the collector's sight
    (`gc.freeze`): later collections stay short. Objects are still freed by reference counting;
    the world's records hold no reference cycles.
    """
    global _jobs_running, _switch_interval
    with _collector:
        if _jobs_running == 0:
            _switch_interval = sys.getswitchinterval()
            sys.setswitchinterval(min(_switch_interval, HEAVY_SWITCH_INTERVAL))
        _jobs_running += 1
        gc.disable()
    try:
        return job()
    finally:
        with _collector:
            _jobs_running -= 1
            if _jobs_running == 0:
                sys.setswitchinterval(_switch_interval)
                gc.freeze()
                gc.enable()


async def off_loop(job: Callable[..., T], *args: Any, **kwargs: Any) -> T:
    """Run `job(*args, **kwargs)` in a worker thread, without full garbage collections."""
    return await run_in_threadpool(_without_full_collections, functools.partial(job, *args, **kwargs))


async def heavy(request: Request, job: Callable[[], T]) -> T:
    """Run `job` in a worker thread with the world to itself: no request inside the gate, no
    callback attempt in flight (its end would wait for the world's lock on the event loop).

    A job whose turn comes after the process began to stop does not run: it answers 503, as a
    clock move does, so the state saved at the stop (--state-file) is the world as it stood."""
    engine = request.app.state.engine
    gate: Gate = engine.gate
    async with gate.writing_alone():
        engine.check_running()
        while not engine.dispatcher.idle:
            await asyncio.sleep(IDLE_POLL_SECONDS)
            engine.check_running()
        return await off_loop(job)
