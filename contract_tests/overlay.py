"""The errata overlay: machine-readable corrections of the real spec, applied in memory.

`contract_tests/overlay.yaml` maps errata ids (each with its twin in docs/errata.md) to entries.
An entry may hold any of these sections:

- `responses`: status codes an operation answers but does not declare. Each item names the
  operations (`all`, or a list of operationIds, optionally with `except`), the codes (4xx only:
  the overlay may never make a success or a server error acceptable) and the schema of the body.
  A code the spec already declares for an operation is an error: the overlay only adds.
- `patches`: JSON-patch-like edits of the spec (`add`, `replace`, `remove`, `merge`), each with
  a JSON pointer into the document; `replace`/`remove`/`merge` need the target to exist.
- `links`: OpenAPI links (the spec has none) so schemathesis chains calls in stateful tests.
- `examples`: exceptions for the example-fidelity tests (`rename` a field, excuse an `absent`
  one, `skip_parameters` of the list calls), each with the JSON pointer of the example.

Nothing here touches the vendored file: `patched_spec()` returns a corrected deep copy.
"""

from __future__ import annotations

import copy
import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any, Iterator

import yaml

from mock_server.spec import spec_document

OVERLAY_PATH = Path(__file__).with_name("overlay.yaml")
ERRATA_PATH = Path(__file__).resolve().parent.parent / "docs" / "errata.md"
ERRATA_ID = re.compile(r"^E-[A-Z]+-\d+$")
HTTP_METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "trace")
SECTIONS = {"title", "responses", "patches", "links", "examples"}


class OverlayError(ValueError):
    """The overlay is malformed or does not fit the spec."""


# --- JSON pointers --------------------------------------------------------------------------
def pointer_tokens(pointer: str) -> list[str]:
    if pointer == "":
        return []
    if not pointer.startswith("/"):
        raise OverlayError(f"{pointer!r} is not a JSON pointer")
    return [t.replace("~1", "/").replace("~0", "~") for t in pointer[1:].split("/")]


def resolve(document: Any, pointer: str) -> Any:
    node = document
    for token in pointer_tokens(pointer):
        if isinstance(node, list):
            node = node[int(token)]
        elif isinstance(node, dict) and token in node:
            node = node[token]
        else:
            raise KeyError(pointer)
    return node


def exists(document: Any, pointer: str) -> bool:
    try:
        resolve(document, pointer)
    except (KeyError, IndexError, ValueError):
        return False
    return True


def escape(token: str) -> str:
    return token.replace("~", "~0").replace("/", "~1")


# --- operations -------------------------------------------------------------------------------
def iter_operations(spec: dict) -> Iterator[tuple[str, str, str, dict]]:
    """(operationId, method, path, operation object) for every operation of the spec."""
    for path, item in spec.get("paths", {}).items():
        for method in HTTP_METHODS:
            if method in item:
                operation = item[method]
                yield operation["operationId"], method, path, operation


def operation_pointer(spec: dict, operation_id: str) -> str:
    for op_id, method, path, _ in iter_operations(spec):
        if op_id == operation_id:
            return f"/paths/{escape(path)}/{method}"
    raise OverlayError(f"no operation {operation_id!r} in the spec")


# --- the overlay --------------------------------------------------------------------------
@dataclass
class Entry:
    errata_id: str
    title: str
    responses: list[dict] = field(default_factory=list)
    patches: list[dict] = field(default_factory=list)
    links: list[dict] = field(default_factory=list)
    examples: list[dict] = field(default_factory=list)


class _UniqueKeyLoader(yaml.SafeLoader):
    """YAML would let a second `E-ERR-1:` silently replace the first: refuse duplicate keys."""

    def construct_mapping(self, node, deep=False):  # type: ignore[override]
        seen = set()
        for key_node, _ in node.value:
            key = self.construct_object(key_node, deep=deep)
            if key in seen:
                raise OverlayError(f"duplicate key {key!r} in overlay.yaml (line {key_node.start_mark.line + 1})")
            seen.add(key)
        return super().construct_mapping(node, deep=deep)


