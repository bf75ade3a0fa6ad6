"""Applying a scenario to a world: every part of the format, and all-or-nothing loading."""

from __future__ import annotations

import textwrap

import pytest

from mock_server.config import AccessKey
from mock_server.core.rng import Purpose
from mock_server.domain.events import EventType
from mock_server.domain.hosting_orders.model import HostingOrderState, LoaStatus
from mock_server.domain.provisioning import CARRIERS, State
from mock_server.domain.qualified_numbers.model import GlobalProcessState as Q
from mock_server.domain.world import World
from mock_server.scenarios import ScenarioError, apply_scenario, parse_text
from mock_server.state import export_state
from tests.engine_support import advance


def load(world: World, text: str):
    return apply_scenario(world, parse_text(textwrap.dedent(text), "test.yaml", default_name="test"), "test.yaml")


def refused(world: World, text: str) -> ScenarioError:
    before = export_state(world)
    with pytest.raises(ScenarioError) as caught:
        load(world, text)
    assert export_state(world) == before, "a refused scenario must change nothing"
    return caught.value


# --- settings and outcomes ---------------------------------------------------------------------
def test_settings_override_only_what_the_scenario_names(world):
    load(world, """
        timings: {sms_provisioning: 5, loa_auto_sign: 60, invoice_submission: 120}
        limits: {import_order_numbers: 50}
        callbacks: {order: fifo, max_attempts: 2, duplicate_probability: 0.25}
        default_nnid: "654321"
        """)
    settings = world.settings
    assert (settings.timings.sms_provisioning, settings.timings.campaign_provisioning) == (5, 60)
    assert (settings.timings.loa_auto_sign, settings.timings.invoice_submission) == (60, 120)
    assert settings.timings.invoice_review == 172800  # not named: the default
    assert (settings.limits.import_order_numbers, settings.limits.voice_attempts) == (50, 3)
    assert (settings.callbacks.order, settings.callbacks.max_attempts) == ("fifo", 2)
    assert settings.callbacks.duplicate_probability == 0.25
    assert settings.default_nnid == "654321"


def test_a_reset_drops_the_settings_of_a_scenario_loaded_later(world):
    load(world, "timings: {sms_provisioning: 5}")
    world.reset()
    assert world.settings.timings.sms_provisioning == 30


def test_campaign_and_service_plan_states_become_failure_codes(world):
    load(world, """
        service_plans: {ok: active, broke: insufficient_balance, down: partner_unavailable, bad: provisioning_failed}
        campaigns: {C-OK: active, C-SUS: mno_suspended, C-EXP: expired, C-MOCK: mock, C-LIM: limit_exceeded}
        """)
    outcomes = world.outcomes
    assert outcomes.service_plan_failures == {"broke": "INSUFFICIENT_BALANCE", "down": "PARTNER_SERVICE_UNAVAILABLE",
                                              "bad": "NUMBER_PROVISIONING_FAILED"}
    assert outcomes.campaign_failures == {"C-SUS": "CAMPAIGN_MNO_SUSPENDED", "C-EXP": "CAMPAIGN_EXPIRED",
                                          "C-MOCK": "MOCK_CAMPAIGN_NOT_ALLOWED", "C-LIM": "EXCEEDED_10DLC_LIMIT"}
    assert outcomes.of("any-project").campaign_failure("+12065552000", "C-SUS") == "CAMPAIGN_MNO_SUSPENDED"


def test_a_later_scenario_can_make_a_campaign_active_again(world):
    load(world, "campaigns: {C1: mno_review}")
    load(world, "campaigns: {C1: active}")
    assert world.outcomes.campaign_failures == {}


def test_per_number_outcomes_override_the_magic_table(world):
    load(world, """
        outcomes:
          - {range: {start: "+12065552000", count: 2}, osr: INVALID_NNID, carrier: {smsAtt: "AT&T said no"}}
          - {number: "+12065550112"}
        """)
    outcomes = world.outcomes.of("any-project")
    assert outcomes.osr_failure("+12065552001") == "INVALID_NNID"
    assert outcomes.carrier_error("+12065552000", "smsAtt") == "AT&T said no"
    assert outcomes.osr_failure("+12065552002") is None
    assert outcomes.platform_failure("+12065550112", "plan") is None  # magic "12" would fail


