"""End to end over real HTTP: signed Slack requests into `bridgebot serve`'s WSGI app, replies
out to a local Slack Web API that records every call."""

from __future__ import annotations

import json
import time

import pytest

from fakeslack import block_action, message_event
from slackapp import ACME, DEV, INTERNAL_ONLY, SIGNING_SECRET, SPEC, SPEC2, ManualClock, start

PASTE = """Getting a 400 here:
```
curl -X POST https://api.bridge.xyz/v0/transfers \\
  -H "Api-Key: sk-live-9a8b7c6d5e4f3a2b1c0d9f2c" -H 'Content-Type: application/json' \\
  -d '{"on_behalf_of": "cust_1", "amount": "10.00", "source": {"currency": "usd", "payment_rail": "ach"},
       "destination": {"currency": "usdcc", "payment_rail": "ethereum", "to_address": "0xabc"}}'
```"""
KEY = "sk-live-9a8b7c6d5e4f3a2b1c0d9f2c"


def replies(bot) -> list:
    return bot.fake.successful_calls("chat.postMessage")


def ask(bot, text: str = PASTE, ts: str = "1700000000.000100", **kw) -> dict:
    event = message_event(ACME, DEV, text, ts=ts, team="T_EXT", **kw)
    status, _ = bot.post_event(event, event_id=f"Ev{ts.replace('.', '')}")
    assert status == 200
    bot.deliver()
    return event


def test_a_question_with_a_paste_opens_one_thread_and_gets_one_checked_reply(bot) -> None:
    ask(bot)
    rows = bot.rows("SELECT id, channel_id, thread_ts, author_id, customer_team_id, status, operations FROM threads")
    assert rows == [(1, ACME, "1700000000.000100", DEV, "T_EXT", "open", '["POST /v0/transfers"]')]
    (reply,) = replies(bot)
    assert reply.args["channel"] == ACME and reply.args["thread_ts"] == "1700000000.000100"
    blocks = json.dumps(reply.args["blocks"])
    assert "BB-1" in blocks
    assert "Did you mean `usdc`?" in blocks
    assert "create-a-transfer|docs" in blocks
    assert "bb_claim" in blocks and "bb_resolve" in blocks
    assert reply.args["text"].startswith("BB-1")
    # The reply's ts is remembered, so later changes edit it.
    assert bot.rows("SELECT bot_reply_ts FROM threads")[0][0] == reply.response["ts"]
    assert bot.rows("SELECT name FROM customer_orgs WHERE team_id = 'T_EXT'") == [("Acme Inc",)]


def test_the_same_event_delivered_four_times_is_handled_once(bot) -> None:
    event = message_event(ACME, DEV, PASTE, ts="1700000001.000100", team="T_EXT")
    for retry in (None, 1, 2, 3):
        status, _ = bot.post_event(event, event_id="EvSAME", retry=retry)
        assert status == 200
    bot.deliver()
    assert bot.rows("SELECT COUNT(*) FROM threads") == [(1,)]
    assert len(replies(bot)) == 1
    assert len(bot.fake.successful_calls("chat.postEphemeral")) == 1  # the key warning, once


def test_the_same_message_under_another_event_id_does_not_open_a_second_thread(bot) -> None:
    event = message_event(ACME, DEV, PASTE, ts="1700000002.000100", team="T_EXT")
    bot.post_event(event, event_id="EvA")
    bot.post_event(event, event_id="EvB")
    bot.deliver()
    assert bot.rows("SELECT COUNT(*) FROM threads") == [(1,)]
    assert len(replies(bot)) == 1


@pytest.mark.parametrize("forge", ["bad-signature", "stale-timestamp", "no-signature"])
def test_forged_or_stale_requests_get_401_and_nothing_is_stored(bot, forge: str) -> None:
    from fakeslack import event_callback, signed_post

    body = json.dumps(event_callback(message_event(ACME, DEV, PASTE, team="T_EXT")))
    url = bot.url + "/slack/events"
    if forge == "bad-signature":
        status, _, _ = signed_post(url, body, "not-the-secret")
    elif forge == "stale-timestamp":
        status, _, _ = signed_post(url, body, SIGNING_SECRET, timestamp=int(time.time()) - 600)
    else:
        import urllib.request
        req = urllib.request.Request(url, data=body.encode(), headers={"Content-Type": "application/json"})
        try:
            status = urllib.request.urlopen(req, timeout=5).status
        except urllib.error.HTTPError as e:
            status = e.code
    assert status == 401
    assert bot.rows("SELECT COUNT(*) FROM inbox") == [(0,)]  # the signature is checked before storing
    assert bot.rows("SELECT COUNT(*) FROM threads") == [(0,)]
    assert bot.rows("SELECT COUNT(*) FROM slack_events") == [(0,)]
    assert bot.fake.calls("chat.postMessage") == []


