"""`sinch-mock conform URL --secret SECRET [--project P] [--junit FILE]`: exit status 0 only
when every case passes (1 when one fails, 2 for bad usage)."""

from __future__ import annotations

import argparse
import json
import sys
from dataclasses import asdict
from pathlib import Path
from typing import Any

from mock_server.conform.defaults import DEFAULT_PROJECT, DEFAULT_THRESHOLD, DEFAULT_TIMEOUT


def _positive(text: str) -> float:
    value = float(text)
    if not 0 < value <= 300:
        raise argparse.ArgumentTypeError(f"{text} is not a number of seconds above 0 and at most 300")
    return value


def add_command(commands: Any) -> None:
    conform = commands.add_parser("conform", help="check a callback handler against the callback contract")
    conform.add_argument("url", metavar="URL", help="your callback handler, e.g. http://127.0.0.1:3000/callbacks")
    conform.add_argument("--secret", required=True, help="the HMAC secret your handler verifies with")
    conform.add_argument("--project", default=DEFAULT_PROJECT, metavar="P", help="projectId in the events")
    conform.add_argument("--junit", metavar="FILE", help="also write the results as JUnit XML")
    conform.add_argument("--threshold", type=_positive, default=DEFAULT_THRESHOLD, metavar="S",
                         help=f"slowest acceptable answer in seconds (default {DEFAULT_THRESHOLD:g})")
    conform.add_argument("--timeout", type=_positive, default=DEFAULT_TIMEOUT, metavar="S",
                         help=f"give up on an answer after this long (default {DEFAULT_TIMEOUT:g})")
    conform.add_argument("--seed", type=int, help="seed for event ids and numbers (default: random, printed)")
    conform.add_argument("--insecure", action="store_true", help="do not verify an https handler's certificate")
    conform.add_argument("--json", action="store_true", help="print the report as JSON")


def run(args: argparse.Namespace) -> int:
    # The kit is imported when the command runs: `sinch-mock serve` starts without it.
    from mock_server.conform.junit import junit_xml
    from mock_server.conform.runner import check_handler
    from mock_server.delivery.destinations import callback_url_problem

    problem = callback_url_problem(args.url)
    if problem:
        print(f"sinch-mock conform: the URL {args.url!r} {problem}", file=sys.stderr)
        return 2
    if not args.secret:
        print("sinch-mock conform: --secret must not be empty", file=sys.stderr)
        return 2
    report = check_handler(args.url, args.secret, project_id=args.project, threshold=args.threshold,
                           timeout=args.timeout, seed=args.seed, verify=not args.insecure)
    if args.json:
        print(json.dumps({"url": report.url, "seed": report.seed, "passed": report.passed,
                          "results": [asdict(result) for result in report.results]}, indent=2))
    else:
        print(report.summary())
    if args.junit:
        try:
            Path(args.junit).write_bytes(junit_xml(report))
        except OSError as error:
            print(f"sinch-mock conform: cannot write {args.junit}: {error}", file=sys.stderr)
            return 2
    return 0 if report.passed else 1
