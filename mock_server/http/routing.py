"""Starlette's router, trying only the routes that can match a path.

Starlette tries every route in order until one matches: about 80 regular expressions for a
path near the end of the list. `IndexedRouter` groups the routes by the first segment of their
path and their number of segments, and tries, in the same order as before, only the routes of
the request's group (plus those whose shape is not fixed: mounts, a `{name:path}` parameter).
A route left out could not have matched, so the answer is the same: the same route, the same
405 for a known path with another method, the same 404, the same convertor error.
"""

from __future__ import annotations

import inspect
import re
from typing import Any, Awaitable, Callable

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Match, Mount, Route, Router, get_route_path
from starlette.types import ASGIApp, Receive, Scope, Send

_ANY = None  # a route whose first segment or number of segments is not fixed


def handled_by(endpoint: Callable[[Request], Awaitable[Response]]) -> ASGIApp:
    """The ASGI app of a route whose endpoint is `async def endpoint(request) -> Response`:
    Starlette's `request_response` without the exception handling it wraps around each route.
    The app's `ExceptionMiddleware`, which every request passes, handles what the endpoint
    raises with the same handlers (the request they see has the same scope, path parameters
    included)."""

    async def app(scope: Scope, receive: Receive, send: Send) -> None:
        response = await endpoint(Request(scope, receive, send))
        await response(scope, receive, send)

    return app


def lean_routes(routes: list[BaseRoute]) -> list[BaseRoute]:
    """`routes`, each `Route` to an async function handled by `handled_by`."""
    for route in routes:
        if isinstance(route, Route) and inspect.iscoroutinefunction(route.endpoint):
            route.app = handled_by(route.endpoint)
    return routes


def _shape(route: BaseRoute) -> tuple[str | None, int | None]:
    """(first segment, number of `/`) of every path the route can match; None where it varies."""
    if not isinstance(route, (Route, Mount)) or (isinstance(route, Mount) and not route.path):
        return _ANY, _ANY
    path = route.path_format if isinstance(route, Route) else route.path + "/"
    first = path[1:].split("/", 1)[0]
    if "{" in first:
        first = _ANY
    if isinstance(route, Mount):
        return first, _ANY
    spans_segments = any(re.fullmatch(convertor.regex, "a/b") for convertor in route.param_convertors.values())
    return first, _ANY if spans_segments else path.count("/")


def shape_of_path(path: str) -> tuple[str, int]:
    return path[1:].split("/", 1)[0], path.count("/")


class IndexedRouter(Router):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._indexed: list[BaseRoute] = []
        self._shapes: list[tuple[str | None, int | None]] = []
        self._groups: dict[tuple[str | None, int | None], list[BaseRoute]] = {}
        self._firsts: set[str | None] = set()
        self._counts: set[int | None] = set()

    def candidates(self, path: str) -> list[BaseRoute]:
        """The routes that may match `path`, in the router's order."""
        if self.routes != self._indexed:  # routes were added or replaced since (console.install)
            self._indexed = list(self.routes)
            self._shapes = [_shape(route) for route in self._indexed]
            self._groups = {}
            self._firsts = {shape[0] for shape in self._shapes}
            self._counts = {shape[1] for shape in self._shapes}
        first, count = shape_of_path(path)
        # Keys not named by any route share one group each, so the cache stays small whatever
        # paths clients send.
        if first not in self._firsts:
            first = "/"  # no route's first segment
        if count not in self._counts:
            count = -1
        key = (first, count)
        group = self._groups.get(key)
        if group is None:
            group = self._groups[key] = [
                route for route, (f, c) in zip(self._indexed, self._shapes)
                if (f is _ANY or f == first) and (c is _ANY or c == count)]
        return group

    async def app(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or self.redirect_slashes:  # the full walk, as Starlette does it
            await super().app(scope, receive, send)
            return
        if "router" not in scope:
            scope["router"] = self
        partial = partial_scope = None
        for route in self.candidates(get_route_path(scope)):
            match, child_scope = route.matches(scope)
            if match is Match.FULL:
                scope["route"] = route
                scope.update(child_scope)
                await route.handle(scope, receive, send)
                return
            if match is Match.PARTIAL and partial is None:
                partial, partial_scope = route, child_scope
        if partial is not None:
            scope["route"] = partial
            scope.update(partial_scope)  # type: ignore[arg-type]
            await partial.handle(scope, receive, send)
            return
        await self.default(scope, receive, send)
