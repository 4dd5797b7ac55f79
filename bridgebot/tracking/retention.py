"""Retention: purge what customers wrote after N days, keep the metrics.

``[retention] message_text_days = 90`` purges, for threads opened before the cutoff, the stored
question text and the bodies of replies already posted (they quote the paste), while every time,
status, operation and count that the reports use stays.
"""

from __future__ import annotations

import sqlite_utils


def purge_message_text(db: sqlite_utils.Database, before: float) -> dict[str, int]:
    """Purge message text stored before ``before`` (epoch seconds). Returns what was purged."""
    threads = db.execute("UPDATE threads SET text = NULL WHERE opened_at < ? AND text IS NOT NULL", [before]).rowcount
    replies = db.execute("UPDATE outbox SET payload = '{}' WHERE status != 'pending' AND created_at < ? "
                         "AND payload != '{}'", [before]).rowcount
    events = db.execute("UPDATE inbox SET body = '{}' WHERE status != 'pending' AND received_at < ? "
                        "AND body != '{}'", [before]).rowcount
    return {"threads": threads, "replies": replies, "events": events}
