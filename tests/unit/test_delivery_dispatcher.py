"""Delivering events to real loopback receivers: signature, order, retries, isolation, ledger."""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import json
import random
import socket
import threading
import time


from mock_server.domain.events import DeliveryState
from mock_server.engine import Engine
from mock_server.testing import CallbackReceiver
from tests.unit.delivery_support import START, advance, hanging_receiver, new_world, record, run, seconds_after_start


def closed_port_url() -> str:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return f"http://127.0.0.1:{sock.getsockname()[1]}/cb"


# --- what is sent -------------------------------------------------------------------------------
def test_each_event_is_posted_as_json_signed_with_the_projects_secret():
    world = new_world()
    world.project("p1").callback_configuration.hmac_secret = "s3cret"
    with CallbackReceiver() as receiver:
        events = record(world, receiver.url, 3)
        advance(world, 0)
    assert len(receiver.received) == 3
    for call in receiver.received:
        assert call.headers["Content-Type"] == "application/json"
        expected = hmac.new(b"s3cret", call.body, hashlib.sha1).hexdigest()
        assert call.headers["X-Sinch-Signature"] == expected
        event = world.events.by_id[call.payload["eventId"]]
        assert call.payload == event.payload()
        assert event.signature == expected and event.attempts[0].signature == expected
    assert all(e.state == DeliveryState.DELIVERED for e in events)


def test_without_a_secret_there_is_no_signature_header():
    world = new_world()
    with CallbackReceiver() as receiver:
        event, = record(world, receiver.url)
        advance(world, 0)
    assert "X-Sinch-Signature" not in {k.title() for k in receiver.received[0].headers}
    assert event.signature is None and event.state == DeliveryState.DELIVERED


def test_the_secret_in_force_at_each_attempt_signs_it():
    world = new_world()
    world.project("p1").callback_configuration.hmac_secret = "old"
    with CallbackReceiver(respond=[500, 200]) as receiver:
        event, = record(world, receiver.url)
        advance(world, 0)
        world.project("p1").callback_configuration.hmac_secret = "new"
        advance(world, 5)
    first, second = receiver.received
    assert first.verify("old") and not first.verify("new")
    assert second.verify("new") and not second.verify("old")
    assert [a.signature for a in event.attempts] == [first.signature, second.signature]


def test_events_without_a_destination_are_kept_but_never_sent():
    world = new_world()
    with CallbackReceiver() as receiver:
        event, = record(world, None)
        sent, = record(world, receiver.url)
        advance(world, 600)
    assert event.state == DeliveryState.NO_DESTINATION and event.attempts == []
    assert [c.event_id for c in receiver.received] == [sent.event_id]


def test_placeholder_hosts_from_the_spec_are_never_contacted():
    world = new_world(max_attempts=2)
    event, = record(world, "https://www.your-callback-server.com/callback")
    reserved, = record(world, "http://hooks.example/cb")
    advance(world, 60)
    for e in (event, reserved):
        assert e.state == DeliveryState.FAILED
        assert all("placeholder host" in (a.error or "") for a in e.attempts)


# --- order ----------------------------------------------------------------------------------------
def arrival_order(seed: int, order: str = "random") -> list[str]:
    world = new_world(seed, order=order)
    with CallbackReceiver() as receiver:
        record(world, receiver.url, 8)
        advance(world, 0)
    return [c.payload["resourceId"] for c in receiver.received]


def test_a_seed_reproduces_the_order_and_another_seed_gives_another():
    first, again, other = arrival_order(11), arrival_order(11), arrival_order(12)
    assert first == again
    assert first != other
    assert sorted(first) == sorted(other) == [f"+1202555{i:04d}" for i in range(8)]
    assert first != sorted(first)


def test_fifo_order_is_creation_order():
    assert arrival_order(11, "fifo") == [f"+1202555{i:04d}" for i in range(8)]


def test_a_seed_reproduces_the_order_at_each_receiver_while_others_are_served_concurrently():
    """Lanes draw their order in one synchronous step, so how the concurrent deliveries to
    other destinations interleave (here: randomly slow ones) changes nothing."""
    jitter = random.Random()

    def slow_sometimes(call):
        time.sleep(jitter.choice([0, 0, 0.01, 0.03]))
        return 200

    def orders(seed: int) -> tuple[list[str], list[str]]:
        world = new_world(seed)
        with CallbackReceiver() as receiver, CallbackReceiver(respond=slow_sometimes) as other:
            for i in range(8):
                record(world, receiver.url)
                record(world, other.url_for(f"/n{i % 3}"))
            advance(world, 0)
        return ([c.payload["resourceId"] for c in receiver.received],
                [c.path + c.payload["resourceId"] for c in other.received if c.path == "/n0"])

    assert orders(21) == orders(21) == orders(21)


