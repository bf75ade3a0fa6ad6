"""The whole state of a world as one JSON document, and back.

`export_state(world)` writes everything a run consists of: the clock, the random generator,
the settings, the outcome overrides, every project with its records, the pending scheduled
jobs, the callback events (the delivery ledger) and the request journal. `import_state`
validates a whole document first (every setting within its bounds, the clock and every instant
within the clock's range, random stream positions the generator can stand at, journal entries of
the journal's shape) and only then replaces the world's state with it, built from the validated
document, so a bad document changes nothing. Export, reset, import, export gives the same document (with a
flowing clock, `clock.now` differs by the real time that passed; freeze the clock first for a
byte-exact round trip).
"""

from __future__ import annotations

import random
from functools import lru_cache
from datetime import datetime
from typing import Annotated, Any, TypeVar

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, TypeAdapter, ValidationError, field_validator
from pydantic.alias_generators import to_camel

from mock_server.core.fieldpath import field_path
from mock_server.core.gcpause import gc_paused
from mock_server.core.jsontext import EncodedJson
from mock_server.core.rng import check_position
from mock_server.core.timefmt import EARLIEST, LATEST
from mock_server.domain.events import CallbackEvent
from mock_server.domain.hosting_orders.model import HostingOrder
from mock_server.domain.imported_numbers.model import ImportedNumber
from mock_server.domain.outcomes import NumberOutcome
from mock_server.domain.project import Project
from mock_server.domain.qualified_numbers.model import QualifiedNumber
from mock_server.domain.settings import Settings
from mock_server.domain.world import JOURNAL_LIMIT, World

STATE_VERSION = 2
# Version 1 named the fields of records and ledger events the Python way (`phone_number`);
# such a document is still read (every record takes either name).
READ_VERSIONS = (1, STATE_VERSION)
M = TypeVar("M", bound=BaseModel)


class StateError(ValueError):
    """A state document that cannot be imported; `problems` are (path, what is wrong)."""

    def __init__(self, problems: list[tuple[str, str]]) -> None:
        self.problems = problems
        super().__init__("; ".join(f"{path}: {message}" if path else message for path, message in problems))


class _Doc(BaseModel):
    model_config = ConfigDict(extra="forbid", populate_by_name=True, allow_inf_nan=False)


def _in_range(value: datetime) -> datetime:
    if value.tzinfo is None:
        raise ValueError("needs a time zone offset")
    if not EARLIEST <= value <= LATEST:
        raise ValueError(f"must be between {EARLIEST.date().isoformat()} and {LATEST.date().isoformat()}")
    return value


Instant = Annotated[datetime, AfterValidator(_in_range)]
MAX_SEED = 2**64


class ClockDoc(_Doc):
    now: Instant
    frozen: bool


MAX_STREAMS = 1_000_000  # random streams in a state document (a few per project)
StreamName = Annotated[str, Field(max_length=256)]


class RngDoc(_Doc):
    seed: int = Field(ge=0, lt=MAX_SEED)
    # Where each random stream stands: name (`purpose` or `purpose/projectId`) -> [blocks, bits].
    streams: dict[StreamName, tuple[int, int]] = Field(default_factory=dict, max_length=MAX_STREAMS)
    # The single generator of documents written before the streams: accepted, not carried over
    # (each stream starts from the seed).
    state: tuple[int, tuple[int, ...], float | None] | None = None

    @field_validator("streams")
    @classmethod
    def _positions(cls, value: dict[str, tuple[int, int]]) -> dict[str, tuple[int, int]]:
        for name, position in value.items():
            try:
                check_position(position)
            except ValueError as error:
                raise ValueError(f"{name!r}: {error}") from None
        return value

    @field_validator("state")
    @classmethod
    def _accepted(cls, value: tuple | None) -> tuple | None:
        """A state the generator took (Mersenne Twister: version 3, 624 words and a position)."""
        if value is None:
            return value
        version, internal, gauss = value
        if version != 3 or len(internal) != 625 or not all(0 <= word < 2**32 for word in internal) \
                or internal[-1] > 624:
            raise ValueError("is not a random generator state (as GET /_mock/state exports it)")
        try:
            random.Random().setstate((version, tuple(internal), gauss))
        except (TypeError, ValueError, OverflowError):
            raise ValueError("is not a random generator state (as GET /_mock/state exports it)") from None
        return value


class JobDoc(_Doc):
    due: datetime
    seq: int = Field(ge=0, lt=2**63)
    kind: str
    project_id: str = Field(alias="projectId")
    data: dict[str, Any] = {}

    @field_validator("due")
    @classmethod
    def _aware(cls, value: datetime) -> datetime:
        if value.tzinfo is None:
            raise ValueError("needs a time zone offset")
        return value


