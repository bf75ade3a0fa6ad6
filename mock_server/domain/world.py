"""The world: every project, the clock, the scheduler, the random generator and the event log.

One `World` is one running mock. Its lock makes every request one transaction: the state is
brought up to the clock's "now" (due jobs run), then the operation validates everything before
it writes anything, so a rejected batch changes nothing and no update is lost.
"""

from __future__ import annotations

import threading
from typing import Any, Callable

from mock_server.core.clock import Clock
from mock_server.core.rng import Rng
from mock_server.core.scheduler import Scheduler
from mock_server.domain.events import EventLog
from mock_server.domain.faults import FaultRules
from mock_server.domain.holders import NumberHolders, Projects
from mock_server.domain.outcomes import Outcomes
from mock_server.domain.project import Project
from mock_server.domain.settings import Settings
from mock_server.domain.sinks import Sinks

JOURNAL_LIMIT = 10_000  # entries the request journal keeps; older ones are dropped (and counted)


class World:
    def __init__(self, settings: Settings | None = None, clock: Clock | None = None,
                 rng: Rng | None = None) -> None:
        self.lock = threading.RLock()
        self._transaction = Transaction(self)
        self.clock = clock or Clock()
        self.rng = rng or Rng()
        self.scheduler = Scheduler(self.clock)
        self.settings = settings or Settings()
        self.initial_settings = self.settings.model_copy(deep=True)
        self.outcomes = Outcomes()
        self.holders = NumberHolders()  # number -> holding project, kept in step by `projects`
        self.projects: dict[str, Project] = Projects(self.holders)
        self.events = EventLog(self)
        self._journal: list[dict[str, Any]] = []
        # Set by the HTTP layer's journal: adds the entries it holds unbuilt (they are built only
        # when someone reads `journal` or `journal_dropped`).
        self.journal_flush: Callable[[], None] | None = None
        self.sinks = Sinks()  # the built-in callback receiver (not part of the exported state)
        self.faults = FaultRules()  # fault and latency injection (not part of the exported state)
        self._journal_dropped = 0  # entries dropped from the journal since it was last emptied
        # Run at the end of every reset (the app re-applies its start-up scenarios here).
        self.reset_hooks: list[Callable[[], None]] = []

        # Services register their scheduled-job handlers with the scheduler.
        from mock_server.domain.callback_configuration import CallbackConfigurationService
        from mock_server.domain.hosting_orders.service import HostingOrderService
        from mock_server.domain.imported_numbers.service import ImportedNumberService
        from mock_server.domain.qualified_numbers.service import QualifiedNumberService

        self.imported_numbers = ImportedNumberService(self)
        self.qualified_numbers = QualifiedNumberService(self)
        self.hosting_orders = HostingOrderService(self)
        self.callback_configuration = CallbackConfigurationService(self)

    # --- projects -------------------------------------------------------------------------
    def project(self, project_id: str) -> Project:
        """The project with this id, created empty on first use."""
        project = self.projects.get(project_id)
        if project is None:
            project = self.projects[project_id] = Project(project_id=project_id)
        return project

    def view(self, project_id: str) -> Project:
        """The project with this id for reading: a project never used reads as empty and is not
        created (reads leave no trace)."""
        project = self.projects.get(project_id)
        return project if project is not None else Project(project_id=project_id)

    def drop_projects(self) -> None:
        """Forget every project, record by record: a world of 100,000 numbers freed in one go
        would hold the interpreter (and so every other thread) for a second."""
        with self.lock:
            for project in self.projects.values():
                for records in (project.imported_numbers, project.qualified_numbers, project.hosting_orders):
                    # by key: `popitem` would look for the last entry past every one deleted before
                    for key in list(records):
                        del records[key]
            self.projects.clear()

    # --- the request journal ----------------------------------------------------------------
    @property
    def journal(self) -> list[dict[str, Any]]:
        """The request journal's entries, oldest first (those held unbuilt are added first)."""
        flush = self.journal_flush
        if flush is not None:
            flush()
        return self._journal

    @property
    def journal_dropped(self) -> int:
        """Entries dropped from the journal since it was last emptied."""
        flush = self.journal_flush
        if flush is not None:
            flush()
        return self._journal_dropped

    @journal_dropped.setter
    def journal_dropped(self, value: int) -> None:
        flush = self.journal_flush
        if flush is not None:
            flush()
        self._journal_dropped = value

    def record_request(self, entry: dict[str, Any]) -> None:
        """Add an entry to the request journal; beyond JOURNAL_LIMIT the oldest are dropped."""
        with self.lock:
            self.journal.append(entry)
            excess = len(self.journal) - JOURNAL_LIMIT
            if excess > 0:
                del self.journal[:excess]
                self.journal_dropped += excess

    # --- time -----------------------------------------------------------------------------
    def transaction(self) -> "Transaction":
        """Hold the lock and bring the state up to now; every API call runs inside one."""
        return self._transaction

    def catch_up(self) -> int:
        with self.lock:
            return self.scheduler.run_due()

    # --- whole state ----------------------------------------------------------------------
    def reset(self) -> None:
        """Drop all state; keep the start-up configuration (settings, seed)."""
        with self.lock:
            self.drop_projects()
            self.scheduler.clear()
            self.events.clear()
            self.journal.clear()
            self.journal_dropped = 0
            self.outcomes.clear()
            self.sinks.clear()
            self.faults.clear()
            self.settings = self.initial_settings.model_copy(deep=True)
            self.rng.reseed()
            for hook in self.reset_hooks:
                hook()


class Transaction:
    """`with world.transaction():` holds the world's lock and runs the jobs due by now (a plain
    context manager: every API call enters one)."""

    __slots__ = ("world",)

    def __init__(self, world: World) -> None:
        self.world = world

    def __enter__(self) -> World:
        world = self.world
        world.lock.acquire()
        try:
            world.scheduler.run_due()
        except BaseException:
            world.lock.release()
            raise
        return world

    def __exit__(self, *exc_info: object) -> None:
        self.world.lock.release()