def test_an_external_member_clicking_claim_is_refused_and_nothing_changes(bot) -> None:
    ask(bot)
    reply = replies(bot)[0]
    status, _ = bot.post_form(block_action("bb_claim", "1", DEV, "T_EXT", ACME, reply.response["ts"],
                                           thread_ts="1700000000.000100"))
    assert status == 200
    bot.deliver()
    assert bot.rows("SELECT assignee_id, status FROM threads") == [(None, "open")]
    assert bot.rows("SELECT kind FROM thread_events") == [("opened",)]
    refusals = [c for c in bot.fake.successful_calls("chat.postEphemeral") if c.args["user"] == DEV
                and "support team" in c.args["text"]]
    assert len(refusals) == 1
    assert bot.fake.calls("chat.update") == []


def test_a_specialist_claims_then_resolves_and_the_reply_follows(bot) -> None:
    ask(bot)
    ts = replies(bot)[0].response["ts"]
    bot.post_form(block_action("bb_claim", "1", SPEC, "T_HOME", ACME, ts))
    bot.deliver()
    assert bot.rows("SELECT assignee_id FROM threads") == [(SPEC,)]
    update = bot.fake.successful_calls("chat.update")[-1]
    assert update.args["ts"] == ts and f"claimed by <@{SPEC}>" in json.dumps(update.args["blocks"])
    # Someone else can't claim it from under them.
    bot.post_form(block_action("bb_claim", "1", SPEC2, "T_HOME", ACME, ts))
    bot.deliver()
    assert bot.rows("SELECT assignee_id FROM threads") == [(SPEC,)]
    assert "already claimed" in bot.fake.successful_calls("chat.postEphemeral")[-1].args["text"]
    bot.post_form(block_action("bb_resolve", "1", SPEC, "T_HOME", ACME, ts))
    bot.deliver()
    assert bot.rows("SELECT status, resolved_by FROM threads") == [("resolved", SPEC)]
    assert "resolved" in json.dumps(bot.fake.successful_calls("chat.update")[-1].args["blocks"])
    kinds = [r[0] for r in bot.rows("SELECT kind FROM thread_events ORDER BY id")]
    assert kinds == ["opened", "claimed", "resolved"]


def test_first_response_is_the_first_internal_human_reply(bot) -> None:
    ask(bot, ts="1700000100.000100")
    # The bot's own reply is not a response.
    bot.post_event(message_event(ACME, "U_BOT", "bot says", ts="1700000101.000100", thread_ts="1700000100.000100",
                                 team="T_HOME", bot_id="B_BOT"), event_id="Ev1")
    # A customer follow-up is not a response either.
    bot.post_event(message_event(ACME, DEV, "any news?", ts="1700000150.000100", thread_ts="1700000100.000100",
                                 team="T_EXT"), event_id="Ev2")
    assert bot.rows("SELECT first_response_at FROM threads") == [(None,)]
    bot.post_event(message_event(ACME, SPEC, "Use usdc", ts="1700000400.000100", thread_ts="1700000100.000100",
                                 team="T_HOME"), event_id="Ev3")
    bot.post_event(message_event(ACME, SPEC2, "+1", ts="1700000500.000100", thread_ts="1700000100.000100",
                                 team="T_HOME"), event_id="Ev4")
    assert bot.rows("SELECT first_response_at, first_responder_id, awaiting FROM threads") == [
        (1700000400.0001, SPEC, "customer")]
    bot.post_event(message_event(ACME, DEV, "still failing", ts="1700000600.000100", thread_ts="1700000100.000100",
                                 team="T_EXT"), event_id="Ev5")
    assert bot.rows("SELECT awaiting FROM threads") == [("us",)]


