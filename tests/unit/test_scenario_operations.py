"""The named domain operations scenarios preload records with, where the API has no call.

Each moves a record the way the API's own lifecycle would (the same job handlers, the same
state machine); what it adds is "now" (a timed step run early) or a value the API takes from
elsewhere. Time moves through the engine, as in production.
"""

from __future__ import annotations

import pytest

from mock_server.core.clock import Clock
from mock_server.core.errors import ApiError
from mock_server.core.scheduler import Scheduler
from mock_server.domain.events import EventType, ResourceType
from mock_server.domain.hosting_orders import lifecycle as hosting_lifecycle
from mock_server.domain.hosting_orders.model import HostingOrderState
from mock_server.domain.hosting_orders.requests import ImportNumbersRequest
from mock_server.domain.imported_numbers import service as imported_service
from mock_server.domain.imported_numbers.service import NewImportedNumber
from mock_server.domain.outcomes import NumberOutcome
from mock_server.domain.provisioning import State
from mock_server.domain.qualified_numbers import service as qualified_service
from mock_server.domain.qualified_numbers.model import GlobalProcessState as Q
from mock_server.domain.qualified_numbers.requests import AddNumbersRequest, ListNumbersRequest
from mock_server.testing import CallbackReceiver
from tests.unit.delivery_support import START, advance, new_world

P = "p1"
PHONES = ["+12065551001", "+12065551002", "+12065551003"]


# --- the scheduler: "run these steps now" ------------------------------------------------------
def test_run_early_runs_in_the_order_the_clock_would_and_takes_in_the_jobs_they_schedule():
    clock = Clock(start=START, frozen=True)
    scheduler = Scheduler(clock)
    ran: list[str] = []

    def handler(job):
        ran.append(job.data["name"])
        if job.data["name"] == "a":  # schedules a step due before c: it runs before c
            scheduler.schedule("k", "p", delay=1, name="child")
        if job.data["name"] == "b":
            scheduler.cancel(lambda j: j.data["name"] == "d")

    scheduler.register("k", handler)
    scheduler.register("other", handler)
    for name, delay in (("c", 7), ("a", 5), ("b", 3), ("d", 9)):
        scheduler.schedule("k", "p", delay=delay, name=name)
    scheduler.schedule("other", "p", delay=1, name="not chosen")
    assert scheduler.run_early(lambda job: job.kind == "k") == 4
    assert ran == ["b", "a", "child", "c"], "earliest first, d cancelled by b, the child before c"
    assert clock.now() == START, "the clock does not move"
    assert [j.data["name"] for j in scheduler.pending()] == ["not chosen"]


def test_run_early_stops_a_job_that_keeps_scheduling_itself():
    scheduler = Scheduler(Clock(start=START, frozen=True))
    scheduler.register("loop", lambda job: scheduler.schedule("loop", "p", delay=1))
    scheduler.schedule("loop", "p")
    with pytest.raises(RuntimeError, match="more than 5 jobs"):
        scheduler.run_early(lambda job: True, limit=5)


# --- the event log: history recorded without callbacks -------------------------------------------
def record(world, destination="http://127.0.0.1:9/cb"):
    return world.events.record(P, ResourceType.IMPORTED_NUMBER, EventType.DELETE, PHONES[0],
                               destination=destination)


def test_history_is_numbered_like_live_events_but_neither_kept_nor_sent():
    live, preloaded = new_world(), new_world()
    record(live)
    expected = record(live)
    changes = preloaded.events.changes
    with preloaded.events.history():
        past = record(preloaded)
    assert preloaded.events.events == [] and preloaded.events.changes == changes
    with pytest.raises(ApiError):
        preloaded.events.get(past.event_id)
    after = record(preloaded)
    assert (after.seq, after.event_id) == (expected.seq, expected.event_id), \
        "what follows a preloaded past is numbered as if that past had happened live"
    assert preloaded.events.events == [after]


