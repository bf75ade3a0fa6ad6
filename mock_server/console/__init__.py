"""The sandbox console: a web page, served by the mock itself, to watch and drive it.

`install(app)` adds its routes and its change-notice middleware to an app made by
`mock_server.http.app.create_app`. The page (`/`, `/_mock/ui/`) is plain HTML (`templates/index.html`) with ES
modules and CSS from `static/`; it reads state from `/_mock/ui/api/...` (rendered by the API's own
serializers), drives the mock with the documented control-plane and API calls, and refreshes
when `/_mock/ui/stream` (Server-Sent Events) says that something changed. docs/sandbox.md is
the guide.
"""

from __future__ import annotations

from starlette.applications import Starlette

from mock_server.console.notices import ChangeNotices, WriteNoticeMiddleware
from mock_server.console.pages import is_public
from mock_server.console.pages import routes as page_routes
from mock_server.console.stream import StreamGate
from mock_server.console.stream import routes as stream_routes
from mock_server.console.views import routes as view_routes

__all__ = ["install", "is_public"]


def install(app: Starlette, *, max_streams: int) -> None:
    notices = ChangeNotices(app.state.world)
    app.state.console_notices = notices
    app.state.console_streams = StreamGate(max_streams)
    app.router.routes[:0] = [*page_routes, *stream_routes, *view_routes]
    app.add_middleware(WriteNoticeMiddleware, notices=notices)
