"""Callback bodies, their signature, and the verification helpers of mock_server.testing."""

import hashlib
import hmac
import json

import pytest

from mock_server.delivery.signing import SIGNATURE_HEADER, body_bytes, request_headers, sign
from mock_server.testing import signed_callback, verify_signature

PAYLOAD = {"resourceType": "IMPORTED_NUMBER", "eventType": "DELETE", "eventId": "e1",
           "timestamp": "2026-01-05T09:00:00.000Z", "projectId": "p1", "resourceId": "+12025550134",
           "status": "SUCCEEDED"}


def independent_hmac(secret: str, body: bytes) -> str:
    return hmac.new(secret.encode(), body, hashlib.sha1).hexdigest()


def test_the_body_is_compact_json_in_the_payloads_key_order():
    body = body_bytes(PAYLOAD)
    assert body == json.dumps(PAYLOAD, separators=(",", ":")).encode()
    assert list(json.loads(body)) == list(PAYLOAD)
    assert b" " not in body


def test_the_signature_is_lowercase_hex_hmac_sha1_of_the_exact_bytes():
    body = body_bytes(PAYLOAD)
    signature = sign("s3cret", body)
    assert signature == independent_hmac("s3cret", body)
    assert signature == signature.lower() and len(signature) == 40


def test_a_non_ascii_secret_is_keyed_by_its_utf8_bytes():
    body = body_bytes(PAYLOAD)
    assert sign("sécret", body) == hmac.new("sécret".encode("utf-8"), body, hashlib.sha1).hexdigest()


def test_headers_carry_the_signature_only_when_there_is_a_secret():
    body = body_bytes(PAYLOAD)
    assert request_headers(body, "") == {"Content-Type": "application/json"}
    assert request_headers(body, None) == {"Content-Type": "application/json"}
    signed = request_headers(body, "k")
    assert signed["Content-Type"] == "application/json"
    assert signed[SIGNATURE_HEADER] == independent_hmac("k", body)


@pytest.mark.parametrize("headers", [
    {"X-Sinch-Signature": "SIG"},
    {"x-sinch-signature": "SIG"},
    {"X-SINCH-SIGNATURE": "SIG"},
])
def test_verify_finds_the_header_in_any_letter_case(headers):
    body = body_bytes(PAYLOAD)
    headers = {k: independent_hmac("k", body) for k in headers}
    assert verify_signature("k", body, headers)


def test_verify_accepts_the_bare_signature_and_uppercase_hex():
    body = body_bytes(PAYLOAD)
    assert verify_signature("k", body, independent_hmac("k", body))
    assert verify_signature("k", body, independent_hmac("k", body).upper())
    assert verify_signature("k", body.decode(), independent_hmac("k", body))


def test_verify_refuses_a_wrong_secret_a_changed_body_and_a_missing_header():
    body = body_bytes(PAYLOAD)
    good = independent_hmac("k", body)
    assert not verify_signature("other", body, good)
    assert not verify_signature("k", body + b" ", good)
    reparsed = json.dumps(json.loads(body)).encode()  # same JSON, other bytes: not the same signature
    assert not verify_signature("k", reparsed, good)
    assert not verify_signature("k", body, {"Content-Type": "application/json"})
    assert not verify_signature("k", body, None)
    assert not verify_signature("k", body, "")


def test_signed_callback_builds_what_the_mock_sends():
    body, headers = signed_callback(PAYLOAD, secret="k")
    assert body == body_bytes(PAYLOAD)
    assert verify_signature("k", body, headers)
    unsigned_body, unsigned_headers = signed_callback(PAYLOAD)
    assert unsigned_body == body and SIGNATURE_HEADER not in unsigned_headers
