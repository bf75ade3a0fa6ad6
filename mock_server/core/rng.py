"""The mock's one source of randomness: ids, voice codes, tokens and callback order.

A fixed seed makes a whole run reproducible. Nothing else in the project imports `random`.
"""

from __future__ import annotations

import random
from datetime import datetime
from typing import MutableSequence, Sequence, TypeVar

T = TypeVar("T")

_CROCKFORD = "0123456789abcdefghjkmnpqrstvwxyz"
_HEX = "0123456789abcdef"
_DIGITS = "0123456789"


def fresh_seed() -> int:
    """A seed for a run started without one (it is printed so the run can be repeated)."""
    return random.SystemRandom().randrange(1, 2**31)


class Rng:
    def __init__(self, seed: int | None = None) -> None:
        self.seed = fresh_seed() if seed is None else int(seed)
        self._random = random.Random(self.seed)

    def reseed(self, seed: int | None = None) -> None:
        self.seed = self.seed if seed is None else int(seed)
        self._random = random.Random(self.seed)

    def random(self) -> float:
        return self._random.random()

    def randint(self, low: int, high: int) -> int:
        return self._random.randint(low, high)

    def choice(self, items: Sequence[T]) -> T:
        return self._random.choice(items)

    def shuffle(self, items: MutableSequence[T]) -> None:
        self._random.shuffle(items)

    def pop_random(self, items: list[T]) -> T:
        """Remove and return one item drawn at random."""
        return items.pop(self._random.randrange(len(items)))

    def digits(self, length: int) -> str:
        return self._characters(_DIGITS, length)

    def hex(self, length: int = 32) -> str:
        return self._characters(_HEX, length)

    def _characters(self, alphabet: str, length: int) -> str:
        """`length` draws of `random.choice(alphabet)`, the same draws from the same stream
        (each is `getrandbits` of the alphabet's bit length until one falls inside it), without
        its call overhead: every callback event's id takes 26 of them."""
        size = len(alphabet)
        bits = size.bit_length()
        draw = self._random.getrandbits
        out = []
        for _ in range(length):
            index = draw(bits)
            while index >= size:
                index = draw(bits)
            out.append(alphabet[index])
        return "".join(out)

    def ulid(self, instant: datetime) -> str:
        """A lowercase ULID: 10 characters of milliseconds, then 16 random ones (sorts by time)."""
        millis = int(instant.timestamp() * 1000)
        head = ""
        for _ in range(10):
            head = _CROCKFORD[millis % 32] + head
            millis //= 32
        return head + "".join(self._random.choice(_CROCKFORD) for _ in range(16))

    def state(self) -> object:
        return self._random.getstate()

    def set_state(self, state: object) -> None:
        self._random.setstate(state)  # type: ignore[arg-type]
