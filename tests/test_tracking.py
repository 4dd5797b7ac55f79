"""Tracked threads in a real SQLite file: migrations, lifecycle, audit events, concurrency."""

from __future__ import annotations

import sqlite3
import threading
from pathlib import Path

import pytest

from bridgebot.tracking import Store, TrackingError, claim, events_of, open_thread, record_reply, release, resolve
from bridgebot.tracking import outbox
from bridgebot.tracking.threads import assign, mark_event_seen, thread_by_short_id


@pytest.fixture
def store(tmp_path: Path) -> Store:
    return Store(tmp_path / "bb.db")


def _open(db, ts: str = "100.1", author: str = "U_DEV"):
    return open_thread(db, channel_id="C1", thread_ts=ts, author_id=author, opened_at=float(ts),
                       customer_team_id="T_EXT", text="help")


def test_fresh_database_has_wal_and_recorded_migrations(tmp_path: Path) -> None:
    Store(tmp_path / "bb.db")
    Store(tmp_path / "bb.db")  # applying again is a no-op
    conn = sqlite3.connect(tmp_path / "bb.db")
    assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    applied = [r[0] for r in conn.execute("SELECT name FROM _sqlite_migrations ORDER BY rowid")]
    assert applied == ["m001_initial", "m002_inbox", "m003_check_results", "m004_desk", "m005_reports",
                       "m006_answers"]
    tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    assert {"threads", "thread_events", "slack_events", "channels", "customer_orgs", "outbox",
            "check_results"} <= tables


def test_lifecycle_and_audit_trail(store: Store) -> None:
    with store.transaction() as db:
        t = _open(db)
        assert t.short_id == "BB-1"
        assert _open(db) is None  # the same message again
        assert claim(db, t, user_id="U_A", at=110.0)
        with pytest.raises(TrackingError, match="already yours"):
            claim(db, t, user_id="U_A", at=111.0)
        with pytest.raises(TrackingError, match="already claimed by <@U_A>"):
            claim(db, t, user_id="U_B", at=112.0)
        assert assign(db, t, assignee_id="U_B", by="U_A", at=113.0)
        assert release(db, t, by="U_B", at=114.0)
        record_reply(db, t, user_id="U_B", internal=True, at=120.0)
        record_reply(db, t, user_id="U_C", internal=True, at=130.0)
        assert resolve(db, t, by="U_B", at=140.0)
        with pytest.raises(TrackingError, match="already resolved"):
            resolve(db, t, by="U_B", at=141.0)
        with pytest.raises(TrackingError, match="is resolved"):
            claim(db, t, user_id="U_A", at=142.0)
        record_reply(db, t, user_id="U_DEV", internal=False, at=150.0)  # the customer comes back
        events = [(e["kind"], e["actor_id"], e["from_value"], e["to_value"]) for e in events_of(db, t.id)]
    assert events == [
        ("opened", "U_DEV", None, "open"), ("claimed", "U_A", None, "U_A"), ("assigned", "U_A", "U_A", "U_B"),
        ("released", "U_B", "U_B", None), ("first_response", "U_B", None, None), ("awaiting", "U_B", "us", "customer"),
        ("resolved", "U_B", "open", "resolved"), ("reopened", "U_DEV", "resolved", "open"),
        ("awaiting", "U_DEV", "customer", "us")]
    with store.transaction() as db:
        again = thread_by_short_id(db, "bb-1")
    assert (again.status, again.first_response_at, again.first_responder_id, again.resolved_at) == \
        ("open", 120.0, "U_B", None)


def test_short_ids_are_checked(store: Store) -> None:
    with pytest.raises(TrackingError, match="not a thread id"):
        thread_by_short_id(store.db, "42")