class JournalMessageDoc(_Doc):
    """The request or the response of a journal entry (docs/control-plane.md)."""

    headers: dict[str, str] = {}
    body: str = Field("", max_length=64 * 1024)
    body_size: int = Field(0, ge=0, alias="bodySize")
    body_truncated: bool = Field(False, alias="bodyTruncated")


class JournalEntryDoc(_Doc):
    """One entry of the request journal, as `GET /_mock/requests` shows it."""

    method: str
    path: str
    query: str
    status: int | None = Field(ge=100, le=599)  # None: an injected fault closed the connection
    time: str
    project_id: str | None = Field(alias="projectId")
    duration_ms: float | None = Field(None, ge=0, alias="durationMs")
    control: bool = False
    request: "JournalMessageDoc | None" = None
    response: "JournalMessageDoc | None" = None
    fault: dict[str, Any] | None = None

    @field_validator("time")
    @classmethod
    def _instant(cls, value: str) -> str:
        from mock_server.core.timefmt import parse_rfc3339

        parse_rfc3339(value)
        return value


class OutcomeTablesDoc(_Doc):
    overrides: dict[str, NumberOutcome] = {}
    campaign_failures: dict[str, str] = Field(default_factory=dict, alias="campaignFailures")
    service_plan_failures: dict[str, str] = Field(default_factory=dict, alias="servicePlanFailures")


class OutcomesDoc(OutcomeTablesDoc):
    """The world-wide tables, and each project's own (`projects`, left out before they existed)."""

    projects: dict[str, OutcomeTablesDoc] = {}


class StateDocument(_Doc):
    version: int
    clock: ClockDoc
    rng: RngDoc
    settings: Settings
    outcomes: OutcomesDoc
    # Filled in by validate_state, record by record (see DOCUMENT_ITEMS and PROJECT_RECORDS).
    projects: dict[str, Project] = {}
    jobs: list[JobDoc] = []
    events: list[CallbackEvent] = []
    journal: list[JournalEntryDoc] = []

    @field_validator("version")
    @classmethod
    def _known_version(cls, value: int) -> int:
        if value not in READ_VERSIONS:
            raise ValueError(f"version {value} is not supported; this mock reads versions "
                             f"{', '.join(map(str, READ_VERSIONS))}")
        return value


# The large collections of a state: validated and exported one record at a time, so no single
# call holds the interpreter for seconds (the event loop keeps serving meanwhile). Keyed by the
# project's field name; a document names them in camelCase (`importedNumbers`).
PROJECT_RECORDS: dict[str, type] = {
    "imported_numbers": ImportedNumber, "qualified_numbers": QualifiedNumber, "hosting_orders": HostingOrder}
RECORDS_KEY = {name: to_camel(name) for name in PROJECT_RECORDS}
DOCUMENT_ITEMS: dict[str, type[BaseModel]] = {"jobs": JobDoc, "events": CallbackEvent, "journal": JournalEntryDoc}
MAX_PROBLEMS = 100  # problems named in one refusal


def project_json(project: Project, *, encoded: bool = False) -> dict[str, Any]:
    """`project.model_dump(mode="json", by_alias=True)`, its records dumped one by one; with
    `encoded`, each record is its JSON text (`EncodedJson`, the same text `encode_pieces` would
    write for its dump, made by pydantic's serializer in one step)."""
    head = project.model_dump(mode="json", by_alias=True, exclude=set(PROJECT_RECORDS))
    return {to_camel(name): {key: _record_json(record, encoded) for key, record in getattr(project, name).items()}
            if name in PROJECT_RECORDS else head[to_camel(name)] for name in Project.model_fields}


def _record_json(record: Any, encoded: bool) -> Any:
    adapter = _adapter(type(record))
    if encoded:
        return EncodedJson(adapter.dump_json(record, by_alias=True).decode())
    return adapter.dump_python(record, mode="json", by_alias=True)


@lru_cache(maxsize=None)
def _adapter(model: type) -> TypeAdapter:
    """Validation and dumps of a record type: a pydantic model or a slotted dataclass record."""
    return TypeAdapter(model)


def export_state(world: World, *, encoded: bool = False) -> dict[str, Any]:
    """The state document; with `encoded`, its records are `EncodedJson` texts (for
    `encode_pieces`, which writes them as they are; `json.dumps` would not)."""
    with world.lock:
        return {
            "version": STATE_VERSION,
            "clock": world.clock.snapshot(),
            "rng": {"seed": world.rng.seed, "streams": world.rng.positions()},
            "settings": world.settings.model_dump(mode="json"),
            "outcomes": world.outcomes.export(),
            "projects": {pid: project_json(p, encoded=encoded) for pid, p in world.projects.items()},
            "jobs": world.scheduler.export(),
            "events": world.events.export(),
            # the API's calls; control-plane calls (reset, this import) are not part of a state
            "journal": [dict(entry) for entry in world.journal if not entry.get("control")],
        }


