"""The per-project indexes: always in the order a sort would give, and paging through them
gives exactly the pages (items, tokens, totals) that filtering and sorting everything gives."""

from datetime import datetime, timedelta, timezone

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from mock_server.core.clock import Clock
from mock_server.core.errors import ApiError
from mock_server.core.paging import paginate
from mock_server.core.rng import Rng
from mock_server.core.sorted_index import MAX_MERGED_BUCKETS, IndexedDict, IndexSpec, Watched
from mock_server.domain.hosting_orders.model import (
    HOSTING_ORDER_NUMBER_INDEX,
    HostingOrder,
    HostingOrderNumber,
    HostingOrderType,
    StepProgress,
)
from mock_server.domain.hosting_orders.queries import NumberFilter
from mock_server.domain.imported_numbers.model import IMPORTED_NUMBER_INDEX
from mock_server.domain.imported_numbers.requests import check_filter
from mock_server.domain.imported_numbers.service import (
    ImportedNumberChange,
    ImportedNumberFilter,
    NewImportedNumber,
)
from mock_server.domain.provisioning import Record, State
from mock_server.domain.world import World
from tests.engine_support import advance


class Item(Watched, Record):
    __slots__ = ("_index",)

    name: str
    rank: int
    group: str
    tag: str = ""


SPEC = IndexSpec(
    orders={"byRank": lambda i: (i.rank, i.name), "byName": lambda i: (i.name,)},
    facet=lambda i: (i.group,),
    watched=frozenset({"rank", "name", "group"}),
)
NAMES = st.sampled_from([f"n{i}" for i in range(30)])
GROUPS = st.sampled_from(["a", "b", "c"])
OPS = st.lists(st.one_of(
    st.tuples(st.just("put"), NAMES, st.integers(0, 20), GROUPS),
    st.tuples(st.just("del"), NAMES),
    st.tuples(st.just("rank"), NAMES, st.integers(0, 20)),
    st.tuples(st.just("group"), NAMES, GROUPS),
    st.tuples(st.just("tag"), NAMES, st.text(max_size=2)),
), max_size=80)


def apply(index: IndexedDict, ops) -> None:
    for op, name, *args in ops:
        if op == "put":
            index[name] = Item(name=name, rank=args[0], group=args[1])
        elif name not in index:
            continue
        elif op == "del":
            del index[name]
        elif op == "rank":
            index[name].rank = args[0]
        elif op == "group":
            index[name].group = args[0]
        else:
            index[name].tag = args[0]


def pages(pager, size: int) -> list:
    out, token = [], None
    while True:
        page = pager(size, token)
        out.append(([id(i) for i in page.items], page.next_page_token, page.total_size))
        token = page.next_page_token
        if not token:
            return out


@settings(max_examples=200)
@given(OPS, OPS, st.sampled_from(["byRank", "byName"]), st.sets(GROUPS), st.integers(1, 7))
def test_index_order_and_pages_equal_a_sort_of_the_same_data(before, after, order, groups, size):
    """Changes before the first query (the index is built then, in one go) and after it (kept
    up to date change by change)."""
    index: IndexedDict = IndexedDict(SPEC)
    apply(index, before)
    index.select(order, lambda i: True)
    apply(index, after)
    key = SPEC.orders[order]
    assert [e[-1].name for e in index._all[order]] == [i.name for i in sorted(index.values(), key=key)]

    def wanted(item):
        return item.group in groups

    filters = {"groups": sorted(groups), "order": order}
    assert pages(lambda n, t: paginate(index.select(order, wanted), key, n, t, filters, project_id="p"), size) == \
        pages(lambda n, t: paginate([i for i in index.values() if wanted(i)], key, n, t, filters, project_id="p"), size)


@given(OPS)
def test_a_residual_filter_and_many_buckets_give_the_same_pages(ops):
    index: IndexedDict = IndexedDict(SPEC)
    apply(index, ops)
    for i, item in enumerate(list(index.values())):
        item.group = f"g{i}"  # one bucket each: more than MAX_MERGED_BUCKETS to merge
    key = SPEC.orders["byRank"]
    index.select("byRank", lambda i: True)

    def odd(item):
        return item.rank % 2 == 1

    def any_group(item):
        return item.group != "none"

    assert len(index._buckets) == len(index) and (len(index) <= MAX_MERGED_BUCKETS or len(index._buckets) > 16)
    assert pages(lambda n, t: paginate(index.select("byRank", any_group, odd), key, n, t, {}, project_id="p"), 3) == \
        pages(lambda n, t: paginate([i for i in index.values() if odd(i)], key, n, t, {}, project_id="p"), 3)


