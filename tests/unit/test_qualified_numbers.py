"""Qualified numbers, through the domain: one test per transition and per refusal."""

from __future__ import annotations

from datetime import timedelta

import pytest

from mock_server.core.clock import Clock
from mock_server.core.errors import ApiError
from mock_server.core.rng import Rng
from mock_server.domain.outcomes import NumberOutcome
from mock_server.domain.provisioning import State
from mock_server.domain.qualified_numbers.lifecycle import DETAILS, EDGES, IllegalTransition, move
from mock_server.domain.qualified_numbers.model import GlobalProcessState as S
from mock_server.domain.qualified_numbers.requests import AddNumbersRequest, ListNumbersRequest
from mock_server.domain.qualified_numbers.service import (
    ELIGIBILITY_CHECK,
    INVOICE_REVIEW,
    INVOICE_SUBMISSION,
    INVOICES_REJECTED,
    VOICE_CODE_EXPIRY,
    VOICE_CODE_LENGTH,
)
from mock_server.domain.world import World
from tests.conftest import START
from tests.qualified_support import (
    CANADIAN,
    NOT_ELIGIBLE_MAGIC,
    OTHER,
    PHONE,
    PROJECT,
    REACHABLE,
    bring_to,
    wrong_code,
)
from tests.engine_support import advance

ELIGIBILITY = 60
TTL = 600
RESEND = 60


def add(world: World, phones: list) -> list:
    return world.qualified_numbers.add_numbers(PROJECT, AddNumbersRequest(phones))


def refused(call, *args, status: int = 400, name: str = "FAILED_PRECONDITION") -> ApiError:
    with pytest.raises(ApiError) as info:
        call(*args)
    assert (info.value.http_status, info.value.status) == (status, name), info.value
    return info.value


def snapshot(world: World) -> tuple:
    """Everything a refused request must leave as it was."""
    return ({pid: p.model_dump(mode="json") for pid, p in world.projects.items()}, world.scheduler.export())


def state_of(world: World, phone: str = PHONE) -> S:
    return world.qualified_numbers.get(PROJECT, phone).state


def code_of(world: World, phone: str = PHONE) -> str:
    return world.qualified_numbers.voice_challenge(PROJECT, phone).code


# --- :addNumbers ------------------------------------------------------------------------------
def test_added_numbers_wait_for_their_eligibility_check(world):
    created = world.qualified_numbers.add_numbers(PROJECT, AddNumbersRequest([PHONE, CANADIAN]))
    assert [n.phone_number for n in created] == [PHONE, CANADIAN]
    for number in created:
        assert number.state is S.ELIGIBLE_CHECK_PENDING
        assert number.osr_eligibility.status is State.IN_PROGRESS
        assert number.ownership_verification.status is State.WAITING
        assert number.hosted_number.status == 0
        assert number.created_time == number.updated_time == START
        assert number.project_id == PROJECT
    assert [n.region_code for n in created] == ["US", "CA"]
    assert world.qualified_numbers.get(PROJECT, CANADIAN) is created[1]


def test_a_number_phonenumbers_cannot_place_is_a_us_number(world):
    (number,) = world.qualified_numbers.add_numbers(PROJECT, AddNumbersRequest(["+11234567890"]))
    assert number.region_code == "US"


def test_a_toll_free_number_is_a_us_number(world):
    (number,) = world.qualified_numbers.add_numbers(PROJECT, AddNumbersRequest(["+18335870229"]))
    assert number.region_code == "US"


def test_add_needs_a_number(world):
    """(The body model refuses a missing or non-array `phoneNumbers`: tests/http.)"""
    error = refused(add, world, [], name="INVALID_ARGUMENT")
    assert error.violations[0].field == "phoneNumbers"
    assert PROJECT not in world.projects


def test_add_takes_up_to_the_batch_limit_and_refuses_more(world):
    world.settings.limits.qualify_batch_numbers = 3
    phones = [f"+1202555{n:04d}" for n in range(200, 204)]
    error = refused(add, world, phones, name="INVALID_ARGUMENT")
    assert "at most 3" in error.message
    assert PROJECT not in world.projects
    assert len(world.qualified_numbers.add_numbers(PROJECT, AddNumbersRequest(phones[:3]))) == 3


def test_the_default_batch_limit_is_500(world):
    phones = [f"+1202555{n:04d}" for n in range(1000, 1501)]
    refused(add, world, phones, name="INVALID_ARGUMENT")
    assert len(world.qualified_numbers.add_numbers(PROJECT, AddNumbersRequest(phones[:500]))) == 500


def test_add_refuses_the_whole_batch_for_one_bad_number_and_names_each(world):
    error = refused(add, world,
                    [PHONE, "12025550135", 12025550136, "+18765550100"], name="INVALID_ARGUMENT")
    assert [v.field for v in error.violations] == ["phoneNumbers[1]", "phoneNumbers[2]", "phoneNumbers[3]"]
    assert "JM" in error.violations[2].description  # a +1 number outside the US and Canada
    assert PROJECT not in world.projects


def test_add_refuses_a_number_named_twice(world):
    error = refused(add, world, [PHONE, OTHER, PHONE], name="INVALID_ARGUMENT")
    assert PHONE in error.message and OTHER not in error.message
    assert PROJECT not in world.projects


