"""What a client asks of imported numbers, in the domain's words, and the rules a request obeys.

The HTTP layer turns a body or a query into one of these requests (types only); the service
checks it with the functions below before anything is read or written. Each check reports every
violation of the request at once.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from typing import Callable, NamedTuple, TypeVar

from mock_server.core.errors import ApiError, FieldViolation, invalid_argument
from mock_server.core.phone import PhoneNumber, check_region_code, number_in_region
from mock_server.domain.fields import display_name_problem, optional_callback_url_problem
from mock_server.core.sorted_index import DigitQuery
from mock_server.domain.imported_numbers.model import DIGITS_WIDTH, ImportedNumber
from mock_server.domain.service_plans import blank_plan, is_blank

T = TypeVar("T")
UNCHANGED = None  # a PATCH field that was left out
SEARCH_PATTERNS = ("START", "CONTAIN", "END")
DEFAULT_SEARCH_PATTERN = "CONTAIN"
NUMBER_PATTERN = re.compile(r"\+?[0-9]{1,11}")  # ASCII digits only: str.isdigit() takes "٣" too


# --- requests -------------------------------------------------------------------------------------
# The requests of an import are NamedTuples: immutable values built several times a request,
# in about half a frozen dataclass's time (whose `__init__` assigns through object.__setattr__).
class SmsConfiguration(NamedTuple):
    service_plan_id: str | None = None
    campaign_id: str | None = None


class ImportRequest(NamedTuple):
    """`POST importedNumbers` as sent: nothing checked yet but the types."""

    phone_number: str | None = None
    region_code: str | None = None
    sms_configuration: SmsConfiguration | None = None
    display_name: str | None = None
    callback_url: str | None = None


class NewImportedNumber(NamedTuple):
    """An import whose every rule holds (`check_import`'s answer; a scenario's numbers, checked
    when the scenario was read)."""

    phone_number: str
    region_code: str
    service_plan_id: str
    campaign_id: str = ""
    display_name: str = ""
    callback_url: str = ""
    toll_free: bool = False


@dataclass(frozen=True)
class ImportedNumberChange:
    """A PATCH: None leaves a field as it is; `""` unlinks a service plan or campaign.
    `phone_number`, `project_id` and `region_code` may be sent only with the values they have."""

    display_name: str | None = UNCHANGED
    callback_url: str | None = UNCHANGED
    service_plan_id: str | None = UNCHANGED
    campaign_id: str | None = UNCHANGED
    phone_number: str | None = UNCHANGED
    project_id: str | None = UNCHANGED
    region_code: str | None = UNCHANGED


@dataclass(frozen=True)
class ImportedNumberFilter:
    """`GET importedNumbers`. None: no filter. `""` for a service plan or campaign: numbers
    linked to none (E-IMP-4). `search_pattern` None means CONTAIN, the spec's default."""

    service_plan_id: str | None = None
    campaign_id: str | None = None
    region_code: str | None = None
    pattern: str | None = None
    search_pattern: str | None = None

    def matches(self, number: ImportedNumber) -> bool:
        return self.matches_facet(number) and (not self.pattern or self.number_pattern()(number))

    def matches_facet(self, number: ImportedNumber) -> bool:
        """The exact filters (service plan, campaign, region): the facet of the number index."""
        if self.service_plan_id is not None and number.service_plan_id != self.service_plan_id:
            return False
        if self.campaign_id is not None and number.campaign_id != self.campaign_id:
            return False
        return not self.region_code or number.region_code == self.region_code

    def number_pattern(self) -> Callable[[ImportedNumber], bool]:
        """Whether a number matches `pattern` by `search_pattern` (START, END, else CONTAIN), as
        one call built once (a list may ask it of thousands)."""
        pattern = self.pattern or ""
        if self.search_pattern == "START":
            return lambda number: number.phone_number.startswith(pattern)
        if self.search_pattern == "END":
            return lambda number: number.phone_number.endswith(pattern)
        return lambda number: pattern in number.phone_number

    def digit_query(self) -> DigitQuery | None:
        """The pattern as the number index asks it: its digits at one of some positions of a
        number's 11 digits (START: the first; END: the last ones; CONTAIN: any)."""
        if not self.pattern:
            return None
        digits = self.pattern.removeprefix("+")
        if self.search_pattern == "START":
            offsets: tuple[int, ...] = (0,)
        elif self.search_pattern == "END":
            offsets = (DIGITS_WIDTH - len(digits),)
        else:
            offsets = tuple(range(DIGITS_WIDTH - len(digits) + 1))
        return DigitQuery(offsets, digits, self.number_pattern())

    def fingerprint(self) -> dict:
        """What a page token is bound to (besides the order and the project)."""
        return {"servicePlanId": self.service_plan_id, "campaignId": self.campaign_id,
                "regionCode": self.region_code, "pattern": self.pattern, "searchPattern": self.search_pattern}


