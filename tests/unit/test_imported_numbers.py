"""Rules and lifecycles of imported numbers, driven on the domain directly."""

from datetime import timedelta

import pytest

from mock_server.core.clock import Clock
from mock_server.core.errors import ApiError
from mock_server.core.rng import Rng
from mock_server.domain.imported_numbers.requests import ImportedNumberFilter
from mock_server.domain.imported_numbers.service import (
    DONE,
    FAILED,
    PENDING,
    ImportedNumberChange,
    NewImportedNumber,
)
from mock_server.domain.provisioning import State
from mock_server.domain.world import World
from tests.conftest import START
from tests.engine_support import advance

NUMBER = "+12025550134"
HOOK = "https://hooks.example.test/sinch"


def imported(world, phone=NUMBER, plan="plan-1", campaign="", callback_url=HOOK, project="p1"):
    return world.imported_numbers.import_number(
        project, NewImportedNumber(phone, "US", plan, campaign, callback_url=callback_url))


def events(world):
    return [(e.event_type.value, e.status, e.failure_code) for e in world.events.events]


def test_import_starts_provisioning_and_shows_the_pending_change(world):
    number = imported(world, campaign="camp-1")
    assert number.sms_provisioning.state == State.IN_PROGRESS
    assert number.campaign_provisioning.state == State.WAITING
    assert {c.state for c in number.mno.values()} == {State.WAITING}
    assert number.scheduled_provisioning.status == PENDING
    assert number.scheduled_provisioning.service_plan_id == "plan-1"


def test_provisioning_runs_sms_then_carriers_and_campaign_on_the_clock(world):
    timings = world.settings.timings
    number = imported(world, campaign="camp-1")
    advance(world, timings.sms_provisioning - 1)
    assert number.sms_provisioning.state == State.IN_PROGRESS
    advance(world, 1)
    assert number.sms_provisioning.state == State.DONE
    assert number.campaign_provisioning.state == State.IN_PROGRESS
    assert {c.state for c in number.mno.values()} == {State.IN_PROGRESS}
    advance(world, max(timings.campaign_provisioning, timings.carrier_configuration))
    assert number.campaign_provisioning.state == State.DONE
    assert {c.state for c in number.mno.values()} == {State.DONE}
    assert number.scheduled_provisioning is None
    assert events(world) == [("PROVISIONING_TO_SMS_PLATFORM", "SUCCEEDED", None),
                             ("LINK_TO_10DLC_CAMPAIGN", "SUCCEEDED", None)]


def test_event_timestamps_are_when_the_step_finished_and_go_to_the_callback_url(world):
    start = world.clock.now()
    imported(world)
    advance(world, 3600)
    event = world.events.events[0]
    assert event.timestamp == start + timedelta(seconds=world.settings.timings.sms_provisioning)
    assert event.destination == HOOK and event.resource_type.value == "IMPORTED_NUMBER"


def test_no_callback_url_means_no_destination(world):
    imported(world, callback_url="")
    advance(world, 3600)
    assert world.events.events[0].state.value == "no_destination"


def test_a_number_imported_twice_is_409_and_changes_nothing(world):
    imported(world)
    with pytest.raises(ApiError) as caught:
        imported(world, plan="plan-2")
    assert caught.value.http_status == 409
    assert world.imported_numbers.get("p1", NUMBER).service_plan_id == "plan-1"


def test_a_number_is_hosted_once_across_projects(world):
    imported(world, project="p1")
    with pytest.raises(ApiError) as caught:
        imported(world, project="p2")
    assert caught.value.http_status == 409 and caught.value.status == "ALREADY_EXISTS"
    assert "p1" not in caught.value.message and "p1" not in caught.value.violations[0].description
    assert not world.imported_numbers.is_imported("p2", NUMBER)
    world.imported_numbers.delete("p1", NUMBER)
    assert imported(world, project="p2").project_id == "p2"  # free again once deleted


def test_a_number_in_a_running_hosting_order_is_409(world):
    world.project("p1").running_order_by_number[NUMBER] = "order-1"
    with pytest.raises(ApiError) as caught:
        imported(world)
    assert caught.value.http_status == 409 and "order-1" in caught.value.message


