"""The real spec, vendored byte for byte (see SOURCE.md beside the shared copy)."""

from __future__ import annotations

import hashlib
from functools import lru_cache
from pathlib import Path

SPEC_PATH = Path(__file__).with_name("imported-hosting.yaml")
SPEC_SHA256 = "dab1626059a09f7c176b8af2a01fa56c10cba08ec86a0e25e63770b1b658f1db"


def spec_bytes() -> bytes:
    return SPEC_PATH.read_bytes()


def spec_sha256() -> str:
    return hashlib.sha256(spec_bytes()).hexdigest()


@lru_cache(maxsize=1)
def spec_document() -> dict:
    import yaml

    return yaml.safe_load(spec_bytes())
