"""The callback ledger stays within its bound (`limits.ledger_events`) and delivery goes on."""

from __future__ import annotations

from mock_server.domain.events import DeliveryState
from mock_server.testing import CallbackReceiver
from mock_server.engine import Engine
from tests.unit.delivery_support import new_world, record, run


def test_pending_events_are_still_delivered_when_a_trim_moves_them():
    world = new_world(order="fifo")
    world.settings.limits.ledger_events = 100
    with CallbackReceiver() as receiver:

        async def scenario(engine: Engine) -> None:
            record(world, None, count=90)  # finished at once
            assert engine.dispatcher.next_due() is None  # the dispatcher has looked past them
            pending = record(world, receiver.url, count=5)  # positions 90 to 94
            record(world, None, count=20)  # over the bound: the oldest finished go, positions move
            assert world.events.dropped > 0 and world.events.events.index(pending[0]) < 90
            await engine.advance(0)
            assert [e.state for e in pending] == [DeliveryState.DELIVERED] * 5

        run(world, scenario)
        assert len(receiver.received) == 5
    assert len(world.events.by_id) == len(world.events.events)
    assert all(world.events.by_id[e.event_id] is e for e in world.events.events)


def test_sequence_numbers_keep_counting_after_a_trim_and_restart_after_a_reset():
    world = new_world()
    world.settings.limits.ledger_events = 100
    events = record(world, None, count=250)
    assert [e.seq for e in events] == list(range(1, 251))
    assert world.events.events[-1].seq == 250 and world.events.events[0].seq > 1
    world.reset()
    assert record(world, None)[0].seq == 1 and world.events.dropped == 0
