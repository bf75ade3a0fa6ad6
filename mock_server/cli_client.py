"""`sinch-mock clock|scenario|reset|state|events|requests|trigger|redeliver|sink`: a running mock from
the command line (docs/cli.md).

Every command talks to the mock at `--mock URL` (env `SINCH_MOCK_URL`, default
`http://127.0.0.1:8080`) through its control plane, sending `Authorization: Bearer TOKEN` when
a control token is given (`--control-token`, env `SINCH_MOCK_CONTROL_TOKEN`). Exit status: 0 done,
1 the mock refused (its message is printed), 2 bad usage or a local file that cannot be used,
3 the mock cannot be reached.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import ssl
import sys
import time
from pathlib import Path
from typing import Any, Callable, TextIO
from typing import TYPE_CHECKING
from urllib.parse import quote

if TYPE_CHECKING:  # imported where it is used: `sinch-mock serve` starts without httpx
    import httpx

DEFAULT_URL = "http://127.0.0.1:8080"
MAX_FILE_BYTES = 64 * 1024 * 1024
_DURATION = re.compile(r"(\d+(?:\.\d+)?)([smhd])")
_UNIT_SECONDS = {"s": 1, "m": 60, "h": 3600, "d": 86400}


class CommandError(Exception):
    """Ends a command with a message and an exit status."""

    def __init__(self, message: str, status: int = 1) -> None:
        super().__init__(message)
        self.status = status


def parse_duration(text: str) -> float:
    """`90s`, `10m`, `2h`, `3d`, `1h30m`, or plain seconds (`45`, `2.5`)."""
    cleaned = text.strip().lower()
    try:
        seconds = float(cleaned)
    except ValueError:
        parts = _DURATION.findall(cleaned)
        if not parts or "".join(n + u for n, u in parts) != cleaned:
            raise argparse.ArgumentTypeError(
                f"{text!r} is not a duration: use seconds or a number with s, m, h or d (90s, 10m, 2h, 3d, 1h30m)"
            ) from None
        seconds = sum(float(n) * _UNIT_SECONDS[u] for n, u in parts)
    if not 0 <= seconds < float("inf"):
        raise argparse.ArgumentTypeError(f"{text!r} is not a duration of zero or more seconds")
    return seconds


# --- talking to the mock ----------------------------------------------------------------------------
class MockClient:
    def __init__(self, url: str, token: str | None = None, verify: bool | ssl.SSLContext = True,
                 timeout: float = 120) -> None:
        self.url = url.rstrip("/")
        import httpx

        headers = {"Authorization": f"Bearer {token}"} if token else {}
        self.http: httpx.Client = httpx.Client(base_url=self.url, headers=headers, verify=verify, timeout=timeout,
                                 trust_env=False)

    def call(self, method: str, path: str, body: Any = None, params: dict | None = None) -> Any:
        import httpx

        try:
            response = self.http.request(method, path, json=body, params=params)
        except httpx.HTTPError as error:
            raise CommandError(f"cannot reach the mock at {self.url} ({type(error).__name__}: {error}); is it "
                               "running? Point --mock or SINCH_MOCK_URL at it", 3) from None
        try:
            answer = response.json()
        except ValueError:
            answer = response.text
        if response.status_code >= 400:
            raise CommandError(describe_refusal(method, path, response.status_code, answer))
        return answer


def describe_refusal(method: str, path: str, status: int, answer: Any) -> str:
    body = answer.get("error", answer) if isinstance(answer, dict) else {}
    message = body.get("message") if isinstance(body, dict) else None
    lines = [f"{method} {path} answered {status}: {message or answer}"]
    if status == 401 and "/_mock/" in path:
        lines.append("the mock wants a control token: give --control-token or SINCH_MOCK_CONTROL_TOKEN")
    for detail in body.get("details", []) if isinstance(body, dict) else []:
        for violation in detail.get("fieldViolations", []):
            lines.append(f"  {violation.get('field')}: {violation.get('description')}")
    return "\n".join(lines)


# --- output -----------------------------------------------------------------------------------------
def event_line(event: dict) -> str:
    payload = event["payload"]
    outcome = payload["status"] + (f" {payload['failureCode']}" if payload.get("failureCode") else "")
    return (f"{event['eventId']}  {payload['timestamp']}  {event['projectId']}  {payload['eventType']}  "
            f"{payload['resourceId']}  {outcome}  -> {event['state']}  {event['destination'] or '(no destination)'}")


def attempt_line(attempt: dict) -> str:
    result = attempt["statusCode"] if attempt["statusCode"] is not None else attempt["error"]
    marks = "".join(f" ({mark})" for mark, on in (("duplicate", attempt.get("duplicate")),
                                                    ("redelivery", attempt.get("redelivery"))) if on)
    where = f" to {attempt['url']}" if attempt.get("url") else ""
    return f"    attempt {attempt['sequence']} at {attempt['time']}: {result}{marks}{where}"


def request_line(entry: dict) -> str:
    query = f"?{entry['query']}" if entry.get("query") else ""
    fault = entry.get("fault")
    injected = f"  [fault {fault['rule']}: {fault['action']}]" if fault else ""
    status = entry["status"] if entry["status"] is not None else "no answer"
    return f"{entry['time']}  {entry['method']} {entry['path']}{query}  {status}{injected}"


# --- the commands -----------------------------------------------------------------------------------
def cmd_clock(client: MockClient, args: argparse.Namespace, out: TextIO) -> Any:
    action = option(args, "clock_action") or "show"
    if action == "show":
        answer = client.call("GET", "/_mock/clock")
    elif action == "advance":
        answer = client.call("POST", "/_mock/clock:advance", {"seconds": args.duration})
    elif action == "set":
        answer = client.call("POST", "/_mock/clock:set", {"now": args.instant})
    else:
        answer = client.call("POST", f"/_mock/clock:{action}")
    if not args.json:
        out.write(f"{answer['now']}{' (frozen)' if answer.get('frozen') else ''}\n")
    return answer


def scenario_body(reference: str, on_server: bool) -> dict:
    """A local file is read and sent inline (the mock may run elsewhere); anything else is the
    name of a shipped scenario, or with --on-server a path on the mock's own filesystem."""
    if on_server:
        return {"path": reference}
    path = Path(reference)
    if not path.is_file():
        if reference.endswith((".yaml", ".yml", ".json")) or "/" in reference:
            raise CommandError(f"scenario file {reference} does not exist here (give --on-server for a path on "
                               "the mock's filesystem)", 2)
        return {"name": reference}
    import yaml

    if path.stat().st_size > MAX_FILE_BYTES:
        raise CommandError(f"scenario file {reference} is larger than {MAX_FILE_BYTES} bytes", 2)
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as error:
        raise CommandError(f"scenario file {reference} cannot be read: {error}", 2) from None
    if not isinstance(data, dict):
        raise CommandError(f"scenario file {reference} is not a mapping of scenario keys", 2)
    data.setdefault("name", path.stem)
    return {"scenario": data}


