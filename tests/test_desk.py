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

from conftest import steady_checker

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
    return SupportDesk(Store(tmp_path / "bb.db"), bridge_specs, FakeDirectory(), Settings(), clock=Clock(),
                       checker=steady_checker(bridge_specs))


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
    assert '"action_id": "bb_claim"' in shown and '"action_id": "bb_resolve"' in shown  # its buttons are back


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


# --- What the rest of the desk does, seen from the outbox and the database (no Slack).

TRIAGE = "C_TRIAGE"


class TeamDirectory(FakeDirectory):
    """A workspace with an internal triage channel, an unnamed customer and a channel-less team."""

    def channel(self, channel_id: str) -> Channel:
        if channel_id == TRIAGE:
            return Channel(channel_id, is_support=False)
        if channel_id == "C_RANDOM":
            return Channel(channel_id, is_support=False)
        if channel_id == "C_BARE":
            return Channel(channel_id, is_support=True)  # no customer known from the channel
        return super().channel(channel_id)

    def customer_name(self, team_id: str | None, channel_id: str) -> str | None:
        return {"T_OTHER": "Other Co"}.get(team_id or "")

    def is_internal(self, user_id: str, team_id: str | None) -> bool:
        return team_id == "T_HOME" or user_id in ("U_OTHER", "U_LEAD")


def _desk(tmp_path: Path, specs, **settings) -> SupportDesk:
    return SupportDesk(Store(tmp_path / "bb.db"), specs, TeamDirectory(), Settings(**settings), clock=Clock(),
                       checker=steady_checker(specs))


def queued(desk: SupportDesk) -> list[tuple[str, dict]]:
    """Everything queued, Home tab refreshes included, in order."""
    return [(m, json.loads(p)) for m, p in rows(desk, "SELECT method, payload FROM outbox ORDER BY id")]


HOME = dict(user_id=SPEC, team_id="T_HOME")


@pytest.mark.parametrize("msg, action", [
    (Message(CHAN, "1.1", DEV, "hi team!", team_id="T_EXT"), "ignored: greeting or thanks"),
    (Message(CHAN, "1.1", DEV, "Thanks So Much :pray:", team_id="T_EXT"), "ignored: greeting or thanks"),
    (Message(CHAN, "1.1", DEV, "   ", team_id="T_EXT"), "ignored: greeting or thanks"),
    (Message(CHAN, "1.1", DEV, ("thanks " * 11).strip() + "!!!!", team_id="T_EXT"), "ignored: greeting or thanks"),
    (Message(CHAN, "1.1", DEV, PASTE, team_id="T_EXT", bot_id="B_OTHER"), "ignored: bot message"),
    (Message(CHAN, "1.1", DEV, PASTE, team_id="T_EXT", subtype="bot_message"), "ignored: bot message"),
    (Message(CHAN, "1.1", None, PASTE, team_id="T_EXT"), "ignored: bot message"),
    (Message(CHAN, "1.1", "U_BOT", PASTE, team_id="T_HOME"), "ignored: bot message"),
    (Message(CHAN, "1.1", DEV, PASTE, team_id="T_EXT", subtype="channel_join"), "ignored: channel_join"),
    (Message("C_RANDOM", "1.1", DEV, PASTE, team_id="T_EXT"), "ignored: not a support channel"),
    (Message(CHAN, "1.1", SPEC, PASTE, team_id="T_HOME"), "ignored: internal top-level message"),
], ids=["greeting", "thanks any case", "blank", "80 characters of thanks", "bot id", "bot subtype",
        "no user", "the bot itself", "join", "not support", "internal"])
def test_messages_that_are_not_a_customer_question_open_no_thread(tmp_path, bridge_specs, msg, action) -> None:
    desk = _desk(tmp_path, bridge_specs)
    assert desk.handle_message("EvX", msg).action == action
    assert rows(desk, "SELECT COUNT(*) FROM threads") == [(0,)] and outbox(desk) == []
    assert desk.handle_message("EvX", msg).action == "duplicate"  # marked handled all the same


@pytest.mark.parametrize("subtype", [None, "file_share", "thread_broadcast", "me_message"])
def test_a_question_with_a_file_a_broadcast_or_a_me_message_opens_a_thread(desk: SupportDesk, subtype) -> None:
    out = desk.handle_message("EvQ", Message(CHAN, "1700000000.000100", DEV, "why does this 400? " + "x" * 80,
                                             team_id="T_EXT", subtype=subtype))
    assert out.action == "opened"


def test_a_long_message_of_thanks_is_a_question(desk: SupportDesk) -> None:
    text = ("thanks " * 11).strip() + "!!!!!"  # 81 characters: not small talk any more
    assert desk.handle_message("EvQ", Message(CHAN, "1.1", DEV, text, team_id="T_EXT")).action == "opened"


