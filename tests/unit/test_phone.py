import pytest

from mock_server.core.errors import ApiError
from mock_server.core.phone import check_region_code, number_in_region, parse_e164


@pytest.mark.parametrize("raw", ["12025550134", "+1202555013", "+120255501345", "+442071838750", "+1 202 555 0134", 12025550134, None])
def test_only_plus_one_and_ten_digits_is_e164_nanp(raw):
    with pytest.raises(ApiError) as caught:
        parse_e164(raw)
    assert caught.value.http_status == 400
    assert caught.value.violations[0].field == "phoneNumber"


def test_a_nanp_number_of_another_country_is_refused():
    with pytest.raises(ApiError, match="JM"):
        parse_e164("+18765550123")


def test_a_number_without_a_known_region_is_accepted_and_takes_the_request_region():
    number = number_in_region("+11234567890", "CA")
    assert number.known_region is None


def test_the_region_must_agree_with_what_phonenumbers_knows():
    assert number_in_region("+14165550123", "CA").known_region == "CA"
    with pytest.raises(ApiError, match="CA number, not US"):
        number_in_region("+14165550123", "US")


def test_toll_free_numbers_are_recognised_and_shared_by_us_and_ca():
    assert parse_e164("+18335870229").toll_free
    assert not parse_e164("+12025550134").toll_free
    assert number_in_region("+18335870229", "CA").toll_free


@pytest.mark.parametrize("raw", ["SE", "us", "", None])
def test_only_us_and_ca_regions(raw):
    with pytest.raises(ApiError):
        check_region_code(raw)


def test_repeated_parses_give_the_same_answers_as_phonenumbers_and_keep_field_names():
    """The facts phonenumbers gives are kept per number; a second call answers the same,
    and a refusal still names the field of that call."""
    import phonenumbers

    for raw in ("+12025550123", "+18005550123", "+14165550123", "+11234567890"):
        parsed = phonenumbers.parse(raw, None)
        for _ in range(2):
            number = parse_e164(raw)
            assert phonenumbers.is_valid_number(parsed) or raw == "+11234567890"  # the spec's example
            assert number.known_region == phonenumbers.region_code_for_number(parsed)
            assert number.toll_free == (phonenumbers.number_type(parsed) == phonenumbers.PhoneNumberType.TOLL_FREE)
    for field in ("phoneNumber", "phoneNumbers[3]"):
        with pytest.raises(ApiError) as error:
            parse_e164("+12465550123", field)  # Barbados, a NANP region outside US and CA
        assert error.value.violations[0].field == field
    for _ in range(2):  # a number the NANP cannot have is refused on every call, not only the first
        with pytest.raises(ApiError):
            parse_e164("+12021234567")


@pytest.mark.parametrize("raw", ["+10000000000", "+11111111111", "+19999999999", "+12021234567", "+12020234567"])
def test_numbers_the_nanp_cannot_have_are_refused(raw):
    with pytest.raises(ApiError) as caught:
        parse_e164(raw, "numbers[0]")
    assert caught.value.violations[0].field == "numbers[0]"
    assert "not a valid number of the North American Numbering Plan" in caught.value.violations[0].description


def test_the_spec_example_numbers_are_the_one_exception():
    from mock_server.core.phone import spec_example_numbers

    assert "+11234567890" in spec_example_numbers()  # no real area code, yet in the spec's examples
    assert parse_e164("+11234567890").known_region is None
    for example in sorted(spec_example_numbers()):
        assert parse_e164(example).e164 == example


# --- the metadata fast path answers exactly what phonenumbers answers --------------------------------
from hypothesis import given, settings, strategies as st  # noqa: E402

from mock_server.core import phone  # noqa: E402

# Every region of country code 1 and the area codes the metadata names for them (Caribbean and
# Pacific NANP members, CA, toll-free), plus exchange shapes the NANP treats specially.
_NANP_AREAS = ["201", "202", "212", "242", "246", "264", "268", "284", "340", "345", "403", "416", "441",
               "473", "514", "604", "649", "658", "664", "670", "671", "684", "721", "758", "767", "784",
               "787", "800", "809", "829", "833", "844", "849", "855", "866", "868", "869", "876", "877",
               "888", "900", "939", "555", "911", "600", "622", "700", "710", "880", "881", "882"]


def _both(e164: str) -> tuple[tuple, tuple]:
    return phone._known_facts.__wrapped__(e164), phone._phonenumbers_facts(e164)


def test_every_area_code_and_exchange_shape_agrees_with_phonenumbers():
    """All 1,000 area codes, each with exchanges 0xx to 9xx and N11 (line 0123 and 9999): the
    fast path's validity, region and toll-free flag equal phonenumbers' own."""
    for area in range(1000):
        for exchange in ("011", "111", "211", "234", "311", "411", "555", "611", "811", "911", "958", "976",
                         "987", "999"):
            for line in ("0123", "9999"):
                fast, full = _both(f"+1{area:03d}{exchange}{line}")
                assert fast == full, (area, exchange, line)


def test_the_spec_examples_and_known_regions_agree_with_phonenumbers():
    samples = sorted(phone.spec_example_numbers()) + [
        "+18335870229", "+18005550123", "+14165550123", "+16045550199", "+12465550123", "+18765550123",
        "+17875550123", "+16715550123", "+13405550123", "+18095550123", "+18001234567", "+19005550123"]
    regions = set()
    for raw in samples:
        fast, full = _both(raw)
        assert fast == full, raw
        regions.add(fast[1])
    assert {"US", "CA", "BB", "JM", "PR", "GU", "VI", "DO", None} <= regions  # the samples reach them all


@settings(max_examples=3000, deadline=None)
@given(area=st.one_of(st.sampled_from(_NANP_AREAS), st.integers(0, 999).map(lambda n: f"{n:03d}")),
       rest=st.integers(0, 9_999_999))
def test_any_ten_digit_number_agrees_with_phonenumbers(area, rest):
    fast, full = _both(f"+1{area}{rest:07d}")
    assert fast == full
