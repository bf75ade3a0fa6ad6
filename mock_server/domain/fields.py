"""Rules of fields several resources share: each rule has its home here, and every request
body, domain request and scenario entry that carries such a field checks it through these.

- `displayName`: at most MAX_DISPLAY_NAME characters (imported numbers, hosting orders, scenarios);
- `callbackUrl`: an absolute http(s) URL (`delivery.destinations.callback_url_problem` says what
  is wrong; the checks here apply it to an optional field);
- a project id as it can stand in a URL path (scenarios, the control plane's `projectId`).
"""

from __future__ import annotations

import re

from mock_server.delivery.destinations import callback_url_problem

MAX_DISPLAY_NAME = 256
DISPLAY_NAME_PROBLEM = f"must be at most {MAX_DISPLAY_NAME} characters"

# An id that can stand in a URL path segment: no '/', ':' (the segment's action separator),
# '?', '#' or white space.
ID_PATTERN = r"^[^/:?#\s]+$"
MAX_ID_LENGTH = 200  # a project id the control plane takes (fault rules, events:trigger)
ID_PROBLEM = "must be a project id (no '/', ':', '?', '#' or spaces)"
_ID = re.compile(ID_PATTERN)


def project_id_problem(value: str | None) -> str | None:
    """What is wrong with a project id given in a body (None: nothing)."""
    return None if value and len(value) <= MAX_ID_LENGTH and _ID.match(value) else ID_PROBLEM


def display_name_problem(value: str | None) -> str | None:
    """What is wrong with a `displayName` (None: nothing, or it was left out)."""
    return DISPLAY_NAME_PROBLEM if value is not None and len(value) > MAX_DISPLAY_NAME else None


def optional_callback_url_problem(value: str | None) -> str | None:
    """What is wrong with a `callbackUrl`; an empty or absent one is no callback URL at all."""
    return callback_url_problem(value) if value else None


def checked_callback_url(value: str, prefix: str = "") -> str:
    """`value`, or ValueError (a pydantic validator's way of refusing) naming the problem."""
    problem = optional_callback_url_problem(value)
    if problem:
        raise ValueError(prefix + problem)
    return value
