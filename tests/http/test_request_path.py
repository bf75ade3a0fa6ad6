"""The request path's short cuts answer exactly as the long way did: the indexed router, CORS
without an `Origin`, the journal's kept header forms, the gate's reader fast path."""

from __future__ import annotations

import asyncio
import base64

import pytest
from starlette.routing import Router
from starlette.testclient import TestClient

from mock_server.config import MockConfig
from mock_server.http.app import build_routes, create_app
from mock_server.http.routing import IndexedRouter
from tests.conftest import AUTH_HEADERS, SANDBOX_KEY_ID, SANDBOX_KEY_SECRET

PATHS = [
    "/", "/docs", "/openapi.yaml", "/nothing", "/nothing/at/all/here", "/_mock/health", "/_mock/ui",
    "/_mock/ui/static/app.js", "/_mock/ui/static/deep/er/file.css", "/_mock/clock:advance",
    "/_mock/sink/mine", "/_mock/events/ev1:redeliver", "/v1/projects/p/importedNumbers",
    "/v1/projects/p/importedNumbers/+12025550134", "/v1/projects/p/importedNumbers/%2B12025550134",
    "/v1/projects/p/importedNumbers/not-a-number", "/v1/projects/p/qualifiedNumbers:addNumbers",
    "/v1/projects/p/qualifiedNumbers/+12025550134:sendVoiceChallenge",
    "/v1/projects/p/hostingOrders/h1/numbers/+12025550134", "/v1/projects/p/hostingOrders/h1/numbers/x/y",
    "/v1/projects/p/callbackConfiguration", "/v1/projects/p/importedNumbers/", "/oauth2/token", "/v1",
]


def answers(app, router_class) -> list[tuple[int, str]]:
    app.router = router_class(routes=list(app.router.routes), redirect_slashes=False,
                              lifespan=app.router.lifespan_context)
    app.middleware_stack = None
    found = []
    with TestClient(app, headers=AUTH_HEADERS, raise_server_exceptions=False) as client:
        for path in PATHS:
            for method in ("GET", "POST", "DELETE", "PATCH"):
                answer = client.request(method, path, json={} if method in ("POST", "PATCH") else None)
                found.append((answer.status_code, answer.text))
    return found


def test_the_indexed_router_answers_every_path_as_starlettes_router_does():
    indexed = answers(create_app(MockConfig(seed=1, background=False)), IndexedRouter)
    plain = answers(create_app(MockConfig(seed=1, background=False)), Router)
    assert indexed == plain
    assert {status for status, _ in indexed} >= {200, 400, 404, 405}  # the cases the index must keep


def test_the_indexed_router_tries_only_the_routes_of_the_paths_shape():
    router = IndexedRouter(routes=build_routes())
    group = router.candidates("/v1/projects/p/importedNumbers/+12025550134")
    assert 0 < len(group) < len(router.routes) // 4
    assert [r for r in router.routes if r in group] == group  # in the router's order
    assert router.candidates("/unknown/x") == router.candidates("/other/y")  # one group for unknown shapes
    mount_paths = {getattr(r, "path", "") for r in router.candidates("/docs/assets/a/b/c.js")}
    assert "/docs/assets" in mount_paths  # a mount matches any depth
    router.routes.pop(0)  # routes changed after the index was built: it follows
    assert router.candidates("/openapi.yaml")[0] is not None


def test_an_answer_to_a_request_without_origin_varies_on_origin(client):
    answer = client.get("/_mock/health")
    assert answer.headers["vary"] == "Origin"
    assert "access-control-allow-origin" not in answer.headers
    browser = client.get("/_mock/health", headers={"Origin": "http://localhost:3000"})
    assert browser.headers["access-control-allow-origin"] == "http://localhost:3000"
    assert "Origin" in browser.headers["vary"]