def test_the_dict_stays_a_dict_and_forgets_what_it_no_longer_holds():
    index: IndexedDict = IndexedDict(SPEC, {"x": Item(name="x", rank=1, group="a")})
    index.update({"y": Item(name="y", rank=0, group="a")})
    index.select("byRank", lambda i: True)
    gone = index.pop("x")
    gone.rank = 99  # no longer indexed: changes nothing in the index
    assert dict(index) == {"y": index["y"]} and [e[-1].name for e in index._all["byRank"]] == ["y"]
    index.clear()
    assert not index and not index._all and not index._buckets
    index["z"] = gone
    assert [i.name for i in index.select("byRank", lambda i: True).after(None)] == ["x"]


def test_a_token_of_another_shape_is_a_400_from_the_index_too():
    index: IndexedDict = IndexedDict(SPEC, {f"n{i}": Item(name=f"n{i}", rank=i, group="a") for i in range(5)})
    token = paginate(index.select("byName", lambda i: True), SPEC.orders["byName"], 2, None, {}, project_id="p").next_page_token
    with pytest.raises(ApiError) as caught:
        paginate(index.select("byRank", lambda i: True), SPEC.orders["byRank"], 2, token, {}, project_id="p")
    assert caught.value.violations[0].field == "pageToken"


def test_a_token_from_the_index_works_only_for_the_project_it_was_issued_for():
    index: IndexedDict = IndexedDict(SPEC, {f"n{i}": Item(name=f"n{i}", rank=i, group="a") for i in range(5)})
    key = SPEC.orders["byName"]
    token = paginate(index.select("byName", lambda i: True), key, 2, None, {}, project_id="p").next_page_token
    second = paginate(index.select("byName", lambda i: True), key, 2, token, {}, project_id="p")
    assert [i.name for i in second.items] == ["n2", "n3"]
    with pytest.raises(ApiError) as caught:
        paginate(index.select("byName", lambda i: True), key, 2, token, {}, project_id="q")
    assert caught.value.violations[0].field == "pageToken"


# --- the imported numbers of a world: imports, changes, provisioning on the clock, deletes ---------------
PLANS = ["plan-1", "plan-2", ""]


@settings(max_examples=25, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 39), st.sampled_from(["import", "patch", "unlink", "delete", "tick"]),
                          st.sampled_from(PLANS[:2]), st.sampled_from(["", "camp-1"])), max_size=60),
       st.integers(1, 9))
def test_imported_number_pages_equal_filtering_and_sorting_everything(steps, size):
    world = World(clock=Clock(start=datetime(2026, 1, 1, tzinfo=timezone.utc), frozen=True), rng=Rng(3))
    service = world.imported_numbers
    for n, action, plan, campaign in steps:
        phone = f"+1{202 if n % 2 else 416}555{n:04d}"  # US and CA numbers
        region = "US" if n % 2 else "CA"
        exists = service.is_imported("p", phone)
        try:
            if action == "import" and not exists:
                service.import_number("p", NewImportedNumber(phone, region, plan, campaign))
            elif action == "patch" and exists:
                service.update("p", phone, ImportedNumberChange(display_name=str(n), service_plan_id=plan,
                                                                 campaign_id=campaign))
            elif action == "unlink" and exists:
                service.update("p", phone, ImportedNumberChange(service_plan_id="", campaign_id=""))
            elif action == "delete" and exists:
                service.delete("p", phone)
            elif action == "tick":  # a list builds the indexes; later changes keep them up to date
                service.list_numbers("p", ImportedNumberFilter(plan, campaign, pattern="55"), order_by="createdTime",
                                     page_size=5, page_token=None)
        except ApiError:
            pass  # a refused change writes nothing
        advance(world, 7)
    filters = [ImportedNumberFilter(plan, campaign, region, pattern, search)
               for plan in PLANS for campaign in ("", "camp-1") for region in (None, "US")
               for pattern, search in ((None, "CONTAIN"), ("+12025", "START"), ("1", "END"), ("55", "CONTAIN"),
                                       ("6555", None))]
    for where in filters:
        for order in ("createdTime", "updatedTime"):
            key = IMPORTED_NUMBER_INDEX.orders[order]
            fp = {**check_filter(where).fingerprint(), "orderBy": order}
            indexed = pages(lambda n, t: service.list_numbers("p", where, order_by=order, page_size=n,
                                                              page_token=t), size)
            everything = pages(lambda n, t: paginate(service.matching("p", where), key, n, t, fp, project_id="p"), size)
            assert indexed == everything, (where, order)


