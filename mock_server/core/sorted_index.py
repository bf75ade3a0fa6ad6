"""Per-project indexes in sort order: a page of a list costs about the page, not the project.

An `IndexedDict` is the dict a project keeps one kind of record in (phone number or order id
-> record). To every reader it is that dict; besides, it keeps each record in a `SortedList`
(sortedcontainers) per sort order of the kind's list operation: once for the whole dict and
once in the *bucket* of the record's facet, the values of the fields the list filters on
exactly (service plan, campaign, region, state...). A filtered page walks only the buckets the
filter matches, merged in sort order, and their sizes give the total without counting.

A record tells its index when one of the fields its sort keys or facet read is assigned
(`Watched.__setattr__`), and so do its *parts*, nested records the facet reads (the steps of a
hosting-order number): the order is never stale. Entries are `(*sort key, seq, record)`: `seq`
(unique in the dict) breaks ties, so records themselves are never compared.
"""

from __future__ import annotations

import heapq
from dataclasses import dataclass
from functools import partial
from itertools import dropwhile
from typing import Any, Callable, Generic, Iterable, Iterator, Protocol, TypeVar

from sortedcontainers import SortedList

from mock_server.core.digit_index import DigitIndex, slots_of
from mock_server.core.paging import Unordered

T = TypeVar("T")
K = TypeVar("K")
W = TypeVar("W", bound="WatchedSlot")

# More buckets than this in one query: walk the whole order and filter instead of merging.
MAX_MERGED_BUCKETS = 16
# A digit query takes its matches as the candidates (about 0.6 µs each: key, heap) while
# matches² <= this × wanted × walked; else it walks the order, testing about wanted × walked /
# matches records (about 0.3 µs each). Measured with benchmarks/listing.py's numbers.
CANDIDATES_FACTOR = 0.5


@dataclass(frozen=True)
class IndexSpec(Generic[T]):
    """How one kind of record is indexed: its sort orders (name -> key) and its facet."""

    orders: dict[str, Callable[[T], tuple]]
    facet: Callable[[T], tuple]
    watched: frozenset[str]  # the fields `orders` and `facet` read (a part's name included)
    parts: tuple[str, ...] = ()  # fields holding nested `Watched` records the facet reads
    part_watched: frozenset[str] = frozenset()  # the fields of those parts that it reads
    # A fixed-width digit string of each record (a phone number's digits) that queries may ask
    # "these digits at one of these positions" of (core/digit_index.py); `digits` must be watched.
    digits: Callable[[T], str] | None = None
    digits_width: int = 0
    # The fields the facet and `digits` read: a change of any other (a sort key's time) leaves
    # the digit index as it is (None: every watched field may move a record in it).
    digits_watched: frozenset[str] | None = None


@dataclass(frozen=True)
class DigitQuery:
    """`digits` at one of `offsets` of the records' digit strings; `matches` says the same of
    one record (for records whose text does not have the index's width)."""

    offsets: tuple[int, ...]
    digits: str
    matches: Callable[[Any], bool]


class Watched:
    """A record that keeps the `IndexedDict` it lives in up to date.

    Put it before the pydantic base and give the class `__slots__ = ("_index",)`.
    """

    __slots__ = ()

    def __setattr__(self, name: str, value: Any) -> None:
        place = getattr(self, "_index", None) if name in _WATCHED_NAMES else None
        if place is None:
            super().__setattr__(name, value)
        else:
            _assign_watched(self, place, name, value, super().__setattr__)


