"""Which project holds each number: one lookup for the rule "a number is hosted once".

A number is held by a project while it is imported there or in a running hosting order of
that project; any other project's import or hosting order of it is a 409. `NumberHolders` is the
world's map from number to holder, kept in step by the containers themselves: every project in
`World.projects` hands its `imported_numbers` and `running_order_by_number` to the map
(`Projects`), and those dicts report every key they gain or lose, by whatever path (the API,
hosting orders finishing, scenario loads, state imports, resets). Nothing else writes the map.
"""

from __future__ import annotations

from collections import Counter
from typing import Any, Iterable

from mock_server.core.sorted_index import ObservedDict
from mock_server.domain.project import Project


class NumberHolders:
    """number -> the project holding it. A number held once (the rule) maps to the project id;
    one held several times (imported and still in its finishing order, or a state document
    that gives it to two projects) maps to a Counter of holdings per project."""

    def __init__(self) -> None:
        self._by_number: dict[str, str | Counter[str]] = {}

    def add(self, phone: str, project_id: str) -> None:
        held = self._by_number.get(phone)
        if held is None:
            self._by_number[phone] = project_id
        elif isinstance(held, Counter):
            held[project_id] += 1
        else:
            self._by_number[phone] = Counter({held: 1}) + Counter({project_id: 1})

    def remove(self, phone: str, project_id: str) -> None:
        held = self._by_number.get(phone)
        if held is None:
            return
        if not isinstance(held, Counter):
            if held == project_id:
                del self._by_number[phone]
            return
        held[project_id] -= 1
        if held[project_id] <= 0:
            del held[project_id]
        if sum(held.values()) == 1:
            self._by_number[phone] = next(iter(held))
        elif not held:
            del self._by_number[phone]

    def held_elsewhere(self, phone: str, project_id: str) -> bool:
        """Whether a project other than `project_id` holds `phone`."""
        held = self._by_number.get(phone)
        if held is None:
            return False
        if isinstance(held, Counter):
            return any(holder != project_id for holder in held)
        return held != project_id

    def holdings(self) -> dict[str, Counter[str]]:
        """Every number and its holdings per project (for checks and tests)."""
        return {phone: held.copy() if isinstance(held, Counter) else Counter({held: 1})
                for phone, held in self._by_number.items()}

    @staticmethod
    def count(projects: Iterable[Project]) -> dict[str, Counter[str]]:
        """The same, counted from the projects themselves: what `holdings` must always equal."""
        found: dict[str, Counter[str]] = {}
        for project in projects:
            for phone in (*project.imported_numbers, *project.running_order_by_number):
                found.setdefault(phone, Counter())[project.project_id] += 1
        return found


class _Holding:
    """The observer of one project's containers: reports their numbers as that project's."""

    __slots__ = ("holders", "project_id")

    def __init__(self, holders: NumberHolders, project_id: str) -> None:
        self.holders, self.project_id = holders, project_id

    def added(self, key: Any) -> None:
        self.holders.add(key, self.project_id)

    def removed(self, key: Any) -> None:
        self.holders.remove(key, self.project_id)


class Projects(ObservedDict[str, Project]):
    """The world's projects (id -> project). A project put in hands its held numbers to `holders`;
    one taken out (or replaced) takes them back."""

    def __init__(self, holders: NumberHolders) -> None:
        super().__init__()
        self.holders = holders

    def _added(self, project_id: str, project: Project) -> None:
        holding = _Holding(self.holders, project.project_id)
        for held in (project.imported_numbers, project.running_order_by_number):
            held.observe(holding)  # type: ignore[attr-defined]

    def _removed(self, project_id: str, project: Project) -> None:
        for held in (project.imported_numbers, project.running_order_by_number):
            held.observe(None)  # type: ignore[attr-defined]
