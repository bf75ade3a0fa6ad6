"""The report as JUnit XML, for CI systems that show test results."""

from __future__ import annotations

import xml.etree.ElementTree as ET

from mock_server.conform.runner import Report


def junit_xml(report: Report) -> bytes:
    suite = ET.Element("testsuite", name="sinch-mock conform", tests=str(len(report.results)),
                       failures=str(len(report.failures)), errors="0",
                       time=f"{sum(r.seconds for r in report.results):.3f}")
    properties = ET.SubElement(suite, "properties")
    for name, value in (("url", report.url), ("seed", str(report.seed)), ("threshold", f"{report.threshold:g}")):
        ET.SubElement(properties, "property", name=name, value=value)
    for result in report.results:
        case = ET.SubElement(suite, "testcase", classname="sinch-mock.conform", name=result.name,
                             time=f"{result.seconds:.3f}")
        answers = "\n".join(answer.describe() for answer in result.answers)
        if not result.passed:
            failure = ET.SubElement(case, "failure", message=f"expected {result.expected}; {result.problem}")
            failure.text = f"{result.title}\n{answers}"
        ET.SubElement(case, "system-out").text = answers
    suites = ET.Element("testsuites", name="sinch-mock conform", tests=suite.get("tests", "0"),
                        failures=suite.get("failures", "0"))
    suites.append(suite)
    return ET.tostring(suites, encoding="utf-8", xml_declaration=True)
