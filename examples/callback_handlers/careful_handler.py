"""A callback handler that meets the contract of Sinch's callback documentation.

    python careful_handler.py --secret my-secret --port 3000

- It checks X-Sinch-Signature on the raw body, before parsing anything (401 when it is missing
  or wrong; the comparison is constant-time).
- It parses only then (400 for a body that is not a JSON object).
- It ingests and answers 200 at once; a worker processes events later, in the order of their
  timestamps per resource, ignoring duplicates (by eventId) and events older than what it
  already knows. Unknown event types and fields are kept, not refused.

Standard library only, so it can be read and copied as it is.
"""

from __future__ import annotations

import argparse
import hashlib
import hmac
import json
import os
import queue
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

MAX_BODY = 64 * 1024


class Ingest:
    def __init__(self) -> None:
        self.inbox: "queue.Queue[dict]" = queue.Queue()
        self.seen: set[str] = set()
        self.latest: dict[str, str] = {}  # resourceId -> timestamp of the newest event processed
        threading.Thread(target=self._work, daemon=True).start()

    def _work(self) -> None:
        while True:
            event = self.inbox.get()
            event_id = str(event.get("eventId"))
            if event_id in self.seen:
                continue  # a duplicate delivery: already handled
            self.seen.add(event_id)
            resource = str(event.get("resourceId"))
            stamp = str(event.get("timestamp", ""))
            if stamp < self.latest.get(resource, ""):
                continue  # older than what we know: GET the resource if in doubt, never fail
            self.latest[resource] = stamp


def make_handler(secret: bytes, ingest: Ingest) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def do_POST(self) -> None:  # noqa: N802
            length = int(self.headers.get("Content-Length") or 0)
            if length > MAX_BODY:
                return self.answer(413)
            raw = self.rfile.read(length)
            expected = hmac.new(secret, raw, hashlib.sha1).hexdigest()
            given = (self.headers.get("X-Sinch-Signature") or "").strip().lower()
            if not hmac.compare_digest(expected.encode(), given.encode("utf-8", "replace")):
                return self.answer(401)
            try:
                event = json.loads(raw)
            except ValueError:
                return self.answer(400)
            if not isinstance(event, dict):
                return self.answer(400)
            ingest.inbox.put(event)
            self.answer(200)

        def answer(self, status: int) -> None:
            self.send_response(status)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, format: str, *args: object) -> None:
            pass

    return Handler


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--secret", default=os.environ.get("CALLBACK_SECRET"),
                        required="CALLBACK_SECRET" not in os.environ, help="the HMAC secret (env CALLBACK_SECRET)")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=3000)
    args = parser.parse_args()
    server = ThreadingHTTPServer((args.host, args.port), make_handler(args.secret.encode("utf-8"), Ingest()))
    print(f"careful handler listening on http://{args.host}:{server.server_port}/callbacks", flush=True)
    server.serve_forever()


if __name__ == "__main__":
    main()