def test_add_refuses_a_number_already_qualified_and_creates_nothing(world):
    world.qualified_numbers.add_numbers(PROJECT, AddNumbersRequest([PHONE]))
    before = snapshot(world)
    error = refused(add, world, [OTHER, PHONE], status=409, name="ALREADY_EXISTS")
    assert PHONE in error.message and OTHER not in error.message
    assert snapshot(world) == before


def test_the_same_number_may_be_qualified_in_two_projects(world):
    world.qualified_numbers.add_numbers(PROJECT, AddNumbersRequest([PHONE]))
    (number,) = world.qualified_numbers.add_numbers("p2", AddNumbersRequest([PHONE]))
    assert number.project_id == "p2"


# --- the eligibility check --------------------------------------------------------------------
def test_the_eligibility_check_passes_after_its_delay(world):
    world.qualified_numbers.add_numbers(PROJECT, AddNumbersRequest([PHONE]))
    advance(world, ELIGIBILITY - 1)
    assert state_of(world) is S.ELIGIBLE_CHECK_PENDING
    advance(world, 1)
    number = world.qualified_numbers.get(PROJECT, PHONE)
    assert number.state is S.ELIGIBLE
    assert number.osr_eligibility.status is State.DONE and number.osr_eligibility.error == ""
    assert number.ownership_verification.status is State.WAITING
    assert number.updated_time == START + timedelta(seconds=ELIGIBILITY)


def test_the_eligibility_delay_comes_from_the_settings(world):
    world.settings.timings.eligibility_check = 5
    world.qualified_numbers.add_numbers(PROJECT, AddNumbersRequest([PHONE]))
    advance(world, 5)
    assert state_of(world) is S.ELIGIBLE


def test_the_magic_number_555_0100_is_not_eligible(world):
    world.qualified_numbers.add_numbers(PROJECT, AddNumbersRequest([NOT_ELIGIBLE_MAGIC, PHONE]))
    advance(world, ELIGIBILITY)
    number = world.qualified_numbers.get(PROJECT, NOT_ELIGIBLE_MAGIC)
    assert number.state is S.NOT_ELIGIBLE
    assert number.osr_eligibility.status is State.FAILED and "not eligible" in number.osr_eligibility.error
    assert state_of(world, PHONE) is S.ELIGIBLE


def test_a_scenario_override_makes_a_number_not_eligible(world):
    world.outcomes.overrides[OTHER] = NumberOutcome(not_eligible="ported away")
    world.qualified_numbers.add_numbers(PROJECT, AddNumbersRequest([OTHER]))
    advance(world, ELIGIBILITY)
    number = world.qualified_numbers.get(PROJECT, OTHER)
    assert number.state is S.NOT_ELIGIBLE and number.osr_eligibility.error == "ported away"


# --- get and delete ---------------------------------------------------------------------------
def test_get_of_an_absent_number_is_404_and_creates_no_project(world):
    refused(world.qualified_numbers.get, PROJECT, PHONE, status=404, name="NOT_FOUND")
    assert PROJECT not in world.projects


def test_numbers_belong_to_their_project(world):
    world.qualified_numbers.add_numbers(PROJECT, AddNumbersRequest([PHONE]))
    refused(world.qualified_numbers.get, "p2", PHONE, status=404, name="NOT_FOUND")


def test_delete_removes_the_number(world):
    bring_to(world, S.VERIFICATION_PENDING)
    world.qualified_numbers.delete(PROJECT, PHONE)
    refused(world.qualified_numbers.get, PROJECT, PHONE, status=404, name="NOT_FOUND")
    refused(world.qualified_numbers.delete, PROJECT, PHONE, status=404, name="NOT_FOUND")


@pytest.mark.parametrize("state", [s for s in REACHABLE if s is not S.HOSTING_IN_PROGRESS])
def test_delete_works_in_every_state_but_hosting_in_progress(world, state):
    bring_to(world, state)
    world.qualified_numbers.delete(PROJECT, PHONE)
    assert PHONE not in world.project(PROJECT).qualified_numbers


def test_delete_is_refused_while_hosting_is_in_progress(world):
    bring_to(world, S.HOSTING_IN_PROGRESS)
    before = snapshot(world)
    error = refused(world.qualified_numbers.delete, PROJECT, PHONE)
    assert "hosting order" in error.message
    assert snapshot(world) == before


def test_delete_is_refused_while_a_running_hosting_order_holds_the_number(world):
    bring_to(world, S.HOSTING_DONE)
    world.project(PROJECT).running_order_by_number[PHONE] = "order-9"
    error = refused(world.qualified_numbers.delete, PROJECT, PHONE)
    assert "order-9" in error.message
    del world.project(PROJECT).running_order_by_number[PHONE]
    world.qualified_numbers.delete(PROJECT, PHONE)


def test_a_deleted_number_leaves_no_timed_step_behind(world):
    world.qualified_numbers.add_numbers(PROJECT, AddNumbersRequest([PHONE]))
    advance(world, 30)
    world.qualified_numbers.delete(PROJECT, PHONE)
    world.qualified_numbers.add_numbers(PROJECT, AddNumbersRequest([PHONE]))
    advance(world, 30)  # the first check would have been due now
    assert state_of(world) is S.ELIGIBLE_CHECK_PENDING
    advance(world, 30)
    assert state_of(world) is S.ELIGIBLE
    refused(world.qualified_numbers.voice_challenge, PROJECT, PHONE, status=404, name="NOT_FOUND")


