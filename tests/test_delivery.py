"""The outbox: exactly one reply even when an attempt's outcome is unknown (a crash, a 5xx after
Slack posted, a timeout), retried until Slack takes it, permanent errors recorded and shown,
posted in parallel across channels and in order within a thread."""

from __future__ import annotations

import json
import threading
import urllib.request

from fakeslack import message_event
from slackapp import ACME, DEV
from test_slack_app import PASTE, ask, replies

from bridgebot.tracking import outbox


def _bot_messages(fake, channel: str, thread_ts: str) -> list[dict]:
    return [m for (c, _), m in fake.messages.items() if c == channel and m.get("thread_ts") == thread_ts
            and m.get("bot_id")]


def _due_now(bot) -> None:
    bot.app.store.db.execute("UPDATE outbox SET next_attempt_at = 0")


def test_a_post_that_reached_slack_before_a_500_is_adopted_not_posted_again(bot) -> None:
    def posts_then_fails(call):
        bot.fake._api_chat_postMessage(call)  # Slack posted it...
        return 500, {"ok": False, "error": "internal_error"}  # ...but the answer got lost

    bot.fake.set_handler("chat.postMessage", posts_then_fails)
    ask(bot, ts="1700002000.000100")
    bot.fake.set_handler("chat.postMessage", None)
    for _ in range(3):
        _due_now(bot)
        bot.deliver()
    (posted,) = _bot_messages(bot.fake, ACME, "1700002000.000100")
    assert posted["metadata"]["event_type"] == "bridgebot_reply"
    assert bot.rows("SELECT status FROM outbox WHERE method = 'chat.postMessage'") == [("sent",)]
    # The thread knows its reply, so a later change edits that message.
    assert bot.rows("SELECT bot_reply_ts FROM threads") == [(posted["ts"],)]
    lookups = bot.fake.calls("conversations.replies")
    assert lookups and lookups[0].args.get("include_all_metadata") in ("1", "true", True)


def test_a_post_in_flight_at_a_crash_is_not_posted_twice(bot) -> None:
    """kill -9 after Slack took the post but before it was marked sent: the restarted process finds
    the message by its metadata and adopts it."""
    bot.app.deliverer.stop()
    bot.app.worker.stop()
    bot.post_event(message_event(ACME, DEV, PASTE, ts="1700002100.000100", team="T_EXT"), event_id="EvCrash")
    (item,) = [i for i in outbox.due(bot.app.store.db, now=1e12) if i.method == "chat.postMessage"]
    # What the crashed process had done: started the attempt, and Slack posted it.
    bot.app.store.db.execute("UPDATE outbox SET started = 1 WHERE id = ?", [item.id])
    bot.fake.add_message(ACME, "1700002101.000100", "BB-1", "U_BOT", thread_ts="1700002100.000100", bot_id="B_BOT",
                         metadata={"event_type": "bridgebot_reply", "event_payload": {"outbox_id": item.id}})
    bot.deliver()
    assert bot.fake.calls("chat.postMessage") == []
    assert len(_bot_messages(bot.fake, ACME, "1700002100.000100")) == 1
    assert bot.rows("SELECT status, result_ts FROM outbox WHERE method = 'chat.postMessage'") == [
        ("sent", "1700002101.000100")]


def test_a_post_that_never_reached_slack_is_posted_after_the_lookup(bot) -> None:
    bot.fake.fail_next("chat.postMessage", status=503, times=1)
    ask(bot, ts="1700002200.000100")
    _due_now(bot)
    bot.deliver()
    assert len(_bot_messages(bot.fake, ACME, "1700002200.000100")) == 1
    assert len(bot.fake.calls("conversations.replies")) == 1


def test_the_outbox_never_gives_up_on_a_passing_error(bot) -> None:
    bot.fake.fail_next("chat.postMessage", status=500, times=30)
    ask(bot, ts="1700002300.000100")
    for _ in range(30):
        _due_now(bot)
        bot.deliver()
    assert bot.rows("SELECT status, attempts FROM outbox WHERE method = 'chat.postMessage'") == [("sent", 31)]
    assert len(replies(bot)) == 1


def test_backoff_is_capped_at_a_few_minutes(tmp_path) -> None:
    from bridgebot.tracking import Store

    store = Store(tmp_path / "bb.db")
    with store.transaction() as db:
        outbox.enqueue(db, method="chat.postMessage", payload={"channel": "C1", "text": "x"}, at=0.0)
        (item,) = outbox.due(db, 0.0)
        for n in range(40):
            item.attempts = n
            assert outbox.mark_retry(db, item, at=1000.0, error="ratelimited", retry_after=3600) == "pending"
        (due_at,) = db.execute("SELECT next_attempt_at FROM outbox").fetchone()
    assert due_at == 1000.0 + outbox.BACKOFF[-1] and outbox.BACKOFF[-1] <= 300


def test_a_permanent_error_is_recorded_and_shown(bot) -> None:
    bot.fake.error_next("chat.postMessage", "is_archived")
    ask(bot, ts="1700002400.000100")
    failures = outbox.reply_failures(bot.app.store.db)
    assert [(f["thread"], f["method"], f["error"]) for f in failures] == [("BB-1", "chat.postMessage", "is_archived")]
    with urllib.request.urlopen(bot.url + "/healthz", timeout=5) as r:
        health = json.loads(r.read())
    assert health["reply_failures"] == 1 and health["outbox"].get("failed") == 1