# --- retries --------------------------------------------------------------------------------------
def test_500_500_200_is_delivered_on_the_third_attempt_at_the_documented_times():
    world = new_world()
    with CallbackReceiver(respond=[500, 500, 200]) as receiver:
        event, = record(world, receiver.url)
        advance(world, 3600)
    assert [c.status for c in receiver.received] == [500, 500, 200]
    assert [seconds_after_start(a.time) for a in event.attempts] == [0, 5, 15]
    assert [a.status_code for a in event.attempts] == [500, 500, 200]
    assert event.state == DeliveryState.DELIVERED
    assert len({c.body for c in receiver.received}) == 1  # the same bytes every time


def test_after_max_attempts_the_event_fails_and_is_not_tried_again():
    world = new_world(max_attempts=6)
    with CallbackReceiver(respond=503) as receiver:
        event, = record(world, receiver.url)
        advance(world, 10_000)
    assert event.state == DeliveryState.FAILED and event.next_attempt_at is None
    assert [seconds_after_start(a.time) for a in event.attempts] == [0, 5, 15, 35, 75, 155]
    assert len(receiver.received) == 6


def test_an_attempt_is_made_only_when_the_clock_reaches_it():
    world = new_world()
    with CallbackReceiver(respond=[500, 200]) as receiver:
        event, = record(world, receiver.url)
        advance(world, 4.999)
        assert len(receiver.received) == 1 and event.state == DeliveryState.PENDING
        advance(world, 0.001)
    assert len(receiver.received) == 2 and event.state == DeliveryState.DELIVERED
    assert seconds_after_start(event.attempts[1].time) == 5


def test_a_connection_error_is_retried_and_recorded():
    world = new_world(max_attempts=2)
    event, = record(world, closed_port_url())
    advance(world, 60)
    assert event.state == DeliveryState.FAILED
    assert all(a.error == "connection refused" and a.status_code is None for a in event.attempts)
    assert [seconds_after_start(a.time) for a in event.attempts] == [0, 5]


def test_a_receiver_that_does_not_answer_times_out_and_is_retried():
    world = new_world(timeout=0.2, max_attempts=2)
    with hanging_receiver() as receiver:
        event, = record(world, receiver.url)
        advance(world, 60, head_of_line=0.05)
    assert event.state == DeliveryState.FAILED
    assert [a.error for a in event.attempts] == ["timed out: no answer within 0.2 s"] * 2
    assert [seconds_after_start(a.time) for a in event.attempts] == [0, 5]


def test_a_failed_event_does_not_block_the_others_to_the_same_receiver():
    world = new_world()
    first_id: list[str] = []

    def fail_the_first(call):
        if not first_id:
            first_id.append(call.event_id)
        return 500 if call.event_id == first_id[0] else 200

    with CallbackReceiver(respond=fail_the_first) as receiver:
        events = record(world, receiver.url, 4)
        advance(world, 0)
    delivered = [e for e in events if e.state == DeliveryState.DELIVERED]
    assert len(delivered) == 3
    assert world.events.by_id[first_id[0]].state == DeliveryState.PENDING


# --- isolation ------------------------------------------------------------------------------------
def test_a_receiver_that_never_answers_does_not_delay_another_destination():
    fast_done = threading.Event()
    released_by_fast: list[bool] = []

    def hang(call):
        released_by_fast.append(fast_done.wait(10))
        return 503

    def fast(call):
        if fast_receiver.answered + 1 >= 5:
            fast_done.set()
        return 200

    world = new_world(timeout=30)
    with CallbackReceiver(respond=hang) as dead, CallbackReceiver(respond=fast) as fast_receiver:
        record(world, dead.url, 1)
        fast_events = record(world, fast_receiver.url, 5)
        advance(world, 0, head_of_line=30)
    assert released_by_fast == [True]  # every fast event arrived while the dead one still hung
    assert all(e.state == DeliveryState.DELIVERED for e in fast_events)


def test_a_slow_receiver_holds_its_own_later_events_back_only_briefly():
    """After head_of_line_seconds the lane sends the next event while the slow one runs out."""
    all_arrived = threading.Event()
    first_saw_all: list[bool] = []

    def slow_first(call):
        if len(receiver.received) >= 3:
            all_arrived.set()
        if len(receiver.received) == 1:
            first_saw_all.append(all_arrived.wait(10))
        return 200

    world = new_world(timeout=30)
    with CallbackReceiver(respond=slow_first) as receiver:
        events = record(world, receiver.url, 3)
        advance(world, 0, head_of_line=0.05)
    assert first_saw_all == [True]
    assert all(e.state == DeliveryState.DELIVERED for e in events)


def test_concurrency_is_bounded():
    state = {"active": 0, "peak": 0, "seen": 0}
    lock = threading.Condition()

    def busy(call):
        with lock:
            state["active"] += 1
            state["seen"] += 1
            state["peak"] = max(state["peak"], state["active"])
            lock.notify_all()
            # hold the slot until the bound is reached (or nobody else is coming), then a moment
            # more, in which a third concurrent request would show up without the bound
            lock.wait_for(lambda: state["active"] >= 2 or state["seen"] == 4, timeout=5)
            lock.wait_for(lambda: state["active"] > 2, timeout=0.2)
            state["active"] -= 1
            lock.notify_all()
        return 200

    world = new_world(concurrency=2)
    with CallbackReceiver(respond=busy) as receiver:
        events = [record(world, receiver.url_for(f"/d{i}"))[0] for i in range(4)]
        advance(world, 0, head_of_line=30)
    assert state["peak"] == 2
    assert all(e.state == DeliveryState.DELIVERED for e in events)


