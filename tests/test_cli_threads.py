"""`bridgebot threads [--db PATH] [--status open|claimed|resolved] [--format table|json]`."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from bridgebot.cli import cli
from bridgebot.tracking import Store, open_thread, transition
from bridgebot.tracking.threads import record_reply


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    path = tmp_path / "bb.db"
    store = Store(path)
    with store.transaction() as db:
        db.execute("INSERT INTO customer_orgs (team_id, name) VALUES ('T_EXT', 'Acme Inc')")
        a = open_thread(db, channel_id="C1", thread_ts="1764460800.000100", author_id="U_DEV",
                        opened_at=1764460800.0001, customer_team_id="T_EXT", text="q1",
                        operations=["POST /v0/transfers"])
        b = open_thread(db, channel_id="C2", thread_ts="1764464400.000100", author_id="U_DEV2",
                        opened_at=1764464400.0001, customer_team_id="T_OTHER", text="q2")
        open_thread(db, channel_id="C1", thread_ts="1764468000.000100", author_id="U_DEV",
                    opened_at=1764468000.0001, customer_team_id=None, text="q3")
        transition(db, a, "claim", by="U_SPEC", at=1764461000.0)
        record_reply(db, a, user_id="U_SPEC", internal=True, at=1764461100.0)
        transition(db, a, "resolve", by="U_SPEC", at=1764462000.0)
        transition(db, b, "claim", by="U_SPEC2", at=1764465000.0)
    return path


def run(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(cli, ["threads", *args], env={"BRIDGEBOT_CONFIG": ""})
    return result.exit_code, result.output if result.exit_code == 0 else result.stderr


def test_json_has_the_documented_shape_oldest_first(db_path: Path) -> None:
    code, out = run("--db", str(db_path), "--format", "json")
    assert code == 0
    rows = json.loads(out)
    assert rows[0] == {
        "id": "BB-1", "status": "resolved", "channel": "C1", "customer": "Acme Inc", "author": "U_DEV",
        "claimed_by": "U_SPEC", "opened_at": "2025-11-30T00:00:00Z", "first_response_at": "2025-11-30T00:05:00Z",
        "resolved_at": "2025-11-30T00:20:00Z", "operations": ["POST /v0/transfers"], "reply_errors": []}
    assert [r["id"] for r in rows] == ["BB-1", "BB-2", "BB-3"]
    assert [r["status"] for r in rows] == ["resolved", "claimed", "open"]
    assert rows[1]["customer"] == "T_OTHER" and rows[2]["customer"] is None  # no name known: the team id


@pytest.mark.parametrize("status, ids", [("open", ["BB-3"]), ("claimed", ["BB-2"]), ("resolved", ["BB-1"])])
def test_status_filters(db_path: Path, status: str, ids: list[str]) -> None:
    code, out = run("--db", str(db_path), "--status", status, "--format", "json")
    assert code == 0 and [r["id"] for r in json.loads(out)] == ids


def test_table_for_people(db_path: Path) -> None:
    code, out = run("--db", str(db_path))
    lines = out.splitlines()
    assert lines[0].split()[:3] == ["ID", "STATUS", "CHANNEL"]
    assert lines[1].split()[:4] == ["BB-1", "resolved", "C1", "Acme"]
    assert "POST /v0/transfers" in lines[1] and lines[-1] == "3 threads."


def test_db_from_the_environment_and_errors(db_path: Path, tmp_path: Path) -> None:
    result = CliRunner().invoke(cli, ["threads", "--format", "json"], env={"BRIDGEBOT_DB": str(db_path),
                                                                          "BRIDGEBOT_CONFIG": ""})
    assert result.exit_code == 0 and len(json.loads(result.output)) == 3
    code, err = run("--db", str(tmp_path / "nope.db"))
    assert code == 1 and "nope.db does not exist" in err
    code, err = run("--db", str(db_path), "--status", "pending")
    assert code == 2 and "'pending' is not one of 'open', 'claimed', 'resolved'" in err


def test_a_reply_slack_refused_for_good_shows_on_its_thread(db_path: Path) -> None:
    """Issue 6: a permanent error (the channel is archived) is visible in `bridgebot threads`."""
    from bridgebot.tracking import outbox

    with Store(db_path).transaction() as db:
        item = outbox.enqueue(db, method="chat.postMessage", payload={"channel": "C2", "text": "hi"}, at=1.0,
                              thread_id=2)
        outbox.mark_retry(db, outbox.due(db, 1.0)[0], 1.0, "is_archived", permanent=True)
        assert item
    code, out = run("--db", str(db_path), "--format", "json")
    assert [r["reply_errors"] for r in json.loads(out)] == [[], ["chat.postMessage: is_archived"], []]
    code, out = run("--db", str(db_path))
    assert "the bot's reply could not be posted: chat.postMessage: is_archived" in out
