"""Import orders (`hostingOrders:importNumbers`): rules, refusals and the lifecycle on the clock."""

from __future__ import annotations

import re

import pytest

from mock_server.core.errors import ApiError
from mock_server.domain.hosting_orders.model import HostingOrderState, HostingOrderType
from mock_server.domain.imported_numbers.service import NewImportedNumber
from mock_server.domain.provisioning import State
from tests.hosting_support import (
    CALLBACK,
    CAMPAIGN,
    DLC,
    DLC_OTHER,
    PLAN,
    PROJECT,
    TOLL_FREE,
    durations,
    import_order,
    run_to_end,
)
from tests.engine_support import advance

FIVE = ["+17724295286", "+17724295287", "+12025550134", "+12345612345", "+13125550199"]
SIX = FIVE + ["+14155550142"]


def refused(world, numbers, project=PROJECT, **changes) -> ApiError:
    with pytest.raises(ApiError) as caught:
        import_order(world, numbers, project=project, **changes)
    return caught.value


def assert_nothing_written(world, project=PROJECT):
    p = world.project(project)
    assert p.hosting_orders == {}
    assert p.running_order_by_number == {}
    assert world.scheduler.pending() == []
    assert world.events.events == []


def states(number):
    return (number.osr_update.state, number.platform_provisioning.state,
            number.campaign_provisioning.state, {c.state for c in number.carriers.values()})


# --- creation -------------------------------------------------------------------------------------
def test_an_import_order_is_submitted_with_every_requested_field(world):
    order = import_order(world, DLC, display_name="Import numbers order", migrate_to_sinch_tmo=True)
    assert order.type is HostingOrderType.IMPORT
    assert order.state is HostingOrderState.SUBMITTED
    assert re.fullmatch(r"[0-9a-z]{26}", order.hosting_order_id)
    assert (order.project_id, order.region_code, order.service_plan_id, order.campaign_id) == (PROJECT, "US", PLAN, CAMPAIGN)
    assert (order.display_name, order.callback_url, order.migrate_to_sinch_tmo) == ("Import numbers order", CALLBACK, True)
    assert order.created_time == order.updated_time == world.clock.now()
    assert list(order.numbers) == DLC
    assert order.text_enable_info is None
    assert order.scheduled_osr_update_time is None


def test_every_number_starts_waiting_with_the_default_nnid(world):
    order = import_order(world, DLC)
    for number in order.numbers.values():
        assert states(number) == (State.WAITING, State.WAITING, State.WAITING, {State.WAITING})
        assert number.nnid == world.settings.default_nnid == "104029"
        assert number.hosting is State.WAITING


def test_without_a_campaign_the_campaign_step_does_not_apply(world):
    order = import_order(world, DLC, campaign_id="")
    assert {n.campaign_provisioning.state for n in order.numbers.values()} == {State.STATE_UNSPECIFIED}


def test_the_order_holds_its_numbers_while_it_runs(world):
    order = import_order(world, DLC)
    assert world.project(PROJECT).running_order_by_number == {n: order.hosting_order_id for n in DLC}


def test_two_orders_get_different_ids(world):
    first = import_order(world, DLC[:1])
    second = import_order(world, DLC[1:])
    assert first.hosting_order_id != second.hosting_order_id


# --- the lifecycle --------------------------------------------------------------------------------
def test_the_order_is_picked_up_after_the_submission_delay(world):
    order = import_order(world, DLC)
    advance(world, durations(world)["submission"] - 1)
    assert order.state is HostingOrderState.SUBMITTED
    advance(world, 1)
    assert order.state is HostingOrderState.IN_PROGRESS
    assert order.scheduled_osr_update_time == world.clock.now()
    for number in order.numbers.values():
        assert number.osr_update.state is State.IN_PROGRESS
        assert number.hosting is State.IN_PROGRESS


def test_each_step_follows_the_previous_one_on_the_clock(world):
    d = durations(world)
    order = import_order(world, DLC)
    number = order.numbers[DLC[0]]
    advance(world, d["submission"])
    advance(world, d["osr"] - 1)
    assert states(number)[:2] == (State.IN_PROGRESS, State.WAITING)
    advance(world, 1)
    assert states(number)[:3] == (State.DONE, State.IN_PROGRESS, State.WAITING)
    advance(world, d["platform"])
    assert states(number)[:3] == (State.DONE, State.DONE, State.IN_PROGRESS)
    advance(world, d["campaign"])
    assert states(number) == (State.DONE, State.DONE, State.DONE, {State.IN_PROGRESS})
    assert order.state is HostingOrderState.IN_PROGRESS
    advance(world, d["carriers"])
    assert states(number) == (State.DONE, State.DONE, State.DONE, {State.DONE})
    assert number.hosting is State.DONE
    assert order.state is HostingOrderState.COMPLETED


