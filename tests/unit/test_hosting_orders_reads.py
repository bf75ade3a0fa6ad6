"""Reading hosting orders: get, list with its filters and paging, the numbers, the report."""

from __future__ import annotations

import pytest

from mock_server.core.errors import ApiError
from mock_server.domain.hosting_orders.model import HostingOrderReport, HostingOrderState, HostingOrderType, LoaType
from mock_server.domain.hosting_orders.queries import NumberFilter, OrderFilter
from mock_server.domain.provisioning import State
from tests.hosting_support import (
    CAMPAIGN,
    DLC,
    PLAN,
    PROJECT,
    TOLL_FREE,
    durations,
    import_order,
    magic,
    run_to_end,
    text_enable_order,
)
from tests.engine_support import advance

S = HostingOrderState
ANY_STATE = frozenset({S.UNSPECIFIED})


def listed(world, flt, order_by="createdTime", page_size=100, token=None, project=PROJECT):
    return world.hosting_orders.list(project, flt, order_by=order_by, page_size=page_size, page_token=token)


def ids(page):
    return [o.hosting_order_id for o in page.items]


def order_filter(**changes) -> OrderFilter:
    fields = dict(states=ANY_STATE, type=HostingOrderType.UNSPECIFIED, service_plan_id=PLAN, campaign_id=CAMPAIGN)
    return OrderFilter(**(fields | changes))


# --- get ------------------------------------------------------------------------------------------
def test_get_returns_the_order(world):
    order = import_order(world, DLC)
    assert world.hosting_orders.get(PROJECT, order.hosting_order_id) is order


def test_an_unknown_order_is_not_found(world):
    import_order(world, DLC)
    for call in (lambda: world.hosting_orders.get(PROJECT, "nope"),
                 lambda: world.hosting_orders.report(PROJECT, "nope"),
                 lambda: world.hosting_orders.get_number(PROJECT, "nope", DLC[0])):
        with pytest.raises(ApiError) as caught:
            call()
        assert caught.value.http_status == 404


def test_an_order_of_another_project_is_not_found(world):
    order = import_order(world, DLC)
    with pytest.raises(ApiError) as caught:
        world.hosting_orders.get("other", order.hosting_order_id)
    assert caught.value.http_status == 404
    assert "other" not in world.projects  # reading does not create the project


def test_a_number_not_in_the_order_is_not_found(world):
    order = import_order(world, DLC[:1])
    assert world.hosting_orders.get_number(PROJECT, order.hosting_order_id, DLC[0]).phone_number == DLC[0]
    with pytest.raises(ApiError) as caught:
        world.hosting_orders.get_number(PROJECT, order.hosting_order_id, DLC[1])
    assert caught.value.http_status == 404 and DLC[1] in caught.value.message


# --- list -----------------------------------------------------------------------------------------
def test_list_filters_by_state(world):
    submitted = import_order(world, DLC[:1])
    waiting = text_enable_order(world, DLC[1:])
    advance(world, durations(world)["submission"])
    fresh = import_order(world, [magic("99")])
    assert waiting.state is S.WAITING_FOR_LOA_SIGNATURE and submitted.state is S.IN_PROGRESS
    assert ids(listed(world, order_filter(states=frozenset({S.SUBMITTED})))) == [fresh.hosting_order_id]
    both = listed(world, order_filter(states=frozenset({S.SUBMITTED, S.WAITING_FOR_LOA_SIGNATURE})))
    assert set(ids(both)) == {fresh.hosting_order_id, waiting.hosting_order_id}
    assert listed(world, order_filter(states=frozenset({S.COMPLETED}))).items == []
    assert len(listed(world, order_filter()).items) == 3


def test_list_filters_by_type(world):
    imported = import_order(world, DLC[:1])
    enabled = text_enable_order(world, DLC[1:])
    assert ids(listed(world, order_filter(type=HostingOrderType.IMPORT))) == [imported.hosting_order_id]
    assert ids(listed(world, order_filter(type=HostingOrderType.TEXT_ENABLE))) == [enabled.hosting_order_id]
    assert len(listed(world, order_filter()).items) == 2


def test_list_matches_service_plan_and_campaign_exactly(world):
    a = import_order(world, DLC[:1])
    b = import_order(world, DLC[1:], service_plan_id="other-plan")
    c = import_order(world, TOLL_FREE[:1], campaign_id="")
    assert ids(listed(world, order_filter())) == [a.hosting_order_id]
    assert ids(listed(world, order_filter(service_plan_id="other-plan"))) == [b.hosting_order_id]
    assert ids(listed(world, order_filter(campaign_id=""))) == [c.hosting_order_id]
    assert listed(world, order_filter(campaign_id="nope")).items == []


def test_list_filters_by_region(world):
    us = import_order(world, DLC[:1])
    ca = import_order(world, ["+16135550123"], region_code="CA")
    assert ids(listed(world, order_filter(region_code="US"))) == [us.hosting_order_id]
    assert ids(listed(world, order_filter(region_code="CA"))) == [ca.hosting_order_id]


def test_list_of_an_unknown_project_is_empty(world):
    assert listed(world, order_filter(), project="nobody").total_size == 0


def test_list_orders_by_creation_or_update(world):
    first = import_order(world, DLC[:1])
    advance(world, 1)
    second = import_order(world, DLC[1:])
    advance(world, durations(world)["submission"] - 1)  # the first order is picked up: updated
    assert ids(listed(world, order_filter())) == [first.hosting_order_id, second.hosting_order_id]
    assert ids(listed(world, order_filter(), order_by="updatedTime")) == [second.hosting_order_id,
                                                                          first.hosting_order_id]