def test_no_callback_is_sent_for_history_and_the_live_event_after_it_is():
    world = new_world()
    with CallbackReceiver() as receiver:
        with world.events.history():
            record(world, receiver.url)
        live = record(world, receiver.url)
        advance(world, 10)
    assert [c.payload["eventId"] for c in receiver.received] == [live.event_id]


# --- qualified numbers ------------------------------------------------------------------------
def qualified(world, phones=PHONES):
    world.qualified_numbers.add_numbers(P, AddNumbersRequest(list(phones)))
    return world.qualified_numbers


def test_check_eligibility_now_runs_the_checks_with_their_outcomes():
    world = new_world()
    world.outcomes.overrides[PHONES[1]] = NumberOutcome(not_eligible="no porting here")
    service = qualified(world)
    assert service.check_eligibility_now(P, PHONES[:2]) == 2
    first, second, third = (service.get(P, p) for p in PHONES)
    assert (first.state, first.updated_time) == (Q.ELIGIBLE, START), "now, not eligibility_check seconds later"
    assert (second.state, second.osr_eligibility.error) == (Q.NOT_ELIGIBLE, "no porting here")
    assert third.state is Q.ELIGIBLE_CHECK_PENDING, "only the numbers named"
    assert service.check_eligibility_now(P, PHONES[:2]) == 0, "a check runs once"


def test_fail_eligibility_now_fails_the_checks_whatever_the_outcomes_say():
    world = new_world()
    service = qualified(world)
    service.fail_eligibility_now(P, {PHONES[0]: "declared not eligible"})
    number = service.get(P, PHONES[0])
    assert (number.state, number.osr_eligibility.error) == (Q.NOT_ELIGIBLE, "declared not eligible")
    advance(world, world.settings.timings.eligibility_check + 1)
    assert service.get(P, PHONES[0]).state is Q.NOT_ELIGIBLE, "its pending check was cancelled"
    assert service.get(P, PHONES[1]).state is Q.ELIGIBLE


def test_fail_eligibility_now_refuses_a_number_whose_check_ended_and_changes_nothing():
    world = new_world()
    service = qualified(world)
    service.check_eligibility_now(P, [PHONES[1]])
    with pytest.raises(ApiError, match="Cannot end the eligibility check of \\+12065551002"):
        service.fail_eligibility_now(P, {PHONES[0]: "x", PHONES[1]: "x"})
    assert service.get(P, PHONES[0]).state is Q.ELIGIBLE_CHECK_PENDING


def test_declare_regions_sets_the_region_the_numbering_plan_cannot_and_the_list_filter_sees_it():
    world = new_world()
    toll_free = "+18005551009"
    service = qualified(world, [toll_free, PHONES[0]])
    assert service.get(P, toll_free).region_code == "US"
    service.declare_regions(P, {toll_free: "CA", PHONES[0]: "US"})
    assert service.get(P, toll_free).region_code == "CA"
    page = service.list_numbers(P, ListNumbersRequest(states=(Q.ELIGIBLE_CHECK_PENDING.value,), region_code="CA"))
    assert [n.phone_number for n in page.items] == [toll_free]
    with pytest.raises(ApiError):
        service.declare_regions(P, {PHONES[0]: "MX"})
    assert service.get(P, PHONES[0]).region_code == "US"


def test_submit_invoices_now_puts_the_number_under_review_unless_no_invoices_come():
    world = new_world()
    world.settings.timings.invoice_submission = 120
    service = qualified(world)
    service.check_eligibility_now(P, PHONES)
    assert service.submit_invoices_now(P, PHONES[0]) == 1
    assert service.get(P, PHONES[0]).state is Q.VERIFICATION_PENDING
    assert service.get(P, PHONES[1]).state is Q.ELIGIBLE
    advance(world, world.settings.timings.invoice_review + 1)
    assert service.get(P, PHONES[0]).state is Q.VERIFIED, "the review runs its course"

    other = new_world()
    other.settings.timings.invoice_submission = None
    service = qualified(other)
    service.check_eligibility_now(P, PHONES)
    assert service.submit_invoices_now(P, PHONES[0]) == 0
    assert service.get(P, PHONES[0]).state is Q.ELIGIBLE


