"""The rules of imported-number requests, checked in the domain (no HTTP): every violation of a
request reported at once, and page tokens bound to the project and the filter."""

from __future__ import annotations

import pytest

from mock_server.core.errors import ApiError
from mock_server.domain.fields import MAX_DISPLAY_NAME
from mock_server.domain.imported_numbers.requests import (
    ImportedNumberChange,
    ImportedNumberFilter,
    ImportRequest,
    SmsConfiguration,
    check_change,
    check_filter,
    check_import,
)

NUMBER = "+12025550134"
HOOK = "https://hooks.example.test/sinch"


def request(**fields) -> ImportRequest:
    given = {"phone_number": NUMBER, "region_code": "US", "sms_configuration": SmsConfiguration("plan-1"),
             "callback_url": HOOK, **fields}
    return ImportRequest(**given)


def fields_of(error: ApiError) -> list[str]:
    return [v.field for v in error.violations]


def test_a_valid_import_request_becomes_a_checked_import():
    new = check_import(request(display_name="Desk", sms_configuration=SmsConfiguration("plan-1", "camp-1")))
    assert (new.phone_number, new.region_code, new.service_plan_id, new.campaign_id, new.display_name,
            new.callback_url, new.toll_free) == (NUMBER, "US", "plan-1", "camp-1", "Desk", HOOK, False)
    assert check_import(request(phone_number="+18005550100")).toll_free


@pytest.mark.parametrize("fields,field", [
    ({"phone_number": None}, "phoneNumber"),
    ({"phone_number": "+1202555013"}, "phoneNumber"),
    ({"phone_number": "+14165550123"}, "phoneNumber"),  # a Canadian number, regionCode US
    ({"region_code": None}, "regionCode"),
    ({"region_code": "GB"}, "regionCode"),
    ({"sms_configuration": None}, "smsConfiguration"),
    ({"sms_configuration": SmsConfiguration(" ")}, "smsConfiguration.servicePlanId"),
    ({"sms_configuration": SmsConfiguration(None)}, "smsConfiguration.servicePlanId"),
    ({"callback_url": "not a url"}, "callbackUrl"),
    ({"callback_url": "ftp://example.test/x"}, "callbackUrl"),
    ({"display_name": "x" * (MAX_DISPLAY_NAME + 1)}, "displayName"),
])
def test_each_rule_of_an_import_is_checked(fields, field):
    with pytest.raises(ApiError) as caught:
        check_import(request(**fields))
    assert caught.value.http_status == 400 and fields_of(caught.value) == [field]
    assert caught.value.message == f"Invalid import request: {field}"


def test_a_display_name_of_the_maximum_length_is_accepted():
    assert check_import(request(display_name="x" * MAX_DISPLAY_NAME)).display_name == "x" * MAX_DISPLAY_NAME


def test_an_import_reports_every_violation_at_once():
    with pytest.raises(ApiError) as caught:
        check_import(ImportRequest(phone_number="12", region_code="MX", callback_url="nope",
                                   display_name="x" * 300))
    assert fields_of(caught.value) == ["regionCode", "phoneNumber", "smsConfiguration", "callbackUrl",
                                       "displayName"]


def test_a_change_may_repeat_but_not_change_what_is_fixed(world):
    number = world.imported_numbers.import_number("p1", request())
    check_change(ImportedNumberChange(phone_number=NUMBER, project_id="p1", region_code="US"), number)
    for given, field in ((dict(phone_number="+12025550135"), "phoneNumber"), (dict(project_id="p2"), "projectId"),
                         (dict(region_code="CA"), "regionCode")):
        with pytest.raises(ApiError) as caught:
            check_change(ImportedNumberChange(**given), number)
        assert fields_of(caught.value) == [field]
        assert caught.value.message == f"{field} of an imported number cannot be changed"


def test_a_change_reports_every_violation_at_once_and_the_service_writes_nothing(world):
    number = world.imported_numbers.import_number("p1", request(display_name="Desk"))
    change = ImportedNumberChange(region_code="CA", display_name="x" * 257, callback_url="ftp://x.test/",
                                  service_plan_id="")
    with pytest.raises(ApiError) as caught:
        world.imported_numbers.update("p1", NUMBER, change)
    assert fields_of(caught.value) == ["regionCode", "callbackUrl", "displayName"]
    assert caught.value.message == "Invalid update request: regionCode, callbackUrl, displayName"
    assert (number.display_name, number.service_plan_id) == ("Desk", "plan-1")


