"""Browser access: CORS for the whole mock, and a control plane that web pages cannot abuse.

CORS (`cors_middleware`) is the outermost layer, so a preflight is answered before
authentication. `ControlPlaneGuard` stands in front of every `/_mock/...` call and refuses,
before anything changes:

- a `Host` the mock does not answer to (DNS rebinding: an attacker's name resolving to 127.0.0.1);
- a browser request from an origin that is not allowed (its `Origin`, or `Sec-Fetch-Site:
  cross-site` with no allowed `Origin`);
- a call without the control token, when one is set (`/_mock/health` and the control plane's
  OpenAPI document excepted);
- a state-changing call that a web page could send without a preflight: a non-JSON
  `Content-Type` from anyone, and from a browser a request carrying neither a JSON
  `Content-Type`, `Authorization` nor `X-Requested-With`.
"""

from __future__ import annotations

import hmac
import ipaddress
import re
from dataclasses import dataclass, field

from starlette.middleware import Middleware
from starlette.middleware.cors import CORSMiddleware
from starlette.datastructures import MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from mock_server.core.errors import ApiError, permission_denied
from mock_server.http.errors import error_response

# Without --cors-origin: any http://localhost:PORT or http://127.0.0.1:PORT page (a dev server).
DEFAULT_ORIGIN_PATTERN = r"http://(localhost|127\.0\.0\.1|\[::1\])(:\d{1,5})?"
ALLOWED_REQUEST_HEADERS = ["Authorization", "Content-Type", "X-Requested-With"]
EXPOSED_RESPONSE_HEADERS = ["Retry-After", "WWW-Authenticate", "Location"]
PREFLIGHT_MAX_AGE = 600
CONTROL_PREFIX = "/_mock/"
# Control-plane calls that never need the control token: health, the OpenAPI document, the
# console's page and static files (which a browser loads without headers of its own), and
# callbacks arriving at a built-in sink (the mock's own deliveries carry no token).
TOKEN_FREE = {("GET", "/_mock/health"), ("GET", "/_mock/openapi.yaml")}
_SINK_DELIVERY = re.compile(r"^/_mock/sink/[^/]+$")


def needs_token(method: str, path: str) -> bool:
    from mock_server.console import is_public

    if method == "POST" and _SINK_DELIVERY.match(path):
        return False
    return not (method in ("GET", "HEAD") and (("GET", path) in TOKEN_FREE or is_public(path)))
_SAFE_METHODS = {"GET", "HEAD", "OPTIONS"}


@dataclass(frozen=True)
class BrowserPolicy:
    """Who may reach the mock from a browser, and the control token (from MockConfig)."""

    cors_origins: list[str] = field(default_factory=list)  # empty: DEFAULT_ORIGIN_PATTERN
    allowed_hosts: list[str] = field(default_factory=list)  # besides IPs, localhost, dotless names
    control_token: str | None = None

    def origin_allowed(self, origin: str) -> bool:
        if not self.cors_origins:
            return re.fullmatch(DEFAULT_ORIGIN_PATTERN, origin) is not None
        return "*" in self.cors_origins or origin.rstrip("/") in self.cors_origins

    def host_allowed(self, host: str) -> bool:
        name = _host_name(host)
        if not name:
            return False
        if "*" in self.allowed_hosts or name in {h.lower() for h in self.allowed_hosts}:
            return True
        if name == "localhost" or name.endswith(".localhost") or "." not in name:
            return True
        try:
            ipaddress.ip_address(name)
        except ValueError:
            return False
        return True


def _host_name(host: str) -> str:
    """The name of a `Host` header, without its port; IPv6 literals without brackets."""
    host = host.strip().lower()
    if host.startswith("["):
        return host[1:host.find("]")] if "]" in host else ""
    return host.rsplit(":", 1)[0] if host.count(":") == 1 else host


class _CORS(CORSMiddleware):
    """Starlette's CORS middleware, with a short way for requests that carry no `Origin` (every
    call but a browser's): their answers only get `Vary: Origin`, as Starlette gives them."""

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or _has_origin(scope["headers"]):
            await super().__call__(scope, receive, send)
            return

        async def send_varying(message: Message) -> None:
            if message["type"] == "http.response.start":
                message["headers"] = _vary_origin(message.get("headers") or [], message)
            await send(message)

        await self.app(scope, receive, send_varying)


def _has_origin(headers: list[tuple[bytes, bytes]]) -> bool:
    for name, _ in headers:
        if name == b"origin":
            return True
    return False


