"""The durable inbox: every Slack event is written here (secrets redacted) before Slack gets its 200.

The request only verifies the signature and inserts one row, so it answers within Slack's three
seconds whatever the Web API or the checker is doing; the process's own workers then take the
rows in order per lane (a channel) and retry a failed one with backoff, for as long as it takes.
A redelivered event (same ``event_key``) is recognised by the insert itself, before any work.
Rows that are done are kept for a day (the dedupe window) and then forgotten.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

import sqlite_utils

from ..check.secrets import find_secrets, redact

#: Seconds before attempt n+1 of an event whose processing failed for a passing reason (a Slack
#: lookup that failed or timed out); the last value repeats forever, so nothing is ever dropped.
BACKOFF = (1, 2, 5, 15, 30, 60, 120)
#: An event that fails for a reason retrying cannot fix (a bug) is tried this many times, then
#: set aside as 'failed' (logged, counted in /healthz) so the events behind it in its lane move on.
MAX_BUG_ATTEMPTS = 5


@dataclass
class InboxItem:
    id: int
    event_key: str
    kind: str
    lane: str
    body: dict[str, Any]
    attempts: int
    next_attempt_at: float = 0.0


def redact_body(body: dict[str, Any]) -> tuple[dict[str, Any], list[dict[str, str]]]:
    """Every string of ``body`` with every credential found anywhere in it redacted, and the
    credentials found (kind, location, redacted form: never the value)."""
    strings: list[str] = []

    def collect(v: Any) -> None:
        if isinstance(v, str):
            strings.append(v)
        elif isinstance(v, dict):
            for x in v.values():
                collect(x)
        elif isinstance(v, list):
            for x in v:
                collect(x)

    collect(body)
    secrets = find_secrets("\n".join(s for s in strings if len(s) >= 8))
    if not secrets:
        return body, []

    def clean(v: Any) -> Any:
        if isinstance(v, str):
            return redact(v, secrets)
        if isinstance(v, dict):
            return {k: clean(x) for k, x in v.items()}
        if isinstance(v, list):
            return [clean(x) for x in v]
        return v

    return clean(body), [s.to_dict() for s in secrets]


def add(db: sqlite_utils.Database, *, event_key: str, kind: str, lane: str, body: dict[str, Any],
        at: float) -> int | None:
    """Store one event; None when it is already here (a redelivery)."""
    cur = db.execute(
        "INSERT INTO inbox (event_key, kind, lane, body, next_attempt_at, received_at) VALUES (?, ?, ?, ?, ?, ?) "
        "ON CONFLICT(event_key) DO NOTHING",
        [event_key, kind, lane, json.dumps(body, ensure_ascii=False), at, at])
    return int(cur.lastrowid or 0) if cur.rowcount else None


def ready_lanes(db: sqlite_utils.Database, now: float) -> list[str]:
    """Lanes whose oldest pending event is due (a later event waits behind an earlier one)."""
    cur = db.execute(
        "SELECT i.lane FROM inbox i JOIN (SELECT lane, MIN(id) AS first FROM inbox WHERE status = 'pending' "
        "GROUP BY lane) f ON i.id = f.first WHERE i.next_attempt_at <= ? ORDER BY i.id", [now])
    return [r[0] for r in cur.fetchall()]


def next_in_lane(db: sqlite_utils.Database, lane: str) -> InboxItem | None:
    row = db.execute("SELECT id, event_key, kind, lane, body, attempts, next_attempt_at FROM inbox "
                     "WHERE status = 'pending' AND lane = ? ORDER BY id LIMIT 1", [lane]).fetchone()
    if row is None:
        return None
    return InboxItem(id=row[0], event_key=row[1], kind=row[2], lane=row[3], body=json.loads(row[4]),
                     attempts=row[5], next_attempt_at=row[6])


def next_due_at(db: sqlite_utils.Database) -> float | None:
    row = db.execute("SELECT MIN(next_attempt_at) FROM inbox WHERE status = 'pending'").fetchone()
    return row[0] if row else None


def mark_done(db: sqlite_utils.Database, item_id: int, at: float) -> None:
    db.execute("UPDATE inbox SET status = 'done', done_at = ?, attempts = attempts + 1, last_error = NULL "
               "WHERE id = ?", [at, item_id])


def mark_retry(db: sqlite_utils.Database, item: InboxItem, at: float, error: str, transient: bool) -> str:
    """Schedule another attempt; a bug (not transient) is set aside after MAX_BUG_ATTEMPTS.
    Returns the new status."""
    attempts = item.attempts + 1
    status = "pending" if transient or attempts < MAX_BUG_ATTEMPTS else "failed"
    delay = BACKOFF[min(attempts - 1, len(BACKOFF) - 1)]
    db.execute("UPDATE inbox SET attempts = ?, last_error = ?, next_attempt_at = ?, status = ?, "
               "done_at = CASE WHEN ? = 'failed' THEN ? END WHERE id = ?",
               [attempts, error[:500], at + delay, status, status, at, item.id])
    return status


def forget_done_before(db: sqlite_utils.Database, before: float) -> int:
    """Drop events handled before ``before`` (after the dedupe window Slack no longer redelivers)."""
    return db.execute("DELETE FROM inbox WHERE status = 'done' AND done_at < ?", [before]).rowcount


def counts(db: sqlite_utils.Database) -> dict[str, int]:
    return {r[0]: r[1] for r in db.execute("SELECT status, COUNT(*) FROM inbox GROUP BY status").fetchall()}
