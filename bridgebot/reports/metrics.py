"""Per-thread metrics, computed from the ``threads`` and ``thread_events`` tables.

- **first response**: the customer's question (``opened_at``) → the first internal human reply
  (the ``first_response`` event; the bot's own replies never make one);
- **next responses**: each customer message after our reply (``awaiting`` → ``us``) → our next
  reply (``awaiting`` → ``customer``);
- **resolution**: opened → the last ``resolved`` (across reopens), for threads resolved now;
  **reopens**: how many ``reopened`` events;
- each in wall-clock and business seconds, and SLA met / breached against the first-response target.

They are stored in ``thread_metrics`` (and ``next_responses``, ``thread_operations``) and kept up
to date incrementally: :func:`refresh` recomputes only the threads with events newer than the last
run, and everything when the calendar or the targets changed. Reports then read one indexed table.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any, Iterable, Iterator

import sqlite_utils

from .calendar import BusinessCalendar, SlaTargets


@dataclass
class ThreadMetrics:
    thread_id: int
    opened_at: float
    customer: str | None
    channel_id: str | None
    specialist: str | None
    hour_of_week: int
    first_response_s: float | None = None
    first_response_bs: float | None = None
    resolution_s: float | None = None
    resolution_bs: float | None = None
    reopens: int = 0
    sla_target_s: float | None = None
    sla_met: int | None = None
    #: (asked_at, seconds, business seconds) per next response
    next_responses: list[tuple[float, float, float]] = field(default_factory=list)
    operations: list[str] = field(default_factory=list)

    def row(self) -> tuple[Any, ...]:
        return (self.thread_id, self.opened_at, self.customer, self.channel_id, self.specialist, self.hour_of_week,
                self.first_response_s, self.first_response_bs, self.resolution_s, self.resolution_bs, self.reopens,
                self.sla_target_s, self.sla_met)


def compute(thread: dict[str, Any], events: Iterable[dict[str, Any]], calendar: BusinessCalendar,
            targets: SlaTargets, now: float | None = None) -> ThreadMetrics:
    """One thread's metrics from its row and its events (in the order they were recorded)."""
    opened = float(thread["opened_at"])
    fr_at = thread.get("first_response_at")
    m = ThreadMetrics(
        thread_id=thread["id"], opened_at=opened, customer=thread.get("customer_team_id"),
        channel_id=thread.get("channel_id"),
        specialist=thread.get("assignee_id") or thread.get("first_responder_id"),
        hour_of_week=calendar.hour_of_week(opened),
        operations=json.loads(thread.get("operations") or "[]") if isinstance(thread.get("operations"), str)
        else list(thread.get("operations") or []),
    )
    asked_at: float | None = None
    for e in events:
        kind, at = e["kind"], float(e["at"])
        if kind == "first_response" and fr_at is None:
            fr_at = at
        elif kind == "reopened":
            m.reopens += 1
        elif kind == "awaiting":
            if e.get("to_value") == "us":
                asked_at = at
            elif e.get("to_value") == "customer" and asked_at is not None:
                m.next_responses.append((asked_at, at - asked_at, calendar.business_seconds(asked_at, at)))
                asked_at = None
    if fr_at is not None:
        m.first_response_s = float(fr_at) - opened
        m.first_response_bs = calendar.business_seconds(opened, float(fr_at))
    if thread.get("status") == "resolved" and thread.get("resolved_at") is not None:
        m.resolution_s = float(thread["resolved_at"]) - opened
        m.resolution_bs = calendar.business_seconds(opened, float(thread["resolved_at"]))
    m.sla_target_s, _ = targets.for_thread(m.channel_id, m.customer)
    if m.sla_target_s is not None:
        if m.first_response_bs is not None:
            m.sla_met = int(m.first_response_bs <= m.sla_target_s)
        elif now is not None and calendar.business_seconds(opened, now) > m.sla_target_s:
            m.sla_met = 0  # still unanswered and already past the target
    return m


_THREAD_COLS = ("id, channel_id, customer_team_id, opened_at, status, assignee_id, first_response_at, "
                "first_responder_id, resolved_at, operations")


def _rows(cur: Any) -> Iterator[dict[str, Any]]:
    cols = [d[0] for d in cur.description]
    for r in cur:
        yield dict(zip(cols, r))


