"""Replies waiting to be posted to Slack.

A reply is written here in the same transaction as the thread change it belongs to, then
delivered; a reply Slack did not take (rate limit, outage, network) stays here and is retried
with backoff (capped at three minutes) until Slack takes it, never given up. Only an error no
retry can fix (the channel is gone, the bot was removed) fails it: :func:`reply_failures` lists
those for `bridgebot threads` and /healthz. Payloads hold redacted text only.

``started`` counts attempts begun (committed before the call to Slack), so after a crash a post
whose outcome is unknown is looked up in Slack before it is tried again (see delivery.py).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

import sqlite_utils

#: Seconds to wait before attempt n+1; the last value repeats for as long as it takes.
#: (A flaky API fails many calls in a row now and then: the steps stay short until the cap.)
BACKOFF = (1, 2, 4, 8, 15, 30, 60, 120, 180)


@dataclass
class OutboxItem:
    id: int
    thread_id: int | None
    method: str
    payload: dict[str, Any]
    attempts: int
    started: int = 0
    next_attempt_at: float = 0.0

    @property
    def channel(self) -> str:
        return str(self.payload.get("channel") or "")


def enqueue(db: sqlite_utils.Database, *, method: str, payload: dict[str, Any], at: float,
            thread_id: int | None = None) -> int:
    cur = db.execute(
        "INSERT INTO outbox (thread_id, method, payload, next_attempt_at, created_at) VALUES (?, ?, ?, ?, ?)",
        [thread_id, method, json.dumps(payload, ensure_ascii=False), at, at],
    )
    return int(cur.lastrowid or 0)


def pending_post(db: sqlite_utils.Database, thread_id: int) -> int | None:
    """The thread's first reply, if it is still waiting and no attempt to post it has begun (its
    payload can still be rewritten)."""
    row = db.execute("SELECT id FROM outbox WHERE thread_id = ? AND method = 'chat.postMessage' AND status = 'pending' "
                     "AND started = 0 ORDER BY id LIMIT 1", [thread_id]).fetchone()
    return row[0] if row else None


def post_in_flight(db: sqlite_utils.Database, thread_id: int) -> bool:
    """The thread's reply may be in Slack already (an attempt began, not yet confirmed): a change
    to it must be an update sent after it, never a rewrite of what may already have been posted."""
    row = db.execute("SELECT 1 FROM outbox WHERE thread_id = ? AND method = 'chat.postMessage' AND status = 'pending' "
                     "AND started > 0", [thread_id]).fetchone()
    return row is not None


def replace_payload(db: sqlite_utils.Database, item_id: int, payload: dict[str, Any]) -> None:
    db.execute("UPDATE outbox SET payload = ? WHERE id = ?", [json.dumps(payload, ensure_ascii=False), item_id])


_ITEM = "SELECT id, thread_id, method, payload, attempts, started, next_attempt_at FROM outbox "


def _item(r: Any) -> OutboxItem:
    return OutboxItem(id=r[0], thread_id=r[1], method=r[2], payload=json.loads(r[3]), attempts=r[4], started=r[5],
                      next_attempt_at=r[6])


def due(db: sqlite_utils.Database, now: float, limit: int = 50) -> list[OutboxItem]:
    cur = db.execute(_ITEM + "WHERE status = 'pending' AND next_attempt_at <= ? ORDER BY id LIMIT ?", [now, limit])
    return [_item(r) for r in cur.fetchall()]


def due_channels(db: sqlite_utils.Database, now: float) -> list[str]:
    """Channels with a reply due now, the longest waiting first."""
    cur = db.execute("SELECT json_extract(payload, '$.channel') AS ch, MIN(id) FROM outbox "
                     "WHERE status = 'pending' AND next_attempt_at <= ? GROUP BY ch ORDER BY MIN(id)", [now])
    return [r[0] or "" for r in cur.fetchall()]


def pending_in_channel(db: sqlite_utils.Database, channel: str, limit: int = 200) -> list[OutboxItem]:
    """Every pending item of one channel in the order they were queued (due or not)."""
    cur = db.execute(_ITEM + "WHERE status = 'pending' AND COALESCE(json_extract(payload, '$.channel'), '') = ? "
                     "ORDER BY id LIMIT ?", [channel, limit])
    return [_item(r) for r in cur.fetchall()]


def start(db: sqlite_utils.Database, item_id: int) -> dict[str, Any] | None:
    """Record that an attempt begins (committed before the call: a crash during it leaves a trace
    that the post may have reached Slack) and return the payload to send, or None if the item is
    no longer pending."""
    row = db.execute("SELECT payload FROM outbox WHERE id = ? AND status = 'pending'", [item_id]).fetchone()
    if row is None:
        return None
    db.execute("UPDATE outbox SET started = started + 1 WHERE id = ?", [item_id])
    return dict(json.loads(row[0]))


def next_due_at(db: sqlite_utils.Database) -> float | None:
    row = db.execute("SELECT MIN(next_attempt_at) FROM outbox WHERE status = 'pending'").fetchone()
    return row[0] if row else None


def mark_sent(db: sqlite_utils.Database, item_id: int, at: float, ts: str | None) -> None:
    db.execute("UPDATE outbox SET status = 'sent', sent_at = ?, result_ts = ?, attempts = attempts + 1, "
               "last_error = NULL WHERE id = ?", [at, ts, item_id])


def mark_retry(db: sqlite_utils.Database, item: OutboxItem, at: float, error: str, permanent: bool = False,
               retry_after: float | None = None, settle: float | None = None) -> str:
    """Schedule another attempt (never giving up on a passing error), or record a permanent error.
    ``retry_after`` (Slack's Retry-After on a 429) is honoured when it is longer than the backoff
    (up to the cap); ``settle`` is a minimum wait (an unanswered post Slack may still carry out).
    Returns the new status."""
    attempts = item.attempts + 1
    status = "failed" if permanent else "pending"
    delay = max(BACKOFF[min(attempts - 1, len(BACKOFF) - 1)], min(retry_after or 0.0, BACKOFF[-1]), settle or 0.0)
    db.execute("UPDATE outbox SET attempts = ?, last_error = ?, next_attempt_at = ?, status = ?, "
               "failed_at = ? WHERE id = ?",
               [attempts, error[:500], at + delay, status, at if permanent else None, item.id])
    return status


def reply_failures(db: sqlite_utils.Database, thread_id: int | None = None, prefix: str = "BB") -> list[dict[str, Any]]:
    """Replies Slack refused for good (channel_not_found, not_in_channel, is_archived, ...), oldest
    first: ``[{"outbox_id", "thread", "thread_id", "channel", "method", "error", "attempts", "failed_at"}]``
    (``thread`` is the short id, e.g. BB-42, or None for a message that belongs to no thread)."""
    where, params = ("AND thread_id = ?", [thread_id]) if thread_id is not None else ("", [])
    cur = db.execute("SELECT id, thread_id, json_extract(payload, '$.channel'), method, last_error, attempts, "
                     f"failed_at FROM outbox WHERE status = 'failed' {where} ORDER BY id", params)
    return [{"outbox_id": r[0], "thread": f"{prefix}-{r[1]}" if r[1] is not None else None, "thread_id": r[1],
             "channel": r[2], "method": r[3], "error": r[4], "attempts": r[5], "failed_at": r[6]}
            for r in cur.fetchall()]


def counts(db: sqlite_utils.Database) -> dict[str, int]:
    return {r[0]: r[1] for r in db.execute("SELECT status, COUNT(*) FROM outbox GROUP BY status").fetchall()}