@pytest.mark.parametrize("suffix,code", [("10", "CAMPAIGN_NOT_AVAILABLE"), ("17", "CAMPAIGN_EXPIRED"),
                                         ("11", "EXCEEDED_10DLC_LIMIT")])
def test_magic_numbers_fail_campaign_linking_with_their_code(world, suffix, code):
    number = imported(world, phone=f"+120255501{suffix}", campaign="camp-1")
    advance(world, 3600)
    assert number.campaign_provisioning.state == State.FAILED
    assert number.campaign_provisioning.error_code == code
    assert number.scheduled_provisioning.status == FAILED
    assert number.scheduled_provisioning.error_codes
    assert ("LINK_TO_10DLC_CAMPAIGN", "FAILED", code) in events(world)


def test_sms_platform_failure_is_binary_and_stops_the_dependent_steps(world):
    number = imported(world, phone="+12025550112", campaign="camp-1")
    advance(world, 3600)
    assert number.sms_provisioning.state == State.FAILED
    assert number.sms_provisioning.error_code == "NUMBER_PROVISIONING_FAILED"
    assert number.campaign_provisioning.state == State.STATE_UNSPECIFIED
    assert events(world) == [("PROVISIONING_TO_SMS_PLATFORM", "FAILED", None)]


def test_a_carrier_failure_shows_on_that_carrier_only(world):
    number = imported(world, phone="+12025550130")
    advance(world, 3600)
    assert number.mno["smsAtt"].state == State.FAILED and number.mno["smsAtt"].error_message
    assert number.mno["smsTmo"].state == State.DONE
    assert number.scheduled_provisioning is None  # a carrier follow-up does not fail the change


def test_toll_free_numbers_cannot_join_a_10dlc_campaign(world):
    number = imported(world, phone="+18335870229", campaign="camp-1")
    advance(world, 3600)
    assert number.campaign_provisioning.error_code == "TFN_NOT_ALLOWED"


def test_scenario_campaign_states_drive_failure_codes(world):
    world.outcomes.campaign_failures["camp-x"] = "CAMPAIGN_MNO_SUSPENDED"
    number = imported(world, campaign="camp-x")
    advance(world, 3600)
    assert number.campaign_provisioning.error_code == "CAMPAIGN_MNO_SUSPENDED"


def settle(world, number):
    advance(world, 3600)
    assert number.scheduled_provisioning is None


def test_patch_leaves_omitted_fields_as_they_are(world):
    number = imported(world, campaign="camp-1")
    settle(world, number)
    world.imported_numbers.update("p1", NUMBER, ImportedNumberChange(display_name="Front desk"))
    assert (number.display_name, number.service_plan_id, number.campaign_id, number.callback_url) == \
        ("Front desk", "plan-1", "camp-1", HOOK)


@pytest.mark.parametrize("change", [ImportedNumberChange(service_plan_id="plan-2"),
                                    ImportedNumberChange(campaign_id="camp-2")])
def test_relinking_without_unlinking_first_is_refused(world, change):
    number = imported(world, campaign="camp-1")
    settle(world, number)
    with pytest.raises(ApiError) as caught:
        world.imported_numbers.update("p1", NUMBER, change)
    assert caught.value.status == "FAILED_PRECONDITION" and "unlink it first" in caught.value.message
    assert (number.service_plan_id, number.campaign_id) == ("plan-1", "camp-1")


def test_a_change_while_provisioning_runs_is_queued_and_runs_after_it(world):
    number = imported(world, campaign="camp-1")
    world.imported_numbers.update("p1", NUMBER, ImportedNumberChange(display_name="x", service_plan_id=""))
    assert number.display_name == "x" and number.service_plan_id == "plan-1"  # still provisioning
    pending = number.scheduled_provisioning
    assert (pending.service_plan_id, pending.campaign_id, pending.status) == ("", "", PENDING)
    settle(world, number)
    assert (number.service_plan_id, number.campaign_id) == ("", "")
    assert [e[0] for e in events(world)] == ["PROVISIONING_TO_SMS_PLATFORM", "LINK_TO_10DLC_CAMPAIGN",
                                              "UNLINK_TO_10DLC_CAMPAIGN", "DEPROVISIONING_TO_SMS_PLATFORM"]


