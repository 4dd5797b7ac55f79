"""Synthetic history for demos and benchmarks: ``bridgebot db seed --threads N [--days D]``.

Realistic enough to read a report from: 40 customer orgs of different sizes, each with its
shared channel; 12 specialists; questions arriving mostly in office hours, fewer at night and on
weekends; first responses fast inside shifts and waiting for the next shift outside them;
follow-ups, reopens, operations from the Bridge API, some threads still open or unanswered.
Rows go in with ``executemany`` in batches; the per-thread metrics are computed with the same
code as live threads (:func:`bridgebot.reports.metrics.compute`), so reports are ready at once.
"""

from __future__ import annotations

import json
import math
import random
from datetime import datetime
from contextlib import contextmanager
from typing import Any, Callable, Iterator

import sqlite_utils

from .calendar import BusinessCalendar, SlaTargets
from .metrics import compute, mark_current, refresh, store

CUSTOMERS = ["Acme Inc", "Globex", "Initech", "Umbrella Pay", "Hooli", "Stark Treasury", "Wayne Remit", "Soylent",
             "Tyrell Ledger", "Cyberdyne FX", "Vandelay Imports", "Pied Piper", "Wonka Payroll", "Oceanic Wallet",
             "Massive Dynamic", "Aperture Pay", "Black Mesa", "Gringotts", "Monarch Fin", "Nakatomi Trade",
             "Prestige Worldwide", "Dunder Mifflin", "Sterling Cooper", "Bluth Co", "Los Pollos", "Krusty Krab",
             "Zorg Industries", "Weyland Yutani", "Ollivanders", "Duff Beverage", "Gekko Partners", "Bubba Gump",
             "Planet Express", "MomCorp", "Virtucon", "Spacely Sprockets", "Cogswell Cogs", "Rekall", "Oscorp",
             "Wernham Hogg"]
SPECIALISTS = [f"U0SPEC{i:02d}" for i in range(12)]
OPERATIONS = ["POST /v0/transfers", "GET /v0/transfers/{transferID}", "POST /v0/customers",
              "GET /v0/customers/{customerID}", "POST /v0/kyc_links", "POST /v0/external_accounts",
              "POST /v0/liquidation_addresses", "POST /v0/virtual_accounts", "GET /v0/exchange_rates",
              "POST /v0/wallets", "POST /v0/prefunded_accounts", "POST /v0/cards", "GET /v0/developer/fees",
              "POST /v0/static_memos", "PUT /v0/customers/{customerID}"]
QUESTIONS = ["Getting a 400 on transfer create, what are we missing?", "Is there a sandbox for KYC links?",
             "Webhook for transfer.completed never arrived", "How do we set the developer fee?",
             "401 with our new API key", "Can a virtual account receive wires?", "Exchange rate endpoint 500s"]
#: Used to shape arrivals and replies when no calendar is configured.
_DEFAULT_SHIFTS = BusinessCalendar.from_config({"timezone": "America/New_York", "shifts": {
    "mon": "09:00-18:00", "tue": "09:00-18:00", "wed": "09:00-18:00", "thu": "09:00-18:00", "fri": "09:00-18:00",
    "sat": "10:00-14:00"}})


def _next_open(calendar: BusinessCalendar, t: float) -> float:
    """The first instant at or after t inside a shift (t itself if open)."""
    day_span = 86400.0
    end = t + 14 * day_span
    for s, e in calendar.open_intervals(t, end):
        if e > t:
            return max(s, t)
    return t  # no shift in two weeks: answer anyway


