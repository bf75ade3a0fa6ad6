"""Hosting orders in a scenario: import orders and text-enable orders in a chosen state."""

from __future__ import annotations

from typing import Literal

from pydantic import Field, model_validator

from mock_server.domain import toll_free
from mock_server.domain.fields import MAX_DISPLAY_NAME
from mock_server.scenarios.base import CallbackUrl, Model, ServicePlanId
from mock_server.scenarios.numbers import NumberSet

OrderType = Literal["import", "text_enable", "text_enable_toll_free"]
OrderState = Literal["submitted", "waiting_for_loa_signature", "in_progress", "completed", "rejected"]

# The states a scenario may put an order of each type in.
STATES_BY_TYPE: dict[str, tuple[str, ...]] = {
    "import": ("submitted", "in_progress", "completed", "rejected"),
    "text_enable": ("submitted", "waiting_for_loa_signature", "in_progress", "completed", "rejected"),
    "text_enable_toll_free": ("submitted", "waiting_for_loa_signature", "in_progress", "completed", "rejected"),
}


class AuthorisedPersonSpec(Model):
    first_name: str = "Jane"
    last_name: str = "Doe"
    email: str = "jane.doe@example.com"


class AddressSpec(Model):
    building_number: str = "1"
    street: str = "Main St"
    city: str = "Seattle"
    state: str = "WA"
    postal_code: str = "98101"
    country: str = "US"


class LoaSpec(Model):
    """What a text-enable order's Letter of Authorization says (every field has a default)."""

    type: Literal["direct", "reseller", "blanket"] = Field(
        "direct", description="direct or reseller: e-signed per order; blanket: on file, no signature")
    business_name: str = ""
    authorised_person: AuthorisedPersonSpec = Field(default_factory=AuthorisedPersonSpec)
    address: AddressSpec = Field(default_factory=AddressSpec)
    current_voice_carrier: str = "Verizon"

    @model_validator(mode="after")
    def _reseller_names_business(self) -> "LoaSpec":
        if self.type == "reseller" and not self.business_name:
            raise ValueError("a reseller LOA needs business_name")
        return self


class HostingOrderSpec(NumberSet):
    type: OrderType = Field("import", description="import | text_enable | text_enable_toll_free")
    service_plan: ServicePlanId = Field(description="servicePlanId the numbers are linked to")
    campaign: str = Field("", description="campaignId (10DLC); empty: none")
    display_name: str = Field("", max_length=MAX_DISPLAY_NAME)
    callback_url: CallbackUrl = Field("", description="where the order's callbacks go; empty: none")
    migrate_to_sinch_tmo: bool = Field(False, description="import orders only")
    loa: LoaSpec | None = Field(None, description="text-enable orders: the LOA (defaults filled in)")
    state: OrderState = Field("submitted", description="where the order stands after loading")

    @model_validator(mode="after")
    def _consistent(self) -> "HostingOrderSpec":
        allowed = STATES_BY_TYPE[self.type]
        if self.state not in allowed:
            raise ValueError(f"an {self.type} order cannot be {self.state}; use one of {', '.join(allowed)}")
        if self.type != "import" and self.migrate_to_sinch_tmo:
            raise ValueError("migrate_to_sinch_tmo is set by import orders only (read-only elsewhere)")
        if self.type == "import" and self.loa is not None:
            raise ValueError("an import order has no LOA; loa is for text_enable orders")
        region = self.region_code or self.region_of(self.phones()[0])
        if self.type == "text_enable" and not self.campaign and region == "US":
            raise ValueError("a text_enable order of US numbers needs a campaign (10DLC)")
        problem = toll_free.campaign_problem(self.campaign) if self.type == "text_enable_toll_free" else None
        if problem:
            raise ValueError(f"{problem}; leave campaign out")
        if self.type == "text_enable_toll_free":
            others = [p.e164 for p in self.phones() if not p.toll_free]
            if others:
                raise ValueError(f"{others[0]} is not a toll-free number (text_enable_toll_free)")
        elif self.type == "text_enable":
            refused = toll_free.refused_numbers([p.e164 for p in self.phones()])
            if refused:
                raise ValueError(f"{refused[0][1]} is toll-free; use type text_enable_toll_free")
        if self.type != "import" and self.loa is None:
            self.loa = LoaSpec()
        if self.loa is not None and self.loa.type == "blanket":
            if self.type == "text_enable_toll_free":
                raise ValueError("toll-free numbers need a direct or reseller LOA, not blanket")
            if self.state in ("waiting_for_loa_signature", "rejected"):
                raise ValueError(f"an order with a blanket LOA is never {self.state} (nothing to sign or decline)")
        return self