def cmd_scenario(client: MockClient, args: argparse.Namespace, out: TextIO) -> Any:
    if args.scenario_action == "list":
        answer = client.call("GET", "/_mock/scenarios")
        if not args.json:
            out.write("".join(f"{name}\n" for name in answer["scenarios"]))
        return answer
    answer = client.call("POST", "/_mock/scenarios:load", scenario_body(args.reference, args.on_server))
    if not args.json:
        orders = len(answer.get("hostingOrders", []))
        out.write(f"loaded {answer['name']}: projects {', '.join(answer['projects']) or '-'}; "
                  f"{answer['importedNumbers']} imported, {answer['qualifiedNumbers']} qualified numbers, "
                  f"{orders} hosting orders\n")
    return answer


def cmd_reset(client: MockClient, args: argparse.Namespace, out: TextIO) -> Any:
    answer = client.call("POST", "/_mock/reset")
    if not args.json:
        out.write("reset\n")
    return answer


def cmd_state(client: MockClient, args: argparse.Namespace, out: TextIO) -> Any:
    path = Path(args.file)
    if args.state_action == "save":
        document = client.call("GET", "/_mock/state")
        try:
            path.write_text(json.dumps(document, indent=2) + "\n", encoding="utf-8")
        except OSError as error:
            raise CommandError(f"cannot write {path}: {error}", 2) from None
        if not args.json:
            out.write(f"saved the state to {path} ({len(document.get('projects', {}))} projects, "
                      f"{len(document.get('events', []))} events)\n")
        return {"status": "saved", "file": str(path)}
    try:
        if path.stat().st_size > MAX_FILE_BYTES:
            raise CommandError(f"{path} is larger than {MAX_FILE_BYTES} bytes", 2)
        document = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, ValueError) as error:
        raise CommandError(f"cannot read a state document from {path}: {error}", 2) from None
    answer = client.call("PUT", "/_mock/state", document)
    if not args.json:
        out.write(f"loaded the state from {path} ({answer.get('projects')} projects, {answer.get('events')} events)\n")
    return answer


