from datetime import datetime, timedelta, timezone

from mock_server.core.clock import Clock
from mock_server.core.scheduler import Scheduler

T0 = datetime(2026, 3, 1, tzinfo=timezone.utc)


def make():
    clock = Clock(start=T0, frozen=True)
    return clock, Scheduler(clock)


def test_jobs_run_in_time_order_with_the_clock_pinned_to_their_due_time():
    clock, scheduler = make()
    seen = []
    scheduler.register("k", lambda job: seen.append((job.data["n"], clock.now())))
    scheduler.schedule("k", "p", delay=30, n="late")
    scheduler.schedule("k", "p", delay=10, n="early")
    assert scheduler.run_due(T0 + timedelta(seconds=5)) == 0
    assert scheduler.run_due(T0 + timedelta(seconds=60)) == 2
    assert seen == [("early", T0 + timedelta(seconds=10)), ("late", T0 + timedelta(seconds=30))]


def test_a_job_scheduled_by_a_job_runs_in_the_same_pass_when_due():
    clock, scheduler = make()
    seen = []

    def first(job):
        seen.append("first")
        scheduler.schedule("second", "p", delay=5)

    scheduler.register("first", first)
    scheduler.register("second", lambda job: seen.append(("second", clock.now())))
    scheduler.schedule("first", "p", delay=5)
    scheduler.run_due(T0 + timedelta(seconds=10))
    assert seen == ["first", ("second", T0 + timedelta(seconds=10))]


def test_cancelled_jobs_never_run():
    _, scheduler = make()
    seen = []
    scheduler.register("k", lambda job: seen.append(job.data["n"]))
    scheduler.schedule("k", "p", delay=1, n=1)
    scheduler.schedule("k", "p", delay=1, n=2)
    assert scheduler.cancel(lambda job: job.data["n"] == 1) == 1
    scheduler.run_due(T0 + timedelta(seconds=2))
    assert seen == [2]


def test_a_failing_job_does_not_stop_the_others():
    _, scheduler = make()
    seen = []

    def boom(job):
        raise RuntimeError("broken")

    scheduler.register("boom", boom)
    scheduler.register("ok", lambda job: seen.append("ok"))
    scheduler.schedule("boom", "p", delay=1)
    scheduler.schedule("ok", "p", delay=2)
    assert scheduler.run_due(T0 + timedelta(seconds=3)) == 2
    assert seen == ["ok"]


def test_export_and_restore_keep_pending_jobs():
    _, scheduler = make()
    scheduler.register("k", lambda job: None)
    scheduler.schedule("k", "p", delay=7, phone="+12025550134")
    exported = scheduler.export()
    _, other = make()
    other.register("k", lambda job: None)
    other.restore(exported)
    assert other.export() == exported
    assert other.next_due() == T0 + timedelta(seconds=7)
