"""The checks a hosting-order request passes before anything is written.

Each function raises an ApiError naming every offending field or number, so a client sees
all of a request's problems of one kind at once. Order of the checks (each kind only when the
previous kinds passed): request shape and numbers (400), unknown qualified numbers (404),
numbers taken by an imported number or a running order (409), qualified numbers not VERIFIED
(400 FAILED_PRECONDITION).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from mock_server.core.errors import (
    ApiError,
    FieldViolation,
    already_exists,
    failed_precondition,
    field_error,
    invalid_argument,
    not_found,
)
from mock_server.core.phone import PhoneNumber, check_region_code, number_in_region, parse_e164
from mock_server.domain.hosting_orders.holding import held_by_running_order
from mock_server.domain.hosting_orders.model import LetterOfAuthorization, LoaType
from mock_server.domain.hosting_orders.requests import LOA_FIELDS, TextEnableRequest
from mock_server.domain import toll_free
from mock_server.domain.failure_codes import TFN_NOT_ALLOWED
from mock_server.domain.qualified_numbers.model import GlobalProcessState

if TYPE_CHECKING:
    from mock_server.domain.world import World


def region_code(raw: str) -> str:
    return check_region_code(raw)


def required_text(value: str, field_name: str) -> str:
    if not value or not value.strip():
        raise field_error(field_name, "is required and must not be blank")
    return value


def numbers(raw: list[str], region: str, *, limit: int, limit_name: str) -> list[PhoneNumber]:
    """Between 1 and `limit` distinct, valid numbers of `region` (toll-free ones included)."""
    if not raw:
        raise field_error("numbers", "at least one number is required")
    if len(raw) > limit:
        raise invalid_argument(
            f"Too many numbers: {len(raw)} given, at most {limit} allowed in one request ({limit_name})",
            FieldViolation("numbers", f"at most {limit} numbers ({limit_name})"),
        )
    violations: list[FieldViolation] = []
    parsed: list[PhoneNumber] = []
    first_index: dict[str, int] = {}
    for index, value in enumerate(raw):
        name = f"numbers[{index}]"
        try:
            number = number_in_region(value, region, name)
        except ApiError as error:
            violations.extend(error.violations)
            continue
        if number.e164 in first_index:
            violations.append(FieldViolation(name, f"{number.e164} is a duplicate of numbers[{first_index[number.e164]}]"))
            continue
        first_index[number.e164] = index
        parsed.append(number)
    if violations:
        raise invalid_argument("Invalid numbers: " + ", ".join(v.field for v in violations), *violations)
    return parsed


def not_toll_free(parsed: list[PhoneNumber]) -> None:
    """10DLC text-enable orders refuse toll-free numbers."""
    refused = toll_free.refused_numbers([n.e164 for n in parsed])
    if refused:
        violations = [FieldViolation(f"numbers[{i}]", f"{phone} is a toll-free number ({TFN_NOT_ALLOWED})")
                      for i, phone in refused]
        listed = ", ".join(phone for _, phone in refused)
        raise invalid_argument(
            f"{TFN_NOT_ALLOWED}: toll-free numbers cannot be text-enabled for 10DLC ({listed}); "
            "use textEnableTollFreeNumbers",
            *violations,
        )


def only_toll_free(parsed: list[PhoneNumber]) -> None:
    violations = [
        FieldViolation(f"numbers[{i}]", f"{n.e164} is not a toll-free number")
        for i, n in enumerate(parsed) if not n.toll_free
    ]
    if violations:
        raise invalid_argument("Only toll-free numbers can be text-enabled as toll-free numbers", *violations)


def letter_of_authorization(request: TextEnableRequest) -> LetterOfAuthorization:
    """Exactly one LOA, of a kind the entry point accepts (toll-free: direct or reseller)."""
    allowed = [LoaType.DIRECT, LoaType.RESELLER] if request.toll_free else list(LoaType)
    names = [LOA_FIELDS[t] for t in allowed]
    if not request.letters:
        raise invalid_argument(
            f"A Letter of Authorization is required: give exactly one of {', '.join(names)}",
            *(FieldViolation(name, "exactly one LOA object is required") for name in names),
        )
    if len(request.letters) > 1:
        given = [LOA_FIELDS[letter.loa_type] for letter in request.letters]
        raise invalid_argument(
            f"Give exactly one Letter of Authorization, not {len(given)} ({', '.join(given)})",
            *(FieldViolation(name, "only one LOA object may be given") for name in given),
        )
    letter = request.letters[0]
    if letter.loa_type not in allowed:
        raise field_error(
            LOA_FIELDS[letter.loa_type],
            "toll-free numbers need a direct or reseller LOA (directLoaInfo or resellerLoaInfo)",
        )
    return letter


def campaign(request: TextEnableRequest, region: str) -> None:
    """10DLC campaigns are a US registration: required for US numbers, optional for CA ones
    (docs/errata.md, E-HO-10); never for toll-free numbers."""
    if request.toll_free:
        problem = toll_free.campaign_problem(request.campaign_id)
        if problem:
            raise field_error("campaignId", f"{problem}; leave it out")
    elif region == "US":
        required_text(request.campaign_id, "campaignId")
    elif request.campaign_id and not request.campaign_id.strip():
        raise field_error("campaignId", "must not be blank; leave it out for numbers without a campaign")


def qualified(world: "World", project_id: str, phones: list[str]) -> None:
    """Every number must be a qualified number of the project (404 listing the unknown ones)."""
    known = world.view(project_id).qualified_numbers
    missing = [p for p in phones if p not in known]
    if missing:
        raise not_found(f"Qualified numbers not found in the project: {', '.join(missing)}")


def free_to_host(world: "World", project_id: str, phones: list[str]) -> None:
    """No number may be imported already or held by a running hosting order, in this project
    or any other (409; another project is not named)."""
    project = world.view(project_id)
    violations: list[FieldViolation] = []
    for index, phone in enumerate(phones):
        if world.imported_numbers.is_imported(project_id, phone):
            violations.append(FieldViolation(f"numbers[{index}]", f"{phone} is already an imported number"))
        elif held := held_by_running_order(project, phone):
            violations.append(FieldViolation(f"numbers[{index}]", held))
        elif world.imported_numbers.hosted_elsewhere(project_id, phone):  # which project: not said
            violations.append(FieldViolation(f"numbers[{index}]", f"{phone} is hosted already"))
    if violations:
        listed = ", ".join(v.description.split(" ")[0] for v in violations)
        raise already_exists(
            f"Numbers already imported or in a running hosting order: {listed}", *violations
        )


def verified(world: "World", project_id: str, phones: list[str], region: str) -> None:
    """Text-enabled numbers must be VERIFIED qualified numbers of the order's region (toll-free
    numbers are shared by US and CA, so they fit either)."""
    known = world.view(project_id).qualified_numbers
    violations: list[FieldViolation] = []
    for index, phone in enumerate(phones):
        number = known[phone]
        if number.state != GlobalProcessState.VERIFIED:
            violations.append(FieldViolation(f"numbers[{index}]", f"{phone} is {number.state.value}, not VERIFIED"))
        elif number.region_code != region and not parse_e164(phone).toll_free:
            violations.append(FieldViolation(f"numbers[{index}]", f"{phone} was qualified in {number.region_code}, not {region}"))
    if violations:
        listed = ", ".join(v.description.split(" ")[0] for v in violations)
        raise failed_precondition(
            f"Only VERIFIED qualified numbers of the region can be text-enabled: {listed}", *violations
        )
