"""The callback failure codes of the spec (`CallbackPayload.failureCode`) and what they mean.

The descriptions are the spec's own (`x-enumDescriptions`); they become the `hostedNumber.error`
text of a qualified number whose hosting failed.
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


def describe(code: str) -> str:
    """`CODE: description`, or the code alone when the spec does not know it."""
    text = FAILURE_CODES.get(code)
    return f"{code}: {text}" if text else code