class WatchedSlot(Watched):
    """`Watched` for a slotted class that is not a pydantic model (a dataclass with slots).

    The slot is filled before `__init__` runs: the assignments of `__init__` find it at once
    (an empty slot would raise, and catch, an AttributeError for each field)."""

    __slots__ = ("_index",)

    def __new__(cls, *args: Any, **kwargs: Any) -> "WatchedSlot":
        self = super().__new__(cls)
        object.__setattr__(self, "_index", None)
        return self

    def __setattr__(self, name: str, value: Any) -> None:
        place = self._index  # None until the record is stored: every assignment of `__init__`
        if place is None or name not in _WATCHED_NAMES:
            _set_slot(self, name, value)
        else:
            _assign_watched(self, place, name, value, partial(_set_slot, self))

    @classmethod
    def unplaced(cls: type[W], **fields: Any) -> W:
        """`cls(**fields)`, its fields assigned as plain slots: a record no index holds yet has
        nothing to tell, and `__setattr__` costs about 0.15 µs a field. It is built as a
        subclass without `__setattr__` (same slots) and given its own class once filled."""
        plain = _PLAIN.get(cls)
        if plain is None:
            plain = _PLAIN[cls] = type(cls.__name__, (cls,), {"__slots__": (), "__setattr__": _set_slot})
        record = _new_object(plain)  # (`__new__` without the arguments it would be handed)
        record._index = None
        record.__init__(**fields)
        record.__class__ = cls
        return record


_set_slot = object.__setattr__
_new_object = object.__new__
_PLAIN: dict[type, type] = {}  # WatchedSlot.unplaced: each class's twin without `__setattr__`


def _assign_watched(self: Any, place: tuple, name: str, value: Any, assign: Callable[[str, Any], None]) -> None:
    owner, seq, record = place
    spec = owner.spec
    if name not in (spec.watched if record is self else spec.part_watched):
        assign(name, value)
        return
    digits = record is not self or spec.digits_watched is None or name in spec.digits_watched
    owner._unplace(record, seq, digits)
    assign(name, value)
    owner._place(record, seq, digits)


_WATCHED_NAMES: set[str] = set()  # every field some spec watches: the fast path skips the rest


class Selection(Generic[T]):
    """The records of one query in one sort order: those after a key, and how many in all
    (`known_count` when the caller knows it already)."""

    def __init__(self, sources: list[SortedList], predicate: Callable[[T], bool] | None,
                 known_count: int | None = None) -> None:
        self._sources = sources
        self._predicate = predicate
        self._known_count = known_count

    def after(self, key: tuple | None) -> Iterator[T]:
        """Records in sort order whose key is strictly greater than `key` (all with None).

        A key of other types than the index's raises TypeError."""
        walks = [_entries_after(source, key) for source in self._sources]
        merged = walks[0] if len(walks) == 1 else heapq.merge(*walks)
        records = (entry[-1] for entry in merged)
        return records if self._predicate is None else filter(self._predicate, records)

    def count(self) -> int:
        if self._known_count is not None:
            return self._known_count
        if self._predicate is None:
            return sum(len(source) for source in self._sources)
        return sum(1 for source in self._sources for entry in source if self._predicate(entry[-1]))


def _entries_after(source: SortedList, key: tuple | None) -> Iterator[tuple]:
    if key is None:
        return iter(source)
    size = len(key)
    start = source.bisect_left(key)  # the first entry whose key is >= `key`
    return dropwhile(lambda entry: entry[:size] == key, source.islice(start))


class KeyObserver(Protocol):
    """Told of every key an observed dict gains or loses (`ObservedDict`, `IndexedDict`)."""

    def added(self, key: Any) -> None: ...

    def removed(self, key: Any) -> None: ...


