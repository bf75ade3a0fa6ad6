"""Every failure code's path: the right step fails, and it shows in the number's states, the
report, the events, the qualified number and how the order ends."""

from __future__ import annotations

import pytest

from mock_server.domain.hosting_orders.model import HostingOrderReport, HostingOrderState, LoaType
from mock_server.domain.outcomes import MAGIC_TABLE, NumberOutcome
from mock_server.domain.provisioning import State
from mock_server.domain.qualified_numbers.model import GlobalProcessState as Q
from mock_server.spec import spec_document
from tests.hosting_support import (
    CAMPAIGN,
    DLC,
    PLAN,
    PROJECT,
    TOLL_FREE,
    import_order,
    magic,
    run_to_end,
    text_enable_order,
)
from tests.engine_support import advance

# (magic digits, failing step, failure code) for every row of the table that fails a hosting step
STEP_ROWS = [
    (digits, step, code)
    for digits, outcome in MAGIC_TABLE.items()
    for step, code in (("osr", outcome.osr), ("platform", outcome.platform), ("campaign", outcome.campaign))
    if code
]
STEP_ORDER = ("osr", "platform", "campaign")
STEP_EVENTS = {"osr": "OSR_UPDATE", "platform": "PROVISIONING_TO_SMS_PLATFORM", "campaign": "LINK_TO_10DLC_CAMPAIGN"}


def steps(number) -> dict[str, State]:
    return {"osr": number.osr_update.state, "platform": number.platform_provisioning.state,
            "campaign": number.campaign_provisioning.state}


def events_of(world, phone):
    return [(e.event_type.value, e.status, e.failure_code) for e in world.events.events if e.resource_id == phone]


def expected_states(step: str) -> dict[str, State]:
    failing = STEP_ORDER.index(step)
    return {name: State.DONE if i < failing else State.FAILED if i == failing else State.WAITING
            for i, name in enumerate(STEP_ORDER)}


def expected_events(step: str, code: str) -> list[tuple]:
    failing = STEP_ORDER.index(step)
    seen = [(STEP_EVENTS[name], "SUCCEEDED", None) for name in STEP_ORDER[:failing]]
    # SMS platform provisioning fails without a failureCode; HOSTING_PROCESS carries it.
    seen.append((STEP_EVENTS[step], "FAILED", None if step == "platform" else code))
    seen.append(("HOSTING_PROCESS", "FAILED", code))
    return seen


def test_the_table_has_a_row_for_every_step():
    assert {step for _, step, _ in STEP_ROWS} == set(STEP_ORDER)


@pytest.mark.parametrize(("digits", "step", "code"), STEP_ROWS)
def test_a_failing_step_of_an_import_order(world, digits, step, code):
    phone = magic(digits)
    order = run_to_end(world, import_order(world, [phone]))
    number = order.numbers[phone]
    assert steps(number) == expected_states(step)
    assert (number.hosting, number.failure_code) == (State.FAILED, code)
    assert {c.state for c in number.carriers.values()} == {State.WAITING}
    assert events_of(world, phone) == expected_events(step, code)
    assert not world.imported_numbers.is_imported(PROJECT, phone)
    assert order.state is HostingOrderState.REJECTED  # its only number failed
    assert world.project(PROJECT).running_order_by_number == {}
    report = HostingOrderReport.of(order)
    assert report.total == 1
    assert report.osr_updated == int(step != "osr")
    assert report.sms_provisioned == int(step == "campaign")
    assert report.added_to_campaign == 0


@pytest.mark.parametrize(("digits", "step", "code"), STEP_ROWS)
def test_a_failing_step_of_a_text_enable_order(world, digits, step, code):
    phone = magic(digits)
    order = run_to_end(world, text_enable_order(world, [phone, DLC[0]], LoaType.BLANKET))
    assert steps(order.numbers[phone]) == expected_states(step)
    failed = world.qualified_numbers.get(PROJECT, phone)
    assert (failed.state, failed.hosted_number.status) == (Q.HOSTING_FAILED, 2)
    assert code in failed.hosted_number.error
    hosted = world.qualified_numbers.get(PROJECT, DLC[0])
    assert (hosted.state, hosted.hosted_number.status) == (Q.HOSTING_DONE, 1)
    assert order.state is HostingOrderState.COMPLETED  # one of its numbers was hosted
    assert events_of(world, phone) == expected_events(step, code)


def test_an_order_whose_numbers_all_fail_is_rejected(world):
    order = run_to_end(world, import_order(world, [magic("10"), magic("12"), magic("23")]))
    assert order.state is HostingOrderState.REJECTED
    assert {n.hosting for n in order.numbers.values()} == {State.FAILED}


def test_an_order_with_some_failed_numbers_completes(world):
    order = run_to_end(world, import_order(world, [magic("10"), DLC[0]]))
    assert order.state is HostingOrderState.COMPLETED
    assert world.imported_numbers.is_imported(PROJECT, DLC[0])
    assert not world.imported_numbers.is_imported(PROJECT, magic("10"))
    assert HostingOrderReport.of(order) == HostingOrderReport(
        total=2, osr_updated=2, sms_provisioned=2, added_to_campaign=1, ongoing_manual_action=0)


def test_a_failed_number_may_be_ordered_again_once_the_order_ended(world):
    run_to_end(world, import_order(world, [magic("13")]))
    world.outcomes.overrides[magic("13")] = NumberOutcome()  # the partner service is back
    again = run_to_end(world, import_order(world, [magic("13")]))
    assert again.state is HostingOrderState.COMPLETED


