"""Pieces every part of the scenario format shares."""

from __future__ import annotations

from typing import Literal
from urllib.parse import urlsplit

from pydantic import BaseModel, ConfigDict

from mock_server.domain.outcomes import FAILURE_CODES

FailureCode = Literal[FAILURE_CODES]  # type: ignore[valid-type]

ID_PATTERN = r"^[^/:?#\s]+$"  # an id that can stand in a URL path
KEY_PATTERN = r"^[^:,\s]+$"  # an access key id or secret (the CLI's KEY_ID:KEY_SECRET form)


class Model(BaseModel):
    """Base of every scenario model: unknown keys are errors (a typo must not pass silently)."""

    model_config = ConfigDict(extra="forbid", defer_build=True)  # built on first use, not at start-up


def check_url(value: str) -> str:
    """An empty string, or an absolute http(s) URL."""
    if value:
        parts = urlsplit(value)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise ValueError(f"{value!r} is not an absolute http(s) URL")
    return value
