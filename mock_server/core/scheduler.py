"""Timed transitions. A job is data (a kind, a due time, a payload), so state can be exported.

Jobs run when they fall due: on every API request (the state is brought up to "now" first),
from the real-time background worker, and on `/_mock/clock:advance` or `:set`, where every job
that falls due runs, in time order, before the call returns. While a job runs the clock is
pinned to the job's due time, so whatever the job records carries that time.
"""

from __future__ import annotations

import heapq
import logging
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any, Callable

from mock_server.core.clock import Clock

log = logging.getLogger("sinch_mock.scheduler")


@dataclass(order=True)
class Job:
    due: datetime
    seq: int
    kind: str = field(compare=False)
    project_id: str = field(compare=False)
    data: dict[str, Any] = field(compare=False, default_factory=dict)
    cancelled: bool = field(compare=False, default=False)

    def export(self) -> dict:
        return {"due": self.due.isoformat(), "seq": self.seq, "kind": self.kind,
                "projectId": self.project_id, "data": self.data}


Handler = Callable[[Job], None]


class Scheduler:
    def __init__(self, clock: Clock) -> None:
        self._clock = clock
        self._heap: list[tuple[datetime, int, Job]] = []  # (due, seq, job): compared in C
        self._seq = 0
        self._handlers: dict[str, Handler] = {}
        self._fresh: list[Job] | None = None  # while `run_early` runs: the jobs scheduled meanwhile
        self.runs = 0  # jobs run so far: a change notice (the console watches it)

    def register(self, kind: str, handler: Handler) -> None:
        if kind in self._handlers:
            raise ValueError(f"a handler for {kind!r} is registered already")
        self._handlers[kind] = handler

    def kinds(self) -> frozenset[str]:
        """The job kinds with a registered handler (an imported state may only name these)."""
        return frozenset(self._handlers)

    def schedule(self, kind: str, project_id: str, *, delay: float = 0.0,
                 at: datetime | None = None, **data: Any) -> Job:
        if kind not in self._handlers:
            raise KeyError(f"no handler registered for job kind {kind!r}")
        due = at if at is not None else self._clock.now() + timedelta(seconds=delay)
        self._seq += 1
        job = Job(due, self._seq, kind, project_id, data)
        heapq.heappush(self._heap, (due, job.seq, job))
        if self._fresh is not None:
            self._fresh.append(job)
        return job

    def cancel(self, predicate: Callable[[Job], bool]) -> int:
        """Cancel every pending job for which `predicate` is true; returns how many."""
        count = 0
        for _, _, job in self._heap:
            if not job.cancelled and predicate(job):
                job.cancelled = True
                count += 1
        return count

    def pending(self, predicate: Callable[[Job], bool] | None = None) -> list[Job]:
        jobs = [job for _, _, job in sorted(self._heap) if not job.cancelled]
        return [j for j in jobs if predicate is None or predicate(j)]

    def run_early(self, predicate: Callable[[Job], bool], *, limit: int = 1_000_000) -> int:
        """Run now every pending job matching `predicate`, and the matching jobs those jobs
        schedule; returns how many ran. Scenarios use it to preload records in a later state
        ("run these steps now"). The clock does not move: what the jobs record carries the time
        of the call, and a job scheduled meanwhile falls due from it. The earliest due runs
        first (then the first scheduled), as in `run_due`; a job cancelled by one that ran
        before it does not run."""
        chosen = [entry for entry in self._heap if not entry[2].cancelled and predicate(entry[2])]
        heapq.heapify(chosen)
        outer, self._fresh = self._fresh, []
        ran = looked_at = 0
        try:
            while chosen:
                job = heapq.heappop(chosen)[2]
                if job.cancelled:
                    continue
                if ran == limit:
                    raise RuntimeError(f"more than {limit} jobs ran early; a job keeps scheduling itself")
                job.cancelled = True  # it leaves the heap lazily, like any cancelled job
                self._handlers[job.kind](job)
                ran += 1
                self.runs += 1
                for new in self._fresh[looked_at:]:
                    if predicate(new):
                        heapq.heappush(chosen, (new.due, new.seq, new))
                looked_at = len(self._fresh)
        finally:
            if outer is not None:  # a run inside another: the outer one sees these jobs too
                outer.extend(self._fresh)
            self._fresh = outer
        return ran

    def next_due(self) -> datetime | None:
        while self._heap and self._heap[0][2].cancelled:
            heapq.heappop(self._heap)
        return self._heap[0][0] if self._heap else None

    def next_job(self) -> Job | None:
        """The job that falls due first, if any (the console shows it)."""
        return self._heap[0][2] if self.next_due() is not None else None

    def run_due(self, until: datetime | None = None) -> int:
        """Run every job due at or before `until` (default: now), in time order."""
        until = until if until is not None else self._clock.now()
        ran = 0
        heap = self._heap
        while heap and heap[0][0] <= until:
            job = heapq.heappop(heap)[2]
            if job.cancelled:
                continue
            with self._clock.pinned(job.due):
                try:
                    self._handlers[job.kind](job)
                except Exception:  # a broken job must not stop the clock for everyone else
                    log.exception("job %s for project %s failed", job.kind, job.project_id)
            ran += 1
        self.runs += ran
        return ran

    def clear(self) -> None:
        self._heap.clear()

    def export(self) -> list[dict]:
        return [job.export() for job in self.pending()]

    def restore(self, jobs: list[dict]) -> None:
        self._heap = []
        for item in jobs:
            job = Job(datetime.fromisoformat(item["due"]), int(item["seq"]), item["kind"],
                      item["projectId"], dict(item.get("data", {})))
            heapq.heappush(self._heap, (job.due, job.seq, job))
            self._seq = max(self._seq, job.seq)