def test_outcomes_of_a_scenario_with_projects_hold_in_those_projects_only(world):
    """A scenario's outcomes, campaign and service-plan states belong to the projects it
    declares: another project's numbers (run by another test, say) are not touched."""
    load(world, """
        campaigns: {C1: expired}
        service_plans: {broke: insufficient_balance}
        outcomes: [{number: "+12065552000", not_eligible: "not portable"}]
        projects: [{id: mine}, {id: also-mine}]
        """)
    for project in ("mine", "also-mine"):
        outcomes = world.outcomes.of(project)
        assert outcomes.eligibility_error("+12065552000") == "not portable"
        assert outcomes.campaign_failure("+12065552001", "C1") == "CAMPAIGN_EXPIRED"
        assert outcomes.platform_failure("+12065552001", "broke") == "INSUFFICIENT_BALANCE"
    other = world.outcomes.of("theirs")
    assert other.eligibility_error("+12065552000") is None
    assert other.campaign_failure("+12065552001", "C1") is None
    assert other.platform_failure("+12065552001", "broke") is None
    assert other.platform_failure("+12065550112", "plan") == "NUMBER_PROVISIONING_FAILED"  # the magic table
    assert world.outcomes.campaign_failures == {}  # nothing world-wide


def test_a_projects_own_outcomes_win_over_world_wide_ones_and_survive_a_state_round_trip(world):
    from mock_server.state import export_state, import_state

    load(world, "campaigns: {C1: expired}")
    load(world, "campaigns: {C1: active, C2: mno_review}\nprojects: [{id: mine}]")
    assert world.outcomes.of("mine").campaign_failure("+12065552001", "C2") == "CAMPAIGN_MNO_REVIEW"
    assert world.outcomes.of("mine").campaign_failure("+12065552001", "C1") == "CAMPAIGN_EXPIRED"  # world-wide
    assert world.outcomes.of("theirs").campaign_failure("+12065552001", "C2") is None
    document = export_state(world)
    assert document["outcomes"]["projects"] == {"mine": {"overrides": {}, "campaignFailures": {"C2": "CAMPAIGN_MNO_REVIEW"},
                                                         "servicePlanFailures": {}}}
    world.reset()
    assert world.outcomes.of("mine").campaign_failure("+12065552001", "C2") is None
    import_state(world, document)
    assert world.outcomes.of("mine").campaign_failure("+12065552001", "C2") == "CAMPAIGN_MNO_REVIEW"
    assert export_state(world)["outcomes"] == document["outcomes"]


# --- projects and keys -------------------------------------------------------------------------
def test_projects_get_their_limits_secret_and_keys(world):
    result = load(world, """
        access_keys: [{key_id: all, key_secret: s1}, {key_id: one, key_secret: s2, project_id: x}]
        projects:
          - id: p1
            access_keys: [{key_id: p1-key, key_secret: p1-secret}]
            limits: {import_order_numbers: 25}
            callback_secret: hush
        """)
    project = world.projects["p1"]
    assert project.limits.import_order_numbers == 25
    assert project.callback_configuration.hmac_secret == "hush"
    assert result.access_keys == [AccessKey("all", "s1"), AccessKey("one", "s2", "x"), AccessKey("p1-key", "p1-secret", "p1")]
    assert result.summary()["accessKeys"] == ["all", "one", "p1-key"]
    assert world.hosting_orders.import_limit("p1") == 25


