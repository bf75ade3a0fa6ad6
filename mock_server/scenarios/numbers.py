"""Sets of phone numbers in a scenario: one `number`, a list of `numbers`, or a `range`.

A range (`{start: "+12062000000", count: 2500}`) declares thousands of numbers in one line.
Every number is checked as the API checks it (E.164, US or Canada); for a range the region is
looked up once per exchange (`+1 NPA NXX`), since that is what decides it.
"""

from __future__ import annotations

from typing import Iterator

from pydantic import BaseModel, ConfigDict, Field, PrivateAttr, model_validator

from mock_server.core.errors import ApiError
from mock_server.core.phone import E164_NANP, SUPPORTED_REGIONS, PhoneNumber, number_in_region, parse_e164

MAX_RANGE = 100_000


class NumberRange(BaseModel):
    model_config = ConfigDict(extra="forbid")

    start: str = Field(description="the first number, E.164")
    count: int = Field(ge=1, le=MAX_RANGE, description="how many consecutive numbers")
    step: int = Field(1, ge=1, description="distance between two numbers of the range")

    @model_validator(mode="after")
    def _fits(self) -> "NumberRange":
        if not E164_NANP.match(self.start):
            raise ValueError(f"start {self.start!r} is not '+1' followed by ten digits")
        last = int(self.start[2:]) + (self.count - 1) * self.step
        if last > 9_999_999_999:
            raise ValueError(f"the range runs past +19999999999 ({self.count} numbers from {self.start})")
        return self

    def __iter__(self) -> Iterator[str]:  # type: ignore[override]
        first = int(self.start[2:])
        for i in range(self.count):
            yield f"+1{first + i * self.step:010d}"


def _problem(error: ApiError) -> str:
    return error.violations[0].description if error.violations else error.message


def check_number(raw: str, region_code: str | None = None) -> PhoneNumber:
    """One number, as the API checks it; raises ValueError with the reason."""
    try:
        return number_in_region(raw, region_code) if region_code else parse_e164(raw)
    except ApiError as error:
        raise ValueError(_problem(error)) from None


class NumberSet(BaseModel):
    """Base of every scenario entry that names numbers: exactly one of number, numbers, range."""

    model_config = ConfigDict(extra="forbid")

    number: str | None = Field(None, description="one E.164 number")
    numbers: list[str] | None = Field(None, description="a list of E.164 numbers")
    range: NumberRange | None = Field(None, description="consecutive numbers: {start, count, step}")
    region_code: str | None = Field(None, description="US or CA; default: the number's own region (US if unknown)")

    _expanded: list[PhoneNumber] = PrivateAttr(default_factory=list)

    @model_validator(mode="after")
    def _expand(self) -> "NumberSet":
        given = [name for name in ("number", "numbers", "range") if getattr(self, name) is not None]
        if len(given) != 1:
            raise ValueError("give exactly one of number, numbers or range"
                             + (f" (found {', '.join(given)})" if given else ""))
        if self.region_code is not None and self.region_code not in SUPPORTED_REGIONS:
            raise ValueError(f"region_code {self.region_code!r} is not supported; use US or CA")
        if self.number is not None:
            self._expanded = [check_number(self.number, self.region_code)]
        elif self.numbers is not None:
            if not self.numbers:
                raise ValueError("numbers is empty")
            expanded = []
            for i, raw in enumerate(self.numbers):
                try:
                    expanded.append(check_number(raw, self.region_code))
                except ValueError as error:
                    raise ValueError(f"numbers[{i}]: {error}") from None
            self._expanded = expanded
        else:
            assert self.range is not None
            self._expanded = self._expand_range(self.range)
        return self

    def _expand_range(self, numbers: NumberRange) -> list[PhoneNumber]:
        by_exchange: dict[str, PhoneNumber] = {}
        expanded = []
        for raw in numbers:
            exchange = raw[:8]
            known = by_exchange.get(exchange)
            if known is None:
                try:
                    known = by_exchange[exchange] = check_number(raw, self.region_code)
                except ValueError as error:
                    raise ValueError(f"range: {error}") from None
            expanded.append(PhoneNumber(raw, known.known_region, known.toll_free))
        return expanded

    def phones(self) -> list[PhoneNumber]:
        return self._expanded

    def region_of(self, phone: PhoneNumber) -> str:
        """The region a number gets: the entry's region_code, else its own, else US."""
        if self.region_code:
            return self.region_code
        return phone.known_region if phone.known_region in SUPPORTED_REGIONS and not phone.toll_free else "US"
