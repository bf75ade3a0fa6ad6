"""Basic auth with access keys, and the OAuth2 client-credentials token endpoint."""

from __future__ import annotations

import base64
import binascii
import re
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Iterable
from urllib.parse import parse_qs, unquote

from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.types import ASGIApp, Receive, Scope, Send

from mock_server.config import AccessKey
from mock_server.core.clock import Clock
from mock_server.core.errors import ApiError, permission_denied, unauthenticated
from mock_server.core.rng import Rng
from mock_server.http.errors import error_response

TOKEN_LIFETIME = 3600
_PROJECT_IN_PATH = re.compile(r"^/v1/projects/([^/:]+)")


@dataclass
class IssuedToken:
    key: AccessKey
    expires_at: datetime


class Authenticator:
    """Knows the configured access keys and the bearer tokens issued for them."""

    def __init__(self, keys: list[AccessKey], clock: Clock, rng: Rng) -> None:
        self.keys = {k.key_id: k for k in keys}
        self._clock = clock
        self._rng = rng
        self._tokens: dict[str, IssuedToken] = {}

    def add_keys(self, keys: Iterable[AccessKey]) -> None:
        """Accept these keys too, from now on (scenarios declare keys); a known key id is replaced."""
        for key in keys:
            self.keys[key.key_id] = key

    def remove_keys(self, key_ids: Iterable[str]) -> None:
        for key_id in key_ids:
            self.keys.pop(key_id, None)

    def key_from_basic(self, header: str) -> AccessKey | None:
        try:
            decoded = base64.b64decode(header.split(" ", 1)[1].strip(), validate=True).decode()
            key_id, secret = decoded.split(":", 1)
        except (IndexError, ValueError, binascii.Error, UnicodeDecodeError):
            return None
        key = self.keys.get(key_id)
        return key if key is not None and key.key_secret == secret else None

    def issue_token(self, key: AccessKey) -> dict:
        token = self._rng.hex(48)
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
            if issued is None:
                raise unauthenticated("The bearer token is not valid")
            if issued.expires_at <= self._clock.now():
                raise unauthenticated("The bearer token has expired")
            key = issued.key
        else:
            raise unauthenticated("Unsupported authorization scheme; use Basic or Bearer")
        if project_id is not None and not key.allows(project_id):
            raise permission_denied(f"The access key {key.key_id} may not be used for project {project_id}")
        return key


class AuthMiddleware:
    """Guards `/v1/...`; the control plane, the spec and the token endpoint are open."""

    def __init__(self, app: ASGIApp, authenticator: Authenticator) -> None:
        self.app = app
        self.authenticator = authenticator

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and scope["path"].startswith("/v1/"):
            match = _PROJECT_IN_PATH.match(scope["path"])
            headers = dict(scope["headers"])
            header = headers.get(b"authorization", b"").decode("latin-1") or None
            try:
                self.authenticator.authenticate(header, unquote(match.group(1)) if match else None)
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
    raw = await request.body()
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
        candidate = authenticator.keys.get(form["client_id"][0])
        if candidate and form.get("client_secret", [""])[0] == candidate.key_secret:
            key = candidate
    if key is None:
        return _oauth_error("invalid_client", "client authentication failed", 401)
    grant = form.get("grant_type", [""])
    if grant == [""]:
        return _oauth_error("invalid_request", "grant_type is required", 400)
    if grant != ["client_credentials"]:
        return _oauth_error("unsupported_grant_type", "only client_credentials is supported", 400)
    return JSONResponse(authenticator.issue_token(key), headers={"Cache-Control": "no-store"})
