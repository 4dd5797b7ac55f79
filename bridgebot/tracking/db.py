"""The SQLite database: connection settings and migrations (recorded in the database itself).

One file, WAL mode, so one writer and many readers work side by side; ``busy_timeout`` makes a
writer wait for another instead of failing. Times are Unix epoch seconds (REAL), the same clock
as Slack's message ``ts``: ``datetime(opened_at, 'unixepoch')`` reads them in SQL.
"""

from __future__ import annotations

import sqlite3
import threading
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

import sqlite_utils
from sqlite_utils import Migrations

migrations = Migrations("bridgebot")


@migrations()
def m001_initial(db: sqlite_utils.Database) -> None:
    db.execute("""
        CREATE TABLE customer_orgs (
            team_id TEXT PRIMARY KEY,          -- the customer's Slack team (workspace) id
            name TEXT,
            updated_at REAL
        )""")
    db.execute("""
        CREATE TABLE channels (
            id TEXT PRIMARY KEY,
            name TEXT,
            is_ext_shared INTEGER NOT NULL DEFAULT 0,
            is_support INTEGER NOT NULL DEFAULT 0,
            customer_team_id TEXT REFERENCES customer_orgs(team_id),
            updated_at REAL
        )""")
    db.execute("""
        CREATE TABLE threads (
            id INTEGER PRIMARY KEY AUTOINCREMENT,   -- shown as BB-<id>
            channel_id TEXT NOT NULL,
            thread_ts TEXT NOT NULL,                -- ts of the question (the thread's root)
            customer_team_id TEXT,
            author_id TEXT NOT NULL,
            text TEXT,                              -- the question, secrets redacted
            opened_at REAL NOT NULL,
            status TEXT NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'resolved')),
            awaiting TEXT NOT NULL DEFAULT 'us' CHECK (awaiting IN ('us', 'customer')),
            assignee_id TEXT,
            claimed_at REAL,
            first_response_at REAL,
            first_responder_id TEXT,
            resolved_at REAL,
            resolved_by TEXT,
            last_customer_at REAL,
            bot_reply_ts TEXT,
            operations TEXT NOT NULL DEFAULT '[]',  -- JSON list of "METHOD /path" checked
            findings_count INTEGER NOT NULL DEFAULT 0,
            UNIQUE (channel_id, thread_ts)
        )""")
    db.execute("CREATE INDEX threads_status ON threads(status, opened_at)")
    db.execute("CREATE INDEX threads_assignee ON threads(assignee_id, status)")
    db.execute("""
        CREATE TABLE thread_events (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            thread_id INTEGER NOT NULL REFERENCES threads(id),
            at REAL NOT NULL,
            actor_id TEXT,
            kind TEXT NOT NULL,
            from_value TEXT,
            to_value TEXT
        )""")
    db.execute("CREATE INDEX thread_events_thread ON thread_events(thread_id, at)")
    db.execute("""
        CREATE TABLE slack_events (
            event_id TEXT PRIMARY KEY,   -- Slack's event_id (or an interaction's id)
            type TEXT,
            received_at REAL NOT NULL
        )""")
    db.execute("CREATE INDEX slack_events_received ON slack_events(received_at)")
    db.execute("""
        CREATE TABLE outbox (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            thread_id INTEGER REFERENCES threads(id),
            method TEXT NOT NULL,         -- chat.postMessage, chat.update, chat.postEphemeral
            payload TEXT NOT NULL,        -- JSON arguments (secrets redacted)
            status TEXT NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'sent', 'failed')),
            attempts INTEGER NOT NULL DEFAULT 0,
            next_attempt_at REAL NOT NULL,
            last_error TEXT,
            created_at REAL NOT NULL,
            sent_at REAL,
            result_ts TEXT
        )""")
    db.execute("CREATE INDEX outbox_pending ON outbox(status, next_attempt_at)")


@migrations()
def m004_desk(db: sqlite_utils.Database) -> None:
    """Specialists' desk: internal notes, and the reminders already sent (each goes out once)."""
    db.execute("""
        CREATE TABLE thread_notes (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            thread_id INTEGER NOT NULL REFERENCES threads(id),
            at REAL NOT NULL,
            author_id TEXT NOT NULL,
            text TEXT NOT NULL                -- secrets redacted; never posted to a shared channel
        )""")
    db.execute("CREATE INDEX thread_notes_thread ON thread_notes(thread_id, at)")
    db.execute("""
        CREATE TABLE reminders_sent (
            thread_id INTEGER NOT NULL REFERENCES threads(id),
            kind TEXT NOT NULL,               -- first_response
            sent_at REAL NOT NULL,
            PRIMARY KEY (thread_id, kind)
        )""")


