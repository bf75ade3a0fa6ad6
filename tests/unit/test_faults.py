"""Fault rules in the domain: matching, counting, probability from the seeded generator."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from mock_server.core.errors import ApiError
from mock_server.core.rng import Rng
from mock_server.domain import faults
from mock_server.domain.faults import Call, FaultRules, FaultSpec

LIST = Call("GET", "/v1/projects/p/importedNumbers", "ImportNumberService_ListImportedNumbers", "p")
IMPORT = Call("POST", "/v1/projects/p/importedNumbers", "ImportNumberService_ImportNumber", "p")
OTHER = Call("GET", "/v1/projects/q/importedNumbers", "ImportNumberService_ListImportedNumbers", "q")


def spec(**fields) -> FaultSpec:
    return FaultSpec.model_validate({"action": {"type": "error", "status": 503}, **fields})


@pytest.mark.parametrize("fields, hits", [
    ({"operationId": "ImportNumberService_ListImportedNumbers"}, [True, False, True]),
    ({"method": "post"}, [False, True, False]),
    ({"path": "/v1/projects/*/importedNumbers"}, [True, True, True]),
    ({"path": "/v1/projects/q/*"}, [False, False, True]),
    ({"projectId": "p", "method": "GET"}, [True, False, False]),
    ({}, [True, True, True]),
])
def test_a_rule_matches_by_operation_method_path_and_project(fields, hits):
    rule = FaultRules().add(spec(**fields))
    assert [rule.matches(call) for call in (LIST, IMPORT, OTHER)] == hits


def test_times_limits_a_rule_to_the_next_n_matching_calls():
    rules = FaultRules()
    rules.add(spec(times=2, method="GET"))
    rng = Rng(1)
    assert rules.pick(IMPORT, rng) is None  # not matching: not counted
    assert [rules.pick(LIST, rng) is not None for _ in range(4)] == [True, True, False, False]
    assert rules.rules[0].to_json()["remaining"] == 0 and rules.rules[0].fired == 2


def test_the_first_rule_that_fires_wins_and_later_ones_are_not_counted():
    rules = FaultRules()
    first, second = rules.add(spec(times=1)), rules.add(spec(times=5))
    rng = Rng(1)
    assert rules.pick(LIST, rng) is first
    assert rules.pick(LIST, rng) is second
    assert (second.matched, second.remaining) == (1, 4)


def test_probability_is_drawn_from_the_seeded_generator_and_reproducible():
    def pattern(seed: int) -> list[bool]:
        rules, rng = FaultRules(), Rng(seed)
        rules.add(spec(probability=0.5))
        return [rules.pick(LIST, rng) is not None for _ in range(40)]

    assert pattern(11) == pattern(11)
    assert pattern(11) != pattern(12)
    assert 5 < sum(pattern(11)) < 35


def test_probability_one_and_zero_draw_nothing():
    rng = Rng(5)
    before = rng.positions()
    rules = FaultRules()
    rules.add(spec(probability=0, method="POST"))
    rules.add(spec(probability=1, method="GET"))
    assert rules.pick(IMPORT, rng) is None and rules.pick(LIST, rng) is not None
    assert rng.positions() == before


def test_the_error_action_is_an_api_error_with_retry_after():
    rule = FaultRules().add(FaultSpec.model_validate({"action": {"type": "error", "status": 429, "retryAfter": 7}}))
    error = rule.error()
    assert isinstance(error, ApiError)
    assert (error.http_status, error.status, error.headers) == (429, "RESOURCE_EXHAUSTED", {"Retry-After": "7"})
    assert rule.id in error.message


@pytest.mark.parametrize("bad", [
    {"action": {"type": "error", "status": 200}},
    {"action": {"type": "delay", "seconds": 0}},
    {"action": {"type": "delay", "seconds": faults.MAX_DELAY_SECONDS + 1}},
    {"action": {"type": "explode"}},
    {"action": {"type": "error", "status": 500}, "probability": 1.5},
    {"action": {"type": "error", "status": 500}, "times": 0},
    {"action": {"type": "error", "status": 500}, "method": "BREW"},
    {"action": {"type": "error", "status": 500}, "path": "v1/no-slash"},
    {"action": {"type": "error", "status": 500}, "operationId": "NoSuchOperation"},
    {"action": {"type": "error", "status": 500}, "colour": "red"},
    {"action": {"type": "error", "status": 429, "retryAfter": 86_401}},
    {"action": {"type": "error", "status": 500, "message": "m" * 501}},
    {"action": {"type": "error", "status": 500}, "path": "/" + "p" * 500},
    {"action": {"type": "error", "status": 500}, "times": faults.MAX_TIMES + 1},
    {},
])
def test_bad_rules_are_refused(bad):
    with pytest.raises(ValidationError):
        FaultSpec.model_validate(bad)


def test_the_number_of_rules_is_bounded(monkeypatch):
    monkeypatch.setattr(faults, "MAX_RULES", 2)
    rules = FaultRules()
    rules.add(spec())
    rules.add(spec())
    with pytest.raises(ApiError) as refused:
        rules.add(spec())
    assert refused.value.http_status == 429 and len(rules.rules) == 2


def test_snake_case_keys_work_for_scenario_files():
    parsed = FaultSpec.model_validate({"operation_id": "ImportNumberService_ImportNumber", "project_id": "p",
                                       "action": {"type": "error", "status": 429, "retry_after": 3}})
    assert parsed.operation_id == "ImportNumberService_ImportNumber" and parsed.action.retry_after == 3


def test_which_of_a_projects_calls_fail_does_not_depend_on_other_projects_calls():
    def pattern(interleave: bool) -> list[bool]:
        rules, rng = FaultRules(), Rng(8)
        rules.add(spec(probability=0.5))
        hits = []
        for _ in range(30):
            if interleave:
                rules.pick(OTHER, rng)
            hits.append(rules.pick(LIST, rng) is not None)
        return hits

    assert pattern(interleave=True) == pattern(interleave=False)
    assert set(pattern(interleave=False)) == {True, False}
