"""Request bodies of the hosting-order operations: parsed strictly, turned into domain requests.

Every violation names its field by path (`directLoaInfo.address.city`, `numbers[2]`). Optional
fields may be left out but not sent as null: the spec's schemas do not allow null.
"""

from __future__ import annotations

import re
from datetime import datetime
from typing import Annotated

from pydantic import AfterValidator, BeforeValidator, StrictBool, StringConstraints

from mock_server.core.timefmt import parse_rfc3339
from mock_server.domain.hosting_orders.model import Address, AuthorisedPerson, LetterOfAuthorization, LoaType
from mock_server.domain.hosting_orders.requests import ImportNumbersRequest, TextEnableRequest
from mock_server.domain.fields import MAX_DISPLAY_NAME, checked_callback_url
from mock_server.http.bodies import RequestModel

_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


def _not_blank(value: str) -> str:
    if not value.strip():
        raise ValueError("must not be blank")
    return value


def _email(value: str) -> str:
    if not _EMAIL.match(value):
        raise ValueError("must be an email address")
    return value


def _rfc3339(value: object) -> datetime:
    if isinstance(value, str):
        try:
            return parse_rfc3339(value)
        except ValueError as error:
            raise ValueError(f"must be an RFC 3339 date-time with a time zone, e.g. 2026-01-13T14:34:40.968Z ({error})") from None
    raise ValueError("must be an RFC 3339 date-time with a time zone, e.g. 2026-01-13T14:34:40.968Z")


Text = Annotated[str, AfterValidator(_not_blank)]
Email = Annotated[str, AfterValidator(_email)]
Instant = Annotated[datetime, BeforeValidator(_rfc3339)]
CallbackUrl = Annotated[str, AfterValidator(checked_callback_url)]
DisplayName = Annotated[str, StringConstraints(max_length=MAX_DISPLAY_NAME)]


class AuthorisedPersonBody(RequestModel):
    first_name: Text
    last_name: Text
    email: Email


class AddressBody(RequestModel):
    building_number: Text
    street: Text
    city: Text
    state: Text
    postal_code: Text
    country: Text


class DirectLoaInfoBody(RequestModel):
    authorised_person: AuthorisedPersonBody
    address: AddressBody
    current_voice_carrier: Text
    # Not in DirectLoaInfo, but the spec's toll-free example sends them here (E-HO-5).
    scheduled_zipwhip_provisioning_time: Instant | None = None
    migrate_to_sinch_tmo: StrictBool | None = None


class ResellerLoaInfoBody(DirectLoaInfoBody):
    business_name: Text


class BlanketLoaInfoBody(RequestModel):
    """An empty object: the blanket LOA is on file with the account."""


class _OrderBody(RequestModel):
    """The fields every request that creates a hosting order starts with, in the spec's order.
    `projectId` in the body is ignored: the path names the project."""

    project_id: str | None = None
    region_code: str
    numbers: list[str]
    service_plan_id: str
    campaign_id: str | None = None


class ImportNumbersBody(_OrderBody):
    """`ImportNumbersRequest`."""

    display_name: DisplayName | None = None
    callback_url: CallbackUrl | None = None
    migrate_to_sinch_tmo: StrictBool | None = None


class TextEnableBody(_OrderBody):
    """`TextEnableNumbersRequest` and `TextEnableTollFreeNumbersRequest` (one shape, E-HO-1)."""

    nnid: str | None = None
    display_name: DisplayName | None = None
    callback_url: CallbackUrl | None = None
    # read-only in the schema, sent by its examples: type-checked, then ignored (E-HO-5)
    migrate_to_sinch_tmo: StrictBool | None = None
    scheduled_osr_update_time: Instant | None = None
    scheduled_zipwhip_provisioning_time: Instant | None = None
    direct_loa_info: DirectLoaInfoBody | None = None
    reseller_loa_info: ResellerLoaInfoBody | None = None
    blanket_loa_info: BlanketLoaInfoBody | None = None


def import_request_from(body: ImportNumbersBody) -> ImportNumbersRequest:
    return ImportNumbersRequest(
        region_code=body.region_code,
        numbers=body.numbers,
        service_plan_id=body.service_plan_id,
        campaign_id=body.campaign_id or "",
        display_name=body.display_name or "",
        callback_url=body.callback_url or "",
        migrate_to_sinch_tmo=bool(body.migrate_to_sinch_tmo),
    )


def _letter(loa_type: LoaType, body: DirectLoaInfoBody | BlanketLoaInfoBody) -> LetterOfAuthorization:
    if not isinstance(body, DirectLoaInfoBody):
        return LetterOfAuthorization(loa_type=loa_type)
    return LetterOfAuthorization(
        loa_type=loa_type,
        business_name=getattr(body, "business_name", ""),
        authorised_person=AuthorisedPerson(**body.authorised_person.model_dump()),
        address=Address(**body.address.model_dump()),
        current_voice_carrier=body.current_voice_carrier,
    )


def text_enable_request_from(body: TextEnableBody, *, toll_free: bool) -> TextEnableRequest:
    loas = [(LoaType.DIRECT, body.direct_loa_info), (LoaType.RESELLER, body.reseller_loa_info),
            (LoaType.BLANKET, body.blanket_loa_info)]
    given = [(t, b) for t, b in loas if b is not None]
    inner = [b for _, b in given if isinstance(b, DirectLoaInfoBody)]
    zipwhip = body.scheduled_zipwhip_provisioning_time or next(
        (b.scheduled_zipwhip_provisioning_time for b in inner if b.scheduled_zipwhip_provisioning_time), None)
    # migrateToSinchTmo is read-only but in hostingOrders:importNumbers (E-HO-5): checked, ignored.
    return TextEnableRequest(
        region_code=body.region_code,
        numbers=body.numbers,
        service_plan_id=body.service_plan_id,
        toll_free=toll_free,
        letters=[_letter(t, b) for t, b in given],
        campaign_id=body.campaign_id or "",
        nnid=body.nnid or "",
        display_name=body.display_name or "",
        callback_url=body.callback_url or "",
        scheduled_osr_update_time=body.scheduled_osr_update_time,
        scheduled_zipwhip_provisioning_time=zipwhip,
    )
