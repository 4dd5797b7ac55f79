"""Ack first, from a durable inbox: an event is stored (redacted) and acked before any work, then
handled by the process's workers, retried for as long as a Slack lookup fails, in order per channel."""

from __future__ import annotations

import json
import threading

from fakeslack import message_event
from slackapp import ACME, DEV, SPEC, start
from test_slack_app import KEY, PASTE, replies


def _due_now(bot) -> None:
    bot.app.store.db.execute("UPDATE inbox SET next_attempt_at = 0")


def test_an_event_is_acked_while_the_channel_lookup_hangs(bot) -> None:
    release = threading.Event()

    def hanging(call):
        release.wait(30)
        return {"ok": True, "channel": bot.fake.channels[ACME]}

    bot.fake.set_handler("conversations.info", hanging)
    try:
        # Slack gives up on a request after 3 s: the ack must come without waiting for the lookup.
        status, _ = bot.post_event(message_event(ACME, DEV, PASTE, ts="1700000800.000100", team="T_EXT"),
                                   event_id="EvHang", process=False, timeout=3)
        assert status == 200
        assert bot.rows("SELECT event_key, status FROM inbox") == [("EvHang", "pending")]
    finally:
        release.set()
        bot.fake.set_handler("conversations.info", None)
    bot.deliver()
    assert bot.rows("SELECT COUNT(*) FROM threads") == [(1,)]
    assert len(replies(bot)) == 1


def test_an_event_is_acked_while_slack_rate_limits_the_lookup(bot) -> None:
    bot.fake.fail_next("conversations.info", status=429, retry_after=5, times=100)
    status, _ = bot.post_event(message_event(ACME, DEV, PASTE, ts="1700000801.000100", team="T_EXT"),
                               event_id="Ev429", timeout=3)
    assert status == 200
    # The worker did not sleep on Retry-After either: the event waits in the inbox with backoff.
    assert bot.rows("SELECT status, last_error LIKE '%ratelimited%' FROM inbox") == [("pending", 1)]
    bot.fake.clear_failures()
    _due_now(bot)
    bot.deliver()
    assert len(replies(bot)) == 1


def test_the_inbox_survives_a_restart(fake_slack, tmp_path, bridge_specs) -> None:
    fake_slack.fail_next("conversations.info", status=500, times=1000)
    running, stop = start(fake_slack, tmp_path, bridge_specs)
    try:
        status, _ = running.post_event(message_event(ACME, DEV, PASTE, ts="1700000802.000100", team="T_EXT"),
                                       event_id="EvRestart")
        assert status == 200
    finally:
        stop()
    assert running.rows("SELECT COUNT(*) FROM threads") == [(0,)]
    fake_slack.clear_failures()
    again, stop = start(fake_slack, tmp_path, bridge_specs)  # a new process on the same database
    try:
        again.app.store.db.execute("UPDATE inbox SET next_attempt_at = 0")
        again.deliver()
        assert again.rows("SELECT status FROM inbox") == [("done",)]
        assert again.rows("SELECT COUNT(*) FROM threads") == [(1,)]
        assert len(replies(again)) == 1
    finally:
        stop()


def test_a_redelivered_event_is_recognised_before_any_work(bot) -> None:
    bot.app.worker.stop()  # no background worker: the first delivery stays in the inbox
    event = message_event(ACME, DEV, PASTE, ts="1700000803.000100", team="T_EXT")
    bot.post_event(event, event_id="EvTwice", process=False)
    bot.fake.clear()
    status, _ = bot.post_event(event, event_id="EvTwice", retry=1, process=False)
    assert status == 200
    assert bot.fake.calls() == []  # no lookup, nothing: the inbox knew it
    assert bot.rows("SELECT COUNT(*) FROM inbox") == [(1,)]
    bot.deliver()
    assert len(replies(bot)) == 1


