"""A callback handler that gets the contract wrong, to show what `sinch-mock conform` catches.

    python naive_handler.py --secret my-secret --port 3001

Its mistakes, each a common one:
- it parses the JSON before verifying (a malformed body crashes it: 500);
- it verifies the signature over the JSON re-serialized, not over the raw bytes (so a body
  whose bytes differ from what was signed still passes);
- it rejects events older than the last one it saw for a resource (409), instead of ingesting
  them and deciding later.

Do not copy it; careful_handler.py beside it is the one to copy.
"""

from __future__ import annotations

import argparse
import hashlib
import hmac
import json
import os
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


def make_handler(secret: bytes) -> type[BaseHTTPRequestHandler]:
    latest: dict[str, str] = {}

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def do_POST(self) -> None:  # noqa: N802
            raw = self.rfile.read(int(self.headers.get("Content-Length") or 0))
            try:
                event = json.loads(raw)  # mistake: parsing before verifying
            except ValueError:
                return self.answer(500)  # ... and crashing on what it cannot parse
            again = json.dumps(event, separators=(",", ":")).encode("utf-8")  # mistake: not the raw bytes
            expected = hmac.new(secret, again, hashlib.sha1).hexdigest()
            if expected != self.headers.get("X-Sinch-Signature"):
                return self.answer(401)
            resource, stamp = event["resourceId"], event["timestamp"]
            if stamp < latest.get(resource, ""):
                return self.answer(409)  # mistake: refusing an event that came out of order
            latest[resource] = stamp
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
    parser.add_argument("--port", type=int, default=3001)
    args = parser.parse_args()
    server = ThreadingHTTPServer((args.host, args.port), make_handler(args.secret.encode("utf-8")))
    print(f"naive handler listening on http://{args.host}:{server.server_port}/callbacks", flush=True)
    server.serve_forever()


if __name__ == "__main__":
    main()