# --- list -------------------------------------------------------------------------------------
def page(world, states, project: str = PROJECT, **kwargs):
    return world.qualified_numbers.list_numbers(project, ListNumbersRequest(states=tuple(states), **kwargs))


def list_of(world, states, **kwargs) -> list[str]:
    kwargs.setdefault("page_size", 100)
    return [n.phone_number for n in page(world, states, **kwargs).items]


def test_list_needs_states(world):
    error = refused(lambda: page(world, []), name="INVALID_ARGUMENT")
    assert error.violations[0].field == "states"


def test_list_refuses_an_unknown_state_naming_the_field(world):
    error = refused(lambda: list_of(world, ["GLOBAL_PROCESS_STATE_ELIGIBLE", "ELIGIBLE"]), name="INVALID_ARGUMENT")
    assert error.violations[0].field == "states" and "'ELIGIBLE'" in error.message


def test_list_filters_by_several_states(world):
    bring_to(world, S.VERIFIED, PHONE)
    bring_to(world, S.NOT_ELIGIBLE, OTHER)
    world.qualified_numbers.add_numbers(PROJECT, AddNumbersRequest([CANADIAN]))
    assert list_of(world, [S.VERIFIED.value]) == [PHONE]
    assert sorted(list_of(world, [S.VERIFIED.value, S.ELIGIBLE_CHECK_PENDING.value])) == sorted([PHONE, CANADIAN])
    assert list_of(world, [S.UNSPECIFIED.value]) == []


def test_list_filters_by_region(world):
    world.qualified_numbers.add_numbers(PROJECT, AddNumbersRequest([PHONE, CANADIAN]))
    pending = [S.ELIGIBLE_CHECK_PENDING.value]
    assert list_of(world, pending, region_code="CA") == [CANADIAN]
    assert list_of(world, pending, region_code="US") == [PHONE]
    refused(lambda: list_of(world, pending, region_code="GB"), name="INVALID_ARGUMENT")


def test_list_orders_by_created_or_updated_time(world):
    world.qualified_numbers.add_numbers(PROJECT, AddNumbersRequest([PHONE]))
    advance(world, 10)
    world.qualified_numbers.add_numbers(PROJECT, AddNumbersRequest([OTHER]))
    advance(world, ELIGIBILITY)  # PHONE becomes eligible at 60, OTHER at 70
    world.qualified_numbers.approve_invoices(PROJECT, PHONE)  # PHONE updated at 70: ties broken by number
    eligible_or_verified = [S.ELIGIBLE.value, S.VERIFIED.value]
    assert list_of(world, eligible_or_verified) == [PHONE, OTHER]
    assert list_of(world, eligible_or_verified, order_by="updatedTime") == [PHONE, OTHER]
    advance(world, 1)
    world.qualified_numbers.send_voice_challenge(PROJECT, OTHER)  # moves OTHER only
    world.qualified_numbers.approve_invoices(PROJECT, OTHER)
    advance(world, 1)
    world.qualified_numbers.begin_hosting(PROJECT, [PHONE], "o")
    world.qualified_numbers.release_from_hosting(PROJECT, [PHONE])
    assert list_of(world, eligible_or_verified, order_by="updatedTime") == [OTHER, PHONE]
    refused(lambda: list_of(world, eligible_or_verified, order_by="phoneNumber"), name="INVALID_ARGUMENT")


def test_list_pages_with_tokens_bound_to_their_filters(world):
    phones = [f"+1202555{n:04d}" for n in range(300, 305)]
    world.qualified_numbers.add_numbers(PROJECT, AddNumbersRequest(phones))
    pending = [S.ELIGIBLE_CHECK_PENDING.value]
    first = page(world, pending, page_size=2)
    assert [n.phone_number for n in first.items] == phones[:2] and first.total_size == 5
    second = page(world, pending, page_size=2, page_token=first.next_page_token)
    third = page(world, pending, page_size=2, page_token=second.next_page_token)
    assert [n.phone_number for n in second.items + third.items] == phones[2:]
    assert third.next_page_token == ""
    for other_filters in ({"region_code": "US"}, {"order_by": "updatedTime"}):
        with pytest.raises(ApiError) as info:
            page(world, pending, page_size=2, page_token=first.next_page_token, **other_filters)
        assert info.value.violations[0].field == "pageToken"
    with pytest.raises(ApiError):
        page(world, [S.ELIGIBLE.value, *pending], page_size=2, page_token=first.next_page_token)


def test_the_state_order_does_not_change_a_page_token(world):
    world.qualified_numbers.add_numbers(PROJECT, AddNumbersRequest([PHONE, OTHER]))
    both = [S.ELIGIBLE_CHECK_PENDING.value, S.ELIGIBLE.value]
    first = page(world, both, page_size=1)
    second = page(world, both[::-1], page_size=1, page_token=first.next_page_token)
    assert [n.phone_number for n in second.items] == [OTHER]