def test_the_inbox_holds_no_key(bot) -> None:
    bot.app.worker.stop()
    status, _ = bot.post_event(message_event(ACME, DEV, PASTE, ts="1700000804.000100", team="T_EXT"),
                               event_id="EvKey", process=False)
    assert status == 200
    (body,) = bot.rows("SELECT body FROM inbox")
    assert KEY not in body[0] and "sk-live-…9f2c" in body[0]
    assert json.loads(body[0])["bridgebot_secrets"][0]["redacted"] == "sk-live-…9f2c"
    bot.deliver()
    # The warning still reaches the poster, and the reply still flags the key.
    (warning,) = [c for c in bot.fake.successful_calls("chat.postEphemeral") if c.args["user"] == DEV]
    assert "sk-live-…9f2c" in warning.args["text"]
    assert "sk-live-…9f2c" in json.dumps(replies(bot)[0].args["blocks"], ensure_ascii=False)
    assert not bot.fake.saw(KEY)


def test_events_of_one_channel_are_handled_in_order_while_one_waits(bot) -> None:
    """The question's lookup fails; the customer's follow-up in its thread waits behind it rather
    than being handled first (and dropped as a reply in an untracked thread)."""
    bot.fake.fail_next("conversations.info", status=500, times=1000)
    bot.post_event(message_event(ACME, DEV, PASTE, ts="1700000900.000100", team="T_EXT"), event_id="EvQ")
    bot.post_event(message_event(ACME, SPEC, "Use usdc", ts="1700000950.000100", thread_ts="1700000900.000100",
                                 team="T_HOME"), event_id="EvR")
    _due_now(bot)
    bot.deliver()
    assert bot.rows("SELECT event_key, status FROM inbox ORDER BY id") == [("EvQ", "pending"), ("EvR", "pending")]
    bot.fake.clear_failures()
    _due_now(bot)
    bot.deliver()
    assert bot.rows("SELECT first_responder_id FROM threads") == [(SPEC,)]


def test_another_channel_is_not_held_by_a_waiting_one(bot) -> None:
    bot.fake.add_channel("C_OTHER", "other-bridge", is_ext_shared=True, connected_team_ids=["T_HOME", "T_EXT"])
    down = {ACME}

    def info(call):
        if call.args.get("channel") in down:
            return 500, {"ok": False, "error": "internal_error"}
        return bot.fake._api_conversations_info(call)

    bot.fake.set_handler("conversations.info", info)
    bot.post_event(message_event(ACME, DEV, PASTE, ts="1700001000.000100", team="T_EXT"), event_id="EvA")
    bot.post_event(message_event("C_OTHER", DEV, PASTE, ts="1700001001.000100", team="T_EXT"), event_id="EvB")
    assert bot.rows("SELECT channel_id FROM threads") == [("C_OTHER",)]
    down.clear()
    _due_now(bot)
    bot.deliver()
    assert bot.rows("SELECT channel_id FROM threads ORDER BY id") == [("C_OTHER",), (ACME,)]


def test_an_edit_whose_check_failed_is_applied_when_retried(bot, monkeypatch) -> None:
    """The "event seen" mark commits with the change: a failure in between leaves the edit to retry."""
    bot.post_event(message_event(ACME, DEV, PASTE, ts="1700001100.000100", team="T_EXT"), event_id="EvOrig")
    bot.deliver()
    desk = bot.app.desk
    real_check = desk._check
    calls = []

    def failing_once(text, secrets=None):
        calls.append(text)
        if len(calls) == 1:
            raise RuntimeError("the checker fell over")
        return real_check(text, secrets)

    monkeypatch.setattr(desk, "_check", failing_once)
    fixed = PASTE.replace("usdcc", "usdc")
    edit = {"type": "message", "subtype": "message_changed", "channel": ACME, "hidden": True,
            "ts": "1700001150.000100", "event_ts": "1700001150.000100",
            "message": {"type": "message", "user": DEV, "text": fixed, "ts": "1700001100.000100"},
            "previous_message": {"type": "message", "user": DEV, "text": PASTE, "ts": "1700001100.000100"}}
    assert bot.post_event(edit, event_id="EvEdit")[0] == 200
    assert bot.rows("SELECT status FROM inbox WHERE event_key = 'EvEdit'") == [("pending",)]
    _due_now(bot)
    bot.deliver()
    assert bot.rows("SELECT kind FROM thread_events ORDER BY id") == [("opened",), ("edited",)]
    assert "usdcc" not in json.dumps(bot.fake.successful_calls("chat.update")[-1].args["blocks"])