def test_a_completed_number_becomes_an_imported_number_with_the_order_settings(world):
    order = import_order(world, DLC, display_name="mine", migrate_to_sinch_tmo=True)
    run_to_end(world, order)
    for phone in DLC:
        imported = world.imported_numbers.get(PROJECT, phone)
        assert (imported.service_plan_id, imported.campaign_id) == (PLAN, CAMPAIGN)
        assert (imported.region_code, imported.display_name, imported.callback_url) == ("US", "mine", CALLBACK)
        assert imported.hosting_order_id == order.hosting_order_id
        assert imported.migrate_to_sinch_tmo is True
        assert imported.sms_provisioning.state is State.DONE
        assert {c.state for c in imported.mno.values()} == {State.DONE}


def test_a_finished_order_releases_its_numbers(world):
    order = import_order(world, DLC)
    run_to_end(world, order)
    assert order.state is HostingOrderState.COMPLETED
    assert world.project(PROJECT).running_order_by_number == {}


def test_every_step_records_its_event_for_the_callback_url(world):
    order = import_order(world, DLC[:1])
    run_to_end(world, order)
    seen = [(e.resource_type.value, e.event_type.value, e.resource_id, e.status, e.destination)
            for e in world.events.events]
    assert seen == [
        ("HOSTING_ORDER_NUMBER", kind, DLC[0], "SUCCEEDED", CALLBACK)
        for kind in ("OSR_UPDATE", "PROVISIONING_TO_SMS_PLATFORM", "LINK_TO_10DLC_CAMPAIGN", "HOSTING_PROCESS")
    ]


def test_events_carry_the_time_of_their_step(world):
    d = durations(world)
    start = world.clock.now()
    order = import_order(world, DLC[:1])
    run_to_end(world, order)
    offsets = [(e.timestamp - start).total_seconds() for e in world.events.events]
    osr = d["submission"] + d["osr"]
    assert offsets == [osr, osr + d["platform"], osr + d["platform"] + d["campaign"],
                       osr + d["platform"] + d["campaign"] + d["carriers"]]


def test_without_a_callback_url_events_have_no_destination(world):
    order = import_order(world, DLC[:1], callback_url="")
    run_to_end(world, order)
    assert {e.destination for e in world.events.events} == {None}


def test_without_a_campaign_no_link_event_is_recorded(world):
    order = import_order(world, DLC[:1], campaign_id="")
    run_to_end(world, order)
    assert [e.event_type.value for e in world.events.events] == [
        "OSR_UPDATE", "PROVISIONING_TO_SMS_PLATFORM", "HOSTING_PROCESS"]
    assert world.imported_numbers.get(PROJECT, DLC[0]).campaign_id == ""
    assert order.state is HostingOrderState.COMPLETED


def test_a_toll_free_number_is_imported_without_a_campaign(world):
    order = import_order(world, TOLL_FREE[:1], campaign_id="")
    run_to_end(world, order)
    assert order.numbers[TOLL_FREE[0]].hosting is State.DONE
    assert world.imported_numbers.is_imported(PROJECT, TOLL_FREE[0])


def test_updated_time_moves_with_every_step(world):
    order = import_order(world, DLC[:1])
    advance(world, durations(world)["submission"])
    assert order.updated_time == world.clock.now()
    advance(world, durations(world)["osr"])
    assert order.updated_time == world.clock.now()
    assert order.numbers[DLC[0]].updated_time == world.clock.now()


# --- limits ---------------------------------------------------------------------------------------
def test_five_numbers_are_accepted(world):
    assert len(import_order(world, FIVE).numbers) == 5


def test_six_numbers_are_refused_naming_the_limit(world):
    error = refused(world, SIX)
    assert (error.http_status, error.status) == (400, "INVALID_ARGUMENT")
    assert "at most 5" in error.message and "import order limit" in error.message
    assert error.violations[0].field == "numbers"
    assert_nothing_written(world)