def test_an_opened_thread_records_the_question_the_customer_and_queues_one_reply(tmp_path, bridge_specs,
                                                                                  caplog) -> None:
    desk = _desk(tmp_path, bridge_specs)
    with caplog.at_level("INFO", logger="bridgebot.desk"):
        out = desk.handle_message("Ev1", Message("C_BARE", "1700000000.000100", DEV, PASTE, team_id="T_OTHER"))
    t = out.thread
    assert out.action == "opened" and t.short_id == "BB-1"
    assert rows(desk, "SELECT channel_id, thread_ts, author_id, opened_at, customer_team_id, operations, "
                      "findings_count FROM threads") == [
        ("C_BARE", "1700000000.000100", DEV, 1700000000.0001, "T_OTHER", '["POST /v0/transfers"]', 1)]
    assert rows(desk, "SELECT team_id, name, updated_at FROM customer_orgs") == [("T_OTHER", "Other Co", 1_700_000_000.0)]
    ((method, payload),) = queued(desk)
    assert method == "chat.postMessage"
    assert sorted(payload) == ["blocks", "channel", "text", "thread_ts", "unfurl_links", "unfurl_media"]
    assert (payload["channel"], payload["thread_ts"], payload["unfurl_links"], payload["unfurl_media"]) == (
        "C_BARE", "1700000000.000100", False, False)
    assert "usdcc" in payload["text"]
    assert [r.getMessage() for r in caplog.records] == ["opened BB-1 in C_BARE for U_DEV (1 findings)"]


def test_a_customer_name_learnt_later_fills_in_and_an_unknown_one_keeps_the_old(tmp_path, bridge_specs) -> None:
    desk = _desk(tmp_path, bridge_specs)
    with desk.store.transaction() as db:
        db.execute("INSERT INTO customer_orgs (team_id, name, updated_at) VALUES ('T_OTHER', NULL, 1)")
        db.execute("INSERT INTO customer_orgs (team_id, name, updated_at) VALUES ('T_GONE', 'Gone Inc', 1)")
    desk.handle_message("Ev1", Message("C_BARE", "1.1", DEV, PASTE, team_id="T_OTHER"))
    desk.handle_message("Ev2", Message("C_BARE", "2.2", DEV, PASTE, team_id="T_GONE"))
    assert rows(desk, "SELECT team_id, name, updated_at FROM customer_orgs ORDER BY team_id") == [
        ("T_GONE", "Gone Inc", 1_700_000_000.0), ("T_OTHER", "Other Co", 1_700_000_000.0)]


def test_a_question_without_a_paste_is_acknowledged_only_when_configured(tmp_path, bridge_specs) -> None:
    quiet = _desk(tmp_path, bridge_specs, acknowledge_questions=False)
    quiet.handle_message("Ev1", Message(CHAN, "1.1", DEV, "how do refunds work with transfers?", team_id="T_EXT"))
    assert queued(quiet) == []
    quiet.handle_message("Ev2", Message(CHAN, "2.2", DEV, PASTE, team_id="T_EXT"))
    assert [m for m, _ in queued(quiet)] == ["chat.postMessage"]  # a paste always gets its check
    (tmp_path / "b").mkdir()
    loud = _desk(tmp_path / "b", bridge_specs)
    loud.handle_message("Ev1", Message(CHAN, "1.1", DEV, "how do refunds work with transfers?", team_id="T_EXT"))
    assert [m for m, _ in queued(loud)] == ["chat.postMessage"]


def test_a_question_showing_a_key_warns_its_author_privately(desk: SupportDesk) -> None:
    t = ask(desk, text=PASTE.replace("$BRIDGE_KEY", KEY)).thread
    (_, post), (method, warning) = outbox(desk)
    assert method == "chat.postEphemeral"
    assert sorted(warning) == ["channel", "text", "thread_ts", "user"]
    assert (warning["channel"], warning["user"], warning["thread_ts"]) == (CHAN, DEV, t.thread_ts)
    assert "sk-live-…9f2c" in warning["text"] and KEY not in json.dumps(post)
    (stored,) = rows(desk, "SELECT result FROM check_results")[0]
    assert KEY not in stored


def test_a_key_found_before_the_text_was_stored_redacted_is_still_warned_about(desk: SupportDesk) -> None:
    """The inbox redacts an event's text before storing it; the keys it found come along. The reply
    reads as if the key were still in the text, and a key in both is named once."""
    known = [{"kind": "bridge_api_key", "location": "header", "redacted": "sk-live-…9f2c"}]
    desk.handle_message("Ev1", Message(CHAN, "1.1", DEV, PASTE.replace("$BRIDGE_KEY", "sk-live-…9f2c"),
                                       team_id="T_EXT", secrets=known))
    desk.handle_message("Ev2", Message(CHAN, "2.2", DEV, PASTE.replace("$BRIDGE_KEY", KEY), team_id="T_EXT",
                                       secrets=known))
    (_, post1), (m1, warning1), (_, post2), (m2, warning2) = outbox(desk)
    expected = ("I checked what you pasted against the API reference.\n"
                "- A live key (sk-live-…9f2c) is visible in this message: rotate it now and delete the message; "
                "a key pasted in a shared channel is compromised.\n"
                "- `destination.currency` is `usdcc`, which is not one of `dai`, `eur`, `eurc`, `mxn`, `pyusd`, "
                "`usd`, `usdb`, `usdc`, `usdt`. Did you mean `usdc`?\n")
    assert (post1["text"], post2["text"]) == ("BB-1: " + expected, "BB-2: " + expected)
    assert m1 == m2 == "chat.postEphemeral"
    assert warning1["text"] == warning2["text"] == (
        ":warning: Your message in this channel shows a credential (sk-live-…9f2c). Everyone in this shared "
        "channel can read it: rotate it now in your dashboard and delete or edit the message. bridgebot has "
        "stored it redacted only.\n")