def test_use_up_voice_attempts_blocks_exactly_as_wrong_codes_do():
    by_codes, at_once = new_world(), new_world()
    for world in (by_codes, at_once):
        service = qualified(world, PHONES[:1])
        service.check_eligibility_now(P, PHONES[:1])
        service.send_voice_challenge(P, PHONES[0])
    challenge = by_codes.qualified_numbers.get(P, PHONES[0]).voice_challenge
    wrong = "0000" if challenge.code != "0000" else "1111"
    for _ in range(by_codes.settings.limits.voice_attempts):
        with pytest.raises(ApiError):
            by_codes.qualified_numbers.verify_voice_challenge(P, PHONES[0], wrong)
    at_once.qualified_numbers.use_up_voice_attempts(P, PHONES[0])
    blocked, expected = (w.qualified_numbers.get(P, PHONES[0]) for w in (at_once, by_codes))
    assert blocked.state is Q.VERIFICATION_BLOCKED
    assert blocked.model_dump() == expected.model_dump()


def test_use_up_voice_attempts_needs_a_pending_voice_code():
    world = new_world()
    service = qualified(world, PHONES[:1])
    service.check_eligibility_now(P, PHONES[:1])
    with pytest.raises(ApiError, match="no voice code is pending"):
        service.use_up_voice_attempts(P, PHONES[0])
    service.send_voice_challenge(P, PHONES[0])
    advance(world, world.settings.timings.voice_code_ttl + 1)
    with pytest.raises(ApiError, match="no voice code is pending"):
        service.use_up_voice_attempts(P, PHONES[0])
    assert service.get(P, PHONES[0]).state is Q.VERIFICATION_FAILED, "the code expired"


# --- hosting orders -----------------------------------------------------------------------------
def import_order(world, callback_url=""):
    return world.hosting_orders.import_numbers(P, ImportNumbersRequest(
        region_code="US", numbers=PHONES[:2], service_plan_id="plan", callback_url=callback_url))


def test_pick_up_now_starts_a_submitted_order_once():
    world = new_world()
    order = import_order(world)
    lifecycle = world.hosting_orders.lifecycle
    assert lifecycle.pick_up_now(order) == 1
    assert order.state is HostingOrderState.IN_PROGRESS and order.updated_time == START
    assert lifecycle.pick_up_now(order) == 0


def test_run_steps_now_in_history_completes_an_order_that_then_sends_no_callbacks():
    world = new_world()
    with CallbackReceiver() as receiver:
        order = import_order(world, receiver.url)
        lifecycle = world.hosting_orders.lifecycle
        lifecycle.pick_up_now(order)
        with world.events.history():
            assert lifecycle.run_steps_now(order) > 0
        assert order.state is HostingOrderState.COMPLETED and order.updated_time == START
        assert world.scheduler.pending(lifecycle.jobs_of(order)) == []
        assert world.events.events == []
        imported = world.imported_numbers.get(P, PHONES[0])
        assert (imported.callback_url, imported.hosting_order_id) == (receiver.url, order.hosting_order_id)
        world.imported_numbers.delete(P, PHONES[0])  # live, after the history: its callback is sent
        advance(world, 3600)
    assert [(c.payload["eventType"], c.payload["resourceId"]) for c in receiver.received] == [
        ("DELETE", PHONES[0])]


def test_run_steps_now_outside_history_records_the_history_the_clock_would():
    preloaded, timed = new_world(), new_world()
    for world in (preloaded, timed):
        import_order(world)
    order = next(iter(preloaded.project(P).hosting_orders.values()))
    preloaded.hosting_orders.lifecycle.pick_up_now(order)
    preloaded.hosting_orders.lifecycle.run_steps_now(order)
    advance(timed, 7 * 24 * 3600)
    happened = sorted((e.resource_id, e.event_type.value, e.status) for e in preloaded.events.events)
    assert happened == sorted((e.resource_id, e.event_type.value, e.status) for e in timed.events.events)
    assert {e.timestamp for e in preloaded.events.events} == {START}, "all of it at the moment of the call"
    assert ("+12065551001", "HOSTING_PROCESS", "SUCCEEDED") in happened


