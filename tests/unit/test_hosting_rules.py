"""The catalogues and rules around hosting orders, each with one home: the failure codes, the
toll-free rule and "held by a running hosting order"; called directly on the domain."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from mock_server.core.errors import ApiError
from mock_server.domain.failure_codes import FAILURE_CODES, INVALID_NNID, TFN_NOT_ALLOWED, describe, failure_code_number
from mock_server.domain.hosting_orders.holding import held_by_running_order
from mock_server.domain.hosting_orders.model import HostingOrderState
from mock_server.domain.imported_numbers.service import NewImportedNumber
from mock_server.domain.toll_free import NO_CAMPAIGN, campaign_problem, campaign_refusal, refused_numbers
from mock_server.spec import spec_document
from tests.hosting_support import (
    CAMPAIGN,
    DLC,
    PLAN,
    PROJECT,
    TOLL_FREE,
    add_verified,
    import_order,
    run_to_end,
    text_enable_order,
)

DOCS = Path(__file__).resolve().parents[2] / "docs"


def _spec_failure_code() -> dict:
    return spec_document()["components"]["schemas"]["CallbackPayload"]["properties"]["failureCode"]


# --- the failure-code catalogue -------------------------------------------------------------------
def test_the_catalogue_is_the_specs_enum_in_its_order_with_its_descriptions():
    spec = _spec_failure_code()
    assert list(FAILURE_CODES) == spec["enum"]
    assert FAILURE_CODES == spec["x-enumDescriptions"]


def test_a_failure_code_number_is_its_1_based_place_in_the_catalogue():
    assert failure_code_number("CAMPAIGN_NOT_AVAILABLE") == 1
    assert failure_code_number("EXCEEDED_10DLC_LIMIT") == 2
    assert failure_code_number(TFN_NOT_ALLOWED) == 14
    assert failure_code_number(INVALID_NNID) == 15
    assert [failure_code_number(c) for c in FAILURE_CODES] == list(range(1, len(FAILURE_CODES) + 1))
    assert failure_code_number("NOT_A_CODE") == 0


@pytest.mark.parametrize("page", ["errata.md", "magic-numbers.md"])
def test_the_docs_number_the_codes_as_the_catalogue_does(page):
    text = (DOCS / page).read_text()
    stated = re.findall(r"`([A-Z0-9_]+)`\s*=\s*(\d+)", text)
    assert ("CAMPAIGN_NOT_AVAILABLE", "1") in stated and ("INVALID_NNID", "15") in stated
    for code, number in stated:
        assert failure_code_number(code) == int(number), code


def test_describe_gives_the_specs_text_or_the_code_alone():
    assert describe(TFN_NOT_ALLOWED) == "TFN_NOT_ALLOWED: Toll free numbers not allowed."
    assert describe("SOMETHING_ELSE") == "SOMETHING_ELSE"


# --- toll-free numbers take no 10DLC campaign -----------------------------------------------------
def test_a_toll_free_number_is_refused_a_campaign_with_tfn_not_allowed():
    assert campaign_refusal(TOLL_FREE[0]) == TFN_NOT_ALLOWED
    assert campaign_refusal(DLC[0]) is None


def test_refused_numbers_names_each_toll_free_number_by_place():
    assert refused_numbers([DLC[0], TOLL_FREE[0], DLC[1], TOLL_FREE[1]]) == [(1, TOLL_FREE[0]), (3, TOLL_FREE[1])]
    assert refused_numbers(DLC) == []


def test_a_toll_free_order_may_name_no_campaign():
    assert campaign_problem(CAMPAIGN) == NO_CAMPAIGN
    assert campaign_problem("") is None


def test_the_rule_is_what_the_hosting_lifecycle_and_the_imported_numbers_apply(world, monkeypatch):
    """Both campaign-linking steps ask the rule: without it a toll-free number links fine."""
    order = run_to_end(world, import_order(world, [TOLL_FREE[0]]))
    assert order.numbers[TOLL_FREE[0]].campaign_provisioning.failure_code == TFN_NOT_ALLOWED
    import mock_server.domain.hosting_orders.lifecycle as lifecycle
    import mock_server.domain.imported_numbers.service as imported

    monkeypatch.setattr(lifecycle, "campaign_refusal", lambda phone: None)
    monkeypatch.setattr(imported, "campaign_refusal", lambda phone: None)
    order = run_to_end(world, import_order(world, [TOLL_FREE[1]]))
    assert order.numbers[TOLL_FREE[1]].campaign_provisioning.failure_code == ""
    assert order.state is HostingOrderState.COMPLETED


# --- held by a running hosting order --------------------------------------------------------------
def test_a_number_of_a_running_order_is_held_and_says_by_which(world):
    order = import_order(world, [DLC[0]])
    project = world.project(PROJECT)
    assert held_by_running_order(project, DLC[0]) == f"{DLC[0]} is held by the running hosting order {order.hosting_order_id}"
    assert held_by_running_order(project, DLC[1]) is None
    assert held_by_running_order(world.projects.get("nobody"), DLC[0]) is None
    assert held_by_running_order(world.project("p2"), DLC[0]) is None  # per project
    run_to_end(world, order)
    assert held_by_running_order(project, DLC[0]) is None  # a finished order holds nothing


def test_every_caller_reports_the_one_message(world):
    order = import_order(world, [DLC[0]])
    held = held_by_running_order(world.project(PROJECT), DLC[0])
    # POST importedNumbers
    with pytest.raises(ApiError) as imported:
        world.imported_numbers.import_number(PROJECT, NewImportedNumber(DLC[0], "US", PLAN))
    assert (imported.value.http_status, imported.value.message) == (409, held)
    assert [v.description for v in imported.value.violations] == [held]
    # another hosting order
    with pytest.raises(ApiError) as again:
        import_order(world, [DLC[1], DLC[0]])
    assert again.value.http_status == 409 and [(v.field, v.description) for v in again.value.violations] == [("numbers[1]", held)]
    # deleting the qualified number
    add_verified(world, [DLC[0]])
    with pytest.raises(ApiError) as deleted:
        world.qualified_numbers.delete(PROJECT, DLC[0])
    assert deleted.value.http_status == 400 and deleted.value.message.startswith(held + ";")
    assert order.running


def test_a_text_enable_order_holds_its_numbers_too(world):
    order = text_enable_order(world, [DLC[1]])
    assert held_by_running_order(world.project(PROJECT), DLC[1]).endswith(order.hosting_order_id)
