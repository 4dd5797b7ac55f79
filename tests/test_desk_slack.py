"""Specialists working the queue from Slack, end to end over real HTTP: signed slash commands,
reactions, the message shortcut, the Home tab and reminders into `bridgebot serve`'s WSGI app,
answers out to the local Slack Web API. Every action is also tried as an external member."""

from __future__ import annotations

import json
import threading
from typing import Any

import pytest

from fakeslack import app_home_opened, block_action, message_event, message_shortcut, reaction_event, slash_command
from slackapp import ACME, DEV, SPEC, SPEC2

TRIAGE = "C_TRIAGE"
Q1, Q2 = "1700000000.000100", "1700000600.000100"
TARGET = 3600.0


class Clock:
    def __init__(self, now: float) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def clock() -> Clock:
    return Clock(float(Q2) + 60)


@pytest.fixture
def desk_bot(fake_slack, tmp_path, bridge_specs, clock):
    from slackapp import start

    fake_slack.add_channel(TRIAGE, "support-triage", is_ext_shared=False, is_shared=False)
    running, stop = start(fake_slack, tmp_path, bridge_specs, clock=clock, triage_channel=TRIAGE,
                          first_response_target=TARGET, **getattr(fake_slack, "extra_settings", {}))
    yield running
    stop()


def ask(bot, ts: str = Q1, text: str = "How do I list liquidation addresses?") -> None:
    bot.fake.add_message(ACME, ts, text=text, user=DEV)
    status, _ = bot.post_event(message_event(ACME, DEV, text, ts=ts, team="T_EXT"), event_id=f"Ev{ts}")
    assert status == 200
    bot.deliver()


def bridge(bot, text: str, user: str = SPEC, team: str = "T_HOME", channel: str = ACME) -> dict[str, Any]:
    """Run /bridge; Slack shows the ack's body to the user who typed it."""
    status, body = bot.post_form(slash_command("/bridge", text, user, team, channel,
                                               response_url=bot.fake.hook_url("cmd")))
    assert status == 200
    bot.deliver()
    answer = json.loads(body)
    assert answer.get("response_type", "ephemeral") == "ephemeral"
    return answer


def state(bot) -> list[tuple]:
    return bot.rows("SELECT id, status, assignee_id FROM threads ORDER BY id")


def kinds(bot, thread_id: int = 1) -> list[str]:
    return [r[0] for r in bot.rows("SELECT kind FROM thread_events WHERE thread_id = ? ORDER BY id", [thread_id])]


def shared_channel_texts(bot) -> str:
    """Everything the bot sent that a customer in the shared channel could read."""
    out = []
    for c in bot.fake.successful_calls():
        if c.args.get("channel") == ACME and c.method in ("chat.postMessage", "chat.update"):
            out.append(json.dumps(c.args))
        if c.method == "chat.postEphemeral" and c.args.get("user") == DEV:
            out.append(json.dumps(c.args))
    return "\n".join(out)


def permalink(bot, ts: str) -> str:
    return bot.app.client.chat_getPermalink(channel=ACME, message_ts=ts)["permalink"]


# --- /bridge ------------------------------------------------------------------------------------

