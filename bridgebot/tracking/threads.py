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
            transition(db, thread, "reopen", by=user_id, at=at)
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


# --- the thread's life: one state machine -------------------------------------------------
#
#   open ──claim/assign──> claimed ──release──> open
#     │                      │  └──assign (to someone else)──> claimed
#     └──resolve──> resolved <┘resolve
#   resolved ──reopen (or a customer message)──> open, or claimed if it still has an assignee
#
# The database keeps ``status`` (open | resolved) and ``assignee_id``; "claimed" is an open
# thread with an assignee. Every change records an audit event (who, when, from, to); every
# impossible change raises :class:`Refusal`, whose reason names who holds the thread.

#: (state, action) → state after. Anything not listed is refused (see :func:`_refusal`).
TRANSITIONS: dict[tuple[str, str], str] = {
    ("open", "claim"): "claimed",
    ("open", "assign"): "claimed",
    ("open", "resolve"): "resolved",
    ("claimed", "assign"): "claimed",
    ("claimed", "release"): "open",
    ("claimed", "resolve"): "resolved",
    ("resolved", "reopen"): "open",
}
ACTIONS = ("claim", "assign", "release", "resolve", "reopen")


class Refusal(TrackingError):
    """A change the state machine does not allow. ``reason`` is one of: held_by, already_yours,
    already_assignee, not_claimed, resolved, already_resolved, not_resolved. The words are in
    ``replies/refusal.txt.j2``."""

    def __init__(self, reason: str, thread: "TrackedThread", action: str, actor_id: str | None = None,
                 assignee_id: str | None = None) -> None:
        self.reason, self.thread, self.action = reason, thread, action
        self.actor_id, self.assignee_id = actor_id, assignee_id
        super().__init__(self.message)

    @property
    def message(self) -> str:
        from ..render import render_text  # templates only; no Slack

        return render_text("refusal", reason=self.reason, thread=self.thread, action=self.action,
                           actor_id=self.actor_id, assignee_id=self.assignee_id).strip()


def state_of(thread: "TrackedThread") -> str:
    """open, claimed or resolved."""
    if thread.status == "resolved":
        return "resolved"
    return "claimed" if thread.assignee_id else "open"


def _refusal(thread: "TrackedThread", action: str, actor_id: str, assignee_id: str | None) -> Refusal:
    state = state_of(thread)
    if state == "resolved":
        reason = {"resolve": "already_resolved"}.get(action, "resolved")
    elif action == "claim":
        reason = "already_yours" if thread.assignee_id == actor_id else "held_by"
    elif action == "assign":
        reason = "already_assignee"
    elif action == "release":
        reason = "not_claimed"
    elif action == "reopen":
        reason = "not_resolved"
    else:
        raise TrackingError(f"unknown action {action!r} (known: {', '.join(ACTIONS)})")
    return Refusal(reason, thread, action, actor_id, assignee_id)


def transition(db: sqlite_utils.Database, thread: "TrackedThread", action: str, *, by: str, at: float,
               assignee_id: str | None = None, kind: str | None = None) -> str:
    """Apply ``action`` (claim, assign, release, resolve, reopen) by ``by``; returns the new state.

    The thread is read again inside the caller's transaction (``BEGIN IMMEDIATE`` serialises
    writers), and every UPDATE is guarded by the state it was decided on, so of two specialists
    claiming at the same moment exactly one wins and the other gets ``Refusal("held_by")``.
    ``thread`` is brought up to date either way. Raises :class:`Refusal` for what the machine
    does not allow.
    """
    if action not in ACTIONS:
        raise TrackingError(f"unknown action {action!r} (known: {', '.join(ACTIONS)})")
    fresh = get_thread(db, thread.id, thread.prefix)
    if fresh is None:
        raise TrackingError(f"{thread.short_id} does not exist")
    _copy_state(fresh, thread)
    if action == "assign" and not assignee_id:
        raise TrackingError("assign needs the person to assign the thread to")
    before = state_of(thread)
    after = TRANSITIONS.get((before, action))
    if after is None or (action == "assign" and thread.assignee_id == assignee_id):
        raise _refusal(thread, action, by, assignee_id)
    guard = ("id = ? AND status = ? AND assignee_id IS ?", [thread.id, thread.status, thread.assignee_id])
    if action in ("claim", "assign"):
        new_assignee = by if action == "claim" else assignee_id
        changed = _guarded(db, "assignee_id = ?, claimed_at = ?", [new_assignee, at], guard)
        event = (kind or ("claimed" if action == "claim" else "assigned"), thread.assignee_id, new_assignee)
        thread.assignee_id, thread.claimed_at = new_assignee, at
    elif action == "release":
        changed = _guarded(db, "assignee_id = NULL, claimed_at = NULL", [], guard)
        event = (kind or "released", thread.assignee_id, None)
        thread.assignee_id = thread.claimed_at = None
    elif action == "resolve":
        changed = _guarded(db, "status = 'resolved', resolved_at = ?, resolved_by = ?", [at, by], guard)
        event = (kind or "resolved", thread.status, "resolved")
        thread.status, thread.resolved_at, thread.resolved_by = "resolved", at, by
    else:  # reopen
        changed = _guarded(db, "status = 'open', resolved_at = NULL, resolved_by = NULL", [], guard)
        event = (kind or "reopened", thread.status, "open")
        thread.status, thread.resolved_at, thread.resolved_by = "open", None, None
    if not changed:  # cannot happen inside BEGIN IMMEDIATE; kept so a misuse fails loudly, not silently
        raise TrackingError(f"{thread.short_id} changed under us; try again")
    record_event(db, thread.id, event[0], at, by, event[1], event[2])
    return state_of(thread)