def read_overlay(text: str | None = None) -> dict:
    text = OVERLAY_PATH.read_text(encoding="utf-8") if text is None else text
    return yaml.load(text, Loader=_UniqueKeyLoader)  # noqa: S506 - a SafeLoader subclass


@lru_cache(maxsize=1)
def load_overlay() -> tuple[Entry, ...]:
    raw = read_overlay()
    if not isinstance(raw, dict):
        raise OverlayError("overlay.yaml must be a mapping of errata ids to entries")
    entries = []
    for errata_id, body in raw.items():
        if not ERRATA_ID.match(str(errata_id)):
            raise OverlayError(f"{errata_id!r} is not an errata id (E-XXX-N)")
        if not isinstance(body, dict) or not body.get("title"):
            raise OverlayError(f"{errata_id}: an entry needs a title")
        unknown = set(body) - SECTIONS
        if unknown:
            raise OverlayError(f"{errata_id}: unknown sections {sorted(unknown)}")
        entries.append(Entry(
            errata_id=str(errata_id),
            title=str(body["title"]),
            responses=list(body.get("responses") or []),
            patches=list(body.get("patches") or []),
            links=list(body.get("links") or []),
            examples=list(body.get("examples") or []),
        ))
    return tuple(entries)


def selected_operations(spec: dict, item: dict) -> list[str]:
    all_ids = [op_id for op_id, *_ in iter_operations(spec)]
    chosen = item.get("operations")
    if chosen == "all":
        ids = list(all_ids)
    elif isinstance(chosen, list) and chosen:
        missing = [op for op in chosen if op not in all_ids]
        if missing:
            raise OverlayError(f"unknown operations {missing}")
        ids = list(chosen)
    else:
        raise OverlayError("`operations` must be `all` or a non-empty list of operationIds")
    excluded = item.get("except") or []
    missing = [op for op in excluded if op not in all_ids]
    if missing:
        raise OverlayError(f"unknown operations in `except`: {missing}")
    return [op for op in ids if op not in excluded]


def _apply_patch(spec: dict, patch: dict, errata_id: str) -> None:
    op, pointer = patch.get("op"), patch.get("path")
    if op not in ("add", "replace", "remove", "merge") or not isinstance(pointer, str):
        raise OverlayError(f"{errata_id}: a patch needs op add|replace|remove|merge and a path")
    tokens = pointer_tokens(pointer)
    if not tokens:
        raise OverlayError(f"{errata_id}: cannot patch the whole document")
    parent_pointer = "/" + "/".join(escape(t) for t in tokens[:-1]) if len(tokens) > 1 else ""
    try:
        parent = resolve(spec, parent_pointer)
    except (KeyError, IndexError, ValueError):
        raise OverlayError(f"{errata_id}: {parent_pointer!r} does not exist in the spec") from None
    key = tokens[-1]
    if not isinstance(parent, dict):
        raise OverlayError(f"{errata_id}: {parent_pointer!r} is not an object")
    if op == "add":
        if key in parent:
            raise OverlayError(f"{errata_id}: {pointer!r} exists already; use replace")
        parent[key] = copy.deepcopy(patch["value"])
        return
    if key not in parent:
        raise OverlayError(f"{errata_id}: {pointer!r} does not exist in the spec")
    if op == "replace":
        parent[key] = copy.deepcopy(patch["value"])
    elif op == "remove":
        del parent[key]
    else:  # merge: shallow, into an object
        if not isinstance(parent[key], dict) or not isinstance(patch.get("value"), dict):
            raise OverlayError(f"{errata_id}: merge needs objects at {pointer!r}")
        parent[key].update(copy.deepcopy(patch["value"]))


