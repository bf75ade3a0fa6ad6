"""Calling the mock's ASGI app in this process: the mock's own cost, without sockets or a server."""

from __future__ import annotations

import asyncio
import base64
import json
from typing import Any
from urllib.parse import urlencode

AUTH = b"Basic " + base64.b64encode(b"sandbox-key-id:sandbox-key-secret")
LOOP = asyncio.new_event_loop()


def call(app: Any, method: str, path: str, query: dict[str, str] | None = None, body: bytes = b"",
         *, raw: bool = False) -> Any:
    """One request through the app; the JSON answer, or its bytes with `raw` (an error status raises)."""
    out: list[dict] = []
    sent = False

    async def receive() -> dict:
        # The body once; after it the client simply stays connected (a streamed answer listens
        # for a disconnect meanwhile, and an endless stream of requests would spin it forever).
        nonlocal sent
        if sent:
            await asyncio.Event().wait()
        sent = True
        return {"type": "http.request", "body": body, "more_body": False}

    async def send(message: dict) -> None:
        out.append(message)

    query_string = urlencode(query or {})
    scope = {"type": "http", "method": method, "path": path, "raw_path": path.encode(), "root_path": "",
             "query_string": query_string.encode(), "http_version": "1.1", "scheme": "http",
             "headers": [(b"host", b"127.0.0.1"), (b"authorization", AUTH), (b"content-type", b"application/json"),
                         (b"content-length", str(len(body)).encode())],
             "server": ("127.0.0.1", 80), "client": ("127.0.0.1", 1), "app": app}
    LOOP.run_until_complete(app(scope, receive, send))
    status = out[0]["status"]
    payload = b"".join(m.get("body", b"") for m in out[1:])
    if status >= 300:
        raise RuntimeError(f"{method} {path}?{query_string}: {status} {payload[:300]!r}")
    if raw:
        return payload
    return json.loads(payload) if payload else None