def _guarded(db: sqlite_utils.Database, sets: str, params: list[Any], guard: tuple[str, list[Any]]) -> bool:
    cur = db.execute(f"UPDATE threads SET {sets} WHERE {guard[0]}", params + guard[1])
    return cur.rowcount == 1


def _copy_state(src: "TrackedThread", dst: "TrackedThread") -> None:
    for name in ("status", "assignee_id", "claimed_at", "resolved_at", "resolved_by", "first_response_at",
                 "first_responder_id", "awaiting", "bot_reply_ts", "last_customer_at"):
        setattr(dst, name, getattr(src, name))


def claim(db: sqlite_utils.Database, thread: TrackedThread, *, user_id: str, at: float) -> bool:
    """``user_id`` takes the thread (Refusal if someone holds it, it is theirs already, or resolved)."""
    transition(db, thread, "claim", by=user_id, at=at)
    return True


def assign(db: sqlite_utils.Database, thread: TrackedThread, *, assignee_id: str, by: str, at: float,
           kind: str = "assigned") -> bool:
    transition(db, thread, "assign", by=by, at=at, assignee_id=assignee_id, kind=kind)
    return True


def release(db: sqlite_utils.Database, thread: TrackedThread, *, by: str, at: float) -> bool:
    transition(db, thread, "release", by=by, at=at)
    return True


def resolve(db: sqlite_utils.Database, thread: TrackedThread, *, by: str, at: float) -> bool:
    transition(db, thread, "resolve", by=by, at=at)
    return True


def reopen(db: sqlite_utils.Database, thread: TrackedThread, *, by: str, at: float) -> bool:
    transition(db, thread, "reopen", by=by, at=at)
    return True


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


def event_seen(db: sqlite_utils.Database, event_id: str) -> bool:
    """Whether a Slack delivery was already handled (without marking it)."""
    return db.execute("SELECT 1 FROM slack_events WHERE event_id = ?", [event_id]).fetchone() is not None


def forget_events_before(db: sqlite_utils.Database, before: float) -> int:
    cur = db.execute("DELETE FROM slack_events WHERE received_at < ?", [before])
    return cur.rowcount


def _many(db: sqlite_utils.Database, where: str, params: list[Any], prefix: str,
          order: str = "opened_at, id") -> list[TrackedThread]:
    cur = db.execute(f"SELECT {_COLUMNS} FROM threads WHERE {where} ORDER BY {order}", params)
    cols = [d[0] for d in cur.description]
    return [TrackedThread.from_row(dict(zip(cols, r)), prefix) for r in cur.fetchall()]


#: ``state`` (open | claimed | resolved) → SQL condition on the stored columns.
STATE_SQL = {
    "open": "status = 'open' AND assignee_id IS NULL",
    "claimed": "status = 'open' AND assignee_id IS NOT NULL",
    "resolved": "status = 'resolved'",
}


def queue(db: sqlite_utils.Database, assignee_id: str | None = None, prefix: str = "BB") -> list[TrackedThread]:
    """The team's queue, oldest first: unclaimed open threads, or ``assignee_id``'s claimed ones."""
    if assignee_id is None:
        return _many(db, STATE_SQL["open"], [], prefix)
    return _many(db, STATE_SQL["claimed"] + " AND assignee_id = ?", [assignee_id], prefix)


def list_threads(db: sqlite_utils.Database, state: str | None = None, prefix: str = "BB") -> list[TrackedThread]:
    """Every thread (or those in ``state``), oldest first."""
    if state is not None and state not in STATE_SQL:
        raise TrackingError(f"unknown status {state!r} (known: {', '.join(STATE_SQL)})")
    return _many(db, STATE_SQL[state] if state else "1", [], prefix)