def test_an_edit_fails_then_succeeds_in_the_desk_alone(bot, monkeypatch) -> None:
    bot.post_event(message_event(ACME, DEV, PASTE, ts="1700001200.000100", team="T_EXT"), event_id="EvO2")
    desk = bot.app.desk
    real_check = desk._check
    monkeypatch.setattr(desk, "_check", lambda text, secrets=None: (_ for _ in ()).throw(RecursionError()))
    try:
        desk.handle_edit("EvE2", ACME, "1700001200.000100", PASTE.replace("usdcc", "usdc"), DEV)
    except RecursionError:
        pass
    monkeypatch.setattr(desk, "_check", real_check)
    assert desk.handle_edit("EvE2", ACME, "1700001200.000100", PASTE.replace("usdcc", "usdc"), DEV).action \
        == "rechecked"


def test_a_deferred_slash_command_is_acked_at_once_and_answered_from_the_inbox(bot, monkeypatch) -> None:
    """How a slash command plugs in: listed in INBOX_COMMANDS, it is stored and acked with an empty
    200, then run by a worker, which answers through respond() (the response_url)."""
    from fakeslack import slash_command

    from bridgebot import app as app_module

    monkeypatch.setattr(app_module, "INBOX_COMMANDS", {"/bbtest"})
    bot.app.worker.stop()

    @bot.app.bolt.command("/bbtest")
    def bbtest(ack, respond, command):
        ack()
        respond(f"looked up {command['channel_id']}")

    status, text = bot.post_form(slash_command("/bbtest", "queue", SPEC, "T_HOME", ACME,
                                               response_url=bot.fake.hook_url("cmd")), process=False)
    assert (status, text) == (200, "")
    assert bot.rows("SELECT kind, lane FROM inbox") == [("command:/bbtest", ACME)]
    bot.process()
    (answer,) = bot.fake.calls("hooks/cmd")
    assert json.loads(answer.raw_body)["text"] == f"looked up {ACME}"


def test_an_event_that_hits_a_bug_is_set_aside_after_a_few_tries_and_its_channel_moves_on(bot, monkeypatch) -> None:
    from bridgebot.tracking.inbox import MAX_BUG_ATTEMPTS

    bot.app.worker.stop()
    desk = bot.app.desk
    real = desk.handle_message

    def buggy(event_id, msg):
        if "POISON" in msg.text:
            raise ValueError("a bug")
        return real(event_id, msg)

    monkeypatch.setattr(desk, "handle_message", buggy)
    bot.post_event(message_event(ACME, DEV, "POISON question", ts="1700001300.000100", team="T_EXT"), event_id="EvP")
    bot.post_event(message_event(ACME, DEV, PASTE, ts="1700001301.000100", team="T_EXT"), event_id="EvNext")
    for _ in range(MAX_BUG_ATTEMPTS):
        _due_now(bot)
        bot.deliver()
    assert bot.rows("SELECT event_key, status FROM inbox ORDER BY id") == [("EvP", "failed"), ("EvNext", "done")]
    assert bot.rows("SELECT thread_ts FROM threads") == [("1700001301.000100",)]
    import urllib.request
    with urllib.request.urlopen(bot.url + "/healthz", timeout=5) as r:
        assert json.loads(r.read())["inbox"] == {"failed": 1, "done": 1}


def test_a_slow_check_neither_delays_the_ack_nor_holds_another_channel(bot, monkeypatch) -> None:
    """A paste that takes the checker a long time holds its own channel's events only."""
    bot.fake.add_channel("C_OTHER", "other-bridge", is_ext_shared=True, connected_team_ids=["T_HOME", "T_EXT"])
    desk = bot.app.desk
    real_check = desk._check
    release, entered = threading.Event(), threading.Event()

    def slow(text, secrets=None):
        if "SLOW" in text:
            entered.set()
            release.wait(20)
        return real_check(text, secrets)

    monkeypatch.setattr(desk, "_check", slow)
    try:
        status, _ = bot.post_event(message_event(ACME, DEV, "SLOW " + PASTE, ts="1700001400.000100", team="T_EXT"),
                                   event_id="EvSlow", process=False, timeout=3)
        assert status == 200
        assert entered.wait(5)  # a background worker is stuck checking it
        status, _ = bot.post_event(message_event("C_OTHER", DEV, PASTE, ts="1700001401.000100", team="T_EXT"),
                                   event_id="EvQuick", process=False, timeout=3)
        assert status == 200
        (reply,) = bot.fake.wait_for("chat.postMessage", 1, timeout=10)
        assert reply.args["channel"] == "C_OTHER" and not release.is_set()
    finally:
        release.set()