def test_an_existing_vary_header_is_extended_not_replaced():
    from starlette.responses import Response

    from mock_server.http.guard import BrowserPolicy, cors_middleware

    async def app(scope, receive, send):
        if scope["type"] == "http":
            await Response("x", headers={"Vary": "Accept"})(scope, receive, send)

    middleware = cors_middleware(BrowserPolicy())
    wrapped = middleware.cls(app, *middleware.args, **middleware.kwargs)
    client = TestClient(wrapped)  # not entered: the bare app has no lifespan
    assert client.get("/").headers.get_list("vary") == ["Accept, Origin"]


def test_journal_header_forms_are_kept_for_basic_but_not_for_bearer_tokens(anon):
    basic = "Basic " + base64.b64encode(f"{SANDBOX_KEY_ID}:{SANDBOX_KEY_SECRET}".encode()).decode()
    token = anon.post("/oauth2/token", data={"grant_type": "client_credentials"},
                      headers={"Authorization": basic}).json()["access_token"]
    path = "/v1/projects/p/importedNumbers/%2B12025550134"
    for _ in range(2):
        anon.get(path, headers={"Authorization": f"Bearer {token}"})
        anon.get(path, headers={"Authorization": basic})
    assert anon.post("/_mock/reset").status_code == 200  # revokes every token
    anon.get(path, headers={"Authorization": f"Bearer {token}"})
    anon.get(path, headers={"Authorization": basic})
    entries = anon.get("/_mock/requests", params={"method": "GET"}).json()["requests"]
    assert [e["request"]["headers"]["authorization"] for e in entries] == [
        "Bearer ***", f"Basic {SANDBOX_KEY_ID}:***"]  # the token's key is no longer named
    first, second = entries
    first["request"]["headers"]["x"] = "changed"
    assert "x" not in second["request"]["headers"]


def test_a_reader_passes_an_open_gate_at_once_and_a_heavy_job_still_waits_for_it():
    from mock_server.core.gate import Gate

    async def main() -> list[str]:
        gate, order = Gate(), []
        await gate.enter_reading()  # nothing heavy: no wait
        assert gate.readers == 1

        async def job() -> None:
            async with gate.writing_alone():
                order.append("job")

        task = asyncio.create_task(job())
        await asyncio.sleep(0.01)
        assert order == []  # the job waits for the reader inside
        order.append("reader done")
        gate.leave_reading()
        await asyncio.wait_for(task, 1)
        return order

    assert asyncio.run(main()) == ["reader done", "job"]


def test_the_gate_lets_a_reader_in_without_waiting_only_when_nothing_heavy_runs_on_its_loop():
    from mock_server.core.gate import Gate

    gate = Gate()

    async def first_loop() -> tuple[bool, bool]:
        unknown_loop = gate.try_enter_reading()  # the gate has not met this loop yet
        await gate.enter_reading()
        passed = gate.try_enter_reading()
        return unknown_loop, passed

    assert asyncio.run(first_loop()) == (False, True)
    assert gate.readers == 2  # two readers left inside when that loop ended (cancelled requests)

    async def second_loop() -> tuple[bool, int, bool]:
        on_new_loop = gate.try_enter_reading()  # the readers of the old loop must not count here
        await gate.enter_reading()
        readers = gate.readers

        async def job() -> None:
            async with gate.writing_alone():
                pass

        task = asyncio.create_task(job())
        await asyncio.sleep(0.01)
        while_waiting = gate.try_enter_reading()  # a job waits: readers queue behind it
        gate.leave_reading()
        await asyncio.wait_for(task, 1)
        return on_new_loop, readers, while_waiting

    assert asyncio.run(second_loop()) == (False, 1, False)


def test_a_heavy_job_runs_with_a_short_switch_interval_and_the_collector_paused():
    import gc
    import sys

    from mock_server.http.gate import HEAVY_SWITCH_INTERVAL, off_loop

    before = sys.getswitchinterval()
    seen = asyncio.run(off_loop(lambda: (sys.getswitchinterval(), gc.isenabled())))
    assert seen == (min(before, HEAVY_SWITCH_INTERVAL), False)
    assert sys.getswitchinterval() == before and gc.isenabled()  # restored once the job is over
