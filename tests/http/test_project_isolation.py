"""Projects do not leak into each other: one seed and one start time, two projects driven
together (their requests interleaved) or each alone, give each project the same answers, the
same ids, voice codes and callbacks, in the same order."""

from __future__ import annotations

import re
from typing import Callable, Iterator

from starlette.testclient import TestClient

from mock_server.config import MockConfig
from mock_server.core.clock import Clock
from mock_server.http.app import create_app
from mock_server.testing import CallbackReceiver
from tests.conftest import AUTH_HEADERS, START

SEED = 77
Step = Callable[[TestClient, list], tuple[str, int, object]]


def client_for(seed: int = SEED) -> TestClient:
    app = create_app(MockConfig(seed=seed, background=False), clock=Clock(start=START, frozen=True))
    return TestClient(app, headers=AUTH_HEADERS)


ORDER = "{order}"  # in a path: the id of the project's nth hosting order, from its answers so far


def call(method: str, path: str, **kw: object) -> Step:
    def step(client: TestClient, earlier: list) -> tuple[str, int, object]:
        orders = [body["hostingOrderId"] for label, _, body in earlier if label.endswith("hostingOrders:importNumbers")]
        response = client.request(method, re.sub(r"\{order\}(\d)", lambda m: orders[int(m[1])], path), **kw)
        return f"{method} {path}", response.status_code, response.json()
    return step


def phases(project: str, base: int, url: str, extra: int) -> list[list[Step]]:
    """What one project does, phase by phase (the clock moves between phases, for all projects).
    `extra` makes one project busier than the other: more imports, more tokens."""
    api = f"/v1/projects/{project}"
    phone = [f"+1206555{base + i:04d}" for i in range(12)]
    qualified = f"+1303555{base:04d}"
    token = call("POST", "/oauth2/token", data={"grant_type": "client_credentials"})
    imported = [call("POST", f"{api}/importedNumbers", json={
        "phoneNumber": p, "regionCode": "US", "smsConfiguration": {"servicePlanId": "plan"}, "callbackUrl": url})
        for p in phone[:2 + extra]]
    order = call("POST", f"{api}/hostingOrders:importNumbers", json={
        "regionCode": "US", "numbers": phone[6:9], "servicePlanId": "plan", "callbackUrl": url})
    return [
        [*[token] * extra, *imported, order, call("POST", f"{api}/qualifiedNumbers:addNumbers",
                                                  json={"phoneNumbers": [qualified]})],
        [call("POST", f"{api}/qualifiedNumbers/{qualified}:sendVoiceChallenge"),
         call("GET", f"/_mock/projects/{project}/qualifiedNumbers/{qualified}/voiceChallenge"),
         *[token] * extra,
         call("POST", f"{api}/hostingOrders:importNumbers", json={
             "regionCode": "US", "numbers": phone[9:12], "servicePlanId": "plan", "callbackUrl": url})],
        [call("GET", f"{api}/importedNumbers"), call("GET", f"{api}/qualifiedNumbers/{qualified}"),
         *[call("GET", f"{api}/hostingOrders/{ORDER}{n}") for n in (0, 1)],
         *[call("GET", f"{api}/hostingOrders/{ORDER}{n}/numbers") for n in (0, 1)]],
    ]


def interleaved(*scripts: list[Step]) -> Iterator[Step]:
    longest = max(len(s) for s in scripts)
    for index in range(longest):
        for script in scripts:
            if index < len(script):
                yield script[index]


def run(projects: dict[str, tuple[int, int]], receiver: CallbackReceiver) -> tuple[dict, dict]:
    """Drive `projects` (id -> (number base, extra work)) together; each one's answers (tokens
    left out: they are the key's, not the project's) and the callbacks it got, in order."""
    answers: dict[str, list] = {p: [] for p in projects}
    start = len(receiver.received)
    # one receiver URL for all: the projects' callbacks share one delivery lane
    scripts = {p: phases(p, base, receiver.url, extra) for p, (base, extra) in projects.items()}
    with client_for() as client:
        for phase in range(3):
            for step in interleaved(*[[(p, s) for s in scripts[p][phase]] for p in projects]):
                project, action = step
                label, status, body = action(client, answers[project])
                if label != "POST /oauth2/token":
                    answers[project].append((label, status, body))
            assert client.post("/_mock/clock:advance", json={"seconds": 3 * 3600}).status_code == 200
    callbacks = {p: [c.payload for c in receiver.received[start:] if c.payload["projectId"] == p] for p in projects}
    return answers, callbacks


def test_two_projects_driven_together_answer_and_call_back_as_each_does_alone():
    with CallbackReceiver() as receiver:
        together, together_callbacks = run({"alpha": (0, 0), "beta": (200, 3)}, receiver)
        alpha, alpha_callbacks = run({"alpha": (0, 0)}, receiver)
        beta, beta_callbacks = run({"beta": (200, 3)}, receiver)
    assert together["alpha"] == alpha["alpha"]
    assert together["beta"] == beta["beta"]
    assert together_callbacks["alpha"] == alpha_callbacks["alpha"]
    assert together_callbacks["beta"] == beta_callbacks["beta"]
    # what was compared is substantial: every request answered, ids and codes drawn, callbacks sent
    assert all(status in (200, 201) for _, status, _ in together["alpha"] + together["beta"])
    assert len(alpha_callbacks["alpha"]) >= 10 and len(beta_callbacks["beta"]) > len(alpha_callbacks["alpha"])
    code = dict((label, body) for label, _, body in alpha["alpha"])[
        "GET /_mock/projects/alpha/qualifiedNumbers/+13035550000/voiceChallenge"]
    assert len(code["code"]) == 4


def test_minting_a_token_between_two_imports_leaves_the_next_hosting_order_id_alone():
    def second_order_id(tokens: int) -> str:
        with client_for() as client:
            for number in ("+12065550201", "+12065550202"):
                if number.endswith("2"):
                    for _ in range(tokens):
                        assert client.post("/oauth2/token", data={"grant_type": "client_credentials"}).status_code == 200
                response = client.post("/v1/projects/p1/hostingOrders:importNumbers", json={
                    "regionCode": "US", "numbers": [number], "servicePlanId": "plan"})
                assert response.status_code == 200, response.text
            return response.json()["hostingOrderId"]

    assert second_order_id(tokens=1) == second_order_id(tokens=0)
