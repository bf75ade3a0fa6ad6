"""The failure codes of the spec (`CallbackPayload.failureCode`): the one catalogue.

In the spec's order, each with the spec's own description (`x-enumDescriptions`). The order
matters: `scheduledProvisioning.errorCodes` is an integer enum whose values the spec does not
list, and the mock reports a failure code there as its 1-based position in this catalogue
(docs/errata.md, E-IMP-3; `CAMPAIGN_NOT_AVAILABLE` = 1 ... `INVALID_NNID` = 15). A description
becomes the `hostedNumber.error` text of a qualified number whose hosting failed.
"""

from __future__ import annotations

FAILURE_CODES: dict[str, str] = {
    "CAMPAIGN_NOT_AVAILABLE": "The specified campaign is not available.",
    "EXCEEDED_10DLC_LIMIT": "Exceeded the limit for 10DLC.",
    "NUMBER_PROVISIONING_FAILED": "Provisioning the number failed.",
    "PARTNER_SERVICE_UNAVAILABLE": "The third party service is unavailable.",
    "CAMPAIGN_PENDING_ACCEPTANCE": "The campaign is not yet accepted.",
    "MNO_SHARING_ERROR": "Error with MNO.",
    "CAMPAIGN_PROVISIONING_FAILED": "The campaign failed to provision.",
    "CAMPAIGN_EXPIRED": "The campaign expired.",
    "CAMPAIGN_MNO_REJECTED": "The campaign MNO was rejected.",
    "CAMPAIGN_MNO_SUSPENDED": "The campaign MNO was suspended.",
    "CAMPAIGN_MNO_REVIEW": "The campaign MNO is under review.",
    "INSUFFICIENT_BALANCE": "Not enough credit in the account.",
    "MOCK_CAMPAIGN_NOT_ALLOWED": "Provisioning not allowed for mock campaigns.",
    "TFN_NOT_ALLOWED": "Toll free numbers not allowed.",
    "INVALID_NNID": "Invalid NNID.",
}

# The codes the mock itself decides (not through the magic-number table).
TFN_NOT_ALLOWED = "TFN_NOT_ALLOWED"
INVALID_NNID = "INVALID_NNID"

_NUMBERS = {code: position for position, code in enumerate(FAILURE_CODES, start=1)}


def failure_code_number(code: str) -> int:
    """The code's 1-based position in the catalogue (`scheduledProvisioning.errorCodes`); 0 if unknown."""
    return _NUMBERS.get(code, 0)


def describe(code: str) -> str:
    """`CODE: description`, or the code alone when the spec does not know it."""
    text = FAILURE_CODES.get(code)
    return f"{code}: {text}" if text else code
