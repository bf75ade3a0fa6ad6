"""Basic auth with access keys, and the OAuth2 client-credentials token endpoint."""

from __future__ import annotations

import base64
import binascii
import hmac
from collections import OrderedDict
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Callable, Iterable
from urllib.parse import parse_qs

from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.types import ASGIApp, Receive, Scope, Send

from mock_server.config import AccessKey
from mock_server.core.clock import Clock
from mock_server.core.errors import ApiError, permission_denied, unauthenticated
from mock_server.core.rng import Purpose, Rng
from mock_server.http.bodies import read_body
from mock_server.http.common import project_in_path
from mock_server.http.errors import error_response

TOKEN_LIFETIME = 3600
MAX_TOKENS = 10_000  # live bearer tokens; issuing one more drops the oldest
MAX_TOKEN_FORM_BYTES = 16 * 1024  # the form body of POST /oauth2/token


@dataclass
class IssuedToken:
    key: AccessKey
    expires_at: datetime


def same_secret(given: str, expected: str) -> bool:
    """Secrets compared in constant time."""
    return hmac.compare_digest(given.encode("utf-8", "surrogatepass"), expected.encode("utf-8", "surrogatepass"))


class Authenticator:
    """Knows the configured access keys and the bearer tokens issued for them.

    A token lives `TOKEN_LIFETIME` seconds on the mock's clock and only while its key does:
    removing or replacing the key revokes it, as does `revoke_all` (a reset). Expired tokens are
    dropped whenever a token is issued, and at most `MAX_TOKENS` are kept.
    """

    def __init__(self, keys: list[AccessKey], clock: Clock, rng: Rng) -> None:
        self.keys = {k.key_id: k for k in keys}
        self._clock = clock
        self._rng = rng
        self._tokens: OrderedDict[str, IssuedToken] = OrderedDict()
        self._verified: dict[str, AccessKey] = {}  # Basic headers whose secret matched, and the key

    def add_keys(self, keys: Iterable[AccessKey]) -> None:
        """Accept these keys too, from now on (scenarios declare keys); a known key id is replaced."""
        for key in keys:
            self.keys[key.key_id] = key

    def remove_keys(self, key_ids: Iterable[str]) -> None:
        for key_id in key_ids:
            self.keys.pop(key_id, None)
        self._drop_tokens(lambda issued: self.keys.get(issued.key.key_id) != issued.key)

    def revoke_all(self) -> None:
        self._tokens.clear()

    def token_count(self) -> int:
        return len(self._tokens)

    def _drop_tokens(self, dead: Callable[[IssuedToken], bool]) -> None:
        for token in [t for t, issued in self._tokens.items() if dead(issued)]:
            del self._tokens[token]

    def key_from_basic(self, header: str) -> AccessKey | None:
        """The key a `Basic` header names, if its secret matches. A header that matched (of at
        most BASIC_CACHE_HEADER_LIMIT characters) is remembered with its key: clients send the
        same one on every request."""
        key = self._remembered(header)
        if key is not None:
            return key
        pair = _basic_pair(header)
        key = self.check_secret(*pair) if pair is not None else None
        if key is not None and len(header) <= BASIC_CACHE_HEADER_LIMIT:
            if len(self._verified) >= VERIFIED_HEADERS:
                self._verified.clear()
            self._verified[header] = key
        return key

    def any_project(self, header: str) -> bool:
        """Whether `header` is a `Basic` header remembered as matching a key that works for
        every project: then any call may pass at once, its project unread."""
        key = self._remembered(header)
        return key is not None and key.project_id is None

    def _remembered(self, header: str) -> AccessKey | None:
        """The key a `Basic` header matched before, while that very key is configured:
        replacing or removing the key forgets the header."""
        key = self._verified.get(header)
        return key if key is not None and self.keys.get(key.key_id) is key else None

    def check_secret(self, key_id: str, secret: str) -> AccessKey | None:
        """The key with this id, if `secret` is its secret."""
        key = self.keys.get(key_id)
        return key if key is not None and same_secret(secret, key.key_secret) else None

    def issue_token(self, key: AccessKey) -> dict:
        # Tokens are kept in the order they were issued, so the expired ones are at the front.
        now = self._clock.now()
        while self._tokens and (len(self._tokens) >= MAX_TOKENS
                                or next(iter(self._tokens.values())).expires_at <= now):
            self._tokens.popitem(last=False)
        token = self._rng.stream(Purpose.OAUTH_TOKENS).hex(48)
        self._tokens[token] = IssuedToken(key, self._clock.now() + timedelta(seconds=TOKEN_LIFETIME))
        return {"access_token": token, "token_type": "bearer", "expires_in": TOKEN_LIFETIME, "scope": ""}

    def key_id_of_token(self, token: str) -> str | None:
        """The key id a bearer token was issued for (None if unknown), for the journal."""
        issued = self._tokens.get(token)
        return issued.key.key_id if issued is not None else None

    def authenticate(self, header: str | None, project_id: str | None) -> AccessKey:
        """The key behind an `Authorization` header, allowed on `project_id`; or an ApiError."""
        if not header:
            raise unauthenticated("Authentication is required: send Basic credentials or a Bearer token")
        scheme = header.split(" ", 1)[0].lower()
        if scheme == "basic":
            key = self.key_from_basic(header)
            if key is None:
                raise unauthenticated("The access key id or secret is not valid")
        elif scheme == "bearer":
            token = header.split(" ", 1)[1].strip() if " " in header else ""
            issued = self._tokens.get(token)
            if issued is None or self.keys.get(issued.key.key_id) != issued.key:
                raise unauthenticated("The bearer token is not valid")
            if issued.expires_at <= self._clock.now():
                del self._tokens[token]
                raise unauthenticated("The bearer token has expired")
            key = issued.key
        else:
            raise unauthenticated("Unsupported authorization scheme; use Basic or Bearer")
        if project_id is not None and not key.allows(project_id):
            raise permission_denied(f"The access key {key.key_id} may not be used for project {project_id}")
        return key