def test_each_subcommand_by_id_and_by_permalink(desk_bot) -> None:
    bot = desk_bot
    ask(bot, Q1)
    ask(bot, Q2, "Why does POST /v0/transfers say invalid currency?")
    queue = bridge(bot, "queue")["text"]
    assert queue.index("*BB-1*") < queue.index("*BB-2*") and "Acme Inc" in queue
    assert "waiting 11m" in queue and "49m left to first response" in queue  # BB-1: 660 s of 3600 s

    assert "You claimed BB-1" in bridge(bot, "claim BB-1")["text"]
    assert state(bot)[0] == (1, "open", SPEC)
    update = bot.fake.successful_calls("chat.update")[-1]
    assert f"claimed by <@{SPEC}>" in json.dumps(update.args["blocks"])  # the bot's reply follows
    assert "BB-1" in bridge(bot, "mine")["text"] and "BB-1" not in bridge(bot, "queue")["text"]
    assert "already claimed by <@U_SPEC>" in bridge(bot, "claim 1", user=SPEC2)["text"]

    link = permalink(bot, Q1)
    assert link.startswith("https://") and "/archives/C_ACME/p1700000000000100" in link
    assert "now assigned to <@U_SPEC2>" in bridge(bot, f"assign <{link}> <@{SPEC2}|spec2>")["text"]
    assert "You released BB-1" in bridge(bot, f"release {link}", user=SPEC2)["text"]
    assert "BB-1 is resolved" in bridge(bot, f"resolve <{link}|link>")["text"]
    assert "already resolved (by <@U_SPEC>)" in bridge(bot, "resolve bb-1")["text"]
    assert "BB-1 is open again" in bridge(bot, "reopen BB-1")["text"]
    assert kinds(bot) == ["opened", "claimed", "assigned", "released", "resolved", "reopened"]
    actors = bot.rows("SELECT actor_id, from_value, to_value FROM thread_events WHERE thread_id = 1 AND kind = "
                      "'assigned'")
    assert actors == [(SPEC, SPEC, SPEC2)]

    # A link to a reply inside BB-2's thread names BB-2.
    bot.fake.add_message(ACME, "1700000700.000100", text="more detail", user=DEV, thread_ts=Q2)
    assert "You claimed BB-2" in bridge(bot, f"claim {permalink(bot, '1700000700.000100')}")["text"]


def test_help_unknown_subcommands_and_bad_ids_get_helpful_answers(desk_bot) -> None:
    bot = desk_bot
    ask(bot)
    help_text = bridge(bot, "")["text"]
    for name in ("queue", "mine", "claim", "assign", "release", "resolve", "reopen", "note", "help"):
        assert f"`/bridge {name}" in help_text
    unknown = bridge(bot, "grab BB-1")["text"]
    assert "`/bridge` has no `grab`" in unknown and "`/bridge claim BB-42`" in unknown
    assert "`BB-one` is not a thread" in bridge(bot, "claim BB-one")["text"]
    assert "There is no thread BB-9" in bridge(bot, "claim 9")["text"]
    assert "Almost: `/bridge assign" in bridge(bot, "assign BB-1")["text"]
    assert kinds(bot) == ["opened"]


def test_a_note_is_kept_with_the_thread_and_never_reaches_the_shared_channel(desk_bot) -> None:
    bot = desk_bot
    ask(bot)
    secret_words = "customer is on the legacy plan, escalate to payments eng"
    answer = bridge(bot, f"note BB-1 {secret_words}")
    assert "Note saved on BB-1 and posted in <#C_TRIAGE>" in answer["text"]
    assert bot.rows("SELECT author_id, text FROM thread_notes") == [(SPEC, secret_words)]
    (post,) = [c for c in bot.fake.successful_calls("chat.postMessage") if c.args["channel"] == TRIAGE]
    assert secret_words in post.args["text"] and "BB-1" in post.args["text"]
    assert secret_words not in shared_channel_texts(bot)
    assert "note" in kinds(bot)


# --- reactions, the shortcut, buttons ------------------------------------------------------------

def test_reactions_claim_and_resolve(desk_bot) -> None:
    bot = desk_bot
    ask(bot)
    reply_ts = bot.fake.successful_calls("chat.postMessage")[0].response["ts"]
    bot.post_event(reaction_event(SPEC, "thumbsup", ACME, Q1))  # not ours: nothing
    assert kinds(bot) == ["opened"]
    assert bot.post_event(reaction_event(SPEC, "eyes", ACME, Q1), event_id="EvR1")[0] == 200
    bot.post_event(reaction_event(SPEC, "eyes", ACME, Q1), event_id="EvR1", retry=1)  # redelivered: once
    assert state(bot) == [(1, "open", SPEC)]
    bot.post_event(reaction_event(SPEC2, "eyes", ACME, Q1), event_id="EvR2")
    bot.deliver()
    told = [c for c in bot.fake.successful_calls("chat.postEphemeral") if c.args["user"] == SPEC2]
    assert len(told) == 1 and "already claimed by <@U_SPEC>" in told[0].args["text"]
    bot.post_event(reaction_event(SPEC2, "white_check_mark", ACME, reply_ts), event_id="EvR3")  # on the bot's reply
    assert state(bot) == [(1, "resolved", SPEC)]
    assert kinds(bot) == ["opened", "claimed", "resolved"]


