"""List cost at scale: a page of 100 in a project of 100,000 against a page in a project of 100.

For each list operation (imported numbers, qualified numbers, hosting orders, the numbers of a
hosting order), each `orderBy` and a plain and a filtered query, it times the first page and
the page 50 pages deep (or the last page of a shorter list) in the big project, and the first page of the same query in a project of 100: the anchor. The ratio is the figure's cost of scale. Each page
is a GET through the app in this process (query parsing, the list, rendering 100 items as JSON),
so the figures are the mock's own, without sockets or a server's noise. Qualified
numbers and hosting orders are stored as records directly (their creation is not what is
measured); imported numbers are imported through the service.
Run alone: `.venv/bin/python benchmarks/listing.py [--size N]`.
"""

from __future__ import annotations

import sys
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path
from itertools import count, islice
from typing import Callable, Iterable

sys.path.insert(0, str(Path(__file__).resolve().parent))
from figures import arguments, emit, Row, side_by_side  # noqa: E402
from inprocess import call  # noqa: E402

from mock_server.config import MockConfig  # noqa: E402
from mock_server.core.clock import Clock  # noqa: E402
from mock_server.domain.hosting_orders.model import (  # noqa: E402
    HostingOrder,
    HostingOrderNumber,
    HostingOrderState,
    HostingOrderType,
    StepProgress,
)
from mock_server.domain.imported_numbers.service import NewImportedNumber  # noqa: E402
from mock_server.domain.provisioning import State  # noqa: E402
from mock_server.domain.qualified_numbers.model import GlobalProcessState, QualifiedNumber  # noqa: E402
from mock_server.domain.world import World  # noqa: E402
from mock_server.http.app import create_app  # noqa: E402

PAGE = 100
DEEP = 50
T0 = datetime(2026, 1, 1, tzinfo=timezone.utc)
Q = GlobalProcessState
ORDER_STATES = [HostingOrderState.SUBMITTED, HostingOrderState.COMPLETED, HostingOrderState.REJECTED]


# --- filling a project -------------------------------------------------------------------------------
def imported_number(i: int) -> str:
    return f"+1{202 if i % 2 else 416}{234 + i // 10_000}{i % 10_000:04d}"


def fill_imported(world: World, project: str, indices: Iterable[int]) -> None:
    for i in indices:
        if i % 1000 == 0:
            world.clock.advance(1)
        world.imported_numbers.import_number(project, NewImportedNumber(
            imported_number(i), "US" if i % 2 else "CA", f"plan-{i % 4}", "camp-1" if i % 3 == 0 else ""))


def pattern(search: str, digits: str, **more: str) -> dict[str, str]:
    return {"numberPattern.pattern": digits, "numberPattern.searchPattern": search, **more}


def fill_qualified(world: World, project: str, indices: Iterable[int]) -> None:
    numbers = world.project(project).qualified_numbers
    states = list(Q)[1:]
    for i in indices:
        when = T0 + timedelta(milliseconds=i * 7)
        phone = f"+1202{i:07d}"
        numbers[phone] = QualifiedNumber(phone_number=phone, project_id=project, region_code="US" if i % 2 else "CA",
                                         state=states[i % len(states)], created_time=when,
                                         updated_time=when + timedelta(seconds=i % 13))


def fill_orders(world: World, project: str, indices: Iterable[int]) -> None:
    orders = world.project(project).hosting_orders
    for i in indices:
        when = T0 + timedelta(milliseconds=i * 7)
        order_id = f"01ORDER{i:019d}"
        orders[order_id] = HostingOrder(
            hosting_order_id=order_id, project_id=project,
            type=HostingOrderType.IMPORT if i % 2 else HostingOrderType.TEXT_ENABLE,
            state=ORDER_STATES[i % 3], region_code="US", service_plan_id=f"plan-{i % 4}",
            campaign_id="camp-1" if i % 5 == 0 else "", created_time=when, updated_time=when + timedelta(seconds=i % 11))


def fill_order_numbers(world: World, project: str, indices: Iterable[int]) -> str:
    order = HostingOrder(hosting_order_id="01ORDER", project_id=project, type=HostingOrderType.IMPORT,
                         region_code="US", service_plan_id="plan", created_time=T0, updated_time=T0)
    steps = [State.WAITING, State.IN_PROGRESS, State.DONE]
    for i in indices:
        phone = f"+1202{i:07d}"
        order.numbers[phone] = HostingOrderNumber(
            phone_number=phone, position=i, osr_update=StepProgress(state=steps[i % 3]),
            updated_time=T0 + timedelta(seconds=i % 17))
    world.project(project).hosting_orders[order.hosting_order_id] = order
    return order.hosting_order_id