def seed(db: sqlite_utils.Database, *, threads: int, days: float, now: float, calendar: BusinessCalendar,
         targets: SlaTargets, progress: Callable[[int], None] = lambda n: None, rng_seed: int = 8,
         batch: int = 10000) -> dict[str, Any]:
    """Add ``threads`` tracked threads opened over the last ``days`` days, with events and metrics."""
    rng = random.Random(rng_seed)
    shape = calendar if calendar.configured else _DEFAULT_SHIFTS
    weights = [1.0 / (i + 1) ** 0.8 for i in range(len(CUSTOMERS))]  # a few big customers, a long tail
    tz = shape.tz
    conn = db.conn
    with _tx(db):
        refresh(db, calendar, targets, now)  # metrics of existing threads first: the seed marks all current
        for i, name in enumerate(CUSTOMERS):
            team, channel = f"T0CUST{i:03d}", f"C0CUST{i:03d}"
            conn.execute("INSERT OR IGNORE INTO customer_orgs (team_id, name, updated_at) VALUES (?, ?, ?)",
                         [team, name, now])
            conn.execute("INSERT OR IGNORE INTO channels (id, name, is_ext_shared, is_support, customer_team_id, "
                         "updated_at) VALUES (?, ?, 1, 1, ?, ?)",
                         [channel, name.lower().replace(" ", "-") + "-bridge", team, now])
    next_id = (db.execute("SELECT COALESCE(MAX(id), 0) FROM threads").fetchone()[0] or 0) + 1
    start = now - days * 86400
    done = 0
    stats = {"threads": 0, "events": 0}
    while done < threads:
        n = min(batch, threads - done)
        thread_rows, event_rows, metrics = [], [], []
        for _ in range(n):
            tid = next_id
            next_id += 1
            # Arrivals: try a few random instants, keep one inside a shift with probability 0.85.
            for _attempt in range(6):
                opened = start + rng.random() * (now - start)
                local = datetime.fromtimestamp(opened, tz)
                hour = local.hour + local.minute / 60
                busy = 8 <= hour < 19 and local.weekday() < 5
                if busy or rng.random() < 0.18:
                    break
            opened = math.floor(opened) + (tid % 1_000_000) / 1e6
            c = rng.choices(range(len(CUSTOMERS)), weights)[0]
            team, channel = f"T0CUST{c:03d}", f"C0CUST{c:03d}"
            author = f"U0DEV{c:03d}{rng.randrange(4)}"
            spec = rng.choice(SPECIALISTS)
            ops = rng.sample(OPERATIONS, k=rng.choice((0, 1, 1, 1, 2)))
            findings = rng.choice((0, 0, 1, 2, 3)) if ops else 0
            events: list[tuple[Any, ...]] = [(tid, opened, author, "opened", None, "open")]
            # First response: minutes inside a shift; otherwise the next shift's start plus minutes.
            answer = _next_open(shape, opened) + rng.lognormvariate(math.log(15 * 60), 0.9)
            fr_at: float | None = None if answer > now or rng.random() < 0.01 else answer
            status, assignee, resolved_at, resolved_by, awaiting = "open", None, None, None, "us"
            claimed_at = None
            if fr_at is not None:
                claimed_at = fr_at - rng.uniform(0, 120)
                if claimed_at > opened:
                    assignee = spec
                    events.append((tid, claimed_at, spec, "claimed", None, spec))
                events.append((tid, fr_at, spec, "first_response", None, None))
                events.append((tid, fr_at, spec, "awaiting", "us", "customer"))
                awaiting = "customer"
                t = fr_at
                for _round in range(rng.choice((0, 0, 1, 1, 2))):  # follow-ups and our next replies
                    asked = t + rng.lognormvariate(math.log(3600), 1.0)
                    replied = _next_open(shape, asked) + rng.lognormvariate(math.log(20 * 60), 0.8)
                    if replied > now:
                        break
                    events.append((tid, asked, author, "awaiting", "customer", "us"))
                    events.append((tid, replied, spec, "awaiting", "us", "customer"))
                    t = replied
                resolve_at = t + rng.lognormvariate(math.log(4 * 3600), 1.2)
                if resolve_at < now and rng.random() < 0.93:
                    events.append((tid, resolve_at, spec, "resolved", "open", "resolved"))
                    status, resolved_at, resolved_by = "resolved", resolve_at, spec
                    if rng.random() < 0.08:  # the customer comes back
                        back = resolve_at + rng.lognormvariate(math.log(86400), 1.0)
                        again = _next_open(shape, back) + rng.lognormvariate(math.log(30 * 60), 0.8)
                        if again < now:
                            events.append((tid, back, author, "reopened", "resolved", "open"))
                            events.append((tid, back, author, "awaiting", "customer", "us"))
                            events.append((tid, again, spec, "awaiting", "us", "customer"))
                            events.append((tid, again + 600, spec, "resolved", "open", "resolved"))
                            resolved_at = again + 600
            events.sort(key=lambda e: e[1])
            row = {"id": tid, "channel_id": channel, "customer_team_id": team, "opened_at": opened,
                   "status": status, "assignee_id": assignee, "first_response_at": fr_at,
                   "first_responder_id": spec if fr_at is not None else None, "resolved_at": resolved_at,
                   "operations": json.dumps(ops)}
            thread_rows.append((tid, channel, f"{opened:.6f}", team, author, rng.choice(QUESTIONS), opened, status,
                                awaiting, assignee, claimed_at if assignee else None, fr_at, row["first_responder_id"],
                                resolved_at, resolved_by, opened, row["operations"], findings))
            event_rows.extend(events)
            metrics.append(compute(row, ({"kind": e[3], "at": e[1], "to_value": e[5]} for e in events),
                                   calendar, targets, now))
        with _tx(db):
            conn.executemany(
                "INSERT INTO threads (id, channel_id, thread_ts, customer_team_id, author_id, text, opened_at, status, "
                "awaiting, assignee_id, claimed_at, first_response_at, first_responder_id, resolved_at, resolved_by, "
                "last_customer_at, operations, findings_count) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, "
                "?, ?)", thread_rows)
            conn.executemany("INSERT INTO thread_events (thread_id, at, actor_id, kind, from_value, to_value) "
                             "VALUES (?, ?, ?, ?, ?, ?)", event_rows)
            store(db, metrics)
            stats["events"] += len(event_rows)
        done += n
        stats["threads"] = done
        progress(n)
    with _tx(db):
        mark_current(db, calendar, targets)
    return stats


@contextmanager
def _tx(db: sqlite_utils.Database) -> Iterator[None]:
    db.execute("BEGIN IMMEDIATE")
    try:
        yield
    except BaseException:
        db.execute("ROLLBACK")
        raise
    db.execute("COMMIT")
