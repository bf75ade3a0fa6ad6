"""The JSON of an imported number: `ImportedNumber` (what POST and PATCH answer) and
`ImportedNumberResponse` (GET and the list), used by the routes, the control plane and the console."""

from __future__ import annotations

from mock_server.core.timefmt import rfc3339
from mock_server.domain.imported_numbers.model import ImportedNumber
from mock_server.serializers.common import carrier_json, provisioning_json


def imported_number_json(number: ImportedNumber) -> dict:
    """`ImportedNumber`: what POST and PATCH answer."""
    sms: dict = {
        "servicePlanId": number.service_plan_id,
        "campaignId": number.campaign_id,
        "migrateToSinchTmo": number.migrate_to_sinch_tmo,
    }
    pending = number.scheduled_provisioning
    if pending is not None:
        sms["scheduledProvisioning"] = {
            "servicePlanId": pending.service_plan_id,
            "campaignId": pending.campaign_id,
            "status": pending.status,
            "lastUpdatedTime": rfc3339(pending.last_updated_time),
            "errorCodes": list(pending.error_codes),
        }
    return {
        "phoneNumber": number.phone_number,
        "projectId": number.project_id,
        "regionCode": number.region_code,
        "displayName": number.display_name,
        "smsConfiguration": sms,
        "callbackUrl": number.callback_url,
    }


def imported_number_response_json(number: ImportedNumber) -> dict:
    """`ImportedNumberResponse`: the number with its provisioning and carrier details."""
    body = imported_number_json(number)
    if number.mno:
        body["mnoConfiguration"] = {name: carrier_json(c) for name, c in number.mno.items()}
    if number.sms_provisioning is not None:
        body["smsProvisioning"] = provisioning_json(number.sms_provisioning)
    if number.campaign_provisioning is not None:
        body["campaignProvisioning"] = provisioning_json(number.campaign_provisioning)
    return body