# --- the queries (through the app in-process: parsing, the list, rendering the page) ---------------
ORDER_STATES_Q = ",".join(s.value for s in HostingOrderState if s is not HostingOrderState.UNSPECIFIED)
# Each query comes with the items (by fill index) it matches: the project of 100 holds 100 of
# those, so its page, the anchor, is a full page of 100 as well.
LISTS: dict[str, tuple[Callable, str, dict[str, tuple[dict[str, str], Callable[[int], bool]]]]] = {
    "importedNumbers": (fill_imported, "/v1/projects/{project}/importedNumbers", {
        "plan": ({"servicePlanId": "plan-1", "campaignId": ""}, lambda i: i % 4 == 1),
        "plan+campaign+region": ({"servicePlanId": "plan-1", "campaignId": "camp-1", "regionCode": "US"},
                                 lambda i: i % 12 == 9),
        "plan+pattern START": (pattern("START", "+1202", servicePlanId="plan-1", campaignId=""),
                               lambda i: i % 4 == 1),
        # every searchPattern over the whole project (no exact filter), 2.5% to 50% of it matching
        "pattern START +1416": (pattern("START", "+1416"), lambda i: imported_number(i).startswith("+1416")),
        "pattern CONTAIN 8": (pattern("CONTAIN", "8"), lambda i: "8" in imported_number(i)),
        "pattern END 7": (pattern("END", "7"), lambda i: imported_number(i).endswith("7")),
        "region+pattern CONTAIN 05": (pattern("CONTAIN", "05", regionCode="US"),  # 2,475 of 100,000
                                      lambda i: i % 2 == 1 and "05" in imported_number(i)),
    }),
    "qualifiedNumbers": (fill_qualified, "/v1/projects/{project}/qualifiedNumbers", {
        "every state": ({"states": ",".join(s.value for s in list(Q)[1:])}, lambda i: True),
        "2 states+region": ({"states": f"{Q.VERIFIED.value},{Q.ELIGIBLE.value}", "regionCode": "US"},
                            lambda i: i % 10 == 1),
    }),
    "hostingOrders": (fill_orders, "/v1/projects/{project}/hostingOrders", {
        "plan": ({"states": ORDER_STATES_Q, "type": HostingOrderType.UNSPECIFIED.value,
                  "servicePlanId": "plan-1", "campaignId": ""}, lambda i: i % 4 == 1),
        "state+type+plan": ({"states": HostingOrderState.SUBMITTED.value, "type": HostingOrderType.IMPORT.value,
                             "servicePlanId": "plan-1", "campaignId": ""}, lambda i: i % 12 == 9),
    }),
    "hostingOrders/{id}/numbers": (fill_order_numbers, "/v1/projects/{project}/hostingOrders/01ORDER/numbers", {
        "no filter": ({}, lambda i: True),
        "osrUpdateState": ({"osrUpdateState": State.DONE.value}, lambda i: i % 3 == 2),
    }),
}


def get_json(app, path: str, query: dict[str, str]) -> dict:  # type: ignore[no-untyped-def]
    return call(app, "GET", path, query)


def rows(size: int, small: int, rounds: int, lists: list[str] | None = None) -> list[Row]:
    out = []
    for name, (fill, path, variants) in LISTS.items():
        if lists and name not in lists:
            continue
        app = create_app(MockConfig(seed=1), clock=Clock(start=T0, frozen=True))
        world = app.state.world
        started = time.perf_counter()
        fill(world, "big", range(size))
        for index, (_, matches) in enumerate(variants.values()):
            # numbers of their own (a number has one home): indices past the big project's
            fill(world, f"small{index}", islice(filter(matches, count(size * (index + 1))), small))
        print(f"{name}: filled {size:,} + {small} in {time.perf_counter() - started:.1f} s", file=sys.stderr)
        big_path = path.format(project="big")
        for index, (label, (query, _)) in enumerate(variants.items()):
            small_path = path.format(project=f"small{index}")
            for order_by in ("createdTime", "updatedTime"):
                base = {**query, "orderBy": order_by, "pageSize": str(PAGE)}
                token, deep_page = "", 1  # page DEEP + 1, or the last page of a shorter list
                for _ in range(DEEP):
                    following = get_json(app, big_path, {**base, "pageToken": token} if token else base)
                    if not following["nextPageToken"]:
                        break
                    token, deep_page = following["nextPageToken"], deep_page + 1
                if deep_page == 1:
                    raise RuntimeError(f"{name} ({label}) has a single page in the project of {size:,}")
                deep_query = {**base, "pageToken": token}
                anchor, first, deep = side_by_side([lambda: get_json(app, small_path, base),
                                                    lambda: get_json(app, big_path, base),
                                                    lambda: get_json(app, big_path, deep_query)], rounds)
                what = f"{name} ({label}), {order_by}"
                anchor_name = f"the page of {small} in a project of {small}"
                out.append(Row(f"{what}: first page of {PAGE}, project of {size:,}", first * 1000, "ms",
                               anchor_name, anchor * 1000, "ratio <= 2"))
                out.append(Row(f"{what}: page {deep_page}, project of {size:,}", deep * 1000, "ms",
                               anchor_name, anchor * 1000, "ratio <= 2"))
    return out


def main() -> None:
    parser = arguments(__doc__)
    parser.add_argument("--size", type=int, default=100_000)
    parser.add_argument("--small", type=int, default=100)
    parser.add_argument("--rounds", type=int, default=15)
    parser.add_argument("--list", action="append", choices=list(LISTS), help="only this list (repeatable)")
    args = parser.parse_args()
    emit(rows(args.size, args.small, args.rounds, args.list))


if __name__ == "__main__":
    main()
