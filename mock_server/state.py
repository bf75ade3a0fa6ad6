"""The whole state of a world as one JSON document, and back.

`export_state(world)` writes everything a run consists of: the clock, the random generator,
the settings, the outcome overrides, every project with its records, the pending scheduled
jobs, the callback events (the delivery ledger) and the request journal. `import_state`
validates a whole document first and only then replaces the world's state with it, so a bad
document changes nothing. Export, reset, import, export gives the same document (with a
flowing clock, `clock.now` differs by the real time that passed; freeze the clock first for a
byte-exact round trip).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

import pydantic_core
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from mock_server.core.gcpause import gc_paused
from mock_server.domain.events import CallbackEvent
from mock_server.domain.outcomes import NumberOutcome
from mock_server.domain.project import Project
from mock_server.domain.settings import Settings
from mock_server.domain.world import World

STATE_VERSION = 1


class StateError(ValueError):
    """A state document that cannot be imported; `problems` are (path, what is wrong)."""

    def __init__(self, problems: list[tuple[str, str]]) -> None:
        self.problems = problems
        super().__init__("; ".join(f"{path}: {message}" if path else message for path, message in problems))


class _Doc(BaseModel):
    model_config = ConfigDict(extra="forbid", populate_by_name=True)


class ClockDoc(_Doc):
    now: datetime
    frozen: bool

    @field_validator("now")
    @classmethod
    def _aware(cls, value: datetime) -> datetime:
        if value.tzinfo is None:
            raise ValueError("needs a time zone offset")
        return value


class RngDoc(_Doc):
    seed: int
    state: tuple[int, tuple[int, ...], float | None]


class JobDoc(_Doc):
    due: datetime
    seq: int = Field(ge=0)
    kind: str
    project_id: str = Field(alias="projectId")
    data: dict[str, Any] = {}


class OutcomesDoc(_Doc):
    overrides: dict[str, NumberOutcome] = {}
    campaign_failures: dict[str, str] = Field(default_factory=dict, alias="campaignFailures")
    service_plan_failures: dict[str, str] = Field(default_factory=dict, alias="servicePlanFailures")


class StateDocument(_Doc):
    version: int
    clock: ClockDoc
    rng: RngDoc
    settings: Settings
    outcomes: OutcomesDoc
    projects: dict[str, Project]
    jobs: list[JobDoc]
    events: list[CallbackEvent]
    journal: list[dict[str, Any]] = []

    @field_validator("version")
    @classmethod
    def _known_version(cls, value: int) -> int:
        if value != STATE_VERSION:
            raise ValueError(f"version {value} is not supported; this mock reads version {STATE_VERSION}")
        return value


def export_state(world: World) -> dict[str, Any]:
    with world.lock:
        return _document(world, {pid: p.model_dump(mode="json") for pid, p in world.projects.items()})


def export_state_json(world: World, **more: Any) -> bytes:
    """`export_state(world)` (plus `more` keys) as JSON: the projects go to text in one pass of
    pydantic's serializer instead of a dump to dicts and then to text (several times faster for
    a large state)."""
    with world.lock:
        return pydantic_core.to_json({**_document(world, world.projects), **more})


def _document(world: World, projects: dict[str, Any]) -> dict[str, Any]:
    version, internal, gauss = world.rng.state()  # type: ignore[misc]
    return {
        "version": STATE_VERSION,
        "clock": world.clock.snapshot(),
        "rng": {"seed": world.rng.seed, "state": [version, list(internal), gauss]},
        "settings": world.settings.model_dump(mode="json"),
        "outcomes": world.outcomes.export(),
        "projects": projects,
        "jobs": world.scheduler.export(),
        "events": world.events.export(),
        "journal": [dict(entry) for entry in world.journal],
    }


def _path(loc: tuple) -> str:
    path = ""
    for part in loc:
        path += f"[{part}]" if isinstance(part, int) else (f".{part}" if path else str(part))
    return path


def validate_state(world: World, document: Any) -> StateDocument:
    """The document, checked completely; raises StateError naming every problem."""
    if not isinstance(document, dict):
        raise StateError([("", "the state must be a JSON object (as GET /_mock/state returns)")])
    try:
        parsed = StateDocument.model_validate(document)
    except ValidationError as error:
        raise StateError([(_path(e["loc"]), e["msg"]) for e in error.errors()]) from None
    problems = []
    known_kinds = world.scheduler.kinds()
    for i, job in enumerate(parsed.jobs):
        if job.kind not in known_kinds:
            problems.append((f"jobs[{i}].kind", f"no handler for job kind {job.kind!r}"))
    for key, project in parsed.projects.items():
        if project.project_id != key:
            problems.append((f"projects.{key}.project_id", f"is {project.project_id!r}, not the key {key!r}"))
    if problems:
        raise StateError(problems)
    return parsed


def import_state(world: World, document: Any) -> None:
    """Replace the world's whole state with `document` (validated first: all or nothing)."""
    with world.lock, gc_paused():
        parsed = validate_state(world, document)
        world.clock.restore(document["clock"])
        world.rng.reseed(parsed.rng.seed)
        version, internal, gauss = parsed.rng.state
        world.rng.set_state((version, tuple(internal), gauss))
        world.settings = parsed.settings
        world.outcomes.restore(document["outcomes"])
        world.projects.clear()
        world.projects.update(parsed.projects)
        world.scheduler.restore(document["jobs"])
        world.events.restore(document["events"])
        world.journal[:] = [dict(entry) for entry in parsed.journal]

