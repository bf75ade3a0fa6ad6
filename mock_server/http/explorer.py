"""`GET /docs`: the API explorer (Swagger UI, shipped in the package), pointed at the mock itself.

It shows two definitions: the real API from a copy of the spec whose `servers` and OAuth2
token URL are this mock's own (`/docs/openapi.json`; `/openapi.yaml` stays byte for byte), and
the control plane's own document (`/_mock/openapi.yaml`). Nothing is fetched from elsewhere.
"""

from __future__ import annotations

import copy
import json
from functools import lru_cache
from pathlib import Path

from starlette.requests import Request
from starlette.responses import HTMLResponse, Response
from starlette.routing import BaseRoute, Mount, Route
from starlette.staticfiles import StaticFiles

from mock_server.config import SANDBOX_KEY_ID, SANDBOX_KEY_SECRET
from mock_server.spec import spec_document

ASSETS = Path(__file__).with_name("static") / "explorer"
CONTROL_PLANE_OPENAPI = Path(__file__).with_name("control-plane.openapi.yaml")
_ORIGINS_CACHED = 8  # explorer copies of the spec kept, one per origin the mock is reached by

PAGE = """<!DOCTYPE html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <title>sinch-mock API explorer</title>
  <meta name="viewport" content="width=device-width, initial-scale=1">
  <link rel="icon" href="data:,">
  <link rel="stylesheet" href="/docs/assets/swagger-ui.css">
  <style>body {{ margin: 0; }} .topbar .download-url-wrapper {{ justify-content: flex-end; }}</style>
</head>
<body>
  <div id="explorer"></div>
  <script src="/docs/assets/swagger-ui-bundle.js"></script>
  <script src="/docs/assets/swagger-ui-standalone-preset.js"></script>
  <script>
    // State-changing control-plane calls from a page must not be "simple" requests: mark them.
    function markControlCalls(request) {{
      if (new URL(request.url, window.location.href).pathname.startsWith("/_mock/")) {{
        request.headers["X-Requested-With"] = "sinch-mock-explorer";
      }}
      return request;
    }}
    window.ui = SwaggerUIBundle({{
      urls: {urls},
      "urls.primaryName": "Sinch API (this mock)",
      dom_id: "#explorer",
      deepLinking: true,
      presets: [SwaggerUIBundle.presets.apis, SwaggerUIStandalonePreset],
      layout: "StandaloneLayout",
      validatorUrl: null,
      requestInterceptor: markControlCalls,
    }});
  </script>
</body>
</html>
"""


async def explorer_page(request: Request) -> HTMLResponse:
    urls = [{"url": "/docs/openapi.json", "name": "Sinch API (this mock)"},
            {"url": "/_mock/openapi.yaml", "name": "Control plane (/_mock)"}]
    return HTMLResponse(PAGE.format(urls=json.dumps(urls)), headers={"Cache-Control": "no-cache"})


def explorer_spec(origin: str) -> dict:
    """The real spec with `servers` and the OAuth2 token URL pointed at `origin` (this mock)."""
    document = copy.deepcopy(spec_document())
    document["servers"] = [{"url": origin, "description": "this sinch-mock"}]
    for scheme in document.get("components", {}).get("securitySchemes", {}).values():
        for flow in scheme.get("flows", {}).values():
            if "tokenUrl" in flow:
                flow["tokenUrl"] = f"{origin}/oauth2/token"
    info = document.setdefault("info", {})
    info["description"] = (
        f"Served by sinch-mock at {origin}: every call below reaches the mock. Authorize with Basic "
        f"(username `{SANDBOX_KEY_ID}`, password `{SANDBOX_KEY_SECRET}`, unless the mock was started "
        "with other access keys) or with OAuth2 client credentials (the same pair as client id and "
        "secret).\n\n" + info.get("description", ""))
    return document


@lru_cache(maxsize=_ORIGINS_CACHED)
def _explorer_spec_json(origin: str) -> bytes:
    return json.dumps(explorer_spec(origin)).encode()


async def explorer_openapi(request: Request) -> Response:
    origin = str(request.base_url).rstrip("/")
    return Response(_explorer_spec_json(origin), media_type="application/json")


async def control_plane_openapi(request: Request) -> Response:
    return Response(CONTROL_PLANE_OPENAPI.read_bytes(), media_type="application/yaml")


routes: list[BaseRoute] = [
    Route("/docs", explorer_page, methods=["GET"]),
    Route("/docs/openapi.json", explorer_openapi, methods=["GET"]),
    Mount("/docs/assets", StaticFiles(directory=ASSETS), name="explorer-assets"),
]
control_routes: list[BaseRoute] = [
    Route("/_mock/openapi.yaml", control_plane_openapi, methods=["GET"]),
]
