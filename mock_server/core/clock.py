"""The mock's one clock.

Nothing else in the project reads the system time. The clock flows with real time (so a
sandbox moves by itself) until a test freezes or moves it; `freezegun.freeze_time` drives it
too, because the flowing clock reads `datetime.datetime.now`, which freezegun replaces.
"""

from __future__ import annotations

import datetime as _dt
from contextlib import contextmanager
from datetime import datetime, timedelta, timezone
from typing import Iterator

from mock_server.core.timefmt import LATEST


def _system_now() -> datetime:
    # Looked up through the module on every call so freezegun's patch is seen.
    return _dt.datetime.now(timezone.utc)


BACKWARDS = "the clock only moves forward (a reset does not rewind it; PUT /_mock/state restores a saved time)"


class ClockError(ValueError):
    """A clock move that the clock refuses (for example, backwards)."""


class Clock:
    def __init__(self, start: datetime | None = None, frozen: bool = False) -> None:
        self._offset = timedelta(0)
        self._frozen_at: datetime | None = None
        self._pinned: datetime | None = None
        if start is not None:
            self._offset = start.astimezone(timezone.utc) - _system_now()
        if frozen:
            self._frozen_at = start.astimezone(timezone.utc) if start is not None else _system_now()

    @property
    def frozen(self) -> bool:
        return self._frozen_at is not None

    def now(self) -> datetime:
        if self._pinned is not None:
            return self._pinned
        if self._frozen_at is not None:
            return self._frozen_at
        return _system_now() + self._offset

    def freeze(self) -> datetime:
        """Stop the clock at the current instant."""
        self._frozen_at = self.now()
        return self._frozen_at

    def resume(self) -> datetime:
        """Let the clock flow with real time again, from where it stands."""
        if self._frozen_at is not None:
            self._offset = self._frozen_at - _system_now()
            self._frozen_at = None
        return self.now()

    def advance(self, seconds: float) -> datetime:
        """Freeze the clock and move it forward by `seconds` (>= 0)."""
        return self._move_to(self.after(seconds))

    def after(self, seconds: float) -> datetime:
        """The instant `seconds` (>= 0) from now, within the instants the mock deals in."""
        if seconds < 0:
            raise ClockError(BACKWARDS)
        try:
            instant = self.now() + timedelta(seconds=seconds)
        except OverflowError:
            instant = LATEST + timedelta(days=1)
        if instant > LATEST:
            raise ClockError(f"the clock cannot go past {LATEST.date().isoformat()}")
        return instant

    def set(self, instant: datetime) -> datetime:
        """Freeze the clock and jump forward to `instant`."""
        return self._move_to(self.ahead(instant))

    def ahead(self, instant: datetime) -> datetime:
        """`instant` in UTC, if it is not before now; else the ClockError of a move backwards."""
        instant = instant.astimezone(timezone.utc)
        if instant < self.now():
            raise ClockError(BACKWARDS)
        return instant

    def _move_to(self, instant: datetime) -> datetime:
        if instant > LATEST:
            raise ClockError(f"the clock cannot go past {LATEST.date().isoformat()}")
        self._frozen_at = instant
        return instant

    @contextmanager
    def pinned(self, instant: datetime) -> Iterator[None]:
        """Report `instant` as now while a due job runs, so what it records carries its due time."""
        previous, self._pinned = self._pinned, instant
        try:
            yield
        finally:
            self._pinned = previous

    def snapshot(self) -> dict:
        return {"now": self.now().isoformat(), "frozen": self.frozen}

    def restore(self, snapshot: dict) -> None:
        instant = datetime.fromisoformat(snapshot["now"]).astimezone(timezone.utc)
        self._offset = instant - _system_now()
        self._frozen_at = instant if snapshot.get("frozen") else None
