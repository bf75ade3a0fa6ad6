"""HTTP routes of the hosting orders area (filled in by its issue)."""

from __future__ import annotations

from starlette.routing import BaseRoute

routes: list[BaseRoute] = []
control_routes: list[BaseRoute] = []
