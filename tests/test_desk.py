"""The support desk at its own API (no Slack, no HTTP): what a user would see change.

Each test fails on a named one-line break (see benchmarks/mutation.md): dedupe switched off,
a renamed channel left behind, an edit adding a key without a warning, release doing nothing,
a reopen leaving the bot's reply stale, stored text not cut, a claim while the first reply is
queued posting a second reply.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from bridgebot.desk import MAX_STORED_TEXT, Channel, Message, SupportDesk
from bridgebot.settings import Settings
from bridgebot.tracking import Store
from bridgebot.tracking import threads as th

CHAN = "C_ACME"
DEV, SPEC = "U_DEV", "U_SPEC"
KEY = "sk-live-4f3c2b1a0e9d8c7b6a5f4e3d2c1b9f2c"
PASTE = ("transfer fails:\n```curl -X POST https://api.bridge.xyz/v0/transfers -H 'Api-Key: $BRIDGE_KEY' "
         "-H 'Idempotency-Key: 5c3b1c9e-1111-4a2b-9c3d-0123456789ab' -H 'Content-Type: application/json' "
         "-d '{\"amount\": \"10.0\", \"on_behalf_of\": \"cust_1\", "
         "\"source\": {\"payment_rail\": \"ethereum\", \"currency\": \"usdc\"}, "
         "\"destination\": {\"payment_rail\": \"ethereum\", \"currency\": \"usdcc\", \"to_address\": \"0xabc\"}}'```")


class FakeDirectory:
    bot_user_id = "U_BOT"
    bot_id = "B_BOT"

    def is_internal(self, user_id: str, team_id: str | None) -> bool:
        return team_id == "T_HOME"

    def channel(self, channel_id: str) -> Channel:
        return Channel(channel_id, is_support=True, customer_team_id="T_EXT", customer_name="Acme")

    def customer_name(self, team_id: str | None, channel_id: str) -> str | None:
        return "Acme"


class Clock:
    def __init__(self) -> None:
        self.now = 1_700_000_000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def desk(tmp_path: Path, bridge_specs) -> SupportDesk:
    return SupportDesk(Store(tmp_path / "bb.db"), bridge_specs, FakeDirectory(), Settings(), clock=Clock())


def ask(desk: SupportDesk, text: str = PASTE, ts: str = "1700000000.000100", event_id: str = "Ev1"):
    return desk.handle_message(event_id, Message(CHAN, ts, DEV, text, team_id="T_EXT"))


def rows(desk: SupportDesk, sql: str, params: list | None = None) -> list[tuple]:
    return [tuple(r) for r in desk.store.db.execute(sql, params or []).fetchall()]


def outbox(desk: SupportDesk) -> list[tuple[str, dict]]:
    """What the desk queued for the customer's channel (App Home refreshes, views.publish, aside)."""
    return [(m, json.loads(p)) for m, p in rows(desk, "SELECT method, payload FROM outbox WHERE method LIKE 'chat.%' "
                                                      "ORDER BY id")]


def posted(desk: SupportDesk, thread_id: int, ts: str = "1700000001.000200") -> None:
    """Slack took the first reply (what the deliverer records)."""
    with desk.store.transaction() as db:
        db.execute("UPDATE outbox SET status = 'sent' WHERE method = 'chat.postMessage'")
        th.set_bot_reply(db, thread_id, ts)


def test_a_redelivered_event_is_handled_once(desk: SupportDesk) -> None:
    first = ask(desk)
    again = ask(desk, event_id="Ev1")
    assert first.action == "opened" and again.action == "duplicate"
    assert rows(desk, "SELECT COUNT(*) FROM threads") == [(1,)]
    assert [m for m, _ in outbox(desk)] == ["chat.postMessage"]
    # A retried reply event is recorded once too (no second "awaiting" flip, no second reopen).
    reply = Message(CHAN, "1700000050.000100", SPEC, "looking", thread_ts="1700000000.000100", team_id="T_HOME")
    assert desk.handle_message("Ev2", reply).action == "reply"
    assert desk.handle_message("Ev2", reply).action == "duplicate"
    assert rows(desk, "SELECT COUNT(*) FROM thread_events WHERE kind = 'first_response'") == [(1,)]
    # A retried customer reply with a key in it warns the customer once, not once per delivery.
    leak = Message(CHAN, "1700000060.000100", DEV, f"tried Api-Key: {KEY}", thread_ts="1700000000.000100",
                   team_id="T_EXT")
    assert desk.handle_message("Ev3", leak).action == "reply"
    assert desk.handle_message("Ev3", leak).action == "duplicate"
    assert [m for m, _ in outbox(desk)] == ["chat.postMessage", "chat.postEphemeral"]
    # A retried edit is re-checked once: one update, one audit event.
    posted(desk, first.thread.id)
    assert desk.handle_edit("Ev4", CHAN, "1700000000.000100", PASTE + " again", DEV).action == "rechecked"
    assert desk.handle_edit("Ev4", CHAN, "1700000000.000100", PASTE + " again", DEV).action == "duplicate"
    assert rows(desk, "SELECT COUNT(*) FROM thread_events WHERE kind = 'edited'") == [(1,)]
    assert [m for m, _ in outbox(desk)].count("chat.update") == 1


