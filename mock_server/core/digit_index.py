"""Which records' numbers hold given digits at given positions, as bitsets: the index behind
`numberPattern` (START, CONTAIN, END) of a list of phone numbers.

Every record of an `IndexedDict` has a slot (its sequence number). For each position of a
fixed-width digit string (the 11 digits of `+1NPANXXXXXX`) and each digit 0-9, a bitset says
which slots hold that digit there; each bucket of the dict (its facet) has a bitset of its slots.
"These digits at one of these positions" is then an AND per position and an OR over the
positions, done on whole bitsets by the interpreter's integer operations (a few microseconds for
100,000 numbers each): its size (`int.bit_count`) is the list's `totalSize`, and when it is small
its slots are the page's candidates. A change of a record costs a few bit flips. Records whose
text is not of the width (none, for numbers checked as E.164) are kept aside and tested one by one.
"""

from __future__ import annotations

from typing import Any, Callable, Hashable, Iterable

DIGITS = 10


def _set(bits: bytearray, slot: int) -> None:
    index = slot >> 3
    if index >= len(bits):
        bits.extend(bytes(index + 1 - len(bits) + len(bits) // 2))  # room to grow
    bits[index] |= 1 << (slot & 7)


def _clear(bits: bytearray, slot: int) -> None:
    index = slot >> 3
    if index < len(bits):
        bits[index] &= ~(1 << (slot & 7)) & 0xFF


def slots_of(bits: int) -> list[int]:
    """The slots whose bit is set, in increasing order."""
    text = bin(bits)[:1:-1]  # least significant bit first
    found, at = [], text.find("1")
    while at >= 0:
        found.append(at)
        at = text.find("1", at + 1)
    return found


class DigitIndex:
    """Bitsets of slots per (position, digit), per bucket, and the record of every slot."""

    def __init__(self, width: int, digits_of: Callable[[Any], str]) -> None:
        self.width = width
        self.digits_of = digits_of
        self._bits = [bytearray() for _ in range(width * DIGITS)]
        self._buckets: dict[Hashable, bytearray] = {}
        self._irregular: dict[int, Any] = {}  # slot -> record whose text is not `width` ASCII digits
        self.records: list[Any] = []  # slot -> record (None: free)

    def _positions(self, record: Any) -> Iterable[int] | None:
        text = self.digits_of(record)
        if len(text) != self.width or not text.isascii() or not text.isdigit():
            return None
        return [position * DIGITS + ord(digit) - 48 for position, digit in enumerate(text)]

    def place(self, slot: int, record: Any, bucket: Hashable) -> None:
        records = self.records
        if slot >= len(records):
            records.extend([None] * (slot + 1 - len(records) + len(records) // 2))
        records[slot] = record
        bits = self._buckets.get(bucket)
        if bits is None:
            bits = self._buckets[bucket] = bytearray()
        _set(bits, slot)
        positions = self._positions(record)
        if positions is None:
            self._irregular[slot] = record
            return
        for position in positions:
            _set(self._bits[position], slot)

    def unplace(self, slot: int, record: Any, bucket: Hashable) -> None:
        self.records[slot] = None
        _clear(self._buckets[bucket], slot)
        if self._irregular.pop(slot, None) is not None:
            return
        for position in self._positions(record) or ():
            _clear(self._bits[position], slot)

    def matching(self, buckets: list[Hashable] | None, offsets: Iterable[int], digits: str,
                 irregular_matches: Callable[[Any], bool]) -> int:
        """The slots (a bitset) in `buckets` (None: every bucket) whose digits hold `digits` at
        one of `offsets`; a record kept aside counts when `irregular_matches` says so."""
        cache: dict[int, int] = {}

        def bits_of(position: int) -> int:
            value = cache.get(position)
            if value is None:
                value = cache[position] = int.from_bytes(self._bits[position], "little")
            return value

        found = 0
        for offset in offsets:
            if offset < 0 or offset + len(digits) > self.width:
                continue
            here = -1
            for step, digit in enumerate(digits):
                here &= bits_of((offset + step) * DIGITS + ord(digit) - 48)
                if not here:
                    break
            found |= here
        for slot, record in self._irregular.items():
            if irregular_matches(record):
                found |= 1 << slot
        if buckets is not None:
            within = 0
            for bucket in buckets:
                within |= int.from_bytes(self._buckets.get(bucket, b""), "little")
            found &= within
        return found