def test_list_pages_with_tokens(world):
    numbers = [f"+1312555{n:04d}" for n in range(2000, 2007)]
    made = []
    for phone in numbers:
        made.append(import_order(world, [phone]).hosting_order_id)
        advance(world, 1)
    seen, token = [], None
    while True:
        page = listed(world, order_filter(), page_size=3, token=token)
        assert page.total_size == 7
        seen += ids(page)
        token = page.next_page_token
        if not token:
            break
    assert seen == made


def test_a_page_token_of_other_filters_is_refused(world):
    for phone in DLC:
        import_order(world, [phone])
    token = listed(world, order_filter(), page_size=1).next_page_token
    with pytest.raises(ApiError) as caught:
        listed(world, order_filter(type=HostingOrderType.IMPORT), page_size=1, token=token)
    assert caught.value.http_status == 400


# --- numbers of an order --------------------------------------------------------------------------
def numbers(world, order, flt=NumberFilter(), **kw):
    return world.hosting_orders.list_numbers(PROJECT, order.hosting_order_id, flt, order_by=kw.get("order_by", "createdTime"),
                                             page_size=kw.get("page_size", 100), page_token=kw.get("token"))


def test_numbers_are_listed_in_request_order(world):
    phones = ["+17724295287", "+12025550134", "+17724295286"]
    order = import_order(world, phones)
    assert [n.phone_number for n in numbers(world, order).items] == phones


def test_numbers_filter_by_step_states(world):
    order = run_to_end(world, import_order(world, [magic("23"), magic("12"), magic("10"), DLC[0]]))
    def phones(**flt):
        return [n.phone_number for n in numbers(world, order, NumberFilter(**flt)).items]
    assert phones(osr_update_state=State.FAILED) == [magic("23")]
    assert phones(osr_update_state=State.DONE) == [magic("12"), magic("10"), DLC[0]]
    assert phones(platform_provisioning_state=State.FAILED) == [magic("12")]
    assert phones(platform_provisioning_state=State.WAITING) == [magic("23")]
    assert phones(campaign_provisioning_state=State.FAILED) == [magic("10")]
    assert phones(campaign_provisioning_state=State.DONE) == [DLC[0]]
    assert phones(osr_update_state=State.DONE, campaign_provisioning_state=State.WAITING) == [magic("12")]


def test_numbers_page_with_tokens(world):
    world.project(PROJECT).limits.import_order_numbers = 10
    phones = [f"+1312555{n:04d}" for n in range(3000, 3007)]
    order = import_order(world, phones)
    first = numbers(world, order, page_size=4)
    second = numbers(world, order, page_size=4, token=first.next_page_token)
    assert [n.phone_number for n in first.items + second.items] == phones
    assert second.next_page_token == "" and first.total_size == 7


def test_numbers_order_by_update_time(world):
    order = import_order(world, [magic("23"), DLC[0]])
    advance(world, durations(world)["submission"] + durations(world)["osr"])
    # both were updated when the OSR update finished; then DLC[0] moved on to the platform step
    advance(world, durations(world)["platform"])
    listed_numbers = numbers(world, order, order_by="updatedTime").items
    assert [n.phone_number for n in listed_numbers] == [magic("23"), DLC[0]]


# --- the report -----------------------------------------------------------------------------------
def test_the_report_counts_the_numbers(world):
    order = import_order(world, [magic("23"), magic("12"), magic("10"), magic("30"), DLC[0]])
    assert HostingOrderReport.of(order) == HostingOrderReport(
        total=5, osr_updated=0, sms_provisioned=0, added_to_campaign=0, ongoing_manual_action=0)
    run_to_end(world, order)
    assert world.hosting_orders.report(PROJECT, order.hosting_order_id) == HostingOrderReport(
        total=5, osr_updated=4, sms_provisioned=3, added_to_campaign=2, ongoing_manual_action=1)


def test_the_report_follows_the_order_on_the_clock(world):
    order = text_enable_order(world, DLC, LoaType.BLANKET)
    d = durations(world)
    advance(world, d["submission"] + d["osr"])
    report = world.hosting_orders.report(PROJECT, order.hosting_order_id)
    assert (report.total, report.osr_updated, report.sms_provisioned) == (2, 2, 0)
    advance(world, d["platform"])
    assert world.hosting_orders.report(PROJECT, order.hosting_order_id).sms_provisioned == 2


# --- exported state -------------------------------------------------------------------------------
def test_an_order_in_flight_survives_export_and_import(world):
    import json

    from mock_server.core.rng import Rng
    from mock_server.domain.world import World
    from mock_server.state import export_state, import_state

    order = text_enable_order(world, DLC, LoaType.DIRECT)
    advance(world, durations(world)["submission"])
    with world.transaction():
        world.hosting_orders.sign_loa(PROJECT, order.hosting_order_id)
    advance(world, durations(world)["osr"])
    document = json.loads(json.dumps(export_state(world)))  # the jobs' data is plain JSON
    copy = World(clock=world.clock.__class__(start=world.clock.now(), frozen=True), rng=Rng(1))
    import_state(copy, document)
    restored = copy.hosting_orders.get(PROJECT, order.hosting_order_id)
    assert restored.model_dump() == order.model_dump()
    run_to_end(copy, restored)
    assert restored.state is S.COMPLETED
    assert copy.project(PROJECT).running_order_by_number == {}
