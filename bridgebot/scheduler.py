"""Run jobs every N seconds in the process (the weekly digest check, metrics refresh, …).

``run_due()`` runs every job whose time has come, with the clock's time; tests call it with an
injected clock instead of waiting. ``start()`` runs it from one daemon thread until ``stop()``.
A job that raises is logged and runs again at its next time.
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
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def every(self, seconds: float, name: str, fn: Callable[[float], None]) -> None:
        """Run ``fn(now)`` every ``seconds``, the first time at the first ``run_due`` call."""
        if seconds <= 0:
            raise ValueError("a job's period must be positive")
        with self._lock:
            self._jobs.append(_Job(name, seconds, fn, self.clock()))

    def run_due(self) -> None:
        now = self.clock()
        with self._lock:
            due = [j for j in self._jobs if j.next_at <= now]
            for j in due:
                # Next run one period later; if we fell far behind, do not run a backlog of them.
                j.next_at = max(j.next_at + j.seconds, now)
                if j.next_at == now:
                    j.next_at = now + j.seconds
        for j in due:
            try:
                j.fn(now)
            except Exception:
                log.exception("scheduled job %s failed; it runs again in %.0f s", j.name, j.seconds)

    def _next_wait(self) -> float:
        with self._lock:
            if not self._jobs:
                return 1.0
            return max(0.0, min(1.0, min(j.next_at for j in self._jobs) - self.clock()))

    def start(self) -> None:
        if self._thread is not None:
            return
        self._stop.clear()

        def loop() -> None:
            while not self._stop.is_set():
                self.run_due()
                self._stop.wait(self._next_wait() or 0.05)

        self._thread = threading.Thread(target=loop, name="bridgebot-scheduler", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(5)
            self._thread = None