def test_what_goes_in_the_inbox_and_in_which_lane() -> None:
    """Events and our buttons are stored (lane: their channel); what must answer in the request is not."""
    from bridgebot.app import inbox_entry

    def entry(body):
        e = inbox_entry(body)
        return e and (e["event_key"], e["kind"], e["lane"])

    assert entry({"type": "event_callback", "event_id": "Ev1", "event": {"type": "message", "channel": "C1"}}) == (
        "Ev1", "message", "C1")
    assert entry({"type": "event_callback", "event_id": "Ev2",
                  "event": {"type": "message", "subtype": "message_changed", "channel": "C1"}}) == (
        "Ev2", "message:message_changed", "C1")
    assert entry({"type": "event_callback", "event_id": "Ev3",
                  "event": {"type": "reaction_added", "item": {"channel": "C2"}}}) == ("Ev3", "reaction_added", "C2")
    assert entry({"type": "event_callback", "event_id": "Ev4",
                  "event": {"type": "app_home_opened", "user": "U1"}}) == ("Ev4", "app_home_opened", "U1")
    click = {"type": "block_actions", "user": {"id": "U1"}, "channel": {"id": "C1"},
             "actions": [{"action_id": "bb_claim", "action_ts": "1.2"}]}
    assert entry(click) == ("action:U1:1.2:bb_claim", "block_actions", "C1")
    modal_button = {**click, "actions": [{"action_id": "open_a_modal", "action_ts": "1.3"}]}
    assert entry(modal_button) is None
    assert entry({"command": "/bridge", "trigger_id": "t1", "channel_id": "C1"}) is None
    assert entry({"type": "view_submission", "view": {}}) is None
    assert entry({"type": "url_verification", "challenge": "x"}) is None


# --- The inbox and its worker without Slack (an injected clock, drained in the test's thread) ---

OTHER_KEY = "sk-live-1f2e3d4c5b6a7980a1b2c3d4"


class _Clock:
    def __init__(self, now: float = 1000.0) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now


def _inbox_worker(tmp_path, process, clock):
    from bridgebot.tracking import Store
    from bridgebot.worker import InboxWorker

    store = Store(tmp_path / "bb.db")
    return store, InboxWorker(store, process, clock=clock)


def _event(key: str, lane: str, text: str) -> dict:
    return {"event_key": key, "kind": "message", "lane": lane,
            "body": {"event_id": key, "event": {"type": "message", "channel": lane, "text": text}}}


def test_the_worker_gets_each_stored_event_back_whole_in_order_per_channel(tmp_path) -> None:
    from bridgebot.tracking import inbox

    handled = []
    store, worker = _inbox_worker(tmp_path, lambda item: handled.append(
        (item.event_key, item.kind, item.lane, item.body, item.attempts)), _Clock())
    assert worker.accept(**_event("Ev1", "C1", "first, café"))
    assert worker.accept(**{**_event("Ev2", "C1", "second"), "kind": "message:message_changed"})
    assert worker.accept(**_event("Ev3", "C2", "other channel"))
    assert not worker.accept(**_event("Ev1", "C1", "first, café"))  # a redelivery: not stored twice
    assert worker.drain() == 3
    assert handled == [
        ("Ev1", "message", "C1", _event("Ev1", "C1", "first, café")["body"], 0),
        ("Ev2", "message:message_changed", "C1", _event("Ev2", "C1", "second")["body"], 0),
        ("Ev3", "message", "C2", _event("Ev3", "C2", "other channel")["body"], 0)]
    assert inbox.counts(store.db) == {"done": 3}
    assert worker.next_due_at() is None and worker.drain() == 0


