"""One HTTP attempt: POST the body to the destination and say what came back.

A timeout covers the whole exchange (connect, send, wait, read), not each phase alone. Only the
status code matters: of the receiver's answer body at most `MAX_ANSWER_BYTES` are read, then the
rest is dropped with the connection. A failure is described in words a person reads
("connection refused", "name not resolved"), never by the name of an exception class.
Attempts go through aiohttp: several times the rate of an httpx client for the same requests
(benchmarks/callback_delivery.py). It is imported when delivery starts, not at start-up.
"""

from __future__ import annotations

import asyncio
import errno
import socket
import ssl
import sys
from functools import lru_cache
from typing import Any, Iterator

import httpx

from mock_server.delivery.policy import Outcome

USER_AGENT = "sinch-mock-callbacks/1"
MAX_ANSWER_BYTES = 16 * 1024  # of a receiver's answer body; the rest is never read

# Hosts never contacted: the spec's placeholder callback server and the names reserved for
# documentation (RFC 2606, RFC 6761). Attempts to them fail like an unreachable host, without
# any network traffic, so examples copied from the spec never call a stranger's server.
PLACEHOLDER_DOMAINS = ("your-callback-server.com", "example.com", "example.net", "example.org")
RESERVED_SUFFIXES = (".example", ".test", ".invalid")


@lru_cache(maxsize=4096)
def is_placeholder(url: str) -> bool:
    try:
        host = httpx.URL(url).host.lower().rstrip(".")
    except Exception:
        return False
    if host in PLACEHOLDER_DOMAINS or any(host.endswith("." + d) for d in PLACEHOLDER_DOMAINS):
        return True
    return host in ("example", "test", "invalid") or host.endswith(RESERVED_SUFFIXES)


def trusted(own_certificate: str | None) -> ssl.SSLContext | bool:
    """What deliveries trust: the system's authorities and, when the mock serves HTTPS
    (--tls-cert), its own certificate too, so callbacks to the mock's own receiver paths
    (`https://127.0.0.1:PORT/_mock/sink/...`) pass verification, as a leaf trusted for itself."""
    if not own_certificate:
        return True
    context = ssl.create_default_context()
    context.load_verify_locations(cafile=own_certificate)
    context.verify_flags |= ssl.VERIFY_X509_PARTIAL_CHAIN  # the leaf is trusted without its issuer
    return context


class Client:
    """The client every attempt goes through (connections are kept alive per destination).

    Its aiohttp session is made on the first attempt, in the running event loop (aiohttp binds
    the session to it), so importing aiohttp (about 0.2 s) never delays the server's start."""

    def __init__(self, own_certificate: str | None = None) -> None:
        self._session: Any = None
        self.errors: tuple[type[Exception], ...] = ()
        self.own_certificate = own_certificate

    @property
    def session(self) -> Any:
        if self._session is None:
            import aiohttp

            connector = aiohttp.TCPConnector(limit=0, limit_per_host=0, keepalive_timeout=30,
                                             ssl=trusted(self.own_certificate))
            self._session = aiohttp.ClientSession(connector=connector, trust_env=False, auto_decompress=False,
                                                  headers={"User-Agent": USER_AGENT})
            self.errors = (aiohttp.ClientError,)
        return self._session

    async def aclose(self) -> None:
        if self._session is not None:
            await self._session.close()
            self._session = None


def new_client(own_certificate: str | None = None) -> Client:
    return Client(own_certificate)


async def post(client: Client, url: str, body: bytes, headers: dict[str, str], timeout: float) -> Outcome:
    if is_placeholder(url):
        return Outcome(error="placeholder host, never contacted by the mock")
    try:
        session = client.session
        async with asyncio.timeout(timeout):
            async with session.post(url, data=body, headers=headers, allow_redirects=False) as response:
                await _drain(response)
    except TimeoutError:  # aiohttp's own timeouts (ServerTimeoutError) are TimeoutErrors too
        return Outcome(error=f"timed out: no answer within {timeout:g} s")
    except Exception as error:  # connection errors, an unusable URL ...: a failed attempt, not a crash
        return Outcome(error=describe(error))
    return Outcome(status_code=response.status)


async def _drain(response: Any) -> None:
    """Read at most MAX_ANSWER_BYTES of the answer body; when more is left, the connection is
    closed (never back in the pool) and the rest is dropped unread."""
    read = 0
    while read < MAX_ANSWER_BYTES:
        chunk = await response.content.read(MAX_ANSWER_BYTES - read)
        if not chunk:
            return
        read += len(chunk)
    if not response.content.at_eof():
        response.close()


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
INVALID_ANSWER = "the receiver closed the connection without a valid HTTP answer"


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
        if isinstance(cause, (TimeoutError, httpx.TimeoutException)):
            return "timed out"
    words = _aiohttp_words(error)
    if words:
        return words
    if isinstance(error, httpx.RemoteProtocolError):
        return INVALID_ANSWER
    if isinstance(error, (httpx.UnsupportedProtocol, httpx.InvalidURL, ValueError, TypeError)):
        return "unusable callback URL"
    if isinstance(error, httpx.ProxyError):
        return "proxy error"
    return "connection failed"


def _aiohttp_words(error: BaseException) -> str | None:
    """aiohttp's errors that carry no OS error: its classes, when an attempt has loaded it."""
    aiohttp = sys.modules.get("aiohttp")
    if aiohttp is None:
        return None
    if isinstance(error, aiohttp.ClientConnectorDNSError):
        return "name not resolved"
    if isinstance(error, aiohttp.ClientProxyConnectionError):
        return "proxy error"
    if isinstance(error, (aiohttp.ServerDisconnectedError, aiohttp.ClientResponseError, aiohttp.ClientPayloadError)):
        return INVALID_ANSWER
    if isinstance(error, aiohttp.InvalidURL):
        return "unusable callback URL"
    return None


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
