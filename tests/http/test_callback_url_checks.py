"""callbackUrl is checked when it is set: never the mock's own address (outside the callback
receiver paths), never a URL that could smuggle headers or cannot be called. A refused request
changes nothing."""

from __future__ import annotations

import pytest

from mock_server.delivery.destinations import MAX_CALLBACK_URL_LENGTH

PROJECT = "attacker"
NUMBER = {"phoneNumber": "+12025550134", "regionCode": "US", "smsConfiguration": {"servicePlanId": "plan-1"}}

OWN_URLS = [
    "http://127.0.0.1:8080/_mock/reset",
    "http://localhost:8080/_mock/projects/victim/hostingOrders/01k0000000000000000000000:signLoa",
    "http://[::1]:8080/v1/projects/victim/importedNumbers",
    "http://testserver/_mock/reset",  # the host this request reached the mock as
]
BAD_URLS = [
    "http://127.0.0.1:9000/cb\r\nX-Injected: yes",
    "http://127.0.0.1:9000/c\nb",
    "http://127.0.0.1:9000/c\tb",
    "http://127.0.0.1:70000/cb",
    "http://127.0.0.1:9000/" + "p" * MAX_CALLBACK_URL_LENGTH,
]


@pytest.fixture
def listening(app):
    app.state.own_address.listening("127.0.0.1", 8080)  # what `sinch-mock serve` tells the app
    return app


def field_problem(response) -> str:
    assert response.status_code == 400, response.text
    body = response.json()
    assert body["status"] == "INVALID_ARGUMENT"
    violations = body["details"][0]["fieldViolations"]
    assert [v["field"] for v in violations] == ["callbackUrl"]
    return violations[0]["description"]


@pytest.mark.parametrize("url", OWN_URLS + BAD_URLS)
def test_an_import_with_such_a_callback_url_is_refused_and_creates_nothing(listening, client, url):
    field_problem(client.post(f"/v1/projects/{PROJECT}/importedNumbers", json={**NUMBER, "callbackUrl": url}))
    assert client.get(f"/v1/projects/{PROJECT}/importedNumbers/%2B12025550134").status_code == 404


@pytest.mark.parametrize("url", OWN_URLS + BAD_URLS)
def test_a_patch_to_such_a_callback_url_is_refused_and_changes_nothing(listening, client, url):
    assert client.post(f"/v1/projects/{PROJECT}/importedNumbers",
                       json={**NUMBER, "callbackUrl": "http://127.0.0.1:9/cb"}).status_code == 200
    field_problem(client.patch(f"/v1/projects/{PROJECT}/importedNumbers/%2B12025550134", json={"callbackUrl": url}))
    got = client.get(f"/v1/projects/{PROJECT}/importedNumbers/%2B12025550134").json()
    assert got["callbackUrl"] == "http://127.0.0.1:9/cb"


@pytest.mark.parametrize("url", OWN_URLS[:2] + BAD_URLS[:1])
def test_a_hosting_order_with_such_a_callback_url_is_refused(listening, client, url):
    response = client.post(f"/v1/projects/{PROJECT}/hostingOrders:importNumbers", json={
        "regionCode": "US", "numbers": ["+12025550140"], "servicePlanId": "plan-1", "callbackUrl": url})
    field_problem(response)
    assert client.get(f"/v1/projects/{PROJECT}/hostingOrders").json().get("hostingOrders", []) == []


def test_the_own_address_message_says_what_is_allowed(listening, client):
    problem = field_problem(client.post(f"/v1/projects/{PROJECT}/importedNumbers",
                                        json={**NUMBER, "callbackUrl": OWN_URLS[0]}))
    assert "the mock itself" in problem and "/_mock/sink/" in problem


def test_a_callback_receiver_path_on_the_own_address_is_allowed(listening, client):
    response = client.post(f"/v1/projects/{PROJECT}/importedNumbers",
                           json={**NUMBER, "callbackUrl": "http://127.0.0.1:8080/_mock/sink/mine"})
    assert response.status_code == 200, response.text


def test_another_port_on_loopback_is_not_the_mock(listening, client):
    response = client.post(f"/v1/projects/{PROJECT}/importedNumbers",
                           json={**NUMBER, "callbackUrl": "http://127.0.0.1:8081/_mock/reset"})
    assert response.status_code == 200, response.text
