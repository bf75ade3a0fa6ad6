"""Rules of fields several resources share (domain/fields.py, core/phone.py, core/fieldpath.py):
each has one home, and every request body, domain request and scenario entry uses it."""

from __future__ import annotations

import textwrap

import pytest
from mock_server.core.fieldpath import field_path
from mock_server.core.phone import E164_NANP, SUPPORTED_REGIONS
from mock_server.domain.fields import (
    MAX_DISPLAY_NAME,
    checked_callback_url,
    display_name_problem,
    optional_callback_url_problem,
    project_id_problem,
)
from mock_server.http.bodies import parse_body
from mock_server.http.common import PROJECT_PATH, project_in_path
from mock_server.http.hosting_order_bodies import ImportNumbersBody
from mock_server.scenarios import ScenarioError, parse_text

LONG = "x" * (MAX_DISPLAY_NAME + 1)


def scenario_problems(text: str) -> list[str]:
    with pytest.raises(ScenarioError) as caught:
        parse_text(textwrap.dedent(text), "t.yaml", default_name="t")
    return [str(p) for p in caught.value.problems]


def test_the_display_name_limit():
    assert display_name_problem("x" * MAX_DISPLAY_NAME) is None and display_name_problem(None) is None
    assert display_name_problem(LONG) == f"must be at most {MAX_DISPLAY_NAME} characters"


def order_body(**fields) -> dict:
    return {"regionCode": "US", "numbers": ["+12025550134"], "servicePlanId": "plan", **fields}


def test_a_hosting_order_body_takes_the_same_display_name_limit_and_callback_url_rule():
    assert parse_body(ImportNumbersBody, order_body(displayName="x" * MAX_DISPLAY_NAME)).display_name
    for fields, field in (({"displayName": LONG}, "displayName"), ({"callbackUrl": "ftp://x.test/"}, "callbackUrl")):
        with pytest.raises(Exception) as caught:
            parse_body(ImportNumbersBody, order_body(**fields))
        assert [v.field for v in caught.value.violations] == [field]


@pytest.mark.parametrize("kind", ["imported_numbers", "hosting_orders"])
def test_scenario_entries_take_the_same_display_name_limit(kind):
    """A scenario's hosting order had no limit at all before (it reached the order unchecked)."""
    found = scenario_problems(f"""
        projects:
          - id: p
            {kind}:
              - {{number: "+12065551234", service_plan: plan, display_name: "{LONG}"}}
        """)
    assert any(f"{kind}[0].display_name" in problem for problem in found), found


def test_the_callback_url_rule():
    assert optional_callback_url_problem("") is None and optional_callback_url_problem(None) is None
    assert optional_callback_url_problem("https://hooks.example.test/x") is None
    assert "absolute http or https URL" in optional_callback_url_problem("/relative")
    with pytest.raises(ValueError, match="^callback URL must be an absolute"):
        checked_callback_url("ftp://x.test/", "callback URL ")
    found = scenario_problems("""
        projects:
          - id: p
            imported_numbers: [{number: "+12065551234", service_plan: plan, callback_url: "nope"}]
        """)
    assert any("callback URL must be an absolute" in problem for problem in found), found


def test_the_e164_shape_and_the_regions_scenarios_check_with():
    assert E164_NANP.match("+12025550134") and not E164_NANP.match("+1202555013") and not E164_NANP.match("12025550134")
    assert SUPPORTED_REGIONS == ("US", "CA")
    found = scenario_problems("""
        projects:
          - id: p
            imported_numbers: [{range: {start: "12065551234", count: 2}, service_plan: plan}]
        """)
    assert any("'+1' followed by ten digits" in problem for problem in found), found


@pytest.mark.parametrize("value,ok", [("p1", True), ("alpha-beta_1.2", True), ("a/b", False), ("a:b", False),
                                      ("a b", False), ("a?b", False), ("a#b", False), ("", False), (None, False),
                                      ("x" * 200, True), ("x" * 201, False)])
def test_a_project_id_given_in_a_body(value, ok):
    assert (project_id_problem(value) is None) == ok


def test_a_scenario_project_id_follows_the_same_pattern():
    found = scenario_problems("projects: [{id: 'a:b'}]")
    assert any("projects[0].id" in problem for problem in found), found


def test_the_project_id_in_a_path_is_read_as_the_routes_read_it():
    assert PROJECT_PATH == "/v1/projects/{projectId}"
    assert project_in_path("/v1/projects/alpha:beta/importedNumbers") == "alpha:beta"
    assert project_in_path("/v1/projects/p1") == "p1"
    assert project_in_path("/v1/projects/") is None and project_in_path("/_mock/projects/p1") is None


@pytest.mark.parametrize("loc,path", [
    (("directLoaInfo", "address", "city"), "directLoaInfo.address.city"),
    (("numbers", 2), "numbers[2]"),
    (("projects", 0, "imported_numbers", 1, "function-after[_check(), str]"), "projects[0].imported_numbers[1]"),
    (("callbackUrl", "function-after[checked_callback_url(), str]"), "callbackUrl"),
    ((), ""),
])
def test_a_pydantic_location_as_a_field_path(loc, path):
    assert field_path(loc) == path


def test_a_body_violation_is_named_by_its_field_path_not_pydantic_steps():
    with pytest.raises(Exception) as caught:
        parse_body(ImportNumbersBody, order_body(callbackUrl="nope", numbers=["+12025550134", 5]))
    assert sorted(v.field for v in caught.value.violations) == ["callbackUrl", "numbers[1]"]


def test_a_state_document_problem_is_named_by_its_field_path(world):
    from mock_server.state import StateError, export_state, import_state

    document = export_state(world)
    document["projects"] = {"p": {"project_id": "p", "imported_numbers": {"+12025550134": {"phone_number": 5}}}}
    with pytest.raises(StateError) as caught:
        import_state(world, document)
    assert any(path.startswith("projects.p.imported_numbers.+12025550134") for path, _ in caught.value.problems)