def cmd_events(client: MockClient, args: argparse.Namespace, out: TextIO) -> Any:
    params = {k: v for k, v in (("projectId", args.project), ("state", args.state)) if v}
    shown: dict[str, int] = {}  # event id -> attempts printed
    while True:
        events = client.call("GET", "/_mock/events", params=params)["events"]
        if args.json and not args.follow:
            return {"events": events}
        for event in events:
            if args.json:
                if shown.get(event["eventId"]) != len(event["attempts"]):
                    out.write(json.dumps(event) + "\n")
            else:
                if event["eventId"] not in shown:
                    out.write(event_line(event) + "\n")
                for attempt in event["attempts"][shown.get(event["eventId"], 0):]:
                    out.write(attempt_line(attempt) + "\n")
            shown[event["eventId"]] = len(event["attempts"])
        out.flush()
        if not args.follow:
            return None
        time.sleep(args.interval)


def cmd_requests(client: MockClient, args: argparse.Namespace, out: TextIO) -> Any:
    params = {"projectId": args.project} if args.project else None
    answer = client.call("GET", "/_mock/requests", params=params)
    if not args.json:
        out.write("".join(request_line(entry) + "\n" for entry in answer["requests"]))
    return answer


def cmd_trigger(client: MockClient, args: argparse.Namespace, out: TextIO) -> Any:
    body = {"projectId": args.project, "eventType": args.event_type, "resourceId": args.number,
            "status": args.status, "failureCode": args.failure_code, "url": args.to,
            "resourceType": args.resource_type}
    answer = client.call("POST", "/_mock/events:trigger", {k: v for k, v in body.items() if v is not None})
    if not args.json:
        out.write(event_line(answer) + "\n" + "".join(attempt_line(a) + "\n" for a in answer["attempts"]))
    return answer


def cmd_redeliver(client: MockClient, args: argparse.Namespace, out: TextIO) -> Any:
    answer = client.call("POST", f"/_mock/events/{quote(args.event_id, safe='')}:redeliver",
                         {"url": args.to} if args.to else None)
    if not args.json:
        out.write(event_line(answer) + "\n" + attempt_line(answer["attempts"][-1]) + "\n")
    return answer


def cmd_sink(client: MockClient, args: argparse.Namespace, out: TextIO) -> Any:
    path = f"/_mock/sink/{quote(args.name, safe='')}"
    if args.status is not None:
        client.call("PUT", path, {"status": args.status})
    answer = client.call("GET", path)
    if not args.json:
        out.write(f"sink {answer['name']}: answers {answer['status']}; {answer['received']} received, "
                  f"{answer['dropped']} no longer kept\n")
        for callback in answer["callbacks"]:
            valid = {True: "signature valid", False: "signature INVALID", None: "signature not checked"}
            out.write(f"{callback['receivedAt']}  {callback['eventId'] or '-'}  answered {callback['answeredStatus']}"
                      f"  {valid[callback['signatureValid']]}  {callback['body'] or callback['bodyBase64']}\n")
    return answer


COMMANDS: dict[str, Callable[[MockClient, argparse.Namespace, TextIO], Any]] = {
    "clock": cmd_clock, "scenario": cmd_scenario, "reset": cmd_reset, "state": cmd_state,
    "events": cmd_events, "requests": cmd_requests, "trigger": cmd_trigger, "redeliver": cmd_redeliver,
    "sink": cmd_sink,
}


# --- the parser -------------------------------------------------------------------------------------
def connection_options() -> argparse.ArgumentParser:
    """Options every client command takes."""
    # SUPPRESS: an option given before a sub-action (`clock --mock U advance 1m`) is not reset
    # by the sub-action's parser; `option()` reads them.
    common = argparse.ArgumentParser(add_help=False, argument_default=argparse.SUPPRESS)
    group = common.add_argument_group("the mock")
    group.add_argument("--mock", metavar="URL", help=f"the running mock (env SINCH_MOCK_URL, default {DEFAULT_URL})")
    group.add_argument("--control-token", metavar="TOKEN",
                       help="sent as Authorization: Bearer on the control plane (env SINCH_MOCK_CONTROL_TOKEN)")
    group.add_argument("--ca-cert", metavar="FILE", help="trust this CA for an https mock (env SINCH_MOCK_CA_CERT)")
    group.add_argument("--insecure", action="store_true", help="do not verify the mock's TLS certificate")
    group.add_argument("--json", action="store_true", help="print the mock's answers as JSON")
    return common


def option(args: argparse.Namespace, name: str) -> Any:
    return getattr(args, name, None)