def test_reaction_names_are_configurable(fake_slack, tmp_path, bridge_specs) -> None:
    from slackapp import start

    running, stop = start(fake_slack, tmp_path, bridge_specs, claim_reaction="raising_hand",
                          resolve_reaction="heavy_check_mark")
    try:
        ask(running)
        running.post_event(reaction_event(SPEC, "eyes", ACME, Q1))
        assert state(running) == [(1, "open", None)]
        running.post_event(reaction_event(SPEC, "raising_hand", ACME, Q1))
        running.post_event(reaction_event(SPEC, "heavy_check_mark", ACME, Q1))
        assert state(running) == [(1, "resolved", SPEC)]
    finally:
        stop()


def test_the_message_shortcut_claims_the_thread_of_any_message_in_it(desk_bot) -> None:
    bot = desk_bot
    ask(bot)
    reply = {"type": "message", "user": DEV, "text": "any news?", "ts": "1700000300.000100", "thread_ts": Q1}
    status, _ = bot.post_form(message_shortcut("claim_thread", SPEC, "T_HOME", ACME, reply,
                                               response_url=bot.fake.hook_url("sc1")))
    assert status == 200
    assert state(bot) == [(1, "open", SPEC)]
    (answer,) = bot.fake.responses("sc1")
    assert "You claimed BB-1" in answer.args["text"] and answer.args["response_type"] == "ephemeral"
    # Used again by someone else: told who holds it.
    bot.post_form(message_shortcut("claim_thread", SPEC2, "T_HOME", ACME, reply, response_url=bot.fake.hook_url("sc2")))
    assert "already claimed by <@U_SPEC>" in bot.fake.responses("sc2")[0].args["text"]
    # On a message that is no tracked thread.
    other = {"type": "message", "user": SPEC, "text": "lunch?", "ts": "1700000900.000100"}
    bot.post_form(message_shortcut("claim_thread", SPEC, "T_HOME", ACME, other, response_url=bot.fake.hook_url("sc3")))
    assert "not a tracked thread" in bot.fake.responses("sc3")[0].args["text"]


# --- App Home --------------------------------------------------------------------------------------

def home_text(bot, user: str) -> str:
    return json.dumps(bot.fake.home_views[user]["blocks"])


def test_app_home_is_published_on_open_and_refreshed_when_the_members_threads_change(desk_bot) -> None:
    bot = desk_bot
    ask(bot, Q1)
    ask(bot, Q2)
    assert bot.post_event(app_home_opened(SPEC))[0] == 200
    bot.deliver()
    home = bot.fake.home_views[SPEC]
    assert home["type"] == "home"
    text = home_text(bot, SPEC)
    assert "My claimed threads (0)" in text and "Unclaimed queue (2)" in text and "2 opened" in text
    claim_buttons = [b["accessory"]["value"] for b in home["blocks"] if b.get("accessory", {}).get("action_id") == "bb_claim"]
    assert claim_buttons == ["1", "2"]

    publishes = len(bot.fake.successful_calls("views.publish"))
    bridge(bot, "claim BB-1")  # SPEC's threads change: their Home tab follows
    assert len(bot.fake.successful_calls("views.publish")) > publishes
    text = home_text(bot, SPEC)
    assert "My claimed threads (1)" in text and "Unclaimed queue (1)" in text

    # The Claim button on the Home tab (no channel there): claims, and refreshes.
    bot.post_form(block_action("bb_claim", "2", SPEC, "T_HOME", "", "", response_url=bot.fake.hook_url("h")))
    bot.deliver()
    assert state(bot) == [(1, "open", SPEC), (2, "open", SPEC)]
    assert "My claimed threads (2)" in home_text(bot, SPEC)

    # Assigning to a colleague refreshes both Home tabs.
    bridge(bot, f"assign BB-2 <@{SPEC2}>")
    assert "My claimed threads (1)" in home_text(bot, SPEC) and "My claimed threads (1)" in home_text(bot, SPEC2)
    # Resolve from the Home tab; a refusal there arrives as a direct message.
    bot.post_form(block_action("bb_resolve", "1", SPEC, "T_HOME", "", ""))
    bot.post_form(block_action("bb_resolve", "1", SPEC, "T_HOME", "", ""))
    bot.deliver()
    assert "1 resolved (1 by you)" in home_text(bot, SPEC)
    dm = [c for c in bot.fake.successful_calls("chat.postMessage") if c.args["channel"] == SPEC]
    assert dm and "already resolved" in dm[-1].args["text"]


