"""The digit index behind `numberPattern` (core/digit_index.py, through `IndexedDict.select`):
its counts and pages equal a filter of every record, whatever was written before and after it
was built, with numbers kept aside, and after it renumbers its slots."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from mock_server.core.digit_index import slots_of
from mock_server.core.paging import paginate
from mock_server.core.sorted_index import DigitQuery, IndexedDict, IndexSpec, Watched
from mock_server.domain.provisioning import Record
from tests.unit.test_sorted_index import pages


class Line(Watched, Record):
    __slots__ = ("_index",)

    key: int  # its key in the dict: the sort key ends with it, so it is unique (core/paging.py)
    number: str  # four digits, or (kept aside) anything else
    rank: int
    group: str


def by_rank(line: Line) -> tuple:
    return (line.rank, line.number, line.key)


SPEC = IndexSpec(orders={"byRank": by_rank}, facet=lambda line: (line.group,),
                 watched=frozenset({"rank", "number", "group"}), digits=lambda line: line.number, digits_width=4)
NUMBERS = st.one_of(st.text("0123", min_size=4, max_size=4), st.sampled_from(["12", "x123", "12345", "\u0663123"]))
OPS = st.lists(st.one_of(
    st.tuples(st.just("put"), st.integers(0, 25), NUMBERS, st.integers(0, 9), st.sampled_from("ab")),
    st.tuples(st.just("del"), st.integers(0, 25)),
    st.tuples(st.just("move"), st.integers(0, 25), st.sampled_from("ab")),
    st.tuples(st.just("renumber"), st.integers(0, 25), NUMBERS),
), max_size=60)


def apply(lines: IndexedDict, ops: list) -> None:
    for op, key, *args in ops:
        if op == "put":
            lines[key] = Line(key=key, number=args[0], rank=args[1], group=args[2])
        elif key not in lines:
            continue
        elif op == "del":
            del lines[key]
        elif op == "move":
            lines[key].group = args[0]
        else:
            lines[key].number = args[0]


def query(mode: str, digits: str) -> DigitQuery:
    def matches(line: Line) -> bool:
        return {"START": line.number.startswith, "END": line.number.endswith}.get(mode, line.number.__contains__)(digits)
    offsets = {"START": (0,), "END": (4 - len(digits),)}.get(mode, tuple(range(4 - len(digits) + 1)))
    return DigitQuery(offsets, digits, matches)


@settings(max_examples=150, deadline=None)
@given(OPS, OPS, st.sampled_from(["START", "CONTAIN", "END"]), st.text("0123", min_size=1, max_size=4),
       st.sampled_from([None, "a"]), st.integers(1, 6))
def test_pattern_pages_equal_filtering_every_record(before, after, mode, digits, group, size):
    lines: IndexedDict = IndexedDict(SPEC)
    apply(lines, before)
    wanted = query(mode, digits)
    facet = (lambda line: True) if group is None else (lambda line: line.group == group)

    def matching(line: Line) -> bool:
        return facet(line) and wanted.matches(line)

    lines.select("byRank", facet, matching, digits=wanted)  # builds the index; later writes keep it
    apply(lines, after)
    indexed = pages(lambda n, t: paginate(lines.select("byRank", facet, matching, digits=wanted, wanted=n + 1),
                                                 by_rank, n, t, {}, project_id="p"), size)
    everything = pages(lambda n, t: paginate([x for x in lines.values() if matching(x)], by_rank, n, t, {},
                                             project_id="p"), size)
    assert indexed == everything


def test_both_ways_of_serving_a_page_are_taken():
    """Few matches: the candidates come from the index; many: the order is walked."""
    lines: IndexedDict = IndexedDict(SPEC)
    for i in range(400):
        lines[i] = Line(key=i, number=f"{i % 4}{i % 3}{i % 2}0", rank=i, group="a")
    rare = query("START", "3")  # a hundred of the four hundred
    small_page = lines.select("byRank", lambda line: True, rare.matches, digits=rare, wanted=3)
    large_page = lines.select("byRank", lambda line: True, rare.matches, digits=rare, wanted=200)
    assert type(small_page).__name__ == "Selection" and small_page.count() == 100  # walks about 12
    assert type(large_page).__name__ == "Unordered" and large_page.count() == 100  # a heap of the 100
    assert [line.rank for line in small_page.after(None)][:3] == [3, 7, 11]
    assert [line.rank for line in large_page.after(None)][:3] == [3, 7, 11]


def test_slots_are_renumbered_once_deletions_leave_most_of_them_empty():
    lines: IndexedDict = IndexedDict(SPEC)
    wanted = query("END", "1")
    lines.select("byRank", lambda line: True, wanted.matches, digits=wanted)
    for i in range(3000):  # churn: every number imported and deleted again
        lines[i] = Line(key=i, number=f"{i % 10000:04d}", rank=i, group="a")
        if i % 100 != 1:
            del lines[i]
    assert lines._seq > 2 * len(lines) + 1024
    found = lines.select("byRank", lambda line: True, wanted.matches, digits=wanted, wanted=1000)
    assert lines._seq == len(lines) == 30
    assert sorted(line.rank for line in found.after(None)) == list(range(1, 3000, 100))


def test_the_slots_of_a_bitset():
    assert slots_of(0) == [] and slots_of(0b1) == [0] and slots_of(0b101000) == [3, 5]
    assert slots_of(1 << 100_000) == [100_000]
