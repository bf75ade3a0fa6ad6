"""The request journal behind `GET /_mock/requests`, and the access log.

Every `/v1` and `/oauth2` call is recorded with its request and response (headers with
`Authorization` redacted, bodies truncated past `BODY_LIMIT` bytes) and its duration; so is
every control-plane call that may change something (any method but GET; the journal's own
calls excepted), marked `"control": true` and shown only with `?include=control`. The last
`JOURNAL_LIMIT` entries are kept (fewer when their bodies together pass `JOURNAL_BODY_BUDGET`;
the dropped ones are counted in `world.journal_dropped`). The middleware keeps each call's raw
pieces and builds its entry when the journal is read (`World.journal`). Each request but `/_mock/health`
also gets a line in the `sinch_mock.access` log (on by default in `sinch-mock serve`).
"""

from __future__ import annotations

import base64
import binascii
import logging
import operator
import re
import time
from dataclasses import dataclass
from typing import Any, Callable

from starlette.datastructures import QueryParams
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from mock_server.core.errors import FieldViolation, invalid_argument
from mock_server.core.timefmt import format_rfc3339, parse_rfc3339, rfc3339
from mock_server.domain.world import JOURNAL_LIMIT, World
from mock_server.http.common import project_in_path

BODY_LIMIT = 16 * 1024  # bytes of each request and response body kept in an entry
JOURNAL_BODY_BUDGET = 32 * 1024 * 1024  # body text of all entries together; the oldest go first
access_log = logging.getLogger("sinch_mock.access")
FAULT_SCOPE_KEY = "sinch_mock.fault"  # set by the fault middleware (http/faults.py) on an injected fault
_CLIENT_SECRET = re.compile(r"((?:^|&)client_secret=)[^&]*")  # a token request's form body
_NO_HEADERS: list[tuple[bytes, bytes]] = []  # never changed
_KEPT = operator.attrgetter("kept")
HEADER_CACHE_LIMIT = 1024  # header lists kept with their journal form (most clients repeat theirs)


def _journaled(method: str, path: str) -> tuple[bool, bool]:
    """(record it?, is it a control-plane call?)"""
    if path.startswith("/v1/") or path.startswith("/oauth2/"):
        return True, False
    if path.startswith("/_mock/") and method != "GET" and not path.startswith("/_mock/requests"):
        return True, True
    return False, False


def _kept(chunks: bytes | bytearray | None, chunk: bytes) -> bytes | bytearray:
    """The first BODY_LIMIT bytes of a body, `chunk` added: a body that comes in one chunk (the
    usual case) is kept as that chunk, uncopied."""
    if chunks is None:
        return chunk if len(chunk) <= BODY_LIMIT else chunk[:BODY_LIMIT]
    room = BODY_LIMIT - len(chunks)
    if room <= 0:
        return chunks
    kept = chunks if isinstance(chunks, bytearray) else bytearray(chunks)
    kept += chunk[:room]
    return kept


def _body_json(kept: bytes | bytearray | None, size: int, headers: dict[str, str]) -> dict[str, Any]:
    body = kept.decode("utf-8", errors="replace") if kept else ""
    if "client_secret=" in body:  # the pattern's own test, without scanning every body with it
        body = _CLIENT_SECRET.sub(r"\1***", body)
    return {"headers": headers, "body": body, "bodySize": size, "bodyTruncated": size > len(kept or b"")}


def _headers(raw: list[tuple[bytes, bytes]], key_of_token: Callable[[str], str | None]) -> dict[str, str]:
    headers: dict[str, str] = {}
    for name, value in raw:
        key, text = name.decode("latin-1").lower(), value.decode("latin-1")
        if key == "authorization":
            text = redact_authorization(text, key_of_token)
        if key in headers:
            headers[key] = f"{headers[key]}, {text}"
        else:
            headers[key] = text
    return headers


