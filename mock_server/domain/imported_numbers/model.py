"""An imported number: a non-Sinch number enabled for SMS with Sinch as the DCA."""

from __future__ import annotations

from datetime import datetime

from mock_server.domain.provisioning import CarrierState, Provisioning, Record


class ScheduledProvisioning(Record):
    """`smsConfiguration.scheduledProvisioning`: a change still being applied."""

    service_plan_id: str = ""
    campaign_id: str = ""
    status: int = 1  # integer enum in the spec (see errata): 1 in progress, 2 done, 3 failed
    last_updated_time: datetime
    error_codes: list[int] = []


class QueuedChange(Record):
    """A `smsConfiguration` change asked for while another ran: it runs when that one ends."""

    service_plan_id: str
    campaign_id: str


class ImportedNumber(Record):
    phone_number: str
    project_id: str
    region_code: str
    display_name: str = ""
    callback_url: str = ""
    service_plan_id: str = ""
    campaign_id: str = ""
    migrate_to_sinch_tmo: bool = False
    sms_provisioning: Provisioning | None = None
    campaign_provisioning: Provisioning | None = None
    mno: dict[str, CarrierState] = {}
    scheduled_provisioning: ScheduledProvisioning | None = None
    queued_changes: list[QueuedChange] = []  # oldest first
    hosting_order_id: str = ""  # the hosting order it came from, if any
    created_time: datetime
    updated_time: datetime
