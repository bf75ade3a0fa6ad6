"""Phone numbers: E.164 in the North American Numbering Plan, US or CA only.

`phonenumbers` decides whether a number can exist (area code and exchange rules of the NANP:
`+10000000000` or `+12021234567` cannot), its region and its type. The one exception are the
numbers the spec's own examples use (`+11234567890` has no real area code): they are accepted
so that Sinch's examples run unmodified, and their region is the request's `regionCode`
(see docs/errata.md, E-NUM-1).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

import phonenumbers
from phonenumbers import PhoneNumberType

from mock_server.core.errors import field_error

SUPPORTED_REGIONS = ("US", "CA")
_E164_DIGITS = r"\+1\d{10}"
E164_NANP = re.compile(rf"^{_E164_DIGITS}$")  # the shape of every number: +1 and ten digits


@dataclass(frozen=True)
class PhoneNumber:
    e164: str
    known_region: str | None  # what phonenumbers says, when it knows
    toll_free: bool

    def __str__(self) -> str:
        return self.e164


def parse_e164(raw: object, field_name: str = "phoneNumber") -> PhoneNumber:
    """Check the shape (`+1` and ten digits) and what phonenumbers knows of the number."""
    if raw is None:
        raise field_error(field_name, "is required")
    if not isinstance(raw, str) or not E164_NANP.match(raw):
        raise field_error(
            field_name,
            f"{raw!r} is not an E.164 number of the US or Canada ('+1' followed by ten digits)",
        )
    valid, region, toll_free = _known_facts(raw)
    if not valid and raw not in spec_example_numbers():
        raise field_error(field_name, f"{raw} is not a valid number of the North American Numbering Plan "
                                      "(no such area code or exchange)")
    if region is not None and region not in SUPPORTED_REGIONS:
        raise field_error(field_name, f"{raw} belongs to region {region}; only US and CA are supported")
    return PhoneNumber(raw, region, toll_free)


def is_toll_free(e164: str) -> bool:
    """Whether a stored number (checked when it came in, or by an older rule) is toll-free."""
    return _known_facts(e164)[2]


@lru_cache(maxsize=8192)
def _known_facts(e164: str) -> tuple[bool, str | None, bool]:
    """What phonenumbers says of a well-shaped number: whether the NANP can have it, its
    region and whether it is toll-free.

    Asking costs about 60 µs; the same numbers come back on every call of a number's path, so
    the answers are kept (a bounded cache: a few hundred KiB at most).
    """
    parsed = phonenumbers.parse(e164, None)
    return (phonenumbers.is_valid_number(parsed), phonenumbers.region_code_for_number(parsed),
            phonenumbers.number_type(parsed) == PhoneNumberType.TOLL_FREE)


@lru_cache(maxsize=1)
def spec_example_numbers() -> frozenset[str]:
    """Every `+1` number the vendored spec's examples use: accepted even where the NANP has no
    such number (E-NUM-1)."""
    from mock_server.spec import spec_bytes

    return frozenset(m.decode() for m in re.findall(rf"{_E164_DIGITS}(?!\d)".encode(), spec_bytes()))


def check_region_code(raw: object, field_name: str = "regionCode") -> str:
    if raw is None:
        raise field_error(field_name, "is required; use US or CA")
    if raw not in SUPPORTED_REGIONS:
        raise field_error(field_name, f"{raw!r} is not supported; use US or CA")
    return str(raw)


def number_in_region(raw: object, region_code: str, field_name: str = "phoneNumber") -> PhoneNumber:
    """A number that must belong to `region_code`. Toll-free numbers are shared by US and CA."""
    number = parse_e164(raw, field_name)
    if number.known_region and not number.toll_free and number.known_region != region_code:
        raise field_error(field_name, f"{number.e164} is a {number.known_region} number, not {region_code}")
    return number