def _vary_origin(headers: list[tuple[bytes, bytes]], message: Message) -> list[tuple[bytes, bytes]]:
    """The answer's headers with `Origin` added to its `Vary`."""
    for name, _ in headers:
        if name.lower() == b"vary":
            vary = MutableHeaders(scope=message)
            vary["Vary"] = ", ".join([*vary.getlist("Vary"), "Origin"])
            return message["headers"]
    return [*headers, (b"vary", b"Origin")]


def cors_middleware(policy: BrowserPolicy) -> Middleware:
    explicit = bool(policy.cors_origins)
    return Middleware(
        _CORS,
        allow_origins=policy.cors_origins if explicit else [],
        allow_origin_regex=None if explicit else DEFAULT_ORIGIN_PATTERN,
        allow_methods=["GET", "POST", "PUT", "PATCH", "DELETE"],
        allow_headers=ALLOWED_REQUEST_HEADERS,
        expose_headers=EXPOSED_RESPONSE_HEADERS,
        max_age=PREFLIGHT_MAX_AGE,
    )


def _media_type(value: str) -> str:
    return value.split(";")[0].strip().lower()


def is_json(media_type: str) -> bool:
    return media_type == "application/json" or (media_type.startswith("application/") and media_type.endswith("+json"))


class ControlPlaneGuard:
    def __init__(self, app: ASGIApp, policy: BrowserPolicy) -> None:
        self.app = app
        self.policy = policy

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and scope["path"].startswith(CONTROL_PREFIX):
            headers = {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope["headers"]}
            try:
                self.check(scope, headers)
            except ApiError as error:
                await error_response(error, scope["path"])(scope, receive, send)
                return
        await self.app(scope, receive, send)

    def check(self, scope: Scope, headers: dict[str, str]) -> None:
        host = headers.get("host", "")
        if not self.policy.host_allowed(host):
            raise permission_denied(
                f"The control plane does not answer to the host {host!r} (a page on another name that "
                "resolves to this machine must not read or change the mock); add the name with "
                "--allowed-host or SINCH_MOCK_ALLOWED_HOSTS")
        origin = headers.get("origin")
        # The mock's own pages (/docs, the console) are same-origin: their Origin names the Host.
        same_origin = origin is not None and origin.partition("://")[2] == host.lower()
        origin_ok = origin is not None and (same_origin or self.policy.origin_allowed(origin))
        if origin is not None and not origin_ok:
            raise permission_denied(
                f"Web pages from {origin} may not use the control plane; allow the origin with "
                "--cors-origin or SINCH_MOCK_CORS_ORIGINS")
        if headers.get("sec-fetch-site") == "cross-site" and not origin_ok:
            raise permission_denied(
                "A cross-site browser request may not use the control plane; allow its origin with "
                "--cors-origin or SINCH_MOCK_CORS_ORIGINS")
        method = scope["method"]
        if self.policy.control_token is not None and needs_token(method, scope["path"]):
            _check_token(headers.get("authorization", ""), self.policy.control_token)
        if method not in _SAFE_METHODS:
            _check_not_simple(headers)


def _check_token(header: str, token: str) -> None:
    scheme, _, given = header.partition(" ")
    if scheme.lower() != "bearer" or not hmac.compare_digest(given.strip().encode(), token.encode()):
        raise ApiError(401, "UNAUTHENTICATED",
                       "This mock's control plane needs its control token: send Authorization: Bearer "
                       "TOKEN (the value of --control-token or SINCH_MOCK_CONTROL_TOKEN)",
                       headers={"WWW-Authenticate": 'Bearer realm="sinch-mock control plane"'})


def _check_not_simple(headers: dict[str, str]) -> None:
    """Refuse what a web page can send without a CORS preflight (a form, text/plain, no-cors)."""
    content_type = _media_type(headers.get("content-type", ""))
    if content_type and not is_json(content_type):
        raise ApiError(415, "INVALID_ARGUMENT",
                       f"Content-Type {content_type!r} is not accepted by the control plane; send application/json")
    from_browser = "origin" in headers or "sec-fetch-site" in headers or "sec-fetch-mode" in headers
    if from_browser and not content_type and "authorization" not in headers and "x-requested-with" not in headers:
        raise permission_denied(
            "A browser request that changes the mock must send Content-Type: application/json (or "
            "X-Requested-With), so that no web page can send it without a CORS preflight")
