"""Delivery against hostile or dead receivers: bounded answers, readable errors, one timeout per
instant for a dead destination, the mock's own address never called, ordered clock moves."""

from __future__ import annotations

import asyncio
import errno
import socket
import threading
import time
from datetime import timedelta

import httpx
import pytest

from mock_server.delivery.destinations import (
    MAX_CALLBACK_URL_LENGTH,
    OwnAddress,
    callback_url_problem,
    is_receiver_path,
)
from mock_server.delivery.dispatcher import OWN_ADDRESS_ERROR, Dispatcher
from mock_server.delivery.sender import MAX_ANSWER_BYTES, describe
from mock_server.domain.events import DeliveryState
from mock_server.engine import Engine
from mock_server.testing import CallbackReceiver
from tests.unit.delivery_support import (
    START,
    advance,
    hanging_receiver,
    new_world,
    record,
    run,
    seconds_after_start,
)


# --- the receiver's answer -------------------------------------------------------------------------
class EndlessAnswer:
    """A receiver that answers 200 with a body that never ends, counting what it sent."""

    def __init__(self) -> None:
        self.server = socket.socket()
        self.server.bind(("127.0.0.1", 0))
        self.server.listen(8)
        self.sent = 0
        self.closed_by_peer = threading.Event()
        self.thread = threading.Thread(target=self._serve, daemon=True)
        self.thread.start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.getsockname()[1]}/cb"

    def _serve(self) -> None:
        connection, _ = self.server.accept()
        with connection:
            request = b""
            while b"\r\n\r\n" not in request:
                request += connection.recv(65536)
            connection.sendall(b"HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nTransfer-Encoding: chunked\r\n\r\n")
            chunk = b"%x\r\n%s\r\n" % (65536, b"x" * 65536)
            try:
                while self.sent < 2 * 1024**3:
                    connection.sendall(chunk)
                    self.sent += 65536
            except OSError:
                self.closed_by_peer.set()

    def close(self) -> None:
        self.server.close()


def test_a_receiver_answer_body_is_read_only_up_to_the_bound_then_dropped():
    receiver = EndlessAnswer()
    try:
        world = new_world(timeout=10)
        event, = record(world, receiver.url)
        advance(world, 0)
        assert event.state == DeliveryState.DELIVERED and event.attempts[0].status_code == 200
        assert receiver.closed_by_peer.wait(10)  # the mock hung up instead of reading on
        # what the kernel buffers took before the close, not the 2 GiB the receiver offered
        assert receiver.sent < 64 * 1024 * 1024
    finally:
        receiver.close()
    assert MAX_ANSWER_BYTES <= 64 * 1024


# --- readable errors ------------------------------------------------------------------------------
def _wrapped(cause: BaseException) -> httpx.ConnectError:
    group = ExceptionGroup("multiple connection attempts failed", [cause])
    error = httpx.ConnectError("All connection attempts failed")
    error.__cause__ = group
    return error


@pytest.mark.parametrize("cause,words", [
    (ConnectionRefusedError(errno.ECONNREFUSED, "Connect call failed"), "connection refused"),
    (socket.gaierror(socket.EAI_NONAME, "Name or service not known"), "name not resolved"),
    (ConnectionResetError(errno.ECONNRESET, "reset"), "connection reset by the receiver"),
    (TimeoutError(), "timed out"),
    (OSError(errno.EHOSTUNREACH, "No route to host"), "host unreachable"),
])
def test_a_delivery_error_is_described_in_words_never_by_a_class_name(cause, words):
    text = describe(_wrapped(cause))
    assert text == words
    assert "Error" not in text and "Group" not in text


def test_a_refused_connection_reads_connection_refused_in_the_ledger():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        url = f"http://127.0.0.1:{sock.getsockname()[1]}/cb"
    world = new_world(max_attempts=1)
    event, = record(world, url)
    advance(world, 0)
    assert [a.error for a in event.attempts] == ["connection refused"]


