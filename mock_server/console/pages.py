"""The console's page and its static files.

`GET /` and `GET /_mock/ui/` answer the page; `/_mock/ui/static/...` its scripts and styles.
They hold no state (the page reads everything through `/_mock/ui/api/...` and the stream),
so they are served without the control token: the page asks for the token itself.
"""

from __future__ import annotations

import html
from functools import lru_cache
from pathlib import Path

from starlette.requests import Request
from starlette.responses import HTMLResponse, RedirectResponse
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles

from mock_server.config import SANDBOX_KEY_ID, SANDBOX_KEY_SECRET

STATIC = Path(__file__).parent / "static"
TEMPLATES = Path(__file__).parent / "templates"
# What a control-token check must let through: the page and its files carry no state.
PUBLIC_PATHS = frozenset({"/", "/_mock/ui", "/_mock/ui/"})
PUBLIC_PREFIX = "/_mock/ui/static/"


def is_public(path: str) -> bool:
    """Whether `path` is the console's page or one of its files (served without the control token)."""
    return path in PUBLIC_PATHS or path.startswith(PUBLIC_PREFIX)

SECURITY_HEADERS = {
    "Content-Security-Policy": "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
                               "connect-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "Cache-Control": "no-store",
}


@lru_cache(maxsize=1)
def page_html() -> str:
    template = (TEMPLATES / "index.html").read_text(encoding="utf-8")
    return (template.replace("{{SANDBOX_KEY_ID}}", html.escape(SANDBOX_KEY_ID))
            .replace("{{SANDBOX_KEY_SECRET}}", html.escape(SANDBOX_KEY_SECRET)))


async def page(request: Request) -> HTMLResponse:
    return HTMLResponse(page_html(), headers=SECURITY_HEADERS)


async def to_page(request: Request) -> RedirectResponse:
    return RedirectResponse("/_mock/ui/", status_code=308)


routes = [
    Route("/", page, methods=["GET"]),
    Route("/_mock/ui/", page, methods=["GET"]),
    Route("/_mock/ui", to_page, methods=["GET"]),
    Mount("/_mock/ui/static", app=StaticFiles(directory=STATIC), name="console-static"),
]
