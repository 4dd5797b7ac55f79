"""Posts queued replies (the outbox) to Slack, exactly once, and retries the ones Slack did not take.

Replies post in parallel across channels and in order within one thread (:mod:`bridgebot.lanes`).
The WebClient used here has no retry handlers of its own: slack-sdk's would re-post a message after
a 500 or a timeout that Slack may already have acted on. Instead every post carries Slack message
``metadata`` naming its outbox id (event type ``bridgebot_reply``), each attempt is recorded before
it starts, and a post whose earlier attempt may have reached Slack (a crash, a timeout, a 5xx) is
first looked up with ``conversations.replies`` and adopted when found, never posted twice.

A passing failure (429, 5xx, network, timeout) is retried with backoff capped at three minutes, for
as long as it takes; a 429's Retry-After is honoured there, not by sleeping in a request. Errors no
retry can fix (the channel is gone, the bot was removed) are recorded as failed, logged as errors,
and listed by :func:`bridgebot.tracking.outbox.reply_failures` (``/healthz`` counts them).
"""

from __future__ import annotations

import logging
import time
from typing import Any, Callable

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError, SlackClientError

from .lanes import LaneRunner
from .tracking import Store, inbox, outbox
from .tracking.retention import purge_message_text
from .tracking.threads import forget_events_before, set_bot_reply

log = logging.getLogger(__name__)

#: How long a Slack event id is remembered. Slack retries for about five minutes; a day is ample.
EVENT_MEMORY = 24 * 3600.0
HOUSEKEEPING_EVERY = 3600.0
#: The metadata event type that marks a message as one of our replies (with its outbox id).
REPLY_EVENT_TYPE = "bridgebot_reply"

#: After a post got no answer at all (a timeout, a dropped connection), Slack may still be carrying
#: it out: the lookup that decides whether to post again waits this long, so it sees the message.
SETTLE_AFTER_NO_ANSWER = 60.0

#: Slack errors that retrying cannot fix.
PERMANENT = {
    "channel_not_found", "not_in_channel", "is_archived", "invalid_blocks", "invalid_blocks_format",
    "msg_too_long", "no_text", "cant_update_message", "message_not_found", "edit_window_closed",
    "user_not_in_channel", "invalid_auth", "account_inactive", "token_revoked", "not_authed",
    "missing_scope", "restricted_action", "invalid_arguments", "invalid_metadata_format",
    "invalid_metadata_schema",
}


