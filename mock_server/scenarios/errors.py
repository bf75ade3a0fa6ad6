"""Scenario errors that say which file, where in it, and what is wrong."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Iterable

from pydantic import ValidationError

if TYPE_CHECKING:  # yaml is imported where a file is read: `sinch-mock serve` starts without it
    import yaml

from mock_server.core.fieldpath import field_path, field_steps


@dataclass(frozen=True)
class Problem:
    path: str  # e.g. projects[0].imported_numbers[2].service_plan; "" for the whole document
    message: str
    line: int | None = None  # 1-based line in the file, when known

    def __str__(self) -> str:
        where = self.path
        if self.line is not None:
            where += f" (line {self.line})" if where else f"line {self.line}"
        return f"{where}: {self.message}" if where else self.message


class ScenarioError(ValueError):
    """A scenario that cannot be loaded. Nothing of it was applied."""

    def __init__(self, source: str, problems: Iterable[Problem]) -> None:
        self.source = source
        self.problems = list(problems)
        super().__init__(self.describe())

    def describe(self) -> str:
        lines = [f"scenario {self.source} was not loaded:"]
        lines += [f"  {problem}" for problem in self.problems]
        return "\n".join(lines)


_PLAIN_KEY = re.compile(r"^[A-Za-z0-9_+-]{1,64}$")  # a key name a problem in a file may quote
path_of = field_path  # `('projects', 0, 'limits')` -> `projects[0].limits`
_steps = field_steps


def _message(error: dict) -> str:
    message = error["msg"]
    if message.startswith("Value error, "):
        message = message[len("Value error, "):]
    if error["type"] == "extra_forbidden":
        message = "unknown key (check the spelling; docs/scenarios.md lists every key)"
    return message


def line_of(node: yaml.Node | None, loc: Iterable[Any]) -> int | None:
    """The 1-based line of the YAML node `loc` points at, or of its nearest parent in the file."""
    if node is None:
        return None
    import yaml

    found = node
    for part in _steps(loc):
        if isinstance(found, yaml.MappingNode):
            pair = next(((key, value) for key, value in found.value if key.value == str(part)), None)
            if pair is None:
                break
            found = pair[1]
        elif isinstance(found, yaml.SequenceNode) and isinstance(part, int) and part < len(found.value):
            found = found.value[part]
        else:
            break
    return found.start_mark.line + 1


def _masked(loc: Iterable[Any]) -> tuple[Any, ...]:
    return tuple(part if isinstance(part, int) or _PLAIN_KEY.match(str(part)) else "(key)" for part in _steps(loc))


def problems_from(error: ValidationError, node: yaml.Node | None = None, *,
                  mask_keys: bool = False) -> list[Problem]:
    """One problem per validation error; with `mask_keys`, a key that is not a plain name (it
    could be a line of a file that is no scenario) is shown as `(key)`."""
    return [Problem(path_of(_masked(e["loc"]) if mask_keys else e["loc"]), _message(e), line_of(node, e["loc"]))
            for e in error.errors()]
