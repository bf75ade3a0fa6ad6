"""One HTTP attempt: POST the body to the destination and say what came back.

Attempts go through the mock's own kept-alive connections (`connections.ConnectionPool`, on
asyncio streams): for this one job, a status code per POST, it sends about twice as many events
a second as httpx did (benchmarks/callback_delivery.py; docs/performance.md).

A timeout covers the whole exchange (connect, send, wait, read), not each phase alone. Only the
status code matters: of the receiver's answer body at most `MAX_ANSWER_BYTES` are read, then the
rest is dropped with the connection. A failure is described in words a person reads
("connection refused", "name not resolved"), never by the name of an exception class.
"""

from __future__ import annotations

import asyncio
import errno
import socket
import ssl
from functools import lru_cache
from typing import Iterator

from urllib.parse import urlsplit

from mock_server.delivery.connections import MAX_ANSWER_BYTES, AnswerError, ConnectionPool, UnusableUrl
from mock_server.delivery.policy import Outcome

__all__ = ["MAX_ANSWER_BYTES", "USER_AGENT", "describe", "is_placeholder", "new_client", "post"]

USER_AGENT = "sinch-mock-callbacks/1"

# Hosts never contacted: the spec's placeholder callback server and the names reserved for
# documentation (RFC 2606, RFC 6761). Attempts to them fail like an unreachable host, without
# any network traffic, so examples copied from the spec never call a stranger's server.
PLACEHOLDER_DOMAINS = ("your-callback-server.com", "example.com", "example.net", "example.org")
RESERVED_SUFFIXES = (".example", ".test", ".invalid")


@lru_cache(maxsize=4096)
def is_placeholder(url: str) -> bool:
    try:
        host = (urlsplit(url).hostname or "").lower().rstrip(".")
    except ValueError:
        return False
    if host in PLACEHOLDER_DOMAINS or any(host.endswith("." + d) for d in PLACEHOLDER_DOMAINS):
        return True
    return host in ("example", "test", "invalid") or host.endswith(RESERVED_SUFFIXES)


def new_client(own_certificate: str | None = None) -> ConnectionPool:
    """The client every attempt goes through (connections are kept alive per destination).

    Receivers' certificates are checked against certifi's authorities, as httpx checks them.
    `own_certificate`: the certificate the mock serves HTTPS with (--tls-cert). It is trusted
    beside them, so callbacks to the mock's own receiver paths
    (`https://127.0.0.1:PORT/_mock/sink/...`) pass verification, as a leaf trusted for itself.
    The context is made on the first HTTPS attempt (loading the authorities takes a while)."""

    def tls() -> ssl.SSLContext:
        import certifi

        context = ssl.create_default_context(cafile=certifi.where())
        if own_certificate:
            context.load_verify_locations(cafile=own_certificate)
            context.verify_flags |= ssl.VERIFY_X509_PARTIAL_CHAIN  # the leaf is trusted without its issuer
        return context

    return ConnectionPool(tls, {"Accept": "*/*", "Connection": "keep-alive", "User-Agent": USER_AGENT})


async def post(client: ConnectionPool, url: str, body: bytes, headers: dict[str, str],
               timeout: float) -> Outcome:
    if is_placeholder(url):
        return Outcome(error="placeholder host, never contacted by the mock")
    try:
        async with asyncio.timeout(timeout):
            status = await client.post(url, body, headers)
    except TimeoutError:
        return Outcome(error=f"timed out: no answer within {timeout:g} s")
    except Exception as error:  # connection errors, an unusable URL ...: a failed attempt, not a crash
        return Outcome(error=describe(error))
    return Outcome(status_code=status)


_ERRNO_WORDS = {
    errno.ECONNREFUSED: "connection refused",
    errno.ECONNRESET: "connection reset by the receiver",
    errno.ECONNABORTED: "connection aborted",
    errno.EPIPE: "connection closed by the receiver",
    errno.ENETUNREACH: "network unreachable",
    errno.EHOSTUNREACH: "host unreachable",
    errno.ETIMEDOUT: "timed out",
    errno.EADDRNOTAVAIL: "address not available",
}


def describe(error: BaseException) -> str:
    """A failed attempt in words: the most telling cause found in the exception and its causes."""
    for cause in _causes(error):
        if isinstance(cause, ssl.SSLCertVerificationError):
            return f"TLS certificate not trusted: {cause.verify_message or cause.reason or 'verification failed'}"
        if isinstance(cause, ssl.SSLError):  # before the errno words: an SSLError's errno is OpenSSL's
            return f"TLS handshake failed: {cause.reason or 'error'}"
        if isinstance(cause, socket.gaierror):
            return "name not resolved"
        if isinstance(cause, OSError) and cause.errno in _ERRNO_WORDS:
            return _ERRNO_WORDS[cause.errno]
        if isinstance(cause, TimeoutError):
            return "timed out"
    if isinstance(error, (AnswerError, EOFError)):
        return "the receiver closed the connection without a valid HTTP answer"
    if isinstance(error, (UnusableUrl, ValueError, TypeError)):
        return "unusable callback URL"
    return "connection failed"


def _causes(error: BaseException, depth: int = 0) -> Iterator[BaseException]:
    """The error, what it was raised from, and the members of exception groups (bounded walk)."""
    if depth > 8:
        return
    yield error
    if isinstance(error, BaseExceptionGroup):
        for member in error.exceptions:
            yield from _causes(member, depth + 1)
    cause = error.__cause__ or error.__context__
    if cause is not None and cause is not error:
        yield from _causes(cause, depth + 1)