# --- a dead receiver: one timeout per instant ----------------------------------------------------------
def test_a_dead_receiver_costs_one_timeout_per_instant_not_one_per_event():
    """20 events wait for a receiver that never answers. The first attempt times out; the 19
    others due at that instant fail at once with that reason, and all follow the retry policy.
    So the receiver sees one request per instant, and every event has both its attempts."""
    world = new_world(timeout=0.3, max_attempts=2, order="fifo")
    with hanging_receiver() as receiver:
        events = record(world, receiver.url, 20)
        advance(world, 60, head_of_line=5)  # the lane waits for each answer: no overlap
        requests = len(receiver.received)
    # One per instant (T and T+5), and under a loaded machine a straggler per instant at most
    # (an attempt that left before the first timeout was known): never one per event (40).
    assert requests <= 2 * 2
    for event in events:
        assert event.state == DeliveryState.FAILED
        assert [a.error for a in event.attempts] == ["timed out: no answer within 0.3 s"] * 2
        assert [seconds_after_start(a.time) for a in event.attempts] == [0, 5]
    sequences = [a.sequence for e in events for a in e.attempts if seconds_after_start(a.time) == 0]
    assert sequences == sorted(sequences)  # the lane's order holds


def test_a_dead_receiver_does_not_make_a_live_one_fail():
    world = new_world(timeout=0.3, max_attempts=1)
    with hanging_receiver() as dead, CallbackReceiver() as alive:
        dead_events = record(world, dead.url, 5)
        live_events = record(world, alive.url, 5, project="p2")
        advance(world, 0, head_of_line=5)
    assert all(e.state == DeliveryState.FAILED for e in dead_events)
    assert all(e.state == DeliveryState.DELIVERED for e in live_events)


# --- the mock's own address ----------------------------------------------------------------------
@pytest.mark.parametrize("url,problem", [
    ("http://127.0.0.1:9000/cb\r\nX-Evil: 1", "control characters"),
    ("http://127.0.0.1:9000/c\nb", "control characters"),
    ("http://127.0.0.1:9000/c\tb", "control characters"),
    ("http://127.0.0.1:70000/cb", "port from 1 to 65535"),
    ("http://127.0.0.1:0/cb", "port from 1 to 65535"),
    ("http://127.0.0.1:9000/" + "a" * MAX_CALLBACK_URL_LENGTH, f"at most {MAX_CALLBACK_URL_LENGTH}"),
    ("ftp://127.0.0.1/cb", "absolute http or https URL"),
    ("/cb", "absolute http or https URL"),
])
def test_a_bad_callback_url_is_named(url, problem):
    assert problem in (callback_url_problem(url) or "")


def test_a_good_callback_url_passes():
    assert callback_url_problem("https://hooks.internal:8443/sinch/callbacks?x=1") is None


@pytest.mark.parametrize("bound,url,refused", [
    ("127.0.0.1", "http://127.0.0.1:8080/_mock/reset", True),
    ("127.0.0.1", "http://localhost:8080/v1/projects/x/importedNumbers", True),
    ("127.0.0.1", "http://127.1:8080/_mock/reset", True),
    ("127.0.0.1", "http://2130706433:8080/_mock/reset", True),
    ("127.0.0.1", "http://[::ffff:127.0.0.1]:8080/_mock/reset", True),
    ("127.0.0.1", "http://0.0.0.0:8080/_mock/reset", True),
    ("127.0.0.1", "http://foo.localhost:8080/_mock/reset", True),
    ("127.0.0.1", "http://127.0.0.1:8081/_mock/reset", False),
    ("127.0.0.1", "http://127.0.0.1:8080/_mock/sink/mine", False),
    ("127.0.0.1", "http://127.0.0.1:8080/_mock/sink/../reset", True),
    ("127.0.0.1", "http://127.0.0.1:8080/_mock/sink/%2e%2e/reset", True),
    ("0.0.0.0", "http://127.0.0.1:8080/_mock/reset", True),
    ("0.0.0.0", "http://[::1]:8080/_mock/reset", True),
    ("10.99.0.1", "http://127.0.0.1:8080/_mock/reset", False),
    ("10.99.0.1", "http://10.99.0.1:8080/_mock/reset", True),
])
def test_the_own_address_is_refused_outside_the_receiver_paths(bound, url, refused):
    own = OwnAddress()
    own.listening(bound, 8080)
    assert own.refuses(url) is refused


