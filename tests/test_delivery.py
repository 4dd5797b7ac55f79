"""The outbox: exactly one reply even when an attempt's outcome is unknown (a crash, a 5xx after
Slack posted, a timeout), retried until Slack takes it, permanent errors recorded and shown,
posted in parallel across channels and in order within a thread."""

from __future__ import annotations

import json
import threading
import urllib.request

import pytest

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
            release.wait(60)  # held until the other channel's post is out (or the test gives up)
        return bot.fake._api_chat_postMessage(call)

    bot.fake.set_handler("chat.postMessage", slow_channel)
    try:
        bot.post_event(message_event("C_SLOW", DEV, PASTE, ts="1700002500.000100", team="T_EXT"), event_id="EvS")
        assert entered.wait(5)  # the background deliverer is stuck posting in C_SLOW
        bot.post_event(message_event(ACME, DEV, PASTE, ts="1700002501.000100", team="T_EXT"), event_id="EvF")
        # A call is recorded when it is answered: the first answered post is the other channel's.
        # (Generous: the paste's check may be slow on a loaded machine.)
        (posted,) = bot.fake.wait_for("chat.postMessage", 1, timeout=30)
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


# --- The deliverer on its own, against a scripted Slack client and a clock that moves only when told.

class _Response(dict):
    """What slack-sdk hands back: a dict with an HTTP status and headers."""

    def __init__(self, data: dict, status_code: int = 200, headers: dict | None = None) -> None:
        super().__init__(data)
        self.status_code = status_code
        self.headers = headers or {}


def _slack_error(error: str, status: int = 200, headers: dict | None = None):
    from slack_sdk.errors import SlackApiError

    return SlackApiError(error, _Response({"ok": False, "error": error}, status, headers))


class ScriptedSlack:
    """A Slack Web API client whose answers a test scripts: per method, a queue of responses or
    exceptions (then ``ok`` with a fresh ts). Messages it "has" are returned by the lookups, with
    their metadata only when asked for it (as Slack does); conversations.replies pages by cursor."""

    def __init__(self) -> None:
        self.script: dict[str, list] = {}
        self.calls: list[tuple[str, dict]] = []
        self.thread_pages: dict[str, list[list[dict]]] = {}  # thread_ts -> pages of messages
        self.history: list[dict] = []
        self.n = 0

    def _next(self, method: str, default: dict):
        queue = self.script.get(method) or []
        step = queue.pop(0) if queue else default
        if isinstance(step, BaseException):
            raise step
        return step if isinstance(step, _Response) else _Response(step)

    def api_call(self, method: str, json: dict) -> _Response:
        self.calls.append((method, json))
        self.n += 1
        ts = f"1700009000.{self.n:06d}"
        return self._next(method, {"ok": True, "ts": ts} if method != "chat.postEphemeral" else
                          {"ok": True, "message_ts": ts})

    @staticmethod
    def _shown(messages: list[dict], include_all_metadata: bool) -> list[dict]:
        return [m if include_all_metadata else {k: v for k, v in m.items() if k != "metadata"} for m in messages]

    def conversations_replies(self, *, channel, ts, cursor=None, include_all_metadata=False, limit=100):
        self.calls.append(("conversations.replies", {"channel": channel, "ts": ts, "cursor": cursor,
                                                     "limit": limit}))
        queued = self.script.get("conversations.replies")
        if queued:
            return self._next("conversations.replies", {})
        pages = self.thread_pages.get(ts)
        if pages is None:
            raise _slack_error("thread_not_found")
        page = int(cursor or 0)
        more = page + 1 < len(pages)
        return _Response({"ok": True, "messages": self._shown(pages[page], include_all_metadata),
                          "response_metadata": {"next_cursor": str(page + 1) if more else ""}})

    def conversations_history(self, *, channel, cursor=None, limit=100, include_all_metadata=False):
        self.calls.append(("conversations.history", {"channel": channel, "cursor": cursor, "limit": limit}))
        return _Response({"ok": True, "messages": self._shown(self.history, include_all_metadata),
                          "response_metadata": {"next_cursor": "more-that-is-never-read"}})

    def made(self, method: str) -> list[dict]:
        return [args for m, args in self.calls if m == method]


