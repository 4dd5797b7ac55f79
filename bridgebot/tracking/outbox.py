"""Replies waiting to be posted to Slack.

A reply is written here in the same transaction as the thread change it belongs to, then
delivered; a reply Slack did not take (rate limit, outage, network) stays here and is retried
with backoff, never lost. Payloads hold redacted text only.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

import sqlite_utils

#: Seconds to wait before attempt n+1 (then the last value, until MAX_ATTEMPTS).
BACKOFF = (1, 5, 15, 60, 300)
MAX_ATTEMPTS = 20


@dataclass
class OutboxItem:
    id: int
    thread_id: int | None
    method: str
    payload: dict[str, Any]
    attempts: int


def enqueue(db: sqlite_utils.Database, *, method: str, payload: dict[str, Any], at: float,
            thread_id: int | None = None) -> int:
    cur = db.execute(
        "INSERT INTO outbox (thread_id, method, payload, next_attempt_at, created_at) VALUES (?, ?, ?, ?, ?)",
        [thread_id, method, json.dumps(payload, ensure_ascii=False), at, at],
    )
    return int(cur.lastrowid or 0)


def pending_post(db: sqlite_utils.Database, thread_id: int) -> int | None:
    """The thread's first reply, if it is still waiting to be posted."""
    row = db.execute("SELECT id FROM outbox WHERE thread_id = ? AND method = 'chat.postMessage' AND status = 'pending' "
                     "ORDER BY id LIMIT 1", [thread_id]).fetchone()
    return row[0] if row else None


def replace_payload(db: sqlite_utils.Database, item_id: int, payload: dict[str, Any]) -> None:
    db.execute("UPDATE outbox SET payload = ? WHERE id = ?", [json.dumps(payload, ensure_ascii=False), item_id])


def due(db: sqlite_utils.Database, now: float, limit: int = 50) -> list[OutboxItem]:
    cur = db.execute("SELECT id, thread_id, method, payload, attempts FROM outbox "
                     "WHERE status = 'pending' AND next_attempt_at <= ? ORDER BY id LIMIT ?", [now, limit])
    return [OutboxItem(id=r[0], thread_id=r[1], method=r[2], payload=json.loads(r[3]), attempts=r[4])
            for r in cur.fetchall()]


def next_due_at(db: sqlite_utils.Database) -> float | None:
    row = db.execute("SELECT MIN(next_attempt_at) FROM outbox WHERE status = 'pending'").fetchone()
    return row[0] if row else None


def mark_sent(db: sqlite_utils.Database, item_id: int, at: float, ts: str | None) -> None:
    db.execute("UPDATE outbox SET status = 'sent', sent_at = ?, result_ts = ?, attempts = attempts + 1, "
               "last_error = NULL WHERE id = ?", [at, ts, item_id])


def mark_retry(db: sqlite_utils.Database, item: OutboxItem, at: float, error: str, permanent: bool = False) -> str:
    """Schedule another attempt (or give up on a permanent error). Returns the new status."""
    attempts = item.attempts + 1
    status = "failed" if permanent or attempts >= MAX_ATTEMPTS else "pending"
    delay = BACKOFF[min(attempts - 1, len(BACKOFF) - 1)]
    db.execute("UPDATE outbox SET attempts = ?, last_error = ?, next_attempt_at = ?, status = ? WHERE id = ?",
               [attempts, error[:500], at + delay, status, item.id])
    return status


def counts(db: sqlite_utils.Database) -> dict[str, int]:
    return {r[0]: r[1] for r in db.execute("SELECT status, COUNT(*) FROM outbox GROUP BY status").fetchall()}