def test_a_failed_transaction_leaves_nothing_half_written(store: Store) -> None:
    with pytest.raises(RuntimeError):
        with store.transaction() as db:
            mark_event_seen(db, "Ev1", "message", 1.0)
            _open(db)
            outbox.enqueue(db, method="chat.postMessage", payload={"text": "x"}, at=1.0)
            raise RuntimeError("crash before commit")
    for table in ("slack_events", "threads", "thread_events", "outbox"):
        assert store.db.execute(f"SELECT COUNT(*) FROM {table}").fetchone()[0] == 0
    # ... so Slack's redelivery is processed as new.
    with store.transaction() as db:
        assert mark_event_seen(db, "Ev1", "message", 2.0)


def test_concurrent_writers_from_threads_and_processes_never_double_open(tmp_path: Path) -> None:
    path = tmp_path / "bb.db"
    Store(path)
    results: list[object] = []

    def worker(n: int) -> None:
        store = Store(path)  # like separate processes: own connections to one file
        for i in range(50):
            with store.transaction() as db:
                results.append(_open(db, ts=f"{i}.0"))

    threads = [threading.Thread(target=worker, args=(n,)) for n in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sum(1 for r in results if r is not None) == 50
    assert sqlite3.connect(path).execute("SELECT COUNT(*) FROM threads").fetchone()[0] == 50


def test_outbox_backoff_and_give_up(store: Store) -> None:
    with store.transaction() as db:
        item_id = outbox.enqueue(db, method="chat.postMessage", payload={"text": "x"}, at=0.0)
    (item,) = outbox.due(store.db, now=0.0)
    with store.transaction() as db:
        assert outbox.mark_retry(db, item, at=0.0, error="ratelimited") == "pending"
    assert outbox.due(store.db, now=0.5) == []
    (item,) = outbox.due(store.db, now=1.0)
    with store.transaction() as db:
        assert outbox.mark_retry(db, item, at=1.0, error="channel_not_found", permanent=True) == "failed"
    assert outbox.counts(store.db) == {"failed": 1}
    assert item.id == item_id


def test_old_event_ids_are_forgotten_after_a_day(store: Store) -> None:
    from bridgebot.delivery import Deliverer

    now = [100_000.0]
    with store.transaction() as db:
        mark_event_seen(db, "EvOld", "message", now[0] - 2 * 86400)
        mark_event_seen(db, "EvRecent", "message", now[0] - 600)  # within Slack's retry window and more
    assert Deliverer(store, client=None, clock=lambda: now[0]).housekeeping() == 1  # type: ignore[arg-type]
    assert [r[0] for r in store.db.execute("SELECT event_id FROM slack_events")] == ["EvRecent"]


def test_a_thread_reads_back_every_column_it_was_given(store: Store) -> None:
    from bridgebot.tracking.threads import get_thread, set_bot_reply, thread_by_ts, update_check

    with store.transaction() as db:
        t = open_thread(db, channel_id="C1", thread_ts="100.1", author_id="U_DEV", opened_at=100.1,
                        customer_team_id="T_EXT", text="help", operations=["POST /v0/transfers"], findings_count=3,
                        prefix="SUP")
        claim(db, t, user_id="U_A", at=110.0)
        record_reply(db, t, user_id="U_A", internal=True, at=120.0)
        set_bot_reply(db, t.id, "101.5")
        update_check(db, t, text="help v2", operations=["GET /v0/wallets"], findings_count=1, by="U_DEV", at=130.0)
        resolve(db, t, by="U_A", at=140.0)
        got = get_thread(db, t.id, "SUP")
        assert thread_by_ts(db, "C1", "100.1", "SUP") == got
        assert thread_by_ts(db, "C2", "100.1") is None
    assert (got.short_id, got.channel_id, got.thread_ts, got.author_id, got.opened_at, got.status, got.awaiting,
            got.customer_team_id, got.text, got.assignee_id, got.claimed_at, got.first_response_at,
            got.first_responder_id, got.resolved_at, got.resolved_by, got.last_customer_at, got.bot_reply_ts,
            got.operations, got.findings_count) == (
        "SUP-1", "C1", "100.1", "U_DEV", 100.1, "resolved", "customer", "T_EXT", "help v2", "U_A", 110.0, 120.0,
        "U_A", 140.0, "U_A", 100.1, "101.5", ["GET /v0/wallets"], 1)
    with store.transaction() as db:
        events = [(e["at"], e["kind"], e["actor_id"], e["from_value"], e["to_value"]) for e in events_of(db, t.id)]
    assert events == [(100.1, "opened", "U_DEV", None, "open"), (110.0, "claimed", "U_A", None, "U_A"),
                      (120.0, "first_response", "U_A", None, None), (120.0, "awaiting", "U_A", "us", "customer"),
                      (130.0, "edited", "U_DEV", "3", "1"), (140.0, "resolved", "U_A", "open", "resolved")]


def test_the_queue_lists_open_threads_oldest_first(store: Store) -> None:
    from bridgebot.tracking.threads import queue

    with store.transaction() as db:
        a = _open(db, ts="300.1")
        b = _open(db, ts="100.1")
        c = _open(db, ts="200.1")
        claim(db, c, user_id="U_A", at=250.0)
        resolve(db, a, by="U_A", at=310.0)
        d = _open(db, ts="50.1")
        # The team's queue is the unclaimed open threads; a specialist's, the ones they claimed.
        assert [t.short_id for t in queue(db)] == [d.short_id, b.short_id]
        assert [t.short_id for t in queue(db, assignee_id="U_A")] == [c.short_id]
        assert [t.short_id for t in queue(db, prefix="SUP")] == ["SUP-4", "SUP-2"]


def test_short_ids_match_the_prefix_in_any_case(store: Store) -> None:
    with store.transaction() as db:
        t = _open(db)
        assert thread_by_short_id(db, " bb-1 ").id == t.id
        assert thread_by_short_id(db, "SUP-1", prefix="sup").short_id == "sup-1"
        assert thread_by_short_id(db, "BB-99") is None
        with pytest.raises(TrackingError, match=r"`SUP-1` is not a thread id \(they look like BB-42\)"):
            thread_by_short_id(db, "SUP-1")


def test_a_database_in_a_folder_that_does_not_exist_yet_is_created(tmp_path: Path) -> None:
    store = Store(tmp_path / "a" / "b" / "bb.db")
    with store.transaction() as db:
        _open(db)
    assert (tmp_path / "a" / "b" / "bb.db").exists()
    memory = Store(":memory:")
    assert memory.db.execute("SELECT COUNT(*) FROM threads").fetchone()[0] == 0
    assert not (Path.cwd() / ":memory:").exists()


def test_reopen_brings_a_resolved_thread_back_and_refuses_an_open_one(store: Store) -> None:
    from bridgebot.tracking import reopen

    with store.transaction() as db:
        t = _open(db)
        with pytest.raises(TrackingError, match="not resolved"):
            reopen(db, t, by="U_A", at=105.0)
        resolve(db, t, by="U_A", at=110.0)
        assert reopen(db, t, by="U_B", at=120.0)
        again = thread_by_short_id(db, "BB-1")
        events = [(e["kind"], e["actor_id"], e["at"], e["from_value"], e["to_value"]) for e in events_of(db, t.id)]
    assert (t.status, again.status, again.resolved_at) == ("open", "open", None)
    assert events[-2:] == [("resolved", "U_A", 110.0, "open", "resolved"), ("reopened", "U_B", 120.0, "resolved", "open")]


def test_an_in_memory_store_makes_no_folder_so_it_opens_from_a_working_directory_it_cannot_read(
        tmp_path, monkeypatch) -> None:
    import os

    Store(":memory:")  # load what a store needs while everything can be read
    here = tmp_path / "unreadable"
    here.mkdir()
    monkeypatch.chdir(here)
    as_root = os.geteuid() == 0  # root can search any folder: open the store as a plain user
    here.chmod(0)
    try:
        if as_root:
            os.seteuid(65534)
        try:
            store = Store(":memory:")
        finally:
            if as_root:
                os.seteuid(0)
    finally:
        here.chmod(0o755)
    assert {"threads", "thread_events", "outbox"} <= set(store.db.table_names())  # migrated, ready to use