def redact_authorization(value: str, key_of_token: Callable[[str], str | None]) -> str:
    """`Basic <key id>:***` or `Bearer *** (key <key id>)`: the scheme and key id, no secret."""
    scheme, _, credentials = value.partition(" ")
    if scheme.lower() == "basic":
        try:
            key_id = base64.b64decode(credentials.strip(), validate=True).decode().split(":", 1)[0]
            return f"{scheme} {key_id}:***"
        except (ValueError, binascii.Error, UnicodeDecodeError):
            return f"{scheme} ***"
    if scheme.lower() == "bearer":
        key_id = key_of_token(credentials.strip())
        return f"{scheme} ***" + (f" (key {key_id})" if key_id else "")
    return f"{scheme} ***" if credentials else "***"


class _Pending:
    """A journaled call as the middleware sees it: filled in while the call runs (the bodies'
    first BODY_LIMIT bytes and their sizes, the answer's status and headers), and built into
    its entry when the journal is read (`World.journal`). What could change meanwhile is taken
    at once: the clock's instant, the fault noted, and the header forms not kept in the cache (a
    bearer token's redaction names its key only while the token lives)."""

    __slots__ = ("method", "path", "query", "control", "status", "request_headers", "response_headers",
                 "request_body", "request_size", "response_body", "response_size", "kept", "duration_ms", "now", "fault",
                 "raw_response_headers")

    def __init__(self, method: str, path: str, query: bytes, control: bool) -> None:
        self.method, self.path, self.query, self.control = method, path, query, control
        self.status = 500
        self.raw_response_headers = _NO_HEADERS
        self.request_body: bytes | bytearray | None = None
        self.response_body: bytes | bytearray | None = None
        self.request_size = self.response_size = 0
        self.kept = 0  # body bytes kept, request and answer together

    def add_request_chunk(self, chunk: bytes) -> None:
        if chunk:
            self.request_size += len(chunk)
            self.request_body = self._keep(self.request_body, chunk)

    def add_response_chunk(self, chunk: bytes) -> None:
        if chunk:
            self.response_size += len(chunk)
            self.response_body = self._keep(self.response_body, chunk)

    def _keep(self, body: bytes | bytearray | None, chunk: bytes) -> bytes | bytearray:
        """`body` with `chunk` added as far as BODY_LIMIT allows, counted in `kept`."""
        before = len(body) if body else 0
        body = _kept(body, chunk)
        self.kept += len(body) - before
        return body

    def entry(self) -> dict[str, Any]:
        path = self.path
        entry = {
            "method": self.method,
            "path": path,
            "query": self.query.decode("latin-1"),
            "status": self.status,
            "time": format_rfc3339(self.now),
            "projectId": project_in_path(path),
            "durationMs": self.duration_ms,
            "control": self.control,
            "request": _body_json(self.request_body, self.request_size, dict(self.request_headers)),  # each entry its own dict
            "response": _body_json(self.response_body, self.response_size, dict(self.response_headers)),
        }
        fault = self.fault
        if fault is not None:
            entry["fault"] = fault
            if fault["action"] == "close":
                entry["status"] = None  # no answer was given
        return entry