def test_unlink_and_relink_sent_back_to_back_both_run(world):
    """The workflow guide: set both to "", then the new values in a separate request."""
    number = imported(world, campaign="camp-1")
    settle(world, number)
    world.imported_numbers.update("p1", NUMBER, ImportedNumberChange(service_plan_id="", campaign_id=""))
    world.imported_numbers.update("p1", NUMBER, ImportedNumberChange(service_plan_id="plan-2", campaign_id="camp-2"))
    pending = number.scheduled_provisioning
    assert (pending.service_plan_id, pending.campaign_id, pending.status) == ("plan-2", "camp-2", PENDING)
    settle(world, number)
    assert (number.service_plan_id, number.campaign_id) == ("plan-2", "camp-2")
    assert number.sms_provisioning.type == "PROVISIONING" and number.sms_provisioning.state == State.DONE
    assert [e[0] for e in events(world)][-4:] == ["UNLINK_TO_10DLC_CAMPAIGN", "DEPROVISIONING_TO_SMS_PLATFORM",
                                                   "PROVISIONING_TO_SMS_PLATFORM", "LINK_TO_10DLC_CAMPAIGN"]


def test_a_queued_relink_without_unlink_is_still_refused(world):
    number = imported(world, campaign="camp-1")
    with pytest.raises(ApiError, match="unlink it first"):
        world.imported_numbers.update("p1", NUMBER, ImportedNumberChange(service_plan_id="plan-2"))
    assert not number.queued_changes and number.scheduled_provisioning.service_plan_id == "plan-1"


def test_a_queued_change_refused_when_its_turn_comes_is_dropped_as_failed(world):
    number = imported(world)
    world.imported_numbers.update("p1", NUMBER, ImportedNumberChange(service_plan_id=""))
    world.imported_numbers.update("p1", NUMBER, ImportedNumberChange(service_plan_id="plan-2"))
    assert [q.service_plan_id for q in number.queued_changes] == ["", "plan-2"]
    world.project("p1").service_plans = ["plan-1"]  # a scenario declares the plans meanwhile
    advance(world, 3600)
    assert number.service_plan_id == "" and not number.queued_changes
    pending = number.scheduled_provisioning
    assert (pending.service_plan_id, pending.status) == ("plan-2", FAILED)


def test_a_queued_campaign_behind_a_failed_link_retries_the_link_with_it(world):
    number = imported(world, phone="+12025550112")  # SMS platform provisioning fails every time
    world.imported_numbers.update("p1", "+12025550112", ImportedNumberChange(campaign_id="camp-1"))
    advance(world, 3600)
    assert number.campaign_id == "camp-1" and number.sms_provisioning.state == State.FAILED
    assert number.scheduled_provisioning.status == FAILED and not number.queued_changes
    assert [e[0] for e in events(world)] == ["PROVISIONING_TO_SMS_PLATFORM"] * 2


def test_a_campaign_needs_a_service_plan(world):
    number = imported(world)
    settle(world, number)
    with pytest.raises(ApiError, match="service plan"):
        world.imported_numbers.update("p1", NUMBER, ImportedNumberChange(service_plan_id="", campaign_id="c"))


def test_unlink_then_relink_runs_both_lifecycles_with_their_events(world):
    number = imported(world, campaign="camp-1")
    settle(world, number)
    world.imported_numbers.update("p1", NUMBER, ImportedNumberChange(service_plan_id="", campaign_id=""))
    assert number.scheduled_provisioning.status == PENDING
    assert number.campaign_provisioning.type == "DEPROVISIONING"
    assert number.sms_provisioning.type == "DEPROVISIONING"
    settle(world, number)
    assert (number.service_plan_id, number.campaign_id) == ("", "")
    assert events(world)[-2:] == [("UNLINK_TO_10DLC_CAMPAIGN", "SUCCEEDED", None),
                                  ("DEPROVISIONING_TO_SMS_PLATFORM", "SUCCEEDED", None)]
    world.imported_numbers.update("p1", NUMBER, ImportedNumberChange(service_plan_id="plan-2", campaign_id="camp-2"))
    settle(world, number)
    assert (number.service_plan_id, number.campaign_id) == ("plan-2", "camp-2")
    assert number.sms_provisioning.type == "PROVISIONING" and number.sms_provisioning.state == State.DONE


