"""Phone numbers: E.164 in the North American Numbering Plan, US or CA only.

`phonenumbers` decides whether a number can exist (area code and exchange rules of the NANP:
`+10000000000` or `+12021234567` cannot), its region and its type. The one exception are the
numbers the spec's own examples use (`+11234567890` has no real area code): they are accepted
so that Sinch's examples run unmodified, and their region is the request's `regionCode`
(see docs/errata.md, E-NUM-1).
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import NamedTuple

from mock_server.core.errors import field_error

SUPPORTED_REGIONS = ("US", "CA")
_E164_DIGITS = r"\+1\d{10}"
E164_NANP = re.compile(rf"^{_E164_DIGITS}$")  # the shape of every number: +1 and ten digits


class PhoneNumber(NamedTuple):  # (an immutable value: a NamedTuple builds in half a frozen dataclass's time)
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

    A national number whose area code starts with 2-9 (every number the NANP can have) is
    answered from phonenumbers' metadata directly (`_nanp_facts`); others (area code 0xx or
    1xx: never valid, but phonenumbers' parser treats a leading 1 as a trunk prefix) go through
    phonenumbers itself. The answers are kept (a bounded cache: a few hundred KiB at most).
    """
    national = e164[2:]
    if national[0] in "01":
        return _phonenumbers_facts(e164)
    return _nanp_facts(national)


def _phonenumbers_facts(e164: str) -> tuple[bool, str | None, bool]:
    """The same facts from phonenumbers' full parse and checks (about 60 µs)."""
    import phonenumbers  # imported on first use: `sinch-mock serve` starts without it
    from phonenumbers import PhoneNumberType

    parsed = phonenumbers.parse(e164, None)
    return (phonenumbers.is_valid_number(parsed), phonenumbers.region_code_for_number(parsed),
            phonenumbers.number_type(parsed) == PhoneNumberType.TOLL_FREE)


class _Desc:
    """A `PhoneNumberDesc` of the metadata, its pattern compiled: does a national number match it?"""

    __slots__ = ("lengths", "pattern")

    def __init__(self, desc: object) -> None:
        raw = getattr(desc, "national_number_pattern", None) if desc is not None else None
        self.pattern = re.compile(raw) if raw else None
        self.lengths = tuple(getattr(desc, "possible_length", None) or ()) if desc is not None else ()

    def matches(self, national: str) -> bool:
        if self.pattern is None or (self.lengths and len(national) not in self.lengths):
            return False
        return self.pattern.fullmatch(national) is not None


class _NanpRegion:
    """One region of country code 1, from `PhoneMetadata.metadata_for_region`: its leading
    digits (when the metadata names them) and the number types in phonenumbers' order of
    precedence (premium rate before toll-free, and so on)."""

    __slots__ = ("code", "leading", "general", "premium_rate", "toll_free", "others")

    def __init__(self, code: str) -> None:
        import phonenumbers

        metadata = phonenumbers.PhoneMetadata.metadata_for_region(code)
        self.code = code
        self.leading = re.compile(metadata.leading_digits) if metadata.leading_digits is not None else None
        self.general = _Desc(metadata.general_desc)
        # Premium rate is checked first, toll-free second; every later type (shared cost, VoIP,
        # personal, pager, UAN, voicemail, fixed line, and mobile when its pattern is its own)
        # answers "other", so their order does not matter: fixed line (most numbers) comes
        # first, and a type the region does not have (no pattern: it never matches) is left out.
        self.premium_rate = _Desc(metadata.premium_rate)
        self.toll_free = _Desc(metadata.toll_free)
        later = ["fixed_line", "shared_cost", "voip", "personal_number", "pager", "uan", "voicemail"]
        if not metadata.same_mobile_and_fixed_line_pattern:
            later.append("mobile")
        self.others = tuple(desc for desc in (_Desc(getattr(metadata, name)) for name in later)
                            if desc.pattern is not None)

    def kind(self, national: str) -> str | None:
        """None (UNKNOWN), "toll_free" or "other": as much of the number's type as is asked."""
        if not self.general.matches(national):
            return None
        if self.premium_rate.matches(national):
            return "other"
        if self.toll_free.matches(national):
            return "toll_free"
        for desc in self.others:
            if desc.matches(national):
                return "other"
        return None


@lru_cache(maxsize=1)
def _nanp_regions() -> tuple[_NanpRegion, ...]:
    """The regions of country code 1 in phonenumbers' order (the order it tries them in)."""
    import phonenumbers  # imported on first use: `sinch-mock serve` starts without it

    return tuple(_NanpRegion(code) for code in phonenumbers.COUNTRY_CODE_TO_REGION_CODE[1])


def _nanp_facts(national: str) -> tuple[bool, str | None, bool]:
    """`_phonenumbers_facts` for a ten-digit national number, read from the metadata: the first
    region whose leading digits match (or, without leading digits, which has the number) is the
    number's region, and the number's type in that region says valid and toll-free."""
    for region in _nanp_regions():
        if region.leading is not None:
            if region.leading.match(national):
                kind = region.kind(national)
                return kind is not None, region.code, kind == "toll_free"
            continue
        kind = region.kind(national)
        if kind is not None:
            return True, region.code, kind == "toll_free"
    return False, None, False


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
