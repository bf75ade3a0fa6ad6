"""Knobs of the simulation: lifecycle delays, limits and callback behaviour.

Defaults are realistic in shape but short, so a test advances minutes, not days. Scenarios
and start-up configuration change them; docs/lifecycles.md lists every one.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", validate_assignment=True)


class Timings(_Model):
    """Seconds on the mock's clock."""

    sms_provisioning: float = Field(30, ge=0, description="SMS platform provisioning of a number")
    campaign_provisioning: float = Field(60, ge=0, description="linking a number to a 10DLC campaign")
    carrier_configuration: float = Field(45, ge=0, description="AT&T / T-Mobile SMS and MMS configuration")
    deprovisioning: float = Field(20, ge=0, description="unlinking from a service plan or campaign")
    eligibility_check: float = Field(60, ge=0, description="OSR eligibility check of a qualified number")
    voice_code_ttl: float = Field(600, gt=0, description="lifetime of a voice-challenge code")
    voice_resend_interval: float = Field(60, ge=0, description="minimum time between two voice challenges")
    order_submission: float = Field(10, ge=0, description="a submitted hosting order is picked up")
    osr_update: float = Field(120, ge=0, description="the OSR (NNID) update of a hosting-order number")
    loa_auto_sign: float | None = Field(None, ge=0, description="sign every LOA automatically after this delay")
    invoice_submission: float | None = Field(
        3600, ge=0, description="the invoices reach Sinch's review this long after a number becomes eligible "
                                "(null: never; ownership is then proven by voice or the control plane)")
    invoice_review: float = Field(
        172800, ge=86400, le=259200, description="the invoice review ends this long after it starts (1 to 3 days)")


class Limits(_Model):
    import_order_numbers: int = Field(5, ge=1, description="numbers per hostingOrders:importNumbers request")
    text_enable_numbers: int = Field(500, ge=1, description="numbers per text-enable request")
    qualify_batch_numbers: int = Field(500, ge=1, description="numbers per qualifiedNumbers:addNumbers request")
    voice_attempts: int = Field(3, ge=1, description="wrong codes before a number is blocked")
    queued_changes: int = Field(10, ge=1, description="smsConfiguration changes queued behind a running one")


class CallbackSettings(_Model):
    order: Literal["random", "fifo"] = "random"
    max_attempts: int = Field(6, ge=1, description="delivery attempts before an event is failed")
    initial_backoff: float = Field(5, ge=0, description="seconds before the first retry; doubles each time")
    timeout: float = Field(5, gt=0, description="seconds to wait for a receiver")
    duplicate_probability: float = Field(0.0, ge=0, le=1, description="chance of delivering an event twice")
    concurrency: int = Field(16, ge=1, description="deliveries in flight at once")


class Settings(_Model):
    timings: Timings = Field(default_factory=Timings)
    limits: Limits = Field(default_factory=Limits)
    callbacks: CallbackSettings = Field(default_factory=CallbackSettings)
    default_nnid: str = "104029"  # the Sinch NNID used when a text-enable request names none
