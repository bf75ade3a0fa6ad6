"""The same contract checks once against a real `sinch-mock serve --port 0` subprocess.

A smaller budget than the in-process run: this proves the served app (uvicorn, the CLI, real
HTTP and its encodings) answers like the in-process one, not every input again.
"""

from __future__ import annotations

import pytest

from contract_tests.harness import LIVE_MAX_EXAMPLES, load_schema, run_case

schema = load_schema(max_examples=LIVE_MAX_EXAMPLES, coverage=False)


@pytest.mark.live
@schema.parametrize()
def test_operation_live_server(case, live_server):
    run_case(case, "live", base_url=live_server.url)
