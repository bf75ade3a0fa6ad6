"""`/docs` (the API explorer) and the control plane's own OpenAPI document."""

from __future__ import annotations

import re
from pathlib import Path

import yaml
from starlette.routing import Mount, Route

from mock_server.http.explorer import ASSETS, CONTROL_PLANE_OPENAPI
from mock_server.spec import SPEC_SHA256, spec_sha256

METHODS = {"get", "post", "put", "patch", "delete"}
DOC_FILE = CONTROL_PLANE_OPENAPI.relative_to(Path(__file__).resolve().parents[2])


def control_doc() -> dict:
    return yaml.safe_load(CONTROL_PLANE_OPENAPI.read_text())


def control_operations() -> set[tuple[str, str]]:
    """(METHOD, path) of every /_mock route of the app (the console's, added at start-up, too)."""
    from mock_server.config import MockConfig
    from mock_server.http.app import create_app

    found = set()
    for route in create_app(MockConfig(seed=1, background=False)).routes:
        path = re.sub(r"\{(\w+):\w+\}", r"{\1}", route.path)  # {name:path} is {name} in OpenAPI
        if isinstance(route, Route) and path.startswith("/_mock"):
            found |= {(method, path) for method in route.methods or () if method != "HEAD"}
        elif isinstance(route, Mount) and path.startswith("/_mock"):
            found.add(("GET", path + "/{path}"))
    return found


def test_every_control_route_is_in_the_control_plane_openapi_document():
    paths = control_doc()["paths"]
    missing = [f"{method} {path}" for method, path in sorted(control_operations(), key=lambda o: (o[1], o[0]))
               if method.lower() not in paths.get(path, {})]
    assert not missing, (
        f"{len(missing)} control-plane route(s) missing from {DOC_FILE}: " + "; ".join(missing)
        + ". Add each under `paths` (the route's path exactly, a lower-case method) with its "
        "parameters, request body and responses.")


def test_the_control_plane_document_names_no_route_the_app_lacks():
    operations = control_operations()
    stale = [f"{method.upper()} {path}" for path, item in control_doc()["paths"].items()
             for method in item if method in METHODS
             and (method.upper(), path) not in operations]
    assert not stale, f"{DOC_FILE} documents route(s) the app does not have: {'; '.join(stale)}"


def test_every_control_operation_has_an_answer_and_bodies_are_described():
    doc = control_doc()
    for path, item in doc["paths"].items():
        for method, operation in item.items():
            if method not in METHODS:
                continue
            ok = next((answer for status, answer in operation["responses"].items() if status.startswith("2")), None)
            if ok is None:  # a redirect
                assert any(status.startswith("3") for status in operation["responses"]), f"{method} {path}"
                continue
            ok = doc["components"]["responses"][ok["$ref"].rsplit("/", 1)[1]] if "$ref" in ok else ok
            assert "content" in ok, f"{method.upper()} {path}: the 200 answer has no body described"
    for path in ("/_mock/clock:advance", "/_mock/clock:set", "/_mock/scenarios:load", "/_mock/state"):
        method = "put" if path == "/_mock/state" else "post"
        assert "application/json" in doc["paths"][path][method]["requestBody"]["content"], path


def test_the_control_plane_document_is_valid_openapi():
    import schemathesis

    schema = schemathesis.openapi.from_dict(control_doc())
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) == sum(len(set(item) & METHODS) for item in control_doc()["paths"].values())


def test_the_control_plane_document_is_served_without_the_control_token():
    from starlette.testclient import TestClient

    from mock_server.config import MockConfig
    from mock_server.http.app import create_app

    with TestClient(create_app(MockConfig(seed=1, background=False, control_token="t"))) as client:
        answer = client.get("/_mock/openapi.yaml")
        assert answer.status_code == 200 and answer.headers["content-type"].startswith("application/yaml")
        assert yaml.safe_load(answer.text)["info"]["title"] == "sinch-mock control plane"


# --- /docs ----------------------------------------------------------------------------------------
def test_the_explorer_page_references_only_local_assets(anon):
    page = anon.get("/docs")
    assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
    references = re.findall(r'(?:src|href)="([^"]+)"', page.text)
    assert references, "the page loads nothing"
    for reference in references:
        assert reference.startswith("/docs/assets/") or reference.startswith("data:"), reference
        if reference.startswith("/"):
            assert anon.get(reference).status_code == 200, reference
    assert "validatorUrl: null" in page.text  # Swagger UI would otherwise call validator.swagger.io
    assert not re.search(r"https?://", page.text)


def test_the_vendored_assets_keep_their_licence():
    for name in ("LICENSE", "NOTICE", "README.md", "swagger-ui-bundle.js", "swagger-ui.css",
                 "swagger-ui-standalone-preset.js"):
        assert (ASSETS / name).is_file(), name
    assert "Apache License" in (ASSETS / "LICENSE").read_text()
    assert "swagger-ui-dist 5." in (ASSETS / "README.md").read_text()


def test_the_explorer_spec_points_at_the_mock_and_openapi_yaml_stays_byte_for_byte(anon):
    spec = anon.get("/docs/openapi.json", headers={"Host": "localhost:8123"}).json()
    assert spec["servers"] == [{"url": "http://localhost:8123", "description": "this sinch-mock"}]
    flows = spec["components"]["securitySchemes"]["OAuth2.0"]["flows"]
    assert flows["clientCredentials"]["tokenUrl"] == "http://localhost:8123/oauth2/token"
    assert "sandbox-key-id" in spec["info"]["description"]
    raw = anon.get("/openapi.yaml").content
    import hashlib

    assert hashlib.sha256(raw).hexdigest() == SPEC_SHA256 == spec_sha256()
    assert b"imported.numbers.api.sinch.com" in raw