def test_the_project_limit_can_be_raised(world):
    world.project(PROJECT).limits.import_order_numbers = 6
    assert len(import_order(world, SIX).numbers) == 6
    assert refused(world, SIX, project="other").http_status == 400


def test_the_global_limit_applies_to_projects_without_their_own(world):
    world.settings.limits.import_order_numbers = 2
    assert refused(world, FIVE[:3]).http_status == 400
    assert len(import_order(world, FIVE[:2]).numbers) == 2


def test_an_empty_request_is_refused(world):
    error = refused(world, [])
    assert error.http_status == 400 and error.violations[0].field == "numbers"


# --- numbers --------------------------------------------------------------------------------------
@pytest.mark.parametrize("bad", ["12025550134", "+1202555013", "+442071838750", "not a number"])
def test_an_invalid_number_is_refused_naming_it(world, bad):
    error = refused(world, [DLC[0], bad])
    assert error.http_status == 400
    assert [v.field for v in error.violations] == ["numbers[1]"]
    assert_nothing_written(world)


def test_a_number_of_another_region_is_refused(world):
    error = refused(world, ["+16135550123"])  # Ottawa, CA
    assert error.http_status == 400 and "CA" in error.violations[0].description
    assert len(import_order(world, ["+16135550123"], region_code="CA").numbers) == 1


def test_every_bad_number_is_named_at_once(world):
    error = refused(world, ["bad", DLC[0], "+1202555013"])
    assert [v.field for v in error.violations] == ["numbers[0]", "numbers[2]"]


def test_a_duplicate_inside_the_request_is_refused(world):
    error = refused(world, [DLC[0], DLC[1], DLC[0]])
    assert error.http_status == 400
    assert [v.field for v in error.violations] == ["numbers[2]"]
    assert "numbers[0]" in error.violations[0].description
    assert_nothing_written(world)


@pytest.mark.parametrize("region", ["", "GB", "us"])
def test_the_region_must_be_us_or_ca(world, region):
    error = refused(world, DLC, region_code=region)
    assert error.http_status == 400 and error.violations[0].field == "regionCode"


@pytest.mark.parametrize("plan", ["", "   "])
def test_a_service_plan_is_required(world, plan):
    error = refused(world, DLC, service_plan_id=plan)
    assert error.http_status == 400 and error.violations[0].field == "servicePlanId"


# --- conflicts ------------------------------------------------------------------------------------
def test_a_number_in_a_running_order_is_a_conflict(world):
    first = import_order(world, DLC[:1])
    error = refused(world, [DLC_OTHER, DLC[0]])
    assert (error.http_status, error.status) == (409, "ALREADY_EXISTS")
    assert error.violations[0].field == "numbers[1]"
    assert first.hosting_order_id in error.message or first.hosting_order_id in error.violations[0].description
    assert len(world.project(PROJECT).hosting_orders) == 1
    assert DLC_OTHER not in world.project(PROJECT).running_order_by_number


def test_an_imported_number_is_a_conflict(world):
    world.imported_numbers.import_number(PROJECT, NewImportedNumber(DLC[0], "US", PLAN))
    error = refused(world, DLC)
    assert error.http_status == 409
    assert "already an imported number" in error.violations[0].description


def test_a_number_imported_by_a_completed_order_cannot_be_ordered_again(world):
    run_to_end(world, import_order(world, DLC[:1]))
    assert refused(world, DLC[:1]).http_status == 409


def test_a_number_is_hosted_once_across_projects(world):
    import_order(world, DLC)
    with pytest.raises(ApiError) as caught:
        import_order(world, [DLC_OTHER, DLC[1]], project="another")
    error = caught.value
    assert error.http_status == 409 and [v.field for v in error.violations] == ["numbers[1]"]
    assert PROJECT not in error.message and PROJECT not in error.violations[0].description
    assert world.project("another").hosting_orders == {}


def test_a_refused_request_writes_nothing(world):
    import_order(world, DLC[:1])
    before = world.project(PROJECT).model_dump()
    jobs = len(world.scheduler.pending())
    refused(world, [DLC_OTHER, DLC[0]])
    refused(world, [DLC_OTHER, "bad"])
    assert world.project(PROJECT).model_dump() == before
    assert len(world.scheduler.pending()) == jobs

