"""Tracked threads: one customer question each, and every change to it as an audit event.

Functions take a ``sqlite_utils.Database`` that the caller holds inside a transaction
(:meth:`Store.transaction`), so a Slack event's dedupe mark, the thread change and the reply
to post commit together or not at all.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from typing import Any

import sqlite_utils

SHORT_ID = re.compile(r"^\s*([A-Za-z]+)-(\d+)\s*$")


class TrackingError(ValueError):
    """A change that cannot be made (e.g. claiming a resolved thread); the message says why."""


@dataclass
class TrackedThread:
    id: int
    channel_id: str
    thread_ts: str
    author_id: str
    opened_at: float
    status: str = "open"
    awaiting: str = "us"
    customer_team_id: str | None = None
    text: str | None = None
    assignee_id: str | None = None
    claimed_at: float | None = None
    first_response_at: float | None = None
    first_responder_id: str | None = None
    resolved_at: float | None = None
    resolved_by: str | None = None
    last_customer_at: float | None = None
    bot_reply_ts: str | None = None
    operations: list[str] = field(default_factory=list)
    findings_count: int = 0
    prefix: str = "BB"

    @property
    def short_id(self) -> str:
        return f"{self.prefix}-{self.id}"

    @classmethod
    def from_row(cls, row: dict[str, Any], prefix: str = "BB") -> "TrackedThread":
        data = dict(row)
        data["operations"] = json.loads(data.get("operations") or "[]")
        return cls(prefix=prefix, **data)


_COLUMNS = ("id, channel_id, thread_ts, author_id, opened_at, status, awaiting, customer_team_id, text, "
            "assignee_id, claimed_at, first_response_at, first_responder_id, resolved_at, resolved_by, "
            "last_customer_at, bot_reply_ts, operations, findings_count")


def _one(db: sqlite_utils.Database, where: str, params: list[Any], prefix: str) -> TrackedThread | None:
    cur = db.execute(f"SELECT {_COLUMNS} FROM threads WHERE {where}", params)
    row = cur.fetchone()
    if row is None:
        return None
    return TrackedThread.from_row(dict(zip([d[0] for d in cur.description], row)), prefix)


def get_thread(db: sqlite_utils.Database, thread_id: int, prefix: str = "BB") -> TrackedThread | None:
    return _one(db, "id = ?", [thread_id], prefix)


def thread_by_ts(db: sqlite_utils.Database, channel_id: str, thread_ts: str, prefix: str = "BB") -> TrackedThread | None:
    return _one(db, "channel_id = ? AND thread_ts = ?", [channel_id, thread_ts], prefix)


def thread_by_short_id(db: sqlite_utils.Database, short_id: str, prefix: str = "BB") -> TrackedThread | None:
    m = SHORT_ID.match(short_id)
    if not m or m.group(1).upper() != prefix.upper():
        raise TrackingError(f"`{short_id}` is not a thread id (they look like {prefix}-42)")
    return get_thread(db, int(m.group(2)), prefix)


def record_event(db: sqlite_utils.Database, thread_id: int, kind: str, at: float, actor_id: str | None,
                 from_value: Any = None, to_value: Any = None) -> None:
    db.execute(
        "INSERT INTO thread_events (thread_id, at, actor_id, kind, from_value, to_value) VALUES (?, ?, ?, ?, ?, ?)",
        [thread_id, at, actor_id, kind, None if from_value is None else str(from_value),
         None if to_value is None else str(to_value)],
    )


def events_of(db: sqlite_utils.Database, thread_id: int) -> list[dict[str, Any]]:
    cur = db.execute("SELECT at, actor_id, kind, from_value, to_value FROM thread_events WHERE thread_id = ? "
                     "ORDER BY id", [thread_id])
    cols = [d[0] for d in cur.description]
    return [dict(zip(cols, r)) for r in cur.fetchall()]


def open_thread(db: sqlite_utils.Database, *, channel_id: str, thread_ts: str, author_id: str,
                opened_at: float, customer_team_id: str | None, text: str | None,
                operations: list[str] | None = None, findings_count: int = 0,
                prefix: str = "BB") -> TrackedThread | None:
    """Open a tracked thread; None if this message already has one (a redelivered event)."""
    cur = db.execute(
        "INSERT OR IGNORE INTO threads (channel_id, thread_ts, author_id, opened_at, customer_team_id, text, "
        "last_customer_at, operations, findings_count) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [channel_id, thread_ts, author_id, opened_at, customer_team_id, text, opened_at,
         json.dumps(operations or []), findings_count],
    )
    if cur.rowcount == 0:
        return None
    thread_id = int(cur.lastrowid or 0)
    record_event(db, thread_id, "opened", opened_at, author_id, None, "open")
    return get_thread(db, thread_id, prefix)


def record_reply(db: sqlite_utils.Database, thread: TrackedThread, *, user_id: str, internal: bool,
                 at: float) -> list[str]:
    """A human replied in the thread. Returns the kinds of events this caused."""
    caused: list[str] = []
    if internal:
        if thread.first_response_at is None:
            db.execute("UPDATE threads SET first_response_at = ?, first_responder_id = ? WHERE id = ?",
                       [at, user_id, thread.id])
            thread.first_response_at, thread.first_responder_id = at, user_id
            record_event(db, thread.id, "first_response", at, user_id)
            caused.append("first_response")
        if _set_awaiting(db, thread, "customer", user_id, at):
            caused.append("awaiting_customer")
    else:
        db.execute("UPDATE threads SET last_customer_at = ? WHERE id = ?", [at, thread.id])
        thread.last_customer_at = at
        if thread.status == "resolved":
            _set_status(db, thread, "open", user_id, at, kind="reopened")
            caused.append("reopened")
        if _set_awaiting(db, thread, "us", user_id, at):
            caused.append("awaiting_us")
    return caused


def _set_awaiting(db: sqlite_utils.Database, thread: TrackedThread, awaiting: str, by: str, at: float) -> bool:
    if thread.awaiting == awaiting:
        return False
    db.execute("UPDATE threads SET awaiting = ? WHERE id = ?", [awaiting, thread.id])
    record_event(db, thread.id, "awaiting", at, by, thread.awaiting, awaiting)
    thread.awaiting = awaiting
    return True


def claim(db: sqlite_utils.Database, thread: TrackedThread, *, user_id: str, at: float) -> bool:
    """``user_id`` takes the thread. False if they already had it."""
    if thread.status == "resolved":
        raise TrackingError(f"{thread.short_id} is resolved; a new customer message reopens it.")
    if thread.assignee_id == user_id:
        return False
    if thread.assignee_id is not None:
        raise TrackingError(f"{thread.short_id} is already claimed by <@{thread.assignee_id}>.")
    return assign(db, thread, assignee_id=user_id, by=user_id, at=at, kind="claimed")


def assign(db: sqlite_utils.Database, thread: TrackedThread, *, assignee_id: str, by: str, at: float,
           kind: str = "assigned") -> bool:
    if thread.assignee_id == assignee_id:
        return False
    db.execute("UPDATE threads SET assignee_id = ?, claimed_at = ? WHERE id = ?", [assignee_id, at, thread.id])
    record_event(db, thread.id, kind, at, by, thread.assignee_id, assignee_id)
    thread.assignee_id, thread.claimed_at = assignee_id, at
    return True


def release(db: sqlite_utils.Database, thread: TrackedThread, *, by: str, at: float) -> bool:
    if thread.assignee_id is None:
        return False
    db.execute("UPDATE threads SET assignee_id = NULL, claimed_at = NULL WHERE id = ?", [thread.id])
    record_event(db, thread.id, "released", at, by, thread.assignee_id, None)
    thread.assignee_id = thread.claimed_at = None
    return True


def resolve(db: sqlite_utils.Database, thread: TrackedThread, *, by: str, at: float) -> bool:
    if thread.status == "resolved":
        return False
    _set_status(db, thread, "resolved", by, at, kind="resolved")
    return True


def _set_status(db: sqlite_utils.Database, thread: TrackedThread, status: str, by: str, at: float, kind: str) -> None:
    if status == "resolved":
        db.execute("UPDATE threads SET status = 'resolved', resolved_at = ?, resolved_by = ? WHERE id = ?",
                   [at, by, thread.id])
        thread.resolved_at, thread.resolved_by = at, by
    else:
        db.execute("UPDATE threads SET status = ?, resolved_at = NULL, resolved_by = NULL WHERE id = ?",
                   [status, thread.id])
        thread.resolved_at = thread.resolved_by = None
    record_event(db, thread.id, kind, at, by, thread.status, status)
    thread.status = status


def update_check(db: sqlite_utils.Database, thread: TrackedThread, *, text: str | None, operations: list[str],
                 findings_count: int, by: str, at: float) -> None:
    """The question was edited and checked again."""
    db.execute("UPDATE threads SET text = ?, operations = ?, findings_count = ? WHERE id = ?",
               [text, json.dumps(operations), findings_count, thread.id])
    record_event(db, thread.id, "edited", at, by, thread.findings_count, findings_count)
    thread.text, thread.operations, thread.findings_count = text, operations, findings_count


def save_check_result(db: sqlite_utils.Database, thread_id: int, result_json: str, at: float) -> None:
    """Keep the check's result (JSON, secrets redacted) with the thread; an edit replaces it."""
    db.execute("INSERT INTO check_results (thread_id, result, checked_at) VALUES (?, ?, ?) "
               "ON CONFLICT(thread_id) DO UPDATE SET result = excluded.result, checked_at = excluded.checked_at",
               [thread_id, result_json, at])


