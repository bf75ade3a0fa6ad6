"""Control plane: the whole state (`GET`/`PUT /_mock/state`) and scenarios (`/_mock/scenarios...`).

`ScenarioHost` is the app's side of scenarios: it applies the start-up scenarios (`--scenario`,
`SINCH_MOCK_SCENARIO`) when the app is created and again after every reset, makes the
access keys a scenario declares work for the app's authenticator, and knows which files a
client may load by path (`ScenarioFiles`: the scenario directories and the start-up files).

Loading a scenario, exporting and importing the state are heavy jobs: they run in a worker
thread with the world to themselves (`mock_server.http.gate`), so `/_mock/health` keeps
answering while they run. A state document may be up to `MAX_STATE_BYTES`.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, AsyncIterator

from pydantic import BaseModel, ConfigDict, Field, TypeAdapter, ValidationError
from starlette.requests import Request
from starlette.responses import JSONResponse, StreamingResponse
from starlette.routing import Route

from mock_server.config import AccessKey
from mock_server.core.errors import FieldViolation, invalid_argument
from mock_server.core.jsontext import dismantle, encode_pieces
from mock_server.delivery.destinations import OWN_ADDRESS_MESSAGE, OwnAddress
from mock_server.domain.world import World
from mock_server.http.auth import Authenticator
from mock_server.http.bodies import json_object
from mock_server.http.common import check_destination, json_response, world_of
from mock_server.http.gate import heavy, off_loop
from mock_server.scenarios import (
    LoadResult,
    Problem,
    Scenario,
    ScenarioError,
    ScenarioFiles,
    apply_scenario,
    load_named,
    load_reference,
    parse_data,
    shipped_names,
)
from mock_server.core.fieldpath import field_path
from mock_server.state import StateError, export_state, import_state


class AccessKeyDoc(BaseModel):
    model_config = ConfigDict(extra="forbid", populate_by_name=True)

    key_id: str = Field(alias="keyId", min_length=1)
    key_secret: str = Field(alias="keySecret", min_length=1)
    project_id: str | None = Field(None, alias="projectId")


_KEY_LIST = TypeAdapter(list[AccessKeyDoc])


MAX_STATE_BYTES = 128 * 1024 * 1024  # a PUT /_mock/state document: a 100,000-number world fits


class ScenarioHost:
    def __init__(self, world: World, authenticator: Authenticator, startup: list[str],
                 scenario_dirs: list[str] | None = None) -> None:
        self.world = world
        self.authenticator = authenticator
        self.startup_keys = list(authenticator.keys.values())
        self.added_keys: dict[str, AccessKey] = {}  # key id -> key declared by a scenario or a state
        self.startup: list[Scenario] = [load_reference(reference) for reference in startup]
        self.files = ScenarioFiles([Path(d) for d in scenario_dirs or []],
                                   [Path(r) for r in startup if Path(r).is_file()])
        self.apply_startup()
        world.reset_hooks.append(self.on_reset)

    # --- scenarios ------------------------------------------------------------------------
    def apply(self, scenario: Scenario, source: str | None = None) -> LoadResult:
        result = apply_scenario(self.world, scenario, source)
        self.add_keys(result.access_keys)
        return result

    def check_startup(self, own: OwnAddress) -> None:
        """Raise ScenarioError when a start-up scenario sets a callback URL reaching the mock
        itself (called once the mock knows where it listens)."""
        for scenario in self.startup:
            problems = [Problem(path, OWN_ADDRESS_MESSAGE) for path, url in scenario.callback_urls() if own.refuses(url)]
            if problems:
                raise ScenarioError(scenario.name or "(start-up)", problems)

    def apply_startup(self) -> list[LoadResult]:
        return [self.apply(scenario) for scenario in self.startup]

    def on_reset(self) -> None:
        """After a reset: only the start-up keys, then the start-up scenarios again."""
        self.set_added_keys([])
        self.apply_startup()

    # --- keys -----------------------------------------------------------------------------
    def add_keys(self, keys: list[AccessKey]) -> None:
        self.authenticator.add_keys(keys)
        self.added_keys.update({k.key_id: k for k in keys})

    def set_added_keys(self, keys: list[AccessKey]) -> None:
        self.authenticator.remove_keys(list(self.added_keys))
        self.authenticator.add_keys(self.startup_keys)
        self.added_keys = {}
        self.add_keys(keys)

    def export_keys(self) -> list[dict[str, Any]]:
        return [AccessKeyDoc(key_id=k.key_id, key_secret=k.key_secret, project_id=k.project_id)
                .model_dump(by_alias=True) for k in self.added_keys.values()]


def _host(request: Request) -> ScenarioHost:
    return request.app.state.scenarios


def _scenario_error(error: ScenarioError) -> Exception:
    """400 naming the scenario; one field violation per problem (its path in the scenario)."""
    violations = [FieldViolation(p.path or "scenario", p.message if p.line is None else f"{p.message} (line {p.line})")
                  for p in error.problems]
    return invalid_argument(error.describe(), *violations)


# --- GET / PUT /_mock/state ---------------------------------------------------------------------
def export_document(world: World, host: ScenarioHost, *, encoded: bool = False) -> dict[str, Any]:
    """The whole state, with the access keys scenarios added (`GET /_mock/state`, --state-file);
    with `encoded`, its records already JSON text (for `encode_pieces`: see `export_state`)."""
    with world.lock:
        document = export_state(world, encoded=encoded)
        document["accessKeys"] = host.export_keys()
    return document


def import_document(world: World, host: ScenarioHost, data: dict[str, Any]) -> None:
    """Replace the whole state with `data` (checked completely first); StateError when bad.
    `data` is consumed: its access keys are taken out of it."""
    keys = _keys_of(data.pop("accessKeys", []))
    with world.lock:
        import_state(world, data)
        host.set_added_keys(keys)


async def get_state(request: Request) -> StreamingResponse:
    world, host = world_of(request), _host(request)

    def export() -> list[bytes]:
        document = export_document(world, host, encoded=True)
        pieces = [piece.encode() for piece in encode_pieces(document)]  # encoded here, off the event loop
        dismantle(document)
        return pieces

    pieces = await heavy(request, export)

    async def body() -> AsyncIterator[bytes]:
        for piece in pieces:
            yield piece

    return StreamingResponse(body(), media_type="application/json",
                             headers={"Content-Length": str(sum(len(p) for p in pieces))})


async def put_state(request: Request) -> JSONResponse:
    data = await json_object(request, limit=MAX_STATE_BYTES, large=True)
    world, host = world_of(request), _host(request)

    def restore() -> JSONResponse:
        try:
            import_document(world, host, data)
        except StateError as error:
            violations = [FieldViolation(path or "state", message) for path, message in error.problems[:100]]
            raise invalid_argument(f"The state was not imported (nothing changed): {_first(error)}",
                                   *violations) from None
        finally:
            dismantle(data)  # the models built from it are all that is kept
        return json_response({"status": "imported", "projects": len(world.projects),
                              "events": len(world.events.events)})

    return await heavy(request, restore)


def _first(error: StateError) -> str:
    shown = "; ".join(f"{path}: {message}" if path else message for path, message in error.problems[:5])
    more = len(error.problems) - 5
    return shown + (f" (and {more} more)" if more > 0 else "")


def _keys_of(raw: Any) -> list[AccessKey]:
    try:
        docs = _KEY_LIST.validate_python(raw)
    except ValidationError as error:
        raise StateError([(field_path(("accessKeys", *e["loc"])), e["msg"]) for e in error.errors()]) from None
    return [AccessKey(doc.key_id, doc.key_secret, doc.project_id) for doc in docs]


# --- scenarios ----------------------------------------------------------------------------------
LOAD_FIELDS = ("path", "name", "scenario")


def _requested_scenario(host: ScenarioHost, data: dict[str, Any]) -> tuple[Scenario, str]:
    """The scenario a load request names, and how to call it in errors (reads and parses the file:
    run it off the event loop)."""
    given = [name for name in LOAD_FIELDS if name in data]
    unknown = sorted(set(data) - set(LOAD_FIELDS))
    if len(given) != 1 or unknown:
        raise invalid_argument(
            'Give exactly one of {"path": ...}, {"name": ...} or {"scenario": {...}}',
            *(FieldViolation(name, "unknown field") for name in unknown),
            *(FieldViolation(name, "give only one of path, name, scenario") for name in given[1:]))
    kind, value = given[0], data[given[0]]
    if kind == "scenario":
        if not isinstance(value, dict):
            raise invalid_argument("scenario must be an object (the scenario itself, as in a YAML file)",
                                   FieldViolation("scenario", "must be an object"))
        scenario = parse_data(value, "(inline)", default_name="inline")
        return scenario, f"inline scenario {scenario.name}"
    if not isinstance(value, str) or not value:
        raise invalid_argument(f"{kind} must be a non-empty string", FieldViolation(kind, "must be a non-empty string"))
    return (host.files.load(value) if kind == "path" else load_named(value)), value


async def load_scenario(request: Request) -> JSONResponse:
    data = await json_object(request)
    host = _host(request)
    try:
        scenario, source = await off_loop(_requested_scenario, host, data)
        for path, url in scenario.callback_urls():  # as the API checks a callbackUrl it is given
            check_destination(request, url, field_name=path)
        result = await heavy(request, lambda: host.apply(scenario, source))
    except ScenarioError as error:
        raise _scenario_error(error) from None
    return json_response({"status": "loaded", **result.summary()})


async def list_scenarios(request: Request) -> JSONResponse:
    return json_response({"scenarios": shipped_names()})


control_routes = [
    Route("/_mock/state", get_state, methods=["GET"]),
    Route("/_mock/state", put_state, methods=["PUT"]),
    Route("/_mock/scenarios:load", load_scenario, methods=["POST"]),
    Route("/_mock/scenarios", list_scenarios, methods=["GET"]),
]
