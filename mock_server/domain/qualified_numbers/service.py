"""Rules and lifecycle of qualified numbers: eligibility, ownership (voice or invoices), hosting.

Every operation checks everything before it writes anything. Two answers are errors that do
change state on purpose: a wrong voice code uses up an attempt (the last one blocks the number),
and an expired one fails the verification. Timed steps are scheduler jobs (see `JOB_KINDS`).
Qualified numbers send no callbacks: the spec's `CallbackPayload` has no resource type for them
(docs/errata.md, E-QN-3).
"""

from __future__ import annotations

import hmac
import math
import re
from collections import Counter
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Callable, Collection, Mapping

from mock_server.core.errors import ApiError, FieldViolation, already_exists, failed_precondition, field_error
from mock_server.core.errors import invalid_argument, not_found, resource_exhausted
from mock_server.core.paging import Page
from mock_server.core.phone import check_region_code, parse_e164
from mock_server.core.rng import Purpose
from mock_server.core.scheduler import Job
from mock_server.core.timefmt import rfc3339
from mock_server.domain.hosting_orders.holding import held_by_running_order
from mock_server.domain.qualified_numbers.lifecycle import (
    INVOICE_REVIEW_FROM,
    VOICE_SEND_FROM,
    move,
    reason,
)
from mock_server.domain.qualified_numbers.model import (
    GlobalProcessState,
    QualifiedNumber,
    VoiceChallenge,
)
from mock_server.domain.qualified_numbers.queries import page_of
from mock_server.domain.qualified_numbers.requests import AddNumbersRequest, ListNumbersRequest

if TYPE_CHECKING:
    from mock_server.domain.world import World

S = GlobalProcessState

ELIGIBILITY_CHECK = "qualified_number.eligibility_check"
VOICE_CODE_EXPIRY = "qualified_number.voice_code_expiry"
INVOICE_SUBMISSION = "qualified_number.invoice_submission"
INVOICE_REVIEW = "qualified_number.invoice_review"
REVIEW_JOBS = (INVOICE_SUBMISSION, INVOICE_REVIEW)
JOB_KINDS = (ELIGIBILITY_CHECK, VOICE_CODE_EXPIRY, *REVIEW_JOBS)

VOICE_CODE_LENGTH = 4  # the length of the spec's example code, "1234"
_VOICE_CODE = re.compile(rf"^[0-9]{{{VOICE_CODE_LENGTH}}}$")
DEFAULT_REGION = "US"  # for numbers phonenumbers cannot place (docs/errata.md, E-QN-1)
INVOICES_REJECTED = "The invoices did not prove ownership of the number"


