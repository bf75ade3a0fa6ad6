"""Finding and reading scenarios: a file path, the name of a shipped scenario, or inline data.

The shipped scenarios live in the repository's `scenarios/` directory; an installed package
carries them as `mock_server/_scenarios` (pyproject's force-include). Both places are searched,
so a checkout (editable install) and an installed wheel behave alike.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

import mock_server
from mock_server.scenarios.errors import Problem, ScenarioError, problems_from
from mock_server.scenarios.format import Scenario

_PACKAGE_DIR = Path(mock_server.__file__).resolve().parent
SUFFIXES = (".yaml", ".yml")


def shipped_dirs() -> list[Path]:
    """Where shipped scenarios are looked for: the installed copy first, then the checkout."""
    candidates = [_PACKAGE_DIR / "_scenarios", _PACKAGE_DIR.parent / "scenarios"]
    return [d for d in candidates if d.is_dir()]


def shipped_names() -> list[str]:
    names = {p.stem for d in shipped_dirs() for p in d.iterdir() if p.suffix in SUFFIXES}
    return sorted(names)


def shipped_path(name: str) -> Path | None:
    for directory in shipped_dirs():
        for suffix in SUFFIXES:
            candidate = directory / f"{name}{suffix}"
            if candidate.is_file():
                return candidate
    return None


def parse_data(data: Any, source: str, *, node: yaml.Node | None = None,
               default_name: str | None = None) -> Scenario:
    """Validate already-parsed data (a dict) as a scenario."""
    if data is None:
        data = {}
    if not isinstance(data, dict):
        raise ScenarioError(source, [Problem("", "a scenario must be a mapping of keys (see docs/scenarios.md)",
                                             node.start_mark.line + 1 if node is not None else None)])
    try:
        scenario = Scenario.model_validate(data)
    except ValidationError as error:
        raise ScenarioError(source, problems_from(error, node)) from None
    if scenario.name is None:
        scenario.name = default_name or "inline"
    return scenario


def parse_text(text: str, source: str, *, default_name: str | None = None) -> Scenario:
    """YAML text as a scenario; errors name `source` and the line."""
    loader = yaml.SafeLoader(text)
    try:
        node = loader.get_single_node()
        data = loader.construct_document(node) if node is not None else None
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        problem = error.problem or error.context or "cannot be read"
        raise ScenarioError(source, [Problem("", f"not valid YAML: {problem}",
                                             mark.line + 1 if mark else None)]) from None
    except yaml.YAMLError as error:
        raise ScenarioError(source, [Problem("", f"not valid YAML: {error}")]) from None
    finally:
        loader.dispose()
    return parse_data(data, source, node=node, default_name=default_name)


def load_path(path: str | Path) -> Scenario:
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ScenarioError(str(path), [Problem("", "no such file")]) from None
    except (OSError, UnicodeDecodeError) as error:
        raise ScenarioError(str(path), [Problem("", f"cannot be read: {error}")]) from None
    return parse_text(text, str(path), default_name=path.stem)


def load_named(name: str) -> Scenario:
    path = shipped_path(name) if name and "/" not in name and "\\" not in name else None
    if path is None:
        shipped = ", ".join(shipped_names()) or "none found"
        raise ScenarioError(name, [Problem("", f"no shipped scenario is named {name!r} (shipped: {shipped})")])
    return load_path(path)


def load_reference(reference: str) -> Scenario:
    """What `--scenario` and SINCH_MOCK_SCENARIO accept: a file path, or a shipped scenario's name."""
    if Path(reference).is_file():
        return load_path(reference)
    if shipped_path(reference) is not None:
        return load_named(reference)
    shipped = ", ".join(shipped_names()) or "none found"
    raise ScenarioError(reference, [Problem("", f"no such file, and no shipped scenario of that name "
                                                f"(shipped: {shipped})")])
