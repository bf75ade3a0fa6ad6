"""Text-enable orders (10DLC and toll-free): refusals, the LOA signature and the lifecycle."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest

from mock_server.core.errors import ApiError
from mock_server.domain.hosting_orders.letters_of_authorization import rescheduled_zipwhip_time
from mock_server.domain.hosting_orders.model import (
    HostingOrderState,
    HostingOrderType,
    LoaStatus,
    LoaType,
)
from mock_server.domain.imported_numbers.service import NewImportedNumber
from mock_server.domain.provisioning import State
from mock_server.domain.qualified_numbers.model import GlobalProcessState as Q
from tests.hosting_support import (
    CAMPAIGN,
    DLC,
    DLC_OTHER,
    PLAN,
    PROJECT,
    TOLL_FREE,
    add_verified,
    durations,
    import_order,
    letter,
    run_to_end,
    text_enable_order,
    text_enable_request,
    toll_free_request,
)
from tests.engine_support import advance, move_to

S = HostingOrderState


def refused(world, request, project=PROJECT) -> ApiError:
    with pytest.raises(ApiError) as caught:
        with world.transaction():
            world.hosting_orders.text_enable(project, request)
    return caught.value


def qualified_state(world, phone, project=PROJECT):
    return world.qualified_numbers.get(project, phone).state


def pick_up(world):
    advance(world, durations(world)["submission"])


def sign(world, order):
    with world.transaction():
        return world.hosting_orders.sign_loa(order.project_id, order.hosting_order_id)


def decline(world, order):
    with world.transaction():
        return world.hosting_orders.decline_loa(order.project_id, order.hosting_order_id)


# --- creation -------------------------------------------------------------------------------------
@pytest.mark.parametrize("loa_type", list(LoaType))
def test_a_text_enable_order_carries_its_letter_of_authorization(world, loa_type):
    order = text_enable_order(world, DLC, loa_type)
    assert order.type is HostingOrderType.TEXT_ENABLE
    assert order.state is S.SUBMITTED
    info = order.text_enable_info
    assert info.loa_type is loa_type
    assert info.nnid == order.nnid == world.settings.default_nnid
    assert info.service_provider == "Sinch America Inc."
    assert info.status is (LoaStatus.NOT_REQUIRED if loa_type is LoaType.BLANKET else LoaStatus.PENDING)
    if loa_type is LoaType.RESELLER:
        assert info.business_name == "Acme, Inc."
    if loa_type is not LoaType.BLANKET:
        assert (info.authorised_person.email, info.address.city, info.current_voice_carrier) == (
            "email@domain.com", "Chicago", "Verizon")


def test_the_qualified_numbers_enter_hosting(world):
    order = text_enable_order(world, DLC)
    for phone in DLC:
        number = world.qualified_numbers.get(PROJECT, phone)
        assert number.state is Q.HOSTING_IN_PROGRESS
        assert number.hosting_order_id == order.hosting_order_id
    assert world.project(PROJECT).running_order_by_number == {p: order.hosting_order_id for p in DLC}


def test_a_given_nnid_is_used(world):
    order = text_enable_order(world, DLC, nnid="123456")
    assert order.text_enable_info.nnid == "123456"
    assert {n.nnid for n in order.numbers.values()} == {"123456"}


def test_the_scheduled_osr_update_time_is_kept(world):
    at = world.clock.now() + timedelta(hours=2)
    assert text_enable_order(world, DLC, scheduled_osr_update_time=at).scheduled_osr_update_time == at


# --- refusals -------------------------------------------------------------------------------------
def test_an_unknown_qualified_number_is_not_found(world):
    add_verified(world, DLC[:1])
    error = refused(world, text_enable_request(DLC))
    assert (error.http_status, error.status) == (404, "NOT_FOUND")
    assert DLC[1] in error.message and DLC[0] not in error.message


@pytest.mark.parametrize("state", [Q.ELIGIBLE_CHECK_PENDING, Q.ELIGIBLE, Q.NOT_ELIGIBLE, Q.VERIFICATION_PENDING,
                                   Q.VERIFICATION_FAILED, Q.VERIFICATION_BLOCKED, Q.HOSTING_FAILED])
def test_a_number_that_is_not_verified_is_a_failed_precondition(world, state):
    add_verified(world, DLC[:1])
    add_verified(world, DLC[1:], state=state)
    error = refused(world, text_enable_request(DLC))
    assert (error.http_status, error.status) == (400, "FAILED_PRECONDITION")
    assert DLC[1] in error.message
    assert [v.field for v in error.violations] == ["numbers[1]"]
    assert qualified_state(world, DLC[0]) is Q.VERIFIED


def test_every_unverified_number_is_listed(world):
    add_verified(world, DLC, state=Q.ELIGIBLE)
    error = refused(world, text_enable_request(DLC))
    assert all(p in error.message for p in DLC)


def test_a_number_qualified_in_another_region_is_a_failed_precondition(world):
    unplaced = "+11234567890"  # phonenumbers knows no region for it (E-NUM-1)
    add_verified(world, [unplaced], region="CA")
    error = refused(world, text_enable_request([unplaced]))
    assert error.status == "FAILED_PRECONDITION" and "CA" in error.violations[0].description


def test_a_number_in_a_running_order_is_a_conflict(world):
    add_verified(world, DLC)
    import_order(world, DLC[:1])
    error = refused(world, text_enable_request(DLC))
    assert (error.http_status, error.status) == (409, "ALREADY_EXISTS")
    assert qualified_state(world, DLC[1]) is Q.VERIFIED


def test_a_number_already_text_enabled_is_a_conflict(world):
    text_enable_order(world, DLC)
    error = refused(world, text_enable_request(DLC))
    assert error.http_status == 409


def test_an_imported_number_is_a_conflict(world):
    add_verified(world, DLC)
    world.imported_numbers.import_number(PROJECT, NewImportedNumber(DLC[0], "US", PLAN))
    error = refused(world, text_enable_request(DLC))
    assert error.http_status == 409 and "imported" in error.violations[0].description


def test_a_toll_free_number_is_refused_with_tfn_not_allowed(world):
    add_verified(world, DLC + TOLL_FREE[:1])
    error = refused(world, text_enable_request(DLC + TOLL_FREE[:1]))
    assert (error.http_status, error.status) == (400, "INVALID_ARGUMENT")
    assert "TFN_NOT_ALLOWED" in error.message
    assert [v.field for v in error.violations] == ["numbers[2]"]


def test_the_text_enable_limit_is_500(world):
    numbers = [f"+1312555{n:04d}" for n in range(1000, 1501)]
    add_verified(world, numbers)
    error = refused(world, text_enable_request(numbers))
    assert error.http_status == 400 and "at most 500" in error.message
    with world.transaction():
        order = world.hosting_orders.text_enable(PROJECT, text_enable_request(numbers[:500]))
    assert len(order.numbers) == 500


def test_no_numbers_is_refused(world):
    assert refused(world, text_enable_request([])).violations[0].field == "numbers"


def test_a_campaign_is_required_for_10dlc(world):
    add_verified(world, DLC)
    error = refused(world, text_enable_request(DLC, campaign_id=""))
    assert error.http_status == 400 and error.violations[0].field == "campaignId"


def test_a_service_plan_is_required(world):
    add_verified(world, DLC)
    assert refused(world, text_enable_request(DLC, service_plan_id="")).violations[0].field == "servicePlanId"


def test_a_letter_of_authorization_is_required(world):
    add_verified(world, DLC)
    error = refused(world, text_enable_request(DLC, letters=[]))
    assert error.http_status == 400
    assert [v.field for v in error.violations] == ["directLoaInfo", "resellerLoaInfo", "blanketLoaInfo"]


def test_only_one_letter_of_authorization_may_be_given(world):
    add_verified(world, DLC)
    error = refused(world, text_enable_request(DLC, letters=[letter(LoaType.DIRECT), letter(LoaType.BLANKET)]))
    assert error.http_status == 400
    assert [v.field for v in error.violations] == ["directLoaInfo", "blanketLoaInfo"]


def test_a_refused_text_enable_writes_nothing(world):
    add_verified(world, DLC)
    add_verified(world, [DLC_OTHER], state=Q.ELIGIBLE)
    before = world.project(PROJECT).model_dump()
    refused(world, text_enable_request(DLC + [DLC_OTHER]))
    refused(world, text_enable_request(DLC, letters=[]))
    assert world.project(PROJECT).model_dump() == before
    assert world.scheduler.pending() == []


# --- toll-free ------------------------------------------------------------------------------------
@pytest.mark.parametrize("loa_type", [LoaType.DIRECT, LoaType.RESELLER])
def test_toll_free_numbers_are_text_enabled_without_a_campaign(world, loa_type):
    order = text_enable_order(world, TOLL_FREE, loa_type, toll_free=True)
    assert order.toll_free and order.campaign_id == ""
    assert {n.campaign_provisioning.state for n in order.numbers.values()} == {State.STATE_UNSPECIFIED}
    pick_up(world)
    sign(world, order)
    run_to_end(world, order)
    assert order.state is S.COMPLETED
    assert all(qualified_state(world, p) is Q.HOSTING_DONE for p in TOLL_FREE)
    assert [e.event_type.value for e in world.events.events if e.resource_id == TOLL_FREE[0]] == [
        "OSR_UPDATE", "PROVISIONING_TO_SMS_PLATFORM", "HOSTING_PROCESS"]


def test_the_toll_free_entry_point_refuses_other_numbers(world):
    add_verified(world, TOLL_FREE[:1] + DLC[:1])
    error = refused(world, toll_free_request(TOLL_FREE[:1] + DLC[:1]))
    assert error.http_status == 400 and [v.field for v in error.violations] == ["numbers[1]"]


def test_the_toll_free_entry_point_refuses_a_blanket_loa(world):
    add_verified(world, TOLL_FREE)
    error = refused(world, toll_free_request(TOLL_FREE, LoaType.BLANKET))
    assert error.http_status == 400 and error.violations[0].field == "blanketLoaInfo"


def test_the_toll_free_entry_point_refuses_a_campaign(world):
    add_verified(world, TOLL_FREE)
    error = refused(world, toll_free_request(TOLL_FREE, campaign_id=CAMPAIGN))
    assert error.http_status == 400 and error.violations[0].field == "campaignId"


def test_zipwhip_provisioning_waits_for_its_scheduled_time(world):
    at = world.clock.now() + timedelta(hours=3)
    order = text_enable_order(world, TOLL_FREE, toll_free=True, scheduled_zipwhip_provisioning_time=at)
    assert order.scheduled_osr_update_time == order.scheduled_zipwhip_provisioning_time == at
    sign(world, order)
    pick_up(world)
    assert order.state is S.IN_PROGRESS
    move_to(world, at - timedelta(seconds=1))
    assert {n.osr_update.state for n in order.numbers.values()} == {State.WAITING}
    advance(world, 1)
    assert {n.osr_update.state for n in order.numbers.values()} == {State.IN_PROGRESS}


def test_a_signature_after_the_zipwhip_time_moves_it_to_the_next_day(world):
    at = world.clock.now() + timedelta(hours=1)
    order = text_enable_order(world, TOLL_FREE, toll_free=True, scheduled_zipwhip_provisioning_time=at)
    pick_up(world)
    advance(world, 2 * 3600)
    signed = world.clock.now()
    sign(world, order)
    moved = datetime.combine(signed.date() + timedelta(days=1), at.timetz())
    assert order.scheduled_zipwhip_provisioning_time == order.scheduled_osr_update_time == moved
    move_to(world, moved - timedelta(seconds=1))
    assert {n.osr_update.state for n in order.numbers.values()} == {State.WAITING}
    advance(world, 1)
    assert {n.osr_update.state for n in order.numbers.values()} == {State.IN_PROGRESS}


def test_a_signature_before_the_zipwhip_time_keeps_it(world):
    at = world.clock.now() + timedelta(days=2)
    order = text_enable_order(world, TOLL_FREE, toll_free=True, scheduled_zipwhip_provisioning_time=at)
    pick_up(world)
    sign(world, order)
    assert order.scheduled_zipwhip_provisioning_time == at


@pytest.mark.parametrize(("scheduled", "signed", "expected"), [
    ("2026-01-05T14:00:00", "2026-01-05T13:59:59", "2026-01-05T14:00:00"),
    ("2026-01-05T14:00:00", "2026-01-05T14:00:00", "2026-01-05T14:00:00"),
    ("2026-01-05T14:00:00", "2026-01-05T14:00:01", "2026-01-06T14:00:00"),
    ("2026-01-05T14:00:00", "2026-01-09T09:30:00", "2026-01-10T14:00:00"),
    ("2023-01-13T14:34:40.968", "2026-01-05T23:59:59", "2026-01-06T14:34:40.968"),
])
def test_rescheduled_zipwhip_time(scheduled, signed, expected):
    def utc(text):
        return datetime.fromisoformat(text).replace(tzinfo=timezone.utc)

    assert rescheduled_zipwhip_time(utc(scheduled), utc(signed)) == utc(expected)


# --- the Letter of Authorization ------------------------------------------------------------------
@pytest.mark.parametrize("loa_type", [LoaType.DIRECT, LoaType.RESELLER])
def test_a_direct_or_reseller_loa_waits_for_its_signature(world, loa_type):
    order = text_enable_order(world, DLC, loa_type)
    pick_up(world)
    assert order.state is S.WAITING_FOR_LOA_SIGNATURE
    assert order.text_enable_info.sent_time == world.clock.now()
    advance(world, 30 * 86400)
    assert order.state is S.WAITING_FOR_LOA_SIGNATURE
    assert {n.osr_update.state for n in order.numbers.values()} == {State.WAITING}
    sign(world, order)
    assert order.state is S.IN_PROGRESS
    assert order.text_enable_info.status is LoaStatus.SIGNED
    assert order.text_enable_info.signed_time == world.clock.now()
    assert {n.osr_update.state for n in order.numbers.values()} == {State.IN_PROGRESS}


def test_a_blanket_loa_needs_no_signature(world):
    order = text_enable_order(world, DLC, LoaType.BLANKET)
    pick_up(world)
    assert order.state is S.IN_PROGRESS


def test_a_loa_signed_before_pick_up_starts_the_order_at_pick_up(world):
    order = text_enable_order(world, DLC)
    sign(world, order)
    assert order.state is S.SUBMITTED
    pick_up(world)
    assert order.state is S.IN_PROGRESS


def test_a_signed_order_completes_and_its_numbers_become_hosted(world):
    order = text_enable_order(world, DLC)
    pick_up(world)
    sign(world, order)
    run_to_end(world, order)
    assert order.state is S.COMPLETED
    for phone in DLC:
        qualified = world.qualified_numbers.get(PROJECT, phone)
        assert (qualified.state, qualified.hosted_number.status) == (Q.HOSTING_DONE, 1)
        imported = world.imported_numbers.get(PROJECT, phone)
        assert (imported.service_plan_id, imported.campaign_id) == (PLAN, CAMPAIGN)
    assert world.project(PROJECT).running_order_by_number == {}


def test_the_osr_update_waits_for_the_scheduled_time(world):
    at = world.clock.now() + timedelta(hours=5)
    order = text_enable_order(world, DLC, LoaType.BLANKET, scheduled_osr_update_time=at)
    pick_up(world)
    assert order.state is S.IN_PROGRESS
    move_to(world, at - timedelta(seconds=1))
    assert {n.osr_update.state for n in order.numbers.values()} == {State.WAITING}
    advance(world, 1)
    assert {n.osr_update.state for n in order.numbers.values()} == {State.IN_PROGRESS}


def test_a_past_osr_update_time_means_at_once(world):
    past = datetime(2023, 1, 13, 14, 34, 40, 968000, tzinfo=timezone.utc)
    order = text_enable_order(world, DLC, LoaType.BLANKET, scheduled_osr_update_time=past)
    pick_up(world)
    assert {n.osr_update.state for n in order.numbers.values()} == {State.IN_PROGRESS}
    assert order.scheduled_osr_update_time == past


@pytest.mark.parametrize("when", ["submitted", "waiting"])
def test_a_declined_loa_rejects_the_order_and_frees_its_numbers(world, when):
    order = text_enable_order(world, DLC)
    if when == "waiting":
        pick_up(world)
    decline(world, order)
    assert order.state is S.REJECTED
    assert order.text_enable_info.status is LoaStatus.DECLINED
    assert world.scheduler.pending() == []  # nothing of the order is left to run
    assert world.project(PROJECT).running_order_by_number == {}
    for phone in DLC:
        qualified = world.qualified_numbers.get(PROJECT, phone)
        assert (qualified.state, qualified.hosted_number.status) == (Q.VERIFIED, 0)
    advance(world, 3600)
    assert order.state is S.REJECTED
    assert {n.osr_update.state for n in order.numbers.values()} == {State.WAITING}
    assert world.events.events == []
    again = text_enable_order(world, DLC)
    assert again.state is S.SUBMITTED


def test_a_loa_may_be_signed_automatically(world):
    world.settings.timings.loa_auto_sign = 300
    order = text_enable_order(world, DLC)
    pick_up(world)
    advance(world, 299)
    assert order.state is S.WAITING_FOR_LOA_SIGNATURE
    advance(world, 1)
    assert order.state is S.IN_PROGRESS
    assert order.text_enable_info.status is LoaStatus.SIGNED


def test_a_manual_signature_cancels_the_automatic_one(world):
    world.settings.timings.loa_auto_sign = 300
    order = text_enable_order(world, DLC)
    pick_up(world)
    sign(world, order)
    signed_at = order.text_enable_info.signed_time
    advance(world, 300)
    assert order.text_enable_info.signed_time == signed_at


def test_a_declined_loa_is_not_signed_automatically(world):
    world.settings.timings.loa_auto_sign = 300
    order = text_enable_order(world, DLC)
    pick_up(world)
    decline(world, order)
    advance(world, 600)
    assert order.state is S.REJECTED


def control_refusal(world, action, order) -> ApiError:
    with pytest.raises(ApiError) as caught:
        action(world, order)
    return caught.value


@pytest.mark.parametrize("action", [sign, decline])
def test_an_import_order_has_no_loa(world, action):
    order = import_order(world, DLC)
    error = control_refusal(world, action, order)
    assert (error.http_status, error.status) == (400, "FAILED_PRECONDITION")
    assert "import order" in error.message


@pytest.mark.parametrize("action", [sign, decline])
def test_a_blanket_loa_is_never_signed_or_declined(world, action):
    order = text_enable_order(world, DLC, LoaType.BLANKET)
    assert "blanket" in control_refusal(world, action, order).message


@pytest.mark.parametrize("action", [sign, decline])
def test_a_signed_loa_cannot_be_signed_or_declined_again(world, action):
    order = text_enable_order(world, DLC)
    pick_up(world)
    sign(world, order)
    error = control_refusal(world, action, order)
    assert error.status == "FAILED_PRECONDITION" and "signed already" in error.message
    assert order.state is S.IN_PROGRESS


@pytest.mark.parametrize("action", [sign, decline])
def test_a_rejected_order_cannot_be_signed_or_declined(world, action):
    order = text_enable_order(world, DLC)
    decline(world, order)
    error = control_refusal(world, action, order)
    assert error.status == "FAILED_PRECONDITION" and "REJECTED" in error.message


def test_signing_an_unknown_order_is_not_found(world):
    with pytest.raises(ApiError) as caught:
        world.hosting_orders.sign_loa(PROJECT, "01nosuchorder0000000000000")
    assert caught.value.http_status == 404
