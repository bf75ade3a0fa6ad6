"""The scenario format: what a scenario file may say, as pydantic models.

docs/scenarios.md describes every field; keep the two in step. Keys are snake_case. Unknown
keys are errors (a typo must not pass silently).
"""

from __future__ import annotations

from typing import Annotated, Any, Literal, Optional

from pydantic import BaseModel, ConfigDict, Field, create_model, field_validator, model_validator

from mock_server.domain.faults import MAX_RULES as MAX_FAULT_RULES
from mock_server.domain.fields import MAX_DISPLAY_NAME
from mock_server.domain.faults import FaultSpec
from mock_server.domain.provisioning import CARRIERS
from mock_server.domain.settings import CallbackSettings, Limits, Timings
from mock_server.scenarios.base import (
    ID_PATTERN,
    KEY_PATTERN,
    CallbackUrl,
    FailureCode,
    Model,
    ServicePlanId,
)
from mock_server.scenarios.numbers import NumberSet
from mock_server.scenarios.orders import HostingOrderSpec

# A campaign's state, and the failure code linking a number to a campaign in that state gives.
CAMPAIGN_STATES: dict[str, str | None] = {
    "active": None,
    "pending_acceptance": "CAMPAIGN_PENDING_ACCEPTANCE",
    "expired": "CAMPAIGN_EXPIRED",
    "mno_rejected": "CAMPAIGN_MNO_REJECTED",
    "mno_suspended": "CAMPAIGN_MNO_SUSPENDED",
    "mno_review": "CAMPAIGN_MNO_REVIEW",
    "not_available": "CAMPAIGN_NOT_AVAILABLE",
    "provisioning_failed": "CAMPAIGN_PROVISIONING_FAILED",
    "mno_sharing_error": "MNO_SHARING_ERROR",
    "limit_exceeded": "EXCEEDED_10DLC_LIMIT",
    "mock": "MOCK_CAMPAIGN_NOT_ALLOWED",
}

# A service plan's state, and the failure code SMS platform provisioning on it gives.
SERVICE_PLAN_STATES: dict[str, str | None] = {
    "active": None,
    "insufficient_balance": "INSUFFICIENT_BALANCE",
    "partner_unavailable": "PARTNER_SERVICE_UNAVAILABLE",
    "provisioning_failed": "NUMBER_PROVISIONING_FAILED",
}

CampaignState = Literal[tuple(CAMPAIGN_STATES)]  # type: ignore[valid-type]
ServicePlanState = Literal[tuple(SERVICE_PLAN_STATES)]  # type: ignore[valid-type]

def patch_model(model: type[BaseModel]) -> type[BaseModel]:
    """`model` with every field optional and its constraints kept: a partial override."""
    fields: dict[str, Any] = {}
    for name, info in model.model_fields.items():
        annotation = Annotated[info.annotation, *info.metadata] if info.metadata else info.annotation
        fields[name] = (Optional[annotation], Field(None, description=info.description))
    return create_model(f"{model.__name__}Patch", __config__=ConfigDict(extra="forbid"), **fields)


TimingsPatch = patch_model(Timings)
LimitsPatch = patch_model(Limits)
CallbacksPatch = patch_model(CallbackSettings)


class AccessKeySpec(Model):
    key_id: str = Field(pattern=KEY_PATTERN, description="the access key id")
    key_secret: str = Field(pattern=KEY_PATTERN, description="its secret")
    project_id: str | None = Field(None, pattern=ID_PATTERN, description="the one project it works for")


class ProjectKeySpec(Model):
    """A key declared under a project: it works for that project only."""

    key_id: str = Field(pattern=KEY_PATTERN)
    key_secret: str = Field(pattern=KEY_PATTERN)


class OutcomeSpec(NumberSet):
    """How the lifecycle steps of these numbers end; what is left out succeeds."""

    not_eligible: str | None = Field(None, min_length=1, description="the eligibility check fails with this text")
    invoices_rejected: str | None = Field(None, min_length=1,
                                          description="the invoice review rejects the invoices with this text")
    osr: FailureCode | None = Field(None, description="the OSR (NNID) update fails with this code")
    platform: FailureCode | None = Field(None, description="SMS platform provisioning fails with this code")
    campaign: FailureCode | None = Field(None, description="campaign linking fails with this code")
    carrier: dict[str, str] = Field(default_factory=dict, description="carrier entry -> error message")

    @field_validator("carrier")
    @classmethod
    def _known_carriers(cls, value: dict[str, str]) -> dict[str, str]:
        unknown = sorted(set(value) - set(CARRIERS))
        if unknown:
            raise ValueError(f"unknown carrier {', '.join(unknown)}; use {', '.join(CARRIERS)}")
        return value


QualifiedState = Literal[
    "eligible_check_pending", "eligible", "not_eligible", "verification_pending", "invoices_under_review",
    "verification_failed", "verification_blocked", "verified",
]


class QualifiedNumberSpec(NumberSet):
    state: QualifiedState = Field("verified", description="where the number stands")


class ImportedNumberSpec(NumberSet):
    service_plan: ServicePlanId = Field(description="servicePlanId it is linked to")
    campaign: str = Field("", description="campaignId it is linked to (10DLC); empty: none")
    display_name: str = Field("", max_length=MAX_DISPLAY_NAME)
    callback_url: CallbackUrl = Field("", description="where its callbacks go; empty: none")
    migrate_to_sinch_tmo: bool = False
    state: Literal["provisioned", "provisioning"] = Field(
        "provisioned",
        description="provisioned: linked and done, no events; provisioning: just imported, the "
                    "lifecycle runs from the moment of loading (events and outcomes as usual)")


