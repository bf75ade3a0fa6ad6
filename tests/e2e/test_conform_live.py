"""The conformance kit, as a user runs it: `sinch-mock conform` in its own process against the
two example handlers of examples/callback_handlers/, each a real server process."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import xml.etree.ElementTree as ET
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

import pytest

from mock_server.conform import check_handler, junit_xml
from mock_server.testing import CallbackReceiver

pytestmark = pytest.mark.live

EXAMPLES = Path(__file__).resolve().parents[2] / "examples" / "callback_handlers"
SECRET = "conform-secret"
ALL_CASES = ["valid_event", "duplicate_event", "later_state_first", "old_event_after_newer", "unknown_event_type",
             "unknown_field", "wrong_signature", "missing_signature", "reserialized_signature", "malformed_json",
             "response_time"]
NAIVE_FAILS = {"later_state_first", "old_event_after_newer", "reserialized_signature", "malformed_json"}


@contextmanager
def handler(script: str) -> Iterator[str]:
    process = subprocess.Popen([sys.executable, str(EXAMPLES / script), "--secret", SECRET, "--port", "0"],
                               stdout=subprocess.PIPE, text=True)
    try:
        assert process.stdout is not None
        line = process.stdout.readline()
        match = re.search(r"listening on (\S+)", line)
        assert match, f"{script} did not start: {line!r}"
        yield match.group(1)
    finally:
        process.terminate()
        process.wait(timeout=10)


def conform(url: str, *args: str) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if not k.startswith("SINCH_MOCK_")}
    return subprocess.run([sys.executable, "-m", "mock_server", "conform", url, "--secret", SECRET, *args],
                          capture_output=True, text=True, timeout=120, env=env)


def junit_outcomes(path: Path) -> dict[str, bool]:
    root = ET.parse(path).getroot()
    suite = root.find("testsuite")
    assert suite is not None
    cases = {case.get("name"): case.find("failure") is None for case in suite.iter("testcase")}
    assert suite.get("tests") == str(len(cases))
    assert suite.get("failures") == str(sum(1 for ok in cases.values() if not ok))
    return cases


def test_the_careful_handler_passes_every_case(tmp_path):
    with handler("careful_handler.py") as url:
        result = conform(url, "--junit", str(tmp_path / "careful.xml"), "--seed", "1")
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.strip().endswith(f"{len(ALL_CASES)} of {len(ALL_CASES)} cases passed")
    assert junit_outcomes(tmp_path / "careful.xml") == {name: True for name in ALL_CASES}


def test_the_naive_handler_fails_exactly_the_cases_it_gets_wrong(tmp_path):
    with handler("naive_handler.py") as url:
        result = conform(url, "--junit", str(tmp_path / "naive.xml"))
    assert result.returncode == 1
    outcomes = junit_outcomes(tmp_path / "naive.xml")
    assert {name for name, ok in outcomes.items() if not ok} == NAIVE_FAILS
    assert set(outcomes) == set(ALL_CASES)
    failed_lines = {line.split()[1] for line in result.stdout.splitlines() if line.startswith("FAIL")}
    assert failed_lines == NAIVE_FAILS
    assert "malformed_json" in result.stdout and "got 500" in result.stdout
    assert "signed over the compact re-serialization got 200" in result.stdout
    assert "OSR_UPDATE (older) got 409" in result.stdout


def test_the_pytest_helper_reports_case_by_case():
    with handler("careful_handler.py") as url:
        check_handler(url, SECRET).assert_passed()
    with handler("naive_handler.py") as url:
        report = check_handler(url, SECRET)
    assert not report.passed and {r.name for r in report.failures} == NAIVE_FAILS
    with pytest.raises(AssertionError, match="FAIL  malformed_json"):
        report.assert_passed()


def test_a_slow_handler_is_flagged_and_a_5xx_on_valid_events_fails():
    def slow(call):
        import time

        time.sleep(0.3)
        return 200

    with CallbackReceiver(respond=slow) as receiver:
        report = check_handler(receiver.url, SECRET, threshold=0.2)
    slow_case = {r.name: r for r in report.results}["response_time"]
    assert not slow_case.passed and "took" in slow_case.problem
    with CallbackReceiver(respond=503) as receiver:
        report = check_handler(receiver.url, SECRET)
    failed = {r.name for r in report.failures}
    assert {"valid_event", "duplicate_event", "malformed_json", "wrong_signature"} <= failed


def test_what_the_kit_sends_is_signed_as_each_case_says():
    with CallbackReceiver() as receiver:
        report = check_handler(receiver.url, SECRET, seed=4)
    by_label = {}
    for result in report.results[:-1]:
        for answer in result.answers:
            by_label[answer.label] = answer
    calls = receiver.received
    assert len(calls) == sum(len(r.answers) for r in report.results[:-1])
    valid = calls[0]
    assert valid.verify(SECRET) and valid.payload["projectId"] == "conformance-project"
    assert calls[1].body == calls[2].body  # the duplicate is the same bytes
    forged, unsigned, reser1, reser2, broken = calls[-5:]
    assert not forged.verify(SECRET) and forged.signature
    assert unsigned.signature is None
    assert not reser1.verify(SECRET) and not reser2.verify(SECRET) and reser1.body == reser2.body
    assert broken.verify(SECRET)
    with CallbackReceiver() as again:
        check_handler(again.url, SECRET, seed=4)
    assert [c.body for c in again.received] != [c.body for c in calls]  # fresh timestamps...
    assert [c.event_id for c in again.received][:3] == [c.event_id for c in calls][:3]  # ...same seeded ids


def test_junit_xml_is_well_formed_with_failures_described():
    with CallbackReceiver(respond=500) as receiver:
        report = check_handler(receiver.url, SECRET)
    root = ET.fromstring(junit_xml(report))
    failure = root.find("./testsuite/testcase[@name='valid_event']/failure")
    assert failure is not None and "got 500" in failure.get("message", "")


def test_bad_usage_is_exit_status_2():
    assert conform("not-a-url").returncode == 2
    env = {k: v for k, v in os.environ.items() if not k.startswith("SINCH_MOCK_")}
    missing = subprocess.run([sys.executable, "-m", "mock_server", "conform", "http://127.0.0.1:9/"],
                             capture_output=True, text=True, env=env)
    assert missing.returncode == 2 and "--secret" in missing.stderr
