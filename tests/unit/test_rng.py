from datetime import datetime, timezone

from hypothesis import given
from hypothesis import strategies as st

from mock_server.core.rng import Purpose, Rng


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


@given(st.integers(0, 2**32), st.lists(st.sampled_from(["hex", "digits", "random", "ulid", "below"]), max_size=30))
def test_a_restored_position_continues_the_stream_exactly(seed, draws):
    """What a state export carries (`positions`) is enough to go on drawing as if nothing happened."""
    rng = Rng(seed)
    stream = rng.stream(Purpose.EVENT_IDS, "p1")
    for draw in draws:
        _draw(stream, draw)
    copy = Rng(seed + 1)
    copy.restore(seed, {name: tuple(position) for name, position in rng.positions().items()})
    assert [_draw(copy.stream(Purpose.EVENT_IDS, "p1"), d) for d in draws] == [_draw(stream, d) for d in draws]


def _draw(stream, kind):
    instant = datetime(2026, 1, 1, tzinfo=timezone.utc)
    return {"hex": lambda: stream.hex(26), "digits": lambda: stream.digits(4), "random": stream.random,
            "ulid": lambda: stream.ulid(instant), "below": lambda: stream.below(1000)}[kind]()


def test_streams_are_separate_by_purpose_and_project():
    """Drawing from one stream moves no other: the next draw of each is what it would be alone."""
    alone = Rng(7).stream(Purpose.HOSTING_ORDER_IDS, "p1").hex(8)
    rng = Rng(7)
    rng.stream(Purpose.OAUTH_TOKENS).hex(48)
    rng.stream(Purpose.HOSTING_ORDER_IDS, "p2").hex(8)
    rng.stream(Purpose.EVENT_IDS, "p1").hex(26)
    rng.hex(10)
    assert rng.stream(Purpose.HOSTING_ORDER_IDS, "p1").hex(8) == alone
    assert len({Rng(7).stream(p, "p1").hex(16) for p in Purpose}) == len(Purpose)
    assert Rng(7).stream(Purpose.VOICE_CODES, "p1").hex(16) != Rng(7).stream(Purpose.VOICE_CODES, "p2").hex(16)


def test_reseed_starts_every_stream_again_and_positions_name_the_streams_drawn():
    rng = Rng(9)
    first = rng.stream(Purpose.VOICE_CODES, "p1").digits(4)
    assert set(rng.positions()) == {"voice-codes/p1"}
    rng.reseed()
    assert rng.positions() == {}
    assert rng.stream(Purpose.VOICE_CODES, "p1").digits(4) == first


def test_draws_are_uniform_enough():
    """Each of ten digits turns up about a tenth of the time; shuffles keep every item."""
    stream = Rng(11).stream(Purpose.VOICE_CODES, "p1")
    counts = {d: 0 for d in "0123456789"}
    for character in stream.digits(20_000):
        counts[character] += 1
    assert all(1_700 < n < 2_300 for n in counts.values()), counts
    hex_text = stream.hex(16_000)
    assert len(hex_text) == 16_000 and all(800 < hex_text.count(c) < 1_200 for c in "0123456789abcdef")
    items = list(range(50))
    stream.shuffle(items)
    assert sorted(items) == list(range(50)) and items != list(range(50))
    assert all(0 <= stream.random() < 1 for _ in range(1000))
    assert {stream.below(3) for _ in range(200)} == {0, 1, 2}