# --- who may act -------------------------------------------------------------------------------------

def test_every_action_by_an_external_member_is_refused_privately_and_changes_nothing(desk_bot) -> None:
    bot = desk_bot
    ask(bot)
    reply_ts = bot.fake.successful_calls("chat.postMessage")[0].response["ts"]
    before = (state(bot), kinds(bot))
    for text in ("queue", "mine", "help", "claim BB-1", f"assign BB-1 <@{DEV}>", "release BB-1", "resolve BB-1",
                 "reopen BB-1", "note BB-1 hi", "whatever"):
        answer = bridge(bot, text, user=DEV, team="T_EXT")
        assert "`/bridge` is for the support team" in answer["text"], text
    for reaction, ts in (("eyes", Q1), ("white_check_mark", Q1), ("white_check_mark", reply_ts)):
        event = reaction_event(DEV, reaction, ACME, ts)
        bot.post_event(event, event_id=f"EvX{reaction}{ts}")
        bot.post_event(event, event_id=f"EvX{reaction}{ts}", retry=1)  # redelivered: refused once
    reply = {"type": "message", "user": DEV, "text": "hello", "ts": Q1}
    bot.post_form(message_shortcut("claim_thread", DEV, "T_EXT", ACME, reply, response_url=bot.fake.hook_url("x")))
    for action_id in ("bb_claim", "bb_resolve", "bb_release"):
        bot.post_form(block_action(action_id, "1", DEV, "T_EXT", ACME, reply_ts, thread_ts=Q1))
    bot.post_event(app_home_opened(DEV))
    bot.deliver()

    assert (state(bot), kinds(bot)) == before
    assert bot.rows("SELECT COUNT(*) FROM thread_notes") == [(0,)]
    assert bot.fake.calls("chat.update") == []
    # Each refusal was private: ephemeral to the member, the shortcut's response_url, their own Home tab.
    ephemerals = [c for c in bot.fake.successful_calls("chat.postEphemeral") if c.args["user"] == DEV]
    assert len(ephemerals) == 6 and all("support team" in c.args["text"] for c in ephemerals)
    assert "nothing was changed" in bot.fake.responses("x")[0].args["text"]
    assert "support team's desk" in home_text(bot, DEV) and "BB-1" not in home_text(bot, DEV)
    assert not [c for c in bot.fake.successful_calls("chat.postMessage") if c.args["channel"] in (ACME, TRIAGE)][1:]


# --- reminders and the claimer's notice ---------------------------------------------------------------

def test_an_unclaimed_thread_nearing_its_target_is_posted_once_to_triage(desk_bot, clock) -> None:
    bot = desk_bot
    ask(bot, Q1)
    ask(bot, Q2)
    bridge(bot, "claim BB-2")  # a claimed thread gets no reminder

    def triage_posts() -> list:
        return [c for c in bot.fake.successful_calls("chat.postMessage") if c.args["channel"] == TRIAGE]

    clock.now = float(Q1) + 0.8 * TARGET - 1
    bot.app.scheduler.run_due()
    bot.deliver()
    assert triage_posts() == []
    clock.now = float(Q1) + 0.8 * TARGET + 60
    bot.app.scheduler.run_due()
    bot.deliver()
    (post,) = triage_posts()
    assert "*BB-1*" in post.args["text"] and "Acme Inc" in post.args["text"] and "11m left" in post.args["text"]
    for step in range(1, 5):  # later runs, past the target too: not again
        clock.now += 600
        bot.app.scheduler.run_due()
    bot.deliver()
    assert len(triage_posts()) == 1
    assert bot.rows("SELECT thread_id, kind FROM reminders_sent") == [(1, "first_response")]


