"""What the sandbox console costs to read: its overview and one page of each view, for a project
of 10,000 imported numbers against one of 10 (the anchor), through the app in-process (TestClient).

Prints figures (no thresholds). Run alone with `.venv/bin/python benchmarks/console_views.py`;
`make bench` runs it within `benchmarks/run_all.py`.
"""

from __future__ import annotations

import sys
from datetime import datetime, timezone
from pathlib import Path

from starlette.testclient import TestClient

sys.path.insert(0, str(Path(__file__).resolve().parent))
from figures import arguments, emit, Row, side_by_side  # noqa: E402

from mock_server.config import MockConfig  # noqa: E402
from mock_server.core.clock import Clock  # noqa: E402
from mock_server.http.app import create_app  # noqa: E402

VIEWS = ("/_mock/ui/api/overview", "/_mock/ui/api/projects/{p}/importedNumbers",
         "/_mock/ui/api/projects/{p}/importedNumbers?q=5559", "/_mock/ui/api/projects/{p}/events")


def rows(rounds: int) -> list[Row]:
    app = create_app(MockConfig(seed=1, background=False),
                     clock=Clock(start=datetime(2026, 1, 1, tzinfo=timezone.utc), frozen=True))
    out = []
    with TestClient(app) as client:
        # a number has one home: each project imports its own range
        for project, start, count in (("small", "+12125550000", 10), ("large", "+13125550000", 10_000)):
            answer = client.post("/_mock/scenarios:load", json={"scenario": {"projects": [{"id": project, "imported_numbers": [
                {"range": {"start": start, "count": count}, "service_plan": "plan"}]}]}})
            assert answer.status_code == 200, answer.text

        def view(path: str):  # type: ignore[no-untyped-def]
            def get() -> None:
                assert client.get(path).status_code == 200
            return get

        for path in VIEWS:
            small, large = side_by_side([view(path.format(p="small")), view(path.format(p="large"))], rounds)
            out.append(Row(f"console {path.format(p='{p}')}, project of 10,000 numbers", large * 1000, "ms",
                           "the same view, project of 10", small * 1000))
    return out


def main() -> None:
    parser = arguments(__doc__)
    parser.add_argument("--rounds", type=int, default=20)
    args = parser.parse_args()
    emit(rows(args.rounds))


if __name__ == "__main__":
    main()