# --- imported numbers ----------------------------------------------------------------------------
def test_provisioned_imported_numbers_are_done_without_events_or_jobs(world):
    result = load(world, """
        projects:
          - id: p
            imported_numbers:
              - range: {start: "+12065552000", count: 3}
                service_plan: plan
                campaign: C1
                display_name: Line
                callback_url: https://example.com/cb
        """)
    assert result.imported_numbers == 3
    number = world.projects["p"].imported_numbers["+12065552002"]
    assert (number.service_plan_id, number.campaign_id, number.display_name) == ("plan", "C1", "Line")
    assert number.callback_url == "https://example.com/cb"
    assert number.sms_provisioning.state == State.DONE and number.campaign_provisioning.state == State.DONE
    assert {c.state for c in number.mno.values()} == {State.DONE} and set(number.mno) == set(CARRIERS)
    assert number.scheduled_provisioning is None and number.region_code == "US"
    assert world.events.events == [] and world.scheduler.pending() == []


def test_provisioning_numbers_run_their_lifecycle_and_campaign_states_drive_failures(world):
    load(world, """
        campaigns: {C-SUS: mno_suspended}
        projects:
          - id: p
            imported_numbers:
              - {number: "+12065552000", service_plan: plan, campaign: C-SUS, state: provisioning}
              - {number: "+12065552001", service_plan: plan, campaign: C-OK, state: provisioning}
        """)
    numbers = world.projects["p"].imported_numbers
    assert numbers["+12065552000"].sms_provisioning.state == State.IN_PROGRESS
    advance(world, 600)
    assert numbers["+12065552000"].campaign_provisioning.error_code == "CAMPAIGN_MNO_SUSPENDED"
    assert numbers["+12065552001"].campaign_provisioning.state == State.DONE
    links = [(e.resource_id, e.status, e.failure_code) for e in world.events.events
             if e.event_type == EventType.LINK_TO_10DLC_CAMPAIGN]
    assert sorted(links) == [("+12065552000", "FAILED", "CAMPAIGN_MNO_SUSPENDED"), ("+12065552001", "SUCCEEDED", None)]


def test_an_explicit_region_code_is_kept(world):
    load(world, """
        projects:
          - id: p
            imported_numbers: [{number: "+14165552000", region_code: CA, service_plan: plan}]
        """)
    assert world.projects["p"].imported_numbers["+14165552000"].region_code == "CA"


# --- qualified numbers ---------------------------------------------------------------------------
QUALIFIED = """
    limits: {voice_attempts: 2}
    projects:
      - id: p
        qualified_numbers:
          - {number: "+12065552001", state: eligible_check_pending}
          - {number: "+12065552002", state: eligible}
          - {number: "+12065552003", state: not_eligible}
          - {number: "+12065552004", state: verification_pending}
          - {number: "+12065552005", state: verification_failed}
          - {number: "+12065552006", state: verification_blocked}
          - {number: "+12065552007", state: verified}
    """


def test_qualified_numbers_are_preloaded_in_every_state(world):
    result = load(world, QUALIFIED)
    assert result.qualified_numbers == 7
    numbers = world.projects["p"].qualified_numbers
    assert [numbers[f"+1206555200{i}"].state for i in range(1, 8)] == [
        Q.ELIGIBLE_CHECK_PENDING, Q.ELIGIBLE, Q.NOT_ELIGIBLE, Q.VERIFICATION_PENDING,
        Q.VERIFICATION_FAILED, Q.VERIFICATION_BLOCKED, Q.VERIFIED]
    assert numbers["+12065552003"].osr_eligibility.error
    assert numbers["+12065552004"].voice_challenge.attempts_left == 2
    assert numbers["+12065552006"].ownership_verification.error == "2 wrong voice codes were entered"


def test_a_pending_eligibility_check_finishes_when_time_passes(world):
    load(world, QUALIFIED)
    advance(world, world.settings.timings.eligibility_check)
    assert world.projects["p"].qualified_numbers["+12065552001"].state == Q.ELIGIBLE


def test_a_preloaded_voice_challenge_can_be_verified_with_its_code(world):
    load(world, QUALIFIED)
    code = world.qualified_numbers.voice_challenge("p", "+12065552004").code
    assert world.qualified_numbers.verify_voice_challenge("p", "+12065552004", code).state == Q.VERIFIED


