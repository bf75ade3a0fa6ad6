"""Example fidelity: the spec's own examples work against the mock.

- Every request example (found by walking the spec, so a new one is picked up) is accepted
  (200) once the state allows it: each runs in a fresh mock where the numbers it names are
  set up first through the API and the control plane (qualified, clock advanced, invoices
  approved to reach VERIFIED; the project's blanket LOA approved for the blanket example; or
  imported and unlinked, for the link example).
- Every response example's field names appear in the mock's answer for its operation, except
  where an errata overlay entry (`examples:` with `rename`/`absent`) says why not.
- The parameter examples of the list operations are accepted (E-ERR-6: not the pageToken).

The test ids name each example; the count is printed with the per-operation table.
"""

from __future__ import annotations

import copy
from typing import Any, Iterator

import pytest
from starlette.testclient import TestClient

from contract_tests.conftest import make_app
from contract_tests.harness import AUTH_HEADERS
from contract_tests.overlay import escape, example_directives, iter_operations, resolve
from mock_server.spec import spec_document

SPEC = spec_document()  # the real spec: its examples exactly as published
CHECKED: set[str] = set()  # example pointers checked in this session (for the summary)
ADVANCE = 24 * 3600  # long enough for every lifecycle step the mock schedules


# --- collecting the examples ----------------------------------------------------------------------
def _deref(node: Any, pointer: str) -> tuple[Any, str]:
    """Follow `$ref`s; return the node and the pointer where its content lives."""
    while isinstance(node, dict) and "$ref" in node:
        pointer = node["$ref"][1:]
        node = resolve(SPEC, pointer)
    return node, pointer


def _media_examples(media: dict, pointer: str) -> Iterator[tuple[str, str, Any]]:
    """(name, pointer of the value, value) of a media type object's `example`/`examples`."""
    if "example" in media:
        yield "example", f"{pointer}/example", media["example"]
    for name, item in (media.get("examples") or {}).items():
        resolved, where = _deref(item, f"{pointer}/examples/{escape(name)}")
        yield name, f"{where}/value", resolved["value"]


def request_examples() -> list[tuple[str, str, str, str, str, Any]]:
    found = []
    for op_id, method, path, operation in iter_operations(SPEC):
        body = operation.get("requestBody")
        if not body:
            continue
        base = f"/paths/{escape(path)}/{method}/requestBody"
        body, base = _deref(body, base)
        media = body.get("content", {}).get("application/json")
        if media:
            for name, pointer, value in _media_examples(media, f"{base}/content/application~1json"):
                found.append((op_id, method, path, name, pointer, value))
    return found


def response_examples() -> list[tuple[str, str, str, str, str, str, Any]]:
    found = []
    for op_id, method, path, operation in iter_operations(SPEC):
        for status, response in operation.get("responses", {}).items():
            base = f"/paths/{escape(path)}/{method}/responses/{status}"
            response, base = _deref(response, base)
            media = (response.get("content") or {}).get("application/json")
            if media:
                for name, pointer, value in _media_examples(media, f"{base}/content/application~1json"):
                    found.append((op_id, method, path, status, name, pointer, value))
    return found


REQUEST_EXAMPLES = request_examples()
RESPONSE_EXAMPLES = response_examples()


def _path_example(name: str) -> str:
    return resolve(SPEC, f"/components/parameters/{name}/schema/example")


PROJECT = _path_example("projectId")
PHONE = _path_example("phoneNumber")


