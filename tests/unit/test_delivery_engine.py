"""How clock moves and deliveries meet: bursts of transitions call back together, retries keep
their exact times, and nothing goes past the target instant."""

from __future__ import annotations

from datetime import timedelta

from mock_server.core.scheduler import Job
from mock_server.domain.events import DeliveryState, EventType, ResourceType
from mock_server.domain.world import World
from mock_server.engine import BURST_SECONDS
from mock_server.testing import CallbackReceiver
from tests.unit.delivery_support import START, advance, new_world, seconds_after_start

EMIT = "test.emit"


def emitting_world(seed: int = 1234, **callbacks: object) -> World:
    world = new_world(seed, **callbacks)

    def emit(job: Job) -> None:
        world.events.record(job.project_id, ResourceType.IMPORTED_NUMBER, EventType.PROVISIONING_TO_SMS_PLATFORM,
                            job.data["phone"], destination=job.data["url"])

    world.scheduler.register(EMIT, emit)
    return world


def schedule(world: World, url: str, offsets: list[float]) -> None:
    for i, offset in enumerate(offsets):
        world.scheduler.schedule(EMIT, "p1", at=START + timedelta(seconds=offset), phone=f"+1202555{i:04d}", url=url)


def run_burst(seed: int, offsets: list[float], seconds: float = 60) -> tuple[World, list[str]]:
    world = emitting_world(seed)
    with CallbackReceiver() as receiver:
        schedule(world, receiver.url, offsets)
        advance(world, seconds)
    return world, [c.payload["resourceId"] for c in receiver.received]


MS_APART = [30 + i * 0.004 for i in range(8)]  # eight imports a few milliseconds apart


def test_transitions_due_milliseconds_apart_call_back_together_in_a_seed_dependent_order():
    world, first = run_burst(5, MS_APART)
    _, again = run_burst(5, MS_APART)
    _, other = run_burst(6, MS_APART)
    assert first == again and first != other
    assert sorted(first) == [f"+1202555{i:04d}" for i in range(8)] and first != sorted(first)
    # each event keeps its own time; they all went out at the burst's last instant
    assert [seconds_after_start(e.timestamp) for e in world.events.events] == MS_APART
    assert {seconds_after_start(e.attempts[0].time) for e in world.events.events} == {MS_APART[-1]}


def test_transitions_a_second_or_more_apart_call_back_one_by_one_at_their_own_times():
    offsets = [30 + i * BURST_SECONDS for i in range(4)]
    world, order = run_burst(5, offsets)
    assert order == [f"+1202555{i:04d}" for i in range(4)]
    assert [seconds_after_start(e.attempts[0].time) for e in world.events.events] == offsets


def test_a_burst_does_not_pass_the_target_instant():
    world, order = run_burst(5, [30, 30.5, 30.9], seconds=30.6)
    assert len(order) == 2
    assert [seconds_after_start(e.attempts[0].time) for e in world.events.events] == [30.5, 30.5]
    assert seconds_after_start(world.clock.now()) == 30.6


def test_a_retry_falling_due_inside_a_burst_keeps_its_exact_time():
    world = emitting_world()
    with CallbackReceiver(respond=[500, 200]) as failing, CallbackReceiver() as receiver:
        failing_event = world.events.record("p1", ResourceType.IMPORTED_NUMBER, EventType.DELETE, "+12025550199",
                                            destination=failing.url)
        schedule(world, receiver.url, [4.5, 4.9, 5.3])  # the retry, due at 5, ends the burst
        advance(world, 60)
    assert [seconds_after_start(a.time) for a in failing_event.attempts] == [0, 5]
    assert failing_event.state == DeliveryState.DELIVERED
    assert [seconds_after_start(e.attempts[0].time) for e in world.events.events[1:]] == [4.9, 4.9, 5.3]
