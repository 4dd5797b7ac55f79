"""Tracked threads in SQLite: one customer question each, with an audit trail of every change."""

from .db import Store, migrations
from .threads import (
    TrackedThread,
    Refusal,
    TrackingError,
    assign,
    claim,
    events_of,
    get_thread,
    open_thread,
    queue,
    record_reply,
    release,
    reopen,
    resolve,
    thread_by_short_id,
    state_of,
    thread_by_ts,
    transition,
)

__all__ = [
    "Refusal", "Store", "TrackedThread", "TrackingError", "assign", "claim", "events_of", "get_thread", "migrations",
    "open_thread", "queue", "record_reply", "release", "reopen", "resolve", "state_of", "thread_by_short_id", "thread_by_ts", "transition",
]
