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
from mock_server.domain.project import Project
from mock_server.state import PROJECT_RECORDS, STATE_VERSION, StateError, _adapter, export_state, import_state
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


def python_named_keys(value, inside: str = "") -> list[str]:
    """Every object key with an underscore, below the document's top, outside `settings` and
    `outcomes` (which keep the scenario format's names)."""
    found = []
    if isinstance(value, dict):
        for key, item in value.items():
            if inside == "" and key in ("settings", "outcomes"):
                continue
            if "_" in key:
                found.append(f"{inside}.{key}")
            found += python_named_keys(item, f"{inside}.{key}")
    elif isinstance(value, list):
        for index, item in enumerate(value):
            found += python_named_keys(item, f"{inside}[{index}]")
    return found


def test_the_document_names_its_records_and_events_in_camel_case():
    document = export_state(busy_world())
    assert python_named_keys(document) == []
    project = document["projects"]["happy-10dlc"]
    assert {"projectId", "callbackConfiguration", "importedNumbers", "qualifiedNumbers", "hostingOrders",
            "runningOrderByNumber"} <= set(project)
    assert {"eventId", "projectId", "resourceType", "nextAttemptAt"} <= set(document["events"][0])
    assert "timings" in document["settings"] and "campaignFailures" in document["outcomes"]


def version_1_document(world: World) -> dict:
    """The document as version 1 exported it: records and events under their Python names."""
    document = export_state(world)
    document["version"] = 1
    document["projects"] = {
        pid: {name: {key: _adapter(type(record)).dump_python(record, mode="json")
                     for key, record in getattr(project, name).items()}
              if name in PROJECT_RECORDS else project.model_dump(mode="json", exclude=set(PROJECT_RECORDS))[name]
              for name in Project.model_fields}
        for pid, project in world.projects.items()}
    document["events"] = [event.model_dump(mode="json") for event in world.events.events]
    return document


def test_a_document_an_older_version_exported_is_still_read():
    world = busy_world()
    current, older = export_state(world), version_1_document(world)
    assert "imported_numbers" in older["projects"]["happy-10dlc"] and "event_id" in older["events"][0]
    restored = World(clock=Clock(), rng=Rng(99))
    import_state(restored, json.loads(json.dumps(older)))
    assert export_state(restored) == current


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
    (lambda d: d.update(version=3), "version", "version 3 is not supported"),
    (lambda d: d.pop("clock"), "clock", "Field required"),
    (lambda d: d["clock"].update(now="yesterday"), "clock.now", "Input should be a valid datetime"),
    (lambda d: d["jobs"][0].update(kind="nap"), "jobs[0].kind", "no handler for job kind 'nap'"),
    (lambda d: d["settings"]["timings"].update(sms_provisioning=-1), "settings.timings.sms_provisioning",
     "greater than or equal to 0"),
    (lambda d: d["projects"].update(other=d["projects"]["loa-declined"]), "projects.other.projectId",
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



def test_records_encoded_by_their_serializer_give_the_text_json_dumps_gives():
    """`GET /_mock/state` writes records as pydantic's JSON text (`encoded=True`): the same bytes
    as the plain document through the json module, awkward strings included."""
    from mock_server.core.jsontext import encode_pieces

    world = busy_world()
    number = next(iter(world.projects["happy-10dlc"].imported_numbers.values()))
    number.display_name = 'quote " back \\ slash\nnew\tline \x01\x1f\x7f é ✓ 😀 \u2028 </script>'
    plain = json.dumps(export_state(world), ensure_ascii=False, separators=(",", ":"), allow_nan=False)
    encoded = "".join(encode_pieces(export_state(world, encoded=True), small=50))
    assert encoded == plain
    assert "quote \\\" back" in encoded