@migrations()
def m005_reports(db: sqlite_utils.Database) -> None:
    """Reports (issue 8): per-thread metrics kept up to date from thread_events, the operations and
    error codes each thread touched, incident posts, sent digests, and the indexes the premade SQL uses."""
    db.execute("""
        CREATE TABLE thread_metrics (
            thread_id INTEGER PRIMARY KEY REFERENCES threads(id),
            opened_at REAL NOT NULL,
            customer TEXT,                 -- customer team id
            channel_id TEXT,
            specialist TEXT,               -- assignee, else the first responder
            hour_of_week INTEGER,          -- 0 = Monday 00:00 in the calendar's timezone
            first_response_s REAL, first_response_bs REAL,    -- wall-clock and business seconds
            resolution_s REAL, resolution_bs REAL,            -- opened → last resolution
            reopens INTEGER NOT NULL DEFAULT 0,
            sla_target_s REAL,             -- first-response target (business seconds)
            sla_met INTEGER                -- 1 met, 0 breached, NULL no target or still waiting
        )""")
    db.execute("CREATE INDEX thread_metrics_opened ON thread_metrics(opened_at, reopens, sla_met, resolution_s, "
               "first_response_s, first_response_bs, resolution_bs, hour_of_week)")
    # Report percentiles walk these in value order (nearest rank = LIMIT 1 OFFSET rank-1): no sort.
    for col in ("first_response_s", "first_response_bs", "resolution_s", "resolution_bs"):
        db.execute(f"CREATE INDEX thread_metrics_{col} ON thread_metrics({col}, opened_at)")
    db.execute("CREATE INDEX thread_metrics_breach ON thread_metrics(sla_met, opened_at)")
    db.execute("""
        CREATE TABLE next_responses (
            thread_id INTEGER NOT NULL REFERENCES threads(id),
            opened_at REAL NOT NULL,       -- the thread's (reports group by the period it was opened in)
            asked_at REAL NOT NULL,        -- a customer message after our reply
            seconds REAL NOT NULL, business_seconds REAL NOT NULL
        )""")
    db.execute("CREATE INDEX next_responses_thread ON next_responses(thread_id)")
    db.execute("CREATE INDEX next_responses_opened ON next_responses(opened_at, seconds, business_seconds)")
    db.execute("CREATE INDEX next_responses_seconds ON next_responses(seconds, opened_at)")
    db.execute("CREATE INDEX next_responses_business_seconds ON next_responses(business_seconds, opened_at)")
    db.execute("""
        CREATE TABLE thread_operations (
            thread_id INTEGER NOT NULL REFERENCES threads(id),
            operation TEXT NOT NULL,       -- "POST /v0/transfers"
            opened_at REAL NOT NULL,
            PRIMARY KEY (thread_id, operation)
        ) WITHOUT ROWID""")
    db.execute("CREATE INDEX thread_operations_op ON thread_operations(operation, opened_at)")
    db.execute("""
        CREATE TABLE thread_signals (  -- what the checker saw when a thread opened (incident signal)
            thread_id INTEGER NOT NULL REFERENCES threads(id),
            kind TEXT NOT NULL CHECK (kind IN ('error', 'operation')),
            value TEXT NOT NULL,           -- error code, or "METHOD /path" that had findings
            customer TEXT,
            at REAL NOT NULL
        )""")
    db.execute("CREATE INDEX thread_signals_value ON thread_signals(kind, value, at)")
    db.execute("""
        CREATE TABLE incidents (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            kind TEXT NOT NULL, value TEXT NOT NULL,
            started_at REAL NOT NULL, window_end REAL NOT NULL,
            thread_ids TEXT NOT NULL DEFAULT '[]',
            outbox_id INTEGER,             -- the triage post (its ts is the outbox row's result_ts)
            channel_id TEXT NOT NULL
        )""")
    db.execute("CREATE INDEX incidents_value ON incidents(kind, value, window_end)")
    db.execute("""
        CREATE TABLE digests (
            period TEXT PRIMARY KEY,       -- ISO week, e.g. 2026-W48: sent once per week
            channel_id TEXT NOT NULL,
            sent_at REAL NOT NULL
        )""")
    db.execute("""
        CREATE TABLE metrics_hourly (  -- sums of thread_metrics per UTC hour opened: report totals read these
            hour INTEGER NOT NULL,         -- floor(opened_at / 3600)
            hour_of_week INTEGER NOT NULL,
            threads INTEGER NOT NULL DEFAULT 0, resolved INTEGER NOT NULL DEFAULT 0,
            reopens INTEGER NOT NULL DEFAULT 0, met INTEGER NOT NULL DEFAULT 0, judged INTEGER NOT NULL DEFAULT 0,
            n_fr INTEGER NOT NULL DEFAULT 0, sum_fr REAL NOT NULL DEFAULT 0,
            n_frb INTEGER NOT NULL DEFAULT 0, sum_frb REAL NOT NULL DEFAULT 0,
            sum_res REAL NOT NULL DEFAULT 0, n_resb INTEGER NOT NULL DEFAULT 0, sum_resb REAL NOT NULL DEFAULT 0,
            n_nr INTEGER NOT NULL DEFAULT 0, sum_nr REAL NOT NULL DEFAULT 0, sum_nrb REAL NOT NULL DEFAULT 0,
            PRIMARY KEY (hour, hour_of_week)
        ) WITHOUT ROWID""")
    db.execute("CREATE TABLE report_state (key TEXT PRIMARY KEY, value TEXT)")
    db.execute("CREATE INDEX threads_customer ON threads(customer_team_id, opened_at)")
    db.execute("CREATE INDEX threads_opened ON threads(opened_at)")


