"""Random walks through the qualified-number lifecycle, checked against a small model.

Hypothesis drives add, send, verify (right and wrong codes), clock moves, invoice approval and
rejection, delete, and the hosting interface. After every step the mock must agree with the
model on every number's state, detail objects, `updatedTime` and voice challenge, every state
change must be an edge of the state machine, and every answer code must be the one the model
predicts.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Callable, Iterable
from unittest import mock

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, precondition, rule

from mock_server.core.clock import Clock
from mock_server.core.errors import ApiError
from mock_server.core.rng import Rng
from mock_server.domain.provisioning import State
from mock_server.domain.qualified_numbers import service as service_module
from mock_server.domain.qualified_numbers.lifecycle import move
from mock_server.domain.qualified_numbers.model import GlobalProcessState as S
from mock_server.domain.qualified_numbers.model import QualifiedNumber
from mock_server.domain.qualified_numbers.requests import AddNumbersRequest
from mock_server.domain.world import World
from mock_server.serializers.qualified_numbers import qualified_number_json
from mock_server.spec import spec_document
from tests.conftest import START
from tests.qualified_support import wrong_code
from tests.spec_schema import assert_matches
from tests.engine_support import advance

PROJECT = "p1"
PHONES = ("+12025550134", "+16135550123", "+12025550100")
NOT_ELIGIBLE = {"+12025550100"}  # the magic 555-0100
ELIGIBILITY, TTL, RESEND, ATTEMPTS, REVIEW = 60, 600, 60, 3, 86400
SPEC_STATES = set(spec_document()["components"]["schemas"]["QualifiedNumber"]["properties"]
                  ["globalProcessState"]["enum"])

phones = st.sampled_from(PHONES)

# The model's own view of the rules, written down apart from the implementation's tables.
OPEN_FOR_VERIFICATION = {S.ELIGIBLE, S.VERIFICATION_PENDING, S.VERIFICATION_FAILED}
ALLOWED = {
    (S.ELIGIBLE_CHECK_PENDING, S.ELIGIBLE), (S.ELIGIBLE_CHECK_PENDING, S.NOT_ELIGIBLE),
    *((a, S.VERIFICATION_PENDING) for a in OPEN_FOR_VERIFICATION),
    *((a, S.VERIFIED) for a in OPEN_FOR_VERIFICATION),
    *((a, S.VERIFICATION_FAILED) for a in OPEN_FOR_VERIFICATION),
    (S.VERIFICATION_PENDING, S.VERIFICATION_BLOCKED),
    (S.VERIFIED, S.HOSTING_IN_PROGRESS), (S.HOSTING_IN_PROGRESS, S.HOSTING_DONE),
    (S.HOSTING_IN_PROGRESS, S.HOSTING_FAILED), (S.HOSTING_IN_PROGRESS, S.VERIFIED),
}
# state -> (osrEligibility.status, ownershipVerification.status, hostedNumber.status)
DETAILS = {
    S.ELIGIBLE_CHECK_PENDING: (State.IN_PROGRESS, State.WAITING, 0),
    S.ELIGIBLE: (State.DONE, State.WAITING, 0),
    S.NOT_ELIGIBLE: (State.FAILED, State.WAITING, 0),
    S.VERIFICATION_PENDING: (State.DONE, State.IN_PROGRESS, 0),
    S.VERIFICATION_FAILED: (State.DONE, State.FAILED, 0),
    S.VERIFICATION_BLOCKED: (State.DONE, State.FAILED, 0),
    S.VERIFIED: (State.DONE, State.DONE, 0),
    S.HOSTING_IN_PROGRESS: (State.DONE, State.DONE, 0),
    S.HOSTING_DONE: (State.DONE, State.DONE, 1),
    S.HOSTING_FAILED: (State.DONE, State.DONE, 2),
}
OK = (200, "OK")
PRECONDITION = (400, "FAILED_PRECONDITION")
NOT_FOUND = (404, "NOT_FOUND")


@dataclass
class Expected:
    state: S
    updated: datetime
    eligible_at: datetime
    sent_at: datetime | None = None
    expires_at: datetime | None = None
    code: str | None = None
    attempts_left: int = 0
    hosting_order: bool = False
    submit_at: datetime | None = None  # when the invoices reach the review
    review_at: datetime | None = None  # when the invoice review ends by itself
    expiry_due: bool = False  # the voice code's expiry has not happened yet


class QualifiedNumbersMachine(RuleBasedStateMachine):
    def __init__(self) -> None:
        super().__init__()
        self.world = World(clock=Clock(start=START, frozen=True), rng=Rng(7))
        self.service = self.world.qualified_numbers
        self.model: dict[str, Expected] = {}
        self.submission: float | None = None
        self.seen: dict[str, S] = {}  # the mock's states after the previous step
        self.moves: list[tuple[str, S, S]] = []  # every transition the mock made in this step
        self._spy = mock.patch.object(service_module, "move", self._recording_move)
        self._spy.start()

    def teardown(self) -> None:
        self._spy.stop()

    def _recording_move(self, number: QualifiedNumber, to: S, now: datetime, *, error: str = "") -> None:
        assert now >= number.updated_time, "updatedTime must not go back"
        self.moves.append((number.phone_number, number.state, to))
        move(number, to, now, error=error)

    # --- helpers --------------------------------------------------------------------------------
    @property
    def now(self) -> datetime:
        return self.world.clock.now()

    def answer(self, call: Callable[[], object]) -> tuple[int, str]:
        """Run one operation as the HTTP layer does; its status as (HTTP code, status name)."""
        try:
            with self.world.transaction():
                call()
        except ApiError as error:
            return error.http_status, error.status
        return OK

    def some_in(self, *states: S) -> bool:
        return any(n.state in states for n in self.model.values())

    def pick(self, data: st.DataObject, fitting: Iterable[S]) -> str:
        """Mostly a number in a state the operation applies to; otherwise any number the project
        holds, or any number at all (for the refusals)."""
        fitting = set(fitting)
        held = sorted(self.model)
        candidates = [p for p in held if self.model[p].state in fitting]
        choice = data.draw(st.integers(0, 3), label="which")
        if choice >= 2 and candidates:
            return data.draw(st.sampled_from(candidates), label="phone")
        if choice == 1 and held:
            return data.draw(st.sampled_from(held), label="phone")
        return data.draw(phones, label="phone")

    # --- rules ----------------------------------------------------------------------------------
    @initialize(submission=st.sampled_from([None, 0, 120, 900]), checked=st.booleans())
    def start(self, submission: float | None, checked: bool) -> None:
        """Every example starts with the numbers added, often with their eligibility checked (so
        that the deeper states are reached in 30 steps); the invoices reach the review at once,
        after a while, or never (ownership by voice and the control plane only)."""
        self.submission = submission
        self.world.settings.timings.invoice_submission = submission
        self.world.settings.timings.invoice_review = REVIEW
        self.add(list(PHONES))
        if checked:
            self.advance_clock(ELIGIBILITY)

    @precondition(lambda self: len(self.model) < len(PHONES))  # once some number was deleted
    @rule(batch=st.lists(phones, min_size=1, max_size=3))
    def add(self, batch: list[str]) -> None:
        if len(set(batch)) < len(batch):
            expected = (400, "INVALID_ARGUMENT")
        elif any(p in self.model for p in batch):
            expected = (409, "ALREADY_EXISTS")
        else:
            expected = OK
            for phone in batch:
                self.model[phone] = Expected(S.ELIGIBLE_CHECK_PENDING, self.now,
                                             self.now + timedelta(seconds=ELIGIBILITY))
        assert self.answer(lambda: self.service.add_numbers(PROJECT, AddNumbersRequest(batch))) == expected

    @precondition(lambda self: self.some_in(*OPEN_FOR_VERIFICATION))
    @rule(data=st.data())
    def send_voice_challenge(self, data: st.DataObject) -> None:
        phone = self.pick(data, OPEN_FOR_VERIFICATION)
        number = self.model.get(phone)
        if number is None:
            expected = NOT_FOUND
        elif number.state not in OPEN_FOR_VERIFICATION:
            expected = PRECONDITION
        elif number.sent_at is not None and self.now < number.sent_at + timedelta(seconds=RESEND):
            expected = (429, "RESOURCE_EXHAUSTED")
        else:
            expected = OK
        assert self.answer(lambda: self.service.send_voice_challenge(PROJECT, phone)) == expected
        if expected == OK:
            assert number is not None
            number.state, number.updated = S.VERIFICATION_PENDING, self.now
            number.sent_at, number.expires_at = self.now, self.now + timedelta(seconds=TTL)
            number.code = self.service.voice_challenge(PROJECT, phone).code
            number.attempts_left, number.expiry_due = ATTEMPTS, True

    @precondition(lambda self: self.some_in(S.VERIFICATION_PENDING))
    @rule(data=st.data())
    def verify_right_code(self, data: st.DataObject) -> None:
        phone = self.pick(data, [S.VERIFICATION_PENDING])
        number = self.model.get(phone)
        code = number.code if number and number.code else "0000"
        if number is None:
            expected = NOT_FOUND
        elif not self.code_is_live(number):
            expected = PRECONDITION
        else:
            expected = OK
            number.state, number.updated, number.expiry_due = S.VERIFIED, self.now, False
            number.submit_at = number.review_at = None
        assert self.answer(lambda: self.service.verify_voice_challenge(PROJECT, phone, code)) == expected

    @precondition(lambda self: self.some_in(S.VERIFICATION_PENDING))
    @rule(data=st.data(), times=st.integers(1, ATTEMPTS))
    def verify_wrong_codes(self, data: st.DataObject, times: int) -> None:
        """One to three wrong codes in a row (so that blocking is reached often)."""
        phone = self.pick(data, [S.VERIFICATION_PENDING])
        for _ in range(times):
            number = self.model.get(phone)
            code = wrong_code(number.code if number and number.code else "0000")
            if number is None:
                expected = NOT_FOUND
            elif not self.code_is_live(number):
                expected = PRECONDITION
            else:
                expected = (400, "INVALID_ARGUMENT")
                number.attempts_left -= 1
                if number.attempts_left == 0:
                    number.state, number.updated, number.expiry_due = S.VERIFICATION_BLOCKED, self.now, False
                    number.submit_at = number.review_at = None
            assert self.answer(lambda: self.service.verify_voice_challenge(PROJECT, phone, code)) == expected

    def code_is_live(self, number: Expected) -> bool:
        """A voice code may be checked: pending, sent, and not expired."""
        return (number.state is S.VERIFICATION_PENDING and number.expires_at is not None
                and self.now < number.expires_at)

    @rule(seconds=st.sampled_from([1, 30, 59, 60, 61, 599, 600, 3600, REVIEW]))
    def advance_clock(self, seconds: int) -> None:
        advance(self.world, seconds)
        for phone, number in self.model.items():
            self.play_timed_steps(phone, number)

    def play_timed_steps(self, phone: str, number: Expected) -> None:
        """What the eligibility check, the code expiry and the invoice review do by now, in order."""
        while True:
            due = []
            if number.state is S.ELIGIBLE_CHECK_PENDING:
                due.append((number.eligible_at, "eligibility"))
            if number.state is S.VERIFICATION_PENDING and number.expiry_due:
                assert number.expires_at is not None
                due.append((number.expires_at, "expiry"))
            if number.submit_at and number.state in OPEN_FOR_VERIFICATION:
                due.append((number.submit_at, "submission"))
            if number.review_at and number.state in OPEN_FOR_VERIFICATION:
                due.append((number.review_at, "review"))
            due = [step for step in due if step[0] <= self.now]
            if not due:
                return
            at, step = min(due)
            if step != "submission" or number.state is not S.VERIFICATION_PENDING:
                number.updated = at  # (invoices reaching a number pending a voice code change nothing)
            if step == "eligibility" and phone in NOT_ELIGIBLE:
                number.state = S.NOT_ELIGIBLE
            elif step == "eligibility":
                number.state = S.ELIGIBLE
                if self.submission is not None:
                    number.submit_at = at + timedelta(seconds=self.submission)
            elif step == "expiry":
                number.state, number.expiry_due = S.VERIFICATION_FAILED, False
            elif step == "submission":
                number.state, number.submit_at = S.VERIFICATION_PENDING, None
                number.review_at = at + timedelta(seconds=REVIEW)
            else:
                number.state, number.review_at, number.expiry_due = S.VERIFIED, None, False

    @precondition(lambda self: self.some_in(*OPEN_FOR_VERIFICATION))
    @rule(data=st.data(), approve=st.booleans())
    def review_invoices(self, data: st.DataObject, approve: bool) -> None:
        phone = self.pick(data, OPEN_FOR_VERIFICATION)
        number = self.model.get(phone)
        if number is None:
            expected = NOT_FOUND
        elif number.state not in OPEN_FOR_VERIFICATION:
            expected = PRECONDITION
        else:
            expected = OK
            number.state = S.VERIFIED if approve else S.VERIFICATION_FAILED
            number.updated, number.submit_at, number.review_at, number.expiry_due = self.now, None, None, False
        review = self.service.approve_invoices if approve else self.service.reject_invoices
        assert self.answer(lambda: review(PROJECT, phone)) == expected

    @rule(data=st.data())
    def delete(self, data: st.DataObject) -> None:
        phone = self.pick(data, list(S))
        number = self.model.get(phone)
        if number is None:
            expected = NOT_FOUND
        elif number.hosting_order or number.state is S.HOSTING_IN_PROGRESS:
            expected = PRECONDITION
        else:
            expected = OK
            del self.model[phone]
        assert self.answer(lambda: self.service.delete(PROJECT, phone)) == expected

    @precondition(lambda self: self.some_in(S.VERIFIED))
    @rule(data=st.data())
    def text_enable(self, data: st.DataObject) -> None:
        """A text-enable order takes a VERIFIED number (its own rule; here only when it may)."""
        phone = self.pick(data, [S.VERIFIED])
        number = self.model.get(phone)
        if number is None or number.state is not S.VERIFIED:
            return
        with self.world.transaction():
            self.service.begin_hosting(PROJECT, [phone], "order-1")
            self.world.project(PROJECT).running_order_by_number[phone] = "order-1"
        number.state, number.updated, number.hosting_order = S.HOSTING_IN_PROGRESS, self.now, True

    @precondition(lambda self: self.some_in(S.HOSTING_IN_PROGRESS))
    @rule(data=st.data(), outcome=st.sampled_from(["done", "failed", "rejected"]))
    def finish_hosting(self, data: st.DataObject, outcome: str) -> None:
        phone = self.pick(data, [S.HOSTING_IN_PROGRESS])
        number = self.model.get(phone)
        if number is None or number.state is not S.HOSTING_IN_PROGRESS:
            return
        with self.world.transaction():
            if outcome == "rejected":
                self.service.release_from_hosting(PROJECT, [phone])
            else:
                self.service.finish_hosting(PROJECT, phone, outcome == "done", "carrier said no")
            del self.world.project(PROJECT).running_order_by_number[phone]
        number.state = {"done": S.HOSTING_DONE, "failed": S.HOSTING_FAILED, "rejected": S.VERIFIED}[outcome]
        number.updated, number.hosting_order = self.now, False

    # --- checks after every step ----------------------------------------------------------------
    @invariant()
    def the_mock_agrees_with_the_model(self) -> None:
        project = self.world.projects.get(PROJECT)
        actual = project.qualified_numbers if project else {}
        assert set(actual) == set(self.model)
        for phone, expected in self.model.items():
            number = actual[phone]
            assert number.state is expected.state, (phone, number.state, expected.state)
            assert number.updated_time == expected.updated, (phone, number.updated_time, expected.updated)
            if expected.code is not None:  # a voice challenge was sent: the mock keeps the last one
                challenge = number.voice_challenge
                assert challenge is not None and challenge.code == expected.code
                assert challenge.attempts_left == expected.attempts_left
                assert challenge.expires_at == expected.expires_at

    @invariant()
    def every_number_is_in_a_state_the_spec_allows_with_consistent_details(self) -> None:
        project = self.world.projects.get(PROJECT)
        for number in (project.qualified_numbers.values() if project else []):
            assert number.state.value in SPEC_STATES and number.state is not S.UNSPECIFIED
            osr, ownership, hosted = DETAILS[number.state]
            assert (number.osr_eligibility.status, number.ownership_verification.status) == (osr, ownership)
            assert number.hosted_number.status == hosted
            assert bool(number.hosted_number.error) == (hosted == 2)
            assert bool(number.osr_eligibility.error) == (osr is State.FAILED)
            assert bool(number.ownership_verification.error) == (ownership is State.FAILED)
            assert number.created_time <= number.updated_time <= self.now
            assert_matches(qualified_number_json(number), "QualifiedNumber")

    @invariant()
    def no_transition_skipped_its_preconditions(self) -> None:
        """Each number went from its last state to its current one by edges of the machine only."""
        project = self.world.projects.get(PROJECT)
        current = {p: n.state for p, n in (project.qualified_numbers.items() if project else [])}
        for phone, state in current.items():
            chain = [(a, b) for p, a, b in self.moves if p == phone]
            start = self.seen.get(phone, S.ELIGIBLE_CHECK_PENDING)  # a new number starts there
            for a, b in chain:
                assert a is start and (a, b) in ALLOWED, (phone, start, a, b)
                start = b
            assert start is state, (phone, start, state)
        self.seen, self.moves = current, []

    @invariant()
    def qualified_numbers_send_no_callbacks(self) -> None:
        assert self.world.events.events == []


QualifiedNumbersMachine.TestCase.settings = settings(
    max_examples=50, stateful_step_count=30, deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)
TestQualifiedNumbersMachine = QualifiedNumbersMachine.TestCase