class ObservedDict(dict[K, T]):
    """A dict that tells of every key it gains or loses, by whatever write: item assignment
    (replacing a value is losing it and gaining the new one), `del`, `pop`, `popitem`,
    `setdefault`, `update`, `clear`. It tells its `observer`, if any; a subclass may override
    `_added` and `_removed` instead."""

    observer: KeyObserver | None = None

    def observe(self, observer: KeyObserver | None) -> None:
        """Hand the dict to `observer` (None: to no one), telling the old one its keys are gone
        and the new one its keys are there."""
        if self.observer is not None:
            for key in self:
                self.observer.removed(key)
        self.observer = observer
        if observer is not None:
            for key in self:
                observer.added(key)

    def _added(self, key: K, value: T) -> None:
        if self.observer is not None:
            self.observer.added(key)

    def _removed(self, key: K, value: T) -> None:
        if self.observer is not None:
            self.observer.removed(key)

    def __setitem__(self, key: K, value: T) -> None:
        if key in self:
            self._removed(key, dict.__getitem__(self, key))
        dict.__setitem__(self, key, value)
        self._added(key, value)

    def __delitem__(self, key: K) -> None:
        value = dict.__getitem__(self, key)
        dict.__delitem__(self, key)
        self._removed(key, value)

    def pop(self, key: K, *default: Any) -> Any:
        if key not in self:
            if default:
                return default[0]
            raise KeyError(key)
        value = dict.__getitem__(self, key)
        del self[key]
        return value

    def popitem(self) -> tuple[K, T]:
        key = next(reversed(self))
        return key, self.pop(key)

    def setdefault(self, key: K, default: Any = None) -> Any:
        if key not in self:
            self[key] = default
        return dict.__getitem__(self, key)

    def update(self, *others: Any, **more: Any) -> None:
        for other in (*others, more):
            for key, value in (other.items() if hasattr(other, "items") else other):
                self[key] = value

    def clear(self) -> None:
        items = list(self.items())
        dict.clear(self)
        for key, value in items:
            self._removed(key, value)