# --- checks ---------------------------------------------------------------------------------------
class _Violations:
    """Collects the violations of one request; `raise_if_any` reports them all at once."""

    def __init__(self) -> None:
        self.found: list[FieldViolation] = []
        self.messages: list[str] = []

    def add(self, field_name: str, description: str, message: str | None = None) -> None:
        self.found.append(FieldViolation(field_name, description))
        self.messages.append(message or f"Invalid {field_name}: {description}")

    def checked(self, check: Callable[..., T], *args: object) -> T | None:
        """`check(*args)`, or None with its violations kept (checking goes on)."""
        try:
            return check(*args)
        except ApiError as error:
            self.add_error(error)
            return None

    def add_error(self, error: ApiError) -> None:
        for violation in error.violations:
            self.add(violation.field, violation.description, error.message)

    def raise_if_any(self, what: str, *, always_summary: bool = False) -> None:
        """One violation keeps its own message (unless `always_summary`); several are summed up."""
        if not self.found:
            return
        if len(self.found) == 1 and not always_summary:
            raise invalid_argument(self.messages[0], *self.found)
        names = ", ".join(dict.fromkeys(v.field for v in self.found))
        raise invalid_argument(f"Invalid {what}: {names}", *self.found)


def check_import(request: ImportRequest) -> NewImportedNumber:
    """Every rule of an import, all violations reported at once."""
    problems = _Violations()
    sms = request.sms_configuration
    region = problems.checked(check_region_code, request.region_code)
    phone: PhoneNumber | None = problems.checked(number_in_region, request.phone_number, region or "US")
    if sms is None:
        problems.add("smsConfiguration", "is required")
    elif is_blank(sms.service_plan_id):
        problems.add_error(blank_plan("smsConfiguration.servicePlanId"))
    _check_display_and_callback(problems, request.display_name, request.callback_url)
    problems.raise_if_any("import request", always_summary=True)
    assert region is not None and phone is not None and sms is not None and sms.service_plan_id
    return NewImportedNumber(
        phone_number=phone.e164,
        region_code=region,
        service_plan_id=sms.service_plan_id,
        campaign_id=sms.campaign_id or "",
        display_name=request.display_name or "",
        callback_url=request.callback_url or "",
        toll_free=phone.toll_free,
    )


def check_change(change: ImportedNumberChange, number: ImportedNumber) -> None:
    """The rules of a PATCH of `number` that need no lifecycle: fields that cannot change, the
    display name's length, the callback URL's shape. All violations at once."""
    problems = _Violations()
    for name, given, current in (("phoneNumber", change.phone_number, number.phone_number),
                                 ("projectId", change.project_id, number.project_id),
                                 ("regionCode", change.region_code, number.region_code)):
        if given is not None and given != current:
            problems.add(name, "cannot be changed", f"{name} of an imported number cannot be changed")
    _check_display_and_callback(problems, change.display_name, change.callback_url)
    problems.raise_if_any("update request")


def check_filter(where: ImportedNumberFilter) -> ImportedNumberFilter:
    """The list's filters, checked (all violations at once) and in their one canonical form:
    an empty region or pattern is none, an absent search pattern is CONTAIN."""
    problems = _Violations()
    if where.region_code:
        problems.checked(check_region_code, where.region_code)
    search = DEFAULT_SEARCH_PATTERN if where.search_pattern is None else where.search_pattern
    if search not in SEARCH_PATTERNS:
        problems.add("numberPattern.searchPattern", f"must be one of {', '.join(SEARCH_PATTERNS)}")
    pattern = where.pattern
    if pattern:
        if not NUMBER_PATTERN.fullmatch(pattern):
            problems.add("numberPattern.pattern", "must be up to 11 digits 0-9, after a + with START")
        elif search == "START" and not pattern.startswith("+"):
            problems.add("numberPattern.pattern",
                         "must begin with + (URL-encoded %2B) with searchPattern START, e.g. %2B1206")
        elif search in ("CONTAIN", "END") and pattern.startswith("+"):
            problems.add("numberPattern.pattern", "may begin with + only with searchPattern START")
    problems.raise_if_any("list request")
    return replace(where, region_code=where.region_code or None, pattern=pattern or None, search_pattern=search)


def _check_display_and_callback(problems: _Violations, display_name: str | None, callback_url: str | None) -> None:
    for name, problem in (("callbackUrl", optional_callback_url_problem(callback_url)),
                          ("displayName", display_name_problem(display_name))):
        if problem:
            problems.add(name, problem)