def test_a_customer_reply_in_a_claimed_thread_tells_the_claimer_and_warns_of_a_key(tmp_path, bridge_specs) -> None:
    desk = _desk(tmp_path, bridge_specs)
    t = desk.handle_message("Ev1", Message(CHAN, "1.1", DEV, PASTE, team_id="T_EXT")).thread
    desk.handle_click("claim", t.id, channel_id=CHAN, interaction_id="I1", **HOME)
    before = len(queued(desk))
    out = desk.handle_message("Ev2", Message(CHAN, "1.5", DEV, f"here: Api-Key: {KEY}", thread_ts="1.1",
                                             team_id="T_EXT"))
    assert out.action == "reply"
    new = queued(desk)[before:]
    assert [m for m, _ in new] == ["chat.postMessage", "chat.postEphemeral"]
    assert new[0][1] == {"channel": SPEC, "unfurl_links": False,
                         "text": f"<@{DEV}> (Acme) replied in *BB-1*, which you hold (<#{CHAN}>).\n"}
    assert (new[1][1]["user"], new[1][1]["thread_ts"], new[1][1]["channel"]) == (DEV, "1.1", CHAN)
    # A specialist's reply tells nobody, and a key in it gets no customer warning.
    before = len(queued(desk))
    out = desk.handle_message("Ev3", Message(CHAN, "1.6", SPEC, f"try Api-Key: {KEY}", thread_ts="1.1",
                                             team_id="T_HOME"))
    assert out.action == "reply" and "first_response" in out.notes and queued(desk)[before:] == []


def test_a_reply_in_an_untracked_thread_is_ignored(desk: SupportDesk) -> None:
    msg = Message(CHAN, "9.5", DEV, "anyone?", thread_ts="9.1", team_id="T_EXT")
    assert desk.handle_message("Ev1", msg).action == "ignored: reply in an untracked thread"
    assert desk.handle_message("Ev1", msg).action == "duplicate"


def test_an_edit_of_an_untracked_message_is_ignored_once(desk: SupportDesk) -> None:
    assert desk.handle_edit("EvE", CHAN, "9.1", "edited", DEV).action == "ignored: edit of an untracked message"
    assert desk.handle_edit("EvE", CHAN, "9.1", "edited", DEV).action == "duplicate"


def test_an_edit_that_adds_a_paste_to_an_unanswered_question_posts_the_check(tmp_path, bridge_specs) -> None:
    desk = _desk(tmp_path, bridge_specs, acknowledge_questions=False)
    desk.handle_message("Ev1", Message(CHAN, "1.1", DEV, "my transfer fails, any idea?", team_id="T_EXT"))
    desk.handle_edit("EvE1", CHAN, "1.1", "my transfer fails, any idea? still no", DEV)
    assert queued(desk) == []  # still nothing to check: still nothing to say
    out = desk.handle_edit("EvE2", CHAN, "1.1", PASTE, DEV)
    assert out.action == "rechecked"
    ((method, payload),) = queued(desk)
    assert method == "chat.postMessage" and payload["thread_ts"] == "1.1" and payload["channel"] == CHAN
    assert payload["unfurl_links"] is False and "usdcc" in payload["text"]
    assert rows(desk, "SELECT operations, findings_count FROM threads") == [('["POST /v0/transfers"]', 1)]


def test_an_edit_is_recorded_with_its_author(desk: SupportDesk) -> None:
    ask(desk)
    desk.handle_edit("EvE", CHAN, "1700000000.000100", PASTE.replace("usdcc", "usdc"), DEV)
    assert rows(desk, "SELECT findings_count FROM threads") == [(0,)]
    assert rows(desk, "SELECT kind, actor_id FROM thread_events WHERE kind = 'edited'") == [("edited", DEV)]


def test_clicks_that_change_nothing_say_why_privately(tmp_path, bridge_specs) -> None:
    desk = _desk(tmp_path, bridge_specs)
    t = desk.handle_message("Ev1", Message(CHAN, "1.1", DEV, PASTE, team_id="T_EXT")).thread
    out = desk.handle_click("release", t.id, channel_id=CHAN, interaction_id="I1", **HOME)
    assert out.action == "error" and out.thread.id == t.id
    (method, notice) = queued(desk)[-1]
    assert method == "chat.postEphemeral" and notice["user"] == SPEC and notice["thread_ts"] == "1.1"
    assert notice["text"] == out.notes[0] == "BB-1 is not claimed by anyone, so there is nothing to release.\n"
    out = desk.handle_click("claim", 99, channel_id=CHAN, interaction_id="I2", **HOME)
    assert out.action == "missing" and out.notes == ["There is no thread BB-99.\n"]
    (method, notice) = queued(desk)[-1]
    assert (method, notice) == ("chat.postEphemeral", {"channel": CHAN, "user": SPEC,
                                                       "text": "There is no thread BB-99.\n"})
    # From the Home tab there is no channel: the notice comes as a direct message.
    out = desk.handle_click("claim", 99, channel_id="", interaction_id="I3", **HOME)
    assert queued(desk)[-1] == ("chat.postMessage", {"channel": SPEC, "text": "There is no thread BB-99.\n"})
    assert desk.handle_click("claim", 99, channel_id="", interaction_id="I3", **HOME).action == "duplicate"
    out = desk.handle_click("claim", t.id, user_id=DEV, team_id="T_EXT", channel_id=CHAN, interaction_id="I4")
    assert out.action == "refused" and out.notes[0].startswith("Thanks for offering! Claiming a thread")
    assert desk.handle_click("claim", t.id, user_id=DEV, team_id="T_EXT", channel_id=CHAN,
                             interaction_id="I4").action == "duplicate"