def test_the_host_a_request_came_in_as_counts_as_the_own_address():
    own = OwnAddress()
    assert not own.refuses("https://mock.internal/_mock/reset")
    assert own.refuses("https://mock.internal/_mock/reset", [("mock.internal", 443)])
    assert own.refuses("http://MOCK.internal.:80/x", [("mock.internal", 80)])


def test_receiver_paths_are_one_tuple_and_guard_their_prefix():
    assert is_receiver_path("/_mock/sink/orders") and not is_receiver_path("/_mock/sinkhole")
    assert not is_receiver_path("/_mock/sink/a/../../reset")


def test_an_own_address_destination_is_never_called_at_delivery():
    """A destination set before the check existed (an imported state) is caught at delivery."""
    with CallbackReceiver() as receiver:
        port = int(receiver.url.rsplit(":", 1)[1].split("/")[0])
        own = OwnAddress()
        own.listening("127.0.0.1", port)  # pretend the receiver's address is the mock's own
        world = new_world(max_attempts=2)
        event, = record(world, f"http://localhost:{port}/_mock/reset")

        async def scenario(engine: Engine) -> None:
            await engine.advance(60)

        async def main() -> None:
            engine = Engine(world, Dispatcher(world, own_address=own))
            await engine.start(background=False)
            try:
                await scenario(engine)
            finally:
                await engine.stop()

        asyncio.run(main())
        assert receiver.received == []
    assert event.state == DeliveryState.FAILED
    assert [a.error for a in event.attempts] == [OWN_ADDRESS_ERROR] * 2


# --- clock moves -------------------------------------------------------------------------------------
def test_concurrent_advances_each_move_the_clock_by_their_own_amount():
    world = new_world()

    async def sixteen(engine: Engine) -> list:
        return list(await asyncio.gather(*(engine.advance(30) for _ in range(16))))

    with CallbackReceiver() as receiver:
        record(world, receiver.url, 3)  # the first advance waits for deliveries: the others arrive meanwhile
        ends = run(world, sixteen)
        assert len(receiver.received) == 3
    assert world.clock.now() == START + timedelta(seconds=480)
    assert ends == [START + timedelta(seconds=30 * (i + 1)) for i in range(16)]  # arrival order


def test_a_short_advance_sent_during_a_long_one_waits_its_turn_and_succeeds():
    def slow(call):
        time.sleep(0.5)
        return 200

    world = new_world()
    with CallbackReceiver(respond=slow) as receiver:
        record(world, receiver.url, 1)

        async def both(engine: Engine) -> list:
            long = asyncio.ensure_future(engine.advance(600))
            await asyncio.sleep(0.1)  # the long one is delivering now
            short = asyncio.ensure_future(engine.advance(5))
            return list(await asyncio.gather(long, short))

        ends = run(world, both)
    assert ends == [START + timedelta(seconds=600), START + timedelta(seconds=605)]


def test_an_interrupted_advance_answers_unavailable_and_keeps_the_event_pending():
    from mock_server.core.errors import ApiError

    world = new_world(timeout=5)
    with hanging_receiver() as receiver:
        event, = record(world, receiver.url)

        async def cut_short(engine: Engine) -> ApiError:
            moving = asyncio.ensure_future(engine.advance(600))
            await asyncio.sleep(0.3)
            engine.interrupt()
            try:
                await moving
            except ApiError as error:
                return error
            raise AssertionError("the advance was not cut short")

        error = run(world, cut_short)
    assert (error.http_status, error.status) == (503, "UNAVAILABLE")
    assert event.state == DeliveryState.PENDING and event.attempts == []
    assert event.next_attempt_at == START