def test_the_service_checks_an_import_request_before_it_writes(world):
    with pytest.raises(ApiError):
        world.imported_numbers.import_number("p1", request(region_code="GB"))
    assert not world.projects


@pytest.mark.parametrize("where,field,message", [
    (ImportedNumberFilter(region_code="MX"), "regionCode", "Invalid regionCode: 'MX' is not supported; use US or CA"),
    (ImportedNumberFilter(search_pattern="BEGIN"), "numberPattern.searchPattern",
     "Invalid numberPattern.searchPattern: must be one of START, CONTAIN, END"),
    (ImportedNumberFilter(pattern="12a"), "numberPattern.pattern", None),
    (ImportedNumberFilter(pattern="\u0663"), "numberPattern.pattern", None),
    (ImportedNumberFilter(pattern="1" * 12), "numberPattern.pattern", None),
    (ImportedNumberFilter(pattern="1202", search_pattern="START"), "numberPattern.pattern", None),
    (ImportedNumberFilter(pattern="+1202", search_pattern="END"), "numberPattern.pattern", None),
    (ImportedNumberFilter(pattern="+1202"), "numberPattern.pattern", None),  # CONTAIN by default
])
def test_each_rule_of_a_list_filter_is_checked(where, field, message):
    with pytest.raises(ApiError) as caught:
        check_filter(where)
    assert fields_of(caught.value) == [field]
    if message:
        assert caught.value.message == message


def test_a_list_filter_reports_every_violation_at_once():
    with pytest.raises(ApiError) as caught:
        check_filter(ImportedNumberFilter(region_code="MX", pattern="12a", search_pattern="ALL"))
    assert fields_of(caught.value) == ["regionCode", "numberPattern.searchPattern", "numberPattern.pattern"]


def test_a_checked_filter_has_one_canonical_form():
    assert check_filter(ImportedNumberFilter(region_code="", pattern="")) == \
        check_filter(ImportedNumberFilter(search_pattern="CONTAIN")) == \
        ImportedNumberFilter(None, None, None, None, "CONTAIN")


# --- page tokens ------------------------------------------------------------------------------------
def fill(world, project: str, count: int = 4, start: int = 100) -> None:
    for i in range(count):
        world.imported_numbers.import_number(project, request(phone_number=f"+1202555{start + i:04d}"))


def listed(world, project: str, where: ImportedNumberFilter = ImportedNumberFilter(), token: str | None = None,
           order_by: str = "createdTime"):
    return world.imported_numbers.list_numbers(project, where, order_by=order_by, page_size=2, page_token=token)


def test_a_page_token_of_one_project_is_refused_in_another(world):
    fill(world, "p1")
    fill(world, "p2", start=200)  # the same shape of list, other numbers
    token = listed(world, "p1").next_page_token
    assert [n.phone_number for n in listed(world, "p1", token=token).items] == ["+12025550102", "+12025550103"]
    with pytest.raises(ApiError) as caught:
        listed(world, "p2", token=token)
    assert caught.value.http_status == 400 and fields_of(caught.value) == ["pageToken"]


@pytest.mark.parametrize("other", [
    ImportedNumberFilter(service_plan_id="plan-1"),
    ImportedNumberFilter(campaign_id=""),
    ImportedNumberFilter(region_code="US"),
    ImportedNumberFilter(pattern="555"),
    ImportedNumberFilter(pattern="+1202", search_pattern="START"),
])
def test_a_page_token_of_one_filter_is_refused_with_another(world, other):
    fill(world, "p1")
    token = listed(world, "p1").next_page_token
    assert listed(world, "p1", other).total_size == 4  # the other filter matches the same numbers
    with pytest.raises(ApiError) as caught:
        listed(world, "p1", other, token)
    assert caught.value.http_status == 400 and fields_of(caught.value) == ["pageToken"]


def test_a_page_token_of_one_order_is_refused_with_another(world):
    fill(world, "p1")
    token = listed(world, "p1").next_page_token
    with pytest.raises(ApiError):
        listed(world, "p1", token=token, order_by="updatedTime")


def test_a_page_token_survives_an_equivalent_spelling_of_the_filter(world):
    fill(world, "p1")
    token = listed(world, "p1", ImportedNumberFilter(pattern="555")).next_page_token
    page = listed(world, "p1", ImportedNumberFilter(pattern="555", search_pattern="CONTAIN", region_code=""), token)
    assert [n.phone_number for n in page.items] == ["+12025550102", "+12025550103"]
