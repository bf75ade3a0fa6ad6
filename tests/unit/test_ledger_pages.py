"""The ledger's one paging home (`EventLog.select` / `EventLog.page`), called directly."""

from __future__ import annotations

import pytest

from mock_server.core.errors import ApiError
from mock_server.domain.events import EventType, ResourceType


def record(world, project: str, destination: str | None = None):
    return world.events.record(project, ResourceType.IMPORTED_NUMBER, EventType.PROVISIONING_TO_SMS_PLATFORM,
                               "+12025550100", destination=destination)


def refused_token(call) -> None:
    with pytest.raises(ApiError) as caught:
        call()
    assert [v.field for v in caught.value.violations] == ["pageToken"]


def test_pages_run_oldest_or_newest_first(world):
    made = [record(world, "p1").seq for _ in range(3)]
    first = world.events.page("p1", page_size=2)
    second = world.events.page("p1", page_size=2, page_token=first.next_page_token)
    assert [e.seq for e in first.items + second.items] == made and second.next_page_token == ""
    assert [e.seq for e in world.events.page("p1", order="newest").items] == made[::-1]


def test_a_page_token_of_one_project_is_a_400_in_another(world):
    for project in ("p1", "p1", "p2", "p2"):
        record(world, project)
    token = world.events.page("p1", page_size=1).next_page_token
    assert len(world.events.page("p1", page_size=1, page_token=token).items) == 1
    refused_token(lambda: world.events.page("p2", page_size=1, page_token=token))
    refused_token(lambda: world.events.page(None, page_size=1, page_token=token))  # the whole ledger


@pytest.mark.parametrize("other", [{"state": "no_destination"}, {"order": "newest"}])
def test_a_page_token_for_another_state_or_order_is_a_400(world, other):
    for _ in range(3):
        record(world, "p1")  # no destination: every event matches both states asked
    token = world.events.page("p1", page_size=1).next_page_token
    refused_token(lambda: world.events.page("p1", page_size=1, page_token=token, **other))


def test_the_state_filter_names_the_delivery_states(world):
    record(world, "p1")
    pending = record(world, "p1", destination="http://127.0.0.1:9/cb")
    assert world.events.select("p1", "pending") == [pending]
    with pytest.raises(ApiError) as caught:
        world.events.select("p1", "lost")
    assert caught.value.violations[0].field == "state" and "no_destination" in caught.value.message
