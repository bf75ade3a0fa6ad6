"""Random walks through hosting orders, checked after every step.

Hypothesis drives import orders, 10DLC text-enable orders with each kind of LOA, toll-free
text-enable orders, LOA signatures and declines, and clock moves, over a small pool of numbers
(happy ones and magic failing ones). After every step:

- no number is held by two running orders, and `running_order_by_number` is exactly the numbers
  of the running orders;
- no imported number is in a running order, and every hosted number is imported;
- the report equals counts over the numbers;
- order states and number steps only move forward along the documented diagrams
  (docs/hosting-orders.md), each step only after the previous one is DONE;
- an order ends COMPLETED iff one of its numbers was hosted, the qualified numbers follow their
  order, and each finished number has exactly one HOSTING_PROCESS event;
- every answer (accepted, 400, 404, 409) is the one the model predicts.
"""

from __future__ import annotations

from collections import Counter

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, precondition, rule

from mock_server.core.clock import Clock
from mock_server.core.errors import ApiError
from mock_server.core.rng import Rng
from mock_server.domain.events import EventType
from mock_server.domain.hosting_orders.model import (
    HostingOrder,
    HostingOrderReport,
    HostingOrderState,
    HostingOrderType,
    LoaStatus,
    LoaType,
)
from mock_server.domain.provisioning import State
from mock_server.domain.qualified_numbers.model import GlobalProcessState as Q
from mock_server.domain.world import World
from tests.conftest import START
from tests.hosting_support import PROJECT, add_verified, import_request, magic, text_enable_request, toll_free_request
from tests.engine_support import advance

O = HostingOrderState
DLC_POOL = ["+17724295286", "+17724295287", "+12025550134", magic("10"), magic("12"), magic("23"), magic("30")]
TF_POOL = ["+18335870229", "+18339460473", magic("13", area="833")]

ORDER_RANK = {O.SUBMITTED: 0, O.WAITING_FOR_LOA_SIGNATURE: 1, O.IN_PROGRESS: 2, O.COMPLETED: 3, O.REJECTED: 3}
STEP_RANK = {State.WAITING: 0, State.IN_PROGRESS: 1, State.DONE: 2, State.FAILED: 2}
FINAL_STEPS = (State.DONE, State.FAILED)


def step_states(order: HostingOrder) -> dict[str, tuple]:
    return {
        phone: (n.osr_update.state, n.platform_provisioning.state, n.campaign_provisioning.state,
                tuple(c.state for c in n.carriers.values()), n.hosting)
        for phone, n in order.numbers.items()
    }


def moved_forward(before: State, after: State) -> bool:
    if before == State.STATE_UNSPECIFIED or after == State.STATE_UNSPECIFIED:
        return before == after
    if before in FINAL_STEPS:
        return after == before
    return STEP_RANK[after] >= STEP_RANK[before]