def test_a_number_whose_outcome_fails_eligibility_cannot_be_declared_eligible(world):
    error = refused(world, """
        projects:
          - id: p
            qualified_numbers:
              - {number: "+12065552000", state: verified}
              - {number: "+12065550100", state: verified}
        """)
    assert str(error.problems[0]) == (
        "projects[0].qualified_numbers[1]: +12065550100 cannot be verified: its eligibility check fails "
        "(The number is not eligible for OSR update (not portable).); override its outcome, or declare it not_eligible")


def test_not_eligible_uses_the_number_s_own_reason_when_it_has_one(world):
    load(world, """
        projects:
          - id: p
            qualified_numbers: [{number: "+12065550100", state: not_eligible}]
        """)
    assert "not portable" in world.projects["p"].qualified_numbers["+12065550100"].osr_eligibility.error


# --- hosting orders ------------------------------------------------------------------------------
def orders_of(world: World, project: str = "p") -> list:
    return list(world.projects[project].hosting_orders.values())


def test_an_import_order_in_each_state(world):
    result = load(world, """
        projects:
          - id: p
            hosting_orders:
              - {number: "+12065552000", service_plan: plan, state: submitted}
              - {number: "+12065552001", service_plan: plan, state: in_progress}
              - {numbers: ["+12065552002", "+12065552003"], service_plan: plan, campaign: C1, state: completed,
                 callback_url: "https://example.com/cb", display_name: Hosted}
        """)
    states = [o.state for o in orders_of(world)]
    assert states == [HostingOrderState.SUBMITTED, HostingOrderState.IN_PROGRESS, HostingOrderState.COMPLETED]
    assert [o["state"] for o in result.summary()["hostingOrders"]] == ["submitted", "in_progress", "completed"]
    completed = orders_of(world)[2]
    imported = world.projects["p"].imported_numbers["+12065552003"]
    assert imported.hosting_order_id == completed.hosting_order_id
    assert (imported.campaign_id, imported.display_name, imported.callback_url) == ("C1", "Hosted", "https://example.com/cb")
    assert completed.callback_url == "https://example.com/cb"
    assert world.events.events == [], "the preloaded history sends no callbacks"
    assert "+12065552002" not in world.projects["p"].running_order_by_number
    assert world.projects["p"].running_order_by_number["+12065552001"] == orders_of(world)[1].hosting_order_id


def test_an_in_progress_order_finishes_when_time_passes(world):
    load(world, """
        projects:
          - id: p
            hosting_orders: [{number: "+12065552001", service_plan: plan, state: in_progress, callback_url: "https://example.com/cb"}]
        """)
    advance(world, 3600)
    assert orders_of(world)[0].state == HostingOrderState.COMPLETED
    assert EventType.HOSTING_PROCESS in {e.event_type for e in world.events.events}


def test_text_enable_orders_in_each_state(world):
    load(world, """
        projects:
          - id: p
            qualified_numbers: [{number: "+12065552004", state: verified}]
            hosting_orders:
              - {type: text_enable, number: "+12065552000", service_plan: plan, campaign: C1, state: submitted}
              - {type: text_enable, number: "+12065552001", service_plan: plan, campaign: C1, state: waiting_for_loa_signature}
              - {type: text_enable, number: "+12065552002", service_plan: plan, campaign: C1, state: in_progress}
              - {type: text_enable, number: "+12065552003", service_plan: plan, campaign: C1, state: completed}
              - {type: text_enable, number: "+12065552004", service_plan: plan, campaign: C1, state: rejected}
        """)
    orders = orders_of(world)
    assert [o.state for o in orders] == [
        HostingOrderState.SUBMITTED, HostingOrderState.WAITING_FOR_LOA_SIGNATURE, HostingOrderState.IN_PROGRESS,
        HostingOrderState.COMPLETED, HostingOrderState.REJECTED]
    assert [o.text_enable_info.status for o in orders] == [
        LoaStatus.PENDING, LoaStatus.PENDING, LoaStatus.SIGNED, LoaStatus.SIGNED, LoaStatus.DECLINED]
    qualified = world.projects["p"].qualified_numbers
    assert [qualified[f"+1206555200{i}"].state for i in range(5)] == [
        Q.HOSTING_IN_PROGRESS, Q.HOSTING_IN_PROGRESS, Q.HOSTING_IN_PROGRESS, Q.HOSTING_DONE, Q.VERIFIED]
    assert world.imported_numbers.is_imported("p", "+12065552003")