def check_result_of(db: sqlite_utils.Database, thread_id: int) -> str | None:
    row = db.execute("SELECT result FROM check_results WHERE thread_id = ?", [thread_id]).fetchone()
    return row[0] if row else None


def set_bot_reply(db: sqlite_utils.Database, thread_id: int, ts: str) -> None:
    db.execute("UPDATE threads SET bot_reply_ts = ? WHERE id = ?", [ts, thread_id])


def rename_channel(db: sqlite_utils.Database, old_id: str, new_id: str) -> int:
    """Slack changed a channel's id (channel_id_changed): keep its threads attached."""
    db.execute("UPDATE threads SET channel_id = ? WHERE channel_id = ?", [new_id, old_id])
    changed = db.execute("SELECT changes()").fetchone()[0]
    exists = db.execute("SELECT 1 FROM channels WHERE id = ?", [new_id]).fetchone()
    if exists:
        db.execute("DELETE FROM channels WHERE id = ?", [old_id])
    else:
        db.execute("UPDATE channels SET id = ? WHERE id = ?", [new_id, old_id])
    return changed


def mark_event_seen(db: sqlite_utils.Database, event_id: str, type: str, at: float) -> bool:
    """Record a Slack delivery; False if it was seen before (a retry)."""
    cur = db.execute("INSERT OR IGNORE INTO slack_events (event_id, type, received_at) VALUES (?, ?, ?)",
                     [event_id, type, at])
    return cur.rowcount == 1


def forget_events_before(db: sqlite_utils.Database, before: float) -> int:
    cur = db.execute("DELETE FROM slack_events WHERE received_at < ?", [before])
    return cur.rowcount


def queue(db: sqlite_utils.Database, assignee_id: str | None = None, prefix: str = "BB") -> list[TrackedThread]:
    """Open threads, oldest first (a specialist's own when ``assignee_id`` is given)."""
    where, params = "status = 'open'", []
    if assignee_id is not None:
        where += " AND assignee_id = ?"
        params.append(assignee_id)
    cur = db.execute(f"SELECT {_COLUMNS} FROM threads WHERE {where} ORDER BY opened_at", params)
    cols = [d[0] for d in cur.description]
    return [TrackedThread.from_row(dict(zip(cols, r)), prefix) for r in cur.fetchall()]
