"""A sample client for docker-compose: imports a number and receives its callbacks.

It plays the application under test: it sets the project's callback secret, imports a number
with a `callbackUrl` on its own compose hostname, moves the mock's clock so provisioning runs,
and waits for the callbacks, checking each signature. Exit status 0 when the number is
provisioned and every expected callback arrived correctly signed. Standard library only.

Environment: SINCH_API_URL, SINCH_KEY_ID, SINCH_KEY_SECRET, SINCH_PROJECT_ID, CALLBACK_URL
(what the mock calls back), LISTEN_PORT (where this client listens), CALLBACK_SECRET.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import os
import sys
import threading
import time
import urllib.error
import urllib.request
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import quote

API = os.environ.get("SINCH_API_URL", "http://sinch-mock:8080").rstrip("/")
KEY_ID = os.environ.get("SINCH_KEY_ID", "sandbox-key-id")
KEY_SECRET = os.environ.get("SINCH_KEY_SECRET", "sandbox-key-secret")
PROJECT = os.environ.get("SINCH_PROJECT_ID", "compose-demo")
CALLBACK_URL = os.environ.get("CALLBACK_URL", "http://sample-client:9000/callbacks")
LISTEN_PORT = int(os.environ.get("LISTEN_PORT", "9000"))
SECRET = os.environ.get("CALLBACK_SECRET", "compose-secret")
NUMBER = os.environ.get("PHONE_NUMBER", "+12065559000")
EXPECTED = ("PROVISIONING_TO_SMS_PLATFORM", "LINK_TO_10DLC_CAMPAIGN")

received: list[tuple[dict, bool]] = []  # (payload, signature ok)
arrived = threading.Condition()


class CallbackHandler(BaseHTTPRequestHandler):
    def do_POST(self) -> None:  # noqa: N802
        body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        expected = hmac.new(SECRET.encode(), body, hashlib.sha1).hexdigest()
        signature_ok = hmac.compare_digest(expected, (self.headers.get("X-Sinch-Signature") or "").lower())
        with arrived:
            received.append((json.loads(body), signature_ok))
            arrived.notify_all()
        self.send_response(200)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, format: str, *args: object) -> None:
        pass


def call(method: str, path: str, body: dict | None = None, *, auth: bool = True) -> dict:
    request = urllib.request.Request(API + path, method=method,
                                     data=json.dumps(body).encode() if body is not None else None)
    request.add_header("Content-Type", "application/json")
    if auth:
        token = base64.b64encode(f"{KEY_ID}:{KEY_SECRET}".encode()).decode()
        request.add_header("Authorization", f"Basic {token}")
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            text = response.read()
    except urllib.error.HTTPError as error:
        raise SystemExit(f"{method} {path} answered {error.code}: {error.read().decode()}") from None
    return json.loads(text) if text else {}


def wait_for_mock(deadline: float) -> None:
    while True:
        try:
            if call("GET", "/_mock/health", auth=False).get("status") == "ok":
                return
        except (OSError, SystemExit):
            pass
        if time.monotonic() > deadline:
            raise SystemExit(f"the mock at {API} never became healthy")
        time.sleep(0.5)


def main() -> int:
    server = ThreadingHTTPServer(("0.0.0.0", LISTEN_PORT), CallbackHandler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    print(f"sample client: receiving callbacks on {CALLBACK_URL} (port {LISTEN_PORT})", flush=True)
    wait_for_mock(time.monotonic() + 60)
    # Start from a clean mock, as an integration test should: a re-run (`docker compose restart
    # sample-client`) would otherwise find its number imported already (409).
    call("POST", "/_mock/reset", auth=False)

    call("PATCH", f"/v1/projects/{PROJECT}/callbackConfiguration", {"hmacSecret": SECRET})
    created = call("POST", f"/v1/projects/{PROJECT}/importedNumbers", {
        "phoneNumber": NUMBER, "regionCode": "US", "callbackUrl": CALLBACK_URL,
        "smsConfiguration": {"servicePlanId": "happy-plan", "campaignId": "CHAPPY01"}})
    print(f"imported {created['phoneNumber']}: provisioning started", flush=True)
    call("POST", "/_mock/clock:advance", {"seconds": 600}, auth=False)

    with arrived:
        arrived.wait_for(lambda: len(received) >= len(EXPECTED), timeout=30)
    server.shutdown()
    for payload, signature_ok in received:
        print(f"callback {payload['eventType']} {payload['status']} for {payload['resourceId']}: "
              f"signature {'valid' if signature_ok else 'INVALID'}", flush=True)
    number = call("GET", f"/v1/projects/{PROJECT}/importedNumbers/{quote(NUMBER)}")
    print(f"{NUMBER}: smsProvisioning {number['smsProvisioning']['state']}, "
          f"campaignProvisioning {number['campaignProvisioning']['state']}", flush=True)
    events = sorted(payload["eventType"] for payload, _ in received)
    ok = (events == sorted(EXPECTED) and all(signature_ok for _, signature_ok in received)
          and number["smsProvisioning"]["state"] == "DONE")
    print("sample client: OK" if ok else "sample client: FAILED", flush=True)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