def test_a_list_request_names_every_bad_value_at_once(world):
    error = refused(lambda: page(world, ["ELIGIBLE"], region_code="GB", order_by="phoneNumber"),
                    name="INVALID_ARGUMENT")
    assert [v.field for v in error.violations] == ["states", "orderBy", "regionCode"]
    assert "'ELIGIBLE'" in error.message and "'GB'" in error.message


def test_a_page_token_of_one_project_is_a_400_in_another(world):
    """The same filter, the same order, numbers of the same instants: only the project differs."""
    pending = [S.ELIGIBLE_CHECK_PENDING.value]
    world.qualified_numbers.add_numbers(PROJECT, AddNumbersRequest([PHONE, OTHER]))
    world.qualified_numbers.add_numbers("p2", AddNumbersRequest([PHONE, OTHER]))
    token = page(world, pending, page_size=1).next_page_token
    assert [n.phone_number for n in page(world, pending, page_size=1, page_token=token).items] == [OTHER]
    error = refused(lambda: page(world, pending, "p2", page_size=1, page_token=token), name="INVALID_ARGUMENT")
    assert [v.field for v in error.violations] == ["pageToken"] and PROJECT not in error.message


@pytest.mark.parametrize("other", [{"states": [S.ELIGIBLE_CHECK_PENDING.value, S.ELIGIBLE.value]},
                                   {"region_code": "US"}, {"order_by": "updatedTime"}])
def test_a_page_token_for_other_filter_values_is_a_400(world, other):
    """Each other value still finds the same numbers in the same order: only the binding refuses."""
    world.qualified_numbers.add_numbers(PROJECT, AddNumbersRequest([PHONE, OTHER]))
    asked = {"states": [S.ELIGIBLE_CHECK_PENDING.value], "page_size": 1}
    token = page(world, **asked).next_page_token
    error = refused(lambda: page(world, **{**asked, **other}, page_token=token), name="INVALID_ARGUMENT")
    assert [v.field for v in error.violations] == ["pageToken"]


def test_the_list_orders_by_the_apis_millisecond_then_the_number(world):
    """Numbers stamped within one millisecond read as simultaneous: the phone number decides."""
    world.qualified_numbers.add_numbers(PROJECT, AddNumbersRequest([OTHER]))
    world.clock.set(world.clock.now() + timedelta(microseconds=400))
    world.qualified_numbers.add_numbers(PROJECT, AddNumbersRequest([PHONE]))  # PHONE < OTHER
    assert list_of(world, [S.ELIGIBLE_CHECK_PENDING.value]) == [PHONE, OTHER]
    world.clock.set(world.clock.now() + timedelta(milliseconds=1))
    world.qualified_numbers.add_numbers(PROJECT, AddNumbersRequest([CANADIAN]))
    assert list_of(world, [S.ELIGIBLE_CHECK_PENDING.value])[-1] == CANADIAN


def test_the_consoles_search_pages_with_the_same_home(world):
    world.qualified_numbers.add_numbers(PROJECT, AddNumbersRequest([PHONE, OTHER, CANADIAN]))
    every = [s.value for s in S]
    assert list_of(world, every, text=PHONE[-4:]) == [PHONE]
    first = page(world, every, page_size=1, text="+1")
    token = first.next_page_token
    assert first.total_size == 3
    refused(lambda: page(world, every, page_size=1, text="+12", page_token=token), name="INVALID_ARGUMENT")


# --- voice challenges: sending ----------------------------------------------------------------
def test_a_voice_challenge_moves_an_eligible_number_to_verification_pending(world):
    bring_to(world, S.ELIGIBLE)
    now = world.clock.now()
    number = world.qualified_numbers.send_voice_challenge(PROJECT, PHONE)
    assert number.state is S.VERIFICATION_PENDING
    assert number.ownership_verification.status is State.IN_PROGRESS
    assert number.updated_time == now
    challenge = world.qualified_numbers.voice_challenge(PROJECT, PHONE)
    assert len(challenge.code) == VOICE_CODE_LENGTH == 4 and challenge.code.isdigit()
    assert challenge.sent_at == now and challenge.expires_at == now + timedelta(seconds=TTL)
    assert challenge.attempts_left == 3


def test_voice_codes_come_from_the_seed(world):
    other = World(clock=Clock(start=START, frozen=True), rng=Rng(1234))
    bring_to(world, S.VERIFICATION_PENDING)
    bring_to(other, S.VERIFICATION_PENDING)
    assert code_of(world) == code_of(other)


@pytest.mark.parametrize("state", [S.ELIGIBLE_CHECK_PENDING, S.NOT_ELIGIBLE, S.VERIFICATION_BLOCKED, S.VERIFIED,
                                   S.HOSTING_IN_PROGRESS, S.HOSTING_DONE, S.HOSTING_FAILED])
def test_a_voice_challenge_is_refused_in_other_states(world, state):
    bring_to(world, state)
    if state is S.VERIFICATION_BLOCKED:
        advance(world, RESEND)  # so the refusal is about the state, not the resend interval
    before = snapshot(world)
    error = refused(world.qualified_numbers.send_voice_challenge, PROJECT, PHONE)
    assert PHONE in error.message
    assert snapshot(world) == before


