"""Which operation of the spec a request is: `operation_id("GET", "/v1/projects/p/importedNumbers")`."""

from __future__ import annotations

import re
from functools import lru_cache

from mock_server.spec import spec_document

_PARAMETER = re.compile(r"\{[^}]+\}")


@lru_cache(maxsize=1)
def _table() -> tuple[tuple[str, re.Pattern[str], str], ...]:
    rows = []
    for path, operations in spec_document().get("paths", {}).items():
        pattern = re.compile("^" + _PARAMETER.sub("[^/:]+", re.escape(path).replace(r"\{", "{").replace(r"\}", "}"))
                             + "$")
        for method, operation in operations.items():
            if isinstance(operation, dict) and operation.get("operationId") and path.startswith("/v1/"):
                rows.append((method.upper(), pattern, operation["operationId"]))
    return tuple(rows)


def operation_ids() -> list[str]:
    """Every operation id of the spec's `/v1` paths."""
    return sorted({row[2] for row in _table()})


def operation_id(method: str, path: str) -> str | None:
    for row_method, pattern, identifier in _table():
        if row_method == method.upper() and pattern.match(path):
            return identifier
    return None
