"""Periodic jobs in the process (reminders, the weekly digest): ``every(seconds, name, fn)``.

Tests drive it with a fake clock and :meth:`Scheduler.run_due`; in production :meth:`start`
runs a daemon thread that calls ``run_due`` about once a second. A job is called with the
scheduler's ``now``; a job that raises is logged and retried at its next time, and never stops
the others. A job that must happen once across restarts (a weekly digest) records that it ran in
the database itself: the scheduler only says when to look.
"""

from __future__ import annotations

import logging
import threading
import time
from dataclasses import dataclass
from typing import Callable

log = logging.getLogger(__name__)


@dataclass
class _Job:
    name: str
    seconds: float
    fn: Callable[[float], None]
    next_at: float


class Scheduler:
    def __init__(self, clock: Callable[[], float] = time.time) -> None:
        self.clock = clock
        self._jobs: list[_Job] = []
        self._lock = threading.Lock()
        self._run_lock = threading.Lock()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        #: How often the thread looks for due jobs (seconds of real time).
        self.tick = 1.0

    def every(self, seconds: float, name: str, fn: Callable[[float], None]) -> None:
        """Run ``fn(now)`` every ``seconds``; the first run is due at once."""
        if seconds <= 0:
            raise ValueError(f"job {name!r}: the period must be positive, not {seconds}")
        with self._lock:
            if any(j.name == name for j in self._jobs):
                raise ValueError(f"a job named {name!r} is already scheduled")
            self._jobs.append(_Job(name, float(seconds), fn, self.clock()))

    def run_due(self) -> None:
        """Run each job whose time has come, passing now."""
        with self._run_lock:  # the thread and a test (or two threads) never run a job twice at once
            now = self.clock()
            with self._lock:
                due = [j for j in self._jobs if j.next_at <= now]
            for job in due:
                try:
                    job.fn(now)
                except Exception:
                    log.exception("scheduled job %s failed; it runs again in %.0f s", job.name, job.seconds)
                # The next run keeps the job's rhythm; after a long pause it runs once, not once per missed period.
                job.next_at += job.seconds
                if job.next_at <= now:
                    job.next_at = now + job.seconds

    def start(self) -> None:
        if self._thread is None:
            self._stop.clear()
            self._thread = threading.Thread(target=self._run, name="bridgebot-scheduler", daemon=True)
            self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(10)
            self._thread = None

    def _run(self) -> None:
        while not self._stop.is_set():
            try:
                self.run_due()
            except Exception:  # never let the thread die
                log.exception("scheduler loop failed")
            self._stop.wait(self.tick)
