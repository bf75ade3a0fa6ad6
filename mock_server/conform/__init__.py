"""The callback-handler conformance kit: `sinch-mock conform URL --secret SECRET`, or in pytest:

    from mock_server.conform import check_handler

    def test_my_handler_meets_the_callback_contract(my_handler_url):
        check_handler(my_handler_url, secret="my-secret").assert_passed()

docs/callbacks.md, "Checking your handler", lists the cases.
"""

from mock_server.conform.junit import junit_xml
from mock_server.conform.runner import Answer, CaseResult, Report, check_handler

__all__ = ["Answer", "CaseResult", "Report", "check_handler", "junit_xml"]
