"""Sends recorded callback events to their destinations.

Each destination (callback URL) has a lane: its due events wait there in an order drawn from
the world's seeded generator (`planning.arrange`), and go out one at a time, so the order in
which one receiver sees them is reproducible for a seed. Lanes of different destinations run
concurrently, at most `settings.callbacks.concurrency` attempts at once. A destination that is
slow to answer holds its own lane for at most `head_of_line_seconds` per attempt: then the lane
moves on to its next event while the slow attempt runs out (it stops counting against the
concurrency bound, and ends by answering or by the timeout). So a dead receiver never delays
other destinations, and delays later events to itself by at most that much each.

When an attempt finds its destination unreachable (refused, timed out, name not resolved ...),
every other attempt the lane holds (waiting, or started and not yet answered) ends at once with
that reason and follows the retry policy: a dead receiver costs one timeout per instant at
which attempts fall due, however many events wait for it. A destination that is the mock
itself (`destinations.OwnAddress`) is never called: each attempt fails with that reason.

The engine calls `deliver_due(now)`: on clock moves it waits until every attempt due at `now` has
been made (retries due at the same instant included); the real-time worker calls it with
`wait=False` and lets the lanes work in the background. Attempt times are the mock's clock.
"""

from __future__ import annotations

import asyncio
import logging
from collections import deque
from dataclasses import dataclass
from datetime import datetime
from typing import Iterator

from mock_server.delivery import sender
from mock_server.delivery.connections import ConnectionPool
from mock_server.delivery.destinations import OwnAddress
from mock_server.delivery.limiter import Limiter, Slot
from mock_server.delivery.planning import Item, arrange, with_duplicates
from mock_server.delivery.policy import Outcome, apply_outcome
from mock_server.delivery.signing import SIGNATURE_HEADER, body_bytes, request_headers
from mock_server.domain.events import CallbackEvent, DeliveryAttempt, DeliveryState
from mock_server.domain.world import World

log = logging.getLogger("sinch_mock.delivery")

HEAD_OF_LINE_SECONDS = 1.0
OWN_ADDRESS_ERROR = "refused: the mock's own address (a callback may not call the mock itself)"


@dataclass(frozen=True)
class _Request:
    body: bytes
    headers: dict[str, str]
    started: datetime
    timeout: float
    sequence: int

    @property
    def signature(self) -> str | None:
        return self.headers.get(SIGNATURE_HEADER)


class Lane:
    """The events waiting for one destination, in sending order, and the task working them."""

    def __init__(self, destination: str) -> None:
        self.destination = destination
        self.waiting: deque[Item] = deque()
        self.task: asyncio.Task[None] | None = None
        self.unreachable: asyncio.Future[Outcome] | None = None  # set by the first unreachable attempt

    def round(self) -> asyncio.Future[Outcome]:
        """The current round's "destination unreachable" signal (a new round starts when new
        events join a lane whose destination was found unreachable)."""
        if self.unreachable is None or self.unreachable.done():
            self.unreachable = asyncio.get_running_loop().create_future()
        return self.unreachable