# --- exactly once, duplicates, ledger -------------------------------------------------------------
def test_no_event_is_lost_or_delivered_twice_and_the_ledger_matches_the_receiver():
    chance = random.Random(5)
    lock = threading.Lock()

    def flaky(call):
        with lock:
            return chance.choice([200, 200, 500, 503, 404])

    world = new_world(max_attempts=20, initial_backoff=1)
    world.project("p1").callback_configuration.hmac_secret = "k"
    with CallbackReceiver(respond=flaky) as receiver:
        events = record(world, receiver.url, 20) + record(world, receiver.url_for("/other"), 20)
        advance(world, 3 * 3600)
    ok = [c.event_id for c in receiver.received if 200 <= (c.status or 0) < 300]
    assert sorted(ok) == sorted(e.event_id for e in events)  # each delivered exactly once
    assert all(e.state == DeliveryState.DELIVERED for e in events)
    # the ledger, in the order attempts were made, is what the receivers saw
    ledger = sorted(((a.sequence, e.event_id, a.status_code, a.signature) for e in events for a in e.attempts))
    seen = [(c.event_id, c.status, c.signature) for c in receiver.received]
    assert sorted(row[1:] for row in ledger) == sorted(seen)
    for path in ("/callback", "/other"):
        in_ledger = [row[1:] for row in ledger if world.events.by_id[row[1]].destination.endswith(path)]
        assert in_ledger == [s for c, s in zip(receiver.received, seen) if c.path == path]
    assert [row[0] for row in ledger] == list(range(1, len(ledger) + 1))


def test_with_duplicates_on_each_delivered_event_arrives_twice_with_the_same_id():
    world = new_world(duplicate_probability=1.0)
    with CallbackReceiver() as receiver:
        events = record(world, receiver.url, 5)
        advance(world, 0)
    ids = [c.event_id for c in receiver.received]
    assert sorted(ids) == sorted(e.event_id for e in events for _ in range(2))
    for e in events:
        assert [a.duplicate for a in e.attempts] == [False, True]
        first, second = [c for c in receiver.received if c.event_id == e.event_id]
        assert first.body == second.body


def test_duplicates_are_reproducible_for_a_seed_at_a_partial_probability():
    def duplicated(seed):
        world = new_world(seed, duplicate_probability=0.5)
        with CallbackReceiver() as receiver:
            record(world, receiver.url, 10)
            advance(world, 0)
        return [c.payload["resourceId"] for c in receiver.received]

    first = duplicated(3)
    assert first == duplicated(3)
    assert 10 < len(first) < 20


def test_a_reset_drops_what_was_waiting():
    world = new_world()
    with CallbackReceiver() as receiver:
        record(world, receiver.url, 3)
        world.reset()
        advance(world, 60)
    assert receiver.received == [] and world.events.events == []


# --- real time ------------------------------------------------------------------------------------
def test_in_real_time_the_worker_does_not_wait_for_a_slow_receiver():
    returned = threading.Event()
    saw_return: list[bool] = []

    def slow(call):
        saw_return.append(returned.wait(10))
        return 200

    world = new_world()

    async def scenario(engine: Engine) -> None:
        await engine.tick()  # what the background worker does every 0.2 s
        returned.set()
        while not engine.dispatcher.idle:
            await asyncio.sleep(0.01)

    with CallbackReceiver(respond=slow) as receiver:
        event, = record(world, receiver.url)
        run(world, scenario)
    assert saw_return == [True]
    assert event.state == DeliveryState.DELIVERED
    assert event.attempts[0].time == START


def test_the_background_worker_delivers_without_any_clock_move():
    world = new_world()

    async def scenario(engine: Engine) -> None:
        await engine.stop()
        await engine.start(background=True)
        record(world, receiver.url, 2)
        for _ in range(500):
            if receiver.answered == 2 and engine.dispatcher.idle:
                break
            await asyncio.sleep(0.01)

    with CallbackReceiver() as receiver:
        run(world, scenario)
    assert receiver.answered == 2
    assert all(e.state == DeliveryState.DELIVERED for e in world.events.events)


def test_the_ledger_survives_a_state_round_trip_and_pending_events_resume():
    world = new_world()
    with CallbackReceiver(respond=[500, 200]) as receiver:
        event, = record(world, receiver.url)
        advance(world, 0)
        exported = world.events.export()
        world.events.restore(json.loads(json.dumps(exported)))
        advance(world, 5)
    restored = world.events.by_id[event.event_id]
    assert restored is not event
    assert [a.status_code for a in restored.attempts] == [500, 200]
    assert [a.sequence for a in restored.attempts] == [1, 2]
    assert restored.state == DeliveryState.DELIVERED
