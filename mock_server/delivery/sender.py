"""One HTTP attempt: POST the body to the destination and say what came back.

A timeout covers the whole exchange (connect, send, wait, read), not each phase alone.
Attempts go through aiohttp: several times the rate of an httpx client for the same requests
(benchmarks/callback_delivery.py). It is imported when delivery starts, not at start-up.
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


class Client:
    """The client every attempt goes through (connections are kept alive per destination).

    Made inside the running event loop (aiohttp binds its session to it)."""

    def __init__(self) -> None:
        import aiohttp

        connector = aiohttp.TCPConnector(limit=0, limit_per_host=0, keepalive_timeout=30)
        self.session = aiohttp.ClientSession(
            connector=connector, trust_env=False, auto_decompress=False, headers={"User-Agent": USER_AGENT})
        self.errors: tuple[type[Exception], ...] = (aiohttp.ClientError,)

    async def aclose(self) -> None:
        await self.session.close()


def new_client() -> Client:
    return Client()


async def post(client: Client, url: str, body: bytes, headers: dict[str, str], timeout: float) -> Outcome:
    if is_placeholder(url):
        return Outcome(error="connection error: placeholder host, never contacted by the mock")
    try:
        async with asyncio.timeout(timeout):
            async with client.session.post(url, data=body, headers=headers, allow_redirects=False) as response:
                await response.read()
    except TimeoutError:
        return Outcome(error=f"timeout: no answer within {timeout:g} s")
    except client.errors as error:
        return Outcome(error=f"connection error: {type(error).__name__}: {error}".rstrip(": "))
    except Exception as error:  # an unusable URL and the like: a failed attempt, not a crash
        return Outcome(error=f"request error: {type(error).__name__}: {error}".rstrip(": "))
    return Outcome(status_code=response.status)
