"""RFC 3339 timestamps as the API writes them: UTC, millisecond precision, a trailing `Z`."""

from __future__ import annotations

from datetime import datetime, timezone


def rfc3339(instant: datetime) -> str:
    instant = instant.astimezone(timezone.utc)
    return instant.strftime("%Y-%m-%dT%H:%M:%S.") + f"{instant.microsecond // 1000:03d}Z"


def parse_rfc3339(text: str) -> datetime:
    """Parse an RFC 3339 date-time with an explicit offset; raise ValueError otherwise."""
    if not isinstance(text, str) or "T" not in text.upper():
        raise ValueError("not an RFC 3339 date-time")
    value = datetime.fromisoformat(text.strip().replace("z", "Z").replace("Z", "+00:00"))
    if value.tzinfo is None:
        raise ValueError("an RFC 3339 date-time needs a time zone offset or Z")
    return value.astimezone(timezone.utc)