def _apply_responses(spec: dict, item: dict, errata_id: str) -> None:
    codes = [str(c) for c in item.get("status") or []]
    if not codes:
        raise OverlayError(f"{errata_id}: a responses item needs status codes")
    for code in codes:
        if not re.fullmatch(r"4\d\d", code):
            raise OverlayError(f"{errata_id}: only 4xx codes may be added, not {code}")
    schema_name = item.get("schema")
    if not schema_name or schema_name not in spec["components"]["schemas"]:
        raise OverlayError(f"{errata_id}: unknown response schema {schema_name!r}")
    for operation_id in selected_operations(spec, item):
        operation = resolve(spec, operation_pointer(spec, operation_id))
        for code in codes:
            if code in operation["responses"]:
                raise OverlayError(f"{errata_id}: {operation_id} already declares {code}")
            operation["responses"][code] = {
                "description": f"{item.get('description') or 'Added by the errata overlay'} ({errata_id})",
                "content": {"application/json": {"schema": {"$ref": f"#/components/schemas/{schema_name}"}}},
            }


def _apply_link(spec: dict, link: dict, errata_id: str) -> None:
    source = resolve(spec, operation_pointer(spec, link["from"]))
    operation_pointer(spec, link["operationId"])  # the target must exist
    status = str(link.get("status", "200"))
    response = source["responses"].get(status)
    if response is None:
        raise OverlayError(f"{errata_id}: {link['from']} declares no {status} response")
    if "$ref" in response:  # a shared response object: link on a copy, not on every user
        response = source["responses"][status] = copy.deepcopy(resolve(spec, response["$ref"][1:]))
    links = response.setdefault("links", {})
    if link["name"] in links:
        raise OverlayError(f"{errata_id}: duplicate link {link['name']} on {link['from']}")
    body = {"operationId": link["operationId"], "parameters": dict(link.get("parameters") or {})}
    if "requestBody" in link:
        body["requestBody"] = link["requestBody"]
    links[link["name"]] = body


def apply_overlay(spec: dict, entries: tuple[Entry, ...] | None = None) -> dict:
    """A corrected deep copy of `spec`."""
    patched = copy.deepcopy(spec)
    entries = load_overlay() if entries is None else entries
    for entry in entries:
        for patch in entry.patches:
            _apply_patch(patched, patch, entry.errata_id)
    for entry in entries:
        for item in entry.responses:
            _apply_responses(patched, item, entry.errata_id)
    for entry in entries:
        for link in entry.links:
            _apply_link(patched, link, entry.errata_id)
    # The tests never talk to Sinch: whatever base URL a caller forgets, it is a local one.
    patched["servers"] = [{"url": "http://127.0.0.1:9", "description": "never used: tests pass the mock"}]
    return patched


@lru_cache(maxsize=1)
def _patched() -> dict:
    return apply_overlay(spec_document())


def patched_spec() -> dict:
    """The vendored spec with the overlay applied (a fresh copy each call)."""
    return copy.deepcopy(_patched())


def example_directives(pointer: str) -> list[tuple[str, dict]]:
    """(errata id, directive) of every overlay `examples` item about the example at `pointer`."""
    return [(e.errata_id, d) for e in load_overlay() for d in e.examples if d.get("example") == pointer]


# --- docs/errata.md ---------------------------------------------------------------------------
ERRATA_HEADING = re.compile(r"^###\s+(E-[A-Z]+-\d+)\b", re.MULTILINE)


def errata_entries(text: str | None = None) -> dict[str, str]:
    """Errata id -> the text of its entry, from docs/errata.md (duplicates raise)."""
    text = ERRATA_PATH.read_text(encoding="utf-8") if text is None else text
    matches = list(ERRATA_HEADING.finditer(text))
    entries: dict[str, str] = {}
    for index, match in enumerate(matches):
        end = matches[index + 1].start() if index + 1 < len(matches) else len(text)
        section_end = text.find("\n## ", match.end())
        if section_end != -1:
            end = min(end, section_end)
        errata_id = match.group(1)
        if errata_id in entries:
            raise OverlayError(f"docs/errata.md has {errata_id} twice")
        entries[errata_id] = text[match.start():end]
    return entries