def _problems(error: ValidationError, *prefix: Any) -> list[tuple[str, str]]:
    return [(field_path((*prefix, *e["loc"])), e["msg"].removeprefix("Value error, ")) for e in error.errors()]


def _validated(model: type[M], data: Any, problems: list[tuple[str, str]], *prefix: Any) -> M | None:
    try:
        return _adapter(model).validate_python(data)
    except ValidationError as error:
        problems += _problems(error, *prefix)
        return None


def _each(model: type[M], items: Any, problems: list[tuple[str, str]], *prefix: Any) -> list[M]:
    """A list of `model`, validated item by item."""
    if not isinstance(items, list):
        problems.append((field_path(prefix), "must be a list"))
        return []
    found = [_validated(model, item, problems, *prefix, i) for i, item in enumerate(items)]
    return [item for item in found if item is not None]


def _project(raw: Any, problems: list[tuple[str, str]], key: str) -> Project | None:
    """One project, its records validated one by one."""
    if not isinstance(raw, dict):
        problems.append((f"projects.{key}", "must be an object (a project as GET /_mock/state exports it)"))
        return None
    names = {RECORDS_KEY[name] if RECORDS_KEY[name] in raw else name: name for name in PROJECT_RECORDS}
    records = {name: raw.get(given, {}) for given, name in names.items()}
    project = _validated(Project, {k: v for k, v in raw.items() if k not in names}, problems, "projects", key)
    for given, name in names.items():
        model = PROJECT_RECORDS[name]
        if not isinstance(records[name], dict):
            problems.append((f"projects.{key}.{given}", "must be an object"))
            continue
        valid = {}
        for record_key, record in records[name].items():
            item = _validated(model, record, problems, "projects", key, given, record_key)
            if item is not None:
                valid[record_key] = item
        if project is not None:
            setattr(project, name, valid)
    if project is not None:
        project.model_post_init(None)  # the records go into their lists' indexes
    return project


def validate_state(world: World, document: Any) -> StateDocument:
    """The document, checked completely; raises StateError naming every problem (the first
    MAX_PROBLEMS of them). Large collections are checked record by record."""
    if not isinstance(document, dict):
        raise StateError([("", "the state must be a JSON object (as GET /_mock/state returns)")])
    problems: list[tuple[str, str]] = []
    small = {k: v for k, v in document.items() if k not in DOCUMENT_ITEMS and k != "projects"}
    for name in ("projects", "jobs", "events"):
        if name not in document:
            problems.append((name, "Field required"))
    parsed = _validated(StateDocument, small, problems)
    items = {name: _each(model, document.get(name, []), problems, name) for name, model in DOCUMENT_ITEMS.items()}
    if len(items["journal"]) > JOURNAL_LIMIT:
        problems.append(("journal", f"holds more than {JOURNAL_LIMIT} entries"))
    raw_projects = document.get("projects", {})
    projects: dict[str, Project] = {}
    if not isinstance(raw_projects, dict):
        problems.append(("projects", "must be an object: project id -> project"))
    else:
        for key, raw in raw_projects.items():
            project = _project(raw, problems, key)
            if project is not None:
                projects[key] = project
                if project.project_id != key:
                    problems.append((f"projects.{key}.projectId", f"is {project.project_id!r}, not the key {key!r}"))
    if not problems:  # the shape first; what the content means once the shape is right
        known_kinds = world.scheduler.kinds()
        problems += [(f"jobs[{i}].kind", f"no handler for job kind {job.kind!r}")
                     for i, job in enumerate(items["jobs"]) if job.kind not in known_kinds]
    if problems or parsed is None:
        raise StateError(problems[:MAX_PROBLEMS] + ([("", f"and {len(problems) - MAX_PROBLEMS} more problems")]
                                                    if len(problems) > MAX_PROBLEMS else []))
    parsed.projects = projects
    parsed.jobs, parsed.events, parsed.journal = items["jobs"], items["events"], items["journal"]  # type: ignore
    return parsed


def import_state(world: World, document: Any) -> None:
    """Replace the world's whole state with `document` (validated first: all or nothing)."""
    with world.lock, gc_paused():
        parsed = validate_state(world, document)
        world.clock.restore({"now": parsed.clock.now.isoformat(), "frozen": parsed.clock.frozen})
        world.rng.restore(parsed.rng.seed, parsed.rng.streams)
        world.settings = parsed.settings
        world.outcomes.restore(parsed.outcomes.model_dump(by_alias=True))
        world.drop_projects()
        world.projects.update(parsed.projects)
        world.scheduler.restore([{"due": job.due.isoformat(), "seq": job.seq, "kind": job.kind,
                                  "projectId": job.project_id, "data": job.data} for job in parsed.jobs])
        world.events.restore(parsed.events)
        world.journal[:] = [entry.model_dump(by_alias=True, exclude_unset=True) for entry in parsed.journal]
        world.journal_dropped = 0
