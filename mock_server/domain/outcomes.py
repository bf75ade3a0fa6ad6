"""What fails, and how: the one place that decides the outcome of a lifecycle step.

Like test card numbers at a payment provider, numbers in the fictional 555-01XX exchange range
(any area code, toll-free included: `+1 NPA 555 01XX`) have documented outcomes. Every other
number, including every number used in the spec's own examples, succeeds. Scenarios add
per-number overrides and campaign or service-plan states on top (`OutcomeTables`): for the
projects a scenario declares, or for every project when it declares none. A project's own
override wins over a world-wide one, which wins over the table. The table is documented in
docs/magic-numbers.md; keep the two in step.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from mock_server.domain.provisioning import CarrierState, State

Step = Literal["eligibility", "invoices", "osr", "platform", "campaign", "carrier"]

_MAGIC = re.compile(r"^\+1\d{3}55501(\d{2})$")


class NumberOutcome(BaseModel):
    """How one number's steps end. `None` everywhere means every step succeeds."""

    model_config = ConfigDict(extra="forbid")

    not_eligible: str | None = Field(None, description="eligibility check fails with this error text")
    invoices_rejected: str | None = Field(None, description="the invoice review rejects the invoices with this text")
    osr: str | None = Field(None, description="the OSR update fails with this failure code")
    platform: str | None = Field(None, description="SMS platform provisioning fails with this code")
    campaign: str | None = Field(None, description="campaign linking fails with this failure code")
    carrier: dict[str, str] = Field(default_factory=dict, description="carrier entry -> error message")


# Last two digits of a 555-01XX number -> its outcome.
MAGIC_TABLE: dict[str, NumberOutcome] = {
    "00": NumberOutcome(not_eligible="The number is not eligible for OSR update (not portable)."),
    "01": NumberOutcome(invoices_rejected="The invoices did not prove ownership of the number"),
    "10": NumberOutcome(campaign="CAMPAIGN_NOT_AVAILABLE"),
    "11": NumberOutcome(campaign="EXCEEDED_10DLC_LIMIT"),
    "12": NumberOutcome(platform="NUMBER_PROVISIONING_FAILED"),
    "13": NumberOutcome(platform="PARTNER_SERVICE_UNAVAILABLE"),
    "14": NumberOutcome(campaign="CAMPAIGN_PENDING_ACCEPTANCE"),
    "15": NumberOutcome(campaign="MNO_SHARING_ERROR"),
    "16": NumberOutcome(campaign="CAMPAIGN_PROVISIONING_FAILED"),
    "17": NumberOutcome(campaign="CAMPAIGN_EXPIRED"),
    "18": NumberOutcome(campaign="CAMPAIGN_MNO_REJECTED"),
    "19": NumberOutcome(campaign="CAMPAIGN_MNO_SUSPENDED"),
    "20": NumberOutcome(campaign="CAMPAIGN_MNO_REVIEW"),
    "21": NumberOutcome(platform="INSUFFICIENT_BALANCE"),
    "22": NumberOutcome(campaign="MOCK_CAMPAIGN_NOT_ALLOWED"),
    "23": NumberOutcome(osr="INVALID_NNID"),
    "30": NumberOutcome(carrier={"smsAtt": "AT&T rejected the SMS configuration"}),
    "31": NumberOutcome(carrier={"smsTmo": "T-Mobile rejected the SMS configuration (error 60135)"}),
}

HAPPY = NumberOutcome()

# T-Mobile's error for a number held by another aggregator; `migrateToSinchTmo` resolves it.
TMO_MIGRATION_ERROR = "60135"
TMO_CARRIERS = ("smsTmo", "mmsTmo")
CARRIER_DEFAULT_ERROR_CODE = "CARRIER_REJECTED"
_CARRIER_ERROR_CODE = re.compile(r"\berror (\w+)\)?")


@dataclass(frozen=True)
class CarrierFailure:
    error_code: str  # `60135` when the message names a carrier code, else CARRIER_REJECTED
    message: str


