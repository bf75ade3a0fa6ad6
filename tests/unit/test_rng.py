from datetime import datetime, timezone

from mock_server.core.rng import Rng


def test_a_seed_reproduces_every_draw():
    a, b = Rng(42), Rng(42)
    assert [a.hex(8), a.digits(6), a.random()] == [b.hex(8), b.digits(6), b.random()]


def test_different_seeds_differ():
    assert Rng(1).hex(32) != Rng(2).hex(32)


def test_ulid_is_lowercase_26_characters_and_sorts_by_time():
    rng = Rng(3)
    early = rng.ulid(datetime(2026, 1, 1, tzinfo=timezone.utc))
    late = rng.ulid(datetime(2026, 1, 2, tzinfo=timezone.utc))
    assert len(early) == 26 and early == early.lower()
    assert early < late


def test_reseed_starts_the_sequence_again():
    rng = Rng(9)
    first = rng.hex(10)
    rng.reseed()
    assert rng.hex(10) == first
