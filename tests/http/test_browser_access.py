"""CORS and the control-plane guard (docs/frontend.md, docs/control-plane.md), in-process."""

from __future__ import annotations

import pytest
from starlette.testclient import TestClient

from mock_server.config import MockConfig
from mock_server.core.clock import Clock
from mock_server.http.app import create_app
from tests.conftest import AUTH_HEADERS, START

DEV = "http://localhost:5173"
EVIL = "https://evil.example"
LIST = "/v1/projects/p/importedNumbers?servicePlanId=plan&campaignId=camp"
NUMBER_BODY = {"phoneNumber": "+12025550134", "regionCode": "US", "smsConfiguration": {"servicePlanId": "plan"}}


def make_client(**config) -> TestClient:
    app = create_app(MockConfig(seed=1, background=False, **config), clock=Clock(start=START, frozen=True))
    return TestClient(app)


@pytest.fixture
def mock():
    with make_client() as client:
        yield client


def preflight(client: TestClient, path: str, origin: str = DEV, method: str = "POST",
              headers: str = "authorization,content-type"):
    return client.options(path, headers={"Origin": origin, "Access-Control-Request-Method": method,
                                         "Access-Control-Request-Headers": headers})


# --- CORS --------------------------------------------------------------------------------------
@pytest.mark.parametrize("path", ["/v1/projects/p/importedNumbers", "/oauth2/token", "/_mock/reset",
                                  "/_mock/clock:advance", "/openapi.yaml"])
def test_preflights_are_answered_before_authentication(mock, path):
    answer = preflight(mock, path)
    assert answer.status_code == 200, answer.text
    assert answer.headers["access-control-allow-origin"] == DEV
    allowed = answer.headers["access-control-allow-headers"].lower()
    assert "authorization" in allowed and "content-type" in allowed
    assert "POST" in answer.headers["access-control-allow-methods"]
    assert int(answer.headers["access-control-max-age"]) > 0


@pytest.mark.parametrize("origin", ["http://localhost:5173", "http://127.0.0.1:3000", "http://localhost"])
def test_any_localhost_page_is_allowed_by_default(mock, origin):
    answer = mock.get(LIST, headers={"Origin": origin, **AUTH_HEADERS})
    assert answer.status_code == 200
    assert answer.headers["access-control-allow-origin"] == origin
    exposed = answer.headers["access-control-expose-headers"].lower()
    assert {"retry-after", "www-authenticate", "location"} <= {h.strip() for h in exposed.split(",")}


@pytest.mark.parametrize("origin", [EVIL, "http://localhost.evil.example", "https://localhost:5173",
                                    "http://127.0.0.1.evil.example:80"])
def test_other_origins_get_no_cors_headers_by_default(mock, origin):
    answer = mock.get(LIST, headers={"Origin": origin, **AUTH_HEADERS})
    assert "access-control-allow-origin" not in answer.headers
    assert preflight(mock, "/v1/projects/p/importedNumbers", origin=origin).status_code == 400


def test_a_401_carries_cors_headers_so_the_page_can_read_it(mock):
    answer = mock.get(LIST, headers={"Origin": DEV})
    assert answer.status_code == 401
    assert answer.headers["access-control-allow-origin"] == DEV


def test_given_origins_replace_the_default_and_star_must_be_explicit():
    with make_client(cors_origins=["https://app.example.com"]) as client:
        ok = client.get("/openapi.yaml", headers={"Origin": "https://app.example.com"})
        assert ok.headers["access-control-allow-origin"] == "https://app.example.com"
        assert "access-control-allow-origin" not in client.get("/openapi.yaml", headers={"Origin": DEV}).headers
    with make_client(cors_origins=["*"]) as client:
        assert client.get("/openapi.yaml", headers={"Origin": EVIL}).headers["access-control-allow-origin"] == "*"
        assert client.post("/_mock/clock:freeze", headers={"Origin": EVIL, "Content-Type": "application/json"}
                           ).status_code == 200


# --- the control plane's guard -----------------------------------------------------------------
def state_of(client: TestClient) -> dict:
    return client.get("/_mock/state").json()


def test_a_page_from_a_disallowed_origin_is_refused_and_nothing_changes(mock):
    assert mock.post("/v1/projects/p/importedNumbers", json=NUMBER_BODY, headers=AUTH_HEADERS).status_code == 200
    before = state_of(mock)
    for headers in ({"Origin": EVIL}, {"Origin": EVIL, "Content-Type": "application/json"},
                    {"Origin": "null"}, {"Sec-Fetch-Site": "cross-site", "Sec-Fetch-Mode": "navigate"}):
        answer = mock.post("/_mock/reset", headers=headers)
        assert answer.status_code == 403, headers
        assert answer.json()["status"] == "PERMISSION_DENIED"
        assert "SINCH_MOCK_CORS_ORIGINS" in answer.json()["message"]
    assert mock.get("/_mock/state", headers={"Origin": EVIL}).status_code == 403
    assert state_of(mock) == before