def test_a_passing_failure_is_retried_with_backoff_for_as_long_as_it_takes_and_holds_only_its_channel(
        tmp_path) -> None:
    from bridgebot.tracking import inbox

    clock, handled, failing = _Clock(), [], [True]

    def process(item):
        if item.event_key == "Ev1" and failing[0]:
            raise OSError("slack timed out")
        handled.append((item.event_key, item.attempts))

    store, worker = _inbox_worker(tmp_path, process, clock)
    for key, lane in (("Ev1", "C1"), ("Ev2", "C1"), ("Ev3", "C2")):
        worker.accept(**_event(key, lane, "hello"))
    assert worker.drain() == 1 and handled == [("Ev3", 0)]  # Ev2 waits behind Ev1; C2 moves on
    waited = []
    for attempt in range(1, 10):  # well past MAX_BUG_ATTEMPTS: a passing failure is never set aside
        status, attempts, due, error = store.db.execute(
            "SELECT status, attempts, next_attempt_at, last_error FROM inbox WHERE event_key = 'Ev1'").fetchone()
        assert (status, attempts, error) == ("pending", attempt, "OSError: slack timed out")
        waited.append(due - clock.now)
        clock.now = due - 0.5
        assert worker.ready_lanes() == [] and worker.drain() == 0  # not due yet
        clock.now = due
        assert worker.ready_lanes() == ["C1"]
        if attempt < 9:
            assert worker.drain() == 0
    assert waited == [1, 2, 5, 15, 30, 60, 120, 120, 120]
    failing[0] = False
    assert worker.drain() == 2
    assert handled == [("Ev3", 0), ("Ev1", 9), ("Ev2", 0)]
    assert inbox.counts(store.db) == {"done": 3}


def test_an_event_that_hits_a_bug_is_set_aside_after_max_bug_attempts_and_its_channel_moves_on(
        tmp_path, caplog) -> None:
    from bridgebot.tracking import inbox
    from bridgebot.tracking.inbox import MAX_BUG_ATTEMPTS

    clock, handled = _Clock(), []

    def process(item):
        if item.event_key == "EvP":
            raise ValueError("a bug " + "x" * 600)
        handled.append(item.event_key)

    store, worker = _inbox_worker(tmp_path, process, clock)
    worker.accept(**_event("EvP", "C1", "poison"))
    worker.accept(**_event("EvNext", "C1", "next"))
    for attempt in range(1, MAX_BUG_ATTEMPTS + 1):
        worker.drain()
        status, attempts, done_at, error, due = store.db.execute(
            "SELECT status, attempts, done_at, last_error, next_attempt_at FROM inbox WHERE event_key = 'EvP'"
        ).fetchone()
        assert attempts == attempt
        assert error == ("ValueError: a bug " + "x" * 600)[:500]
        if attempt < MAX_BUG_ATTEMPTS:
            assert (status, done_at, handled) == ("pending", None, [])
            clock.now = due
    assert (status, done_at) == ("failed", clock.now)
    assert f"failed {MAX_BUG_ATTEMPTS} times and is set aside" in caplog.text
    assert worker.drain() == 1 and handled == ["EvNext"]
    assert inbox.counts(store.db) == {"failed": 1, "done": 1}
    assert worker.next_due_at() is None


def test_a_key_anywhere_in_an_event_is_redacted_before_it_is_stored(tmp_path) -> None:
    handled = []
    store, worker = _inbox_worker(tmp_path, handled.append, _Clock())
    body = {"event_id": "EvK", "event": {"type": "message", "channel": "C1", "text": f"my key is {KEY} ok",
                                         "files": [{"preview": f"Api-Key: {OTHER_KEY}"}], "n": 3}}
    worker.accept(event_key="EvK", kind="message", lane="C1", body=body)
    (stored,) = store.db.execute("SELECT body FROM inbox").fetchone()
    assert KEY not in stored and OTHER_KEY not in stored
    worker.drain()
    (item,) = handled
    assert item.body["event"] == {"type": "message", "channel": "C1", "text": "my key is sk-live-…9f2c ok",
                                  "files": [{"preview": "Api-Key: sk-live-…c3d4"}], "n": 3}
    assert item.body["bridgebot_secrets"] == [
        {"kind": "bridge_live_key", "location": "body", "redacted": "sk-live-…9f2c"},
        {"kind": "bridge_live_key", "location": "header", "redacted": "sk-live-…c3d4"}]
