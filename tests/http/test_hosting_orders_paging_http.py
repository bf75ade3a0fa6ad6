"""Page tokens of the two hosting-order lists are bound to the project and to the filter:
a token from project A's list is a 400 in project B's, and one issued for other filters is a 400."""

from __future__ import annotations

import pytest

from mock_server.core.rng import Stream
from tests.hosting_support import PLAN

A, B = "proj-a", "proj-b"
NUMBERS = {A: ["+13125554000", "+13125554001", "+13125554002"], B: ["+13125555000", "+13125555001", "+13125555002"]}
FILTER = {"states": "SUBMITTED", "type": "IMPORT", "servicePlanId": PLAN, "campaignId": ""}


@pytest.fixture
def world(app):
    return app.state.world


def import_order(client, project: str, numbers: list[str]) -> str:
    response = client.post(f"/v1/projects/{project}/hostingOrders:importNumbers",
                           json={"regionCode": "US", "numbers": numbers, "servicePlanId": PLAN})
    assert response.status_code == 200, response.text
    return response.json()["hostingOrderId"]


def refused_token(response) -> str:
    assert response.status_code == 400, response.text
    [violation] = [v for d in response.json()["details"] for v in d["fieldViolations"]]
    assert violation["field"] == "pageToken"
    return violation["description"]


# --- GET hostingOrders ------------------------------------------------------------------------------
@pytest.fixture
def two_projects_of_orders(client):
    for project in (A, B):
        for phone in NUMBERS[project][:2]:
            import_order(client, project, [phone])


def orders_token(client, project: str, **changes) -> str:
    page = client.get(f"/v1/projects/{project}/hostingOrders", params=FILTER | {"pageSize": 1} | changes).json()
    assert page["nextPageToken"], page
    return page["nextPageToken"]


def test_an_orders_token_works_in_its_own_project(client, two_projects_of_orders):
    token = orders_token(client, A)
    page = client.get(f"/v1/projects/{A}/hostingOrders", params=FILTER | {"pageSize": 1, "pageToken": token})
    assert page.status_code == 200 and len(page.json()["hostingOrders"]) == 1


def test_an_orders_token_of_project_a_is_refused_in_project_b(client, two_projects_of_orders):
    token = orders_token(client, A)
    response = client.get(f"/v1/projects/{B}/hostingOrders", params=FILTER | {"pageSize": 1, "pageToken": token})
    assert refused_token(response) == "was issued for another project's list"


@pytest.mark.parametrize("other", [{"states": "IN_PROGRESS"}, {"type": "HOSTING_ORDER_TYPE_UNSPECIFIED"},
                                   {"regionCode": "US"}, {"orderBy": "updatedTime"}])
def test_an_orders_token_of_another_filter_is_refused(client, two_projects_of_orders, other):
    token = orders_token(client, A)
    response = client.get(f"/v1/projects/{A}/hostingOrders", params=FILTER | other | {"pageToken": token})
    assert refused_token(response) == "was issued for other filters or another order"


# --- GET hostingOrders/{id}/numbers -----------------------------------------------------------------
@pytest.fixture
def same_order_id_in_two_projects(client, world, monkeypatch):
    """Two projects each with an order of the same id (ids are per project), three numbers each."""
    for project in (A, B):
        world.project(project).limits.import_order_numbers = 3
    monkeypatch.setattr(Stream, "ulid", lambda stream, instant: "01JORDERSHAREDBYTWOPROJECT")  # every stream's
    ids = {import_order(client, project, NUMBERS[project]) for project in (A, B)}
    assert len(ids) == 1
    return ids.pop()


def numbers_url(project: str, order_id: str) -> str:
    return f"/v1/projects/{project}/hostingOrders/{order_id}/numbers"


def test_a_numbers_token_works_for_its_own_order(client, same_order_id_in_two_projects):
    oid = same_order_id_in_two_projects
    token = client.get(numbers_url(A, oid), params={"pageSize": 2}).json()["nextPageToken"]
    page = client.get(numbers_url(A, oid), params={"pageSize": 2, "pageToken": token})
    assert [n["phoneNumber"] for n in page.json()["numbers"]] == NUMBERS[A][2:]


def test_a_numbers_token_of_project_a_is_refused_in_project_b(client, same_order_id_in_two_projects):
    oid = same_order_id_in_two_projects
    token = client.get(numbers_url(A, oid), params={"pageSize": 2}).json()["nextPageToken"]
    assert token
    response = client.get(numbers_url(B, oid), params={"pageSize": 2, "pageToken": token})
    assert refused_token(response) == "was issued for another project's list"


@pytest.mark.parametrize("other", [{"osrUpdateState": "WAITING"}, {"platformProvisioningState": "WAITING"},
                                   {"campaignProvisioningState": "STATE_UNSPECIFIED"}, {"orderBy": "updatedTime"}])
def test_a_numbers_token_of_another_filter_is_refused(client, same_order_id_in_two_projects, other):
    oid = same_order_id_in_two_projects
    token = client.get(numbers_url(A, oid), params={"pageSize": 2}).json()["nextPageToken"]
    response = client.get(numbers_url(A, oid), params={"pageSize": 2, "pageToken": token} | other)
    assert refused_token(response) == "was issued for other filters or another order"


def test_a_numbers_token_of_another_order_is_refused(client, world):
    world.project(A).limits.import_order_numbers = 3
    first = import_order(client, A, NUMBERS[A])
    second = import_order(client, A, NUMBERS[B])
    token = client.get(numbers_url(A, first), params={"pageSize": 2}).json()["nextPageToken"]
    response = client.get(numbers_url(A, second), params={"pageSize": 2, "pageToken": token})
    assert refused_token(response) == "was issued for other filters or another order"
