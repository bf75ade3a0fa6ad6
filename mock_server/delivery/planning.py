"""The order in which one destination's waiting events go out.

Whenever more than one event waits for a destination, the order is drawn from the seeded
generator (`order: random`), or is creation order (`order: fifo`). Each project draws from its
own streams (`Purpose.CALLBACK_ORDER`, `Purpose.CALLBACK_DUPLICATES`): when a project's events
join a lane, that project's waiting events are put in a fresh random order among the places its
events hold, and every other project's events keep theirs. So the order in which one project's
callbacks arrive never depends on what another project does, even at a shared receiver; with
one project per lane this is one shuffle of everything waiting. Drawing the whole order of what
waits at once is the same as drawing the next event at random each time; doing it in one
synchronous step keeps the draws in a fixed sequence, so a seed reproduces the order at each
receiver even while other destinations are served concurrently.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Iterable

from mock_server.core.rng import Purpose, Rng
from mock_server.domain.events import CallbackEvent
from mock_server.domain.settings import FIFO_ORDER


@dataclass(frozen=True, eq=False)
class Item:
    """One send to make: an event, or the duplicate of one (at-least-once emulation)."""

    event: CallbackEvent
    duplicate: bool = False


def with_duplicates(items: list[Item], probability: float, rng: Rng) -> list[Item]:
    """Add a duplicate for each event its project's stream picks (no draw at all when off)."""
    if probability <= 0:
        return items
    extra = [Item(item.event, duplicate=True) for item in items
             if rng.stream(Purpose.CALLBACK_DUPLICATES, item.event.project_id).random() < probability]
    return items + extra


def arrange(waiting: Iterable[Item], fresh: Iterable[Item], order: str, rng: Rng) -> list[Item]:
    """The sending order of the `waiting` items and the `fresh` ones joining them; a duplicate
    always comes after its original."""
    fresh = list(fresh)
    items = [*waiting, *fresh]
    if order == FIFO_ORDER:
        return sorted(items, key=lambda item: (item.event.seq, item.duplicate))
    places: dict[str, list[int]] = {}
    for index, item in enumerate(items):
        places.setdefault(item.event.project_id, []).append(index)
    for project_id in dict.fromkeys(item.event.project_id for item in fresh):
        mine = [items[index] for index in places[project_id]]
        rng.stream(Purpose.CALLBACK_ORDER, project_id).shuffle(mine)
        for index, item in zip(places[project_id], _originals_first(mine)):
            items[index] = item
    return items


def _originals_first(items: list[Item]) -> list[Item]:
    """`items` with every duplicate moved behind its original (swapping the two)."""
    original_at = {id(item.event): index for index, item in enumerate(items) if not item.duplicate}
    for index, item in enumerate(items):
        if not item.duplicate:
            continue
        original = original_at.get(id(item.event))
        if original is not None and original > index:
            items[index], items[original] = items[original], items[index]
            original_at[id(item.event)] = index
    return items
