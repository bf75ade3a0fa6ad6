"""The `globalProcessState` machine of a qualified number: which state may follow which.

Every change of state goes through `move`, which refuses an edge that is not in `EDGES` (an
`IllegalTransition`: a bug, never a client error; the gate is `provisioning.enter`, shared with
the hosting-order machines), keeps the detail objects (`osrEligibility`,
`ownershipVerification`, `hostedNumber`) in step with the state, and moves `updatedTime`.
docs/qualified-numbers.md draws the same diagram.
"""

from __future__ import annotations

from datetime import datetime

from mock_server.domain.provisioning import IllegalTransition  # noqa: F401  (raised by the gate)
from mock_server.domain.provisioning import State, enter
from mock_server.domain.qualified_numbers.model import (
    GlobalProcessState,
    HostedNumberDetail,
    QualifiedNumber,
    StepDetail,
)

S = GlobalProcessState

# States from which ownership may still be proven (by voice or by invoices).
OPEN_FOR_VERIFICATION = frozenset({S.ELIGIBLE, S.VERIFICATION_PENDING, S.VERIFICATION_FAILED})
VOICE_SEND_FROM = OPEN_FOR_VERIFICATION
INVOICE_REVIEW_FROM = OPEN_FOR_VERIFICATION

# (from, to) -> what causes it. A number is created in ELIGIBLE_CHECK_PENDING and may be deleted
# in any state but HOSTING_IN_PROGRESS (and not while a running hosting order holds it).
EDGES: dict[tuple[S, S], str] = {
    (S.ELIGIBLE_CHECK_PENDING, S.ELIGIBLE): "eligibility check passes",
    (S.ELIGIBLE_CHECK_PENDING, S.NOT_ELIGIBLE): "eligibility check fails",
    (S.ELIGIBLE, S.VERIFICATION_PENDING): "sendVoiceChallenge, or the invoices reach the review",
    (S.VERIFICATION_FAILED, S.VERIFICATION_PENDING): "sendVoiceChallenge, or the invoices reach the review",
    (S.VERIFICATION_PENDING, S.VERIFICATION_PENDING): "sendVoiceChallenge (a new code replaces the old)",
    (S.VERIFICATION_PENDING, S.VERIFIED): "verifyVoiceChallenge with the right code, approveInvoices, "
                                          "or the invoice review approves",
    (S.VERIFICATION_PENDING, S.VERIFICATION_BLOCKED): "the last allowed wrong code",
    (S.VERIFICATION_PENDING, S.VERIFICATION_FAILED): "the code expires, rejectInvoices, or the invoice review rejects",
    (S.ELIGIBLE, S.VERIFIED): "approveInvoices",
    (S.VERIFICATION_FAILED, S.VERIFIED): "approveInvoices, or the invoice review approves",
    (S.ELIGIBLE, S.VERIFICATION_FAILED): "rejectInvoices",
    (S.VERIFICATION_FAILED, S.VERIFICATION_FAILED): "rejectInvoices, or the invoice review rejects",
    (S.VERIFIED, S.HOSTING_IN_PROGRESS): "a text-enable hosting order takes the number",
    (S.HOSTING_IN_PROGRESS, S.HOSTING_DONE): "the hosting order completes the number",
    (S.HOSTING_IN_PROGRESS, S.HOSTING_FAILED): "the hosting order fails the number",
    (S.HOSTING_IN_PROGRESS, S.VERIFIED): "the hosting order is rejected",
}

# What the detail objects say in each state: (osrEligibility.status, ownershipVerification.status).
DETAILS: dict[S, tuple[State, State]] = {
    S.ELIGIBLE_CHECK_PENDING: (State.IN_PROGRESS, State.WAITING),
    S.ELIGIBLE: (State.DONE, State.WAITING),
    S.NOT_ELIGIBLE: (State.FAILED, State.WAITING),
    S.VERIFICATION_PENDING: (State.DONE, State.IN_PROGRESS),
    S.VERIFICATION_FAILED: (State.DONE, State.FAILED),
    S.VERIFICATION_BLOCKED: (State.DONE, State.FAILED),
    S.VERIFIED: (State.DONE, State.DONE),
    S.HOSTING_IN_PROGRESS: (State.DONE, State.DONE),
    S.HOSTING_DONE: (State.DONE, State.DONE),
    S.HOSTING_FAILED: (State.DONE, State.DONE),
}

HOSTED_STATUS = {S.HOSTING_DONE: 1, S.HOSTING_FAILED: 2}  # every other state: 0

# Why an operation that needs another state is refused, said of a number in this state.
WHY_NOT: dict[S, str] = {
    S.ELIGIBLE_CHECK_PENDING: "its eligibility check is still pending",
    S.ELIGIBLE: "no voice challenge has been sent to it",
    S.NOT_ELIGIBLE: "it is not eligible for hosting",
    S.VERIFICATION_PENDING: "its ownership verification is pending (a voice challenge or the invoice review)",
    S.VERIFICATION_FAILED: "its ownership verification failed",
    S.VERIFICATION_BLOCKED: "its ownership verification is blocked after too many wrong voice codes",
    S.VERIFIED: "its ownership is verified already",
    S.HOSTING_IN_PROGRESS: "a hosting order is hosting it",
    S.HOSTING_DONE: "it is hosted already",
    S.HOSTING_FAILED: "its ownership is verified already (its hosting failed)",
}


def move(number: QualifiedNumber, to: S, now: datetime, *, error: str = "") -> None:
    """Put `number` in state `to`; `error` is the text of the step that failed, if one did."""
    enter(number, "state", EDGES, to, number.phone_number)
    osr, ownership = DETAILS[to]
    number.osr_eligibility = StepDetail(status=osr, error=error if osr is State.FAILED else "")
    number.ownership_verification = StepDetail(status=ownership, error=error if ownership is State.FAILED else "")
    number.hosted_number = HostedNumberDetail(status=HOSTED_STATUS.get(to, 0), error=error if to is S.HOSTING_FAILED else "")
    number.updated_time = now


def reason(number: QualifiedNumber) -> str:
    """Why `number` cannot take an operation meant for another state, in words."""
    why = WHY_NOT.get(number.state, "its state does not allow it")
    # `move` leaves an error text only on the step that failed, so at most one of these is set.
    detail = number.osr_eligibility.error or number.ownership_verification.error or number.hosted_number.error
    return f"{why}: {detail}" if detail else why
