"""Knobs of the simulation: lifecycle delays, limits and callback behaviour.

Defaults are realistic in shape but short, so a test advances minutes, not days. Scenarios
and start-up configuration change them; docs/scenarios.md lists every one. Every knob has a
finite upper bound (docs/limits.md), so no delay added to an instant of the clock's range
overflows and no setting makes the mock wait forever.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator


MAX_DELAY = 365 * 24 * 3600  # seconds, a year: the clock stops a year short of datetime's end
MAX_BATCH = 10_000  # numbers per request, at most, whatever a limit is set to
MAX_INITIAL_BACKOFF = 3600  # seconds before the first retry of a callback, at most
MAX_ATTEMPTS = 20  # delivery attempts of one event, at most
MAX_CALLBACK_TIMEOUT = 60  # seconds to wait for a callback receiver, at most
MAX_CONCURRENCY = 256
LEDGER_EVENTS = 10_000  # callback events the ledger keeps by default
MAX_LEDGER_EVENTS = 1_000_000

# How waiting callbacks to one destination are ordered (`callbacks.order`, `--callback-order`,
# scenarios): drawn from the seeded generator, or creation order.
RANDOM_ORDER, FIFO_ORDER = "random", "fifo"
CALLBACK_ORDERS = (RANDOM_ORDER, FIFO_ORDER)


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", validate_assignment=True, allow_inf_nan=False)


class Timings(_Model):
    """Seconds on the mock's clock."""

    sms_provisioning: float = Field(30, ge=0, le=MAX_DELAY, description="SMS platform provisioning of a number")
    campaign_provisioning: float = Field(60, ge=0, le=MAX_DELAY, description="linking a number to a 10DLC campaign")
    carrier_configuration: float = Field(45, ge=0, le=MAX_DELAY, description="AT&T / T-Mobile SMS and MMS configuration")
    deprovisioning: float = Field(20, ge=0, le=MAX_DELAY, description="unlinking from a service plan or campaign")
    eligibility_check: float = Field(60, ge=0, le=MAX_DELAY, description="OSR eligibility check of a qualified number")
    voice_code_ttl: float = Field(600, gt=0, le=MAX_DELAY, description="lifetime of a voice-challenge code")
    voice_resend_interval: float = Field(60, ge=0, le=MAX_DELAY, description="minimum time between two voice challenges")
    order_submission: float = Field(10, ge=0, le=MAX_DELAY, description="a submitted hosting order is picked up")
    osr_update: float = Field(120, ge=0, le=MAX_DELAY, description="the OSR (NNID) update of a hosting-order number")
    loa_auto_sign: float | None = Field(None, ge=0, le=MAX_DELAY,
                                        description="sign every LOA automatically after this delay")
    invoice_submission: float | None = Field(
        3600, ge=0, le=MAX_DELAY,
        description="the invoices reach Sinch's review this long after a number becomes eligible "
                    "(null: never; ownership is then proven by voice or the control plane)")
    invoice_review: float = Field(
        172800, ge=86400, le=259200, description="the invoice review ends this long after it starts (1 to 3 days)")


class Limits(_Model):
    import_order_numbers: int = Field(5, ge=1, le=MAX_BATCH,
                                      description="numbers per hostingOrders:importNumbers request")
    text_enable_numbers: int = Field(500, ge=1, le=MAX_BATCH, description="numbers per text-enable request")
    qualify_batch_numbers: int = Field(500, ge=1, le=MAX_BATCH,
                                       description="numbers per qualifiedNumbers:addNumbers request")
    voice_attempts: int = Field(3, ge=1, le=100, description="wrong codes before a number is blocked")
    queued_changes: int = Field(10, ge=1, le=100, description="smsConfiguration changes queued behind a running one")
    ledger_events: int = Field(LEDGER_EVENTS, ge=100, le=MAX_LEDGER_EVENTS,
                               description="callback events the ledger keeps; the oldest finished ones go first")


class CallbackSettings(_Model):
    order: Literal[CALLBACK_ORDERS] = RANDOM_ORDER  # type: ignore[valid-type]
    max_attempts: int = Field(6, ge=1, le=MAX_ATTEMPTS, description="delivery attempts before an event is failed")
    initial_backoff: float = Field(5, ge=0, le=MAX_INITIAL_BACKOFF,
                                   description="seconds before the first retry; doubles each time")
    timeout: float = Field(5, gt=0, le=MAX_CALLBACK_TIMEOUT, description="seconds to wait for a receiver")
    duplicate_probability: float = Field(0.0, ge=0, le=1, description="chance of delivering an event twice")
    concurrency: int = Field(16, ge=1, le=MAX_CONCURRENCY, description="deliveries in flight at once")

    @model_validator(mode="after")
    def _last_retry_within_a_year(self) -> "CallbackSettings":
        """The backoff doubles: the wait before the last attempt must stay within MAX_DELAY."""
        longest = self.initial_backoff * 2 ** max(self.max_attempts - 2, 0)
        if longest > MAX_DELAY:
            raise ValueError(f"the wait before the last attempt would be {longest:g} s, more than a year "
                             f"({MAX_DELAY} s): lower max_attempts or initial_backoff")
        return self


class Settings(_Model):
    timings: Timings = Field(default_factory=Timings)
    limits: Limits = Field(default_factory=Limits)
    callbacks: CallbackSettings = Field(default_factory=CallbackSettings)
    default_nnid: str = "104029"  # the Sinch NNID used when a text-enable request names none
