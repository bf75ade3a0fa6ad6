"""What every contract test shares: the schemathesis config, the checks, the per-operation tally.

The schema is the vendored real spec with the errata overlay applied in memory
(`overlay.patched_spec()`); requests go to the app in-process (ASGI) or to a local
`sinch-mock serve`, never anywhere else (conftest.py also refuses non-loopback connections).
"""

from __future__ import annotations

import base64
import os
import threading
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any, Callable

import schemathesis
from schemathesis import Config
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    negative_data_rejection,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from contract_tests.overlay import patched_spec
from mock_server.config import SANDBOX_KEY_ID, SANDBOX_KEY_SECRET

SEED = 20260105
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    negative_data_rejection,
]
CHECK_NAMES = [c.__name__ for c in CHECKS]
BASIC = "Basic " + base64.b64encode(f"{SANDBOX_KEY_ID}:{SANDBOX_KEY_SECRET}".encode()).decode()
AUTH_HEADERS = {"Authorization": BASIC}


def _int_env(name: str, default: int) -> int:
    value = os.environ.get(name, "")
    return int(value) if value.isdigit() else default


# Budgets: cases per operation in the fuzzing phase (the examples and coverage phases add their
# own, deterministic cases). CONTRACT_MAX_EXAMPLES / CONTRACT_LIVE_MAX_EXAMPLES /
# CONTRACT_STATEFUL_EXAMPLES override them for a deeper run.
MAX_EXAMPLES = _int_env("CONTRACT_MAX_EXAMPLES", 400)
LIVE_MAX_EXAMPLES = _int_env("CONTRACT_LIVE_MAX_EXAMPLES", 30)
STATEFUL_EXAMPLES = _int_env("CONTRACT_STATEFUL_EXAMPLES", 300)
STATEFUL_MAX_STEPS = _int_env("CONTRACT_STATEFUL_MAX_STEPS", 12)


def build_config(*, max_examples: int, coverage: bool = True, examples: bool = True,
                 modes: str = "all") -> Config:
    """A reproducible schemathesis configuration (fixed seed, derandomized, no database)."""
    return Config.from_dict({
        "seed": SEED,
        # A slow CI machine must not turn into a failing suite: timing is not what is tested.
        "suppress-health-check": ["too_slow", "filter_too_much", "data_too_large", "large_base_example"],
        "generation": {
            "mode": modes,
            "max-examples": max_examples,
            "deterministic": True,
            "database": "none",
            "no-shrink": False,
        },
        "phases": {
            "examples": {"enabled": examples},
            "coverage": {"enabled": coverage},
            "fuzzing": {"enabled": True},
            "stateful": {"enabled": True, "max-steps": STATEFUL_MAX_STEPS},
        },
        "checks": {
            # Schema-violating requests must get a 4xx: never a success, never a server error.
            "negative_data_rejection": {"expected-statuses": ["4XX"]},
            "positive_data_acceptance": {"enabled": False},
        },
        "auth": {"basic": {"username": SANDBOX_KEY_ID, "password": SANDBOX_KEY_SECRET}},
    })


def load_schema(*, max_examples: int = MAX_EXAMPLES, spec: dict | None = None, **kwargs: Any):
    """The corrected spec as a schemathesis schema (no app, no base URL: callers pass them)."""
    return schemathesis.openapi.from_dict(spec if spec is not None else patched_spec(),
                                          config=build_config(max_examples=max_examples, **kwargs))


# --- the per-operation tally --------------------------------------------------------------------
@dataclass
class Tally:
    cases: int = 0
    failures: int = 0
    statuses: dict[int, int] = field(default_factory=lambda: defaultdict(int))
    first_failure: str = ""


class Stats:
    """Cases and failures per (run kind, operation), printed at the end of the session."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self.by_kind: dict[str, dict[str, Tally]] = defaultdict(lambda: defaultdict(Tally))

    def record(self, kind: str, label: str, status: int | None, failure: str = "") -> None:
        with self._lock:
            tally = self.by_kind[kind][label]
            tally.cases += 1
            if status is not None:
                tally.statuses[status] += 1
            if failure:
                tally.failures += 1
                if not tally.first_failure:
                    tally.first_failure = failure

    def reset(self) -> None:
        with self._lock:
            self.by_kind.clear()


STATS = Stats()


def _short(error: BaseException) -> str:
    text = str(error).strip().splitlines()
    return " ".join(line.strip() for line in text[:6])[:400]


def run_case(case: Any, kind: str, *, call: Callable[[], Any] | None = None, **call_kwargs: Any) -> Any:
    """Send one generated case, run every check, count it; re-raise what the checks found."""
    __tracebackhide__ = True
    label = case.operation.label
    response = None
    try:
        response = call() if call is not None else case.call(**call_kwargs)
        case.validate_response(response, checks=CHECKS, transport_kwargs=call_kwargs or None)
    except BaseException as error:  # noqa: BLE001 - counted, then re-raised untouched
        STATS.record(kind, label, getattr(response, "status_code", None), _short(error) or type(error).__name__)
        raise
    STATS.record(kind, label, response.status_code)
    return response