class JournalMiddleware:
    def __init__(self, app: ASGIApp, world: World, key_of_token: Callable[[str], str | None]) -> None:
        self.app = app
        self.world = world
        self.key_of_token = key_of_token
        self._last: dict[str, Any] | None = None  # the entry this middleware appended last
        self._body_bytes = 0  # body text held by the journal's entries
        self._header_forms: dict[tuple[tuple[bytes, bytes], ...], dict[str, str]] = {}
        self._pending: list[_Pending] = []  # calls journaled but not yet built into entries
        self._pending_bytes = 0  # body bytes the pending calls hold
        if world.journal_flush is not None:  # the app's middleware rebuilt: the former one's calls first
            world.journal_flush()
        world.journal_flush = self.flush

    def _headers(self, raw: list[tuple[bytes, bytes]]) -> dict[str, str]:
        """`_headers(raw)`, kept for header lists seen before. A bearer token's redaction names
        the token's key only while the token lives, so those are worked out every time. The
        form returned is shared: copy it before handing it out."""
        key = tuple(raw)
        form = self._header_forms.get(key)
        if form is None:
            form = _headers(raw, self.key_of_token)
            if form.get("authorization", "")[:7].lower() == "bearer ":
                return form
            if len(self._header_forms) >= HEADER_CACHE_LIMIT:
                self._header_forms.clear()
            self._header_forms[key] = form
        return form

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        path, method = scope["path"], scope["method"]
        record, control = _journaled(method, path)
        logged = path != "/_mock/health" and access_log.isEnabledFor(logging.INFO)
        if not record and not logged:  # nothing to note: no wrapper around the answer
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        call = _Pending(method, path, scope.get("query_string", b""), control)

        async def receive_recorded() -> Message:
            message = await receive()
            if message["type"] == "http.request":
                call.add_request_chunk(message.get("body", b""))
            return message

        async def send_recorded(message: Message) -> None:
            kind = message["type"]
            if kind == "http.response.start":
                call.status = message["status"]
                call.raw_response_headers = message.get("headers", [])
            elif kind == "http.response.body":
                call.add_response_chunk(message.get("body", b""))
            await send(message)

        try:
            await self.app(scope, receive_recorded if record else receive, send_recorded)
        finally:
            duration_ms = round((time.perf_counter() - started) * 1000, 3)
            if logged:
                client = scope.get("client") or ("-", 0)
                target = (scope.get("raw_path") or path.encode()).decode("latin-1")
                query = scope.get("query_string", b"").decode("latin-1")
                access_log.info('%s "%s %s%s" %s %.1f ms', client[0], method, target, "?" + query if query else "",
                                call.status, duration_ms)
            if record:
                call.duration_ms = duration_ms
                call.now = self.world.clock.now()
                call.fault = scope.get(FAULT_SCOPE_KEY)
                call.request_headers = self._headers(scope["headers"])
                call.response_headers = self._headers(call.raw_response_headers)
                call.raw_response_headers = _NO_HEADERS
                self._note(call)

    def _note(self, call: _Pending) -> None:
        """Hold a journaled call unbuilt. Past JOURNAL_LIMIT held calls the oldest are dropped
        unbuilt: the newer ones alone would push them (and every built entry) out of the
        journal. Past JOURNAL_BODY_BUDGET bytes of held bodies they are built and trimmed."""
        with self.world.lock:
            pending = self._pending
            pending.append(call)
            self._pending_bytes += call.kept
            if len(pending) >= 2 * JOURNAL_LIMIT:
                self._drop_older_than(len(pending) - JOURNAL_LIMIT)
            if self._pending_bytes > JOURNAL_BODY_BUDGET:
                self.flush()

    def _drop_older_than(self, count: int) -> None:
        """Drop the built entries and the `count` oldest held calls (newer calls outnumber the limit)."""
        world = self.world
        journal = world._journal
        dropped = count + len(journal)
        self._pending_bytes -= sum(map(_KEPT, self._pending[:count]))
        del self._pending[:count]
        journal.clear()
        self._last = None
        self._body_bytes = 0
        world._journal_dropped += dropped

    def flush(self) -> None:
        """Build the held calls into the journal's entries, oldest first; beyond JOURNAL_LIMIT
        entries, or JOURNAL_BODY_BUDGET of body text, the oldest are dropped (and counted)."""
        if not self._pending:
            return
        world = self.world
        with world.lock:
            pending, self._pending, self._pending_bytes = self._pending, [], 0
            journal = world._journal
            if not journal or journal[-1] is not self._last:  # reset, imported or cleared since
                self._body_bytes = sum(_kept_bytes(e) for e in journal)
            for call in pending:
                entry = call.entry()
                journal.append(entry)
                self._last = entry
                self._body_bytes += len(entry["request"]["body"]) + len(entry["response"]["body"])
            if len(journal) > JOURNAL_LIMIT or self._body_bytes > JOURNAL_BODY_BUDGET:
                dropped = 0
                while len(journal) - dropped > JOURNAL_LIMIT or (self._body_bytes > JOURNAL_BODY_BUDGET
                                                                 and len(journal) - dropped > 1):
                    self._body_bytes -= _kept_bytes(journal[dropped])
                    dropped += 1
                del journal[:dropped]
                world._journal_dropped += dropped