def test_a_hanging_channel_does_not_hold_another(bot) -> None:
    """Replies post in parallel across channels: one channel's post hanging holds only that channel."""
    bot.fake.add_channel("C_SLOW", "slow-bridge", is_ext_shared=True, connected_team_ids=["T_HOME", "T_EXT"])
    release, entered = threading.Event(), threading.Event()

    def slow_channel(call):
        if call.args.get("channel") == "C_SLOW":
            entered.set()
            release.wait(10)
        return bot.fake._api_chat_postMessage(call)

    bot.fake.set_handler("chat.postMessage", slow_channel)
    try:
        bot.post_event(message_event("C_SLOW", DEV, PASTE, ts="1700002500.000100", team="T_EXT"), event_id="EvS")
        assert entered.wait(5)  # the background deliverer is stuck posting in C_SLOW
        bot.post_event(message_event(ACME, DEV, PASTE, ts="1700002501.000100", team="T_EXT"), event_id="EvF")
        (posted,) = bot.fake.wait_for("chat.postMessage", 1, timeout=5)
        assert posted.args["channel"] == ACME and posted.ok and not release.is_set()
    finally:
        release.set()
        bot.fake.set_handler("chat.postMessage", None)


def test_a_thread_waiting_on_its_first_reply_holds_its_update(bot) -> None:
    """In order within a thread: an update is never sent before the post it edits."""
    bot.app.deliverer.stop()
    bot.fake.fail_next("chat.postMessage", status=500, times=1000)
    ask(bot, ts="1700002600.000100")
    with bot.app.store.transaction() as db:
        outbox.enqueue(db, method="chat.update", thread_id=1, at=0.0,
                       payload={"channel": ACME, "text": "claimed", "blocks": []})
    _due_now(bot)
    bot.deliver()  # the post fails again and goes back to backoff: the update waits behind it
    assert bot.fake.calls("chat.update") == []
    bot.fake.clear_failures()
    _due_now(bot)
    bot.deliver()
    (update,) = bot.fake.calls("chat.update")
    assert update.ok and update.args["ts"] == replies(bot)[0].response["ts"]


def test_an_unanswered_post_is_looked_up_only_after_slack_could_have_carried_it_out(bot, monkeypatch) -> None:
    """A post that timed out may still be posted by Slack a little later: the lookup waits for that,
    then adopts the message instead of posting a second one."""
    import socket

    from bridgebot.delivery import SETTLE_AFTER_NO_ANSWER

    bot.app.deliverer.stop()
    client = bot.app.deliverer.client
    real_call = client.api_call

    def times_out(method, **kw):
        if method == "chat.postMessage":
            real_call(method, **kw)  # Slack carries it out...
            raise socket.timeout("timed out")  # ...but the answer never comes
        return real_call(method, **kw)

    monkeypatch.setattr(client, "api_call", times_out)
    ask(bot, ts="1700002700.000100")
    monkeypatch.setattr(client, "api_call", real_call)
    ((due_at, created),) = bot.rows("SELECT next_attempt_at, created_at FROM outbox WHERE method = 'chat.postMessage'")
    assert due_at - created >= SETTLE_AFTER_NO_ANSWER - 1
    _due_now(bot)
    bot.deliver()
    assert len(_bot_messages(bot.fake, ACME, "1700002700.000100")) == 1
    assert bot.rows("SELECT status FROM outbox WHERE method = 'chat.postMessage'") == [("sent",)]


def test_an_edit_while_the_reply_is_in_flight_updates_it_after_the_post(bot, monkeypatch) -> None:
    """The reply's post reached Slack but got no answer; the customer then fixes the paste. The
    fix must arrive as an update after the post, not as a rewrite of a post that is already out."""
    import socket

    bot.app.deliverer.stop()
    client = bot.app.deliverer.client
    real_call = client.api_call

    def times_out(method, **kw):
        if method == "chat.postMessage":
            real_call(method, **kw)
            raise socket.timeout("timed out")
        return real_call(method, **kw)

    monkeypatch.setattr(client, "api_call", times_out)
    ask(bot, ts="1700002800.000100")
    monkeypatch.setattr(client, "api_call", real_call)
    edit = {"type": "message", "subtype": "message_changed", "channel": ACME, "hidden": True,
            "ts": "1700002850.000100", "event_ts": "1700002850.000100",
            "message": {"type": "message", "user": DEV, "text": PASTE.replace("usdcc", "usdc"),
                        "ts": "1700002800.000100"},
            "previous_message": {"type": "message", "user": DEV, "text": PASTE, "ts": "1700002800.000100"}}
    bot.post_event(edit, event_id="EvEditInFlight")
    _due_now(bot)
    bot.deliver()
    (message,) = _bot_messages(bot.fake, ACME, "1700002800.000100")
    assert "usdcc" not in json.dumps(message["blocks"])
    assert bot.rows("SELECT method, status FROM outbox WHERE method != 'chat.postEphemeral' ORDER BY id") == [
        ("chat.postMessage", "sent"), ("chat.update", "sent")]
