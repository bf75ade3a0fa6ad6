"""The suite can fail: a deliberately broken mock is caught by the same schemathesis checks.

Each test monkeypatches one serializer of the mock so that a handler answers something the
spec forbids, drives generated cases through `run_case` (what the contract tests use), and
asserts the failure is reported, by the check that should report it.
"""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from schemathesis.core.failures import FailureGroup
from starlette.routing import request_response

from contract_tests.conftest import make_app
from contract_tests.harness import load_schema, run_case

SCHEMA = load_schema(max_examples=5, coverage=False, examples=False)
SETTINGS = settings(max_examples=5, deadline=None, derandomize=True, database=None,
                    suppress_health_check=list(HealthCheck))


def _failures(operation_id: str, app, *, mode: str = "positive") -> list[str]:
    """Generated cases for one operation through the contract checks: the failure titles seen."""
    from schemathesis import GenerationMode

    operation = next(op.ok() for op in SCHEMA.get_all_operations()
                     if op.ok().definition.raw["operationId"] == operation_id)
    strategy = operation.as_strategy(generation_mode=GenerationMode(mode))
    seen: list[str] = []

    @SETTINGS
    @given(case=strategy)
    def run(case):
        try:
            run_case(case, "can-fail", app=app)
        except FailureGroup as group:
            seen.extend(type(failure).__name__ for failure in group.exceptions)

    run()
    return seen


def test_a_field_of_the_wrong_type_fails_response_schema_conformance(monkeypatch):
    from mock_server.http import callbacks

    def broken(project_id, configuration):
        return {"projectId": 12345, "hmacSecret": ["not", "a", "string"]}

    monkeypatch.setattr(callbacks, "configuration_json", broken)
    seen = _failures("GetCallbackConfiguration", make_app())
    assert "JsonSchemaError" in seen  # response_schema_conformance


def test_an_undeclared_status_code_fails_status_code_conformance(monkeypatch):
    from mock_server.core.errors import ApiError
    from mock_server.http import callbacks

    def teapot(project_id, configuration):
        raise ApiError(418, "I_AM_A_TEAPOT", "short and stout")

    monkeypatch.setattr(callbacks, "configuration_json", teapot)
    seen = _failures("GetCallbackConfiguration", make_app())
    assert "UndefinedStatusCode" in seen


def test_a_server_error_fails_not_a_server_error(monkeypatch):
    from mock_server.core.errors import internal
    from mock_server.http import callbacks

    def crash(project_id, configuration):
        raise internal("boom")

    monkeypatch.setattr(callbacks, "configuration_json", crash)
    seen = _failures("GetCallbackConfiguration", make_app())
    assert "ServerError" in seen


def test_an_unhandled_exception_fails_the_test(monkeypatch):
    from mock_server.http import callbacks

    def crash(project_id, configuration):
        raise RuntimeError("boom")

    monkeypatch.setattr(callbacks, "configuration_json", crash)
    with pytest.raises(RuntimeError, match="boom"):
        _failures("GetCallbackConfiguration", make_app())


def test_a_wrong_content_type_fails_content_type_conformance(monkeypatch):
    from starlette.responses import PlainTextResponse

    from mock_server.http import callbacks

    async def text(request):
        return PlainTextResponse("projectId=p")

    app = make_app()
    for route in app.router.routes:
        if getattr(route, "endpoint", None) is callbacks.get_configuration:
            monkeypatch.setattr(route, "app", request_response(text))
    seen = _failures("GetCallbackConfiguration", app)
    assert "UndefinedContentType" in seen


def test_accepting_schema_violating_data_fails_negative_data_rejection(monkeypatch):
    """A handler that answers 200 whatever it is sent: negative cases must then fail."""
    from starlette.responses import JSONResponse

    from mock_server.http import qualified_numbers

    async def accept_anything(request):
        return JSONResponse({"qualifiedNumbers": []})

    app = make_app()
    for route in app.router.routes:
        if getattr(route, "endpoint", None) is qualified_numbers.add_numbers:
            monkeypatch.setattr(route, "app", request_response(accept_anything))
    seen = _failures("QualifiedNumberService_BatchCreateQualifiedNumbers", app, mode="negative")
    assert "AcceptedNegativeData" in seen


def test_the_unbroken_mock_passes_the_same_runs():
    """The control: the same generated cases against the real handlers find nothing."""
    assert _failures("GetCallbackConfiguration", make_app()) == []


def test_a_missing_response_example_field_is_reported():
    from contract_tests.test_examples import missing_fields

    example = {"projectId": "p", "textEnableInfo": {"loaType": "Direct", "address": {"city": "c"}}}
    answer = {"projectId": "p", "textEnableInfo": {"address": {}}}
    assert missing_fields(example, answer, set()) == ["textEnableInfo.address.city", "textEnableInfo.loaType"]
    assert missing_fields(example, answer, {"textEnableInfo"}) == []



def test_no_request_leaves_the_machine():
    """The guard of conftest.py: schemathesis (or anything here) cannot reach past loopback."""
    import socket

    with pytest.raises(ConnectionRefusedError, match="loopback only"):
        socket.create_connection(("203.0.113.7", 443), timeout=1)
    with socket.socket() as local:  # loopback stays reachable: the OS answers, not the guard
        assert isinstance(local.connect_ex(("127.0.0.1", 9)), int)