def _ours(ts: str, outbox_id: int, thread_ts: str | None = None) -> dict:
    m = {"ts": ts, "bot_id": "B_BOT", "text": "BB-1",
         "metadata": {"event_type": "bridgebot_reply", "event_payload": {"outbox_id": outbox_id}}}
    return {**m, "thread_ts": thread_ts} if thread_ts else m


@pytest.fixture
def alone(tmp_path):
    """(store, slack, clock, deliverer) with thread 1 (C1, 1.1) and nothing queued, at t = 1000."""
    from slackapp import ManualClock

    from bridgebot.delivery import Deliverer
    from bridgebot.tracking import Store

    store = Store(tmp_path / "bb.db")
    with store.transaction() as db:
        db.execute("INSERT INTO threads (channel_id, thread_ts, author_id, opened_at) VALUES ('C1', '1.1', 'U', 1)")
    slack, clock = ScriptedSlack(), ManualClock(1000.0)
    return store, slack, clock, Deliverer(store, slack, clock=clock)  # type: ignore[arg-type]


def _queue(store, method: str = "chat.postMessage", thread_id: int | None = 1, at: float = 1000.0, **payload) -> int:
    with store.transaction() as db:
        return outbox.enqueue(db, method=method, thread_id=thread_id, at=at,
                              payload={"channel": "C1", "thread_ts": "1.1", "text": "hi", **payload})


def _state(store) -> list[tuple]:
    return [tuple(r) for r in store.db.execute(
        "SELECT method, status, attempts, next_attempt_at, last_error FROM outbox ORDER BY id")]


def _bot_reply_ts(store) -> str | None:
    return store.db.execute("SELECT bot_reply_ts FROM threads WHERE id = 1").fetchone()[0]


def test_a_reply_due_this_very_second_is_sent_and_counted(alone) -> None:
    store, slack, clock, d = alone
    _queue(store)
    _queue(store, "chat.postEphemeral", user="U", text="careful")
    _queue(store, thread_id=None, channel="C2", text="a note", thread_ts=None)
    assert d.next_due_at() == 1000.0
    assert d.deliver_due() == 3
    (post,) = slack.made("chat.postMessage")[:1]
    assert post == {"channel": "C1", "thread_ts": "1.1", "text": "hi",
                    "metadata": {"event_type": "bridgebot_reply", "event_payload": {"outbox_id": 1}}}
    assert "ts" not in slack.made("chat.postEphemeral")[0]
    # The thread's reply is the post, not the private warning that followed it.
    assert _bot_reply_ts(store) == "1700009000.000001"
    assert store.db.execute("SELECT result_ts FROM outbox WHERE method = 'chat.postEphemeral'").fetchone() == (
        "1700009000.000002",)
    assert d.next_due_at() is None and d.deliver_due() == 0


def test_an_update_edits_the_threads_reply_and_a_thread_less_update_has_no_ts(alone) -> None:
    store, slack, clock, d = alone
    with store.transaction() as db:
        db.execute("UPDATE threads SET bot_reply_ts = '1700000001.000200'")
    _queue(store, "chat.update", text="claimed")
    _queue(store, "chat.update", thread_id=None, text="loose")
    assert d.deliver_due() == 2
    first, second = slack.made("chat.update")
    assert first["ts"] == "1700000001.000200"
    assert second["ts"] is None
    assert _bot_reply_ts(store) == "1700000001.000200"  # an update's answer does not move the reply


# Every error Slack answers that no retry can fix: the reply fails at once (and /healthz counts it).
_PERMANENT = ["channel_not_found", "not_in_channel", "is_archived", "invalid_blocks", "invalid_blocks_format",
              "msg_too_long", "no_text", "cant_update_message", "message_not_found", "edit_window_closed",
              "user_not_in_channel", "invalid_auth", "account_inactive", "token_revoked", "not_authed",
              "missing_scope", "restricted_action", "invalid_arguments", "invalid_metadata_format",
              "invalid_metadata_schema"]