def test_slack_answering_429_then_200_posts_the_reply_once(bot) -> None:
    bot.app.deliverer.stop()  # only this test's deliver() posts
    bot.fake.fail_next("chat.postMessage", status=429, times=1, retry_after=0)
    ask(bot)
    # No sleeping on Retry-After inside a request or a worker: the reply waits in the outbox.
    assert [c.status for c in bot.fake.calls("chat.postMessage")] == [429]
    bot.app.store.db.execute("UPDATE outbox SET next_attempt_at = 0")
    bot.deliver()
    attempts = bot.fake.calls("chat.postMessage")
    assert [c.status for c in attempts] == [429, 200]
    assert len(replies(bot)) == 1
    assert bot.rows("SELECT status FROM outbox WHERE method = 'chat.postMessage'") == [("sent",)]


def test_a_reply_slack_cannot_take_is_kept_and_posted_later(fake_slack, tmp_path, bridge_specs) -> None:
    clock = ManualClock()
    bot, stop = start(fake_slack, tmp_path, bridge_specs, clock=clock)
    try:
        bot.fake.fail_next("chat.postMessage", status=503, times=3)  # the client's own retries included
        ask(bot)
        assert replies(bot) == []
        (row,) = bot.rows("SELECT status, attempts, last_error, next_attempt_at FROM outbox "
                          "WHERE method = 'chat.postMessage'")
        assert row[:2] == ("pending", 1) and row[2]
        assert row[3] == clock.now + 1  # the first retry waits a second of the app's clock
        bot.fake.clear_failures()
        # Nothing is due until the app's clock says so, however slow this machine is.
        bot.deliver()
        assert replies(bot) == []
        clock.advance(1)
        bot.deliver()
        assert len(replies(bot)) == 1
        assert bot.rows("SELECT status, attempts FROM outbox WHERE method = 'chat.postMessage'") == [("sent", 2)]
    finally:
        stop()


def test_a_pasted_key_is_never_sent_to_slack_nor_stored(bot) -> None:
    ask(bot)
    bot.post_event(message_event(ACME, DEV, f"also tried with Api-Key: {KEY}", ts="1700000003.000200",
                                 thread_ts="1700000000.000100", team="T_EXT"), event_id="EvK")
    bot.deliver()
    warnings = [c for c in bot.fake.successful_calls("chat.postEphemeral") if c.args["user"] == DEV]
    assert len(warnings) == 2 and all("sk-live-…9f2c" in c.args["text"] for c in warnings)
    assert not bot.fake.saw(KEY)
    bot.app.store.db.execute("PRAGMA wal_checkpoint(FULL)")
    for path in bot.db_path.parent.glob("bridgebot.db*"):
        assert KEY.encode() not in path.read_bytes(), path
    assert "sk-live-…9f2c" in bot.rows("SELECT text FROM threads")[0][0]


def test_editing_the_paste_updates_the_reply_instead_of_posting_another(bot) -> None:
    ask(bot, ts="1700000200.000100")
    ts = replies(bot)[0].response["ts"]
    fixed = PASTE.replace("usdcc", "usdc")
    edit = {"type": "message", "subtype": "message_changed", "channel": ACME, "hidden": True,
            "ts": "1700000250.000100", "event_ts": "1700000250.000100",
            "message": {"type": "message", "user": DEV, "text": fixed, "ts": "1700000200.000100",
                        "edited": {"user": DEV, "ts": "1700000250.000000"}},
            "previous_message": {"type": "message", "user": DEV, "text": PASTE, "ts": "1700000200.000100"}}
    assert bot.post_event(edit, event_id="EvEdit")[0] == 200
    bot.deliver()
    assert len(replies(bot)) == 1
    (update,) = bot.fake.successful_calls("chat.update")
    assert update.args["ts"] == ts
    assert "usdcc" not in json.dumps(update.args["blocks"])
    assert bot.rows("SELECT kind FROM thread_events ORDER BY id") == [("opened",), ("edited",)]


