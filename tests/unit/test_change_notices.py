"""The change notices the console's stream watches: counters the domain keeps as it works."""

from __future__ import annotations

from mock_server.testing import CallbackReceiver
from tests.unit.delivery_support import advance, new_world, record


def test_recording_an_event_and_each_delivery_attempt_are_change_notices():
    world = new_world()
    with CallbackReceiver(respond=[500, 200]) as receiver:
        before = world.events.changes
        event, = record(world, receiver.url)
        assert world.events.changes == before + 1
        advance(world, 10)  # the first attempt fails, the retry after 5 s succeeds
    assert len(event.attempts) == 2
    assert world.events.changes == before + 1 + 2


def test_every_job_run_is_counted_by_the_scheduler():
    world = new_world()
    ran = []
    world.scheduler.register("test.job", ran.append)
    world.scheduler.schedule("test.job", "p", delay=5)
    world.scheduler.schedule("test.job", "p", delay=10)
    before = world.scheduler.runs
    advance(world, 6)
    assert world.scheduler.runs == before + 1
    world.scheduler.schedule("test.job", "p", delay=1)
    world.scheduler.run_early(lambda job: True)
    assert world.scheduler.runs == before + 3 and len(ran) == 3
    assert world.scheduler.next_job() is None