BASIC_CACHE_HEADER_LIMIT = 512  # longer headers are checked every time (the memory stays small)
VERIFIED_HEADERS = 256  # Basic headers remembered as matching a key (then the memory starts afresh)


def _basic_pair(header: str) -> tuple[str, str] | None:
    """The key id and secret a `Basic` header carries (None if it carries none)."""
    try:
        decoded = base64.b64decode(header.split(" ", 1)[1].strip(), validate=True).decode()
        key_id, secret = decoded.split(":", 1)
    except (IndexError, ValueError, binascii.Error, UnicodeDecodeError):
        return None
    return key_id, secret


class AuthMiddleware:
    """Guards `/v1/...`; the control plane, the spec and the token endpoint are open."""

    def __init__(self, app: ASGIApp, authenticator: Authenticator) -> None:
        self.app = app
        self.authenticator = authenticator

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and scope["path"].startswith("/v1/"):
            header = None
            for name, value in scope["headers"]:  # the last one counts, as in a dict of them
                if name == b"authorization":
                    header = value.decode("latin-1") or None
            if header is not None and self.authenticator.any_project(header):
                await self.app(scope, receive, send)
                return
            try:
                self.authenticator.authenticate(header, project_in_path(scope["path"]))
            except ApiError as error:
                await error_response(error, scope["path"])(scope, receive, send)
                return
        await self.app(scope, receive, send)


def _oauth_error(error: str, description: str, status: int) -> JSONResponse:
    headers = {"WWW-Authenticate": 'Basic realm="sinch-mock"'} if status == 401 else None
    return JSONResponse({"error": error, "error_description": description}, status_code=status,
                        headers={**(headers or {}), "Cache-Control": "no-store"})


async def token_endpoint(request: Request) -> JSONResponse:
    """`POST /oauth2/token`: RFC 6749 client credentials, errors in RFC 6749's shape."""
    authenticator: Authenticator = request.app.state.authenticator
    content_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
    try:
        raw = await read_body(request, MAX_TOKEN_FORM_BYTES)
    except ApiError as error:
        return _oauth_error("invalid_request", error.message, error.http_status)
    if content_type != "application/x-www-form-urlencoded":
        return _oauth_error("invalid_request", "send grant_type as application/x-www-form-urlencoded", 400)
    try:
        form = parse_qs(raw.decode(), keep_blank_values=True)
    except UnicodeDecodeError:
        return _oauth_error("invalid_request", "the form body is not UTF-8", 400)
    header = request.headers.get("authorization", "")
    key = None
    if header.lower().startswith("basic "):
        key = authenticator.key_from_basic(header)
    elif "client_id" in form:  # client_secret_post, which Sinch's auth server accepts too
        key = authenticator.check_secret(form["client_id"][0], form.get("client_secret", [""])[0])
    if key is None:
        return _oauth_error("invalid_client", "client authentication failed", 401)
    grant = form.get("grant_type", [""])
    if grant == [""]:
        return _oauth_error("invalid_request", "grant_type is required", 400)
    if grant != ["client_credentials"]:
        return _oauth_error("unsupported_grant_type", "only client_credentials is supported", 400)
    return JSONResponse(authenticator.issue_token(key), headers={"Cache-Control": "no-store"})
