"""Posts queued replies (the outbox) to Slack, and retries the ones Slack did not take.

The WebClient itself retries a 429 after ``Retry-After`` and connection errors a few times
(slack-sdk's retry handlers); what still fails stays in the outbox with backoff, so a reply is
never lost to an outage, and is logged. Errors that no retry can fix (the channel is gone, the
bot was removed) are marked failed and logged as errors.
"""

from __future__ import annotations

import logging
import threading
import time
from typing import Callable

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError, SlackClientError

from .tracking import Store, outbox
from .tracking.threads import forget_events_before, set_bot_reply

log = logging.getLogger(__name__)

#: How long a Slack event id is remembered. Slack retries for about five minutes; a day is ample.
EVENT_MEMORY = 24 * 3600.0
HOUSEKEEPING_EVERY = 3600.0

#: Slack errors that retrying cannot fix.
PERMANENT = {
    "channel_not_found", "not_in_channel", "is_archived", "invalid_blocks", "invalid_blocks_format",
    "msg_too_long", "no_text", "cant_update_message", "message_not_found", "edit_window_closed",
    "user_not_in_channel", "invalid_auth", "account_inactive", "token_revoked", "not_authed",
    "missing_scope", "restricted_action", "invalid_arguments",
}


class Deliverer:
    def __init__(self, store: Store, client: WebClient, clock: Callable[[], float] = time.time) -> None:
        self.store = store
        self.client = client
        self.clock = clock
        self._wake = threading.Event()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._lock = threading.Lock()

    def wake(self) -> None:
        self._wake.set()

    def start(self) -> None:
        if self._thread is None:
            self._thread = threading.Thread(target=self._run, name="bridgebot-delivery", daemon=True)
            self._thread.start()

    def stop(self, timeout: float = 10.0) -> None:
        self._stop.set()
        self._wake.set()
        if self._thread is not None:
            self._thread.join(timeout)
            self._thread = None

    def housekeeping(self) -> int:
        """Forget Slack event ids older than EVENT_MEMORY (the dedupe table would grow forever)."""
        with self.store.transaction() as db:
            return forget_events_before(db, self.clock() - EVENT_MEMORY)

    def _run(self) -> None:
        last_housekeeping = 0.0
        while not self._stop.is_set():
            try:
                if self.clock() - last_housekeeping > HOUSEKEEPING_EVERY:
                    self.housekeeping()
                    last_housekeeping = self.clock()
                self.deliver_due()
                nxt = outbox.next_due_at(self.store.db)
            except Exception:  # never let the delivery thread die: log and keep going
                log.exception("delivery loop failed; retrying in 5 s")
                nxt = self.clock() + 5
            wait = 30.0 if nxt is None else max(0.0, min(30.0, nxt - self.clock()))
            self._wake.wait(wait)
            self._wake.clear()

    def deliver_due(self) -> int:
        """Post everything due now. Returns how many were sent."""
        sent = 0
        with self._lock:  # one deliverer at a time keeps a thread's post before its updates
            while True:
                items = outbox.due(self.store.db, self.clock())
                if not items:
                    return sent
                for item in items:
                    sent += self._deliver(item)

    def _deliver(self, item: outbox.OutboxItem) -> int:
        payload = dict(item.payload)
        if item.method == "chat.update" and not payload.get("ts"):
            payload["ts"] = self._reply_ts(item.thread_id)
        try:
            response = self.client.api_call(item.method, json=payload)
        except SlackApiError as e:
            error = str(e.response.get("error") or e.response.status_code)
            status = self._retry(item, error, permanent=error in PERMANENT)
            (log.error if status == "failed" else log.warning)(
                "%s for thread %s failed (%s), attempt %d: %s", item.method, item.thread_id, error,
                item.attempts + 1, "giving up" if status == "failed" else "will retry")
            return 0
        except (SlackClientError, OSError) as e:
            self._retry(item, f"{e.__class__.__name__}: {e}")
            log.warning("%s for thread %s could not reach Slack (%s); will retry", item.method, item.thread_id, e)
            return 0
        ts = response.get("ts") or response.get("message_ts")
        with self.store.transaction() as db:
            outbox.mark_sent(db, item.id, self.clock(), ts)
            if item.method == "chat.postMessage" and item.thread_id is not None and ts:
                set_bot_reply(db, item.thread_id, ts)
        return 1

    def _retry(self, item: outbox.OutboxItem, error: str, permanent: bool = False) -> str:
        with self.store.transaction() as db:
            return outbox.mark_retry(db, item, self.clock(), error, permanent)

    def _reply_ts(self, thread_id: int | None) -> str | None:
        if thread_id is None:
            return None
        row = self.store.db.execute("SELECT bot_reply_ts FROM threads WHERE id = ?", [thread_id]).fetchone()
        return row[0] if row else None