def test_a_claim_refreshes_the_home_tabs_of_everyone_concerned(tmp_path, bridge_specs) -> None:
    desk = _desk(tmp_path, bridge_specs)
    t = desk.handle_message("Ev1", Message(CHAN, "1.1", DEV, PASTE, team_id="T_EXT")).thread
    desk.handle_click("claim", t.id, channel_id=CHAN, interaction_id="I1", **HOME)
    res = desk.act("assign", t.id, user_id="U_LEAD", team_id="T_HOME", assignee_id="U_OTHER")
    assert res.status == "done" and res.message.strip() == "BB-1 is now assigned to <@U_OTHER>."
    homes = [p["user_id"] for m, p in queued(desk) if m == "views.publish"]
    assert homes == [SPEC, SPEC, "U_OTHER", "U_LEAD"]
    (view,) = [p["view"] for m, p in queued(desk) if m == "views.publish"][-2:-1]
    assert view["type"] == "home" and "BB-1" in json.dumps(view)


def test_assigning_to_someone_outside_the_team_is_refused(desk: SupportDesk) -> None:
    t = ask(desk).thread
    res = desk.act("assign", t.id, user_id=SPEC, team_id="T_HOME", assignee_id="U_CUSTOMER")
    assert (res.status, res.message.strip()) == (
        "refused", "<@U_CUSTOMER> is not on the support team, so a thread cannot be assigned to them.")
    assert rows(desk, "SELECT assignee_id FROM threads") == [(None,)]


def test_slash_bridge_claim_and_note_by_id_or_by_link(tmp_path, bridge_specs) -> None:
    from bridgebot.commands import Caller, ThreadRef

    desk = _desk(tmp_path, bridge_specs, triage_channel=TRIAGE)
    desk.handle_message("Ev1", Message(CHAN, "1.1", DEV, PASTE, team_id="T_EXT"))
    me = Caller(SPEC, "T_HOME", CHAN)
    assert desk.act_answer("claim", ThreadRef("BB-1", id=1), me).text.strip() == (
        "You claimed BB-1. It is in `/bridge mine` and on your Home tab.")
    assert desk.act_answer("release", ThreadRef("link", channel_id=CHAN, ts="1.1"), me).text.strip() == (
        "You released BB-1; it is back in the queue.")
    assert desk.act_answer("claim", ThreadRef("BB-7", id=7), me).text.strip() == "There is no thread BB-7."
    answer = desk.note_answer(ThreadRef("BB-1", id=1), me, f"customer pasted Api-Key: {KEY} " + "y" * 5000)
    assert answer.text.strip() == f"Note saved on BB-1 and posted in <#{TRIAGE}>. The customer does not see it."
    (note,) = rows(desk, "SELECT author_id, text FROM thread_notes")
    assert note[0] == SPEC and KEY not in note[1] and "sk-live-…9f2c" in note[1]
    assert len(note[1]) == MAX_STORED_TEXT and note[1].endswith("…")
    (method, posted_note) = queued(desk)[-1]
    assert method == "chat.postMessage" and posted_note["channel"] == TRIAGE and posted_note["unfurl_links"] is False
    assert posted_note["text"].startswith(f":memo: Note on *BB-1* (Acme, <#{CHAN}>) from <@{SPEC}>:")
    assert KEY not in posted_note["text"]
    assert desk.note_answer(ThreadRef("BB-9", id=9), me, "x").text.strip() == "There is no thread BB-9."


def test_a_note_is_never_posted_where_customers_read(tmp_path, bridge_specs, caplog) -> None:
    from bridgebot.commands import Caller, ThreadRef

    desk = _desk(tmp_path, bridge_specs, triage_channel=CHAN)  # a shared channel: misconfigured
    desk.handle_message("Ev1", Message(CHAN, "1.1", DEV, PASTE, team_id="T_EXT"))
    with caplog.at_level("ERROR", logger="bridgebot.desk"):
        answer = desk.note_answer(ThreadRef("BB-1", id=1), Caller(SPEC, "T_HOME", CHAN), "short note")
    assert answer.text.strip() == "Note saved on BB-1. The customer does not see it."
    assert rows(desk, "SELECT text FROM thread_notes") == [("short note",)]
    assert [m for m, _ in queued(desk)] == ["chat.postMessage"]  # only the thread's own reply
    assert [r.getMessage() for r in caplog.records] == [
        f"[desk] triage_channel {CHAN} is a support channel; notes and reminders are not posted there"]


def test_the_queue_lists_unclaimed_threads_and_mine_lists_mine(tmp_path, bridge_specs) -> None:
    desk = _desk(tmp_path, bridge_specs, first_response_target=3600.0)
    desk.handle_message("Ev1", Message(CHAN, "1699999000.000100", DEV, PASTE, team_id="T_EXT"))
    desk.handle_message("Ev2", Message(CHAN, "1699999500.000100", DEV, "and refunds?", team_id="T_EXT"))
    text = desk.queue_answer(None).text
    assert text.startswith("Unclaimed threads, oldest first (2):")
    assert "*BB-1* · Acme · <#C_ACME> · waiting 16m · 43m left to first response" in text
    desk.act("claim", 2, **HOME)
    mine = desk.queue_answer(SPEC).text
    assert mine.startswith("Your claimed threads (1):") and "*BB-2*" in mine and "*BB-1*" not in mine


