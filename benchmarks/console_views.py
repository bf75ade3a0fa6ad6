"""What the sandbox console costs to read: its overview and one page of each view, for a project
of 10 and of 10,000 imported numbers, through the app in-process (TestClient).

Prints figures (no thresholds). Run with `.venv/bin/python benchmarks/console_views.py`.
"""

from __future__ import annotations

import time
from datetime import datetime, timezone

from starlette.testclient import TestClient

from mock_server.config import MockConfig
from mock_server.core.clock import Clock
from mock_server.http.app import create_app

VIEWS = ("/_mock/ui/api/overview", "/_mock/ui/api/projects/{p}/importedNumbers",
         "/_mock/ui/api/projects/{p}/importedNumbers?q=5559", "/_mock/ui/api/projects/{p}/events")


def measure(client: TestClient, path: str, rounds: int = 20) -> float:
    started = time.perf_counter()
    for _ in range(rounds):
        assert client.get(path).status_code == 200
    return (time.perf_counter() - started) / rounds


def main() -> None:
    app = create_app(MockConfig(seed=1, background=False),
                     clock=Clock(start=datetime(2026, 1, 1, tzinfo=timezone.utc), frozen=True))
    with TestClient(app) as client:
        for project, count in (("small", 10), ("large", 10_000)):
            answer = client.post("/_mock/scenarios:load", json={"scenario": {"projects": [{"id": project, "imported_numbers": [
                {"range": {"start": "+12125550000", "count": count}, "service_plan": "plan"}]}]}})
            assert answer.status_code == 200, answer.text
        print("console view (one page of 25)                  10 numbers   10,000 numbers")
        for view in VIEWS:
            small, large = (measure(client, view.format(p=p)) for p in ("small", "large"))
            print(f"{view.format(p='{p}'):<48} {small * 1000:7.2f} ms   {large * 1000:7.2f} ms")


if __name__ == "__main__":
    main()