@migrations()
def m006_answers(db: sqlite_utils.Database) -> None:
    """Suggested documentation per thread and the developer's choice; specialists' marked answers."""
    db.execute("""
        CREATE TABLE suggestions (
            thread_id INTEGER PRIMARY KEY REFERENCES threads(id),
            question TEXT,                  -- secrets redacted
            suggested TEXT NOT NULL,        -- JSON list of {title, url, snippet, confidence, key}
            top_confidence REAL,            -- best confidence seen, even when below the threshold
            created_at REAL NOT NULL,
            choice TEXT CHECK (choice IN ('answered', 'need_help')),
            choice_by TEXT,
            choice_at REAL
        )""")
    db.execute("CREATE INDEX suggestions_created ON suggestions(created_at)")
    db.execute("""
        CREATE TABLE thread_replies (
            thread_id INTEGER NOT NULL REFERENCES threads(id),
            ts TEXT NOT NULL,
            user_id TEXT,
            internal INTEGER NOT NULL,
            text TEXT,                      -- secrets redacted
            PRIMARY KEY (thread_id, ts)
        )""")
    db.execute("""
        CREATE TABLE marked_answers (
            thread_id INTEGER PRIMARY KEY REFERENCES threads(id),
            answer TEXT NOT NULL,           -- secrets redacted
            answer_ts TEXT,
            answered_by TEXT,
            marked_by TEXT NOT NULL,
            marked_at REAL NOT NULL,
            link TEXT
        )""")


class Store:
    """Hands out one connection per thread (sqlite3 connections are not shared across threads)."""

    def __init__(self, path: str | Path) -> None:
        self.path = str(path)
        self._local = threading.local()
        self._lock = threading.Lock()
        if self.path != ":memory:":
            Path(self.path).parent.mkdir(parents=True, exist_ok=True)
        migrations.apply(self.db)

    @property
    def db(self) -> sqlite_utils.Database:
        db = getattr(self._local, "db", None)
        if db is None:
            conn = sqlite3.connect(self.path, timeout=30, isolation_level=None, check_same_thread=False)
            conn.execute("PRAGMA journal_mode=WAL")
            conn.execute("PRAGMA synchronous=NORMAL")
            conn.execute("PRAGMA foreign_keys=ON")
            conn.execute("PRAGMA busy_timeout=30000")
            db = sqlite_utils.Database(conn)
            self._local.db = db
        return db

    @contextmanager
    def transaction(self) -> Iterator[sqlite_utils.Database]:
        """BEGIN IMMEDIATE: take the write lock up front, so two writers never deadlock."""
        db = self.db
        db.execute("BEGIN IMMEDIATE")
        try:
            yield db
        except BaseException:
            db.execute("ROLLBACK")
            raise
        else:
            db.execute("COMMIT")