class Deliverer(LaneRunner):
    name = "delivery"

    def __init__(self, store: Store, client: WebClient, clock: Callable[[], float] = time.time,
                 workers: int = 8, retention_days: int | None = None) -> None:
        super().__init__(workers=workers, clock=clock)
        self.store = store
        self.client = client
        self.retention_days = retention_days
        self._last_housekeeping = 0.0

    def housekeeping(self) -> int:
        """Forget Slack event ids older than EVENT_MEMORY (the dedupe tables would grow forever) and
        purge message text older than the retention setting. Returns the event ids forgotten."""
        now = self.clock()
        with self.store.transaction() as db:
            forgotten = forget_events_before(db, now - EVENT_MEMORY)
            inbox.forget_done_before(db, now - EVENT_MEMORY)
            if self.retention_days is not None:
                purge_message_text(db, now - self.retention_days * 86400.0)
        return forgotten

    def tick(self) -> None:
        if self.clock() - self._last_housekeeping > HOUSEKEEPING_EVERY:
            self.housekeeping()
            self._last_housekeeping = self.clock()

    def deliver_due(self) -> int:
        """Post everything due now, in the calling thread. Returns how many were sent."""
        return self.drain()

    def ready_lanes(self) -> list[str]:
        return outbox.due_channels(self.store.db, self.clock())

    def next_due_at(self) -> float | None:
        return outbox.next_due_at(self.store.db)

    def run_lane(self, channel: str) -> int:
        """One channel's due replies in the order they were queued; a thread whose earlier reply is
        still waiting (backoff) holds its later ones back, other threads go on."""
        sent = 0
        held: set[Any] = set()
        for item in outbox.pending_in_channel(self.store.db, channel):
            key = item.thread_id if item.thread_id is not None else ("item", item.id)
            if key in held:
                continue
            if item.next_attempt_at > self.clock():
                held.add(key)
                continue
            if self._deliver(item):
                sent += 1
            else:
                held.add(key)
        return sent

    def _deliver(self, item: outbox.OutboxItem) -> bool:
        if item.method == "chat.postMessage" and item.started > 0:
            # An earlier attempt may have reached Slack: look before posting again.
            try:
                ts = self._find_posted(item.id, item.payload)
            except (SlackApiError, SlackClientError, OSError) as e:
                self._retry(item, f"looking up an earlier attempt: {_error_of(e)}")
                log.warning("could not look up outbox item %d in Slack (%s); will retry", item.id, _error_of(e))
                return False
            if ts:
                log.info("outbox item %d was already posted (ts %s): adopted, not posted again", item.id, ts)
                self._sent(item, ts)
                return True
        with self.store.transaction() as db:
            # The payload as it is now, read in the transaction that records the start: from here on
            # the desk no longer rewrites it (it queues an update instead).
            current = outbox.start(db, item.id)
        if current is None:
            return False  # no longer pending
        payload = dict(current)
        if item.method == "chat.update" and not payload.get("ts"):
            payload["ts"] = self._reply_ts(item.thread_id)
        if item.method == "chat.postMessage":
            payload["metadata"] = {"event_type": REPLY_EVENT_TYPE, "event_payload": {"outbox_id": item.id}}
        try:
            response = self.client.api_call(item.method, json=payload)
        except SlackApiError as e:
            error = _error_of(e)
            retry_after = _retry_after(e)
            status = self._retry(item, error, permanent=error in PERMANENT, retry_after=retry_after)
            (log.error if status == "failed" else log.warning)(
                "%s for thread %s failed (%s), attempt %d: %s", item.method, item.thread_id, error,
                item.attempts + 1, "recorded as failed" if status == "failed" else "will retry")
            return False
        except (SlackClientError, OSError) as e:
            settle = SETTLE_AFTER_NO_ANSWER if item.method == "chat.postMessage" else None
            self._retry(item, f"{e.__class__.__name__}: {e}", settle=settle)
            log.warning("%s for thread %s got no answer from Slack (%s); will retry", item.method, item.thread_id, e)
            return False
        self._sent(item, response.get("ts") or response.get("message_ts"))
        return True

    def _sent(self, item: outbox.OutboxItem, ts: str | None) -> None:
        with self.store.transaction() as db:
            outbox.mark_sent(db, item.id, self.clock(), ts)
            if item.method == "chat.postMessage" and item.thread_id is not None and ts:
                set_bot_reply(db, item.thread_id, ts)

    def _find_posted(self, outbox_id: int, payload: dict[str, Any]) -> str | None:
        """The ts of our message carrying this outbox id in its metadata, if Slack has it."""
        channel, thread_ts = str(payload.get("channel") or ""), payload.get("thread_ts")
        cursor: str | None = None
        while True:
            try:
                if thread_ts:
                    response = self.client.conversations_replies(channel=channel, ts=thread_ts, cursor=cursor,
                                                                 include_all_metadata=True, limit=200)
                else:
                    response = self.client.conversations_history(channel=channel, cursor=cursor, limit=200,
                                                                 include_all_metadata=True)
            except SlackApiError as e:
                if _error_of(e) in ("thread_not_found", "message_not_found"):
                    return None
                raise
            for m in response.get("messages") or []:
                meta = m.get("metadata") or {}
                if meta.get("event_type") == REPLY_EVENT_TYPE and \
                        (meta.get("event_payload") or {}).get("outbox_id") == outbox_id:
                    return str(m.get("ts"))
            cursor = (response.get("response_metadata") or {}).get("next_cursor") or None
            if not cursor or not thread_ts:
                return None

    def _retry(self, item: outbox.OutboxItem, error: str, permanent: bool = False,
               retry_after: float | None = None, settle: float | None = None) -> str:
        with self.store.transaction() as db:
            return outbox.mark_retry(db, item, self.clock(), error, permanent, retry_after, settle)

    def _reply_ts(self, thread_id: int | None) -> str | None:
        if thread_id is None:
            return None
        row = self.store.db.execute("SELECT bot_reply_ts FROM threads WHERE id = ?", [thread_id]).fetchone()
        return row[0] if row else None


def _error_of(e: Exception) -> str:
    if isinstance(e, SlackApiError):
        return str(e.response.get("error") or e.response.status_code)
    return f"{e.__class__.__name__}: {e}"


def _retry_after(e: SlackApiError) -> float | None:
    if e.response.status_code != 429:
        return None
    value = (e.response.headers or {}).get("Retry-After") or (e.response.headers or {}).get("retry-after")
    try:
        return float(value) if value is not None else None
    except (TypeError, ValueError):
        return None