def test_a_voice_challenge_to_an_absent_number_is_404(world):
    refused(world.qualified_numbers.send_voice_challenge, PROJECT, PHONE, status=404, name="NOT_FOUND")


def test_resending_within_the_interval_is_429_with_retry_after(world):
    bring_to(world, S.VERIFICATION_PENDING)
    advance(world, RESEND - 20)
    before = snapshot(world)
    error = refused(world.qualified_numbers.send_voice_challenge, PROJECT, PHONE, status=429,
                    name="RESOURCE_EXHAUSTED")
    assert error.headers["Retry-After"] == "20"
    assert snapshot(world) == before


def test_the_resend_interval_comes_from_the_settings(world):
    world.settings.timings.voice_resend_interval = 5
    bring_to(world, S.VERIFICATION_PENDING)
    advance(world, 5)
    world.qualified_numbers.send_voice_challenge(PROJECT, PHONE)


def test_a_resend_replaces_the_code_and_restores_the_attempts(world):
    bring_to(world, S.VERIFICATION_PENDING)
    old = code_of(world)
    refused(world.qualified_numbers.verify_voice_challenge, PROJECT, PHONE, wrong_code(old), name="INVALID_ARGUMENT")
    advance(world, RESEND)
    number = world.qualified_numbers.send_voice_challenge(PROJECT, PHONE)
    assert number.state is S.VERIFICATION_PENDING and number.updated_time == world.clock.now()
    challenge = world.qualified_numbers.voice_challenge(PROJECT, PHONE)
    assert challenge.attempts_left == 3
    assert challenge.expires_at == world.clock.now() + timedelta(seconds=TTL)
    if challenge.code != old:
        refused(world.qualified_numbers.verify_voice_challenge, PROJECT, PHONE, old, name="INVALID_ARGUMENT")
    world.qualified_numbers.verify_voice_challenge(PROJECT, PHONE, challenge.code)


def test_a_resend_moves_the_expiry(world):
    bring_to(world, S.VERIFICATION_PENDING)
    advance(world, TTL - 10)
    world.qualified_numbers.send_voice_challenge(PROJECT, PHONE)
    advance(world, 20)  # past the first code's expiry
    assert state_of(world) is S.VERIFICATION_PENDING
    advance(world, TTL)
    assert state_of(world) is S.VERIFICATION_FAILED


@pytest.mark.parametrize("how", ["expired", "invoices rejected"])
def test_a_failed_verification_may_be_retried_by_voice(world, how):
    bring_to(world, S.VERIFICATION_FAILED if how == "expired" else S.ELIGIBLE)
    if how == "invoices rejected":
        world.qualified_numbers.reject_invoices(PROJECT, PHONE)
    number = world.qualified_numbers.send_voice_challenge(PROJECT, PHONE)
    assert number.state is S.VERIFICATION_PENDING
    assert number.ownership_verification.status is State.IN_PROGRESS and number.ownership_verification.error == ""


# --- voice challenges: verifying --------------------------------------------------------------
def test_the_right_code_verifies_the_number(world):
    bring_to(world, S.VERIFICATION_PENDING)
    advance(world, 30)
    number = world.qualified_numbers.verify_voice_challenge(PROJECT, PHONE, code_of(world))
    assert number.state is S.VERIFIED
    assert number.ownership_verification.status is State.DONE
    assert number.updated_time == world.clock.now()
    advance(world, TTL)  # the expiry of a used code changes nothing
    assert state_of(world) is S.VERIFIED


def test_the_right_code_works_until_the_last_moment(world):
    bring_to(world, S.VERIFICATION_PENDING)
    advance(world, TTL - 0.001)
    assert world.qualified_numbers.verify_voice_challenge(PROJECT, PHONE, code_of(world)).state is S.VERIFIED


def test_a_wrong_code_is_400_with_the_attempts_left(world):
    number = bring_to(world, S.VERIFICATION_PENDING)
    updated = number.updated_time
    advance(world, 5)
    wrong = wrong_code(code_of(world))
    error = refused(world.qualified_numbers.verify_voice_challenge, PROJECT, PHONE, wrong, name="INVALID_ARGUMENT")
    assert "2 attempt(s) left" in error.message and error.violations[0].field == "code"
    error = refused(world.qualified_numbers.verify_voice_challenge, PROJECT, PHONE, wrong, name="INVALID_ARGUMENT")
    assert "1 attempt(s) left" in error.message
    number = world.qualified_numbers.get(PROJECT, PHONE)
    assert number.state is S.VERIFICATION_PENDING and number.updated_time == updated
    assert world.qualified_numbers.voice_challenge(PROJECT, PHONE).attempts_left == 1
    assert world.qualified_numbers.verify_voice_challenge(PROJECT, PHONE, code_of(world)).state is S.VERIFIED