def test_the_claimer_is_told_privately_when_the_customer_replies(desk_bot) -> None:
    bot = desk_bot
    ask(bot)
    bot.post_event(message_event(ACME, DEV, "hello?", ts="1700000100.000100", thread_ts=Q1, team="T_EXT"))
    bot.deliver()
    assert [c for c in bot.fake.successful_calls("chat.postMessage") if c.args["channel"] == SPEC] == []  # unclaimed
    bridge(bot, "claim BB-1")
    bot.post_event(message_event(ACME, SPEC, "looking", ts="1700000200.000100", thread_ts=Q1, team="T_HOME"))
    bot.post_event(message_event(ACME, DEV, "it fails again", ts="1700000300.000100", thread_ts=Q1, team="T_EXT"))
    bot.deliver()
    (dm,) = [c for c in bot.fake.successful_calls("chat.postMessage") if c.args["channel"] == SPEC]
    assert "replied in *BB-1*, which you hold" in dm.args["text"] and f"<@{DEV}>" in dm.args["text"]
    assert "which you hold" not in shared_channel_texts(bot)


# --- Slack's 3 seconds -----------------------------------------------------------------------------------

def test_a_slash_command_is_answered_while_every_event_worker_is_blocked(fake_slack, tmp_path, bridge_specs) -> None:
    """Four event workers, each held inside a Slack lookup that does not return; /bridge still
    answers from the ack (it never waits behind events)."""
    from fakeslack import event_callback, signed_post
    from slackapp import SIGNING_SECRET, start

    running, stop = start(fake_slack, tmp_path, bridge_specs, threads=4)
    release = threading.Event()
    results: list[int] = []

    def post(n: int) -> None:
        body = json.dumps(event_callback(message_event(f"C_BURST{n}", DEV, "POST /v0/transfers {}", team="T_EXT")))
        results.append(signed_post(running.url + "/slack/events", body, SIGNING_SECRET, timeout=60)[0])

    burst = [threading.Thread(target=post, args=(n,)) for n in range(8)]
    try:
        ask(running)  # before the burst: one open thread
        entered = threading.Semaphore(0)

        def hold(call: Any) -> dict:
            entered.release()
            release.wait(30)
            return {"ok": False, "error": "channel_not_found"}

        fake_slack.set_handler("conversations.info", hold)
        for t in burst:
            t.start()
        for _ in range(4):  # all four event workers are now held inside a lookup
            assert entered.acquire(timeout=10)
        answer = bridge(running, "queue")
        assert "*BB-1*" in answer["text"]
        answer = bridge(running, "claim BB-1")
        assert "You claimed BB-1" in answer["text"]
        assert not results  # the events are still being processed
    finally:
        release.set()
        for t in burst:
            t.join(60)
        stop()
    assert results == [200] * 8


def test_two_specialists_claiming_over_slack_at_once_one_wins_the_other_is_told_who(desk_bot) -> None:
    bot = desk_bot
    bot.fake.add_user("U_SPEC3", team_id="T_HOME", name="spec3")
    for i in range(5):
        ask(bot, f"17000010{i:02d}.000100")
    for thread_id in range(1, 6):
        barrier = threading.Barrier(3)
        answers: dict[str, str] = {}

        def claim(user: str) -> None:
            barrier.wait()
            answers[user] = bridge(bot, f"claim BB-{thread_id}", user=user)["text"]

        workers = [threading.Thread(target=claim, args=(u,)) for u in (SPEC, SPEC2, "U_SPEC3")]
        for w in workers:
            w.start()
        for w in workers:
            w.join(10)
        winners = [u for u, text in answers.items() if f"You claimed BB-{thread_id}" in text]
        assert len(winners) == 1, answers
        for user, text in answers.items():
            if user != winners[0]:
                assert f"already claimed by <@{winners[0]}>" in text
        assert bot.rows("SELECT assignee_id FROM threads WHERE id = ?", [thread_id]) == [(winners[0],)]
        assert kinds(bot, thread_id) == ["opened", "claimed"]
