"""Pieces every part of the scenario format shares."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field

from mock_server.domain.failure_codes import FAILURE_CODES
from mock_server.domain.fields import ID_PATTERN, checked_callback_url
from mock_server.domain.service_plans import BLANK, is_blank

FailureCode = Literal[tuple(FAILURE_CODES)]  # type: ignore[valid-type]

KEY_PATTERN = r"^[^:,\s]+$"  # an access key id or secret (the CLI's KEY_ID:KEY_SECRET form)


class Model(BaseModel):
    """Base of every scenario model: unknown keys are errors (a typo must not pass silently)."""

    model_config = ConfigDict(extra="forbid", defer_build=True)  # built on first use, not at start-up


def check_url(value: str) -> str:
    """An empty string, or an absolute http(s) URL."""
    return checked_callback_url(value, "callback URL ")


def check_service_plan_id(value: str) -> str:
    """A service plan id that is not blank (the API refuses a blank one the same way)."""
    if is_blank(value):
        raise ValueError(f"service_plan {BLANK}")
    return value


# The fields every entry that links numbers shares (imported numbers, hosting orders).
CallbackUrl = Annotated[str, AfterValidator(check_url)]
ServicePlanId = Annotated[str, Field(min_length=1), AfterValidator(check_service_plan_id)]