def test_the_last_wrong_code_blocks_the_number(world):
    bring_to(world, S.VERIFICATION_PENDING)
    right = code_of(world)
    for _ in range(2):
        refused(world.qualified_numbers.verify_voice_challenge, PROJECT, PHONE, wrong_code(right),
                name="INVALID_ARGUMENT")
    advance(world, 1)
    error = refused(world.qualified_numbers.verify_voice_challenge, PROJECT, PHONE, wrong_code(right),
                    name="INVALID_ARGUMENT")
    assert "blocked" in error.message
    number = world.qualified_numbers.get(PROJECT, PHONE)
    assert number.state is S.VERIFICATION_BLOCKED and number.updated_time == world.clock.now()
    assert number.ownership_verification.status is State.FAILED and "3 wrong" in number.ownership_verification.error
    refused(world.qualified_numbers.verify_voice_challenge, PROJECT, PHONE, right)
    advance(world, TTL)
    assert state_of(world) is S.VERIFICATION_BLOCKED  # the expiry no longer applies
    refused(world.qualified_numbers.send_voice_challenge, PROJECT, PHONE)


def test_the_number_of_attempts_comes_from_the_settings(world):
    world.settings.limits.voice_attempts = 1
    bring_to(world, S.VERIFICATION_PENDING)
    refused(world.qualified_numbers.verify_voice_challenge, PROJECT, PHONE, wrong_code(code_of(world)),
            name="INVALID_ARGUMENT")
    assert state_of(world) is S.VERIFICATION_BLOCKED


def test_a_code_expires_after_its_ttl(world):
    number = bring_to(world, S.VERIFICATION_PENDING)
    sent = number.updated_time
    code = code_of(world)
    advance(world, TTL)
    number = world.qualified_numbers.get(PROJECT, PHONE)
    assert number.state is S.VERIFICATION_FAILED
    assert number.ownership_verification.status is State.FAILED and "expired" in number.ownership_verification.error
    assert number.updated_time == sent + timedelta(seconds=TTL)
    error = refused(world.qualified_numbers.verify_voice_challenge, PROJECT, PHONE, code)
    assert "expired" in error.message


def test_an_expired_code_is_caught_at_verify_time_too(world):
    bring_to(world, S.VERIFICATION_PENDING)
    sent = world.clock.now()
    code = code_of(world)
    world.clock.advance(TTL + 5)  # the clock moves, the expiry job has not run yet
    error = refused(world.qualified_numbers.verify_voice_challenge, PROJECT, PHONE, code)
    assert "expired" in error.message and "send a new voice challenge" in error.message
    number = world.qualified_numbers.get(PROJECT, PHONE)
    assert number.state is S.VERIFICATION_FAILED and number.updated_time == sent + timedelta(seconds=TTL)
    assert [job.kind for job in world.scheduler.pending()] == [INVOICE_SUBMISSION]  # the invoices still come


def test_the_code_ttl_comes_from_the_settings(world):
    world.settings.timings.voice_code_ttl = 30
    bring_to(world, S.VERIFICATION_PENDING)
    advance(world, 30)
    assert state_of(world) is S.VERIFICATION_FAILED


@pytest.mark.parametrize("code", ["", "123", "12345", "12a4", "١٢٣٤", None, 1234])
def test_a_malformed_code_is_refused_without_using_an_attempt(world, code):
    bring_to(world, S.VERIFICATION_PENDING)
    before = snapshot(world)
    error = refused(world.qualified_numbers.verify_voice_challenge, PROJECT, PHONE, code, name="INVALID_ARGUMENT")
    assert error.violations[0].field == "code"
    assert snapshot(world) == before


@pytest.mark.parametrize("state", [s for s in REACHABLE if s is not S.VERIFICATION_PENDING])
def test_verifying_is_refused_in_other_states(world, state):
    bring_to(world, state)
    before = snapshot(world)
    error = refused(world.qualified_numbers.verify_voice_challenge, PROJECT, PHONE, "1234")
    assert PHONE in error.message
    assert snapshot(world) == before


def test_verifying_an_absent_number_is_404(world):
    refused(world.qualified_numbers.verify_voice_challenge, PROJECT, PHONE, "1234", status=404, name="NOT_FOUND")


def test_there_is_no_voice_challenge_before_one_is_sent(world):
    bring_to(world, S.ELIGIBLE)
    refused(world.qualified_numbers.voice_challenge, PROJECT, PHONE, status=404, name="NOT_FOUND")


# --- invoices ---------------------------------------------------------------------------------
@pytest.mark.parametrize("state", [S.ELIGIBLE, S.VERIFICATION_PENDING, S.VERIFICATION_FAILED])
def test_approved_invoices_verify_the_number(world, state):
    bring_to(world, state)
    advance(world, 1)
    number = world.qualified_numbers.approve_invoices(PROJECT, PHONE)
    assert number.state is S.VERIFIED and number.ownership_verification.status is State.DONE
    assert number.ownership_verification.error == "" and number.updated_time == world.clock.now()
    advance(world, TTL)  # a pending code's expiry no longer applies
    assert state_of(world) is S.VERIFIED


@pytest.mark.parametrize("state", [S.ELIGIBLE, S.VERIFICATION_PENDING, S.VERIFICATION_FAILED])
def test_rejected_invoices_fail_the_verification(world, state):
    bring_to(world, state)
    advance(world, 1)
    number = world.qualified_numbers.reject_invoices(PROJECT, PHONE)
    assert number.state is S.VERIFICATION_FAILED
    assert number.ownership_verification.status is State.FAILED
    assert number.ownership_verification.error == INVOICES_REJECTED and number.updated_time == world.clock.now()


