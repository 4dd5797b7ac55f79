"""Check a paste under a time budget, so that no paste can stall the process or crash it.

Two runners, one result shape:

- :class:`BoundedChecker` (the Slack app): the check runs in a worker process that holds the
  specs. The caller waits at most ``budget`` seconds; past that the worker is killed (it may be
  stuck in C code, which no in-process guard can stop) and a fresh one is started in the
  background. Per paste this costs one pipe round trip and a pickle of the result
  (``benchmarks/check.py`` prints it side by side with the direct check).
- :func:`check_inline` (the CLI): the check runs in this process under ``SIGALRM`` when called
  from the main thread (the regular expressions are interruptible): two system calls per paste.

Either way a crash in the checker (a ``RecursionError`` the depth limits missed, a bug) or a
check past its budget gives a :class:`CheckResult` with ``incomplete`` set: the reply says the
paste could not be fully checked, the keys found by the (linear, cheap) secret scan are still
reported, and the thread is opened like any other. Never a traceback.
"""

from __future__ import annotations

import logging
import os
import pickle
import signal
import subprocess
import sys
import threading
import time
from contextlib import contextmanager
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any, Iterator

from .checker import check_paste
from .model import CheckResult
from .paste import UnreadablePaste, check_text_input, unslack
from .secrets import find_secrets
from .specs import SpecSet

log = logging.getLogger(__name__)

#: Seconds a check may take before it is abandoned (a normal paste takes a few milliseconds).
DEFAULT_BUDGET = 1.0

#: The reasons a check is left incomplete (``CheckResult.incomplete``); the reply words live in
#: replies/_macros.j2.
TIMED_OUT = "timeout"
CRASHED = "error"

#: Seconds a killed worker is given to exit (it may be stuck in the kernel, which no signal
#: interrupts at once); past that it is left to the operating system, not waited for.
KILL_WAIT = 5.0


class CheckTimeout(BaseException):
    """Raised inside an inline check when its budget runs out. A BaseException, so that the
    checker's own ``except Exception`` (one odd request must not sink the message) lets it pass."""


def limited_result(raw: str | bytes, reason: str) -> CheckResult:
    """What is said about a paste that could not be fully checked: that, and any key in it."""
    try:
        text = unslack(check_text_input(raw))
    except UnreadablePaste as e:
        return CheckResult(problems=[str(e)])
    return CheckResult(secrets=find_secrets(text), incomplete=reason)


# --- in this process (CLI) ----------------------------------------------------------------------

@contextmanager
def _alarm(budget: float) -> Iterator[None]:
    """Raise CheckTimeout after ``budget`` seconds, when signals can be used (main thread, POSIX)."""
    usable = hasattr(signal, "setitimer") and threading.current_thread() is threading.main_thread()
    if not usable or budget <= 0:
        yield
        return

    def expire(signum: int, frame: Any) -> None:
        raise CheckTimeout()

    previous = signal.signal(signal.SIGALRM, expire)
    signal.setitimer(signal.ITIMER_REAL, budget)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def check_inline(raw: str | bytes, specs: SpecSet, budget: float = DEFAULT_BUDGET) -> CheckResult:
    """Check in this process: a time budget on the main thread, and no exception but UnreadablePaste."""
    try:
        with _alarm(budget):
            return check_paste(raw, specs)
    except UnreadablePaste:
        raise
    except CheckTimeout:
        log.warning("a paste of %d characters was not fully checked within %.1f s", len(raw), budget)
        return limited_result(raw, TIMED_OUT)
    except Exception as e:  # RecursionError, a bug; the traceback could quote a key, so name it only
        log.error("checking a paste of %d characters failed: %s", len(raw), type(e).__name__)
        return limited_result(raw, CRASHED)


# --- in a worker process (Slack app) ------------------------------------------------------------

def worker_main() -> None:
    """The worker (``python -m bridgebot.check.bounded``): receive the specs, then check each text
    received and send back ("ok", result), ("unreadable", message) or ("error", None)."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the parent's to handle
    from ..logs import configure

    configure(logging.WARNING)  # to stderr, through the filter that redacts keys
    conn_in = Connection(os.dup(0), writable=False)
    conn_out = Connection(os.dup(1), readable=False)
    os.dup2(2, 1)  # a stray print must not corrupt the protocol
    serve(conn_in, conn_out)


def serve(conn_in: Any, conn_out: Any) -> None:
    """The worker's side of the protocol, over any pair of connections: the pickled specs in,
    ("ready", None) out, then each text in and its reply out, until the input is closed.
    (Here, not in :func:`worker_main`, so that it can be driven in a test's own process.)"""
    specs = pickle.loads(conn_in.recv_bytes())
    conn_out.send(("ready", None))
    while True:
        try:
            raw = conn_in.recv()
        except (EOFError, OSError):
            return
        try:
            reply: tuple[str, Any] = ("ok", check_paste(raw, specs))
        except UnreadablePaste as e:
            reply = ("unreadable", str(e))
        except Exception as e:  # the traceback could quote the paste (and a key in it): name it only
            log.error("checking a paste of %d characters failed: %s", len(raw), type(e).__name__)
            reply = ("error", None)
        try:
            data = pickle.dumps(reply, protocol=pickle.HIGHEST_PROTOCOL)
        except (pickle.PicklingError, RecursionError, TypeError, AttributeError) as e:
            log.error("could not send back the result of a paste of %d characters: %s", len(raw), type(e).__name__)
            data = pickle.dumps(("error", None))
        conn_out.send_bytes(data)


class _Worker:
    """A checker process started with this Python (not multiprocessing: no re-import of __main__,
    no fork of a threaded process), talking over its stdin and stdout."""

    def __init__(self, specs_blob: bytes) -> None:
        root = str(Path(__file__).resolve().parents[2])
        env = {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, [root, os.environ.get("PYTHONPATH")]))}
        self.process = subprocess.Popen([sys.executable, "-m", "bridgebot.check.bounded"], env=env,
                                        stdin=subprocess.PIPE, stdout=subprocess.PIPE)
        assert self.process.stdin is not None and self.process.stdout is not None
        self.send_conn = Connection(os.dup(self.process.stdin.fileno()), readable=False)
        self.recv_conn = Connection(os.dup(self.process.stdout.fileno()), writable=False)
        self.process.stdin.close()
        self.process.stdout.close()
        self.send_conn.send_bytes(specs_blob)

    def wait_ready(self, timeout: float) -> bool:
        try:
            return self.recv_conn.poll(timeout) and self.recv_conn.recv()[0] == "ready"
        except (EOFError, OSError):
            return False

    def alive(self) -> bool:
        return self.process.poll() is None

    def kill(self) -> None:
        self.process.kill()
        try:
            self.process.wait(KILL_WAIT)
        except subprocess.TimeoutExpired:  # not the caller's problem: its paste is answered all the same
            log.warning("a killed checker worker (pid %d) did not exit within %.0f s: left to the system",
                        self.process.pid, KILL_WAIT)
        self.send_conn.close()
        self.recv_conn.close()