def test_a_page_walks_only_the_buckets_its_filter_matches():
    world = World(clock=Clock(start=datetime(2026, 1, 1, tzinfo=timezone.utc), frozen=True), rng=Rng(3))
    for i in range(40):
        world.imported_numbers.import_number("p", NewImportedNumber(f"+1202555{i:04d}", "US", f"plan-{i % 4}"))
        advance(world, 1)
    numbers = world.project("p").imported_numbers
    selection = numbers.select("createdTime", ImportedNumberFilter("plan-1", "").matches)
    assert len(selection._sources) == 1 and len(selection._sources[0]) == 10 and selection.count() == 10
    advance(world, 3600)  # provisioning finishes
    world.imported_numbers.update("p", "+12025550001", ImportedNumberChange(service_plan_id=""))
    assert numbers.select("createdTime", ImportedNumberFilter("plan-1", "").matches).count() == 9
    assert world.project("p").imported_numbers["+12025550001"].created_time == \
        datetime(2026, 1, 1, tzinfo=timezone.utc) + timedelta(seconds=1)


# --- the numbers of a hosting order: the filter reads nested step records ---------------------------------
STEP_STATES = st.sampled_from([State.WAITING, State.IN_PROGRESS, State.DONE, State.FAILED])
STEP_OPS = st.lists(st.tuples(st.integers(0, 11), st.sampled_from(["osr", "campaign", "platform", "replace", "touch"]),
                              STEP_STATES), max_size=50)


@settings(max_examples=60)
@given(STEP_OPS, st.integers(1, 5))
def test_order_number_pages_follow_changes_of_their_steps(ops, size):
    t0 = datetime(2026, 1, 1, tzinfo=timezone.utc)
    order = HostingOrder(hosting_order_id="o1", project_id="p", type=HostingOrderType.IMPORT, region_code="US",
                         service_plan_id="plan", created_time=t0, updated_time=t0)
    for i in range(12):
        order.numbers[f"+1202555{i:04d}"] = HostingOrderNumber(phone_number=f"+1202555{i:04d}", position=i,
                                                               updated_time=t0)
    numbers = list(order.numbers.values())
    for tick, (i, op, state) in enumerate(ops):
        number = numbers[i]
        if op == "osr":
            number.osr_update.state = state
        elif op == "campaign":
            number.campaign_provisioning.state = state
        elif op == "platform":
            number.platform_provisioning.state = state
        elif op == "replace":
            old = number.osr_update
            number.osr_update = StepProgress(state=state)
            old.state = State.STATE_UNSPECIFIED  # the replaced step no longer counts
        else:
            number.updated_time = t0 + timedelta(seconds=tick)
    for flt in [NumberFilter(), *(NumberFilter(osr_update_state=s) for s in State),
                NumberFilter(campaign_provisioning_state=State.WAITING, platform_provisioning_state=State.DONE)]:
        for order_by in ("createdTime", "updatedTime"):
            key = HOSTING_ORDER_NUMBER_INDEX.orders[order_by]
            indexed = pages(lambda n, t: paginate(order.numbers.select(order_by, flt.matches), key, n, t, {}, project_id="p"),
                            size)
            everything = pages(lambda n, t: paginate([x for x in numbers if flt.matches(x)], key, n, t, {}, project_id="p"), size)
            assert indexed == everything, (flt, order_by)


def test_an_unplaced_imported_number_equals_one_built_plainly_and_is_watched_once_placed():
    from mock_server.domain.imported_numbers.model import ImportedNumber

    at = datetime(2026, 1, 1, tzinfo=timezone.utc)
    fields = dict(phone_number="+12025550100", project_id="p", region_code="US", service_plan_id="a",
                  created_time=at, updated_time=at)
    number = ImportedNumber.unplaced(**fields)
    assert type(number) is ImportedNumber and number == ImportedNumber(**fields) and number._index is None
    assert number.mno == {} and number.mno is not ImportedNumber.unplaced(**fields).mno
    index: IndexedDict = IndexedDict(IMPORTED_NUMBER_INDEX, {number.phone_number: number})
    number.service_plan_id = "b"  # watched: the number moves to its new bucket
    in_b = index.select("createdTime", lambda n: n.service_plan_id == "b")
    assert [n.phone_number for n in in_b.after(None)] == ["+12025550100"] and in_b.count() == 1