def test_reactions_claim_and_resolve_and_others_are_ignored(tmp_path, bridge_specs) -> None:
    desk = _desk(tmp_path, bridge_specs)
    t = desk.handle_message("Ev1", Message(CHAN, "1.1", DEV, PASTE, team_id="T_EXT")).thread
    kw = dict(channel_id=CHAN, ts="1.1", team_id="T_HOME")
    assert desk.handle_reaction("Er0", user_id=SPEC, reaction="tada", **kw).action == "ignored: reaction"
    assert desk.handle_reaction("Er1", user_id="U_BOT", reaction="eyes", **kw).action == "ignored: reaction"
    assert desk.handle_reaction("Er2", user_id=SPEC, reaction="eyes", channel_id=CHAN, ts="5.5",
                                team_id="T_HOME").action == "ignored: reaction on an untracked message"
    out = desk.handle_reaction("Er3", user_id=SPEC, reaction="eyes", **kw)
    assert out.action == "claim" and out.thread.id == t.id
    assert rows(desk, "SELECT assignee_id FROM threads") == [(SPEC,)]
    assert desk.handle_reaction("Er3", user_id=SPEC, reaction="eyes", **kw).action == "duplicate"
    before = len(queued(desk))
    out = desk.handle_reaction("Er4", user_id=DEV, reaction="white_check_mark", channel_id=CHAN, ts="1.1",
                               team_id="T_EXT")
    assert out.action == "external" and rows(desk, "SELECT status FROM threads") == [("open",)]
    ((method, notice),) = queued(desk)[before:]
    assert (method, notice["user"], notice["thread_ts"]) == ("chat.postEphemeral", DEV, "1.1")
    assert notice["text"].startswith("Thanks! Claiming and resolving threads is for the support team")
    assert desk.handle_reaction("Er4", user_id=DEV, reaction="white_check_mark", channel_id=CHAN, ts="1.1",
                                team_id="T_EXT").action == "duplicate"
    out = desk.handle_reaction("Er5", user_id=SPEC, reaction="white_check_mark", **kw)
    assert out.action == "resolve" and rows(desk, "SELECT status FROM threads") == [("resolved",)]
    before = len(queued(desk))
    out = desk.handle_reaction("Er6", user_id=SPEC, reaction="white_check_mark", **kw)
    assert out.action == "refused" and out.thread.id == t.id
    assert [m for m, _ in queued(desk)[before:]] == ["chat.postEphemeral"]


def test_the_claim_shortcut_works_on_any_message_of_a_thread(tmp_path, bridge_specs) -> None:
    desk = _desk(tmp_path, bridge_specs)
    desk.handle_message("Ev1", Message(CHAN, "1.1", DEV, PASTE, team_id="T_EXT"))
    desk.handle_message("Ev2", Message(CHAN, "2.2", DEV, "and refunds?", team_id="T_EXT"))
    assert desk.handle_shortcut(user_id=DEV, team_id="T_EXT", channel_id=CHAN, message_ts="1.1",
                                thread_ts=None).text.startswith("Thanks! Claiming and resolving threads")
    assert desk.handle_shortcut(channel_id=CHAN, message_ts="1.7", thread_ts="1.1", **HOME).text.strip() == (
        "You claimed BB-1. It is in `/bridge mine` and on your Home tab.")
    assert desk.handle_shortcut(channel_id=CHAN, message_ts="2.2", thread_ts=None, **HOME).text.strip() == (
        "You claimed BB-2. It is in `/bridge mine` and on your Home tab.")
    assert desk.handle_shortcut(channel_id=CHAN, message_ts="3.3", thread_ts="3.3", **HOME).text.startswith(
        "That link is not a tracked thread's question")
    assert rows(desk, "SELECT assignee_id FROM threads ORDER BY id") == [(SPEC,), (SPEC,)]


def test_the_home_tab_shows_mine_the_queue_and_today(tmp_path, bridge_specs) -> None:
    desk = _desk(tmp_path, bridge_specs)
    for n in range(18):
        desk.handle_message(f"Ev{n}", Message(CHAN, f"{1699990000 + n}.000100", DEV, f"question {n}? " + "z" * 90,
                                              team_id="T_EXT"))
    desk.act("claim", 1, **HOME)
    view = desk.home_view(SPEC, "T_HOME")
    shown = json.dumps(view, ensure_ascii=False)
    assert view["type"] == "home"
    assert "My claimed threads (1)" in shown and "Unclaimed queue (17)" in shown
    assert "*BB-1*" in shown and "*BB-16*" in shown and "*BB-17*" not in shown  # 15 of the 17 unclaimed shown
    assert "…and 2 more: `/bridge queue` lists them all." in shown  # the other two, counted (not "11")
    assert "18 opened" in shown
    outsider = json.dumps(desk.home_view(DEV, "T_EXT"), ensure_ascii=False)
    assert "BB-" not in outsider and "Unclaimed queue" not in outsider and "My claimed" not in outsider
    assert "post it in your shared support channel" in outsider
    desk.publish_home(SPEC, "T_HOME")
    assert queued(desk)[-1] == ("views.publish", {"user_id": SPEC, "view": view})


