"""The order in which one destination's waiting events go out, and duplicate draws."""

from datetime import datetime, timezone

from mock_server.core.rng import Rng
from mock_server.delivery.planning import Item, arrange, with_duplicates
from mock_server.domain.events import CallbackEvent, EventType, ResourceType

T = datetime(2026, 1, 5, 9, tzinfo=timezone.utc)


def events(count: int, project: str = "p", first: int = 1) -> list[CallbackEvent]:
    return [CallbackEvent(seq=first + i, event_id=f"{project}{first + i}", project_id=project, resource_type=ResourceType.IMPORTED_NUMBER,
                          event_type=EventType.DELETE, resource_id=f"+1202555{i:04d}", status="SUCCEEDED",
                          timestamp=T, destination="http://127.0.0.1:1/cb", next_attempt_at=T)
            for i in range(count)]


def order_of(items: list[Item]) -> list[tuple[int, bool]]:
    return [(item.event.seq, item.duplicate) for item in items]


def test_fifo_is_creation_order_with_duplicates_right_after_their_original():
    evs = events(4)
    items = [Item(evs[2]), Item(evs[0], True), Item(evs[3]), Item(evs[0]), Item(evs[1])]
    assert order_of(arrange([], items, "fifo", Rng(1))) == [(1, False), (1, True), (2, False), (3, False), (4, False)]


def test_random_order_is_reproducible_for_a_seed_and_differs_between_seeds():
    evs = events(8)

    def draw(seed: int) -> list[tuple[int, bool]]:
        return order_of(arrange([], [Item(e) for e in evs], "random", Rng(seed)))

    assert draw(7) == draw(7)
    assert draw(7) != draw(8)
    assert sorted(draw(7)) == [(i, False) for i in range(1, 9)]
    assert draw(7) != [(i, False) for i in range(1, 9)]


def test_a_duplicate_never_goes_before_its_original():
    evs = events(6)
    for seed in range(50):
        items = arrange([], [Item(e) for e in evs] + [Item(e, True) for e in evs], "random", Rng(seed))
        position = {(i.event.seq, i.duplicate): n for n, i in enumerate(items)}
        assert all(position[(e.seq, False)] < position[(e.seq, True)] for e in evs)
        assert len(items) == 12


def test_duplicates_are_drawn_only_when_switched_on():
    evs = events(5)
    rng = Rng(3)
    before = rng.positions()
    assert order_of(with_duplicates([Item(e) for e in evs], 0.0, rng)) == [(i, False) for i in range(1, 6)]
    assert rng.positions() == before  # off: the generator is not touched, so ids stay as they were
    doubled = with_duplicates([Item(e) for e in evs], 1.0, rng)
    assert sorted(order_of(doubled)) == sorted([(i, d) for i in range(1, 6) for d in (False, True)])


def test_each_project_orders_its_own_events_whatever_else_shares_the_lane():
    """A project's events keep the order its own stream gives them: another project's events
    joining the lane (before, between or after) neither move them nor change their draws."""
    mine, theirs = events(6, "a"), events(5, "b", first=100)

    def order_of_a(items: list[Item]) -> list[int]:
        return [item.event.seq for item in items if item.event.project_id == "a"]

    alone = order_of_a(arrange([], [Item(e) for e in mine], "random", Rng(4)))
    rng = Rng(4)
    lane = arrange([], [Item(e) for e in theirs[:2]], "random", rng)
    lane = arrange(lane, [Item(e) for e in mine], "random", rng)
    settled = order_of_a(lane)
    lane = arrange(lane, [Item(e) for e in theirs[2:]], "random", rng)
    assert settled == alone and order_of_a(lane) == alone
    assert sorted(item.event.seq for item in lane) == sorted(e.seq for e in mine + theirs)
