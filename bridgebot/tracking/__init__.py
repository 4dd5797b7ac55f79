"""Tracked threads in SQLite: one customer question each, with an audit trail of every change."""

from .db import Store, migrations
from .threads import (
    TrackedThread,
    TrackingError,
    assign,
    claim,
    events_of,
    get_thread,
    open_thread,
    queue,
    record_reply,
    release,
    resolve,
    thread_by_short_id,
    thread_by_ts,
)

__all__ = [
    "Store", "TrackedThread", "TrackingError", "assign", "claim", "events_of", "get_thread", "migrations",
    "open_thread", "queue", "record_reply", "release", "resolve", "thread_by_short_id", "thread_by_ts",
]