def test_a_renamed_channel_keeps_its_threads_and_its_row(desk: SupportDesk) -> None:
    ask(desk)
    with desk.store.transaction() as db:
        db.execute("INSERT INTO channels (id, name, is_support) VALUES (?, 'acme', 1)", [CHAN])
    out = desk.handle_channel_id_changed("EvC", CHAN, "C_NEW")
    assert out.notes == ["1 threads moved"]
    assert rows(desk, "SELECT channel_id FROM threads") == [("C_NEW",)]
    assert rows(desk, "SELECT id, name FROM channels") == [("C_NEW", "acme")]
    assert desk.handle_channel_id_changed("EvC", CHAN, "C_NEW").action == "duplicate"


def test_a_renamed_channel_whose_new_id_is_known_drops_the_old_row(desk: SupportDesk) -> None:
    with desk.store.transaction() as db:
        db.execute("INSERT INTO channels (id, name, is_support) VALUES (?, 'old', 1)", [CHAN])
        db.execute("INSERT INTO channels (id, name, is_support) VALUES ('C_NEW', 'new', 1)")
    desk.handle_channel_id_changed("EvC", CHAN, "C_NEW")
    assert rows(desk, "SELECT id, name FROM channels") == [("C_NEW", "new")]


def test_an_edit_that_adds_a_key_warns_the_author_privately_and_stores_it_redacted(desk: SupportDesk) -> None:
    t = ask(desk).thread
    posted(desk, t.id)
    out = desk.handle_edit("EvE", CHAN, "1700000000.000100", PASTE.replace("$BRIDGE_KEY", KEY), DEV)
    assert out.action == "rechecked"
    sent = outbox(desk)
    warnings = [p for m, p in sent if m == "chat.postEphemeral"]
    assert len(warnings) == 1 and warnings[0]["user"] == DEV and "sk-live-…9f2c" in warnings[0]["text"]
    assert [m for m, _ in sent] == ["chat.postMessage", "chat.update", "chat.postEphemeral"]
    assert KEY not in json.dumps(sent)
    (text,) = rows(desk, "SELECT text FROM threads")[0]
    assert KEY not in text and "sk-live-…9f2c" in text


def test_release_gives_the_thread_back_and_updates_the_reply(desk: SupportDesk) -> None:
    t = ask(desk).thread
    posted(desk, t.id)
    kw = dict(user_id=SPEC, team_id="T_HOME", channel_id=CHAN)
    assert desk.handle_click("claim", t.id, interaction_id="I1", **kw).action == "claim"
    assert rows(desk, "SELECT assignee_id FROM threads") == [(SPEC,)]
    assert desk.handle_click("release", t.id, interaction_id="I2", **kw).action == "release"
    assert rows(desk, "SELECT assignee_id, claimed_at FROM threads") == [(None, None)]
    sent = outbox(desk)
    assert [m for m, _ in sent] == ["chat.postMessage", "chat.update", "chat.update"]
    assert f"claimed by <@{SPEC}>" in json.dumps(sent[1][1]["blocks"])
    assert "open · waiting for a specialist" in json.dumps(sent[2][1]["blocks"], ensure_ascii=False)
    again = desk.handle_click("release", t.id, interaction_id="I3", **kw)  # nothing to release: said so
    assert again.action == "error" and "claimed" in again.notes[0]


def test_a_customer_reopening_a_resolved_thread_updates_the_bots_reply(desk: SupportDesk) -> None:
    t = ask(desk).thread
    posted(desk, t.id)
    desk.handle_click("resolve", t.id, user_id=SPEC, team_id="T_HOME", channel_id=CHAN, interaction_id="I1")
    before = len(outbox(desk))
    out = desk.handle_message("Ev9", Message(CHAN, "1700000900.000100", DEV, "still broken",
                                             thread_ts="1700000000.000100", team_id="T_EXT"))
    assert "reopened" in out.notes
    assert rows(desk, "SELECT status FROM threads") == [("open",)]
    new = outbox(desk)[before:]
    assert [m for m, _ in new] == ["chat.update"]
    assert new[0][1]["ts"] == "1700000001.000200"
    shown = json.dumps(new[0][1]["blocks"], ensure_ascii=False)
    assert "open · waiting for a specialist" in shown and ":white_check_mark: resolved" not in shown


def test_the_stored_question_is_cut_to_length(desk: SupportDesk) -> None:
    ask(desk, text="why? " + "x" * (MAX_STORED_TEXT * 2))
    (text,) = rows(desk, "SELECT text FROM threads")[0]
    assert len(text) == MAX_STORED_TEXT and text.endswith("…")


def test_a_claim_while_the_first_reply_is_queued_rewrites_it_instead_of_posting_another(desk: SupportDesk) -> None:
    t = ask(desk).thread
    assert desk.handle_click("claim", t.id, user_id=SPEC, team_id="T_HOME", channel_id=CHAN,
                             interaction_id="I1").action == "claim"
    sent = outbox(desk)
    assert [m for m, _ in sent] == ["chat.postMessage"]
    assert SPEC in json.dumps(sent[0][1])  # the queued reply now says who claimed it


def test_an_external_click_changes_nothing(desk: SupportDesk) -> None:
    t = ask(desk).thread
    out = desk.handle_click("claim", t.id, user_id=DEV, team_id="T_EXT", channel_id=CHAN, interaction_id="I1")
    assert out.action == "refused"
    assert rows(desk, "SELECT assignee_id FROM threads") == [(None,)]
