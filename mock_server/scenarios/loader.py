"""Finding and reading scenarios: a file path, the name of a shipped scenario, or inline data.

The shipped scenarios live in the repository's `scenarios/` directory; an installed package
carries them as `mock_server/_scenarios` (pyproject's force-include). Both places are searched,
so a checkout (editable install) and an installed wheel behave alike.

A scenario file is read only when it is a regular file of at most `MAX_SCENARIO_BYTES` (a FIFO or
a device is never opened for reading). `ScenarioFiles` says which files a client may name
(`POST /_mock/scenarios:load {"path"}`): those under the scenario directories (the shipped ones
and `--scenario-dir`) and the start-up scenario files; a missing file and a refused one get the
same answer, and no error quotes what a refused file holds.
"""

from __future__ import annotations

import os
import re
import stat
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pydantic import ValidationError

if TYPE_CHECKING:  # yaml is imported where a file is read: `sinch-mock serve` starts without it
    import yaml

import mock_server
from mock_server.core.jsontext import MAX_JSON_DEPTH, JsonTextError, check_depth, check_text
from mock_server.scenarios.errors import Problem, ScenarioError, problems_from
from mock_server.scenarios.format import Scenario

_PACKAGE_DIR = Path(mock_server.__file__).resolve().parent
SUFFIXES = (".yaml", ".yml")
MAX_SCENARIO_BYTES = 1024 * 1024  # a scenario file is at most this long
MAX_SCENARIO_NUMBERS = 100_000  # numbers one scenario may declare, all entries together
MAX_SCENARIO_NODES = 1_000_000  # values in a scenario file, its YAML aliases expanded


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
               default_name: str | None = None, from_file: bool = False) -> Scenario:
    """Validate already-parsed data (a dict) as a scenario.

    Its numbers are counted first: more than MAX_SCENARIO_NUMBERS is refused before any is built.
    Problems in a file (`from_file`) quote no more of it than a key name.
    """
    if data is None:
        data = {}
    if not isinstance(data, dict):
        raise ScenarioError(source, [Problem("", "a scenario must be a mapping of keys (see docs/scenarios.md)",
                                             node.start_mark.line + 1 if node is not None else None)])
    try:
        check_text(data)
    except JsonTextError as error:
        raise ScenarioError(source, [Problem("", "holds text that is not valid Unicode" if from_file
                                             else str(error))]) from None
    too_many = numbers_declared(data) - MAX_SCENARIO_NUMBERS
    if too_many > 0:
        raise ScenarioError(source, [Problem("", f"declares {too_many + MAX_SCENARIO_NUMBERS:,} numbers; a scenario "
                                                 f"may declare at most {MAX_SCENARIO_NUMBERS:,}")])
    try:
        scenario = Scenario.model_validate(data)
    except ValidationError as error:
        raise ScenarioError(source, problems_from(error, node, mask_keys=from_file)) from None
    if scenario.name is None:
        scenario.name = default_name or "inline"
    return scenario


def parse_text(text: str, source: str, *, default_name: str | None = None, from_file: bool = False) -> Scenario:
    """YAML text as a scenario; errors name `source` and the line."""
    import yaml

    loader = yaml.SafeLoader(text)
    try:
        node = loader.get_single_node()
        if node is not None and expanded_size(node) > MAX_SCENARIO_NODES:
            raise ScenarioError(source, [Problem("", f"has more than {MAX_SCENARIO_NODES:,} values once its "
                                                     "aliases are expanded")])
        data = loader.construct_document(node) if node is not None else None
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        problem = error.problem or error.context or "cannot be read"
        if from_file:  # quote a character, never a piece of the file (a tag, an alias name)
            problem = re.sub(r"(tag|alias|anchor|handle|directive) '[^']*'", r"\1 '...'", problem)
        raise ScenarioError(source, [Problem("", f"not valid YAML: {problem}",
                                             mark.line + 1 if mark else None)]) from None
    except yaml.YAMLError as error:
        raise ScenarioError(source, [Problem("", "not valid YAML" if from_file else f"not valid YAML: {error}")]) \
            from None
    except RecursionError:
        raise ScenarioError(source, [Problem("", f"is nested more than {MAX_JSON_DEPTH} levels deep")]) from None
    finally:
        loader.dispose()
    try:
        check_depth(data)
    except JsonTextError as error:
        raise ScenarioError(source, [Problem("", str(error))]) from None
    return parse_data(data, source, node=node, default_name=default_name, from_file=from_file)


