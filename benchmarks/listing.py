"""Listing cost: a page of 100 from a project of 100,000 imported numbers, and their memory.

Prints figures measured side by side in one run (no thresholds): the time per page in a
project of 100,000 numbers, in a project of 1,000 numbers while 100,000 more live in other
projects, and their ratio. Run with `.venv/bin/python benchmarks/listing.py`.
"""

from __future__ import annotations

import time
import tracemalloc
from datetime import datetime, timezone

from mock_server.core.clock import Clock
from mock_server.core.paging import paginate
from mock_server.core.rng import Rng
from mock_server.domain.imported_numbers.service import ImportedNumberFilter, NewImportedNumber
from mock_server.domain.world import World


def fill(world: World, project: str, count: int, first: int) -> None:
    for i in range(count):
        world.imported_numbers.import_number(project, NewImportedNumber(f"+1{first + i}", "US", "plan"))


def page_time(world: World, project: str, rounds: int = 20) -> float:
    where = ImportedNumberFilter("plan", "")
    started = time.perf_counter()
    for _ in range(rounds):
        paginate(world.imported_numbers.matching(project, where),
                 lambda n: (n.created_time, n.phone_number), 100, None, {}, project_id=project)
    return (time.perf_counter() - started) / rounds


def main() -> None:
    world = World(clock=Clock(start=datetime(2026, 1, 1, tzinfo=timezone.utc), frozen=True), rng=Rng(1))
    tracemalloc.start()
    fill(world, "big", 100_000, 2_000_000_000)
    held, _ = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    print(f"memory held by 100,000 imported numbers (with their pending jobs): {held / 2**20:.0f} MiB, "
          f"{held / 100_000 / 1024:.1f} KiB a number")
    fill(world, "small", 1_000, 3_000_000_000)
    big, small = page_time(world, "big"), page_time(world, "small")
    print(f"page of 100 from 100,000 numbers in one project: {big * 1000:.1f} ms")
    print(f"page of 100 from 1,000 numbers (100,000 in another project): {small * 1000:.2f} ms")
    print(f"ratio big/small: {big / small:.0f}x (the small project does not pay for the big one)")


if __name__ == "__main__":
    main()
