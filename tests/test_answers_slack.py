"""End to end over HTTP: suggested docs in the first reply, the developer's two buttons, and a
specialist's marked answer found by the next similar question."""

from __future__ import annotations

import json
import time
import urllib.parse

import pytest

from fakeslack import block_action, message_event, slash_command
from slackapp import ACME, DEV, SPEC, start

QUESTION = "How do I create a liquidation address for a customer?"
Q_TS = "1700000000.000100"


def replies(bot) -> list:
    return bot.fake.successful_calls("chat.postMessage")


def ask(bot, text: str = QUESTION, ts: str = Q_TS, user: str = DEV, team: str = "T_EXT") -> None:
    status, _ = bot.post_event(message_event(ACME, user, text, ts=ts, team=team), event_id=f"Ev{ts.replace('.', '')}")
    assert status == 200
    bot.deliver()


def reply_in_thread(bot, user: str, team: str, text: str, ts: str, thread_ts: str = Q_TS) -> None:
    status, _ = bot.post_event(message_event(ACME, user, text, ts=ts, thread_ts=thread_ts, team=team),
                               event_id=f"Ev{ts.replace('.', '')}")
    assert status == 200


def message_shortcut(callback_id: str, user_id: str, team_id: str, channel_id: str, message: dict) -> str:
    payload = {"type": "message_action", "callback_id": callback_id, "trigger_id": "1.2.abc",
               "user": {"id": user_id, "team_id": team_id, "name": user_id.lower()},
               "team": {"id": "T_HOME", "domain": "bridge"}, "channel": {"id": channel_id, "name": "acme"},
               "message": message, "message_ts": message["ts"], "response_url": "http://127.0.0.1:9/hooks/x",
               "token": "verification-token", "api_app_id": "A_APP", "is_enterprise_install": False}
    return urllib.parse.urlencode({"payload": json.dumps(payload)})


def first_reply_blocks(bot) -> str:
    return json.dumps(replies(bot)[0].args["blocks"])


def test_a_question_without_a_paste_gets_suggestions_with_both_buttons(bot) -> None:
    ask(bot)
    (reply,) = replies(bot)
    blocks = first_reply_blocks(bot)
    assert "These pages may answer it" in blocks
    assert "create-a-liquidation-address|" in blocks  # the operation's docs link
    assert "bb_answered" in blocks and "bb_need_help" in blocks
    assert "create-a-liquidation-address" in reply.args["text"]  # the fallback text lists them too
    (row,) = bot.rows("SELECT suggested, choice FROM suggestions")
    assert json.loads(row[0])[0]["title"].startswith("POST /v0/customers/{customerID}/liquidation_addresses")
    assert row[1] is None


def test_a_question_nothing_answers_gets_no_suggestions_and_is_a_gap(bot) -> None:
    ask(bot, text="Is your office dog friendly on fridays?")
    blocks = first_reply_blocks(bot)
    assert "These pages may answer it" not in blocks and "bb_answered" not in blocks
    assert bot.rows("SELECT suggested FROM suggestions") == [("[]",)]


def test_this_answered_it_stores_the_choice_resolves_and_updates_the_reply(bot) -> None:
    ask(bot)
    ts = replies(bot)[0].response["ts"]
    status, _ = bot.post_form(block_action("bb_answered", "1", DEV, "T_EXT", ACME, ts, thread_ts=Q_TS))
    assert status == 200
    bot.deliver()
    assert bot.rows("SELECT choice, choice_by FROM suggestions") == [("answered", DEV)]
    assert bot.rows("SELECT status, resolved_by FROM threads") == [("resolved", DEV)]
    update = json.dumps(bot.fake.successful_calls("chat.update")[-1].args["blocks"])
    assert "said this answered it" in update and "bb_answered" not in update


def test_this_answered_it_leaves_the_thread_open_when_the_config_says_so(fake_slack, tmp_path, bridge_specs) -> None:
    running, stop = start(fake_slack, tmp_path, bridge_specs, answered_resolves=False)
    try:
        ask(running)
        ts = replies(running)[0].response["ts"]
        running.post_form(block_action("bb_answered", "1", DEV, "T_EXT", ACME, ts, thread_ts=Q_TS))
        running.deliver()
        assert running.rows("SELECT choice FROM suggestions") == [("answered",)]
        assert running.rows("SELECT status FROM threads") == [("open",)]
    finally:
        stop()


def test_i_still_need_help_pings_the_specialist_group(fake_slack, tmp_path, bridge_specs) -> None:
    fake_slack.set_handler("usergroups.users.list", lambda call: {"ok": True, "users": [SPEC]})
    running, stop = start(fake_slack, tmp_path, bridge_specs, specialist_group="S_SPECS")
    try:
        ask(running)
        ts = replies(running)[0].response["ts"]
        running.post_form(block_action("bb_need_help", "1", DEV, "T_EXT", ACME, ts, thread_ts=Q_TS))
        running.deliver()
        assert running.rows("SELECT choice FROM suggestions") == [("need_help",)]
        assert running.rows("SELECT status, awaiting FROM threads") == [("open", "us")]
        assert running.rows("SELECT bot_reply_ts FROM threads") == [(ts,)]  # still our reply, not the ping
        pings = [c for c in replies(running) if "<!subteam^S_SPECS>" in c.args["text"]]
        assert len(pings) == 1 and pings[0].args["thread_ts"] == Q_TS
        update = json.dumps(running.fake.successful_calls("chat.update")[-1].args["blocks"])
        assert "still needs help" in update and "bb_need_help" not in update
    finally:
        stop()