def test_linking_only_a_campaign_to_a_linked_number(world):
    number = imported(world)
    settle(world, number)
    world.imported_numbers.update("p1", NUMBER, ImportedNumberChange(campaign_id="camp-9"))
    assert number.campaign_provisioning.state == State.IN_PROGRESS
    settle(world, number)
    assert events(world)[-1] == ("LINK_TO_10DLC_CAMPAIGN", "SUCCEEDED", None)


def test_delete_records_an_event_cancels_pending_steps_and_allows_reimport(world):
    imported(world)
    world.imported_numbers.delete("p1", NUMBER)
    advance(world, 3600)
    assert events(world) == [("DELETE", "SUCCEEDED", None)]
    with pytest.raises(ApiError) as caught:
        world.imported_numbers.get("p1", NUMBER)
    assert caught.value.http_status == 404
    imported(world)
    assert world.imported_numbers.is_imported("p1", NUMBER)


def test_delete_of_an_absent_number_is_404(world):
    with pytest.raises(ApiError) as caught:
        world.imported_numbers.delete("p1", NUMBER)
    assert caught.value.http_status == 404


def test_a_number_adopted_from_a_hosting_order_is_provisioned_and_silent(world):
    number = world.imported_numbers.adopt_from_hosting_order(
        "p1", NUMBER, region_code="US", service_plan_id="plan", campaign_id="camp", display_name="",
        callback_url=HOOK, hosting_order_id="o1", migrate_to_sinch_tmo=True)
    assert number.sms_provisioning.state == State.DONE and number.campaign_provisioning.state == State.DONE
    assert number.scheduled_provisioning is None and not world.events.events
    world.imported_numbers.update("p1", NUMBER, ImportedNumberChange(campaign_id=""))
    advance(world, 3600)
    assert world.events.events[-1].resource_type.value == "IMPORTED_NUMBER"


def test_scheduled_status_done_value_is_distinct():
    assert len({PENDING, DONE, FAILED}) == 3


def test_listing_reads_only_the_project_asked_for(world):
    """A page of one project never walks another project's numbers."""
    from mock_server.domain.imported_numbers.service import ImportedNumberFilter

    imported(world, project="p1")
    imported(world, phone="+12025550135", project="p2")

    class Untouchable(dict):
        def values(self):
            raise AssertionError("another project's numbers were scanned")

    world.project("p2").__dict__["imported_numbers"] = Untouchable(world.project("p2").imported_numbers)
    found = world.imported_numbers.matching("p1", ImportedNumberFilter("plan-1", ""))
    assert [n.phone_number for n in found] == [NUMBER]


def test_migrate_to_sinch_tmo_resolves_t_mobile_error_60135(world):
    """The flag comes from an import hosting order (read-only elsewhere) and holds on relinking."""
    failing = imported(world, phone="+12025550131")
    migrated = world.imported_numbers.adopt_from_hosting_order(
        "p1", "+13125550131", region_code="US", service_plan_id="plan-1", campaign_id="", display_name="",
        callback_url="", hosting_order_id="o1", migrate_to_sinch_tmo=True)
    world.imported_numbers.update("p1", "+13125550131", ImportedNumberChange(service_plan_id=""))
    world.imported_numbers.update("p1", "+13125550131", ImportedNumberChange(service_plan_id="plan-2"))
    advance(world, 3600)
    assert failing.mno["smsTmo"].state == State.FAILED and failing.mno["smsTmo"].error_code == "60135"
    assert migrated.mno["smsTmo"].state == State.DONE and migrated.scheduled_provisioning is None
    assert migrated.service_plan_id == "plan-2"