def _state(db: sqlite_utils.Database, key: str) -> str | None:
    row = db.execute("SELECT value FROM report_state WHERE key = ?", [key]).fetchone()
    return row[0] if row else None


def _set_state(db: sqlite_utils.Database, key: str, value: str) -> None:
    db.execute("INSERT INTO report_state (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value",
               [key, value])


ROLLUP_FIELDS = ("threads", "resolved", "reopens", "met", "judged", "n_fr", "sum_fr", "n_frb", "sum_frb", "sum_res",
                 "n_resb", "sum_resb", "n_nr", "sum_nr", "sum_nrb")


def _contribution(row: tuple[Any, ...], nr: tuple[int, float, float]) -> tuple[float, ...]:
    """A thread_metrics row (and its next responses' count and sums) as its share of metrics_hourly."""
    (_, _, _, _, _, _, fr, frb, res, resb, reopens, _, met) = row
    return (1, res is not None, reopens or 0, met or 0, met is not None, fr is not None, fr or 0.0,
            frb is not None, frb or 0.0, res or 0.0, resb is not None, resb or 0.0, *nr)


def _add_rollup(db: sqlite_utils.Database, deltas: dict[tuple[int, int], list[float]]) -> None:
    cols = ", ".join(ROLLUP_FIELDS)
    sets = ", ".join(f"{f} = {f} + excluded.{f}" for f in ROLLUP_FIELDS)
    db.conn.executemany(
        f"INSERT INTO metrics_hourly (hour, hour_of_week, {cols}) VALUES (?, ?{', ?' * len(ROLLUP_FIELDS)}) "
        f"ON CONFLICT(hour, hour_of_week) DO UPDATE SET {sets}",
        [(h, how, *v) for (h, how), v in deltas.items() if any(v)])