@pytest.mark.parametrize("error", _PERMANENT)
def test_an_error_no_retry_can_fix_fails_the_reply_at_once(alone, error, caplog) -> None:
    store, slack, clock, d = alone
    slack.script["chat.postMessage"] = [_slack_error(error)]
    _queue(store)
    with caplog.at_level("WARNING", logger="bridgebot.delivery"):
        assert d.deliver_due() == 0
    assert _state(store) == [("chat.postMessage", "failed", 1, 1001.0, error)]
    (record,) = caplog.records
    assert record.levelname == "ERROR"
    assert record.getMessage() == f"chat.postMessage for thread 1 failed ({error}), attempt 1: recorded as failed"


@pytest.mark.parametrize("error", ["ratelimited", "internal_error", "fatal_error", "service_unavailable",
                                   "request_timeout", "CHANNEL_NOT_FOUND"])
def test_an_error_a_retry_may_fix_is_retried(alone, error, caplog) -> None:
    store, slack, clock, d = alone
    slack.script["chat.postMessage"] = [_slack_error(error, status=500)]
    _queue(store)
    with caplog.at_level("WARNING", logger="bridgebot.delivery"):
        assert d.deliver_due() == 0
    assert _state(store) == [("chat.postMessage", "pending", 1, 1001.0, error)]
    (record,) = caplog.records
    assert record.levelname == "WARNING"
    assert record.getMessage() == f"chat.postMessage for thread 1 failed ({error}), attempt 1: will retry"


def test_an_error_without_a_name_is_recorded_by_its_http_status(alone) -> None:
    from slack_sdk.errors import SlackApiError

    store, slack, clock, d = alone
    slack.script["chat.postMessage"] = [SlackApiError("bad gateway", _Response({"ok": False}, 502))]
    _queue(store)
    d.deliver_due()
    assert _state(store) == [("chat.postMessage", "pending", 1, 1001.0, "502")]


@pytest.mark.parametrize("header, value, due", [
    ("Retry-After", "30", 1030.0),
    ("retry-after", "45", 1045.0),  # how an HTTP/2 proxy spells it
    ("Retry-After", "Wed, 21 Oct 2026 07:28:00 GMT", 1001.0),  # a date is not read: the backoff applies
    ("X-Other", "30", 1001.0),
])
def test_a_rate_limited_reply_waits_as_long_as_slack_asks(alone, header, value, due) -> None:
    store, slack, clock, d = alone
    slack.script["chat.postMessage"] = [_slack_error("ratelimited", 429, {header: value})]
    _queue(store)
    assert d.deliver_due() == 0
    assert _state(store) == [("chat.postMessage", "pending", 1, due, "ratelimited")]


def test_a_retry_after_on_an_answer_that_is_not_a_429_is_not_read(alone) -> None:
    store, slack, clock, d = alone
    slack.script["chat.postMessage"] = [_slack_error("internal_error", 503, {"Retry-After": "90"})]
    _queue(store)
    d.deliver_due()
    assert _state(store) == [("chat.postMessage", "pending", 1, 1001.0, "internal_error")]


def test_an_unanswered_post_waits_a_minute_and_an_unanswered_update_does_not(alone, caplog) -> None:
    """No answer: a post may still appear in Slack, so it is looked up only after a minute; an
    update can simply be sent again, at the usual backoff."""
    store, slack, clock, d = alone
    slack.script["chat.postMessage"] = [OSError("connection reset")]
    slack.script["chat.update"] = [TimeoutError("timed out")]
    _queue(store)
    _queue(store, "chat.update", thread_id=None, channel="C2", ts="5.5")
    with caplog.at_level("WARNING", logger="bridgebot.delivery"):
        assert d.deliver_due() == 0
    assert _state(store) == [("chat.postMessage", "pending", 1, 1060.0, "OSError: connection reset"),
                             ("chat.update", "pending", 1, 1001.0, "TimeoutError: timed out")]
    assert [r.getMessage() for r in caplog.records] == [
        "chat.postMessage for thread 1 got no answer from Slack (connection reset); will retry",
        "chat.update for thread None got no answer from Slack (timed out); will retry"]


