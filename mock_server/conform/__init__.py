"""The callback-handler conformance kit: `sinch-mock conform URL --secret SECRET`, or in pytest:

    from mock_server.conform import check_handler

    def test_my_handler_meets_the_callback_contract(my_handler_url):
        check_handler(my_handler_url, secret="my-secret").assert_passed()

docs/callbacks.md, "Checking your handler", lists the cases.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from mock_server.conform.junit import junit_xml
    from mock_server.conform.runner import Answer, CaseResult, Report, check_handler

__all__ = ["Answer", "CaseResult", "Report", "check_handler", "junit_xml"]


def __getattr__(name: str) -> Any:
    """The kit's names, imported on first use: the command line (`sinch-mock serve` among its
    commands) imports `mock_server.conform.cli` without loading the kit."""
    if name == "junit_xml":
        from mock_server.conform.junit import junit_xml

        return junit_xml
    if name in __all__:
        from mock_server.conform import runner

        return getattr(runner, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
