"""What a client asks for, in the domain's words (the HTTP layer builds these from JSON bodies).

Shape checks (types, required fields, the LOA schemas, RFC 3339 times, callback URLs) happen
while the body is parsed; the rules that need the numbers or the project's state are checked
by `validation`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from mock_server.domain.hosting_orders.model import LetterOfAuthorization, LoaType

# The request field that carries each kind of LOA.
LOA_FIELDS: dict[LoaType, str] = {
    LoaType.DIRECT: "directLoaInfo",
    LoaType.RESELLER: "resellerLoaInfo",
    LoaType.BLANKET: "blanketLoaInfo",
}


@dataclass(frozen=True)
class ImportNumbersRequest:
    """`hostingOrders:importNumbers`."""

    region_code: str
    numbers: list[str]
    service_plan_id: str
    campaign_id: str = ""
    display_name: str = ""
    callback_url: str = ""
    migrate_to_sinch_tmo: bool = False


@dataclass(frozen=True)
class TextEnableRequest:
    """`...:textEnableNumbers` (10DLC) and `...:textEnableTollFreeNumbers` (toll_free=True)."""

    region_code: str
    numbers: list[str]
    service_plan_id: str
    toll_free: bool = False
    # Every LOA object the request carried; exactly one is allowed.
    letters: list[LetterOfAuthorization] = field(default_factory=list)
    campaign_id: str = ""
    nnid: str = ""
    display_name: str = ""
    callback_url: str = ""
    scheduled_osr_update_time: datetime | None = None
    scheduled_zipwhip_provisioning_time: datetime | None = None