def test_a_failed_lookup_keeps_the_post_waiting_and_says_why(alone, caplog) -> None:
    store, slack, clock, d = alone
    slack.script["chat.postMessage"] = [_slack_error("internal_error", 500)]
    slack.script["conversations.replies"] = [_slack_error("ratelimited", 429, {"Retry-After": "20"}),
                                             OSError("no route to host")]
    _queue(store)
    d.deliver_due()
    clock.advance(1)
    caplog.clear()
    with caplog.at_level("WARNING", logger="bridgebot.delivery"):
        assert d.deliver_due() == 0
    assert slack.made("chat.postMessage") and len(slack.made("chat.postMessage")) == 1  # never posted blind
    assert _state(store) == [("chat.postMessage", "pending", 2, 1003.0,
                              "looking up an earlier attempt: ratelimited")]
    assert [r.getMessage() for r in caplog.records] == [
        "could not look up outbox item 1 in Slack (ratelimited); will retry"]
    clock.advance(2)
    d.deliver_due()
    assert _state(store)[0][1:] == ("pending", 3, 1007.0, "looking up an earlier attempt: OSError: no route to host")


@pytest.mark.parametrize("gone", ["thread_not_found", "message_not_found"])
def test_a_post_whose_thread_slack_cannot_find_is_posted_again(alone, gone) -> None:
    store, slack, clock, d = alone
    slack.script["chat.postMessage"] = [_slack_error("internal_error", 500)]
    slack.script["conversations.replies"] = [_slack_error(gone)]
    _queue(store)
    d.deliver_due()
    clock.advance(1)
    assert d.deliver_due() == 1
    assert len(slack.made("chat.postMessage")) == 2 and _state(store)[0][:2] == ("chat.postMessage", "sent")


def test_the_lookup_reads_every_page_of_a_long_thread_and_adopts_only_its_own_post(alone, caplog) -> None:
    store, slack, clock, d = alone
    slack.script["chat.postMessage"] = [_slack_error("internal_error", 500)]
    _queue(store)
    d.deliver_due()
    # Slack did post it, on the third page of a long thread, after another reply of ours (outbox id 7).
    slack.thread_pages["1.1"] = [[{"ts": "1.1", "text": "question"}, _ours("1.2", 7, "1.1")],
                                 [{"ts": "1.3", "text": "more", "thread_ts": "1.1"},
                                  {"ts": "1.35", "bot_id": "B_X", "thread_ts": "1.1",
                                   "metadata": {"event_type": "other_app", "event_payload": {"outbox_id": 1}}}],
                                 [_ours("1.4", 1, "1.1")]]
    clock.advance(1)
    caplog.clear()
    with caplog.at_level("INFO", logger="bridgebot.delivery"):
        assert d.deliver_due() == 1
    assert len(slack.made("chat.postMessage")) == 1
    assert [c["cursor"] for c in slack.made("conversations.replies")] == [None, "1", "2"]
    assert all(c["limit"] == 200 and c["channel"] == "C1" and c["ts"] == "1.1"
               for c in slack.made("conversations.replies"))
    assert store.db.execute("SELECT status, result_ts FROM outbox").fetchall() == [("sent", "1.4")]
    assert _bot_reply_ts(store) == "1.4"
    assert [r.getMessage() for r in caplog.records] == [
        "outbox item 1 was already posted (ts 1.4): adopted, not posted again"]


def test_the_lookup_of_a_post_outside_a_thread_reads_the_channel_and_is_posted_when_absent(alone) -> None:
    store, slack, clock, d = alone
    slack.script["chat.postMessage"] = [_slack_error("internal_error", 500), _slack_error("internal_error", 500)]
    _queue(store, thread_id=None, thread_ts=None, channel="C_TRIAGE")
    d.deliver_due()
    clock.advance(1)
    slack.history = [_ours("9.1", 99)]  # another note of ours; ours is not there: post again
    d.deliver_due()
    assert slack.made("conversations.history") == [{"channel": "C_TRIAGE", "cursor": None, "limit": 200}]
    assert len(slack.made("chat.postMessage")) == 2
    clock.advance(10)
    slack.history = [_ours("9.1", 99), _ours("9.2", 1)]  # this time Slack has it: adopted
    assert d.deliver_due() == 1
    assert len(slack.made("chat.postMessage")) == 2
    assert store.db.execute("SELECT status, result_ts FROM outbox").fetchall() == [("sent", "9.2")]