def test_simple_requests_cannot_change_the_control_plane(mock):
    before = state_of(mock)
    form = mock.post("/_mock/clock:resume", content=b"a=b",
                     headers={"Content-Type": "application/x-www-form-urlencoded"})
    assert form.status_code == 415 and "application/json" in form.json()["message"]
    text = mock.post("/_mock/clock:resume", content=b'{"seconds": 1}', headers={"Content-Type": "text/plain"})
    assert text.status_code == 415
    no_cors = mock.post("/_mock/reset", headers={"Origin": DEV, "Sec-Fetch-Mode": "no-cors"})
    assert no_cors.status_code == 403 and "Content-Type: application/json" in no_cors.json()["message"]
    assert state_of(mock) == before
    # what a page allowed by CORS sends after its preflight works
    assert mock.post("/_mock/clock:resume", headers={"Origin": DEV, "Content-Type": "application/json"}
                     ).status_code == 200
    assert mock.post("/_mock/clock:freeze", headers={"Origin": DEV, "X-Requested-With": "fetch"}).status_code == 200


def test_programs_without_browser_headers_may_post_without_a_body(mock):
    assert mock.post("/_mock/clock:resume").status_code == 200


def test_the_mocks_own_pages_are_same_origin(mock):
    answer = mock.post("/_mock/clock:resume", headers={"Origin": "http://testserver", "Sec-Fetch-Site": "same-origin",
                                                       "Content-Type": "application/json"})
    assert answer.status_code == 200


@pytest.mark.parametrize("host", ["rebind.evil.example", "rebind.evil.example:8080", "localhost.evil.example"])
def test_dns_rebinding_hosts_are_refused(mock, host):
    answer = mock.get("/_mock/state", headers={"Host": host})
    assert answer.status_code == 403
    assert "--allowed-host" in answer.json()["message"] and "SINCH_MOCK_ALLOWED_HOSTS" in answer.json()["message"]
    assert mock.post("/_mock/reset", headers={"Host": host}).status_code == 403


@pytest.mark.parametrize("host", ["localhost:8080", "127.0.0.1:8080", "[::1]:8080", "10.0.0.7", "sinch-mock:8080",
                                  "app.localhost:8080"])
def test_ip_literals_localhost_and_dotless_names_are_answered(mock, host):
    assert mock.get("/_mock/clock", headers={"Host": host}).status_code == 200


def test_allowed_hosts_add_names():
    with make_client(allowed_hosts=["mock.test.internal"]) as client:
        assert client.get("/_mock/clock", headers={"Host": "mock.test.internal:8080"}).status_code == 200
        assert client.get("/_mock/clock", headers={"Host": "other.test.internal"}).status_code == 403


def test_the_api_itself_does_not_check_the_host(mock):
    assert mock.get(LIST, headers={"Host": "api.example.com", **AUTH_HEADERS}
                    ).status_code == 200


# --- the control token -------------------------------------------------------------------------
def test_a_control_token_guards_every_control_call_but_health():
    with make_client(control_token="s3cret") as client:
        assert client.get("/_mock/health").status_code == 200
        for method, path in (("GET", "/_mock/state"), ("POST", "/_mock/reset"), ("GET", "/_mock/requests")):
            refused = client.request(method, path)
            assert refused.status_code == 401
            assert "SINCH_MOCK_CONTROL_TOKEN" in refused.json()["message"]
            assert refused.headers["www-authenticate"].startswith("Bearer")
            wrong = client.request(method, path, headers={"Authorization": "Bearer nope"})
            assert wrong.status_code == 401
            ok = client.request(method, path, headers={"Authorization": "Bearer s3cret"})
            assert ok.status_code == 200, ok.text


def test_the_consoles_static_files_need_no_control_token():
    from mock_server.http.guard import needs_token

    assert not needs_token("GET", "/_mock/ui/static/app.js") and not needs_token("HEAD", "/_mock/health")
    assert not needs_token("GET", "/_mock/ui/")
    assert needs_token("POST", "/_mock/ui/x") and needs_token("GET", "/_mock/uix")
    assert needs_token("GET", "/_mock/ui/api/overview")
    assert needs_token("GET", "/_mock/state")


def test_with_a_control_token_callbacks_still_reach_a_built_in_sink():
    with make_client(control_token="s3cret") as client:
        assert client.post("/_mock/sink/mine", json={"eventId": "e1"}).status_code == 200
        assert client.get("/_mock/sink/mine").status_code == 401
        assert client.put("/_mock/sink/mine", json={"status": 500}).status_code == 401
        read = client.get("/_mock/sink/mine", headers={"Authorization": "Bearer s3cret"})
        assert read.status_code == 200 and "e1" in read.text


def test_with_a_control_token_the_api_keeps_its_own_authentication():
    with make_client(control_token="s3cret") as client:
        assert client.get(LIST, headers=AUTH_HEADERS).status_code == 200
        assert client.get(LIST,
                          headers={"Authorization": "Bearer s3cret"}).status_code == 401


def test_a_bearer_token_is_a_custom_header_for_bodiless_browser_posts():
    with make_client(control_token="s3cret") as client:
        answer = client.post("/_mock/clock:resume", headers={"Origin": DEV, "Authorization": "Bearer s3cret"})
        assert answer.status_code == 200