def test_a_service_plan_whose_provisioning_failed_can_be_replaced_without_unlinking(world):
    number = imported(world, phone="+12025550112", campaign="camp-1")
    advance(world, 3600)
    world.imported_numbers.update("p1", "+12025550112", ImportedNumberChange(service_plan_id="plan-2"))
    assert number.sms_provisioning.state == State.IN_PROGRESS and number.service_plan_id == "plan-2"
    assert number.campaign_id == "camp-1" and number.scheduled_provisioning.status == PENDING


def test_a_failed_link_can_be_retried_with_the_same_id(world):
    number = imported(world, phone="+12025550112")
    advance(world, 3600)
    world.outcomes.overrides["+12025550112"] = world.outcomes.of("p1").for_number("+12025550134")  # fixed meanwhile
    world.imported_numbers.update("p1", "+12025550112", ImportedNumberChange(service_plan_id="plan-1"))
    advance(world, 3600)
    assert number.sms_provisioning.state == State.DONE and number.scheduled_provisioning is None


def test_dropping_links_that_never_took_effect_sends_no_events(world):
    number = imported(world, phone="+12025550112", campaign="camp-1")
    advance(world, 3600)
    before = len(world.events.events)
    world.imported_numbers.update("p1", "+12025550112", ImportedNumberChange(service_plan_id="", campaign_id=""))
    assert (number.service_plan_id, number.campaign_id, number.sms_provisioning, number.mno) == ("", "", None, {})
    assert number.scheduled_provisioning is None and len(world.events.events) == before


def test_a_failed_campaign_can_be_dropped_keeping_the_service_plan(world):
    number = imported(world, phone="+12025550110", campaign="camp-1")
    advance(world, 3600)
    world.imported_numbers.update("p1", "+12025550110", ImportedNumberChange(campaign_id=""))
    assert number.campaign_id == "" and number.campaign_provisioning is None
    assert number.scheduled_provisioning is None
    assert number.sms_provisioning.state == State.DONE  # the service plan stays linked


def test_unlinking_the_plan_alone_takes_the_campaign_with_it(world):
    number = imported(world, campaign="camp-1")
    settle(world, number)
    world.imported_numbers.update("p1", NUMBER, ImportedNumberChange(service_plan_id=""))
    assert number.campaign_provisioning.type == "DEPROVISIONING"
    settle(world, number)
    assert (number.service_plan_id, number.campaign_id) == ("", "")
    assert [e[0] for e in events(world)][-2:] == ["UNLINK_TO_10DLC_CAMPAIGN", "DEPROVISIONING_TO_SMS_PLATFORM"]


def test_unlinking_the_plan_while_naming_a_campaign_is_refused(world):
    number = imported(world, campaign="camp-1")
    settle(world, number)
    with pytest.raises(ApiError, match="needs a service plan|linked to a service plan"):
        world.imported_numbers.update("p1", NUMBER, ImportedNumberChange(service_plan_id="", campaign_id="camp-1"))
    assert (number.service_plan_id, number.campaign_id) == ("plan-1", "camp-1")


@pytest.mark.parametrize("plan", ["", "   ", "\t"])
def test_a_blank_service_plan_is_refused_on_import(world, plan):
    with pytest.raises(ApiError) as caught:
        imported(world, plan=plan)
    assert caught.value.violations[0].description == "is required and must not be blank"
    assert not world.imported_numbers.is_imported("p1", NUMBER)


def test_a_blank_service_plan_is_refused_on_update(world):
    number = imported(world)
    settle(world, number)
    world.imported_numbers.update("p1", NUMBER, ImportedNumberChange(service_plan_id=""))
    settle(world, number)
    with pytest.raises(ApiError, match="must not be blank"):
        world.imported_numbers.update("p1", NUMBER, ImportedNumberChange(service_plan_id="  "))