def _kept_bytes(entry: dict[str, Any]) -> int:
    """Bytes of body text an entry holds (entries imported with a state may lack them)."""
    return sum(len(str((entry.get(part) or {}).get("body", ""))) for part in ("request", "response"))


# --- reading it: GET /_mock/requests and /_mock/requests:count --------------------------------
FILTERS = ("method", "path", "status", "projectId", "since", "limit", "include")


@dataclass(frozen=True)
class JournalQuery:
    method: str | None = None
    path: str | None = None
    status: str | None = None  # "404" or a class such as "4xx"
    project_id: str | None = None
    since: str | None = None  # RFC 3339, as the entries write it
    limit: int | None = None
    include_control: bool = False

    @classmethod
    def parse(cls, params: QueryParams) -> "JournalQuery":
        unknown = sorted(set(params.keys()) - set(FILTERS))
        if unknown:
            raise invalid_argument(
                f"Unknown filter(s) {', '.join(unknown)}; the journal filters are {', '.join(FILTERS)}",
                *(FieldViolation(name, "is not a filter of the journal") for name in unknown))
        status = params.get("status")
        if status is not None and not re.fullmatch(r"[1-5](\d\d|xx)", status.lower()):
            raise invalid_argument("status must be an HTTP status (404) or a class (4xx)",
                                   FieldViolation("status", "must be an HTTP status such as 404, or 4xx"))
        since = params.get("since")
        if since is not None:
            try:
                since = rfc3339(parse_rfc3339(since))
            except ValueError as error:
                raise invalid_argument(f"since must be an RFC 3339 date-time ({error})",
                                       FieldViolation("since", "must be an RFC 3339 date-time")) from None
        limit = params.get("limit")
        if limit is not None and not (limit.isdigit() and 0 < int(limit) <= JOURNAL_LIMIT):
            raise invalid_argument(f"limit must be a whole number from 1 to {JOURNAL_LIMIT}",
                                   FieldViolation("limit", f"must be from 1 to {JOURNAL_LIMIT}"))
        include = params.get("include")
        if include not in (None, "control"):
            raise invalid_argument("include takes one value: control",
                                   FieldViolation("include", "must be control"))
        return cls(method=params.get("method"), path=params.get("path"),
                   status=status.lower() if status else None, project_id=params.get("projectId"),
                   since=since, limit=int(limit) if limit else None, include_control=include == "control")

    def matches(self, entry: dict[str, Any]) -> bool:
        status = str(entry.get("status"))
        return ((self.include_control or not entry.get("control"))
                and (self.method is None or str(entry.get("method", "")).upper() == self.method.upper())
                and (self.path is None or str(entry.get("path", "")).startswith(self.path))
                and (self.status is None or status == self.status
                     or (self.status.endswith("xx") and status[:1] == self.status[:1]))
                and (self.project_id is None or entry.get("projectId") == self.project_id)
                and (self.since is None or str(entry.get("time", "")) >= self.since))

    def select(self, journal: list[dict[str, Any]]) -> list[dict[str, Any]]:
        """Matching entries, oldest first; with a limit, the most recent `limit` of them."""
        found = [entry for entry in journal if self.matches(entry)]
        return found[-self.limit:] if self.limit else found
