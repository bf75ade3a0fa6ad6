"""Applying a validated scenario to a world: all of it, or (on any refusal) none of it.

The world's state is saved before the scenario is applied and restored if any part of it is
refused (a number that exists already, a limit, ...), so a bad scenario never half-loads.
Records are created through the services' own operations wherever one exists, so a preloaded
number or order is exactly what the API would have made.
"""

from __future__ import annotations

from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Iterator

from pydantic import ValidationError

from mock_server.config import AccessKey
from mock_server.core.errors import ApiError
from mock_server.core.gcpause import gc_paused
from mock_server.domain.world import World
from mock_server.scenarios.errors import Problem, ScenarioError
from mock_server.scenarios.format import CAMPAIGN_STATES, SERVICE_PLAN_STATES, ProjectSpec, Scenario
from mock_server.scenarios.preload import OrderMade, preload_hosting_order, preload_imported, preload_qualified
from mock_server.state import export_state, import_state


@dataclass
class LoadResult:
    """What a scenario added: the answer of `POST /_mock/scenarios:load`."""

    name: str
    projects: list[str] = field(default_factory=list)
    access_keys: list[AccessKey] = field(default_factory=list)
    qualified_numbers: int = 0
    imported_numbers: int = 0
    hosting_orders: list[OrderMade] = field(default_factory=list)
    faults: list[str] = field(default_factory=list)  # ids of the fault rules added

    def summary(self) -> dict:
        return {
            "name": self.name,
            "projects": self.projects,
            "accessKeys": [k.key_id for k in self.access_keys],
            "qualifiedNumbers": self.qualified_numbers,
            "importedNumbers": self.imported_numbers,
            "hostingOrders": [o.summary() for o in self.hosting_orders],
            "faults": self.faults,
        }


class _Failure(Exception):
    def __init__(self, path: str, message: str) -> None:
        self.path, self.message = path, message


@contextmanager
def _at(path: str) -> Iterator[None]:
    """Name the scenario path of whatever the world refuses inside."""
    try:
        yield
    except ApiError as error:
        details = "; ".join(f"{v.field}: {v.description}" for v in error.violations)
        raise _Failure(path, error.message + (f" ({details})" if details else "")) from None


def apply_scenario(world: World, scenario: Scenario, source: str | None = None) -> LoadResult:
    """Apply `scenario`; on any refusal restore the world as it was and raise ScenarioError."""
    source = source or scenario.name or "inline"
    with world.transaction(), gc_paused():  # as an API call: the state brought up to now first
        before = export_state(world)
        try:
            return _apply(world, scenario)
        except _Failure as failure:
            import_state(world, before)
            raise ScenarioError(source, [Problem(failure.path, failure.message)]) from None
        except BaseException:
            import_state(world, before)
            raise


def _apply(world: World, scenario: Scenario) -> LoadResult:
    result = LoadResult(name=scenario.name or "inline")
    _apply_settings(world, scenario)
    _apply_outcomes(world, scenario)
    result.access_keys += [AccessKey(k.key_id, k.key_secret, k.project_id) for k in scenario.access_keys]
    for index, spec in enumerate(scenario.projects):
        _apply_project(world, spec, f"projects[{index}]", result)
    result.faults = _apply_faults(world, scenario)
    return result


def _apply_faults(world: World, scenario: Scenario) -> list[str]:
    """Last, so nothing after it can be refused: the rules are not part of the saved state."""
    from mock_server.domain.faults import MAX_RULES

    if len(world.faults.rules) + len(scenario.faults) > MAX_RULES:
        raise _Failure("faults", f"at most {MAX_RULES} fault rules exist at once; "
                                 f"{len(world.faults.rules)} exist already")
    return [world.faults.add(spec).id for spec in scenario.faults]


def _apply_settings(world: World, scenario: Scenario) -> None:
    settings = world.settings
    for name in ("timings", "limits", "callbacks"):
        patch = getattr(scenario, name)
        if patch is not None:
            current = getattr(settings, name)
            try:  # validated as a whole: some knobs bound each other
                updated = type(current).model_validate({**current.model_dump(), **patch.model_dump(exclude_unset=True)})
            except ValidationError as error:
                raise _Failure(name, "; ".join(e["msg"].removeprefix("Value error, ") for e in error.errors())) \
                    from None
            setattr(settings, name, updated)
    if scenario.default_nnid is not None:
        settings.default_nnid = scenario.default_nnid


def _apply_outcomes(world: World, scenario: Scenario) -> None:
    """Outcomes, campaign and service-plan states hold in the projects the scenario declares;
    in every project when it declares none (docs/architecture.md, "Projects and isolation")."""
    from mock_server.domain.outcomes import NumberOutcome

    scopes = [world.outcomes.own(p.id) for p in scenario.projects] or [world.outcomes]
    outcomes = [(NumberOutcome(not_eligible=entry.not_eligible, invoices_rejected=entry.invoices_rejected,
                               osr=entry.osr, platform=entry.platform,
                               campaign=entry.campaign, carrier=dict(entry.carrier)), entry.phones())
                for entry in scenario.outcomes]
    for tables in scopes:
        for plan, state in scenario.service_plans.items():
            _set_or_clear(tables.service_plan_failures, plan, SERVICE_PLAN_STATES[state])
        for campaign, state in scenario.campaigns.items():
            _set_or_clear(tables.campaign_failures, campaign, CAMPAIGN_STATES[state])
        for outcome, phones in outcomes:
            for phone in phones:
                tables.overrides[phone.e164] = outcome


def _set_or_clear(table: dict[str, str], key: str, code: str | None) -> None:
    if code is None:
        table.pop(key, None)
    else:
        table[key] = code


def _apply_project(world: World, spec: ProjectSpec, path: str, result: LoadResult) -> None:
    project = world.project(spec.id)
    result.projects.append(spec.id)
    if spec.limits.import_order_numbers is not None:
        project.limits.import_order_numbers = spec.limits.import_order_numbers
    if spec.callback_secret is not None:
        project.callback_configuration.hmac_secret = spec.callback_secret
    if spec.blanket_loa:
        world.hosting_orders.approve_blanket_loa(spec.id)
    if spec.service_plans is not None:
        project.service_plans = list(spec.service_plans)
    result.access_keys += [AccessKey(k.key_id, k.key_secret, spec.id) for k in spec.access_keys]

    for index, entry in enumerate(spec.qualified_numbers):
        with _at(f"{path}.qualified_numbers[{index}]"):
            result.qualified_numbers += preload_qualified(world, spec.id, entry)
    for index, entry in enumerate(spec.imported_numbers):
        with _at(f"{path}.imported_numbers[{index}]"):
            result.imported_numbers += preload_imported(world, spec.id, entry)
    for index, order in enumerate(spec.hosting_orders):
        with _at(f"{path}.hosting_orders[{index}]"):
            made = preload_hosting_order(world, spec.id, order)
        if made.state != order.state:
            raise _Failure(f"{path}.hosting_orders[{index}]", made.why_not(order.state))
        result.hosting_orders.append(made)