def test_i_still_need_help_pings_the_assignee_when_claimed(bot) -> None:
    ask(bot)
    ts = replies(bot)[0].response["ts"]
    bot.post_form(block_action("bb_claim", "1", SPEC, "T_HOME", ACME, ts))
    bot.post_form(block_action("bb_need_help", "1", DEV, "T_EXT", ACME, ts, thread_ts=Q_TS))
    bot.deliver()
    assert any(f"<@{SPEC}>" in c.args["text"] and "still needs help" in c.args["text"] for c in replies(bot))


def test_another_customer_cannot_answer_for_the_asker(bot) -> None:
    bot.fake.add_user("U_OTHER", team_id="T_EXT", name="other")
    ask(bot)
    ts = replies(bot)[0].response["ts"]
    bot.post_form(block_action("bb_answered", "1", "U_OTHER", "T_EXT", ACME, ts, thread_ts=Q_TS))
    bot.deliver()
    assert bot.rows("SELECT choice FROM suggestions") == [(None,)]
    assert bot.rows("SELECT status FROM threads") == [("open",)]
    assert any(c.args["user"] == "U_OTHER" and "Only the person who asked" in c.args["text"]
               for c in bot.fake.successful_calls("chat.postEphemeral"))


SECRET_ANSWER = ("For the wallet balance you want GET /v0/wallets/{walletID} — your key sk-live-9a8b7c6d5e4f3a2b1c0d9f2c "
                 "is visible here, rotate it. Balances update after the treasury sweep settles.")
NEXT = "When does the treasury sweep settle my wallet balance?"


def test_a_reply_marked_by_shortcut_is_suggested_to_the_next_similar_question(bot) -> None:
    ask(bot, text="My wallet balance is stale after the sweep, why?")
    reply_in_thread(bot, SPEC, "T_HOME", SECRET_ANSWER, ts="1700000100.000100")
    message = {"type": "message", "user": SPEC, "ts": "1700000100.000100", "thread_ts": Q_TS, "text": SECRET_ANSWER}
    status, _ = bot.post_form(message_shortcut("bb_mark_answer", SPEC, "T_HOME", ACME, message))
    assert status == 200
    notices = [c.args["text"] for c in bot.fake.successful_calls("chat.postEphemeral") if c.args["user"] == SPEC]
    assert any("Marked as the answer to BB-1" in n for n in notices)
    (row,) = bot.rows("SELECT answer, answered_by, marked_by, link FROM marked_answers")
    assert "sk-live-9a8b7c6d5e4f3a2b1c0d9f2c" not in row[0] and "sk-live-…9f2c" in row[0]
    assert row[1:3] == (SPEC, SPEC) and row[3]  # the permalink
    ask(bot, text=NEXT, ts="1700000200.000100")
    second = json.dumps(replies(bot)[-1].args["blocks"])
    assert "BB-1:" in second and "treasury sweep settles" in second
    assert "sk-live-9a8b7c6d5e4f3a2b1c0d9f2c" not in second


def bridge(bot, text: str, user: str, team: str) -> dict:
    """/bridge over HTTP: its answer is the ack's body, shown only to the caller."""
    status, body = bot.post_form(slash_command("/bridge", text, user, team, ACME))
    assert status == 200
    answer = json.loads(body)
    assert answer["response_type"] == "ephemeral"
    return answer


def test_bridge_answer_marks_the_latest_team_reply(bot) -> None:
    ask(bot, text="My wallet balance is stale after the sweep, why?")
    reply_in_thread(bot, SPEC, "T_HOME", "Looking into it", ts="1700000090.000100")
    reply_in_thread(bot, DEV, "T_EXT", "thanks", ts="1700000095.000100")
    reply_in_thread(bot, SPEC, "T_HOME", SECRET_ANSWER, ts="1700000100.000100")
    said = bridge(bot, "answer bb-1", SPEC, "T_HOME")
    assert "Marked as the answer to BB-1" in said["text"]
    (answer,) = bot.rows("SELECT answer FROM marked_answers")
    assert "treasury sweep" in answer[0]
    ask(bot, text=NEXT, ts="1700000200.000100")
    assert "BB-1:" in json.dumps(replies(bot)[-1].args["blocks"])


@pytest.mark.parametrize("text, expected", [
    ("answer BB-99", "BB-99 does not exist"),
    ("answer nope", "is not a thread id"),
    ("answer BB-1", "no reply from the team"),
    ("answer", "Usage: `/bridge answer BB-42`"),
])
def test_bridge_answer_says_what_is_wrong(bot, text: str, expected: str) -> None:
    ask(bot)
    assert expected in bridge(bot, text, SPEC, "T_HOME")["text"]
    assert bot.rows("SELECT COUNT(*) FROM marked_answers") == [(0,)]


def test_a_developer_cannot_mark_an_answer(bot) -> None:
    ask(bot)
    reply_in_thread(bot, SPEC, "T_HOME", "Use POST /v0/customers/{customerID}/liquidation_addresses",
                    ts="1700000100.000100")
    assert "for the support team" in bridge(bot, "answer BB-1", DEV, "T_EXT")["text"]
    assert bot.rows("SELECT COUNT(*) FROM marked_answers") == [(0,)]