class IndexedDict(ObservedDict[K, T]):
    """A dict of records that also keeps them in sort order (see the module's docstring)."""

    def __init__(self, spec: IndexSpec[T], items: Iterable[tuple[K, T]] | dict[K, T] = ()) -> None:
        super().__init__()
        self.spec = spec
        _WATCHED_NAMES.update(spec.watched | spec.part_watched)
        self._seq = 0
        self._built = False  # built on the first query: loading many records sorts them once
        self._all: dict[str, SortedList] = {}
        self._buckets: dict[tuple, dict[str, SortedList]] = {}
        self._digits: DigitIndex | None = None  # built on the first digit query
        for key, record in (items.items() if isinstance(items, dict) else items):
            self[key] = record

    # --- the dict --------------------------------------------------------------------------
    def __setitem__(self, key: K, record: T) -> None:
        previous = dict.get(self, key)
        if previous is not None:
            self._forget(previous)
        ObservedDict.__setitem__(self, key, record)
        if self._built:
            self._seq += 1
            self._place(record, self._seq)
        else:
            self._mark(record, None)

    def __delitem__(self, key: K) -> None:
        record = dict.__getitem__(self, key)
        ObservedDict.__delitem__(self, key)
        self._forget(record)

    def clear(self) -> None:
        for record in self.values():
            self._mark(record, None)
        ObservedDict.clear(self)
        self._all, self._buckets, self._built, self._digits = {}, {}, False, None

    # --- the index ---------------------------------------------------------------------------
    def select(self, order: str, facet_matches: Callable[[T], bool],
               residual: Callable[[T], bool] | None = None, *, digits: DigitQuery | None = None,
               wanted: int = 1) -> Selection[T] | Unordered[T]:
        """The records in `order` whose facet passes `facet_matches` (asked of one record per
        bucket: every record of a bucket has the same facet) and then `residual`, if given.

        With `digits` (which `residual` must test as well), the digit index counts the
        matches. Few matches: they are the candidates, `wanted` of them taken in order by a heap.
        Many: the order is walked, `residual` testing each record, about wanted × walked / matches
        of them. Whichever costs less; either way the count costs no walk."""
        if not self._built:
            self._build()
        chosen = [(facet, b) for facet, b in self._buckets.items() if facet_matches(_first(b[order]))]
        buckets = [b for _, b in chosen]
        every = len(buckets) == len(self._buckets)
        predicate = residual
        if every or len(buckets) > MAX_MERGED_BUCKETS:
            sources = [self._all[order]]
            if not every:
                def predicate(record: T) -> bool:
                    return facet_matches(record) and (residual is None or residual(record))
        else:
            sources = [b[order] for b in buckets]
        if digits is None:
            return Selection(sources, predicate)
        index = self._digit_index()
        found = index.matching(None if every else [facet for facet, _ in chosen], digits.offsets, digits.digits,
                               digits.matches)
        count = found.bit_count()
        walked = sum(len(b[order]) for b in buckets)
        if count * count <= CANDIDATES_FACTOR * wanted * walked:
            records = [index.records[slot] for slot in slots_of(found)]
            return Unordered(records, self.spec.orders[order], wanted)
        return Selection(sources, predicate, known_count=count)

    def _digit_index(self) -> DigitIndex:
        """The digit index, built on first use; slots are sequence numbers, renumbered (the
        whole index rebuilt) once deletions have left more than half of them empty."""
        if self._digits is not None and self._seq > 2 * len(self) + 1024:
            for record in self.values():
                self._mark(record, None)
            self._all, self._buckets, self._built, self._digits = {}, {}, False, None
            self._build()
        if self._digits is None:
            spec = self.spec
            assert spec.digits is not None, "this kind of record has no digit index"
            index = DigitIndex(spec.digits_width, spec.digits)
            for record in self.values():
                index.place(record._index[1], record, spec.facet(record))  # type: ignore[attr-defined]
            self._digits = index
        return self._digits

    def _build(self) -> None:
        """Index every record at once: one sort per list instead of an insertion per record."""
        orders = self.spec.orders
        self._seq, self._digits = 0, None  # nothing is placed: sequence numbers start again
        every: dict[str, list[tuple]] = {name: [] for name in orders}
        buckets: dict[tuple, dict[str, list[tuple]]] = {}
        for record in self.values():
            self._seq += 1
            self._mark(record, (self, self._seq, record))
            facet = self.spec.facet(record)
            bucket = buckets.get(facet)
            if bucket is None:
                bucket = buckets[facet] = {name: [] for name in orders}
            for name, entry in self._entries(record, self._seq):
                every[name].append(entry)
                bucket[name].append(entry)
        self._all = {name: SortedList(entries) for name, entries in every.items()}
        self._buckets = {facet: {name: SortedList(entries) for name, entries in lists.items()}
                         for facet, lists in buckets.items()}
        self._built = True

    def _entries(self, record: T, seq: int) -> Iterator[tuple[str, tuple]]:
        for name, key in self.spec.orders.items():
            yield name, (*key(record), seq, record)

    def _mark(self, record: T, place: tuple | None) -> None:
        object.__setattr__(record, "_index", place)
        for part in self.spec.parts:
            nested = getattr(record, part)
            if nested is not None:
                object.__setattr__(nested, "_index", place)

    def _place(self, record: T, seq: int, digits: bool = True) -> None:
        self._mark(record, (self, seq, record))
        facet = self.spec.facet(record)
        bucket = self._buckets.get(facet)
        if bucket is None:
            bucket = self._buckets[facet] = {name: SortedList() for name in self.spec.orders}
        for name, entry in self._entries(record, seq):
            self._all[name].add(entry)
            bucket[name].add(entry)
        if digits and self._digits is not None:
            self._digits.place(seq, record, facet)

    def _unplace(self, record: T, seq: int, digits: bool = True) -> None:
        facet = self.spec.facet(record)
        bucket = self._buckets[facet]
        for name, entry in self._entries(record, seq):
            self._all[name].remove(entry)
            bucket[name].remove(entry)
        if not next(iter(bucket.values())):
            del self._buckets[facet]
        if digits and self._digits is not None:
            self._digits.unplace(seq, record, facet)

    def _forget(self, record: T) -> None:
        place = getattr(record, "_index", None)
        if place is not None:
            self._unplace(record, place[1])
        self._mark(record, None)


def _first(source: SortedList) -> Any:
    return source[0][-1]
