"""`bridgebot db backup` (SQLite's online backup) and the retention setting that purges message
text after N days while the metrics stay."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from click.testing import CliRunner

from bridgebot.cli import cli
from bridgebot.delivery import Deliverer
from bridgebot.settings import Settings, SettingsError
from bridgebot.tracking import Store, open_thread, outbox
from bridgebot.tracking.retention import purge_message_text

DAY = 86400.0


def _db_with_threads(path: Path) -> Store:
    store = Store(path)
    with store.transaction() as db:
        old = open_thread(db, channel_id="C1", thread_ts="1000.1", author_id="U1", opened_at=1000.0,
                          customer_team_id="T_EXT", text="old question about POST /v0/transfers",
                          operations=["POST /v0/transfers"], findings_count=2)
        db.execute("UPDATE threads SET first_response_at = 1600.0, first_responder_id = 'U_SPEC' WHERE id = ?",
                   [old.id])
        outbox.enqueue(db, method="chat.postMessage", thread_id=old.id, at=1000.0,
                       payload={"channel": "C1", "text": "your paste: amount must be an integer"})
        db.execute("UPDATE outbox SET status = 'sent'")
        open_thread(db, channel_id="C1", thread_ts=f"{100 * DAY}.1", author_id="U1", opened_at=100 * DAY,
                    customer_team_id="T_EXT", text="a recent question")
    return store


def test_backup_copies_a_live_database_consistently(tmp_path: Path) -> None:
    store = _db_with_threads(tmp_path / "bb.db")
    with store.transaction() as db:  # a write still in the WAL, not checkpointed
        db.execute("UPDATE threads SET status = 'resolved' WHERE id = 2")
    result = CliRunner().invoke(cli, ["db", "backup", "--db", str(tmp_path / "bb.db"), str(tmp_path / "copy.db")])
    assert result.exit_code == 0, result.output
    copy = sqlite3.connect(tmp_path / "copy.db")
    assert copy.execute("SELECT id, status FROM threads ORDER BY id").fetchall() == [(1, "open"), (2, "resolved")]
    assert copy.execute("PRAGMA integrity_check").fetchone() == ("ok",)
    assert not Path(str(tmp_path / "copy.db") + "-wal").exists()


def test_backup_refuses_to_overwrite_and_says_so(tmp_path: Path) -> None:
    _db_with_threads(tmp_path / "bb.db")
    (tmp_path / "copy.db").write_text("precious")
    result = CliRunner().invoke(cli, ["db", "backup", "--db", str(tmp_path / "bb.db"), str(tmp_path / "copy.db")])
    assert result.exit_code == 1 and "already exists" in result.output
    assert (tmp_path / "copy.db").read_text() == "precious"
    result = CliRunner().invoke(cli, ["db", "backup", "--db", str(tmp_path / "nope.db"), str(tmp_path / "c2.db")])
    assert result.exit_code == 1 and "no database" in result.output and not (tmp_path / "c2.db").exists()


def test_retention_purges_old_text_and_keeps_the_metrics(tmp_path: Path) -> None:
    store = _db_with_threads(tmp_path / "bb.db")
    now = 100 * DAY + 10
    Deliverer(store, client=None, clock=lambda: now, retention_days=90).housekeeping()  # type: ignore[arg-type]
    rows = store.db.execute("SELECT id, text, opened_at, first_response_at, operations, findings_count FROM threads "
                            "ORDER BY id").fetchall()
    assert rows == [(1, None, 1000.0, 1600.0, '["POST /v0/transfers"]', 2),
                    (2, "a recent question", 100 * DAY, None, "[]", 0)]
    assert store.db.execute("SELECT payload FROM outbox").fetchall() == [("{}",)]


def test_without_retention_nothing_is_purged(tmp_path: Path) -> None:
    store = _db_with_threads(tmp_path / "bb.db")
    Deliverer(store, client=None, clock=lambda: 1e12).housekeeping()  # type: ignore[arg-type]
    assert store.db.execute("SELECT COUNT(*) FROM threads WHERE text IS NOT NULL").fetchone() == (2,)


def test_a_pending_reply_is_never_purged(tmp_path: Path) -> None:
    store = _db_with_threads(tmp_path / "bb.db")
    with store.transaction() as db:
        outbox.enqueue(db, method="chat.postMessage", payload={"channel": "C1", "text": "waiting"}, at=5.0)
        purge_message_text(db, before=1e12)
    assert store.db.execute("SELECT payload FROM outbox WHERE status = 'pending'").fetchone()[0] != "{}"


@pytest.mark.parametrize("value, ok", [("90", True), ("0", False), ("-1", False), ('"90"', False), ("true", False)])
def test_retention_setting_is_validated(tmp_path: Path, value: str, ok: bool) -> None:
    config = tmp_path / "bridgebot.toml"
    config.write_text(f"[retention]\nmessage_text_days = {value}\n")
    if ok:
        assert Settings.from_env({"BRIDGEBOT_CONFIG": str(config)}).retention_text_days == 90
    else:
        with pytest.raises(SettingsError, match=r"\[retention\] message_text_days"):
            Settings.from_env({"BRIDGEBOT_CONFIG": str(config)})


def test_backup_into_folders_that_do_not_exist_yet(tmp_path: Path) -> None:
    _db_with_threads(tmp_path / "bb.db")
    dest = tmp_path / "backups" / "2026" / "11" / "copy.db"
    result = CliRunner().invoke(cli, ["db", "backup", "--db", str(tmp_path / "bb.db"), str(dest)])
    assert result.exit_code == 0, result.output
    assert f"backed up {tmp_path / 'bb.db'} to {dest}" in result.output
    assert sqlite3.connect(dest).execute("SELECT COUNT(*) FROM threads").fetchone() == (2,)


def test_db_purge_purges_old_questions_replies_and_handled_events_and_says_how_many(tmp_path: Path) -> None:
    import json
    import time

    from bridgebot.tracking import inbox

    store = _db_with_threads(tmp_path / "bb.db")  # both threads opened in 1970: older than 90 days
    now = time.time()
    with store.transaction() as db:
        open_thread(db, channel_id="C1", thread_ts=f"{now:.6f}", author_id="U1", opened_at=now,
                    customer_team_id="T_EXT", text="a question asked today")
        outbox.enqueue(db, method="chat.postMessage", at=now, payload={"channel": "C1", "text": "today's reply"})
        db.execute("UPDATE outbox SET status = 'sent' WHERE created_at = ?", [now])
        body = {"event": {"text": "what the customer wrote"}}
        for key, at, done in (("EvOldDone", 1000.0, True), ("EvOldPending", 1001.0, False), ("EvNew", now, True)):
            item_id = inbox.add(db, event_key=key, kind="message", lane="C1", body=body, at=at)
            if done:
                inbox.mark_done(db, item_id, at)
    result = CliRunner().invoke(cli, ["db", "purge", "--db", str(tmp_path / "bb.db"), "--days", "90"])
    assert result.exit_code == 0, result.output
    assert "purged text older than 90 days: 2 questions, 1 replies" in result.output
    assert store.db.execute("SELECT text FROM threads ORDER BY id").fetchall() == [
        (None,), (None,), ("a question asked today",)]
    assert [json.loads(p) for (p,) in store.db.execute("SELECT payload FROM outbox ORDER BY id")] == [
        {}, {"channel": "C1", "text": "today's reply"}]
    events = {k: json.loads(b) for k, b in store.db.execute("SELECT event_key, body FROM inbox")}
    assert events == {"EvOldDone": {}, "EvOldPending": body, "EvNew": body}  # a pending event is still to handle


def test_a_backup_whose_file_cannot_be_created_says_why(tmp_path: Path, monkeypatch) -> None:
    """A destination SQLite cannot create (a read-only folder for a non-root user; simulated, as
    this test may run as root): the message is SQLite's reason, not a complaint about the missing copy."""
    _db_with_threads(tmp_path / "bb.db")
    real_connect = sqlite3.connect

    def connect(database, *args, **kwargs):
        if str(database).endswith("copy.db"):
            raise sqlite3.OperationalError("unable to open database file")
        return real_connect(database, *args, **kwargs)

    monkeypatch.setattr(sqlite3, "connect", connect)
    result = CliRunner().invoke(cli, ["db", "backup", "--db", str(tmp_path / "bb.db"), str(tmp_path / "copy.db")])
    assert result.exit_code == 1
    assert f"cannot back up {tmp_path / 'bb.db'}: unable to open database file" in result.output
    assert not (tmp_path / "copy.db").exists()