def counts_since(db: sqlite_utils.Database, since: float, user_id: str | None = None) -> dict[str, int]:
    """What happened since ``since`` (e.g. today's start): opened, first responses, resolved, and
    the threads ``user_id`` resolved."""
    one = lambda sql, params: int(db.execute(sql, params).fetchone()[0])  # noqa: E731
    out = {
        "opened": one("SELECT COUNT(*) FROM threads WHERE opened_at >= ?", [since]),
        "first_responses": one("SELECT COUNT(*) FROM threads WHERE first_response_at >= ?", [since]),
        "resolved": one("SELECT COUNT(*) FROM threads WHERE status = 'resolved' AND resolved_at >= ?", [since]),
        "waiting": one(f"SELECT COUNT(*) FROM threads WHERE {STATE_SQL['open']}", []),
    }
    if user_id is not None:
        out["mine_resolved"] = one("SELECT COUNT(*) FROM threads WHERE status = 'resolved' AND resolved_at >= ? "
                                   "AND resolved_by = ?", [since, user_id])
    return out


def thread_by_message(db: sqlite_utils.Database, channel_id: str, ts: str, prefix: str = "BB") -> TrackedThread | None:
    """The thread whose question (root) or whose bot reply is the message ``ts``."""
    return _one(db, "channel_id = ? AND (thread_ts = ? OR bot_reply_ts = ?)", [channel_id, ts, ts], prefix)


# --- internal notes and reminders (m004_desk) ----------------------------------------------

def add_note(db: sqlite_utils.Database, thread: TrackedThread, *, author_id: str, text: str, at: float) -> int:
    """An internal note: stored with the thread, never posted to the shared channel."""
    cur = db.execute("INSERT INTO thread_notes (thread_id, at, author_id, text) VALUES (?, ?, ?, ?)",
                     [thread.id, at, author_id, text])
    record_event(db, thread.id, "note", at, author_id, None, None)
    return int(cur.lastrowid or 0)


def notes_of(db: sqlite_utils.Database, thread_id: int) -> list[dict[str, Any]]:
    cur = db.execute("SELECT at, author_id, text FROM thread_notes WHERE thread_id = ? ORDER BY id", [thread_id])
    return [dict(zip(("at", "author_id", "text"), r)) for r in cur.fetchall()]


def nearing_first_response(db: sqlite_utils.Database, *, opened_before: float, kind: str,
                           prefix: str = "BB") -> list[TrackedThread]:
    """Unclaimed open threads with no first response, opened before ``opened_before``, that have
    not had a ``kind`` reminder yet."""
    return _many(db, f"{STATE_SQL['open']} AND first_response_at IS NULL AND opened_at <= ? AND id NOT IN "
                     "(SELECT thread_id FROM reminders_sent WHERE kind = ?)", [opened_before, kind], prefix)


def mark_reminded(db: sqlite_utils.Database, thread_id: int, kind: str, at: float) -> bool:
    """Record that a reminder went out; False if it already had (so it is posted once)."""
    cur = db.execute("INSERT OR IGNORE INTO reminders_sent (thread_id, kind, sent_at) VALUES (?, ?, ?)",
                     [thread_id, kind, at])
    return cur.rowcount == 1


def _iso(at: float | None) -> str | None:
    if at is None:
        return None
    from datetime import datetime, timezone

    return datetime.fromtimestamp(at, timezone.utc).isoformat(timespec="seconds").replace("+00:00", "Z")


def threads_for_export(db: sqlite_utils.Database, state: str | None = None, prefix: str = "BB") -> list[dict[str, Any]]:
    """``bridgebot threads``: one dict per thread (DESIGN.md's shape), times ISO 8601 UTC, oldest first;
    ``reply_errors`` adds what Slack refused for good when posting to the thread (issue 6), else []."""
    from .outbox import reply_failures

    names = dict(db.execute("SELECT team_id, name FROM customer_orgs").fetchall())
    refused: dict[int, list[str]] = {}
    for f in reply_failures(db, prefix=prefix):
        if f["thread_id"] is not None:
            refused.setdefault(f["thread_id"], []).append(f"{f['method']}: {f['error']}")
    return [{
        "id": t.short_id, "status": state_of(t), "channel": t.channel_id,
        "customer": names.get(t.customer_team_id) or t.customer_team_id, "author": t.author_id,
        "claimed_by": t.assignee_id, "opened_at": _iso(t.opened_at), "first_response_at": _iso(t.first_response_at),
        "resolved_at": _iso(t.resolved_at), "operations": t.operations, "reply_errors": refused.get(t.id, []),
    } for t in list_threads(db, state, prefix)]
