"""List cost at scale: a page of 100 in a project of 100,000 against a page in a project of 100.

For each list operation (imported numbers, qualified numbers, hosting orders, the numbers of a
hosting order), each `orderBy` and a plain and a filtered query, it times, in the domain (no
HTTP), the first page and the page 50 pages deep in the big project, and the first page of the
same query in a project of 100: the anchor. The ratio is the figure's cost of scale. Qualified
numbers and hosting orders are stored as records directly (their creation is not what is
measured); imported numbers are imported through the service.
Run alone: `.venv/bin/python benchmarks/listing.py [--size N]`.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Callable

sys.path.insert(0, str(Path(__file__).resolve().parent))
from figures import Row, emit  # noqa: E402

from mock_server.core.clock import Clock  # noqa: E402
from mock_server.core.rng import Rng  # noqa: E402
from mock_server.domain.hosting_orders.model import (  # noqa: E402
    HostingOrder,
    HostingOrderNumber,
    HostingOrderState,
    HostingOrderType,
    StepProgress,
)
from mock_server.domain.hosting_orders.queries import NumberFilter, OrderFilter  # noqa: E402
from mock_server.domain.imported_numbers.service import ImportedNumberFilter, NewImportedNumber  # noqa: E402
from mock_server.domain.provisioning import State  # noqa: E402
from mock_server.domain.qualified_numbers.model import GlobalProcessState, QualifiedNumber  # noqa: E402
from mock_server.domain.world import World  # noqa: E402

PAGE = 100
DEEP = 50
T0 = datetime(2026, 1, 1, tzinfo=timezone.utc)
Q = GlobalProcessState
ORDER_STATES = [HostingOrderState.SUBMITTED, HostingOrderState.COMPLETED, HostingOrderState.REJECTED]


def new_world() -> World:
    return World(clock=Clock(start=T0, frozen=True), rng=Rng(1))


# --- filling a project -------------------------------------------------------------------------------
def fill_imported(world: World, project: str, count: int) -> None:
    for i in range(count):
        if i % 1000 == 0:
            world.clock.advance(1)
        region, area = ("US", 202) if i % 2 else ("CA", 416)
        world.imported_numbers.import_number(project, NewImportedNumber(
            f"+1{area}{i:07d}", region, f"plan-{i % 4}", "camp-1" if i % 3 == 0 else ""))


def fill_qualified(world: World, project: str, count: int) -> None:
    numbers = world.project(project).qualified_numbers
    states = list(Q)[1:]
    for i in range(count):
        when = T0 + timedelta(milliseconds=i * 7)
        phone = f"+1202{i:07d}"
        numbers[phone] = QualifiedNumber(phone_number=phone, project_id=project, region_code="US" if i % 2 else "CA",
                                         state=states[i % len(states)], created_time=when,
                                         updated_time=when + timedelta(seconds=i % 13))


def fill_orders(world: World, project: str, count: int) -> None:
    orders = world.project(project).hosting_orders
    for i in range(count):
        when = T0 + timedelta(milliseconds=i * 7)
        order_id = f"01ORDER{i:019d}"
        orders[order_id] = HostingOrder(
            hosting_order_id=order_id, project_id=project,
            type=HostingOrderType.IMPORT if i % 2 else HostingOrderType.TEXT_ENABLE,
            state=ORDER_STATES[i % 3], region_code="US", service_plan_id=f"plan-{i % 4}",
            campaign_id="camp-1" if i % 5 == 0 else "", created_time=when, updated_time=when + timedelta(seconds=i % 11))


def fill_order_numbers(world: World, project: str, count: int) -> str:
    order = HostingOrder(hosting_order_id="01ORDER", project_id=project, type=HostingOrderType.IMPORT,
                         region_code="US", service_plan_id="plan", created_time=T0, updated_time=T0)
    steps = [State.WAITING, State.IN_PROGRESS, State.DONE]
    for i in range(count):
        phone = f"+1202{i:07d}"
        order.numbers[phone] = HostingOrderNumber(
            phone_number=phone, position=i, osr_update=StepProgress(state=steps[i % 3]),
            updated_time=T0 + timedelta(seconds=i % 17))
    world.project(project).hosting_orders[order.hosting_order_id] = order
    return order.hosting_order_id


# --- the queries -----------------------------------------------------------------------------------------
# name -> (fill, query(world, project, extra, order_by, token) -> Page, {label: extra})
def imported_query(world, project, where, order_by, token):  # type: ignore[no-untyped-def]
    return world.imported_numbers.list_numbers(project, where, order_by=order_by, page_size=PAGE, page_token=token,
                                               filters={"where": where.__dict__, "orderBy": order_by})


def qualified_query(world, project, states, order_by, token):  # type: ignore[no-untyped-def]
    region = "US" if len(states) < len(Q) - 1 else None
    return world.qualified_numbers.list_numbers(project, states, region_code=region, order_by=order_by,
                                                page_size=PAGE, page_token=token)


def orders_query(world, project, flt, order_by, token):  # type: ignore[no-untyped-def]
    return world.hosting_orders.list(project, flt, order_by=order_by, page_size=PAGE, page_token=token)


def order_numbers_query(world, project, flt, order_by, token):  # type: ignore[no-untyped-def]
    return world.hosting_orders.list_numbers(project, "01ORDER", flt, order_by=order_by, page_size=PAGE,
                                             page_token=token)


ALL_QUALIFIED = [s.value for s in list(Q)[1:]]
LISTS: dict[str, tuple[Callable, Callable, dict[str, object]]] = {
    "importedNumbers": (fill_imported, imported_query, {
        "plan filter": ImportedNumberFilter("plan-1", ""),
        "plan+campaign+region": ImportedNumberFilter("plan-1", "camp-1", "US"),
        "plan+pattern START": ImportedNumberFilter("plan-1", "", None, "1202", "START"),
    }),
    "qualifiedNumbers": (fill_qualified, qualified_query, {
        "every state": ALL_QUALIFIED,
        "2 states+region": [Q.VERIFIED.value, Q.ELIGIBLE.value],
    }),
    "hostingOrders": (fill_orders, orders_query, {
        "plan": OrderFilter(service_plan_id="plan-1"),
        "state+type+plan": OrderFilter(states=frozenset({HostingOrderState.SUBMITTED}),
                                       type=HostingOrderType.IMPORT, service_plan_id="plan-1"),
    }),
    "hostingOrders/{id}/numbers": (fill_order_numbers, order_numbers_query, {
        "no filter": NumberFilter(),
        "osrUpdateState": NumberFilter(osr_update_state=State.DONE),
    }),
}


def timed(call: Callable[[], object], rounds: int) -> float:
    times = []
    for _ in range(rounds):
        started = time.perf_counter()
        call()
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def rows(size: int, small: int, rounds: int) -> list[Row]:
    out = []
    for name, (fill, query, variants) in LISTS.items():
        world = new_world()
        started = time.perf_counter()
        fill(world, "big", size)
        fill(world, "small", small)
        print(f"{name}: filled {size:,} + {small} in {time.perf_counter() - started:.1f} s", file=sys.stderr)
        for label, extra in variants.items():
            for order_by in ("createdTime", "updatedTime"):
                anchor = timed(lambda: query(world, "small", extra, order_by, None), rounds)
                first = timed(lambda: query(world, "big", extra, order_by, None), rounds)
                token = None
                for _ in range(DEEP):
                    token = query(world, "big", extra, order_by, token).next_page_token
                    if not token:
                        break
                what = f"{name} ({label}), {order_by}"
                anchor_name = f"first page, project of {small}"
                out.append(Row(f"{what}: first page of {PAGE}, project of {size:,}", first * 1000, "ms",
                               anchor_name, anchor * 1000, "ratio <= 2"))
                if token:
                    deep = timed(lambda: query(world, "big", extra, order_by, token), rounds)
                    out.append(Row(f"{what}: page {DEEP + 1}, project of {size:,}", deep * 1000, "ms",
                                   anchor_name, anchor * 1000, "ratio <= 2"))
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", type=int, default=100_000)
    parser.add_argument("--small", type=int, default=100)
    parser.add_argument("--rounds", type=int, default=15)
    parser.add_argument("--json", action="store_true", help="rows as JSON (for run_all.py)")
    args = parser.parse_args()
    emit(rows(args.size, args.small, args.rounds))


if __name__ == "__main__":
    main()
