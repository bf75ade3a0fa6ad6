"""The world's map from number to holding project (domain/holders.py): one lookup for "a number
is hosted once", kept in step on every write path. After any sequence of imports, deletes,
hosting orders (running, then finished and adopted), state exports and imports, resets and
scenario loads, the map equals what a scan of every project finds."""

from __future__ import annotations

import textwrap
from datetime import datetime, timezone

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from mock_server.core.clock import Clock
from mock_server.core.errors import ApiError
from mock_server.core.rng import Rng
from mock_server.domain.holders import NumberHolders
from mock_server.domain.imported_numbers.requests import NewImportedNumber
from mock_server.domain.world import World
from mock_server.scenarios import apply_scenario, parse_text
from mock_server.state import export_state, import_state
from tests.engine_support import advance
from tests.hosting_support import import_request

PHONES = [f"+1202555{i:04d}" for i in range(100, 106)]
PROJECTS = ["p1", "p2", "p3"]


def in_step(world: World) -> None:
    assert world.holders.holdings() == NumberHolders.count(world.projects.values())


def act(world: World, action: str, project: str, phone: str) -> None:
    service = world.imported_numbers
    if action == "import":
        service.import_number(project, NewImportedNumber(phone, "US", "plan-1"))
    elif action == "delete":
        service.delete(project, phone)
    elif action == "order":
        with world.transaction():
            world.hosting_orders.import_numbers(project, import_request([phone], campaign_id=""))
    elif action == "advance":  # orders run on, finish, and their numbers are adopted
        advance(world, 3600 * 6)
    elif action == "round trip":
        document = export_state(world)
        world.reset()
        in_step(world)
        import_state(world, document)
    elif action == "reset":
        world.reset()
    elif action == "scenario":
        text = f"""
            projects:
              - id: {project}
                imported_numbers: [{{number: "{phone}", service_plan: plan}}]
            """
        apply_scenario(world, parse_text(textwrap.dedent(text), "t.yaml", default_name="t"), "t.yaml")


ACTIONS = ["import", "import", "delete", "order", "order", "advance", "round trip", "reset", "scenario"]


@settings(max_examples=40, deadline=None)
@given(st.lists(st.tuples(st.sampled_from(ACTIONS), st.sampled_from(PROJECTS), st.sampled_from(PHONES)),
                max_size=25))
def test_the_map_equals_a_scan_of_every_project_after_any_writes(steps):
    world = World(clock=Clock(start=datetime(2026, 1, 5, tzinfo=timezone.utc), frozen=True), rng=Rng(7))
    for action, project, phone in steps:
        try:
            act(world, action, project, phone)
        except (ApiError, ValueError):
            pass  # refused (409, 404, a scenario that conflicts): nothing written
        in_step(world)


def test_each_path_moves_the_number_between_projects(world):
    phone = PHONES[0]
    service = world.imported_numbers
    service.import_number("p1", NewImportedNumber(phone, "US", "plan-1"))
    assert service.hosted_elsewhere("p2", phone) and not service.hosted_elsewhere("p1", phone)
    service.delete("p1", phone)
    assert not service.hosted_elsewhere("p2", phone)
    with world.transaction():
        world.hosting_orders.import_numbers("p2", import_request([phone], campaign_id=""))
    assert service.hosted_elsewhere("p1", phone)  # held by p2's running order
    advance(world, 3600 * 6)  # the order finishes: the number is p2's imported number
    assert service.is_imported("p2", phone) and not world.project("p2").running_order_by_number
    assert service.hosted_elsewhere("p1", phone)
    document = export_state(world)
    world.reset()
    assert not service.hosted_elsewhere("p1", phone)
    import_state(world, document)
    assert service.hosted_elsewhere("p1", phone)
    with pytest.raises(ApiError) as caught:
        service.import_number("p1", NewImportedNumber(phone, "US", "plan-1"))
    assert caught.value.http_status == 409


def test_the_check_is_one_lookup_not_a_scan_of_the_projects(world, monkeypatch):
    for i in range(50):
        world.imported_numbers.import_number(f"p{i}", NewImportedNumber(f"+1202555{1000 + i}", "US", "plan-1"))

    def no_scan(*args, **kwargs):
        raise AssertionError("the projects were scanned")

    monkeypatch.setattr(type(world.projects), "items", no_scan)
    monkeypatch.setattr(type(world.projects), "values", no_scan)
    assert world.imported_numbers.hosted_elsewhere("p0", "+12025551001")
    assert not world.imported_numbers.hosted_elsewhere("p0", "+12025551999")


def test_a_number_held_twice_stays_held_until_both_holdings_end():
    holders = NumberHolders()
    holders.add("+12025550100", "p1")
    holders.add("+12025550100", "p1")  # imported, and still in its finishing order
    holders.add("+12025550100", "p2")  # a state document may give it to two projects
    holders.remove("+12025550100", "p1")
    assert holders.held_elsewhere("+12025550100", "p2")
    holders.remove("+12025550100", "p1")
    assert not holders.held_elsewhere("+12025550100", "p2") and holders.held_elsewhere("+12025550100", "p1")
    holders.remove("+12025550100", "p2")
    assert holders.holdings() == {}
