"""Scenarios: YAML files that put the mock in the state a test needs (docs/scenarios.md).

    scenario = load_reference("10dlc-happy-path")       # a path, or a shipped scenario's name
    result = apply_scenario(world, scenario)              # all or nothing
"""

from mock_server.scenarios.apply import LoadResult, apply_scenario
from mock_server.scenarios.errors import Problem, ScenarioError
from mock_server.scenarios.format import Scenario
from mock_server.scenarios.loader import (
    ScenarioFiles,
    load_named,
    load_path,
    load_reference,
    parse_data,
    parse_text,
    shipped_dirs,
    shipped_names,
)

__all__ = [
    "LoadResult", "Problem", "Scenario", "ScenarioError", "ScenarioFiles", "apply_scenario", "load_named", "load_path",
    "load_reference", "parse_data", "parse_text", "shipped_dirs", "shipped_names",
]