# --- setting the state up -------------------------------------------------------------------------
class Mock:
    """A fresh in-process mock with helpers that reach a state through the API and control plane."""

    def __init__(self) -> None:
        self.client = TestClient(make_app(), headers=AUTH_HEADERS)
        self.client.__enter__()

    def close(self) -> None:
        self.client.__exit__(None, None, None)

    def call(self, method: str, path: str, **kwargs: Any):
        return self.client.request(method.upper(), path.replace("{projectId}", PROJECT), **kwargs)

    def ok(self, method: str, path: str, **kwargs: Any) -> Any:
        response = self.call(method, path, **kwargs)
        assert response.status_code == 200, f"set-up {method} {path}: {response.status_code} {response.text}"
        return response.json() if response.content else None

    def advance(self, seconds: float = ADVANCE) -> None:
        self.ok("post", "/_mock/clock:advance", json={"seconds": seconds})

    def verified(self, numbers: list[str]) -> None:
        """Qualified numbers whose ownership was proven by invoices: VERIFIED."""
        self.ok("post", "/v1/projects/{projectId}/qualifiedNumbers:addNumbers", json={"phoneNumbers": numbers})
        self.advance()
        for number in numbers:
            self.ok("post", f"/_mock/projects/{{projectId}}/qualifiedNumbers/{number}:approveInvoices")
        for number in numbers:
            state = self.ok("get", f"/v1/projects/{{projectId}}/qualifiedNumbers/{number}")["globalProcessState"]
            assert state == "GLOBAL_PROCESS_STATE_VERIFIED", f"{number} is {state}"

    def imported(self, number: str, *, linked: bool) -> None:
        self.ok("post", "/v1/projects/{projectId}/importedNumbers", json={
            "phoneNumber": number, "regionCode": "US",
            "smsConfiguration": {"servicePlanId": "YOUR_service_plan_id", "campaignId": "YOUR_campaign_id"}})
        self.advance()
        if not linked:
            self.ok("patch", f"/v1/projects/{{projectId}}/importedNumbers/{number}",
                    json={"smsConfiguration": {"servicePlanId": "", "campaignId": ""}})
            self.advance()


def prepare(mock: Mock, op_id: str, body: Any) -> None:
    """Whatever state the operation needs before this body can be accepted."""
    if op_id in ("TextEnableNumbers", "TextEnableTollFreeNumbers", "QualifiedNumberService_TextEnableNumbers",
                 "QualifiedNumbersTextEnableTollFreeNumbers"):
        mock.verified(list(body["numbers"]))
        if "blanketLoaInfo" in body:  # usable once the project's blanket LOA is approved (E-HO-14)
            mock.ok("post", "/_mock/projects/{projectId}:approveBlanketLoa")
    elif op_id == "ImportNumberService_UpdateImportedNumber":
        links = bool((body.get("smsConfiguration") or {}).get("servicePlanId"))
        mock.imported(PHONE, linked=not links)


@pytest.fixture
def mock() -> Iterator[Mock]:
    instance = Mock()
    try:
        yield instance
    finally:
        instance.close()


def _concrete(path: str) -> str:
    return path.replace("{phoneNumber}", PHONE)


# --- field names ------------------------------------------------------------------------------------
def field_paths(value: Any, prefix: str = "") -> set[str]:
    """Dotted names of every field of an example (`a.b`, `list[].c`)."""
    paths: set[str] = set()
    if isinstance(value, dict):
        for key, item in value.items():
            name = f"{prefix}.{key}" if prefix else key
            paths.add(name)
            paths |= field_paths(item, name)
    elif isinstance(value, list) and value:
        paths |= field_paths(value[0], f"{prefix}[]")
    return paths


def apply_directives(pointer: str, example: Any) -> tuple[Any, set[str], list[str]]:
    """The example as the mock should answer it, the fields excused, the errata ids used."""
    example = copy.deepcopy(example)
    absent: set[str] = set()
    used = []
    for errata_id, directive in example_directives(pointer):
        used.append(errata_id)
        for old, new in (directive.get("rename") or {}).items():
            if isinstance(example, dict) and old in example:
                example[new] = example.pop(old)
        absent |= set(directive.get("absent") or [])
    return example, absent, used


def missing_fields(example: Any, answer: Any, absent: set[str]) -> list[str]:
    wanted = {p for p in field_paths(example) if not any(p == a or p.startswith(a + ".") for a in absent)}
    return sorted(wanted - field_paths(answer))


# --- request examples ------------------------------------------------------------------------------
@pytest.mark.parametrize(("op_id", "method", "path", "name", "pointer", "value"), REQUEST_EXAMPLES,
                         ids=[f"{e[0]}:{e[3]}" for e in REQUEST_EXAMPLES])
def test_request_example_is_accepted(mock, op_id, method, path, name, pointer, value):
    prepare(mock, op_id, value)
    response = mock.call(method, _concrete(path), json=value)
    CHECKED.add(pointer)
    assert response.status_code == 200, (
        f"{op_id} refused its spec example {name!r} ({pointer}): {response.status_code} {response.text}")


def test_every_operation_with_a_body_has_its_examples_checked():
    """The walk finds the examples the issue names (several per text-enable operation)."""
    per_operation: dict[str, int] = {}
    for op_id, *_ in REQUEST_EXAMPLES:
        per_operation[op_id] = per_operation.get(op_id, 0) + 1
    assert per_operation["QualifiedNumberService_TextEnableNumbers"] == 2
    assert per_operation["TextEnableNumbers"] == 2
    assert per_operation["ImportNumberService_UpdateImportedNumber"] == 2
    assert len(REQUEST_EXAMPLES) >= 10