@pytest.mark.parametrize(
    "event, why",
    [
        (message_event(ACME, DEV, "hi team! :wave:", team="T_EXT"), "greeting"),
        (message_event(ACME, DEV, "thanks so much!", team="T_EXT"), "thanks"),
        (message_event(ACME, "U_OTHERBOT", PASTE, team="T_EXT", bot_id="B_OTHER", subtype="bot_message"), "bot"),
        (message_event(INTERNAL_ONLY, DEV, PASTE, team="T_EXT"), "not a support channel"),
        (message_event(ACME, SPEC, "FYI maintenance tonight", team="T_HOME"), "internal announcement"),
        (message_event(ACME, DEV, "joined", team="T_EXT", subtype="channel_join"), "channel join"),
    ],
    ids=lambda v: v if isinstance(v, str) else "",
)
def test_messages_that_are_not_questions_open_no_thread(bot, event: dict, why: str) -> None:
    assert bot.post_event(event)[0] == 200
    bot.deliver()
    assert bot.rows("SELECT COUNT(*) FROM threads") == [(0,)], why
    assert replies(bot) == []


def test_a_question_without_a_paste_gets_an_acknowledgement(bot) -> None:
    ask(bot, text="How long do ACH payouts from a liquidation address take to land?")
    (reply,) = replies(bot)
    assert "we've got your question" in reply.args["text"]


def test_acknowledgements_can_be_turned_off(fake_slack, tmp_path, bridge_specs) -> None:
    from slackapp import start
    running, stop = start(fake_slack, tmp_path, bridge_specs, acknowledge_questions=False)
    try:
        ask(running, text="How long do ACH payouts take?")
        assert running.rows("SELECT COUNT(*) FROM threads") == [(1,)]
        assert replies(running) == []
        ask(running, ts="1700000009.000100")  # a paste still gets its checked reply
        assert len(replies(running)) == 1
    finally:
        stop()


def test_channel_id_changed_keeps_threads_attached(bot) -> None:
    ask(bot)
    status, _ = bot.post_event({"type": "channel_id_changed", "old_channel_id": ACME, "new_channel_id": "C_NEW",
                                "event_ts": "1700000300.000100"}, event_id="EvCid")
    assert status == 200
    assert bot.rows("SELECT channel_id FROM threads") == [("C_NEW",)]


def test_unknown_events_and_actions_get_200_not_404(bot) -> None:
    status, _ = bot.post_event({"type": "reaction_added", "user": DEV, "reaction": "eyes",
                                "item": {"type": "message", "channel": ACME, "ts": "1.1"}, "event_ts": "1.2"})
    assert status == 200
    status, _ = bot.post_form(block_action("some_old_button", "x", SPEC, "T_HOME", ACME, "1.1"))
    assert status == 200


def test_healthz_and_unknown_paths(bot) -> None:
    import urllib.request
    with urllib.request.urlopen(bot.url + "/healthz", timeout=5) as r:
        assert r.status == 200 and json.loads(r.read())["ok"] is True
    try:
        urllib.request.urlopen(bot.url + "/nope", timeout=5)
        raise AssertionError("expected 404")
    except urllib.error.HTTPError as e:
        assert e.code == 404


def test_when_slack_cannot_say_whether_a_channel_is_shared_the_event_waits_in_the_inbox(bot) -> None:
    bot.fake.fail_next("conversations.info", status=503, times=1000)  # an outage
    event = message_event(ACME, DEV, PASTE, ts="1700000700.000100", team="T_EXT")
    status, _ = bot.post_event(event, event_id="EvFlaky")
    assert status == 200  # acked: the event is safe in the inbox, not left to Slack's retries
    assert bot.rows("SELECT status, attempts FROM inbox") == [("pending", 1)]
    assert bot.rows("SELECT COUNT(*) FROM threads") == [(0,)]
    status, _ = bot.post_event(event, event_id="EvFlaky", retry=1)  # Slack's redelivery: recognised
    assert status == 200 and bot.rows("SELECT COUNT(*) FROM inbox") == [(1,)]
    for _ in range(20):  # still down: tried again and again, never dropped
        bot.app.store.db.execute("UPDATE inbox SET next_attempt_at = 0")
        bot.deliver()
    ((status_, attempts),) = bot.rows("SELECT status, attempts FROM inbox")
    assert status_ == "pending" and attempts >= 21
    bot.fake.clear_failures()  # the outage ends
    bot.app.store.db.execute("UPDATE inbox SET next_attempt_at = 0")
    bot.deliver()
    assert bot.rows("SELECT status FROM inbox") == [("done",)]
    assert bot.rows("SELECT COUNT(*) FROM threads") == [(1,)]
    assert len(replies(bot)) == 1