class BoundedChecker:
    """Check pastes in worker processes, each check within ``budget`` seconds.

    Thread-safe: each caller takes an idle worker, or starts one while there are fewer than
    ``max_workers`` (each holds a copy of the specs), or else waits for one. A slow paste holds up
    its own caller for at most ``budget``; its worker is then killed and replaced in the background.
    """

    def __init__(self, specs: SpecSet, budget: float = DEFAULT_BUDGET, *, max_workers: int = 2,
                 start_timeout: float = 60.0, warm: int = 1) -> None:
        self.specs = specs
        self.budget = budget
        self.max_workers = max(1, max_workers)
        self.start_timeout = start_timeout
        self._blob = pickle.dumps(specs, protocol=pickle.HIGHEST_PROTOCOL)
        self._idle: list[_Worker] = []
        self._cond = threading.Condition()
        self._workers = 0  # started or starting, idle or busy
        self._closed = False
        self.restarts = 0
        for _ in range(min(warm, self.max_workers)):
            self._workers += 1
            worker = self._start()
            if worker is not None:
                self._idle.append(worker)

    def _start(self) -> _Worker | None:
        """Start a worker (counted in ``_workers`` by the caller); uncount it if it fails."""
        worker: _Worker | None = None
        try:
            worker = _Worker(self._blob)
            if worker.wait_ready(self.start_timeout):
                return worker
            log.error("a checker worker did not start within %.0f s", self.start_timeout)
        except OSError as e:
            log.error("could not start a checker worker: %s", e)
        if worker is not None:
            worker.kill()
        self._retire()
        return None

    def _retire(self) -> None:
        with self._cond:
            self._workers -= 1
            self._cond.notify()

    def _take(self) -> _Worker | None:
        with self._cond:
            while True:
                if self._closed:
                    return None
                while self._idle:
                    worker = self._idle.pop()
                    if worker.alive():
                        return worker
                    worker.kill()
                    self._workers -= 1
                if self._workers < self.max_workers:
                    self._workers += 1
                    break
                self._cond.wait()
        return self._start()

    def _give_back(self, worker: _Worker) -> None:
        with self._cond:
            if self._closed:
                self._workers -= 1
                worker.kill()
            else:
                self._idle.append(worker)
            self._cond.notify()

    def _kill_and_replace(self, worker: _Worker) -> None:
        """Kill a worker past its budget (or dead) and start its replacement in the background."""
        worker.kill()

        def start() -> None:
            new = self._start()
            if new is not None:
                self._give_back(new)
        self.restarts += 1
        threading.Thread(target=start, name="bridgebot-checker-restart", daemon=True).start()

    def check(self, raw: str | bytes) -> CheckResult:
        """Check ``raw``; UnreadablePaste for input that is not a paste, else always a result."""
        check_text_input(raw)  # refuse binary / oversized input here, as check_paste would
        worker = self._take()
        if worker is None:
            return limited_result(raw, CRASHED)
        started = time.monotonic()
        try:
            worker.send_conn.send(raw)
            if not worker.recv_conn.poll(self.budget):
                log.warning("a paste of %d characters was not fully checked within %.1f s: worker restarted",
                            len(raw), self.budget)
                self._kill_and_replace(worker)
                return limited_result(raw, TIMED_OUT)
            status, value = worker.recv_conn.recv()
        except (EOFError, OSError, pickle.UnpicklingError):
            log.error("a checker worker died on a paste of %d characters after %.2f s: restarted",
                      len(raw), time.monotonic() - started)
            self._kill_and_replace(worker)
            return limited_result(raw, CRASHED)
        self._give_back(worker)
        if status == "ok":
            return value
        if status == "unreadable":
            raise UnreadablePaste(value)
        return limited_result(raw, CRASHED)

    def close(self) -> None:
        with self._cond:
            self._closed = True
            idle, self._idle = self._idle, []
            self._workers -= len(idle)
            self._cond.notify_all()
        for worker in idle:
            worker.kill()

    def __enter__(self) -> "BoundedChecker":
        return self

    def __exit__(self, *exc: Any) -> None:
        self.close()


if __name__ == "__main__":
    worker_main()
