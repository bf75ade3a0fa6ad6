"""The scenario format: validation, with errors naming the file, the path and what is wrong."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from mock_server.scenarios import ScenarioError, load_named, load_path, load_reference, parse_data, parse_text
from mock_server.scenarios import loader


def parse(text: str, source: str = "test.yaml"):
    return parse_text(textwrap.dedent(text), source, default_name="test")


def problems(text: str) -> list[str]:
    with pytest.raises(ScenarioError) as caught:
        parse(text)
    return [str(p) for p in caught.value.problems]


# --- the document --------------------------------------------------------------------------------
def test_an_empty_file_is_an_empty_scenario_named_after_the_file():
    scenario = parse("")
    assert scenario.name == "test"
    assert scenario.projects == [] and scenario.number_count() == 0


def test_a_declared_name_wins_over_the_file_name():
    assert parse("name: mine").name == "mine"


def test_the_error_names_the_file_and_says_nothing_was_loaded():
    with pytest.raises(ScenarioError) as caught:
        parse("projects: 3", source="scenarios/broken.yaml")
    text = str(caught.value)
    assert text.startswith("scenario scenarios/broken.yaml was not loaded:")
    assert "projects (line 1)" in text


def test_a_document_that_is_not_a_mapping_is_refused():
    assert problems("- a\n- b") == ["line 1: a scenario must be a mapping of keys (see docs/scenarios.md)"]


def test_invalid_yaml_names_the_line():
    found = problems("""
        projects:
          - id: a
           bad: indentation
        """)
    assert len(found) == 1
    assert found[0].startswith("line 4: not valid YAML")


def test_an_unknown_key_is_named_with_its_path_and_line():
    found = problems("""
        projects:
          - id: p
            imported_numbers:
              - number: "+12065552000"
                service_plan: plan
                servce_plan: typo
        """)
    assert found == ["projects[0].imported_numbers[0].servce_plan (line 7): unknown key "
                     "(check the spelling; docs/scenarios.md lists every key)"]


def test_a_missing_required_key_points_at_its_entry():
    found = problems("""
        projects:
          - id: p
            imported_numbers:
              - number: "+12065552000"
        """)
    assert found == ["projects[0].imported_numbers[0].service_plan (line 5): Field required"]


def test_every_problem_is_reported_at_once():
    found = problems("""
        version: 2
        campaigns: {C1: sleeping}
        """)
    assert [f.split(" (")[0] for f in found] == ["version", "campaigns.C1"]


def test_an_unsupported_version_is_refused():
    assert problems("version: 2")[0].startswith("version (line 1): Input should be 1")


# --- numbers -------------------------------------------------------------------------------------
def entry(numbers: str) -> str:
    return f"""
        projects:
          - id: p
            imported_numbers:
              - {numbers}
                service_plan: plan
        """


def test_exactly_one_of_number_numbers_and_range():
    assert "give exactly one of number, numbers or range (found number, numbers)" in problems(
        entry('number: "+12065552000"\n                numbers: ["+12065552001"]'))[0]
    assert "give exactly one of number, numbers or range" in problems(entry('display_name: x'))[0]


def test_a_number_must_be_e164_of_the_us_or_canada():
    assert "is not an E.164 number of the US or Canada" in problems(entry('number: "2065552000"'))[0]
    assert "belongs to region JM; only US and CA are supported" in problems(entry('number: "+18765552000"'))[0]


def test_a_bad_number_in_a_list_is_named_by_its_index():
    found = problems(entry('numbers: ["+12065552000", "+1206"]'))
    assert "numbers[1]: '+1206' is not an E.164 number" in found[0]


def test_a_number_must_belong_to_the_declared_region():
    assert "is a US number, not CA" in problems(entry('number: "+12065551234"\n                region_code: CA'))[0]
    assert "region_code 'MX' is not supported" in problems(entry('number: "+12065551234"\n                region_code: MX'))[0]


def test_a_range_expands_to_consecutive_numbers_with_a_step():
    scenario = parse(entry('range: {start: "+12065552000", count: 3, step: 10}'))
    phones = scenario.projects[0].imported_numbers[0].phones()
    assert [p.e164 for p in phones] == ["+12065552000", "+12065552010", "+12065552020"]


def test_a_range_is_checked():
    assert "start '+1206' is not '+1' followed by ten digits" in problems(entry('range: {start: "+1206", count: 2}'))[0]
    assert "greater than or equal to 1" in problems(entry('range: {start: "+12065552000", count: 0}'))[0]
    assert "the range runs past +19999999999" in problems(entry('range: {start: "+19999999998", count: 3}'))[0]
    # every exchange of a range is checked: this one steps from Hawaii's 808 into the Dominican Republic's 809
    assert "range: +18092000000 belongs to region DO" in problems(
        entry('range: {start: "+18082000000", count: 2, step: 10000000}'))[0]
    # and this one runs from Washington's 202-999 into 203-000, an exchange the NANP does not have
    assert "range: +12030000000 is not a valid number of the North American Numbering Plan" in problems(
        entry('range: {start: "+12029999999", count: 2}'))[0]


def test_a_region_code_defaults_to_the_number_s_own_region():
    scenario = parse(entry('numbers: ["+12065551234", "+14165551234", "+18005551234"]'))
    spec = scenario.projects[0].imported_numbers[0]
    assert [spec.region_of(p) for p in spec.phones()] == ["US", "CA", "US"]


def test_a_number_declared_twice_in_a_project_is_refused():
    found = problems("""
        projects:
          - id: p
            imported_numbers:
              - {number: "+12065552000", service_plan: a}
              - {range: {start: "+12065551999", count: 3}, service_plan: a}
        """)
    assert "imported_numbers[1]: +12065552000 is declared twice (also in imported_numbers[0])" in found[0]


def test_the_same_number_may_be_used_in_two_projects():
    scenario = parse("""
        projects:
          - {id: a, imported_numbers: [{number: "+12065552000", service_plan: x}]}
          - {id: b, imported_numbers: [{number: "+12065552000", service_plan: x}]}
        """)
    assert scenario.number_count() == 2


# --- projects, keys, plans, campaigns, outcomes ---------------------------------------------------
def test_project_ids_and_key_ids_are_unique():
    assert "project a is declared more than once" in problems("projects: [{id: a}, {id: a}]")[0]
    assert "access key k is declared more than once" in problems("""
        access_keys: [{key_id: k, key_secret: s}]
        projects: [{id: a, access_keys: [{key_id: k, key_secret: t}]}]
        """)[0]


def test_a_project_id_must_fit_in_a_url_path():
    assert problems("projects: [{id: 'a/b'}]")[0].startswith("projects[0].id (line 1): String should match pattern")


def test_a_key_id_cannot_hold_a_colon():
    assert problems("access_keys: [{key_id: 'a:b', key_secret: s}]")[0].startswith("access_keys[0].key_id")


def test_campaign_and_service_plan_states_are_named_values():
    found = problems("""
        service_plans: {P1: broke}
        campaigns: {C1: suspended}
        """)
    assert found[0].startswith("service_plans.P1 (line 2): Input should be 'active', 'insufficient_balance'")
    assert found[1].startswith("campaigns.C1 (line 3): Input should be 'active', 'pending_acceptance'")
    assert "'mno_suspended'" in found[1]


def test_outcome_codes_are_the_spec_s_failure_codes():
    found = problems("""
        outcomes:
          - {number: "+12065552000", osr: NNID_BAD}
        """)
    assert found[0].startswith("outcomes[0].osr (line 3): Input should be 'CAMPAIGN_NOT_AVAILABLE'")
    assert "'INVALID_NNID'" in found[0]


def test_outcome_carriers_are_the_four_carrier_entries():
    found = problems("""
        outcomes:
          - {number: "+12065552000", carrier: {smsVerizon: down}}
        """)
    assert "unknown carrier smsVerizon; use smsAtt, smsTmo, mmsAtt, mmsTmo" in found[0]


def test_an_outcome_with_nothing_failing_is_allowed_and_overrides_the_magic_table():
    scenario = parse("""
        outcomes:
          - number: "+12065550112"
        """)
    assert scenario.outcomes[0].platform is None


def test_an_imported_number_s_callback_url_must_be_absolute():
    assert "callback URL must be an absolute http or https URL" in problems(
        entry('number: "+12065552000"\n                callback_url: /callbacks'))[0]


def test_an_imported_number_state_is_provisioned_or_provisioning():
    assert "Input should be 'provisioned' or 'provisioning'" in problems(
        entry('number: "+12065552000"\n                state: done'))[0]


# --- settings --------------------------------------------------------------------------------------
def test_settings_are_partial_and_keep_the_settings_constraints():
    scenario = parse("""
        timings: {sms_provisioning: 5, loa_auto_sign: 60}
        limits: {import_order_numbers: 50}
        callbacks: {order: fifo, duplicate_probability: 0.5}
        default_nnid: "123456"
        """)
    assert scenario.timings.model_dump(exclude_unset=True) == {"sms_provisioning": 5, "loa_auto_sign": 60}
    found = problems("""
        timings: {sms_provisioning: -1, nap_time: 3}
        limits: {import_order_numbers: 0}
        callbacks: {order: lifo, duplicate_probability: 2}
        default_nnid: "12"
        """)
    assert [f.split(" (")[0] for f in found] == [
        "timings.sms_provisioning", "timings.nap_time", "limits.import_order_numbers",
        "callbacks.order", "callbacks.duplicate_probability", "default_nnid"]


def test_loa_auto_sign_may_be_switched_off_with_null():
    scenario = parse("timings: {loa_auto_sign: null}")
    assert scenario.timings.model_dump(exclude_unset=True) == {"loa_auto_sign": None}


# --- qualified numbers and hosting orders ------------------------------------------------------------
def test_a_qualified_number_state_is_one_of_the_listed_ones():
    found = problems("""
        projects:
          - id: p
            qualified_numbers: [{number: "+12065552000", state: hosting_done}]
        """)
    assert "Input should be 'eligible_check_pending', 'eligible', 'not_eligible'" in found[0]


def order(fields: str) -> str:
    return f"""
        projects:
          - id: p
            hosting_orders:
              - {{{fields}}}
        """


def test_an_import_order_has_no_loa_and_never_waits_for_a_signature():
    assert "an import order has no LOA" in problems(
        order('type: import, number: "+12065552000", service_plan: x, loa: {}'))[0]
    assert "an import order cannot be waiting_for_loa_signature" in problems(
        order('type: import, number: "+12065552000", service_plan: x, state: waiting_for_loa_signature'))[0]


def test_text_enable_orders_get_a_default_loa():
    scenario = parse(order('type: text_enable, number: "+12065552000", service_plan: x, campaign: C'))
    assert scenario.projects[0].hosting_orders[0].loa.type == "direct"


def test_toll_free_orders_hold_only_toll_free_numbers_and_10dlc_ones_none():
    assert "+12065552000 is not a toll-free number" in problems(
        order('type: text_enable_toll_free, number: "+12065552000", service_plan: x'))[0]
    assert "+18005552000 is toll-free; use type text_enable_toll_free" in problems(
        order('type: text_enable, number: "+18005552000", service_plan: x, campaign: C'))[0]
    assert "toll-free numbers need a direct or reseller LOA, not blanket" in problems(
        order('type: text_enable_toll_free, number: "+18005552000", service_plan: x, loa: {type: blanket}'))[0]


def test_a_10dlc_text_enable_order_needs_a_campaign_and_a_toll_free_one_none():
    assert "a text_enable order of US numbers needs a campaign (10DLC)" in problems(
        order('type: text_enable, number: "+12065552000", service_plan: x'))[0]
    assert parse(order('type: text_enable, number: "+14165552000", service_plan: x')).projects  # CA: optional
    assert "toll-free numbers are not linked to 10DLC campaigns" in problems(
        order('type: text_enable_toll_free, number: "+18005552000", service_plan: x, campaign: C'))[0]


def test_a_blanket_loa_is_never_waiting_or_declined():
    assert "an order with a blanket LOA is never rejected" in problems(
        order('type: text_enable, number: "+12065552000", service_plan: x, campaign: C, loa: {type: blanket}, '
              'state: rejected'))[0]


def test_a_blanket_loa_order_needs_the_project_to_declare_it():
    text = order('type: text_enable, number: "+12065552000", service_plan: x, campaign: C, loa: {type: blanket}')
    assert "declare blanket_loa: true" in problems(text)[0]
    assert parse(text.replace("- id: p", "- id: p\n            blanket_loa: true")).projects[0].blanket_loa


def test_declared_service_plans_cover_the_plans_the_project_uses():
    text = order('number: "+12065552000", service_plan: x')
    assert "service plan x is used but not in service_plans" in problems(
        text.replace("- id: p", "- id: p\n            service_plans: [y]"))[0]
    assert parse(text.replace("- id: p", "- id: p\n            service_plans: [x]")).projects[0].service_plans == ["x"]


def test_a_reseller_loa_names_the_business():
    assert "a reseller LOA needs business_name" in problems(
        order('type: text_enable, number: "+12065552000", service_plan: x, campaign: C, loa: {type: reseller}'))[0]


def test_an_order_number_cannot_also_be_an_imported_number():
    found = problems("""
        projects:
          - id: p
            imported_numbers: [{number: "+12065552000", service_plan: x}]
            hosting_orders: [{number: "+12065552000", service_plan: x}]
        """)
    assert "hosting_orders[0]: +12065552000 is also in imported_numbers" in found[0]


def test_a_text_enabled_number_declared_as_qualified_must_be_verified():
    found = problems("""
        projects:
          - id: p
            qualified_numbers: [{number: "+12065552000", state: eligible}]
            hosting_orders: [{type: text_enable, number: "+12065552000", service_plan: x, campaign: C}]
        """)
    assert "+12065552000 is a eligible qualified number; a text-enable order needs verified ones" in found[0]


# --- finding scenarios -------------------------------------------------------------------------------
def test_a_missing_file_is_named():
    with pytest.raises(ScenarioError) as caught:
        load_path("/nonexistent/s.yaml")
    assert str(caught.value) == "scenario /nonexistent/s.yaml was not loaded:\n  no such file"


def test_a_file_is_loaded_with_its_stem_as_name(tmp_path: Path):
    path = tmp_path / "mine.yaml"
    path.write_text("projects: [{id: p}]\n")
    assert load_path(path).name == "mine"
    assert load_reference(str(path)).name == "mine"


def test_an_unknown_name_lists_the_shipped_scenarios():
    with pytest.raises(ScenarioError) as caught:
        load_named("nope")
    assert "no shipped scenario is named 'nope' (shipped: 10dlc-happy-path, campaign-failures, default" in str(caught.value)
    with pytest.raises(ScenarioError, match="no such file, and no shipped scenario of that name"):
        load_reference("nope")


def test_a_name_cannot_reach_outside_the_shipped_directory():
    with pytest.raises(ScenarioError, match="no shipped scenario is named '../scenarios/default'"):
        load_named("../scenarios/default")


def test_shipped_scenarios_are_found_in_the_checkout():
    assert (Path(loader._PACKAGE_DIR).parent / "scenarios") in loader.shipped_dirs()
    assert load_named("default").name == "default"


def test_shipped_scenarios_are_found_where_the_installed_package_carries_them(tmp_path, monkeypatch):
    package = tmp_path / "site-packages" / "mock_server"
    (package / "_scenarios").mkdir(parents=True)
    (package / "_scenarios" / "only-installed.yaml").write_text("description: from the wheel\n")
    monkeypatch.setattr(loader, "_PACKAGE_DIR", package)
    assert loader.shipped_dirs() == [package / "_scenarios"]
    assert loader.shipped_names() == ["only-installed"]
    assert load_named("only-installed").description == "from the wheel"


def test_inline_data_is_validated_the_same_way():
    with pytest.raises(ScenarioError) as caught:
        parse_data({"projects": [{"id": "p", "colour": "red"}]}, "inline scenario")
    assert [str(p) for p in caught.value.problems] == [
        "projects[0].colour: unknown key (check the spelling; docs/scenarios.md lists every key)"]


# --- the documentation keeps up ----------------------------------------------------------------------
def model_keys(model, seen=None) -> set[str]:
    """Every key of the format, nested models included."""
    from typing import get_args

    from pydantic import BaseModel

    seen = set() if seen is None else seen
    keys: set[str] = set()
    for name, info in model.model_fields.items():
        keys.add(name)
        stack = [info.annotation]
        while stack:
            annotation = stack.pop()
            if isinstance(annotation, type) and issubclass(annotation, BaseModel) and annotation not in seen:
                seen.add(annotation)
                keys |= model_keys(annotation, seen)
            stack.extend(get_args(annotation))
    return keys


def test_every_key_of_the_format_is_documented():
    from mock_server.scenarios.format import CAMPAIGN_STATES, SERVICE_PLAN_STATES, Scenario

    text = (Path(__file__).resolve().parents[2] / "docs" / "scenarios.md").read_text()
    missing = sorted(k for k in model_keys(Scenario) | set(CAMPAIGN_STATES) | set(SERVICE_PLAN_STATES)
                     if f"`{k}`" not in text)
    assert missing == []


@pytest.mark.parametrize("kind", ["imported_numbers", "hosting_orders"])
def test_a_blank_service_plan_is_refused_in_a_scenario(kind):
    text = f"""
        projects:
          - id: p
            {kind}: [{{number: "+12065552000", service_plan: "   "}}]
        """
    assert "service_plan is required and must not be blank" in problems(text)[0]
