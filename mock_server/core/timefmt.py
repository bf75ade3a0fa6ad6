"""RFC 3339 timestamps as the API writes them: UTC, millisecond precision, a trailing `Z`."""

from __future__ import annotations

from datetime import datetime, timezone
from functools import lru_cache


def format_rfc3339(instant: datetime) -> str:
    """`rfc3339` without its cache: for instants written once (the journal's "now")."""
    if instant.tzinfo is not timezone.utc:
        instant = instant.astimezone(timezone.utc)
    # formatted by hand (%-style: about twice as fast as the f-string with format specs, several
    # times faster than strftime): every response holds a few
    return "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ" % (instant.year, instant.month, instant.day, instant.hour,
                                                    instant.minute, instant.second, instant.microsecond // 1000)


# a response writes the same few instants again and again
rfc3339 = lru_cache(maxsize=16384)(format_rfc3339)


# The instants the mock deals in: anything outside is a client's mistake, and keeping away from
# datetime's own limits means no delay added to an instant can overflow.
EARLIEST = datetime(1970, 1, 1, tzinfo=timezone.utc)
LATEST = datetime(9998, 12, 31, tzinfo=timezone.utc)


def parse_rfc3339(text: str) -> datetime:
    """Parse an RFC 3339 date-time with an explicit offset, between 1970 and 9998 (UTC);
    raise ValueError otherwise."""
    if not isinstance(text, str) or "T" not in text.upper():
        raise ValueError("not an RFC 3339 date-time")
    try:
        value = datetime.fromisoformat(text.strip().replace("z", "Z").replace("Z", "+00:00"))
        if value.tzinfo is None:
            raise ValueError("an RFC 3339 date-time needs a time zone offset or Z")
        value = value.astimezone(timezone.utc)
    except OverflowError:
        raise ValueError("the date-time is out of range") from None
    if not EARLIEST <= value <= LATEST:
        raise ValueError(f"must be between {EARLIEST.date().isoformat()} and {LATEST.date().isoformat()}")
    return value