def test_one_failing_reply_holds_back_only_its_own_thread(alone) -> None:
    store, slack, clock, d = alone
    with store.transaction() as db:
        db.execute("INSERT INTO threads (channel_id, thread_ts, author_id, opened_at) VALUES ('C1', '2.2', 'U', 2)")
    slack.script["chat.postMessage"] = [_slack_error("internal_error", 500)]
    _queue(store)                                    # thread 1's post: fails
    _queue(store, "chat.update", text="after")       # thread 1's update: waits behind it
    _queue(store, thread_id=2, thread_ts="2.2")      # thread 2, same channel: goes on
    _queue(store, thread_id=None, thread_ts=None)    # not in a thread: goes on
    _queue(store, thread_id=None, thread_ts=None)    # and so does the next one
    assert d.deliver_due() == 3
    assert [s[1] for s in _state(store)] == ["pending", "pending", "sent", "sent", "sent"]
    assert slack.made("chat.update") == []


def test_replies_not_in_a_thread_do_not_hold_each_other_back(alone) -> None:
    store, slack, clock, d = alone
    slack.script["chat.postMessage"] = [_slack_error("internal_error", 500)]
    _queue(store, thread_id=None, thread_ts=None, text="first")
    _queue(store, thread_id=None, thread_ts=None, text="second")
    assert d.deliver_due() == 1
    assert [s[1] for s in _state(store)] == ["pending", "sent"]


def test_a_reply_still_in_backoff_holds_its_thread_but_not_the_channel(alone) -> None:
    store, slack, clock, d = alone
    with store.transaction() as db:
        db.execute("INSERT INTO threads (channel_id, thread_ts, author_id, opened_at) VALUES ('C1', '2.2', 'U', 2)")
    _queue(store, at=1000.5)                     # thread 1: due in half a second
    _queue(store, "chat.update", text="after")   # due now, but behind thread 1's post
    _queue(store, thread_id=2, thread_ts="2.2")  # thread 2: due now
    assert d.run_lane("C1") == 1
    assert [s[1] for s in _state(store)] == ["pending", "pending", "sent"]


def test_housekeeping_runs_once_an_hour_and_forgets_a_days_event_ids(alone) -> None:
    from bridgebot.tracking.threads import mark_event_seen

    store, slack, clock, d = alone
    clock.now = 200_000.0

    def seen() -> list[str]:
        return [r[0] for r in store.db.execute("SELECT event_id FROM slack_events ORDER BY event_id")]

    with store.transaction() as db:
        mark_event_seen(db, "EvDayAndASecond", "message", 200_000.0 - 86_401)
        mark_event_seen(db, "EvAlmostADay", "message", 200_000.0 - 86_399)
    d.tick()
    assert seen() == ["EvAlmostADay"]
    with store.transaction() as db:
        mark_event_seen(db, "EvLater", "message", 200_000.0)
    clock.advance(3600)  # an hour to the second: not yet
    d.tick()
    assert seen() == ["EvAlmostADay", "EvLater"]
    clock.advance(0.5)
    d.tick()
    assert seen() == ["EvLater"]


def test_housekeeping_forgets_handled_inbox_events_after_a_day(alone) -> None:
    from bridgebot.tracking import inbox

    store, slack, clock, d = alone
    clock.now = 200_000.0
    with store.transaction() as db:
        for key, done in [("old", 200_000.0 - 86_401), ("recent", 200_000.0 - 86_399)]:
            item_id = inbox.add(db, event_key=key, kind="message", lane="C1", body={}, at=done)
            inbox.mark_done(db, item_id, done)
        inbox.add(db, event_key="waiting", kind="message", lane="C1", body={}, at=1.0)
    d.housekeeping()
    assert [r[0] for r in store.db.execute("SELECT event_key FROM inbox ORDER BY id")] == ["recent", "waiting"]