def store(db: sqlite_utils.Database, metrics: Iterable[ThreadMetrics]) -> int:
    """Replace the stored metrics of these threads, keeping the hourly sums (metrics_hourly) in step."""
    n = 0
    batch: list[ThreadMetrics] = []

    def flush() -> None:
        ids = [m.thread_id for m in batch]
        marks = ",".join("?" * len(ids))
        deltas: dict[tuple[int, int], list[float]] = {}

        def add(row: tuple[Any, ...], nr: tuple[int, float, float], sign: int) -> None:
            acc = deltas.setdefault((int(row[1] // 3600), row[5]), [0.0] * len(ROLLUP_FIELDS))
            for i, v in enumerate(_contribution(row, nr)):
                acc[i] += sign * v

        old_nr = {r[0]: (r[1], r[2], r[3]) for r in db.execute(
            f"SELECT thread_id, COUNT(*), SUM(seconds), SUM(business_seconds) FROM next_responses "
            f"WHERE thread_id IN ({marks}) GROUP BY thread_id", ids)}
        for old in db.execute(f"SELECT * FROM thread_metrics WHERE thread_id IN ({marks})", ids).fetchall():
            add(old, old_nr.get(old[0], (0, 0.0, 0.0)), -1)
        for m in batch:
            add(m.row(), (len(m.next_responses), sum(x[1] for x in m.next_responses),
                          sum(x[2] for x in m.next_responses)), +1)
        pairs = [(i,) for i in ids]
        db.conn.executemany("DELETE FROM next_responses WHERE thread_id = ?", pairs)
        db.conn.executemany("DELETE FROM thread_operations WHERE thread_id = ?", pairs)
        db.conn.executemany("INSERT OR REPLACE INTO thread_metrics VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                            [m.row() for m in batch])
        db.conn.executemany("INSERT INTO next_responses VALUES (?, ?, ?, ?, ?)",
                            [(m.thread_id, m.opened_at, *nr) for m in batch for nr in m.next_responses])
        db.conn.executemany("INSERT OR IGNORE INTO thread_operations VALUES (?, ?, ?)",
                            [(m.thread_id, op, m.opened_at) for m in batch for op in m.operations])
        _add_rollup(db, deltas)
        batch.clear()

    for m in metrics:
        batch.append(m)
        n += 1
        if len(batch) >= 500:
            flush()
    if batch:
        flush()
    return n


def judge_unanswered(db: sqlite_utils.Database, calendar: BusinessCalendar, now: float) -> int:
    """Unanswered threads not judged yet breach once their business wait passes the target."""
    late = [(tid, opened) for tid, opened, target in db.execute(
        "SELECT thread_id, opened_at, sla_target_s FROM thread_metrics INDEXED BY thread_metrics_first_response_s "
        "WHERE first_response_s IS NULL AND sla_target_s IS NOT NULL AND sla_met IS NULL")
        if calendar.business_seconds(opened, now) > target]
    if late:
        db.conn.executemany("UPDATE thread_metrics SET sla_met = 0 WHERE thread_id = ?", [(t,) for t, _ in late])
        deltas: dict[tuple[int, int], list[float]] = {}
        for tid, how, opened in db.execute(
                f"SELECT thread_id, hour_of_week, opened_at FROM thread_metrics WHERE thread_id IN "
                f"({','.join('?' * len(late))})", [t for t, _ in late]):
            acc = deltas.setdefault((int(opened // 3600), how), [0.0] * len(ROLLUP_FIELDS))
            acc[ROLLUP_FIELDS.index("judged")] += 1
        _add_rollup(db, deltas)
    return len(late)


def fingerprint(calendar: BusinessCalendar, targets: SlaTargets) -> str:
    return calendar.fingerprint() + "#" + targets.fingerprint()


def mark_current(db: sqlite_utils.Database, calendar: BusinessCalendar, targets: SlaTargets) -> None:
    """Record that the stored metrics are up to date with every event so far (used by the seeder)."""
    last = db.execute("SELECT COALESCE(MAX(id), 0) FROM thread_events").fetchone()[0]
    _set_state(db, "metrics_event_id", str(last))
    _set_state(db, "metrics_fingerprint", fingerprint(calendar, targets))


def refresh(db: sqlite_utils.Database, calendar: BusinessCalendar, targets: SlaTargets, now: float) -> int:
    """Bring ``thread_metrics`` up to date; returns how many threads were recomputed.

    Call inside a transaction.
    """
    fp = fingerprint(calendar, targets)
    last = int(_state(db, "metrics_event_id") or 0)
    newest = db.execute("SELECT COALESCE(MAX(id), 0) FROM thread_events").fetchone()[0]
    if _state(db, "metrics_fingerprint") != fp:
        # Calendar or targets changed: everything.
        threads = list(_rows(db.execute(f"SELECT {_THREAD_COLS} FROM threads ORDER BY id")))
        db.execute("DELETE FROM thread_metrics")
        db.execute("DELETE FROM next_responses")
        db.execute("DELETE FROM thread_operations")
        db.execute("DELETE FROM metrics_hourly")
    else:
        # Threads with new events.
        ids = {r[0] for r in db.execute("SELECT DISTINCT thread_id FROM thread_events WHERE id > ? AND id <= ?",
                                        [last, newest])}
        ordered = sorted(ids)
        threads = []
        for i in range(0, len(ordered), 500):
            chunk = ordered[i:i + 500]
            threads += _rows(db.execute(f"SELECT {_THREAD_COLS} FROM threads WHERE id IN ({','.join('?' * len(chunk))})"
                                        " ORDER BY id", chunk))

    def computed() -> Iterator[ThreadMetrics]:
        for chunk_start in range(0, len(threads), 2000):
            chunk = threads[chunk_start:chunk_start + 2000]
            ids = [t["id"] for t in chunk]
            events: dict[int, list[dict[str, Any]]] = {i: [] for i in ids}
            marks = ",".join("?" * len(ids))
            # By the (thread_id, at) index; not ORDER BY id, which walks the whole table by rowid.
            for e in sorted(_rows(db.execute(f"SELECT id, thread_id, at, kind, to_value FROM thread_events "
                                             f"INDEXED BY thread_events_thread WHERE thread_id IN ({marks}) AND id <= ?",
                                             [*ids, newest])), key=lambda e: e["id"]):
                events[e["thread_id"]].append(e)
            for t in chunk:
                yield compute(t, events[t["id"]], calendar, targets, now)

    n = store(db, computed())
    judge_unanswered(db, calendar, now)  # they breach by the clock alone, without a new event
    _set_state(db, "metrics_event_id", str(newest))
    _set_state(db, "metrics_fingerprint", fp)
    return n
