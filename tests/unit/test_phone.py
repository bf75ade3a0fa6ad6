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