def test_a_failed_number_stays_held_while_its_order_runs(world):
    order = import_order(world, [magic("23"), DLC[0]])
    advance(world, world.settings.timings.order_submission + world.settings.timings.osr_update)
    assert order.numbers[magic("23")].hosting is State.FAILED
    assert order.state is HostingOrderState.IN_PROGRESS
    assert world.project(PROJECT).running_order_by_number[magic("23")] == order.hosting_order_id


# --- failure codes outside the table --------------------------------------------------------------
def test_a_toll_free_number_linked_to_a_campaign_fails_with_tfn_not_allowed(world):
    phone = TOLL_FREE[0]
    order = run_to_end(world, import_order(world, [phone], campaign_id=CAMPAIGN))
    assert steps(order.numbers[phone]) == expected_states("campaign")
    assert events_of(world, phone) == expected_events("campaign", "TFN_NOT_ALLOWED")


def test_an_nnid_that_is_not_a_number_fails_the_osr_update_with_invalid_nnid(world):
    order = run_to_end(world, text_enable_order(world, DLC[:1], LoaType.BLANKET, nnid="not-an-nnid"))
    assert steps(order.numbers[DLC[0]]) == expected_states("osr")
    assert events_of(world, DLC[0]) == expected_events("osr", "INVALID_NNID")


def test_a_campaign_failure_of_a_scenario_fails_every_number(world):
    world.outcomes.campaign_failures[CAMPAIGN] = "CAMPAIGN_EXPIRED"
    order = run_to_end(world, import_order(world, DLC))
    assert {n.failure_code for n in order.numbers.values()} == {"CAMPAIGN_EXPIRED"}
    assert all(steps(n) == expected_states("campaign") for n in order.numbers.values())


def test_a_service_plan_failure_of_a_scenario_fails_the_platform_step(world):
    world.outcomes.service_plan_failures[PLAN] = "INSUFFICIENT_BALANCE"
    order = run_to_end(world, import_order(world, DLC[:1]))
    assert events_of(world, DLC[0]) == expected_events("platform", "INSUFFICIENT_BALANCE")


def test_a_number_override_wins_over_the_table(world):
    world.outcomes.overrides[magic("10")] = NumberOutcome()
    order = run_to_end(world, import_order(world, [magic("10")]))
    assert order.state is HostingOrderState.COMPLETED


def test_every_failure_code_of_the_spec_is_reachable():
    enum = set(spec_document()["components"]["schemas"]["CallbackPayload"]["properties"]["failureCode"]["enum"])
    reachable = {code for _, _, code in STEP_ROWS} | {"TFN_NOT_ALLOWED"}
    assert reachable == enum


# --- carriers -------------------------------------------------------------------------------------
def test_a_carrier_error_is_shown_but_the_number_is_hosted(world):
    phone = magic("30")
    order = run_to_end(world, import_order(world, [phone]))
    number = order.numbers[phone]
    att = number.carriers["smsAtt"]
    assert (att.state, att.error_message) == (State.FAILED, MAGIC_TABLE["30"].carrier["smsAtt"])
    assert att.error_code
    assert {c.state for name, c in number.carriers.items() if name != "smsAtt"} == {State.DONE}
    assert number.hosting is State.DONE and order.state is HostingOrderState.COMPLETED
    assert HostingOrderReport.of(order).ongoing_manual_action == 1
    assert events_of(world, phone)[-1] == ("HOSTING_PROCESS", "SUCCEEDED", None)
    assert world.imported_numbers.get(PROJECT, phone).mno["smsAtt"].state is State.FAILED


def test_t_mobile_error_60135_without_migration(world):
    phone = magic("31")
    order = run_to_end(world, import_order(world, [phone], migrate_to_sinch_tmo=False))
    tmo = order.numbers[phone].carriers["smsTmo"]
    assert (tmo.state, tmo.error_code) == (State.FAILED, "60135")


def test_migrate_to_sinch_tmo_resolves_t_mobile_error_60135(world):
    phone = magic("31")
    order = run_to_end(world, import_order(world, [phone], migrate_to_sinch_tmo=True))
    assert {c.state for c in order.numbers[phone].carriers.values()} == {State.DONE}
    assert HostingOrderReport.of(order).ongoing_manual_action == 0


def test_the_spec_example_numbers_stay_on_the_happy_path(world):
    numbers = ["+12025550134", "+12345612345", "+17724295286", "+17724295287"]
    order = run_to_end(world, import_order(world, numbers))
    assert {n.hosting for n in order.numbers.values()} == {State.DONE}
    tf = run_to_end(world, import_order(world, ["+18335870229", "+18339460473"], campaign_id=""))
    assert {n.hosting for n in tf.numbers.values()} == {State.DONE}


def test_docs_magic_numbers_lists_the_table_as_it_is():
    import re
    from pathlib import Path

    text = (Path(__file__).parents[2] / "docs" / "magic-numbers.md").read_text()
    rows = dict(re.findall(r"^\| `(\d\d)` \| `\+1\d+` \| [^|]+ \| (.+) \|$", text, re.MULTILINE))
    assert set(rows) == set(MAGIC_TABLE)
    for digits, outcome in MAGIC_TABLE.items():
        expected = outcome.not_eligible or outcome.invoices_rejected or outcome.osr or outcome.platform \
            or outcome.campaign or next(iter(outcome.carrier.values()))
        assert expected in rows[digits], digits