def test_rejected_invoices_void_a_pending_code(world):
    bring_to(world, S.VERIFICATION_PENDING)
    code = code_of(world)
    world.qualified_numbers.reject_invoices(PROJECT, PHONE)
    refused(world.qualified_numbers.verify_voice_challenge, PROJECT, PHONE, code)


@pytest.mark.parametrize("state", [S.ELIGIBLE_CHECK_PENDING, S.NOT_ELIGIBLE, S.VERIFICATION_BLOCKED, S.VERIFIED,
                                   S.HOSTING_IN_PROGRESS, S.HOSTING_DONE, S.HOSTING_FAILED])
@pytest.mark.parametrize("review", ["approve_invoices", "reject_invoices"])
def test_an_invoice_review_is_refused_in_other_states(world, state, review):
    bring_to(world, state)
    before = snapshot(world)
    error = refused(getattr(world.qualified_numbers, review), PROJECT, PHONE)
    assert PHONE in error.message
    assert snapshot(world) == before


@pytest.mark.parametrize("review", ["approve_invoices", "reject_invoices"])
def test_an_invoice_review_of_an_absent_number_is_404(world, review):
    refused(getattr(world.qualified_numbers, review), PROJECT, PHONE, status=404, name="NOT_FOUND")


SUBMISSION = 3600  # timings.invoice_submission
REVIEW = 172800  # timings.invoice_review


def test_the_invoices_reach_the_review_after_the_submission_delay(world):
    bring_to(world, S.ELIGIBLE)
    advance(world, SUBMISSION - 1)
    assert state_of(world) is S.ELIGIBLE
    advance(world, 1)
    number = world.qualified_numbers.get(PROJECT, PHONE)
    assert number.state is S.VERIFICATION_PENDING
    assert number.ownership_verification.status is State.IN_PROGRESS
    assert number.updated_time == START + timedelta(seconds=ELIGIBILITY + SUBMISSION)


def test_the_review_approves_by_itself_after_the_review_delay(world):
    bring_to(world, S.ELIGIBLE)
    advance(world, SUBMISSION + REVIEW - 1)
    assert state_of(world) is S.VERIFICATION_PENDING
    advance(world, 1)
    number = world.qualified_numbers.get(PROJECT, PHONE)
    assert number.state is S.VERIFIED and number.ownership_verification.status is State.DONE
    assert number.updated_time == START + timedelta(seconds=ELIGIBILITY + SUBMISSION + REVIEW)


def test_the_review_delay_is_bounded_to_one_to_three_days(world):
    world.settings.timings.invoice_review = 86400
    world.settings.timings.invoice_review = 259200
    for outside in (86399, 259201):
        with pytest.raises(ValueError):
            world.settings.timings.invoice_review = outside


def test_a_magic_number_has_its_invoices_rejected(world):
    phone = "+12025550101"  # 555-0101: invoices rejected (docs/magic-numbers.md)
    bring_to(world, S.ELIGIBLE, phone=phone)
    advance(world, SUBMISSION + REVIEW)
    number = world.qualified_numbers.get(PROJECT, phone)
    assert number.state is S.VERIFICATION_FAILED
    assert number.ownership_verification.error == "The invoices did not prove ownership of the number"


def test_a_scenario_outcome_rejects_the_invoices(world):
    world.outcomes.overrides[PHONE] = NumberOutcome(invoices_rejected="invoice is not for this number")
    bring_to(world, S.ELIGIBLE)
    advance(world, SUBMISSION + REVIEW)
    number = world.qualified_numbers.get(PROJECT, PHONE)
    assert (number.state, number.ownership_verification.error) == (S.VERIFICATION_FAILED,
                                                                   "invoice is not for this number")


@pytest.mark.parametrize("decide,ends", [("approve_invoices", S.VERIFIED),
                                         ("reject_invoices", S.VERIFICATION_FAILED)])
def test_the_control_plane_ends_a_review_at_once(world, decide, ends):
    bring_to(world, S.ELIGIBLE)
    advance(world, SUBMISSION)
    getattr(world.qualified_numbers, decide)(PROJECT, PHONE)
    assert state_of(world) is ends and world.scheduler.pending() == []
    advance(world, REVIEW)
    assert state_of(world) is ends


def test_the_review_also_verifies_a_failed_voice_verification(world):
    bring_to(world, S.VERIFICATION_FAILED)  # the voice code expired
    advance(world, SUBMISSION)
    assert state_of(world) is S.VERIFICATION_PENDING  # the invoices reached the review
    advance(world, REVIEW)
    assert state_of(world) is S.VERIFIED


def test_a_voice_challenge_stays_open_to_a_number_under_review(world):
    bring_to(world, S.ELIGIBLE)
    advance(world, SUBMISSION)
    world.qualified_numbers.send_voice_challenge(PROJECT, PHONE)
    world.qualified_numbers.verify_voice_challenge(PROJECT, PHONE, code_of(world))
    assert state_of(world) is S.VERIFIED and world.scheduler.pending() == []


@pytest.mark.parametrize("decided", [S.VERIFICATION_BLOCKED, S.VERIFIED, S.NOT_ELIGIBLE])
def test_the_review_leaves_decided_numbers_alone(world, decided):
    number = bring_to(world, decided)
    updated = number.updated_time
    advance(world, SUBMISSION + REVIEW)
    number = world.qualified_numbers.get(PROJECT, PHONE)
    assert number.state is decided and number.updated_time == updated


