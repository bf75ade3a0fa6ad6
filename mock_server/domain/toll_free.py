"""The one home of the rule "toll-free numbers take no 10DLC campaign" (code `TFN_NOT_ALLOWED`).

10DLC campaigns are for local (10-digit) numbers. So linking a toll-free number to a campaign
fails with `TFN_NOT_ALLOWED` (an imported number, a number of an import order), a 10DLC
text-enable request refuses toll-free numbers, and a toll-free request or scenario order may
not name a campaign. Every place that applies the rule asks these functions.
"""

from __future__ import annotations

from mock_server.core.phone import is_toll_free
from mock_server.domain.failure_codes import TFN_NOT_ALLOWED

NO_CAMPAIGN = "toll-free numbers are not linked to 10DLC campaigns"


def campaign_refusal(phone: str) -> str | None:
    """The failure code linking `phone` (E.164) to a 10DLC campaign ends with, when the rule
    refuses it: `TFN_NOT_ALLOWED` for a toll-free number, None for any other."""
    return TFN_NOT_ALLOWED if is_toll_free(phone) else None


def refused_numbers(phones: list[str]) -> list[tuple[int, str]]:
    """(position, number) of each number of a 10DLC (campaign) request that the rule refuses."""
    return [(index, phone) for index, phone in enumerate(phones) if campaign_refusal(phone)]


def campaign_problem(campaign_id: str) -> str | None:
    """What is wrong with `campaign_id` on a toll-free order: any campaign at all."""
    return NO_CAMPAIGN if campaign_id else None
