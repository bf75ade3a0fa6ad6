from datetime import datetime, timedelta, timezone

import pytest
from freezegun import freeze_time

from mock_server.core.clock import Clock, ClockError

T0 = datetime(2026, 3, 1, 12, 0, tzinfo=timezone.utc)


def test_frozen_clock_stands_still_and_moves_only_when_told():
    clock = Clock(start=T0, frozen=True)
    assert clock.now() == T0
    assert clock.advance(90) == T0 + timedelta(seconds=90)
    assert clock.now() == T0 + timedelta(seconds=90)


def test_clock_refuses_to_move_backwards():
    clock = Clock(start=T0, frozen=True)
    with pytest.raises(ClockError):
        clock.set(T0 - timedelta(seconds=1))
    with pytest.raises(ClockError):
        clock.advance(-1)
    assert clock.now() == T0


def test_advance_freezes_a_flowing_clock():
    clock = Clock()
    assert not clock.frozen
    clock.advance(10)
    assert clock.frozen


def test_resume_flows_on_from_where_the_clock_stands():
    clock = Clock(start=T0, frozen=True)
    clock.resume()
    assert not clock.frozen
    assert T0 <= clock.now() < T0 + timedelta(seconds=5)


def test_pinned_reports_the_pinned_instant_then_restores():
    clock = Clock(start=T0, frozen=True)
    with clock.pinned(T0 + timedelta(hours=1)):
        assert clock.now() == T0 + timedelta(hours=1)
    assert clock.now() == T0


def test_freezegun_drives_the_flowing_clock():
    clock = Clock()
    with freeze_time("2030-01-01T00:00:00Z") as frozen:
        assert clock.now() == datetime(2030, 1, 1, tzinfo=timezone.utc)
        frozen.tick(timedelta(minutes=5))
        assert clock.now() == datetime(2030, 1, 1, 0, 5, tzinfo=timezone.utc)


def test_snapshot_round_trip():
    clock = Clock(start=T0, frozen=True)
    other = Clock()
    other.restore(clock.snapshot())
    assert other.now() == T0 and other.frozen


def test_the_clock_never_goes_past_the_latest_instant():
    from mock_server.core.timefmt import LATEST

    clock = Clock(start=T0, frozen=True)
    with pytest.raises(ClockError):
        clock.advance(1e300)
    with pytest.raises(ClockError):
        clock.set(LATEST + timedelta(seconds=1))
    assert clock.now() == T0