def test_reminders_go_once_to_triage_for_threads_nearing_their_target(tmp_path, bridge_specs) -> None:
    desk = _desk(tmp_path, bridge_specs, triage_channel=TRIAGE, first_response_target=1000.0)
    now = desk.clock()
    desk.handle_message("Ev1", Message(CHAN, f"{now - 900:.6f}", DEV, PASTE, team_id="T_EXT"))   # 90% used
    desk.handle_message("Ev2", Message(CHAN, f"{now - 700:.6f}", DEV, "refunds?", team_id="T_EXT"))  # 70%
    desk.handle_message("Ev3", Message(CHAN, f"{now - 1200:.6f}", DEV, "payouts?", team_id="T_EXT"))  # overdue
    assert desk.send_reminders() == 2
    sent = [p for m, p in queued(desk) if p.get("channel") == TRIAGE and m == "chat.postMessage"]
    assert sent == [
        {"channel": TRIAGE, "unfurl_links": False,
         "text": f":hourglass_flowing_sand: *BB-3* (Acme, <#{CHAN}>) has waited 20m with no reply and no one on it: "
                 "the first-response target passed 3m ago. `/bridge claim BB-3`\n"},
        {"channel": TRIAGE, "unfurl_links": False,
         "text": f":hourglass_flowing_sand: *BB-1* (Acme, <#{CHAN}>) has waited 15m with no reply and no one on it: "
                 "1m left to the first-response target. `/bridge claim BB-1`\n"}]
    assert desk.send_reminders() == 0  # each once
    assert desk.send_reminders(now=now + 200) == 1  # BB-2 has used 90% of its target now


def test_reminders_need_a_target_and_a_triage_channel(tmp_path, bridge_specs) -> None:
    for n, settings in enumerate([dict(first_response_target=1000.0), dict(triage_channel=TRIAGE)]):
        (tmp_path / str(n)).mkdir()
        desk = _desk(tmp_path / str(n), bridge_specs, **settings)
        desk.handle_message("Ev1", Message(CHAN, f"{desk.clock() - 90_000:.6f}", DEV, "payouts?", team_id="T_EXT"))
        assert desk.send_reminders() == 0
        assert [m for m, _ in queued(desk)] == ["chat.postMessage"]  # the thread's reply only


def test_the_customer_is_named_from_settings_then_the_team_then_its_id(tmp_path, bridge_specs) -> None:
    desk = _desk(tmp_path, bridge_specs, customers={"C_NAMED": "Named Corp"})
    desk.handle_message("Ev1", Message("C_BARE", "1.1", DEV, "q1?", team_id="T_OTHER"))
    desk.handle_message("Ev2", Message("C_BARE", "2.2", DEV, "q2?", team_id="T_NONAME"))
    desk.handle_message("Ev3", Message("C_BARE", "3.3", DEV, "q3?", team_id=None))
    desk.handle_message("Ev4", Message("C_NAMED", "4.4", DEV, "q4?", team_id="T_EXT"))
    text = desk.queue_answer(None).text
    assert "*BB-1* · Other Co" in text and "*BB-2* · T_NONAME" in text and "*BB-3* · unknown customer" in text
    assert "*BB-4* · Named Corp" in text


def test_a_paste_the_checker_cannot_read_is_tracked_with_the_reason(tmp_path, bridge_specs) -> None:
    from bridgebot.check import UnreadablePaste

    def unreadable(text: str):
        raise UnreadablePaste("this paste is 2 MB: too large to check")

    desk = SupportDesk(Store(tmp_path / "bb.db"), bridge_specs, TeamDirectory(),
                       Settings(acknowledge_questions=False), clock=Clock(), checker=unreadable)
    out = desk.handle_message("Ev1", Message(CHAN, "1.1", DEV, PASTE.replace("$BRIDGE_KEY", KEY), team_id="T_EXT"))
    assert out.action == "opened" and out.thread.findings_count == 0
    assert [m for m, _ in queued(desk)] == ["chat.postEphemeral"]  # nothing to show but the key warning
    (stored,) = rows(desk, "SELECT result FROM check_results")[0]
    assert json.loads(stored)["problems"] == ["this paste is 2 MB: too large to check"]


def test_a_message_whose_thread_ts_is_its_own_ts_is_a_question(desk: SupportDesk) -> None:
    msg = Message(CHAN, "1700000000.000100", DEV, PASTE, thread_ts="1700000000.000100", team_id="T_EXT")
    assert desk.handle_message("Ev1", msg).action == "opened"


