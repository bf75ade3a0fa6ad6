"""The random streams in a state document: positions exported and restored, old documents read."""

from __future__ import annotations

import random

import pytest

from mock_server.core.clock import Clock
from mock_server.core.rng import Purpose, Rng
from mock_server.domain.world import World
from mock_server.state import StateError, export_state, import_state
from tests.conftest import START


def seeded(seed: int = 5) -> World:
    return World(clock=Clock(start=START, frozen=True), rng=Rng(seed))


def test_the_document_names_each_stream_that_drew_and_an_import_goes_on_from_there():
    world = seeded()
    world.rng.stream(Purpose.EVENT_IDS, "p1").hex(26)
    world.rng.stream(Purpose.OAUTH_TOKENS).hex(48)
    document = export_state(world)
    assert set(document["rng"]["streams"]) >= {"event-ids/p1", "oauth-tokens"}
    assert "state" not in document["rng"]
    copy = seeded(seed=99)
    import_state(copy, document)
    assert copy.rng.seed == 5
    assert copy.rng.stream(Purpose.EVENT_IDS, "p1").hex(26) == world.rng.stream(Purpose.EVENT_IDS, "p1").hex(26)
    assert copy.rng.stream(Purpose.OAUTH_TOKENS).hex(48) == world.rng.stream(Purpose.OAUTH_TOKENS).hex(48)


def test_a_document_from_before_the_streams_is_read_and_the_streams_start_from_its_seed():
    document = export_state(seeded())
    del document["rng"]["streams"]
    version, internal, gauss = random.Random(5).getstate()
    document["rng"]["state"] = [version, list(internal), gauss]
    world = seeded(seed=99)
    world.rng.stream(Purpose.VOICE_CODES, "p1").digits(4)
    import_state(world, document)
    assert world.rng.positions() == {}
    assert world.rng.stream(Purpose.VOICE_CODES, "p1").digits(4) == Rng(5).stream(Purpose.VOICE_CODES, "p1").digits(4)


@pytest.mark.parametrize("position", [[0, 8], [1, 512], [-1, 0], [1, -1], "x"])
def test_a_position_no_stream_can_stand_at_is_refused_and_changes_nothing(position):
    world = seeded()
    document = export_state(world)
    document["rng"]["streams"] = {"event-ids/p1": position}
    world.rng.stream(Purpose.EVENT_IDS, "p1").hex(26)
    before = world.rng.positions()
    with pytest.raises(StateError) as refused:
        import_state(world, document)
    assert "rng.streams" in str(refused.value)
    assert world.rng.positions() == before