class OutcomeTables:
    """Outcomes a scenario set: per-number overrides, campaigns and service plans that fail."""

    def __init__(self) -> None:
        self.overrides: dict[str, NumberOutcome] = {}
        self.campaign_failures: dict[str, str] = {}  # campaignId -> failure code
        self.service_plan_failures: dict[str, str] = {}  # servicePlanId -> failure code

    def clear(self) -> None:
        self.overrides.clear()
        self.campaign_failures.clear()
        self.service_plan_failures.clear()

    def __bool__(self) -> bool:
        return bool(self.overrides or self.campaign_failures or self.service_plan_failures)

    def export(self) -> dict:
        return {
            "overrides": {k: v.model_dump() for k, v in self.overrides.items()},
            "campaignFailures": dict(self.campaign_failures),
            "servicePlanFailures": dict(self.service_plan_failures),
        }

    def restore(self, data: dict) -> None:
        self.overrides = {k: NumberOutcome.model_validate(v) for k, v in data.get("overrides", {}).items()}
        self.campaign_failures = dict(data.get("campaignFailures", {}))
        self.service_plan_failures = dict(data.get("servicePlanFailures", {}))


class Outcomes(OutcomeTables):
    """The world-wide tables (set by scenarios that declare no project), and each project's own
    (set by scenarios that declare it). `of(projectId)` answers what fails in one project."""

    def __init__(self) -> None:
        super().__init__()
        self.projects: dict[str, OutcomeTables] = {}

    def own(self, project_id: str) -> OutcomeTables:
        """The project's own tables, made empty on first use."""
        return self.projects.setdefault(project_id, OutcomeTables())

    def of(self, project_id: str) -> "ProjectOutcomes":
        own = self.projects.get(project_id)
        return ProjectOutcomes((own, self) if own else (self,))

    def clear(self) -> None:
        super().clear()
        self.projects.clear()

    def export(self) -> dict:
        return {**super().export(),
                "projects": {pid: tables.export() for pid, tables in sorted(self.projects.items()) if tables}}

    def restore(self, data: dict) -> None:
        super().restore(data)
        self.projects = {}
        for project_id, tables in data.get("projects", {}).items():
            self.own(project_id).restore(tables)


class ProjectOutcomes:
    """What fails in one project: its own tables first, then the world-wide ones; a number
    neither names follows the magic-number table."""

    def __init__(self, tables: tuple[OutcomeTables, ...]) -> None:
        self._tables = tables

    def for_number(self, e164: str) -> NumberOutcome:
        for tables in self._tables:
            if e164 in tables.overrides:
                return tables.overrides[e164]
        match = _MAGIC.match(e164)
        return MAGIC_TABLE.get(match.group(1), HAPPY) if match else HAPPY

    def _first(self, table: str, key: str) -> str | None:
        for tables in self._tables:
            code = getattr(tables, table).get(key)
            if code is not None:
                return code
        return None

    def eligibility_error(self, e164: str) -> str | None:
        return self.for_number(e164).not_eligible

    def invoices_rejection(self, e164: str) -> str | None:
        return self.for_number(e164).invoices_rejected

    def osr_failure(self, e164: str) -> str | None:
        return self.for_number(e164).osr

    def platform_failure(self, e164: str, service_plan_id: str) -> str | None:
        return self.for_number(e164).platform or self._first("service_plan_failures", service_plan_id)

    def campaign_failure(self, e164: str, campaign_id: str) -> str | None:
        return self.for_number(e164).campaign or self._first("campaign_failures", campaign_id)

    def carrier_error(self, e164: str, carrier: str) -> str | None:
        return self.for_number(e164).carrier.get(carrier)

    def carrier_failure(self, e164: str, carrier: str, migrate_to_sinch_tmo: bool) -> "CarrierFailure | None":
        """How a carrier entry fails, if it does. T-Mobile's 60135 (the number is held by another
        aggregator) is resolved by `migrateToSinchTmo`, as the spec describes that flag."""
        message = self.carrier_error(e164, carrier)
        if message is None:
            return None
        if migrate_to_sinch_tmo and carrier in TMO_CARRIERS and TMO_MIGRATION_ERROR in message:
            return None
        match = _CARRIER_ERROR_CODE.search(message)
        return CarrierFailure(match.group(1) if match else CARRIER_DEFAULT_ERROR_CODE, message)

    def configure_carriers(self, e164: str, carriers: dict[str, "CarrierState"], migrate_to_sinch_tmo: bool,
                           now: datetime) -> None:
        """Finish every carrier entry of a number: DONE, or FAILED with its code and message."""
        for name, carrier in carriers.items():
            failure = self.carrier_failure(e164, name, migrate_to_sinch_tmo)
            carrier.state = State.FAILED if failure else State.DONE
            carrier.error_code = failure.error_code if failure else ""
            carrier.error_message = failure.message if failure else ""
            carrier.update_time = now