def test_a_thread_from_before_results_were_stored_is_rechecked_from_its_text_only_if_stored_whole(
        tmp_path, bridge_specs) -> None:
    # 4,000 characters take a while on a loaded machine: a budget that never cuts the check short.
    desk = SupportDesk(Store(tmp_path / "bb.db"), bridge_specs, FakeDirectory(), Settings(), clock=Clock(),
                       checker=steady_checker(bridge_specs))
    whole = ask(desk, text=PASTE + " " + "x" * (MAX_STORED_TEXT - 2 - len(PASTE))).thread  # 3,999 characters
    cut = ask(desk, text=PASTE + " " + "x" * MAX_STORED_TEXT, ts="1700000100.000100", event_id="Ev2").thread
    assert [len(t) for (t,) in rows(desk, "SELECT text FROM threads ORDER BY id")] == [MAX_STORED_TEXT - 1,
                                                                                       MAX_STORED_TEXT]
    with desk.store.transaction() as db:
        db.execute("DELETE FROM check_results")
    for t in (whole, cut):
        desk.handle_click("claim", t.id, user_id=SPEC, team_id="T_HOME", channel_id=CHAN, interaction_id=f"I{t.id}")
    first, second = [json.dumps(p["blocks"]) for m, p in outbox(desk) if m == "chat.postMessage"]
    assert "usdcc" in first  # re-checked from the stored text
    assert "usdcc" not in second and f"claimed by <@{SPEC}>" in second  # a cut text is not checked again


def test_the_same_question_delivered_under_two_event_ids_opens_one_thread(desk: SupportDesk) -> None:
    assert ask(desk, event_id="EvA").action == "opened"
    assert ask(desk, event_id="EvB").action == "duplicate"
    assert rows(desk, "SELECT COUNT(*) FROM threads") == [(1,)] and len(outbox(desk)) == 1


def test_a_reply_records_when_and_a_reopen_refreshes_the_claimers_home(tmp_path, bridge_specs) -> None:
    desk = _desk(tmp_path, bridge_specs)
    t = desk.handle_message("Ev1", Message(CHAN, "1.1", DEV, PASTE, team_id="T_EXT")).thread
    desk.handle_message("Ev2", Message(CHAN, "1.25", SPEC, "on it", thread_ts="1.1", team_id="T_HOME"))
    assert rows(desk, "SELECT first_response_at, first_responder_id FROM threads") == [(1.25, SPEC)]
    desk.act("claim", t.id, **HOME)
    desk.act("resolve", t.id, **HOME)
    before = len(queued(desk))
    out = desk.handle_message("Ev3", Message(CHAN, "1.5", DEV, "not fixed", thread_ts="1.1", team_id="T_EXT"))
    assert "reopened" in out.notes
    # (The first reply is still queued: it is rewritten, not edited.)
    assert [(m, p.get("user_id") or p.get("channel")) for m, p in queued(desk)[before:]] == [
        ("views.publish", SPEC), ("chat.postMessage", SPEC)]


def test_slash_bridge_from_a_customer_changes_nothing(tmp_path, bridge_specs) -> None:
    from bridgebot.commands import Caller, ThreadRef

    desk = _desk(tmp_path, bridge_specs)
    desk.handle_message("Ev1", Message(CHAN, "1.1", DEV, PASTE, team_id="T_EXT"))
    answer = desk.act_answer("resolve", ThreadRef("BB-1", id=1), Caller(DEV, "T_EXT", CHAN))
    assert answer.text.startswith("Thanks for trying! `/bridge` is for the support team's specialists")
    assert rows(desk, "SELECT status FROM threads") == [("open",)]


def test_a_change_is_logged_with_who_made_it(tmp_path, bridge_specs, caplog) -> None:
    desk = _desk(tmp_path, bridge_specs, triage_channel=TRIAGE, first_response_target=100.0)
    desk.handle_message("Ev1", Message(CHAN, f"{desk.clock() - 500:.6f}", DEV, PASTE, team_id="T_EXT"))
    with caplog.at_level("INFO", logger="bridgebot.desk"):
        caplog.clear()
        assert desk.send_reminders() == 1
        desk.act("claim", 1, **HOME)
    assert [r.getMessage() for r in caplog.records] == ["reminded the triage channel of 1 thread(s)",
                                                        f"claim BB-1 by {SPEC}"]


def test_without_a_triage_channel_nothing_is_said_about_one(tmp_path, bridge_specs, caplog) -> None:
    from bridgebot.commands import Caller, ThreadRef

    desk = _desk(tmp_path, bridge_specs)
    desk.handle_message("Ev1", Message(CHAN, "1.1", DEV, PASTE, team_id="T_EXT"))
    with caplog.at_level("WARNING", logger="bridgebot.desk"):
        answer = desk.note_answer(ThreadRef("BB-1", id=1), Caller(SPEC, "T_HOME", CHAN), "a note")
    assert answer.text.strip() == "Note saved on BB-1. The customer does not see it."
    assert caplog.records == []


def test_a_reply_slack_refused_is_posted_again_when_the_thread_changes(desk: SupportDesk) -> None:
    t = ask(desk).thread
    with desk.store.transaction() as db:
        db.execute("UPDATE outbox SET status = 'failed', started = 1 WHERE method = 'chat.postMessage'")
    desk.handle_click("claim", t.id, user_id=SPEC, team_id="T_HOME", channel_id=CHAN, interaction_id="I1")
    (_, first), (_, again) = outbox(desk)
    assert (again["channel"], again["thread_ts"], again["unfurl_links"]) == (CHAN, "1700000000.000100", False)
    assert f"claimed by <@{SPEC}>" in json.dumps(again["blocks"])