def test_a_waiting_order_is_signed_automatically_when_the_scenario_says_so(world):
    load(world, """
        timings: {loa_auto_sign: 60}
        projects:
          - id: p
            hosting_orders:
              - {type: text_enable, number: "+12065552001", service_plan: plan, campaign: C1, state: waiting_for_loa_signature}
        """)
    advance(world, 60)
    assert orders_of(world)[0].text_enable_info.status == LoaStatus.SIGNED


def test_a_toll_free_order_and_a_blanket_loa(world):
    load(world, """
        projects:
          - id: p
            blanket_loa: true
            hosting_orders:
              - {type: text_enable_toll_free, number: "+18005552000", service_plan: plan, loa: {type: reseller, business_name: Acme}}
              - {type: text_enable, number: "+12065552000", service_plan: plan, campaign: C1, loa: {type: blanket}, state: in_progress}
        """)
    toll_free, blanket = orders_of(world)
    assert toll_free.toll_free and toll_free.text_enable_info.business_name == "Acme"
    assert blanket.state == HostingOrderState.IN_PROGRESS and blanket.text_enable_info.status == LoaStatus.NOT_REQUIRED
    assert world.project("p").blanket_loa


def test_an_import_order_is_rejected_when_every_number_fails(world):
    load(world, """
        outcomes: [{number: "+12065552000", osr: INVALID_NNID}]
        projects:
          - id: p
            hosting_orders: [{number: "+12065552000", service_plan: plan, state: rejected}]
        """)
    assert orders_of(world)[0].state == HostingOrderState.REJECTED


def test_an_order_declared_completed_whose_numbers_all_fail_is_refused(world):
    error = refused(world, """
        outcomes: [{number: "+12065552000", osr: INVALID_NNID}]
        projects:
          - id: p
            hosting_orders: [{number: "+12065552000", service_plan: plan, state: completed}]
        """)
    assert str(error.problems[0]).startswith(
        "projects[0].hosting_orders[0]: the order ended rejected, not completed: every number failed a step")


def test_an_import_order_declared_rejected_whose_numbers_succeed_is_refused(world):
    error = refused(world, """
        projects:
          - id: p
            hosting_orders: [{number: "+12065552000", service_plan: plan, state: rejected}]
        """)
    assert "the order ended completed, not rejected" in str(error.problems[0])


def test_an_order_over_the_project_s_import_limit_is_refused_with_the_api_s_reason(world):
    error = refused(world, """
        projects:
          - id: p
            hosting_orders: [{range: {start: "+12065552000", count: 6}, service_plan: plan}]
        """)
    assert str(error.problems[0]).startswith(
        "projects[0].hosting_orders[0]: Too many numbers: 6 given, at most 5 allowed in one request")


def test_a_project_limit_in_the_scenario_lets_a_bigger_order_in(world):
    load(world, """
        projects:
          - id: p
            limits: {import_order_numbers: 6}
            hosting_orders: [{range: {start: "+12065552000", count: 6}, service_plan: plan}]
        """)
    assert len(orders_of(world)[0].numbers) == 6


# --- all or nothing -------------------------------------------------------------------------------
def test_a_number_that_exists_already_refuses_the_whole_scenario(world):
    load(world, """
        projects: [{id: p, imported_numbers: [{number: "+12065552000", service_plan: plan}]}]
        """)
    error = refused(world, """
        timings: {sms_provisioning: 1}
        campaigns: {C1: expired}
        projects:
          - id: q
            imported_numbers: [{number: "+12065559000", service_plan: plan}]
          - id: p
            qualified_numbers: [{number: "+12065559001", state: verified}]
            imported_numbers: [{number: "+12065552000", service_plan: plan}]
        """)
    assert error.source == "test.yaml"
    assert [str(p) for p in error.problems] == [
        "projects[1].imported_numbers[0]: already imported in project p: +12065552000"]
    assert "q" not in world.projects and world.settings.timings.sms_provisioning == 30