class QualifiedNumberService:
    def __init__(self, world: "World") -> None:
        self.world = world
        world.scheduler.register(ELIGIBILITY_CHECK, self._on_eligibility_checked)
        world.scheduler.register(VOICE_CODE_EXPIRY, self._on_voice_code_expired)
        world.scheduler.register(INVOICE_SUBMISSION, self._on_invoices_submitted)
        world.scheduler.register(INVOICE_REVIEW, self._on_invoices_reviewed)

    # --- reading ------------------------------------------------------------------------------
    def get(self, project_id: str, phone: str) -> QualifiedNumber:
        """The number; a 404 when the project has none such (the project is not created)."""
        project = self.world.projects.get(project_id)
        if project is None or phone not in project.qualified_numbers:
            raise not_found(f"The qualified number {phone} could not be found")
        return project.qualified_numbers[phone]

    def list_numbers(self, project_id: str, request: ListNumbersRequest) -> Page[QualifiedNumber]:
        """`GET qualifiedNumbers`: one page; its token works only for this project and filter."""
        project = self.world.projects.get(project_id)
        return page_of(project.qualified_numbers if project else None, request, project_id=project_id)

    def voice_challenge(self, project_id: str, phone: str) -> VoiceChallenge:
        """The code last "spoken" to the number (control plane)."""
        challenge = self.get(project_id, phone).voice_challenge
        if challenge is None:
            raise not_found(f"No voice challenge has been sent to the qualified number {phone}")
        return challenge

    # --- qualifying -----------------------------------------------------------------------------
    def add_numbers(self, project_id: str, request: AddNumbersRequest) -> list[QualifiedNumber]:
        """`:addNumbers`: all numbers are created, or (on any refusal) none."""
        phones = self._new_phones(project_id, request.phone_numbers)
        now = self.world.clock.now()
        project = self.world.project(project_id)
        created = []
        for phone, region in phones:
            number = QualifiedNumber(phone_number=phone, project_id=project_id, region_code=region,
                                     created_time=now, updated_time=now)
            project.qualified_numbers[phone] = number
            self.world.scheduler.schedule(ELIGIBILITY_CHECK, project_id, phoneNumber=phone,
                                          delay=self.world.settings.timings.eligibility_check)
            created.append(number)
        return created

    def _new_phones(self, project_id: str, raw: list[str]) -> list[tuple[str, str]]:
        """The request's numbers with their regions, once every rule of `:addNumbers` holds."""
        limit = self.world.settings.limits.qualify_batch_numbers
        if not raw:
            raise field_error("phoneNumbers", "must hold at least one number")
        if len(raw) > limit:
            raise field_error("phoneNumbers", f"holds {len(raw)} numbers; at most {limit} may be added at once")
        parsed, violations = [], []
        for index, item in enumerate(raw):
            try:
                parsed.append(parse_e164(item, f"phoneNumbers[{index}]"))
            except ApiError as error:
                violations.extend(error.violations)
        if violations:
            raise invalid_argument(f"Invalid phoneNumbers: {', '.join(v.field for v in violations)}", *violations)
        phones = [p.e164 for p in parsed]
        repeated = sorted(p for p, count in Counter(phones).items() if count > 1)
        if repeated:
            raise invalid_argument(
                f"The request names these numbers more than once: {', '.join(repeated)}",
                *(FieldViolation("phoneNumbers", f"{p} is given more than once") for p in repeated))
        project = self.world.projects.get(project_id)
        existing = [p for p in phones if project and p in project.qualified_numbers]
        if existing:
            raise already_exists(
                f"Already qualified numbers in project {project_id}: {', '.join(existing)}",
                *(FieldViolation("phoneNumbers", f"{p} is a qualified number already") for p in existing))
        return [(p.e164, p.known_region or DEFAULT_REGION) for p in parsed]

    def delete(self, project_id: str, phone: str) -> None:
        number = self.get(project_id, phone)
        project = self.world.project(project_id)
        held = held_by_running_order(project, phone)
        if held:
            raise failed_precondition(f"{held}; delete it once the order is completed or rejected")
        if number.state is S.HOSTING_IN_PROGRESS:
            raise failed_precondition(f"The qualified number {phone} cannot be deleted: {reason(number)}")
        del project.qualified_numbers[phone]
        self._cancel_jobs(project_id, phone, JOB_KINDS)

    # --- ownership by voice ---------------------------------------------------------------------
    def send_voice_challenge(self, project_id: str, phone: str) -> QualifiedNumber:
        number = self.get(project_id, phone)
        if number.state not in VOICE_SEND_FROM:
            raise failed_precondition(f"Cannot send a voice challenge to {phone}: {reason(number)}")
        now = self.world.clock.now()
        timings = self.world.settings.timings
        last = number.voice_challenge
        if last is not None:
            allowed_at = last.sent_at + timedelta(seconds=timings.voice_resend_interval)
            if now < allowed_at:
                wait = math.ceil((allowed_at - now).total_seconds())
                raise resource_exhausted(
                    f"A voice challenge was sent to {phone} at {rfc3339(last.sent_at)}; "
                    f"the next one may be sent from {rfc3339(allowed_at)}", wait)
        code = self.world.rng.stream(Purpose.VOICE_CODES, project_id).digits(VOICE_CODE_LENGTH)
        challenge = VoiceChallenge(code=code, sent_at=now,
                                   expires_at=now + timedelta(seconds=timings.voice_code_ttl),
                                   attempts_left=self.world.settings.limits.voice_attempts)
        self._cancel_jobs(project_id, phone, (VOICE_CODE_EXPIRY,))
        number.voice_challenge = challenge
        move(number, S.VERIFICATION_PENDING, now)
        self.world.scheduler.schedule(VOICE_CODE_EXPIRY, project_id, at=challenge.expires_at,
                                      phoneNumber=phone, expiresAt=challenge.expires_at.isoformat())
        return number

    def verify_voice_challenge(self, project_id: str, phone: str, code: object) -> QualifiedNumber:
        """The right code verifies; a wrong one uses up an attempt; an expired one fails."""
        if not isinstance(code, str) or not _VOICE_CODE.match(code):
            raise field_error("code", f"must be the {VOICE_CODE_LENGTH}-digit code of the voice call")
        number = self.get(project_id, phone)
        challenge = number.voice_challenge
        now = self.world.clock.now()
        expired = challenge is not None and now >= challenge.expires_at
        if number.state is S.VERIFICATION_PENDING and expired and number.updated_time < challenge.expires_at:
            self._expire(number)  # its expiry job has not run yet
        if number.state is not S.VERIFICATION_PENDING or challenge is None or expired:
            # (pending with an expired code: the invoices are under review meanwhile)
            why = f"the voice code expired at {rfc3339(challenge.expires_at)}" if expired and challenge \
                and number.state is S.VERIFICATION_PENDING else reason(number)
            hint = "; send a new voice challenge" if number.state is S.VERIFICATION_FAILED or expired else ""
            raise failed_precondition(f"Cannot verify a voice code for {phone}: {why}{hint}")
        if not hmac.compare_digest(code, challenge.code):
            raise self._wrong_code(number, challenge, now)
        self._cancel_jobs(project_id, phone, (VOICE_CODE_EXPIRY, *REVIEW_JOBS))
        move(number, S.VERIFIED, now)
        return number

    def _wrong_code(self, number: QualifiedNumber, challenge: VoiceChallenge, now: datetime) -> ApiError:
        """Use up one attempt (the last one blocks the number); the error to answer."""
        challenge.attempts_left -= 1
        if challenge.attempts_left > 0:
            return invalid_argument(
                f"The code is wrong; {challenge.attempts_left} attempt(s) left",
                FieldViolation("code", f"is not the code of the last voice call; "
                                       f"{challenge.attempts_left} attempt(s) left"))
        limit = self.world.settings.limits.voice_attempts
        self._cancel_jobs(number.project_id, number.phone_number, (VOICE_CODE_EXPIRY, *REVIEW_JOBS))
        move(number, S.VERIFICATION_BLOCKED, now, error=f"{limit} wrong voice codes were entered")
        return invalid_argument(
            f"The code is wrong and no attempts are left: {number.phone_number} is now blocked",
            FieldViolation("code", "is not the code of the last voice call; 0 attempts left"))

    def _expire(self, number: QualifiedNumber) -> None:
        assert number.voice_challenge is not None
        expires_at = number.voice_challenge.expires_at
        self._cancel_jobs(number.project_id, number.phone_number, (VOICE_CODE_EXPIRY,))
        move(number, S.VERIFICATION_FAILED, expires_at,
             error=f"The voice code expired at {rfc3339(expires_at)}")

    # --- ownership by invoices -------------------------------------------------------------------
    # The invoices reach the review `timings.invoice_submission` after the number becomes
    # eligible (the client e-mails them; the mock cannot receive mail). The number is then
    # VERIFICATION_PENDING until the review ends by itself `timings.invoice_review` later
    # (approved, unless the number's outcome rejects it), or at once from the control plane.
    def approve_invoices(self, project_id: str, phone: str) -> QualifiedNumber:
        return self._decide_review(project_id, phone, None)

    def reject_invoices(self, project_id: str, phone: str) -> QualifiedNumber:
        return self._decide_review(project_id, phone, INVOICES_REJECTED)

    def _decide_review(self, project_id: str, phone: str, rejection: str | None) -> QualifiedNumber:
        """The control plane ends the review at once (or decides without one)."""
        number = self.get(project_id, phone)
        if number.state not in INVOICE_REVIEW_FROM:
            verb = "approve" if rejection is None else "reject"
            raise failed_precondition(f"Cannot {verb} the invoices of {phone}: {reason(number)}")
        self._end_review(number, rejection)
        return number

    def _end_review(self, number: QualifiedNumber, rejection: str | None) -> None:
        """The review decides: VERIFIED, or VERIFICATION_FAILED with `rejection`."""
        self._cancel_jobs(number.project_id, number.phone_number, (VOICE_CODE_EXPIRY, *REVIEW_JOBS))
        if rejection is None:
            move(number, S.VERIFIED, self.world.clock.now())
        else:
            move(number, S.VERIFICATION_FAILED, self.world.clock.now(), error=rejection)

    # --- hosting, driven by text-enable hosting orders ----------------------------------------
    def begin_hosting(self, project_id: str, phones: list[str], hosting_order_id: str) -> None:
        """The numbers (validated VERIFIED by the caller) enter a text-enable order."""
        now = self.world.clock.now()
        for phone in phones:
            number = self.get(project_id, phone)
            move(number, S.HOSTING_IN_PROGRESS, now)
            number.hosting_order_id = hosting_order_id

    def finish_hosting(self, project_id: str, phone: str, ok: bool, error: str = "") -> None:
        """HOSTING_DONE (`hostedNumber.status` 1) or HOSTING_FAILED (2, with `error`)."""
        number = self.get(project_id, phone)
        if ok:
            move(number, S.HOSTING_DONE, self.world.clock.now())
        else:
            move(number, S.HOSTING_FAILED, self.world.clock.now(), error=error or "Hosting failed")

    def release_from_hosting(self, project_id: str, phones: list[str]) -> None:
        """The order was rejected: its numbers are VERIFIED again and may be text-enabled anew.

        Numbers not in HOSTING_IN_PROGRESS are left as they are.
        """
        now = self.world.clock.now()
        for phone in phones:
            number = self.get(project_id, phone)
            if number.state is S.HOSTING_IN_PROGRESS:
                move(number, S.VERIFIED, now)

    # --- timed steps ------------------------------------------------------------------------------
    def _on_eligibility_checked(self, job: Job) -> None:
        number = self._job_number(job)
        if number is None or number.state is not S.ELIGIBLE_CHECK_PENDING:
            return
        now = self.world.clock.now()
        error = self.world.outcomes.of(number.project_id).eligibility_error(number.phone_number)
        if error:
            move(number, S.NOT_ELIGIBLE, now, error=error)
            return
        move(number, S.ELIGIBLE, now)
        submission = self.world.settings.timings.invoice_submission
        if submission is not None:
            self.world.scheduler.schedule(INVOICE_SUBMISSION, job.project_id, delay=submission,
                                          phoneNumber=number.phone_number)

    def _on_voice_code_expired(self, job: Job) -> None:
        number = self._job_number(job)
        if number is None or number.state is not S.VERIFICATION_PENDING or number.voice_challenge is None:
            return
        if number.voice_challenge.expires_at == datetime.fromisoformat(job.data["expiresAt"]):
            self._expire(number)

    def _on_invoices_submitted(self, job: Job) -> None:
        """The invoices reach the review: the number is VERIFICATION_PENDING until it ends."""
        number = self._job_number(job)
        if number is None or number.state not in INVOICE_REVIEW_FROM:
            return
        if number.state is not S.VERIFICATION_PENDING:  # under a voice challenge it stays so
            move(number, S.VERIFICATION_PENDING, self.world.clock.now())
        self.world.scheduler.schedule(INVOICE_REVIEW, job.project_id, phoneNumber=number.phone_number,
                                      delay=self.world.settings.timings.invoice_review)

    def _on_invoices_reviewed(self, job: Job) -> None:
        number = self._job_number(job)
        if number is not None and number.state in INVOICE_REVIEW_FROM:
            self._end_review(number, self.world.outcomes.of(number.project_id).invoices_rejection(number.phone_number))

    def _job_number(self, job: Job) -> QualifiedNumber | None:
        project = self.world.projects.get(job.project_id)
        return project.qualified_numbers.get(job.data.get("phoneNumber", "")) if project else None

    def _cancel_jobs(self, project_id: str, phone: str, kinds: tuple[str, ...]) -> None:
        self.world.scheduler.cancel(_jobs_of(project_id, {phone}, kinds))

    # --- scenarios: what the API cannot do ---------------------------------------------------
    # A scenario preloads numbers in a later state by the operations above and these, which the
    # API has no call for: each is named for what it does, and moves a number only along an
    # edge of the state machine (`lifecycle.EDGES`).
    def declare_regions(self, project_id: str, regions: Mapping[str, str]) -> None:
        """Give numbers the region a scenario declares for them. `:addNumbers` takes a number's
        region from the numbering plan (US for one it cannot place, such as a spec example
        number, and for toll-free numbers, shared by US and CA); a scenario may say CA."""
        for phone, region in regions.items():
            number = self.get(project_id, phone)
            if number.region_code != region:
                number.region_code = check_region_code(region)

    def check_eligibility_now(self, project_id: str, phones: Collection[str]) -> int:
        """Run the pending eligibility checks of these numbers now instead of
        `timings.eligibility_check` seconds after they were added; their outcomes decide as
        usual. Returns how many checks ran."""
        return self.world.scheduler.run_early(_jobs_of(project_id, set(phones), (ELIGIBILITY_CHECK,)))

    def fail_eligibility_now(self, project_id: str, errors: Mapping[str, str]) -> None:
        """End the pending eligibility checks of these numbers now, failed with the text given
        for each, whatever their outcomes say (NOT_ELIGIBLE)."""
        now = self.world.clock.now()
        for phone in errors:
            number = self.get(project_id, phone)
            if number.state is not S.ELIGIBLE_CHECK_PENDING:
                raise failed_precondition(f"Cannot end the eligibility check of {phone}: {reason(number)}")
        self.world.scheduler.cancel(_jobs_of(project_id, set(errors), (ELIGIBILITY_CHECK,)))
        for phone, error in errors.items():
            move(self.get(project_id, phone), S.NOT_ELIGIBLE, now, error=error)

    def submit_invoices_now(self, project_id: str, phone: str) -> int:
        """The invoices of an eligible number reach the review now instead of
        `timings.invoice_submission` seconds after it became eligible (VERIFICATION_PENDING
        until the review ends). Returns 0 when no invoices are on their way (that timing is
        null, or the review has begun)."""
        return self.world.scheduler.run_early(_jobs_of(project_id, {phone}, (INVOICE_SUBMISSION,)))

    def use_up_voice_attempts(self, project_id: str, phone: str) -> QualifiedNumber:
        """Every attempt at the pending voice code is used up at once: the number is
        VERIFICATION_BLOCKED exactly as after the last allowed wrong code."""
        number = self.get(project_id, phone)
        challenge = number.voice_challenge
        now = self.world.clock.now()
        if number.state is not S.VERIFICATION_PENDING or challenge is None or now >= challenge.expires_at:
            raise failed_precondition(f"Cannot use up the voice attempts of {phone}: no voice code is pending "
                                      f"({reason(number)})")
        challenge.attempts_left = 1
        self._wrong_code(number, challenge, now)
        return number


def _jobs_of(project_id: str, phones: Collection[str], kinds: tuple[str, ...]) -> Callable[[Job], bool]:
    """Matches the pending jobs of these kinds for these numbers of the project."""
    return lambda job: (job.kind in kinds and job.project_id == project_id
                        and job.data.get("phoneNumber") in phones)