def test_an_answered_thread_shows_as_answered_in_the_queue(tmp_path, bridge_specs) -> None:
    desk = _desk(tmp_path, bridge_specs, first_response_target=3600.0)
    desk.handle_message("Ev1", Message(CHAN, "1699999000.000100", DEV, PASTE, team_id="T_EXT"))
    desk.handle_message("Ev2", Message(CHAN, "1699999100.000100", SPEC, "looking", thread_ts="1699999000.000100",
                                       team_id="T_HOME"))
    text = desk.queue_answer(None).text
    assert "*BB-1* · Acme · <#C_ACME> · waiting 16m · answered" in text


def test_each_handled_slack_event_is_remembered_with_its_type(tmp_path, bridge_specs) -> None:
    """The dedupe table says what each event was (what `bridgebot db` and an operator read)."""
    desk = _desk(tmp_path, bridge_specs)
    t = desk.handle_message("EvMsg", Message(CHAN, "1.1", DEV, PASTE, team_id="T_EXT")).thread
    desk.handle_message("EvHi", Message(CHAN, "2.2", DEV, "hi team", team_id="T_EXT"))
    desk.handle_message("EvReply", Message(CHAN, "1.5", SPEC, "on it", thread_ts="1.1", team_id="T_HOME"))
    desk.handle_edit("EvEdit", CHAN, "1.1", PASTE + " again", DEV)
    desk.handle_edit("EvEdit2", CHAN, "9.9", "not tracked", DEV)
    desk.handle_click("claim", t.id, channel_id=CHAN, interaction_id="I1", **HOME)
    desk.handle_click("claim", t.id, user_id=DEV, team_id="T_EXT", channel_id=CHAN, interaction_id="I2")
    desk.handle_reaction("EvR", user_id=SPEC, reaction="white_check_mark", channel_id=CHAN, ts="1.1",
                         team_id="T_HOME")
    out = desk.handle_channel_id_changed("EvC", CHAN, "C_NEW")
    assert (out.action, out.notes) == ("channel renamed", ["1 threads moved"])
    assert rows(desk, "SELECT event_id, type FROM slack_events ORDER BY event_id") == [
        ("EvC", "channel_id_changed"), ("EvEdit", "message_changed"), ("EvEdit2", "message_changed"),
        ("EvHi", "message"), ("EvMsg", "message"), ("EvR", "reaction_added"), ("EvReply", "message"),
        ("I1", "click:claim"), ("I2", "click:claim")]


def test_who_is_internal_is_the_directorys_answer_for_that_person(tmp_path, bridge_specs) -> None:
    desk = _desk(tmp_path, bridge_specs)
    assert desk.is_internal("U_LEAD", None) and desk.is_internal(DEV, "T_HOME")
    assert not desk.is_internal(DEV, "T_EXT") and not desk.is_internal(DEV, None)
    desk.handle_message("Ev1", Message(CHAN, "1.1", DEV, PASTE, team_id="T_EXT"))
    # A specialist whose team Slack did not say: known internal by who they are.
    answer = desk.handle_shortcut(user_id="U_LEAD", team_id=None, channel_id=CHAN, message_ts="1.1", thread_ts=None)
    assert answer.text.strip() == "You claimed BB-1. It is in `/bridge mine` and on your Home tab."


def test_a_claim_while_the_first_reply_is_being_posted_updates_it_afterwards_instead_of_posting_again(
        desk: SupportDesk) -> None:
    """The post's attempt began (it may be in Slack already) and is not confirmed: the claim is an
    update the deliverer sends after the post, with its ts; never a second post."""
    t = ask(desk).thread
    with desk.store.transaction() as db:
        db.execute("UPDATE outbox SET started = 1 WHERE method = 'chat.postMessage'")
    desk.handle_click("claim", t.id, user_id=SPEC, team_id="T_HOME", channel_id=CHAN, interaction_id="I1")
    (first_method, first), (method, update) = outbox(desk)
    assert (first_method, method) == ("chat.postMessage", "chat.update")
    assert f"claimed by <@{SPEC}>" not in json.dumps(first["blocks"])  # what may be posted already stays as it was
    assert (update["channel"], update["ts"]) == (CHAN, None)
    assert f"claimed by <@{SPEC}>" in json.dumps(update["blocks"])


def test_a_question_gets_the_docs_suggested_for_it_stored_and_in_its_reply(tmp_path, bridge_specs) -> None:
    from bridgebot.answers import Answers, DocSources, DocsIndex

    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "payouts.md").write_text("# Payouts guide\n\n## Cut-off times\n\n"
                                     "SEPA payouts sent before 14:00 CET settle the same day.\n")
    answers = Answers(DocsIndex(":memory:"))
    answers.refresh(bridge_specs, DocSources(str(docs), "https://docs.example.com"))
    desk = SupportDesk(Store(tmp_path / "bb.db"), bridge_specs, TeamDirectory(), Settings(), clock=Clock(),
                       answers=answers, checker=steady_checker(bridge_specs))
    desk.handle_message("Ev1", Message(CHAN, "1.1", DEV, "what is the cut-off time for SEPA payouts?",
                                       team_id="T_EXT"))
    ((suggested,),) = rows(desk, "SELECT suggested FROM suggestions")
    titles = [s["title"] for s in json.loads(suggested)]
    assert titles and "Cut-off times" in titles[0]
    (method, reply), = [q for q in queued(desk) if q[0] == "chat.postMessage"]
    assert "<https://docs.example.com/payouts#cut-off-times|Payouts guide › Cut-off times>" in json.dumps(
        reply["blocks"], ensure_ascii=False)
