"""One HTTP attempt: POST the body to the destination and say what came back.

A timeout covers the whole exchange (connect, send, wait, read), not each phase alone.
"""

from __future__ import annotations

import asyncio
from functools import lru_cache

import httpx

from mock_server.delivery.policy import Outcome

USER_AGENT = "sinch-mock-callbacks/1"

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


def new_client() -> httpx.AsyncClient:
    """The client every attempt goes through (connections are kept alive per destination)."""
    limits = httpx.Limits(max_connections=None, max_keepalive_connections=64, keepalive_expiry=30)
    return httpx.AsyncClient(limits=limits, follow_redirects=False, trust_env=False,
                             headers={"User-Agent": USER_AGENT})


async def post(client: httpx.AsyncClient, url: str, body: bytes, headers: dict[str, str],
               timeout: float) -> Outcome:
    if is_placeholder(url):
        return Outcome(error="connection error: placeholder host, never contacted by the mock")
    try:
        async with asyncio.timeout(timeout):
            response = await client.post(url, content=body, headers=headers, timeout=timeout)
            await response.aread()
    except (TimeoutError, httpx.TimeoutException):
        return Outcome(error=f"timeout: no answer within {timeout:g} s")
    except httpx.HTTPError as error:
        return Outcome(error=f"connection error: {type(error).__name__}: {error}".rstrip(": "))
    except Exception as error:  # an unusable URL and the like: a failed attempt, not a crash
        return Outcome(error=f"request error: {type(error).__name__}: {error}".rstrip(": "))
    return Outcome(status_code=response.status_code)