def test_without_invoice_submission_a_number_stays_eligible(world):
    world.settings.timings.invoice_submission = None
    bring_to(world, S.ELIGIBLE)
    advance(world, 30 * 86400)
    assert state_of(world) is S.ELIGIBLE

# --- timed steps: decided numbers leave none behind, stale ones change nothing ---------------
def pending_jobs(world: World) -> list[str]:
    return [job.kind for job in world.scheduler.pending()]


def test_a_resend_replaces_the_pending_expiry(world):
    bring_to(world, S.VERIFICATION_PENDING)
    advance(world, RESEND)
    world.qualified_numbers.send_voice_challenge(PROJECT, PHONE)
    assert sorted(pending_jobs(world)) == [INVOICE_SUBMISSION, VOICE_CODE_EXPIRY]


@pytest.mark.parametrize("decide", ["right code", "blocked", "approve", "reject", "delete", "automatic review"])
def test_a_decided_verification_leaves_no_timed_step_behind(world, decide):
    world.settings.timings.invoice_submission = 0  # the invoices are under review at once
    bring_to(world, S.VERIFICATION_PENDING)
    assert sorted(pending_jobs(world)) == sorted([INVOICE_REVIEW, VOICE_CODE_EXPIRY])
    service = world.qualified_numbers
    if decide == "automatic review":
        advance(world, REVIEW)
        assert state_of(world) is S.VERIFIED
    elif decide == "right code":
        service.verify_voice_challenge(PROJECT, PHONE, code_of(world))
    elif decide == "blocked":
        for _ in range(3):
            with pytest.raises(ApiError):
                service.verify_voice_challenge(PROJECT, PHONE, wrong_code(code_of(world)))
    elif decide == "delete":
        service.delete(PROJECT, PHONE)
    else:
        getattr(service, f"{decide}_invoices")(PROJECT, PHONE)
    assert pending_jobs(world) == []


@pytest.fixture
def quiet_jobs(caplog):
    """Fails the test if a timed step raised (the scheduler logs and swallows job errors)."""
    yield
    assert not [r for r in caplog.get_records("call") if r.name == "sinch_mock.scheduler"], caplog.text


def test_a_stale_eligibility_check_changes_nothing(world, quiet_jobs):
    number = bring_to(world, S.VERIFICATION_PENDING)
    updated = number.updated_time
    world.scheduler.schedule(ELIGIBILITY_CHECK, PROJECT, phoneNumber=PHONE)
    world.scheduler.schedule(ELIGIBILITY_CHECK, PROJECT, phoneNumber=OTHER)  # an absent number
    advance(world, 1)
    assert state_of(world) is S.VERIFICATION_PENDING and world.qualified_numbers.get(PROJECT, PHONE).updated_time == updated


def test_a_stale_code_expiry_changes_nothing(world, quiet_jobs):
    bring_to(world, S.VERIFICATION_PENDING)
    old_expiry = world.qualified_numbers.voice_challenge(PROJECT, PHONE).expires_at
    advance(world, RESEND)
    world.qualified_numbers.send_voice_challenge(PROJECT, PHONE)
    world.scheduler.schedule(VOICE_CODE_EXPIRY, PROJECT, at=old_expiry, phoneNumber=PHONE,
                             expiresAt=old_expiry.isoformat())  # as an imported state might hold it
    advance(world, TTL - RESEND)
    assert state_of(world) is S.VERIFICATION_PENDING
    world.qualified_numbers.approve_invoices(PROJECT, PHONE)
    world.scheduler.schedule(VOICE_CODE_EXPIRY, PROJECT, phoneNumber=PHONE,
                             expiresAt=world.qualified_numbers.voice_challenge(PROJECT, PHONE).expires_at.isoformat())
    advance(world, 1)
    assert state_of(world) is S.VERIFIED


@pytest.mark.parametrize("state", [S.VERIFIED, S.VERIFICATION_BLOCKED, S.ELIGIBLE_CHECK_PENDING])
def test_a_stale_invoice_review_changes_nothing(world, state, quiet_jobs):
    number = bring_to(world, state)
    updated = number.updated_time
    world.scheduler.schedule(INVOICE_REVIEW, PROJECT, phoneNumber=PHONE)
    advance(world, 1)
    number = world.qualified_numbers.get(PROJECT, PHONE)
    assert number.state is state and number.updated_time == updated


# --- the state machine itself -----------------------------------------------------------------
def test_every_edge_connects_known_states():
    states = set(REACHABLE)
    assert all(a in states and b in states for a, b in EDGES)
    assert set(DETAILS) == states


def test_move_refuses_an_edge_that_is_not_in_the_table(world):
    number = bring_to(world, S.ELIGIBLE_CHECK_PENDING)
    with pytest.raises(IllegalTransition):
        move(number, S.VERIFIED, world.clock.now())
    assert number.state is S.ELIGIBLE_CHECK_PENDING


def test_qualified_numbers_record_no_callback_events(world):
    bring_to(world, S.HOSTING_DONE)
    bring_to(world, S.VERIFICATION_BLOCKED, OTHER)
    assert world.events.events == []