class ProjectLimitsSpec(Model):
    import_order_numbers: int | None = Field(None, ge=1, description="numbers per hostingOrders:importNumbers")


class ProjectSpec(Model):
    id: str = Field(pattern=ID_PATTERN, description="the project id")
    access_keys: list[ProjectKeySpec] = Field(default_factory=list)
    limits: ProjectLimitsSpec = Field(default_factory=ProjectLimitsSpec)
    callback_secret: str | None = Field(None, description="HMAC secret of the project's callbacks")
    blanket_loa: bool = Field(False, description="a blanket LOA is approved: orders may use blanketLoaInfo")
    service_plans: list[str] | None = Field(
        None, min_length=1, description="the project's service plans; any other is refused (400); "
                                        "left out: any plan is accepted")
    qualified_numbers: list[QualifiedNumberSpec] = Field(default_factory=list)
    imported_numbers: list[ImportedNumberSpec] = Field(default_factory=list)
    hosting_orders: list[HostingOrderSpec] = Field(default_factory=list)

    @model_validator(mode="after")
    def _no_number_twice(self) -> "ProjectSpec":
        for kind in ("qualified_numbers", "imported_numbers", "hosting_orders"):
            seen: dict[str, int] = {}
            for i, entry in enumerate(getattr(self, kind)):
                for phone in entry.phones():
                    if phone.e164 in seen:
                        raise ValueError(f"{kind}[{i}]: {phone.e164} is declared twice "
                                         f"(also in {kind}[{seen[phone.e164]}])")
                    seen[phone.e164] = i
        for i, order in enumerate(self.hosting_orders):
            if order.loa is not None and order.loa.type == "blanket" and not self.blanket_loa:
                raise ValueError(f"hosting_orders[{i}] uses a blanket LOA: declare blanket_loa: true "
                                 "for the project")
        if self.service_plans is not None:
            blank = [p for p in self.service_plans if not p.strip()]
            if blank:
                raise ValueError("service_plans: a service plan id must not be blank")
            used = [e.service_plan for e in (*self.imported_numbers, *self.hosting_orders)]
            unknown = sorted({p for p in used if p not in self.service_plans})
            if unknown:
                raise ValueError(f"service plan {', '.join(unknown)} is used but not in service_plans")
        imported = {p.e164 for e in self.imported_numbers for p in e.phones()}
        qualified = {p.e164: e.state for e in self.qualified_numbers for p in e.phones()}
        for i, order in enumerate(self.hosting_orders):
            for phone in order.phones():
                if phone.e164 in imported:
                    raise ValueError(f"hosting_orders[{i}]: {phone.e164} is also in imported_numbers")
                state = qualified.get(phone.e164, "verified")
                if order.type != "import" and state != "verified":
                    raise ValueError(f"hosting_orders[{i}]: {phone.e164} is a {state} qualified number; "
                                     "a text-enable order needs verified ones")
        return self


class Scenario(Model):
    version: Literal[1] = 1
    name: str | None = Field(None, description="defaults to the file name without .yaml")
    description: str = ""
    timings: TimingsPatch | None = None  # type: ignore[valid-type]
    limits: LimitsPatch | None = None  # type: ignore[valid-type]
    callbacks: CallbacksPatch | None = None  # type: ignore[valid-type]
    default_nnid: str | None = Field(None, pattern=r"^\d{6}$", description="the Sinch NNID of text-enable orders")
    access_keys: list[AccessKeySpec] = Field(default_factory=list)
    service_plans: dict[str, ServicePlanState] = Field(default_factory=dict)
    campaigns: dict[str, CampaignState] = Field(default_factory=dict)
    outcomes: list[OutcomeSpec] = Field(default_factory=list)
    projects: list[ProjectSpec] = Field(default_factory=list)
    faults: list[FaultSpec] = Field(default_factory=list, max_length=MAX_FAULT_RULES,
                                    description="fault and latency rules (docs/faults.md)")

    @model_validator(mode="after")
    def _unique(self) -> "Scenario":
        ids = [p.id for p in self.projects]
        twice = sorted({i for i in ids if ids.count(i) > 1})
        if twice:
            raise ValueError(f"project {', '.join(twice)} is declared more than once")
        key_ids = [k.key_id for k in self.access_keys] + [k.key_id for p in self.projects for k in p.access_keys]
        twice = sorted({k for k in key_ids if key_ids.count(k) > 1})
        if twice:
            raise ValueError(f"access key {', '.join(twice)} is declared more than once")
        return self

    def callback_urls(self) -> list[tuple[str, str]]:
        """(path in the scenario, URL) of every callback URL the scenario sets."""
        return [(f"projects[{i}].{kind}[{j}].callback_url", entry.callback_url)
                for i, project in enumerate(self.projects)
                for kind in ("imported_numbers", "hosting_orders")
                for j, entry in enumerate(getattr(project, kind)) if entry.callback_url]

    def number_count(self) -> int:
        return sum(len(e.phones()) for p in self.projects
                   for e in (*p.qualified_numbers, *p.imported_numbers))
