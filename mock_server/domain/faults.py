"""Fault and latency injection: rules that make API calls fail, stall or hang up.

A rule matches calls by operation id (or method and a path pattern), by project, and fires with
a probability drawn from the world's seeded generator (a seed reproduces which calls fail),
optionally for the next N matching calls only. Its action answers an error status in the API's
error shape, delays the answer by real time, or closes the connection without answering.
Rules come from a scenario's `faults:` or from `POST /_mock/faults` (docs/faults.md).
"""

from __future__ import annotations

from dataclasses import dataclass
from fnmatch import fnmatchcase
from typing import Annotated, Literal, Union

from pydantic import BaseModel, ConfigDict, Field, field_validator
from pydantic.alias_generators import to_camel

from mock_server.core.errors import ApiError
from mock_server.core.rng import Purpose, Rng

MAX_RULES = 100
MAX_DELAY_SECONDS = 60.0
MAX_TIMES = 1_000_000
METHODS = ("GET", "POST", "PUT", "PATCH", "DELETE")
STATUS_NAMES = {400: "INVALID_ARGUMENT", 401: "UNAUTHENTICATED", 403: "PERMISSION_DENIED", 404: "NOT_FOUND",
                409: "ALREADY_EXISTS", 429: "RESOURCE_EXHAUSTED", 500: "INTERNAL", 501: "UNIMPLEMENTED",
                502: "UNAVAILABLE", 503: "UNAVAILABLE", 504: "DEADLINE_EXCEEDED"}


class _Model(BaseModel):
    """Accepts camelCase (HTTP) and snake_case (scenario files); unknown keys are errors."""

    model_config = ConfigDict(alias_generator=to_camel, populate_by_name=True, extra="forbid", strict=True)


class ErrorAction(_Model):
    type: Literal["error"]
    status: int = Field(ge=400, le=599, description="the HTTP status answered")
    retry_after: int | None = Field(None, ge=0, le=86_400, description="seconds, sent as Retry-After")
    message: str | None = Field(None, min_length=1, max_length=500)


class DelayAction(_Model):
    type: Literal["delay"]
    seconds: float = Field(gt=0, le=MAX_DELAY_SECONDS, description="real seconds before the call is served")

    @field_validator("seconds", mode="before")
    @classmethod
    def _number(cls, value: object) -> object:
        return float(value) if isinstance(value, int) and not isinstance(value, bool) else value


class CloseAction(_Model):
    type: Literal["close"]


Action = Annotated[Union[ErrorAction, DelayAction, CloseAction], Field(discriminator="type")]


class FaultSpec(_Model):
    """What a rule matches and what it does; every matcher left out matches anything."""

    operation_id: str | None = Field(None, min_length=1, max_length=200)
    method: str | None = None
    path: str | None = Field(None, min_length=1, max_length=500,
                             description="a pattern of the request path; * matches anything, / included")
    project_id: str | None = Field(None, min_length=1, max_length=200)
    probability: float = Field(1.0, ge=0, le=1)
    times: int | None = Field(None, ge=1, le=MAX_TIMES, description="only the next N matching calls")
    action: Action

    @field_validator("probability", mode="before")
    @classmethod
    def _number(cls, value: object) -> object:
        return float(value) if isinstance(value, int) and not isinstance(value, bool) else value

    @field_validator("method")
    @classmethod
    def _method(cls, value: str | None) -> str | None:
        if value is not None and value.upper() not in METHODS:
            raise ValueError(f"must be one of {', '.join(METHODS)}")
        return value.upper() if value is not None else None

    @field_validator("path")
    @classmethod
    def _path(cls, value: str | None) -> str | None:
        if value is not None and not value.startswith("/"):
            raise ValueError("must start with /")
        return value

    @field_validator("operation_id")
    @classmethod
    def _known_operation(cls, value: str | None) -> str | None:
        from mock_server.spec.operations import operation_ids

        if value is not None and value not in operation_ids():
            raise ValueError(f"is not an operationId of the spec (for example {operation_ids()[0]})")
        return value


@dataclass(frozen=True)
class Call:
    """The API call a rule is matched against."""

    method: str
    path: str
    operation_id: str | None
    project_id: str | None


@dataclass
class FaultRule:
    id: str
    spec: FaultSpec
    remaining: int | None  # matching calls this rule still applies to; None: no end
    matched: int = 0
    fired: int = 0

    def matches(self, call: Call) -> bool:
        spec = self.spec
        return ((spec.operation_id is None or spec.operation_id == call.operation_id)
                and (spec.method is None or spec.method == call.method.upper())
                and (spec.path is None or fnmatchcase(call.path, spec.path))
                and (spec.project_id is None or spec.project_id == call.project_id))

    def to_json(self) -> dict:
        return {"id": self.id, **self.spec.model_dump(by_alias=True, exclude_none=True),
                "remaining": self.remaining, "matched": self.matched, "fired": self.fired}

    def error(self) -> ApiError:
        """The answer of an `error` action, in the API's error shape."""
        action = self.spec.action
        assert isinstance(action, ErrorAction)
        headers = {"Retry-After": str(action.retry_after)} if action.retry_after is not None else {}
        message = action.message or f"Injected fault {self.id}: the mock answers {action.status} on purpose"
        return ApiError(action.status, STATUS_NAMES.get(action.status, "UNKNOWN"), message, headers=headers)


class FaultRules:
    def __init__(self) -> None:
        self.rules: list[FaultRule] = []
        self._next = 1

    def add(self, spec: FaultSpec) -> FaultRule:
        if len(self.rules) >= MAX_RULES:
            raise ApiError(429, "RESOURCE_EXHAUSTED", f"At most {MAX_RULES} fault rules exist at once; "
                                                      "DELETE /_mock/faults removes them")
        rule = FaultRule(f"fault-{self._next}", spec, spec.times)
        self._next += 1
        self.rules.append(rule)
        return rule

    def remove(self, rule_id: str) -> bool:
        before = len(self.rules)
        self.rules = [rule for rule in self.rules if rule.id != rule_id]
        return len(self.rules) < before

    def clear(self) -> None:
        self.rules.clear()
        self._next = 1

    def pick(self, call: Call, rng: Rng) -> FaultRule | None:
        """The rule that fires for this call, if any: rules are tried in the order they were
        added; each matching rule with calls left counts the call, and fires with its
        probability (drawn only when it is below 1, from the called project's own stream, so
        another project's calls never change which of a project's calls fail). The first that
        fires wins."""
        for rule in self.rules:
            if rule.remaining == 0 or not rule.matches(call):
                continue
            rule.matched += 1
            if rule.remaining is not None:
                rule.remaining -= 1
            probability = rule.spec.probability
            if probability >= 1 or (probability > 0
                                    and rng.stream(Purpose.FAULTS, call.project_id).random() < probability):
                rule.fired += 1
                return rule
        return None
