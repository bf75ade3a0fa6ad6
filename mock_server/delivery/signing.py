"""The bytes of a callback and their `X-Sinch-Signature`.

The body is serialized once, compactly, with the keys in the spec's order; the signature is
the lowercase hex HMAC-SHA1 of exactly those bytes, keyed with the UTF-8 bytes of the
project's HMAC secret. What is signed is what is sent.
"""

from __future__ import annotations

import hashlib
import hmac
import json
from typing import Any

SIGNATURE_HEADER = "X-Sinch-Signature"
CONTENT_TYPE = "application/json"


def body_bytes(payload: dict[str, Any]) -> bytes:
    """The exact body of a callback request."""
    return json.dumps(payload, separators=(",", ":"), ensure_ascii=False).encode("utf-8")


def sign(secret: str | bytes, body: bytes) -> str:
    """Lowercase hex HMAC-SHA1 of `body` keyed with `secret`."""
    key = secret.encode("utf-8") if isinstance(secret, str) else secret
    return hmac.new(key, body, hashlib.sha1).hexdigest()


def verify(secret: str | bytes, body: bytes, signature: str | None) -> bool:
    """True when `signature` (the header's value) is the HMAC of exactly `body`: constant-time,
    hex digits in either letter case; no signature is False."""
    if not signature:
        return False
    return hmac.compare_digest(sign(secret, body), signature.strip().lower())


def request_headers(body: bytes, secret: str | None) -> dict[str, str]:
    """Headers of a callback request: the content type, and the signature when there is a secret."""
    headers = {"Content-Type": CONTENT_TYPE}
    if secret:
        headers[SIGNATURE_HEADER] = sign(secret, body)
    return headers