def test_loading_the_same_scenario_twice_is_refused_the_second_time(world):
    text = """
        projects: [{id: p, qualified_numbers: [{number: "+12065552000", state: eligible}]}]
        """
    load(world, text)
    error = refused(world, text)
    assert "already qualified numbers in project p: +12065552000" in str(error)


def test_a_number_held_by_a_running_order_cannot_be_imported(world):
    load(world, """
        projects: [{id: p, hosting_orders: [{number: "+12065552000", service_plan: plan}]}]
        """)
    error = refused(world, """
        projects: [{id: p, imported_numbers: [{number: "+12065552000", service_plan: plan, state: provisioning}]}]
        """)
    assert "in project p: +12065552000 is held by the running hosting order" in str(error)


def test_a_refused_scenario_leaves_the_random_generator_where_it_was(world):
    error = refused(world, """
        projects:
          - id: p
            hosting_orders:
              - {number: "+12065552000", service_plan: plan}
              - {range: {start: "+12065553000", count: 6}, service_plan: plan}
        """)
    assert str(error.problems[0]).startswith("projects[0].hosting_orders[1]: Too many numbers")
    assert world.rng.positions() == {}, "the first order's id was drawn, then given back"
    fresh = type(world.rng)(1234).stream(Purpose.HOSTING_ORDER_IDS, "p").hex(8)
    assert world.rng.stream(Purpose.HOSTING_ORDER_IDS, "p").hex(8) == fresh


def test_scenario_timings_drive_the_lifecycles(world):
    load(world, """
        timings: {eligibility_check: 10, invoice_submission: 120, invoice_review: 86400}
        projects:
          - id: p
            qualified_numbers: [{number: "+12065552000", state: eligible_check_pending}]
        """)
    number = world.projects["p"].qualified_numbers["+12065552000"]
    advance(world, 10)
    assert number.state == Q.ELIGIBLE
    advance(world, 119)
    assert number.state == Q.ELIGIBLE
    advance(world, 1)
    assert number.state == Q.VERIFICATION_PENDING  # the invoices are under review
    advance(world, 86399)
    assert number.state == Q.VERIFICATION_PENDING
    advance(world, 1)
    assert number.state == Q.VERIFIED


def test_a_scenario_rejects_invoices_and_puts_numbers_under_review(world):
    load(world, """
        outcomes: [{number: "+12065552001", invoices_rejected: "the invoice names another number"}]
        projects:
          - id: p
            qualified_numbers:
              - {numbers: ["+12065552000", "+12065552001"], state: invoices_under_review}
        """)
    numbers = world.projects["p"].qualified_numbers
    assert {n.state for n in numbers.values()} == {Q.VERIFICATION_PENDING}
    assert all(n.voice_challenge is None for n in numbers.values())
    advance(world, world.settings.timings.invoice_review)
    assert numbers["+12065552000"].state == Q.VERIFIED
    rejected = numbers["+12065552001"]
    assert (rejected.state, rejected.ownership_verification.error) == (Q.VERIFICATION_FAILED,
                                                                       "the invoice names another number")


def test_a_project_s_declared_service_plans_and_blanket_loa_are_applied(world):
    load(world, """
        projects:
          - id: p
            blanket_loa: true
            service_plans: [plan-a]
            imported_numbers: [{number: "+12065552000", service_plan: plan-a, state: provisioning}]
        """)
    project = world.projects["p"]
    assert project.blanket_loa and project.service_plans == ["plan-a"]


def test_a_number_declared_in_two_projects_is_refused(world):
    error = refused(world, """
        projects:
          - id: p
            imported_numbers: [{number: "+12065552000", service_plan: plan}]
          - id: q
            imported_numbers: [{number: "+12065552000", service_plan: plan}]
        """)
    assert "hosted already by another project" in str(error.problems[0])
