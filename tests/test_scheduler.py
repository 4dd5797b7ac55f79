"""The periodic job runner, with a fake clock (no sleeps)."""

from __future__ import annotations

import logging

import pytest

from bridgebot.scheduler import Scheduler


class Clock:
    def __init__(self, now: float = 1000.0) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now


def test_jobs_run_when_due_and_get_now() -> None:
    clock = Clock()
    ran: list[tuple[str, float]] = []
    s = Scheduler(clock)
    s.every(60, "a", lambda now: ran.append(("a", now)))
    s.every(300, "b", lambda now: ran.append(("b", now)))
    s.run_due()  # both due at once
    assert ran == [("a", 1000.0), ("b", 1000.0)]
    clock.now = 1059
    s.run_due()
    assert len(ran) == 2  # not yet
    clock.now = 1060
    s.run_due()
    assert ran[-1] == ("a", 1060.0) and len(ran) == 3
    clock.now = 1300
    s.run_due()
    assert ran[-2:] == [("a", 1300.0), ("b", 1300.0)]


def test_after_a_long_pause_a_job_runs_once_not_once_per_missed_period() -> None:
    clock = Clock()
    ran: list[float] = []
    s = Scheduler(clock)
    s.every(60, "a", ran.append)
    s.run_due()
    clock.now += 3600
    s.run_due()
    s.run_due()
    assert ran == [1000.0, 4600.0]
    clock.now += 60
    s.run_due()
    assert ran[-1] == 4660.0


def test_a_failing_job_is_logged_and_does_not_stop_the_others(caplog) -> None:
    clock = Clock()
    ran: list[float] = []

    def boom(now: float) -> None:
        raise RuntimeError("digest failed")

    s = Scheduler(clock)
    s.every(60, "boom", boom)
    s.every(60, "ok", ran.append)
    with caplog.at_level(logging.ERROR):
        s.run_due()
        clock.now += 60
        s.run_due()  # the failing job is tried again at its next time
    assert ran == [1000.0, 1060.0]
    assert sum("scheduled job boom failed" in r.getMessage() for r in caplog.records) == 2


def test_bad_periods_and_duplicate_names_are_refused() -> None:
    s = Scheduler(Clock())
    with pytest.raises(ValueError, match="must be positive"):
        s.every(0, "a", lambda now: None)
    s.every(1, "a", lambda now: None)
    with pytest.raises(ValueError, match="already scheduled"):
        s.every(1, "a", lambda now: None)


def test_start_and_stop_run_the_jobs_in_a_daemon_thread() -> None:
    import threading

    done = threading.Event()
    s = Scheduler()
    s.tick = 0.01
    s.every(3600, "once", lambda now: done.set())
    s.start()
    try:
        assert done.wait(5)
        assert s._thread is not None and s._thread.daemon
    finally:
        s.stop()
    assert s._thread is None
