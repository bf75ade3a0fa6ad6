"""One HTTP attempt: POST the body to the destination and say what came back.

A timeout covers the whole exchange (connect, send, wait, read), not each phase alone.
Attempts go through aiohttp: several times the rate of an httpx client for the same requests
(benchmarks/callback_delivery.py). It is imported when delivery starts, not at start-up.
"""

from __future__ import annotations

import asyncio
from functools import lru_cache
from typing import Any

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

    Its aiohttp session is made on the first attempt, in the running event loop (aiohttp binds
    the session to it), so importing aiohttp (about 0.2 s) never delays the server's start."""

    def __init__(self) -> None:
        self._session: Any = None
        self.errors: tuple[type[Exception], ...] = ()

    @property
    def session(self) -> Any:
        if self._session is None:
            import aiohttp

            connector = aiohttp.TCPConnector(limit=0, limit_per_host=0, keepalive_timeout=30)
            self._session = aiohttp.ClientSession(connector=connector, trust_env=False, auto_decompress=False,
                                                  headers={"User-Agent": USER_AGENT})
            self.errors = (aiohttp.ClientError,)
        return self._session

    async def aclose(self) -> None:
        if self._session is not None:
            await self._session.close()
            self._session = None


def new_client() -> Client:
    return Client()


async def post(client: Client, url: str, body: bytes, headers: dict[str, str], timeout: float) -> Outcome:
    if is_placeholder(url):
        return Outcome(error="connection error: placeholder host, never contacted by the mock")
    session = client.session
    try:
        async with asyncio.timeout(timeout):
            async with session.post(url, data=body, headers=headers, allow_redirects=False) as response:
                await response.read()
    except TimeoutError:
        return Outcome(error=f"timeout: no answer within {timeout:g} s")
    except client.errors as error:
        return Outcome(error=f"connection error: {type(error).__name__}: {error}".rstrip(": "))
    except Exception as error:  # an unusable URL and the like: a failed attempt, not a crash
        return Outcome(error=f"request error: {type(error).__name__}: {error}".rstrip(": "))
    return Outcome(status_code=response.status)
