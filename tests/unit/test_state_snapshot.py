"""Whole-state export and import: the round trip is exact, and a bad document changes nothing."""

from __future__ import annotations

import copy
import json
from datetime import datetime, timezone

import pytest

from mock_server.core.clock import Clock
from mock_server.core.rng import Rng
from mock_server.domain.world import World
from mock_server.scenarios import apply_scenario, load_named
from mock_server.state import STATE_VERSION, StateError, export_state, import_state
from tests.conftest import START
from tests.engine_support import advance


def busy_world(seed: int = 1234) -> World:
    """A world with something of everything: numbers, orders, pending jobs, events, journal."""
    world = World(clock=Clock(start=START, frozen=True), rng=Rng(seed))
    for name in ("10dlc-happy-path", "campaign-failures", "voice-challenge-lockout", "loa-declined"):
        apply_scenario(world, load_named(name))
    advance(world, 45)  # halfway: some jobs ran (events), others wait
    world.journal.append({"method": "GET", "path": "/v1/projects/p/importedNumbers", "query": "",
                          "status": 200, "time": "2026-01-05T09:00:45.000Z", "projectId": "p"})
    return world


def test_the_document_holds_every_part_of_the_state():
    document = export_state(busy_world())
    assert set(document) == {"version", "clock", "rng", "settings", "outcomes", "projects", "jobs", "events", "journal"}
    assert document["version"] == STATE_VERSION
    assert document["clock"] == {"now": "2026-01-05T09:00:45+00:00", "frozen": True}
    assert document["jobs"] and document["events"] and document["journal"]
    assert set(document["projects"]) == {"happy-10dlc", "campaign-failures", "voice-lockout", "loa-declined"}
    json.dumps(document)  # plain JSON


def test_export_reset_import_export_gives_the_same_document():
    world = busy_world()
    document = export_state(world)
    world.reset()
    assert export_state(world)["projects"] == {}
    import_state(world, copy.deepcopy(document))
    assert export_state(world) == document


def test_the_round_trip_survives_json():
    world = busy_world()
    document = export_state(world)
    import_state(world, json.loads(json.dumps(document)))
    assert export_state(world) == document


def test_a_restored_world_goes_on_exactly_like_the_original():
    original = busy_world()
    document = export_state(original)
    restored = World(clock=Clock(), rng=Rng(99))  # another seed, another time: all replaced
    import_state(restored, document)
    for world in (original, restored):
        advance(world, 3600)
        world.qualified_numbers.send_voice_challenge("voice-lockout", "+16175552003")
    assert export_state(restored) == export_state(original)


def test_the_clock_comes_back_flowing_or_frozen_as_it_was():
    world = World(clock=Clock(start=START, frozen=False), rng=Rng(1))
    document = export_state(world)
    assert document["clock"]["frozen"] is False
    target = World(clock=Clock(start=datetime(2030, 1, 1, tzinfo=timezone.utc), frozen=True), rng=Rng(1))
    import_state(target, document)
    assert not target.clock.frozen
    assert abs((target.clock.now() - world.clock.now()).total_seconds()) < 5


@pytest.mark.parametrize("change, path, message", [
    (lambda d: d.update(version=2), "version", "version 2 is not supported"),
    (lambda d: d.pop("clock"), "clock", "Field required"),
    (lambda d: d["clock"].update(now="yesterday"), "clock.now", "Input should be a valid datetime"),
    (lambda d: d["jobs"][0].update(kind="nap"), "jobs[0].kind", "no handler for job kind 'nap'"),
    (lambda d: d["settings"]["timings"].update(sms_provisioning=-1), "settings.timings.sms_provisioning",
     "greater than or equal to 0"),
    (lambda d: d["projects"].update(other=d["projects"]["loa-declined"]), "projects.other.project_id",
     "is 'loa-declined', not the key 'other'"),
    (lambda d: d["events"][0].update(state="lost"), "events[0].state", "Input should be 'pending'"),
    (lambda d: d.update(extra=1), "extra", "Extra inputs are not permitted"),
])
def test_a_bad_document_is_refused_naming_the_problem_and_changes_nothing(change, path, message):
    world = busy_world()
    before = export_state(world)
    document = copy.deepcopy(before)
    change(document)
    world.reset()
    after_reset = export_state(world)
    with pytest.raises(StateError) as caught:
        import_state(world, document)
    assert any(p == path and message in m for p, m in caught.value.problems), caught.value.problems
    assert export_state(world) == after_reset


def test_a_document_that_is_not_an_object_is_refused(world):
    with pytest.raises(StateError, match="the state must be a JSON object"):
        import_state(world, [1, 2])

