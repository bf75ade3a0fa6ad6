"""Property-based contract tests of all 23 operations against the app in-process (ASGI).

Positive and negative (schema-violating) cases from the examples, coverage and fuzzing phases;
every response is checked for server errors, status code, content type, headers and body
against the corrected spec, and negative data must get a 4xx.
"""

from __future__ import annotations

from contract_tests.harness import load_schema, run_case

schema = load_schema()


@schema.parametrize()
def test_operation_in_process(case, asgi_app):
    run_case(case, "asgi", app=asgi_app)