def test_a_project_with_declared_service_plans_refuses_others_as_documented(world):
    world.project("p1").service_plans = ["plan-1"]
    with pytest.raises(ApiError) as caught:
        imported(world, plan="plan-x")
    error = caught.value
    assert (error.http_status, error.status, error.message) == (400, "INVALID_ARGUMENT", "Invalid service_plan_id plan-x")
    assert [(v.field, v.description) for v in error.violations] == [("smsConfiguration.servicePlanId",
                                                                     "Invalid servicePlanId")]
    assert imported(world, plan="plan-1").service_plan_id == "plan-1"
    assert imported(world, phone="+12025550135", plan="plan-x", project="p2").service_plan_id == "plan-x"


def test_the_queue_of_changes_is_bounded_and_a_refusal_writes_nothing(world):
    world.settings.limits.queued_changes = 2
    number = imported(world)
    world.imported_numbers.update("p1", NUMBER, ImportedNumberChange(service_plan_id=""))
    world.imported_numbers.update("p1", NUMBER, ImportedNumberChange(service_plan_id="plan-2"))
    with pytest.raises(ApiError, match="2 smsConfiguration changes queued"):
        world.imported_numbers.update("p1", NUMBER, ImportedNumberChange(display_name="x", service_plan_id=""))
    assert len(number.queued_changes) == 2 and number.display_name == ""
    settle(world, number)
    assert number.service_plan_id == "plan-2" and not number.queued_changes


def test_a_stored_number_the_nanp_cannot_have_still_links_its_campaign(world):
    """A number kept from before the strict NANP rule (a saved state, a preloaded world) is
    not checked again by its provisioning: its campaign links like any other's."""
    number = imported(world, phone="+12020000001", campaign="camp-1")
    timings = world.settings.timings
    advance(world, timings.sms_provisioning)
    advance(world, max(timings.campaign_provisioning, timings.carrier_configuration))
    assert number.campaign_provisioning.state == State.DONE


class TickingClock(Clock):
    """A clock that moves one millisecond at every read: an operation that read it more than
    once would show several instants."""

    reads = 0

    def now(self):
        self.reads += 1
        return super().now() + timedelta(milliseconds=self.reads)


def test_an_import_and_its_lifecycle_steps_read_the_clock_once_each():
    world = World(clock=TickingClock(start=START, frozen=True), rng=Rng(1234))
    number = imported(world, campaign="camp-1")
    at = number.created_time
    assert number.updated_time == at
    assert number.sms_provisioning.update_time == at
    assert number.campaign_provisioning.update_time == at
    assert {c.update_time for c in number.mno.values()} == {at}
    assert number.scheduled_provisioning.last_updated_time == at
    (job,) = world.scheduler.pending()
    assert job.due == at + timedelta(seconds=world.settings.timings.sms_provisioning)


def test_an_unlink_reads_the_clock_once():
    world = World(clock=TickingClock(start=START, frozen=True), rng=Rng(1234))
    imported(world, campaign="camp-1")
    world.clock.advance(3600)
    world.scheduler.run_due()
    number = world.imported_numbers.update("p1", NUMBER, ImportedNumberChange(service_plan_id="", campaign_id=""))
    at = number.scheduled_provisioning.last_updated_time
    assert number.sms_provisioning.update_time == number.campaign_provisioning.update_time == at
    assert {c.update_time for c in number.mno.values()} == {at}
    delay = world.settings.timings.deprovisioning
    assert [job.due for job in world.scheduler.pending()] == [at + timedelta(seconds=delay),
                                                              at + timedelta(seconds=2 * delay)]


def test_a_number_imported_into_a_listed_project_is_found_by_its_plan(world):
    imported(world, phone="+12025550135", plan="plan-1")
    numbers = world.imported_numbers
    where = ImportedNumberFilter(service_plan_id="plan-2")
    assert numbers.list_numbers("p1", where, order_by="createdTime", page_size=10, page_token=None).items == []
    number = imported(world, phone="+12025550136", plan="plan-2")  # the index is built: placed as it is stored
    page = numbers.list_numbers("p1", where, order_by="createdTime", page_size=10, page_token=None)
    assert page.items == [number] and page.total_size == 1
