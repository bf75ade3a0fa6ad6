"""Plays the battery against a handler and reports, case by case, what it answered."""

from __future__ import annotations

import ssl
import time
from dataclasses import dataclass, field

from typing import TYPE_CHECKING

if TYPE_CHECKING:  # httpx is imported where it is used: `sinch-mock serve` starts without it
    import httpx

from mock_server.conform.cases import Battery, Case, Request
from mock_server.core.clock import Clock
from mock_server.core.rng import Rng

from mock_server.conform.defaults import DEFAULT_PROJECT, DEFAULT_THRESHOLD, DEFAULT_TIMEOUT

USER_AGENT = "sinch-mock-conform/1"


@dataclass(frozen=True)
class Answer:
    label: str
    status: int | None
    error: str | None
    seconds: float

    def describe(self) -> str:
        got = str(self.status) if self.status is not None else self.error
        return f"{self.label}: {got} in {self.seconds:.3f} s"


@dataclass
class CaseResult:
    name: str
    title: str
    expected: str
    answers: list[Answer]
    passed: bool
    problem: str = ""  # why it failed

    @property
    def seconds(self) -> float:
        return sum(a.seconds for a in self.answers)


@dataclass
class Report:
    url: str
    threshold: float
    seed: int
    results: list[CaseResult] = field(default_factory=list)

    @property
    def passed(self) -> bool:
        return all(result.passed for result in self.results)

    @property
    def failures(self) -> list[CaseResult]:
        return [result for result in self.results if not result.passed]

    def summary(self) -> str:
        lines = [f"sinch-mock conform {self.url} (seed {self.seed})"]
        for result in self.results:
            lines.append(f"{'PASS' if result.passed else 'FAIL'}  {result.name:24} {result.title}")
            for answer in result.answers:
                lines.append(f"        {answer.describe()}")
            if not result.passed:
                lines.append(f"        expected {result.expected}; {result.problem}")
        lines.append(f"{len(self.results) - len(self.failures)} of {len(self.results)} cases passed")
        return "\n".join(lines)

    def assert_passed(self) -> None:
        """For pytest: fail with the whole report unless every case passed."""
        if not self.passed:
            raise AssertionError(self.summary())


def _send(client: httpx.Client, url: str, request: Request) -> Answer:
    import httpx

    started = time.perf_counter()
    try:
        response = client.post(url, content=request.body, headers=request.headers)
        return Answer(request.label, response.status_code, None, time.perf_counter() - started)
    except httpx.TimeoutException:
        return Answer(request.label, None, "no answer (timeout)", time.perf_counter() - started)
    except httpx.HTTPError as error:
        return Answer(request.label, None, f"connection error: {type(error).__name__}: {error}".rstrip(": "),
                      time.perf_counter() - started)


def _judge(case: Case, answers: list[Answer]) -> CaseResult:
    wrong = [a for a in answers if a.status is None or not case.expectation(a.status)]
    problem = "; ".join(f"{a.label} got {a.status if a.status is not None else a.error}" for a in wrong)
    return CaseResult(case.name, case.title, case.expected, answers, not wrong, problem)


def _timing(results: list[CaseResult], threshold: float) -> CaseResult:
    """Passes only when every request was answered, each within `threshold`: a request with no
    answer (refused, reset, timed out) has no response time to pass."""
    answers = [a for result in results for a in result.answers]
    slow = [a for a in answers if a.seconds > threshold]
    unanswered = [a for a in answers if a.status is None and a not in slow]
    slowest = max(answers, key=lambda a: a.seconds) if answers else None
    shown = [Answer(f"slowest answer ({slowest.label})", slowest.status, slowest.error, slowest.seconds)] \
        if slowest else []
    problem = ", ".join([*(f"{a.label} took {a.seconds:.2f} s" for a in slow),
                         *(f"{a.label} got no answer ({a.error})" for a in unanswered)] or ["no request was sent"])
    passed = bool(answers) and not slow and not unanswered
    return CaseResult("response_time", f"Every answer within {threshold:g} s",
                      f"every answer within {threshold:g} s (ingest, do not process inline)", shown, passed,
                      problem if not passed else "")


def check_handler(url: str, secret: str, *, project_id: str = DEFAULT_PROJECT, threshold: float = DEFAULT_THRESHOLD,
                  timeout: float = DEFAULT_TIMEOUT, seed: int | None = None,
                  verify: bool | ssl.SSLContext = True) -> Report:
    """Run every case against the callback handler at `url`, whose HMAC secret is `secret`."""
    rng = Rng(seed)
    battery = Battery(secret=secret, project_id=project_id, now=Clock().now(), rng=rng)
    report = Report(url=url, threshold=threshold, seed=rng.seed)
    headers = {"User-Agent": USER_AGENT}
    import httpx

    with httpx.Client(timeout=timeout, follow_redirects=False, trust_env=False, verify=verify,
                      headers=headers) as client:
        for case in battery.build():
            report.results.append(_judge(case, [_send(client, url, request) for request in case.requests]))
    report.results.append(_timing(report.results, threshold))
    return report