# --- imported numbers ---------------------------------------------------------------------------
def new_number(phone=PHONES[0], **fields):
    return NewImportedNumber(**{"phone_number": phone, "region_code": "US", "service_plan_id": "plan", **fields})


def test_place_provisioned_makes_a_settled_number_with_no_history():
    world = new_world()
    number = world.imported_numbers.place_provisioned(P, new_number(campaign_id="C1", callback_url="https://x.test/cb"),
                                                      migrate_to_sinch_tmo=True)
    assert number.sms_provisioning.state is State.DONE and number.campaign_provisioning.state is State.DONE
    assert all(c.state is State.DONE for c in number.mno.values())
    assert (number.migrate_to_sinch_tmo, number.hosting_order_id, number.scheduled_provisioning) == (True, "", None)
    assert world.events.events == [] and world.scheduler.pending() == []


def test_place_provisioned_refuses_a_service_plan_the_project_does_not_have():
    """As `POST importedNumbers` does: a preloaded number is one the API could have made. (A
    second scenario declaring provisioned numbers for a project whose plans an earlier one
    declared once slipped past this.)"""
    from mock_server.scenarios import ScenarioError, apply_scenario, parse_text

    world = new_world()
    world.project(P).service_plans = ["plan"]
    with pytest.raises(ApiError, match="Invalid service_plan_id other"):
        world.imported_numbers.place_provisioned(P, new_number(service_plan_id="other"))
    assert world.imported_numbers.is_imported(P, PHONES[0]) is False
    apply_scenario(world, parse_text('projects: [{id: q, service_plans: [a]}]', "t.yaml", default_name="t"))
    with pytest.raises(ScenarioError, match="Invalid service_plan_id b"):
        apply_scenario(world, parse_text('projects: [{id: q, imported_numbers: [{number: "+12065551001", '
                                         'service_plan: b}]}]', "t.yaml", default_name="t"))


def test_declare_migrate_to_sinch_tmo_is_read_when_the_carriers_are_configured():
    world = new_world()
    world.imported_numbers.import_number(P, new_number())
    number = world.imported_numbers.declare_migrate_to_sinch_tmo(P, PHONES[0], True)
    assert number.migrate_to_sinch_tmo is True
    with pytest.raises(ApiError):
        world.imported_numbers.declare_migrate_to_sinch_tmo(P, PHONES[1], True)


# --- job kinds: one home each ----------------------------------------------------------------
def test_every_job_kind_belongs_to_the_service_whose_operations_match_it():
    """Each service's jobs are matched by its own constants (a prefix or a list), so "cancel
    the order's jobs" or "run the order's steps now" can never miss one of a new kind."""
    world = new_world()
    homes = {
        "hosting orders": lambda kind: kind.startswith(hosting_lifecycle.JOB_PREFIX),
        "imported numbers": lambda kind: kind.startswith(imported_service.JOB_PREFIX),
        "qualified numbers": lambda kind: kind in qualified_service.JOB_KINDS,
    }
    for kind in world.scheduler.kinds():
        owners = [name for name, claims in homes.items() if claims(kind)]
        assert len(owners) == 1, f"{kind} is claimed by {owners}"
    assert set(qualified_service.JOB_KINDS) <= world.scheduler.kinds()



def test_preloaded_history_drops_no_event_of_a_full_ledger():
    """A history longer than the room left in the ledger once made it drop live events."""
    from mock_server.scenarios import apply_scenario, parse_text

    world = new_world()
    world.settings.limits.ledger_events = 100
    live = [record(world, None) for _ in range(100)]
    apply_scenario(world, parse_text(
        'projects: [{id: p2, hosting_orders: [{range: {start: "+12065558000", count: 5}, service_plan: plan, '
        'state: completed, callback_url: "https://example.com/cb"}]}]', "t.yaml", default_name="t"))
    assert world.events.events == live and world.events.dropped == 0