def test_housekeeping_purges_text_at_the_retention_cutoff(tmp_path) -> None:
    from bridgebot.delivery import Deliverer
    from bridgebot.tracking import Store

    store = Store(tmp_path / "bb.db")
    now = 100 * 86_400.0
    with store.transaction() as db:
        for ts, age in [("1.1", 30 * 86_400 + 1), ("2.2", 30 * 86_400 - 60)]:
            db.execute("INSERT INTO threads (channel_id, thread_ts, author_id, opened_at, text) "
                       "VALUES ('C1', ?, 'U', ?, 'my key is ...')", [ts, now - age])
    Deliverer(store, client=None, clock=lambda: now, retention_days=30).housekeeping()  # type: ignore[arg-type]
    assert store.db.execute("SELECT thread_ts, text FROM threads ORDER BY id").fetchall() == [
        ("1.1", None), ("2.2", "my key is ...")]


def test_an_update_keeps_the_ts_it_was_queued_with(alone) -> None:
    store, slack, clock, d = alone
    with store.transaction() as db:
        db.execute("UPDATE threads SET bot_reply_ts = '1700000001.000200'")
    _queue(store, "chat.update", text="this message", ts="1700000555.000100")
    assert d.deliver_due() == 1
    assert [c["ts"] for c in slack.made("chat.update")] == ["1700000555.000100"]


def test_a_reply_another_deliverer_finished_meanwhile_is_neither_posted_nor_counted(alone) -> None:
    """Two processes on one database (a restart overlapping the old one): while this one looks
    up an earlier attempt, the other one records the post as sent."""
    store, slack, clock, d = alone
    slack.script["chat.postMessage"] = [_slack_error("internal_error", 500)]
    _queue(store)
    d.deliver_due()
    clock.advance(1)
    real_lookup = slack.conversations_replies

    def meanwhile(**kw):
        store.db.execute("UPDATE outbox SET status = 'sent', result_ts = '1.9' WHERE id = 1")
        return real_lookup(**kw)

    slack.conversations_replies = meanwhile  # type: ignore[method-assign]
    slack.thread_pages["1.1"] = [[{"ts": "1.1", "text": "question"}]]
    assert d.deliver_due() == 0
    assert len(slack.made("chat.postMessage")) == 1
    assert store.db.execute("SELECT status, result_ts FROM outbox").fetchall() == [("sent", "1.9")]


def test_replies_slack_refused_for_good_are_listed_per_thread_and_in_the_export(alone) -> None:
    from bridgebot.tracking.threads import threads_for_export

    store, slack, clock, d = alone
    with store.transaction() as db:
        db.execute("INSERT INTO threads (channel_id, thread_ts, author_id, opened_at) VALUES ('C1', '2.2', 'U', 2)")
    slack.script["chat.postMessage"] = [_slack_error("is_archived"), _slack_error("channel_not_found")]
    _queue(store)
    assert d.deliver_due() == 0
    clock.advance(10)
    _queue(store, thread_id=None, channel="C2", thread_ts=None)
    assert d.deliver_due() == 0
    _queue(store, thread_id=2, thread_ts="2.2")
    assert d.deliver_due() == 1
    first = {"outbox_id": 1, "thread": "BB-1", "thread_id": 1, "channel": "C1", "method": "chat.postMessage",
             "error": "is_archived", "attempts": 1, "failed_at": 1000.0}
    loose = {"outbox_id": 2, "thread": None, "thread_id": None, "channel": "C2", "method": "chat.postMessage",
             "error": "channel_not_found", "attempts": 1, "failed_at": 1010.0}
    assert outbox.reply_failures(store.db) == [first, loose]
    assert outbox.reply_failures(store.db, thread_id=1) == [first]
    assert outbox.reply_failures(store.db, thread_id=2) == []
    assert outbox.reply_failures(store.db, thread_id=1, prefix="ACME") == [{**first, "thread": "ACME-1"}]
    assert [(t["id"], t["reply_errors"]) for t in threads_for_export(store.db)] == [
        ("BB-1", ["chat.postMessage: is_archived"]), ("BB-2", [])]