class HostingOrdersMachine(RuleBasedStateMachine):
    def __init__(self) -> None:
        super().__init__()
        self.world = World(clock=Clock(start=START, frozen=True), rng=Rng(7))
        self.world.project(PROJECT).limits.import_order_numbers = 3
        add_verified(self.world, DLC_POOL + TF_POOL)
        self.world.hosting_orders.approve_blanket_loa(PROJECT)  # blanketLoaInfo needs it on file
        self.order_ids: list[str] = []
        self.last_order_states: dict[str, O] = {}
        self.last_steps: dict[str, dict[str, tuple]] = {}

    # --- helpers --------------------------------------------------------------------------
    @property
    def project(self):
        return self.world.project(PROJECT)

    def orders(self) -> list[HostingOrder]:
        return [self.project.hosting_orders[i] for i in self.order_ids]

    def taken(self, phone: str) -> bool:
        return phone in self.project.running_order_by_number or self.world.imported_numbers.is_imported(PROJECT, phone)

    def expect(self, call, expected_status: int) -> HostingOrder | None:
        try:
            with self.world.transaction():
                order = call()
        except ApiError as error:
            assert error.http_status == expected_status, (error, expected_status)
            return None
        assert expected_status == 200, f"expected {expected_status}, the order was created"
        self.order_ids.append(order.hosting_order_id)
        return order

    def text_enable_status(self, numbers: list[str]) -> int:
        if any(self.taken(p) for p in numbers):
            return 409
        if any(self.project.qualified_numbers[p].state != Q.VERIFIED for p in numbers):
            return 400
        return 200

    # --- rules ----------------------------------------------------------------------------
    @rule(numbers=st.lists(st.sampled_from(DLC_POOL + TF_POOL[:1]), min_size=1, max_size=3, unique=True),
          campaign=st.booleans())
    def import_numbers(self, numbers: list[str], campaign: bool) -> None:
        # Sample time and state first: the ALREADY_EXISTS check looks at them.
        self.world.catch_up()
        expected = 409 if any(self.taken(p) for p in numbers) else 200
        request = import_request(numbers, campaign_id="C1" if campaign else "")
        self.expect(lambda: self.world.hosting_orders.import_numbers(PROJECT, request), expected)

    @rule(numbers=st.lists(st.sampled_from(DLC_POOL), min_size=1, max_size=3, unique=True),
          loa=st.sampled_from(list(LoaType)))
    def text_enable(self, numbers: list[str], loa: LoaType) -> None:
        self.world.catch_up()
        expected = self.text_enable_status(numbers)
        request = text_enable_request(numbers, loa)
        self.expect(lambda: self.world.hosting_orders.text_enable(PROJECT, request), expected)

    @rule(numbers=st.lists(st.sampled_from(TF_POOL), min_size=1, max_size=2, unique=True),
          loa=st.sampled_from([LoaType.DIRECT, LoaType.RESELLER]))
    def text_enable_toll_free(self, numbers: list[str], loa: LoaType) -> None:
        self.world.catch_up()
        expected = self.text_enable_status(numbers)
        request = toll_free_request(numbers, loa)
        self.expect(lambda: self.world.hosting_orders.text_enable(PROJECT, request), expected)

    def signable(self, order: HostingOrder) -> bool:
        letter = order.text_enable_info
        return (letter is not None and letter.loa_type.needs_signature and letter.status == LoaStatus.PENDING
                and order.state in (O.SUBMITTED, O.WAITING_FOR_LOA_SIGNATURE))

    @precondition(lambda self: self.order_ids)
    @rule(pick=st.integers(min_value=0, max_value=1000), accept=st.booleans())
    def sign_or_decline(self, pick: int, accept: bool) -> None:
        self.world.catch_up()
        order = self.orders()[pick % len(self.order_ids)]
        allowed = self.signable(order)
        call = self.world.hosting_orders.sign_loa if accept else self.world.hosting_orders.decline_loa
        try:
            with self.world.transaction():
                call(PROJECT, order.hosting_order_id)
        except ApiError as error:
            assert not allowed and error.status == "FAILED_PRECONDITION", error
            return
        assert allowed
        if not accept:
            assert order.state is O.REJECTED

    @rule(seconds=st.sampled_from([1, 10, 30, 60, 120, 600, 3600]))
    def advance(self, seconds: int) -> None:
        advance(self.world, seconds)

    # --- invariants -----------------------------------------------------------------------
    @invariant()
    def running_numbers_are_held_once(self) -> None:
        held = Counter(p for o in self.orders() if o.running for p in o.numbers)
        assert all(count == 1 for count in held.values()), held
        assert self.project.running_order_by_number == {
            p: o.hosting_order_id for o in self.orders() if o.running for p in o.numbers}

    @invariant()
    def imported_numbers_are_not_in_running_orders(self) -> None:
        for phone in self.project.imported_numbers:
            assert phone not in self.project.running_order_by_number

    @invariant()
    def reports_count_the_numbers(self) -> None:
        for order in self.orders():
            numbers = order.numbers.values()
            report = self.world.hosting_orders.report(PROJECT, order.hosting_order_id)
            assert report == HostingOrderReport(
                total=len(numbers),
                osr_updated=sum(n.osr_update.state == State.DONE for n in numbers),
                sms_provisioned=sum(n.platform_provisioning.state == State.DONE for n in numbers),
                added_to_campaign=sum(n.campaign_provisioning.state == State.DONE for n in numbers),
                ongoing_manual_action=sum(any(c.state == State.FAILED for c in n.carriers.values())
                                          for n in numbers),
            )

    @invariant()
    def states_only_move_forward(self) -> None:
        for order in self.orders():
            before = self.last_order_states.get(order.hosting_order_id)
            if before is not None:
                if before in (O.COMPLETED, O.REJECTED):
                    assert order.state == before
                else:
                    assert ORDER_RANK[order.state] >= ORDER_RANK[before], (before, order.state)
            if order.state is O.WAITING_FOR_LOA_SIGNATURE:
                assert order.text_enable_info is not None and order.text_enable_info.loa_type.needs_signature
            current = step_states(order)
            for phone, states in current.items():
                previous = self.last_steps.get(order.hosting_order_id, {}).get(phone)
                if previous is None:
                    continue
                osr, platform, campaign, carriers, hosting = states
                p_osr, p_platform, p_campaign, p_carriers, p_hosting = previous
                assert moved_forward(p_osr, osr) and moved_forward(p_platform, platform)
                assert moved_forward(p_campaign, campaign) and moved_forward(p_hosting, hosting)
                assert all(moved_forward(a, b) for a, b in zip(p_carriers, carriers))
            self.last_order_states[order.hosting_order_id] = order.state
            self.last_steps[order.hosting_order_id] = current

    @invariant()
    def steps_run_in_order(self) -> None:
        for order in self.orders():
            for number in order.numbers.values():
                osr, platform, campaign = (number.osr_update.state, number.platform_provisioning.state,
                                           number.campaign_provisioning.state)
                carriers = {c.state for c in number.carriers.values()}
                if platform != State.WAITING:
                    assert osr == State.DONE
                if campaign not in (State.WAITING, State.STATE_UNSPECIFIED):
                    assert platform == State.DONE
                assert (campaign == State.STATE_UNSPECIFIED) == (not order.campaign_id)
                last = campaign if order.campaign_id else platform
                if carriers != {State.WAITING}:
                    assert last == State.DONE
                if number.hosting == State.DONE:
                    assert carriers <= {State.DONE, State.FAILED}
                    assert self.world.imported_numbers.is_imported(PROJECT, number.phone_number)
                if number.hosting == State.FAILED:
                    assert State.FAILED in (osr, platform, campaign)
                if order.state in (O.SUBMITTED, O.WAITING_FOR_LOA_SIGNATURE):
                    assert (osr, number.hosting) == (State.WAITING, State.WAITING)

    @invariant()
    def orders_end_as_documented(self) -> None:
        for order in self.orders():
            hosting = {n.hosting for n in order.numbers.values()}
            if order.state is O.COMPLETED:
                assert State.DONE in hosting and hosting <= set(FINAL_STEPS)
            elif order.state is O.REJECTED:
                declined = order.text_enable_info is not None and order.text_enable_info.status == LoaStatus.DECLINED
                assert declined or hosting == {State.FAILED}
            else:
                assert not hosting <= set(FINAL_STEPS)

    @invariant()
    def qualified_numbers_follow_their_order(self) -> None:
        for order in self.orders():
            if order.type != HostingOrderType.TEXT_ENABLE:
                continue
            for phone, number in order.numbers.items():
                qualified = self.project.qualified_numbers[phone]
                if qualified.hosting_order_id != order.hosting_order_id:
                    continue  # a later order took the number over
                if order.running and not number.finished:
                    assert qualified.state is Q.HOSTING_IN_PROGRESS
                elif number.hosting == State.DONE:
                    assert (qualified.state, qualified.hosted_number.status) == (Q.HOSTING_DONE, 1)
                elif number.hosting == State.FAILED:
                    assert (qualified.state, qualified.hosted_number.status) == (Q.HOSTING_FAILED, 2)
                elif order.state is O.REJECTED:
                    assert qualified.state is Q.VERIFIED

    @invariant()
    def one_hosting_process_event_per_finished_number(self) -> None:
        finished = Counter(p for o in self.orders() for p, n in o.numbers.items() if n.finished)
        events = Counter(e.resource_id for e in self.world.events.events if e.event_type == EventType.HOSTING_PROCESS)
        assert finished == events


HostingOrdersMachine.TestCase.settings = settings(
    max_examples=50, stateful_step_count=25, deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)
TestHostingOrdersMachine = HostingOrdersMachine.TestCase
