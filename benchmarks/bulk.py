"""Bulk figures at 100,000 imported numbers: memory, scenario load, state export and import,
and a clock advance that runs 100,000 due transitions.

Each phase runs in this process against the app (in-process ASGI calls for the control plane,
so JSON encoding and decoding count). Times are the CPU time of this process: on a shared
machine wall-clock time also counts the other processes' turns (it is printed too). Memory is
the growth of this process's resident set (after a garbage collection) while 100,000 numbers
are loaded and listed once (which builds the project's index), divided by their number.
Run alone: `.venv/bin/python benchmarks/bulk.py [--size N]`.
"""

from __future__ import annotations

import gc
import json
import os
import sys
import time
from datetime import datetime, timezone
from pathlib import Path
from typing import Callable, TypeVar

sys.path.insert(0, str(Path(__file__).resolve().parent))
from figures import arguments, emit, Row  # noqa: E402
from inprocess import call  # noqa: E402

from mock_server.config import MockConfig  # noqa: E402
from mock_server.core.clock import Clock  # noqa: E402
from mock_server.domain.imported_numbers.service import NewImportedNumber  # noqa: E402
from mock_server.http.app import create_app  # noqa: E402
from mock_server.http import bodies  # noqa: E402

T0 = datetime(2026, 1, 1, tzinfo=timezone.utc)
T = TypeVar("T")


def rss() -> int:
    """Resident bytes of this process (Linux)."""
    gc.collect()
    with open("/proc/self/statm") as handle:
        return int(handle.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")


def new_app():  # type: ignore[no-untyped-def]
    return create_app(MockConfig(seed=1), clock=Clock(start=T0, frozen=True))


def scenario(size: int) -> dict:
    return {"projects": [{"id": "big", "imported_numbers": [
        {"range": {"start": "+12025000000", "count": size}, "service_plan": "plan-1"}]}]}


def measured(what: str, work: Callable[[], T]) -> tuple[float, T]:
    """CPU seconds of `work` (the figure) and its result; wall-clock seconds go to stderr."""
    cpu, wall = time.process_time(), time.perf_counter()
    result = work()
    cpu, wall = time.process_time() - cpu, time.perf_counter() - wall
    print(f"{what}: {cpu:.2f} s CPU, {wall:.2f} s wall clock", file=sys.stderr)
    return cpu, result


def rows(size: int) -> list[Row]:
    out = []
    # scenario load, and the memory it takes
    app = new_app()
    body = json.dumps({"scenario": scenario(size)}).encode()
    before = rss()
    load, _ = measured("scenario load", lambda: call(app, "POST", "/_mock/scenarios:load", body=body))
    call(app, "GET", "/v1/projects/big/importedNumbers", {"servicePlanId": "plan-1", "campaignId": ""})
    per_number = (rss() - before) / size  # the list built the project's index: counted too
    out.append(Row(f"scenario load of {size:,} imported numbers (POST /_mock/scenarios:load), CPU", load, "s",
                   target="figure <= 3"))
    out.append(Row(f"resident memory per imported number, {size:,} loaded", per_number / 1024, "KiB",
                   target="figure <= 1.5"))

    # the whole state out and back in
    exported, document = measured("GET state", lambda: call(app, "GET", "/_mock/state", raw=True))
    print(f"state document: {len(document) / 2**20:.0f} MiB", file=sys.stderr)
    # The request body bound of the API (1 MiB) is far below a document of this size: lifted
    # here, for this call only, to time the route's own work.
    bodies.MAX_BODY_BYTES, bound = len(document), bodies.MAX_BODY_BYTES
    imported, _ = measured("PUT state", lambda: call(app, "PUT", "/_mock/state", body=document))
    bodies.MAX_BODY_BYTES = bound
    out.append(Row(f"GET /_mock/state, {size:,} numbers, CPU", exported, "s", target="figure <= 5"))
    out.append(Row(f"PUT /_mock/state, {size:,} numbers (body bound lifted), CPU", imported, "s",
                   target="figure <= 5"))
    del app, document

    # a clock advance that runs `size` due transitions (SMS provisioning of fresh imports)
    app = new_app()
    world = app.state.world
    for i in range(size):
        world.imported_numbers.import_number("big", NewImportedNumber(f"+1202{i:07d}", "US", "plan-1"))
    seconds = world.settings.timings.sms_provisioning
    elapsed, done = measured("advance", lambda: world.scheduler.run_due(world.clock.advance(seconds)))
    assert done >= size, done
    out.append(Row(f"clock advance running {done:,} due transitions, CPU", done / elapsed, "transitions/s",
                   target="figure >= 20000"))
    return out


def main() -> None:
    parser = arguments(__doc__)
    parser.add_argument("--size", type=int, default=100_000)
    args = parser.parse_args()
    emit(rows(args.size))


if __name__ == "__main__":
    main()
