"""Reading qualified numbers: the list's filter, checked here, and the list's one paging home.

A page walks the project's index (`QUALIFIED_NUMBER_INDEX`) in one of its named orders; its
token is bound to the project and to the filter and order it was issued for (`core/paging.py`).
"""

from __future__ import annotations

from dataclasses import dataclass
from mock_server.core.errors import ApiError, FieldViolation, invalid_argument
from mock_server.core.paging import Page, order_by_from, paginate_sorted
from mock_server.core.phone import check_region_code
from mock_server.core.sorted_index import IndexedDict
from mock_server.domain.qualified_numbers.model import QUALIFIED_NUMBER_INDEX, GlobalProcessState, QualifiedNumber
from mock_server.domain.qualified_numbers.requests import ListNumbersRequest

STATES = {s.value: s for s in GlobalProcessState}


@dataclass(frozen=True)
class NumberFilter:
    """The numbers a list shows: in one of `states`, of `region_code` (empty: any region), with
    `text` in the phone number (empty: any)."""

    states: frozenset[GlobalProcessState]
    region_code: str = ""
    text: str = ""

    def facet_matches(self, number: QualifiedNumber) -> bool:
        """What the index's buckets hold: the state and the region."""
        return number.state in self.states and (not self.region_code or number.region_code == self.region_code)

    def fingerprint(self) -> dict:
        found: dict = {"states": sorted(s.value for s in self.states), "regionCode": self.region_code}
        if self.text:
            found["text"] = self.text
        return found


def checked(request: ListNumbersRequest) -> tuple[NumberFilter, str]:
    """The request's filter and order, once `states`, `regionCode` and `orderBy` hold: one 400
    names every bad one."""
    violations: list[FieldViolation] = []
    if not request.states:
        violations.append(FieldViolation("states", "is required"))
    unknown = [v for v in request.states if v not in STATES]
    if unknown:
        violations.append(FieldViolation("states", f"{', '.join(repr(v) for v in unknown)} is not a "
                                                   f"globalProcessState; use {', '.join(STATES)}"))
    order = "createdTime"
    try:
        order = order_by_from(request.order_by)
    except ApiError as error:
        violations += error.violations
    region = ""
    if request.region_code not in (None, ""):
        try:
            region = check_region_code(request.region_code)
        except ApiError as error:
            violations += error.violations
    if violations:
        message = ("The query parameter states is required" if len(violations) == 1 and not request.states
                   else "; ".join(f"Invalid {v.field}: {v.description}" for v in violations))
        raise invalid_argument(message, *violations)
    return NumberFilter(frozenset(STATES[v] for v in request.states), region, request.text), order


def page_of(numbers: IndexedDict[str, QualifiedNumber] | None, request: ListNumbersRequest,
            *, project_id: str) -> Page[QualifiedNumber]:
    """One page of a project's qualified numbers (`numbers`; None: a project with none yet), in
    one of the named orders of `QUALIFIED_NUMBER_INDEX`."""
    flt, order = checked(request)
    numbers = numbers if numbers is not None else IndexedDict(QUALIFIED_NUMBER_INDEX)
    residual = (lambda n: flt.text in n.phone_number) if flt.text else None
    return paginate_sorted(numbers.select(order, flt.facet_matches, residual), QUALIFIED_NUMBER_INDEX.orders[order],
                           request.page_size, request.page_token, {**flt.fingerprint(), "orderBy": order},
                           project_id=project_id)
