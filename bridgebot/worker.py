"""Takes Slack events from the durable inbox and handles them, in order per channel.

The HTTP request (or Socket Mode envelope) only stores the event, redacted, and answers Slack
(:meth:`InboxWorker.accept`); the work happens here, in the process's own threads. An event whose
handling failed for a passing reason (a Slack lookup that failed or timed out, a busy database)
is retried with backoff for as long as it takes; the events behind it in its channel wait, so a
channel's events are handled in the order Slack sent them.
"""

from __future__ import annotations

import logging
import sqlite3
import time
from typing import Any, Callable

from slack_sdk.errors import SlackApiError, SlackClientError

from .directory import DirectoryUnavailable
from .lanes import LaneRunner
from .tracking import Store, inbox

log = logging.getLogger(__name__)

#: Errors that say "not now" rather than "never": the event is retried with backoff, forever.
TRANSIENT: tuple[type[BaseException], ...] = (DirectoryUnavailable, SlackApiError, SlackClientError, OSError,
                                              sqlite3.OperationalError)


class InboxWorker(LaneRunner):
    name = "inbox"

    def __init__(self, store: Store, process: Callable[[inbox.InboxItem], None], workers: int = 4,
                 clock: Callable[[], float] = time.time) -> None:
        super().__init__(workers=workers, clock=clock)
        self.store = store
        self.process = process

    def accept(self, *, event_key: str, kind: str, lane: str, body: dict[str, Any]) -> bool:
        """Store one event (secrets redacted). False when it was here already (a redelivery)."""
        clean, secrets = inbox.redact_body(body)
        if secrets:
            clean = {**clean, "bridgebot_secrets": secrets}
        with self.store.transaction() as db:
            new = inbox.add(db, event_key=event_key, kind=kind, lane=lane, body=clean, at=self.clock())
        if new is not None:
            self.wake()
        return new is not None

    def ready_lanes(self) -> list[str]:
        return inbox.ready_lanes(self.store.db, self.clock())

    def next_due_at(self) -> float | None:
        return inbox.next_due_at(self.store.db)

    def run_lane(self, lane: str) -> int:
        done = 0
        while True:
            item = inbox.next_in_lane(self.store.db, lane)
            if item is None or item.next_attempt_at > self.clock():
                return done
            try:
                self.process(item)
            except Exception as e:
                transient = isinstance(e, TRANSIENT)
                with self.store.transaction() as db:
                    status = inbox.mark_retry(db, item, self.clock(), f"{e.__class__.__name__}: {e}", transient)
                if status == "failed":
                    log.error("%s %s failed %d times and is set aside: %s", item.kind, item.event_key,
                              item.attempts + 1, e, exc_info=e)
                else:
                    log.warning("%s %s could not be handled yet (%s); will retry", item.kind, item.event_key, e)
                return done  # the events behind it in this lane wait for it
            with self.store.transaction() as db:
                inbox.mark_done(db, item.id, self.clock())
            done += 1
