"""The mock's one source of randomness: ids, voice codes, tokens and callback order.

A fixed seed makes a whole run reproducible. Draws come from separate streams derived from the
seed, one per purpose and project (`Rng.stream`): minting an OAuth token does not move the next
hosting-order id, and what one project does never changes another project's ids, codes or
callback order. A stream is counter based (BLAKE2b of the stream's key and a block counter, 512
bits a block), so its position is two small numbers that a state export carries and an import
restores. Nothing else in the project imports `random`.
"""

from __future__ import annotations

import hashlib
import random
from datetime import datetime
from enum import Enum
from typing import MutableSequence, TypeVar

T = TypeVar("T")

_CROCKFORD = "0123456789abcdefghjkmnpqrstvwxyz"
_DIGITS = "0123456789"
_BLOCK_BITS = 512


class Purpose(str, Enum):
    """What a stream's draws are for; most streams are per project too."""

    HOSTING_ORDER_IDS = "hosting-order-ids"
    EVENT_IDS = "event-ids"  # callback event ids
    VOICE_CODES = "voice-codes"
    CALLBACK_ORDER = "callback-order"  # the order waiting callbacks go out in (`order: random`)
    CALLBACK_DUPLICATES = "callback-duplicates"  # which callbacks are sent twice
    FAULTS = "faults"  # whether a fault rule with a probability below 1 fires
    OAUTH_TOKENS = "oauth-tokens"  # bearer tokens (not per project: a key may serve several)


def fresh_seed() -> int:
    """A seed for a run started without one (it is printed so the run can be repeated)."""
    return random.SystemRandom().randrange(1, 2**31)


def check_position(position: tuple[int, int]) -> None:
    """A ValueError unless a stream can stand at `position` (blocks made, bits left of the last)."""
    blocks, bits = position
    if not 0 <= blocks < 2**63 or not 0 <= bits < _BLOCK_BITS or (blocks == 0 and bits):
        raise ValueError(f"{list(position)} is not a stream position: [blocks made (below 2^63), "
                         f"bits of the last one not drawn yet (0 to {_BLOCK_BITS - 1}; 0 when no block was made)]")


def stream_name(purpose: Purpose, project_id: str | None = None) -> str:
    """`purpose` or `purpose/projectId`: the name a stream's position is exported under."""
    return purpose.value if project_id is None else f"{purpose.value}/{project_id}"


class Stream:
    """One reproducible sequence of draws."""

    def __init__(self, seed: int, name: str) -> None:
        self._key = hashlib.blake2b(f"{seed}/{name}".encode(), digest_size=64).digest()
        self._blocks = 0  # blocks made so far
        self._pool = 0  # the bits of the last block not drawn yet, lowest first
        self._bits = 0  # how many

    def _block(self, index: int) -> int:
        digest = hashlib.blake2b(index.to_bytes(8, "little"), key=self._key, digest_size=64).digest()
        return int.from_bytes(digest, "little")

    def getrandbits(self, count: int) -> int:
        while self._bits < count:
            self._pool |= self._block(self._blocks) << self._bits
            self._blocks += 1
            self._bits += _BLOCK_BITS
        value = self._pool & ((1 << count) - 1)
        self._pool >>= count
        self._bits -= count
        return value

    def below(self, bound: int) -> int:
        """A whole number from 0 to `bound` - 1, each equally likely."""
        if bound <= 0:
            raise ValueError("the bound must be positive")
        bits = (bound - 1).bit_length()
        value = self.getrandbits(bits)
        while value >= bound:
            value = self.getrandbits(bits)
        return value

    def random(self) -> float:
        """A float in [0, 1)."""
        return self.getrandbits(53) / 2**53

    def shuffle(self, items: MutableSequence[T]) -> None:
        for index in range(len(items) - 1, 0, -1):
            other = self.below(index + 1)
            items[index], items[other] = items[other], items[index]

    def digits(self, length: int) -> str:
        return self._characters(_DIGITS, length)

    def hex(self, length: int = 32) -> str:
        """`length` lowercase hex characters (every callback event id takes 26)."""
        return f"{self.getrandbits(4 * length):0{length}x}" if length else ""

    def _characters(self, alphabet: str, length: int) -> str:
        size = len(alphabet)
        bits = (size - 1).bit_length()
        if size == 1 << bits:  # a power of two: every draw of `bits` bits is a character
            value = self.getrandbits(bits * length)
            mask = size - 1
            return "".join(alphabet[(value >> (bits * i)) & mask] for i in range(length))
        return "".join(alphabet[self.below(size)] for _ in range(length))

    def ulid(self, instant: datetime) -> str:
        """A lowercase ULID: 10 characters of milliseconds, then 16 random ones (sorts by time)."""
        millis = int(instant.timestamp() * 1000)
        head = ""
        for _ in range(10):
            head = _CROCKFORD[millis % 32] + head
            millis //= 32
        return head + self._characters(_CROCKFORD, 16)

    def position(self) -> tuple[int, int]:
        """(blocks made, bits of the last one not drawn yet): where the stream stands."""
        return self._blocks, self._bits

    def move_to(self, position: tuple[int, int]) -> None:
        check_position(position)
        blocks, bits = position
        self._blocks, self._bits = blocks, bits
        self._pool = self._block(blocks - 1) >> (_BLOCK_BITS - bits) if bits else 0


class Rng(Stream):
    """The seed and every stream derived from it. Its own draws (a stream named by no purpose)
    serve callers outside a world, such as the conformance battery."""

    def __init__(self, seed: int | None = None) -> None:
        self.seed = fresh_seed() if seed is None else int(seed)
        super().__init__(self.seed, "")
        self._streams: dict[str, Stream] = {}

    def stream(self, purpose: Purpose, project_id: str | None = None) -> Stream:
        """The stream for `purpose` (of `project_id`). Look it up at every draw, never keep it:
        a reseed starts every stream again."""
        name = stream_name(purpose, project_id)
        found = self._streams.get(name)
        if found is None:
            found = self._streams[name] = Stream(self.seed, name)
        return found

    def reseed(self, seed: int | None = None) -> None:
        """Start every stream from the beginning (of `seed`, when given)."""
        self.seed = self.seed if seed is None else int(seed)
        Stream.__init__(self, self.seed, "")
        self._streams.clear()

    def positions(self) -> dict[str, list[int]]:
        """Where each stream that has drawn stands, by name (the root stream under "")."""
        found = {"": self} if self._blocks else {}
        found.update((name, s) for name, s in sorted(self._streams.items()) if s.position()[0])
        return {name: list(s.position()) for name, s in found.items()}

    def restore(self, seed: int, positions: dict[str, tuple[int, int]]) -> None:
        """Reseed, then move each named stream to its position (as `positions` gave them)."""
        self.reseed(seed)
        for name, position in positions.items():
            target = self if name == "" else self._streams.setdefault(name, Stream(self.seed, name))
            target.move_to(position)