class Dispatcher:
    def __init__(self, world: World, *, head_of_line_seconds: float = HEAD_OF_LINE_SECONDS,
                 own_address: OwnAddress | None = None, own_certificate: str | None = None) -> None:
        self.world = world
        self.own_certificate = own_certificate  # --tls-cert: trusted for callbacks to the mock's own sink
        self.head_of_line_seconds = head_of_line_seconds
        self.own_address = own_address or OwnAddress()
        self.stopping = False  # set by `interrupt`: no attempt starts any more
        self._lanes: dict[str, Lane] = {}
        self._queued: dict[str, CallbackEvent] = {}  # event id -> event: in a lane or in flight
        self._flying: set[asyncio.Task[None]] = set()
        self._loop: asyncio.AbstractEventLoop | None = None
        self._client: ConnectionPool | None = None
        self._limiter = Limiter(lambda: self.world.settings.callbacks.concurrency)
        self._generation = world.events.generation
        self._scan_from = 0  # every event before this index is finished (not pending)
        self._trims = world.events.trims  # the ledger's drops of old events, as last seen
        self._sequence: int | None = None  # the last attempt's running number (None: to be found)

    # --- what is due (synchronous; the engine asks under the world's lock) ---------------------
    def next_due(self) -> datetime | None:
        """When the next delivery attempt falls due, if any is waiting."""
        event = self.next_event()
        return event.next_attempt_at if event is not None else None

    def next_event(self) -> CallbackEvent | None:
        """The waiting event whose delivery attempt falls due first, if any."""
        with self.world.lock:
            waiting = [e for e in self._open_events() if e.next_attempt_at is not None and not self._is_queued(e)]
            return min(waiting, key=lambda e: e.next_attempt_at, default=None)  # type: ignore[arg-type,return-value]

    def plan(self, now: datetime) -> int:
        """Put every event due at or before `now` into its destination's lane; how many."""
        world = self.world
        if self.stopping:
            return 0
        with world.lock:
            fresh: dict[str, list[Item]] = {}
            for event in self._open_events():
                if (event.destination and event.next_attempt_at is not None
                        and event.next_attempt_at <= now and not self._is_queued(event)):
                    fresh.setdefault(event.destination, []).append(Item(event))
                    self._queued[event.event_id] = event
            settings = world.settings.callbacks
            for destination, items in fresh.items():  # in order of their first event: reproducible
                items = with_duplicates(items, settings.duplicate_probability, world.rng)
                lane = self._lanes.get(destination)
                if lane is None:
                    lane = self._lanes[destination] = Lane(destination)
                lane.round()
                lane.waiting = deque(arrange(lane.waiting, items, settings.order, world.rng))
            count = sum(len(items) for items in fresh.values())
        for destination in fresh:
            self._wake(self._lanes[destination])
        return count

    # --- the engine's interface -----------------------------------------------------------------
    async def deliver_due(self, now: datetime, *, wait: bool = True) -> None:
        """Make every attempt due at or before `now`; with `wait`, return once all are made."""
        self._bind_loop()
        while True:
            planned = self.plan(now)
            if not wait:
                return
            busy = self._busy()
            if not planned and not busy:
                return
            while busy:
                await asyncio.wait(busy)
                busy = self._busy()

    async def start(self) -> None:
        self.stopping = False
        self._bind_loop()

    def interrupt(self) -> None:
        """The process is stopping: start no attempt, and end those in flight without noting
        them (their events stay pending, due as before, for a saved state to resume)."""
        self.stopping = True
        for task in self._busy():
            task.cancel()

    async def stop(self) -> None:
        tasks = self._busy()
        for task in tasks:
            task.cancel()
        if tasks:
            await asyncio.gather(*tasks, return_exceptions=True)
        self._lanes.clear()
        self._queued.clear()
        if self._client is not None:
            await self._client.aclose()
            self._client = None

    @property
    def idle(self) -> bool:
        return not self._busy()

    # --- lanes and attempts ---------------------------------------------------------------------
    def _wake(self, lane: Lane) -> None:
        if lane.task is None and lane.waiting:
            lane.task = asyncio.get_running_loop().create_task(self._run_lane(lane))

    async def _run_lane(self, lane: Lane) -> None:
        try:
            while lane.waiting:
                item = lane.waiting.popleft()
                if not self._sendable(item):
                    self._unqueue(item)
                    continue
                slot = await self._limiter.acquire()
                unreachable = lane.unreachable or lane.round()  # this round's, even once set
                attempt = asyncio.get_running_loop().create_task(self._attempt(item, slot, unreachable))
                self._flying.add(attempt)
                attempt.add_done_callback(self._flying.discard)
                done, _ = await asyncio.wait({attempt}, timeout=self._head_of_line())
                if not done:  # slow receiver: let the attempt run out, serve the next event
                    slot.release()
        finally:
            lane.task = None
            if not lane.waiting and self._lanes.get(lane.destination) is lane:
                del self._lanes[lane.destination]

    async def _attempt(self, item: Item, slot: Slot, unreachable: asyncio.Future[Outcome]) -> None:
        world = self.world
        event = item.event
        try:
            with world.lock:
                if not self._sendable(item):
                    return
                request = self._request(event)
            outcome = await self._send(event.destination or "", request.body, request.headers, request.timeout,
                                       unreachable)
            with world.lock:
                if world.events.by_id.get(event.event_id) is not event:
                    return  # the ledger was reset or replaced meanwhile
                apply_outcome(event, outcome, started=request.started, ended=world.clock.now(),
                              signature=request.signature, settings=world.settings.callbacks,
                              duplicate=item.duplicate, sequence=request.sequence)
                world.events.touch()
        except Exception:  # one broken attempt must not stop the lane or the engine
            log.exception("callback attempt for event %s failed", event.event_id)
        finally:
            slot.release()
            self._unqueue(item)

    async def redeliver(self, event: CallbackEvent, url: str | None = None) -> DeliveryAttempt:
        """Send `event` once more, now: the same body with a signature made with the project's
        current secret, to `url` or else its destination. The attempt is noted in the ledger
        (`redelivery: true`) and changes neither the event's state nor its retries."""
        self._bind_loop()
        world = self.world
        destination = url or event.destination or ""
        slot = await self._limiter.acquire()
        try:
            with world.lock:
                request = self._request(event)
            alone: asyncio.Future[Outcome] = asyncio.get_running_loop().create_future()  # a round of its own
            outcome = await self._send(destination, request.body, request.headers, request.timeout, alone)
            with world.lock:
                apply_outcome(event, outcome, started=request.started, ended=world.clock.now(),
                              signature=request.signature, settings=world.settings.callbacks,
                              sequence=request.sequence, redelivery=True,
                              url=destination if destination != event.destination else None)
                return event.attempts[-1]
        finally:
            slot.release()

    async def _send(self, url: str, body: bytes, headers: dict[str, str], timeout: float,
                    unreachable: asyncio.Future[Outcome]) -> Outcome:
        """One attempt's outcome; ends early with the reason another attempt of the same round
        found the destination unreachable, and tells the round when this one finds it so."""
        if unreachable.done():
            return unreachable.result()
        if self.own_address.refuses(url) or await self.own_address.resolves_to_me(url):
            outcome = Outcome(error=OWN_ADDRESS_ERROR)
        else:
            assert self._client is not None
            post = asyncio.ensure_future(sender.post(self._client, url, body, headers, timeout))
            try:
                await asyncio.wait({post, unreachable}, return_when=asyncio.FIRST_COMPLETED)
            finally:
                post.cancel()
            if not post.done() or post.cancelled():
                return unreachable.result()
            outcome = post.result()
        if outcome.error is not None and not unreachable.done():
            unreachable.set_result(outcome)
        return outcome

    # --- helpers --------------------------------------------------------------------------------
    def _request(self, event: CallbackEvent) -> "_Request":
        """What one attempt sends, signed with the project's secret as it is now (under the lock)."""
        world = self.world
        project = world.projects.get(event.project_id)
        secret = project.callback_configuration.hmac_secret if project else ""
        body = body_bytes(event.payload())
        headers = request_headers(body, secret)
        return _Request(body, headers, world.clock.now(), world.settings.callbacks.timeout, self._next_sequence())

    def _sendable(self, item: Item) -> bool:
        event = item.event
        if self.world.events.by_id.get(event.event_id) is not event:
            return False
        if item.duplicate:
            return event.state == DeliveryState.DELIVERED
        return event.state == DeliveryState.PENDING

    def _unqueue(self, item: Item) -> None:
        event = item.event
        if not item.duplicate and self._queued.get(event.event_id) is event:
            del self._queued[event.event_id]

    def _is_queued(self, event: CallbackEvent) -> bool:
        return self._queued.get(event.event_id) is event

    def _open_events(self) -> Iterator[CallbackEvent]:
        """The pending events (the log only grows, except when it is emptied and refilled)."""
        self._sync_generation()
        if self.world.events.trims != self._trims:  # old events were dropped: positions moved
            self._trims, self._scan_from = self.world.events.trims, 0
        log_ = self.world.events.events
        while self._scan_from < len(log_) and log_[self._scan_from].state != DeliveryState.PENDING:
            self._scan_from += 1
        for index in range(self._scan_from, len(log_)):
            if log_[index].state == DeliveryState.PENDING:
                yield log_[index]

    def _sync_generation(self) -> None:
        """Notice that the ledger was emptied (reset) or replaced (state import)."""
        if self.world.events.generation != self._generation:
            self._generation, self._scan_from, self._sequence = self.world.events.generation, 0, None
            self._queued.clear()

    def _next_sequence(self) -> int:
        self._sync_generation()
        if self._sequence is None:
            self._sequence = max((a.sequence for e in self.world.events.events for a in e.attempts), default=0)
        self._sequence += 1
        return self._sequence

    def _head_of_line(self) -> float:
        return min(self.head_of_line_seconds, self.world.settings.callbacks.timeout)

    def _busy(self) -> set[asyncio.Task[None]]:
        lanes = {lane.task for lane in self._lanes.values() if lane.task is not None}
        return lanes | self._flying

    def _bind_loop(self) -> None:
        """Use the running event loop; start afresh if it is not the one used before."""
        loop = asyncio.get_running_loop()
        if self._loop is loop and self._client is not None:
            return
        self._loop = loop
        self._client = sender.new_client(self.own_certificate)
        self._limiter = Limiter(lambda: self.world.settings.callbacks.concurrency)
        self._lanes.clear()
        self._flying.clear()
        self._queued.clear()