def add_commands(commands: Any) -> None:
    common = connection_options()

    clock = commands.add_parser("clock", parents=[common], help="show or move the mock's clock")
    clock_actions = clock.add_subparsers(dest="clock_action")
    clock_actions.add_parser("show", parents=[common], help="the mock's time")
    advance = clock_actions.add_parser("advance", parents=[common], help="move the clock forward (90s, 10m, 2h, 3d)")
    advance.add_argument("duration", type=parse_duration)
    set_ = clock_actions.add_parser("set", parents=[common], help="jump the clock forward to an RFC 3339 instant")
    set_.add_argument("instant", help="e.g. 2027-01-01T09:00:00Z")
    clock_actions.add_parser("freeze", parents=[common], help="stop the clock")
    clock_actions.add_parser("resume", parents=[common], help="let the clock flow with real time")

    scenario = commands.add_parser("scenario", parents=[common], help="load or list scenarios")
    scenario_actions = scenario.add_subparsers(dest="scenario_action", required=True)
    load = scenario_actions.add_parser("load", parents=[common], help="load a shipped scenario by name, or a file")
    load.add_argument("reference", metavar="NAME|PATH")
    load.add_argument("--on-server", action="store_true", help="PATH is on the mock's filesystem, not here")
    scenario_actions.add_parser("list", parents=[common], help="the shipped scenarios")

    commands.add_parser("reset", parents=[common], help="drop all state (start-up scenarios come back)")

    state = commands.add_parser("state", parents=[common], help="save or restore the whole state")
    state_actions = state.add_subparsers(dest="state_action", required=True)
    for name, text in (("save", "write the state to FILE"), ("load", "replace the state with FILE")):
        action = state_actions.add_parser(name, parents=[common], help=text)
        action.add_argument("file", metavar="FILE")

    events = commands.add_parser("events", parents=[common], help="the callback ledger")
    events.add_argument("--project", metavar="P")
    events.add_argument("--state", choices=["pending", "delivered", "failed", "no_destination"])
    events.add_argument("--follow", "-f", action="store_true", help="keep printing new events and attempts")
    events.add_argument("--interval", type=float, default=1.0, help="seconds between polls with --follow")

    requests = commands.add_parser("requests", parents=[common], help="the request journal")
    requests.add_argument("--project", metavar="P")

    trigger = commands.add_parser("trigger", parents=[common], help="emit one signed event through normal delivery")
    trigger.add_argument("event_type", metavar="EVENT_TYPE",
                         help="PROVISIONING_TO_SMS_PLATFORM, LINK_TO_10DLC_CAMPAIGN, OSR_UPDATE, HOSTING_PROCESS, "
                              "DELETE, ...")
    trigger.add_argument("--project", required=True, metavar="P")
    trigger.add_argument("--number", required=True, metavar="N", help="the phone number, E.164")
    trigger.add_argument("--status", choices=["SUCCEEDED", "FAILED"])
    trigger.add_argument("--failure-code", metavar="CODE")
    trigger.add_argument("--to", metavar="URL", help="send here instead of the number's callbackUrl")
    trigger.add_argument("--resource-type", choices=["IMPORTED_NUMBER", "HOSTING_ORDER_NUMBER"])

    redeliver = commands.add_parser("redeliver", parents=[common], help="send an event of the ledger again")
    redeliver.add_argument("event_id", metavar="EVENT_ID")
    redeliver.add_argument("--to", metavar="URL", help="send here instead of the event's destination")

    sink = commands.add_parser("sink", parents=[common], help="what the built-in sink /_mock/sink/NAME received")
    sink.add_argument("name", metavar="NAME")
    sink.add_argument("--status", type=int, metavar="CODE", help="first set what the sink answers (500: retries)")


def run(args: argparse.Namespace, environ: dict[str, str] | None = None, out: TextIO | None = None) -> int:
    env = os.environ if environ is None else environ
    out = out or sys.stdout
    url = option(args, "mock") or env.get("SINCH_MOCK_URL") or DEFAULT_URL
    token = option(args, "control_token") or env.get("SINCH_MOCK_CONTROL_TOKEN") or None
    ca_cert = option(args, "ca_cert") or env.get("SINCH_MOCK_CA_CERT")
    verify: bool | ssl.SSLContext = not option(args, "insecure")
    if ca_cert and verify:
        try:
            verify = ssl.create_default_context(cafile=ca_cert)
        except (OSError, ssl.SSLError) as error:
            print(f"sinch-mock {args.command}: cannot use the CA certificate {ca_cert}: {error}", file=sys.stderr)
            return 2
    args.json = bool(option(args, "json"))
    client = MockClient(url, token, verify)
    try:
        answer = COMMANDS[args.command](client, args, out)
        if args.json and answer is not None:
            out.write(json.dumps(answer, indent=2) + "\n")
        return 0
    except CommandError as error:
        print(f"sinch-mock {args.command}: {error}", file=sys.stderr)
        return error.status
    except KeyboardInterrupt:
        return 0
    finally:
        client.http.close()
