"""`--state-file PATH`: the whole state kept across restarts (a sandbox's persistence).

At start, when the file exists, it is imported as `PUT /_mock/state` would (checked completely;
a bad file stops the start with a message). On a clean stop the state is written there as
`GET /_mock/state` exports it, atomically: to a temporary file in the same directory, flushed to
disk, then renamed over the old one, so a crash while saving leaves the previous file whole.
"""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path
from typing import Any


class StateFileError(ValueError):
    """A state file that cannot be read or imported."""


def read_state_file(path: str | os.PathLike[str]) -> dict[str, Any] | None:
    """The document in the file, or None when there is no file yet."""
    target = Path(path)
    if not target.exists():
        return None
    if not target.is_file():
        raise StateFileError(f"state file {str(target)!r} is not a regular file")
    try:
        with target.open("rb") as handle:
            document = json.load(handle)
    except (OSError, ValueError, RecursionError) as error:
        raise StateFileError(f"state file {str(target)!r} cannot be read: {error}") from None
    if not isinstance(document, dict):
        raise StateFileError(f"state file {str(target)!r} does not hold a state (a JSON object)")
    return document


def write_state_file(path: str | os.PathLike[str], document: dict[str, Any]) -> None:
    """Write `document` to `path` atomically (temporary file, fsync, rename)."""
    target = Path(path)
    handle, temporary = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent or ".")
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as out:
            json.dump(document, out, separators=(",", ":"), ensure_ascii=False)
            out.flush()
            os.fsync(out.fileno())
        os.replace(temporary, target)
    except BaseException:
        try:
            os.unlink(temporary)
        except OSError:
            pass
        raise
