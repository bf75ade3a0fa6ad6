"""The JSON of hosting orders: `HostingOrder` (and `ImportHostingOrder`), `HostingOrderNumber`
and `HostingOrderReport`, as the routes, the control plane and the console answer them."""

from __future__ import annotations

from functools import partial

from mock_server.core.timefmt import rfc3339
from mock_server.domain.hosting_orders.model import (
    HostingOrder,
    HostingOrderNumber,
    HostingOrderReport,
    LetterOfAuthorization,
    LoaType,
)
from mock_server.core.paging import Page
from mock_server.serializers.common import carrier_json, page_json


def text_enable_info_json(letter: LetterOfAuthorization) -> dict:
    """`TextEnableInfo`. A blanket LOA has no `loaType` in the spec's enum: it is left out."""
    body: dict = {"businessName": letter.business_name}
    if letter.authorised_person is not None:
        person = letter.authorised_person
        body["authorisedPerson"] = {"firstName": person.first_name, "lastName": person.last_name,
                                    "email": person.email}
    if letter.address is not None:
        a = letter.address
        body["address"] = {"buildingNumber": a.building_number, "street": a.street, "city": a.city,
                           "state": a.state, "postalCode": a.postal_code, "country": a.country}
    body["serviceProvider"] = letter.service_provider
    body["currentVoiceCarrier"] = letter.current_voice_carrier
    body["nnid"] = letter.nnid
    if letter.loa_type is not LoaType.BLANKET:
        body["loaType"] = letter.loa_type.value
    return body


def hosting_order_json(order: HostingOrder) -> dict:
    """`HostingOrder` (for an IMPORT order the same fields make an `ImportHostingOrder`)."""
    body: dict = {
        "projectId": order.project_id,
        "hostingOrderId": order.hosting_order_id,
        "displayName": order.display_name,
        "regionCode": order.region_code,
        "state": order.state.value,
        "type": order.type.value,
        "createdTime": rfc3339(order.created_time),
        "updatedTime": rfc3339(order.updated_time),
    }
    if order.scheduled_osr_update_time is not None:
        body["scheduledOsrUpdateTime"] = rfc3339(order.scheduled_osr_update_time)
    body |= {
        "servicePlanId": order.service_plan_id,
        "campaignId": order.campaign_id,
        "migrateToSinchTmo": order.migrate_to_sinch_tmo,
        "callbackUrl": order.callback_url,
    }
    if order.text_enable_info is not None:
        body["textEnableInfo"] = text_enable_info_json(order.text_enable_info)
    if order.scheduled_zipwhip_provisioning_time is not None:  # not in the schema (E-HO-6)
        body["scheduledZipwhipProvisioningTime"] = rfc3339(order.scheduled_zipwhip_provisioning_time)
    return body


def hosting_order_number_json(order: HostingOrder, number: HostingOrderNumber) -> dict:
    body: dict = {
        "projectId": order.project_id,
        "hostingOrderId": order.hosting_order_id,
        "phoneNumber": number.phone_number,
        "osrUpdate": {"nnid": number.nnid, "state": number.osr_update.state.value},
        "campaignProvisioning": {"campaignId": order.campaign_id,
                                 "state": number.campaign_provisioning.state.value},
        "platformProvisioning": {"servicePlanId": order.service_plan_id,
                                 "state": number.platform_provisioning.state.value},
    }
    for name, carrier in number.carriers.items():
        body[name] = carrier_json(carrier, with_operation=False)
    return body


def report_json(report: HostingOrderReport) -> dict:
    return {
        "total": report.total,
        "osrUpdated": report.osr_updated,
        "smsProvisioned": report.sms_provisioned,
        "addedToCampaign": report.added_to_campaign,
        "ongoingManualAction": report.ongoing_manual_action,
    }


def hosting_orders_page_json(page: Page[HostingOrder]) -> dict:
    """`ListHostingOrdersResponse`."""
    return page_json("hostingOrders", page, hosting_order_json)


def hosting_order_numbers_page_json(order: HostingOrder, page: Page[HostingOrderNumber]) -> dict:
    """`ListHostingOrderNumbersResponse`: a page of `order`'s numbers."""
    return page_json("numbers", page, partial(hosting_order_number_json, order))
