"""Work in lanes: different lanes run in parallel on a small pool of threads, one lane's items
strictly in order. The inbox's lanes are channels (events of one channel are handled in the
order Slack sent them); the outbox's are channels too (replies post in parallel across channels,
in order within one thread).
"""

from __future__ import annotations

import logging
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from typing import Callable

log = logging.getLogger(__name__)


class LaneRunner:
    """Subclasses say which lanes have due work, run one lane, and when work is next due."""

    name = "lanes"

    def __init__(self, workers: int = 4, clock: Callable[[], float] = time.time) -> None:
        self.clock = clock
        self.workers = workers
        self._locks: dict[str, threading.Lock] = {}
        self._locks_guard = threading.Lock()
        self._wake = threading.Event()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._pool: ThreadPoolExecutor | None = None

    # --- what subclasses provide -------------------------------------------------------------

    def ready_lanes(self) -> list[str]:
        raise NotImplementedError

    def run_lane(self, lane: str) -> int:
        """Do the lane's due work in order; stop at the first item that must wait. Returns items done."""
        raise NotImplementedError

    def next_due_at(self) -> float | None:
        raise NotImplementedError

    def tick(self) -> None:
        """Periodic chores (called from the dispatcher thread)."""

    # --- running -------------------------------------------------------------------------------

    def _lock(self, lane: str) -> threading.Lock:
        with self._locks_guard:
            lock = self._locks.get(lane)
            if lock is None:
                lock = self._locks[lane] = threading.Lock()
            return lock

    def wake(self) -> None:
        self._wake.set()

    def drain(self) -> int:
        """Do everything due now in the calling thread (tests, and a clean shutdown)."""
        done = 0
        while True:
            lanes = self.ready_lanes()
            progress = 0
            for lane in lanes:
                with self._lock(lane):
                    progress += self.run_lane(lane)
            done += progress
            if not lanes or not progress:
                return done

    def start(self) -> None:
        if self._thread is None:
            self._stop.clear()
            self._pool = ThreadPoolExecutor(self.workers, thread_name_prefix=f"bridgebot-{self.name}")
            self._thread = threading.Thread(target=self._run, name=f"bridgebot-{self.name}", daemon=True)
            self._thread.start()

    def stop(self, timeout: float = 10.0) -> None:
        self._stop.set()
        self._wake.set()
        if self._thread is not None:
            self._thread.join(timeout)
            self._thread = None
        if self._pool is not None:
            self._pool.shutdown(wait=False, cancel_futures=True)
            self._pool = None

    def _run(self) -> None:
        while not self._stop.is_set():
            busy = False
            pool = self._pool
            if pool is None:
                return
            try:
                self.tick()
                for lane in self.ready_lanes():
                    lock = self._lock(lane)
                    if not lock.acquire(blocking=False):
                        busy = True
                        continue
                    try:
                        pool.submit(self._lane_task, lane, lock)
                    except RuntimeError:  # the pool was shut down under us (stop())
                        lock.release()
                        return
                nxt = self.next_due_at()
            except Exception:  # never let the dispatcher die: log and keep going
                log.exception("%s dispatcher failed; retrying in 5 s", self.name)
                nxt = self.clock() + 5
            except BaseException:
                return
            wait = 30.0 if nxt is None else max(0.0, min(30.0, nxt - self.clock()))
            if busy or wait == 0.0:
                wait = max(wait, 0.2)  # a lane that is running wakes us when it is done
            self._wake.wait(wait)
            self._wake.clear()

    def _lane_task(self, lane: str, lock: threading.Lock) -> None:
        try:
            self.run_lane(lane)
        except Exception:
            log.exception("%s lane %s failed", self.name, lane)
        finally:
            lock.release()
            self._wake.set()
