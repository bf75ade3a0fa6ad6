"""The JSON of the built-in sinks (`/_mock/sink/{name}`): a sink, and each callback it received
with its headers, its raw body and the signature check made for it."""

from __future__ import annotations

import base64
import json

from mock_server.core.timefmt import rfc3339
from mock_server.domain.sinks import Sink, SinkCallback

SignatureCheck = tuple[bool | None, str]  # (verifies, or None when there is nothing to check; why)


def received_callback_json(callback: SinkCallback, check: SignatureCheck) -> dict:
    valid, reason = check
    try:
        text, encoded = callback.body.decode("utf-8"), None
    except UnicodeDecodeError:
        text, encoded = None, base64.b64encode(callback.body).decode("ascii")
    try:
        payload = json.loads(callback.body)
    except ValueError:
        payload = None
    headers: dict[str, str] = {}
    for name, value in callback.headers:
        headers[name] = f"{headers[name]}, {value}" if name in headers else value
    return {
        "receivedAt": rfc3339(callback.received_at),
        "answeredStatus": callback.answered,
        "eventId": payload.get("eventId") if isinstance(payload, dict) else None,
        "headers": headers,
        "headersTruncated": callback.truncated_headers,
        "body": text,
        "bodyBase64": encoded,
        "signatureValid": valid,
        "signatureCheck": reason,
    }


def sink_summary_json(sink: Sink) -> dict:
    """A sink as `GET /_mock/sink` lists it."""
    return {"name": sink.name, "status": sink.status, "received": sink.received}


def sink_json(sink: Sink, checks: list[SignatureCheck]) -> dict:
    """A sink and what it holds; `checks` are the signature checks of its callbacks, in order."""
    return {**sink_summary_json(sink), "dropped": sink.dropped,
            "callbacks": [received_callback_json(c, check) for c, check in zip(sink.callbacks, checks)]}
