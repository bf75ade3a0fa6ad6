"""HTTP routes of the imported numbers area (filled in by its issue)."""

from __future__ import annotations

from starlette.routing import BaseRoute

routes: list[BaseRoute] = []
control_routes: list[BaseRoute] = []