# --- response examples ------------------------------------------------------------------------------
def _request_example_of(op_id: str) -> tuple[str, str, Any]:
    for found_op, method, path, _, _, value in REQUEST_EXAMPLES:
        if found_op == op_id:
            return method, path, copy.deepcopy(value)
    raise LookupError(op_id)


def produce(mock: Mock, op_id: str, method: str, path: str, status: str) -> Any:
    """The mock's answer for `op_id` with `status`, reached from the spec's own request examples."""
    if status == "400":  # the error example is an invalid servicePlanId
        req_method, req_path, body = _request_example_of(op_id)
        prepare(mock, op_id, body)
        body["servicePlanId"] = ""
        response = mock.call(req_method, req_path, json=body)
        assert response.status_code == 400, response.text
        return response.json()
    if op_id in ("HostingOrderService_GetHostingOrder", "GetHostingOrderReport"):
        req_method, req_path, body = _request_example_of("TextEnableNumbers")
        prepare(mock, "TextEnableNumbers", body)
        body["displayName"] = "Hosting order with campaignId, nnid and smsAppId"
        order = mock.ok(req_method, req_path, json=body)
        suffix = "/report" if op_id == "GetHostingOrderReport" else ""
        return mock.ok("get", f"/v1/projects/{{projectId}}/hostingOrders/{order['hostingOrderId']}{suffix}")
    req_method, req_path, body = _request_example_of(op_id)
    prepare(mock, op_id, body)
    body.setdefault("displayName", "Hosting order with campaignId, nnid and smsAppId")
    return mock.ok(req_method, req_path, json=body)


@pytest.mark.parametrize(("op_id", "method", "path", "status", "name", "pointer", "value"), RESPONSE_EXAMPLES,
                         ids=[f"{e[0]}:{e[3]}:{e[4]}" for e in RESPONSE_EXAMPLES])
def test_response_example_fields_are_answered(mock, op_id, method, path, status, name, pointer, value):
    expected, absent, errata = apply_directives(pointer, value)
    answer = produce(mock, op_id, method, path, status)
    CHECKED.add(f"{op_id} {status} {pointer}")
    missing = missing_fields(expected, answer, absent)
    assert not missing, (f"{op_id} {status}: the spec's example {name!r} ({pointer}) has fields the mock does "
                         f"not answer: {missing} (errata applied: {errata or 'none'}); answer: {answer}")


# --- parameter examples of the lists ---------------------------------------------------------------
def _parameters(operation: dict) -> list[dict]:
    return [_deref(p, "")[0] for p in operation.get("parameters", [])]


LIST_OPERATIONS = [(op_id, path, operation) for op_id, method, path, operation in iter_operations(SPEC)
                   if method == "get" and any(p.get("in") == "query" for p in _parameters(operation))]


def _skipped_parameters() -> set[str]:
    pointer = "/components/parameters/pageToken/schema/example"
    return {name for _, directive in example_directives(pointer) for name in directive.get("skip_parameters", [])}


@pytest.mark.parametrize(("op_id", "path", "operation"), LIST_OPERATIONS, ids=[o[0] for o in LIST_OPERATIONS])
def test_list_parameter_examples_are_accepted(mock, op_id, path, operation):
    """Each query parameter's example (or, for a required one without, its first enum value)."""
    if "{hostingOrderId}" in path:
        _, req_path, body = _request_example_of("HostingOrderService_ImportNumbers")
        order = mock.ok("post", req_path, json=body)
        path = path.replace("{hostingOrderId}", order["hostingOrderId"])
    query = {}
    skipped = _skipped_parameters()
    for parameter in _parameters(operation):
        schema = _deref(parameter.get("schema", {}), "")[0]
        if parameter["in"] != "query" or parameter["name"] in skipped:
            continue
        if "example" in schema:
            query[parameter["name"]] = schema["example"]
        elif parameter.get("required") and schema.get("enum"):
            query[parameter["name"]] = schema["enum"][0]
    if query.get("numberPattern.pattern", "").startswith("+"):
        query["numberPattern.searchPattern"] = "START"  # the parameter's own description: `+` goes with START
    response = mock.call("get", path, params=query)
    CHECKED.add(f"{op_id} parameters")
    assert response.status_code == 200, f"{op_id} refused its parameter examples {query}: {response.text}"
