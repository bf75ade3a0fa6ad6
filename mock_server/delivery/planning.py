"""The order in which one destination's waiting events go out.

Whenever more than one event waits for a destination, the order is drawn from the world's
seeded generator (`order: random`), or is creation order (`order: fifo`). Drawing the whole
order of what waits at once is the same as drawing the next event at random each time; doing it
in one synchronous step keeps the draws in a fixed sequence, so a seed reproduces the order at
each receiver even while other destinations are served concurrently.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Iterable

from mock_server.core.rng import Rng
from mock_server.domain.events import CallbackEvent


@dataclass(frozen=True, eq=False)
class Item:
    """One send to make: an event, or the duplicate of one (at-least-once emulation)."""

    event: CallbackEvent
    duplicate: bool = False


def with_duplicates(items: list[Item], probability: float, rng: Rng) -> list[Item]:
    """Add a duplicate for each event the generator picks (no draw at all when off)."""
    if probability <= 0:
        return items
    extra = [Item(item.event, duplicate=True) for item in items if rng.random() < probability]
    return items + extra


def arrange(items: Iterable[Item], order: str, rng: Rng) -> list[Item]:
    """The sending order; a duplicate always comes after its original."""
    items = list(items)
    if order == "fifo":
        return sorted(items, key=lambda item: (item.event.seq, item.duplicate))
    rng.shuffle(items)
    original_at = {id(item.event): index for index, item in enumerate(items) if not item.duplicate}
    for index, item in enumerate(items):
        if not item.duplicate:
            continue
        original = original_at.get(id(item.event))
        if original is not None and original > index:
            items[index], items[original] = items[original], items[index]
            original_at[id(item.event)] = index
    return items