def expanded_size(root: yaml.Node) -> int:
    """How many nodes the document has once every alias is expanded (a "billion laughs" file is
    small but huge expanded); counted without recursion, each shared node once. A document that
    contains itself counts as too large."""
    import yaml

    too_many = MAX_SCENARIO_NODES + 1
    sizes: dict[int, int] = {}
    open_nodes: set[int] = set()
    stack: list[tuple[yaml.Node, bool]] = [(root, False)]
    while stack:
        node, children_done = stack.pop()
        children = _children(node, yaml.SequenceNode, yaml.MappingNode)
        if children_done:
            open_nodes.discard(id(node))
            sizes[id(node)] = min(1 + sum(sizes[id(c)] for c in children), too_many)
            continue
        if id(node) in sizes:
            continue
        if id(node) in open_nodes:
            return too_many
        open_nodes.add(id(node))
        stack.append((node, True))
        stack.extend((c, False) for c in children if id(c) not in sizes)
    return sizes[id(root)]


def _children(node: yaml.Node, sequence: type, mapping: type) -> list[yaml.Node]:
    if isinstance(node, sequence):
        return list(node.value)
    if isinstance(node, mapping):
        return [part for pair in node.value for part in pair]
    return []


def numbers_declared(data: dict[str, Any]) -> int:
    """How many numbers the raw scenario data declares (ranges by their count, nothing built)."""
    entries = [entry for entry in _list(data.get("outcomes"))]
    for project in _list(data.get("projects")):
        if isinstance(project, dict):
            for kind in ("qualified_numbers", "imported_numbers", "hosting_orders"):
                entries += _list(project.get(kind))
    total = 0
    for entry in entries:
        if not isinstance(entry, dict):
            continue
        numbers, numbers_range = entry.get("numbers"), entry.get("range")
        total += "number" in entry
        total += len(numbers) if isinstance(numbers, list) else 0
        if isinstance(numbers_range, dict) and isinstance(numbers_range.get("count"), int):
            total += max(numbers_range["count"], 0)
    return total


def _list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else []


def read_scenario_file(path: Path) -> str:
    """The text of a regular file of at most MAX_SCENARIO_BYTES; ScenarioError otherwise."""
    source = str(path)
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0))
    except FileNotFoundError:
        raise ScenarioError(source, [Problem("", "no such file")]) from None
    except OSError as error:
        raise ScenarioError(source, [Problem("", f"cannot be read: {error.strerror}")]) from None
    info = os.fstat(fd)
    if not stat.S_ISREG(info.st_mode):
        os.close(fd)
        raise ScenarioError(source, [Problem("", "is not a regular file")])
    with os.fdopen(fd, "rb") as file:
        if info.st_size > MAX_SCENARIO_BYTES:
            raise ScenarioError(source, [Problem("", f"is larger than {MAX_SCENARIO_BYTES // 1024} KiB")])
        data = file.read(MAX_SCENARIO_BYTES + 1)
    if len(data) > MAX_SCENARIO_BYTES:
        raise ScenarioError(source, [Problem("", f"is larger than {MAX_SCENARIO_BYTES // 1024} KiB")])
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        raise ScenarioError(source, [Problem("", "is not UTF-8 text")]) from None


def load_path(path: str | Path) -> Scenario:
    """A scenario file the operator names (`--scenario`); see ScenarioFiles for clients."""
    path = Path(path)
    return parse_text(read_scenario_file(path), str(path), default_name=path.stem)


class ScenarioFiles:
    """The scenario files a client may load by path: regular files under `directories` (the
    shipped ones first), and `files` (the start-up scenarios)."""

    def __init__(self, directories: list[Path] | None = None, files: list[Path] | None = None) -> None:
        self.directories = [d.resolve() for d in [*shipped_dirs(), *(directories or [])]]
        self.files = {f.resolve() for f in files or []}

    def find(self, text: str) -> Path:
        """The regular file `text` names: absolute, or relative to a scenario directory;
        ScenarioError with one message whether it is missing, elsewhere or not a regular file."""
        given = Path(text)
        candidates = [given] if given.is_absolute() else [d / given for d in self.directories]
        for candidate in candidates:
            try:
                real = candidate.resolve(strict=True)
            except (OSError, RuntimeError, ValueError):
                continue
            allowed = real in self.files or any(real.is_relative_to(d) for d in self.directories)
            if allowed and real.is_file():  # a directory, FIFO or device is never opened
                return real
        raise ScenarioError(text, [Problem("", "no such scenario file in the scenario directories "
                                               "(the shipped ones and --scenario-dir)")])

    def load(self, text: str) -> Scenario:
        path = self.find(text)
        try:
            return parse_text(read_scenario_file(path), text, default_name=path.stem, from_file=True)
        except ScenarioError as error:
            raise ScenarioError(text, error.problems) from None


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
