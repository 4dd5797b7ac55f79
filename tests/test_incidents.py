"""The incident signal over HTTP: three customers' threads on the same error within the window give
one triage post; a fourth is added to it; two customers give none."""

from __future__ import annotations

import json

import pytest

from fakeslack import message_event
from slackapp import ACME, DEV

TRIAGE = "C_TRIAGE"
ERROR_PASTE = """Getting this when creating a transfer, no idea why:
HTTP/1.1 400 Bad Request
{"code": "has_not_accepted_tos", "message": "Customer has not accepted the terms of service"}"""
BAD_REQUEST = """curl -X POST https://api.bridge.xyz/v0/transfers -H "Api-Key: x" -H 'Idempotency-Key: k1' \\
  -H 'Content-Type: application/json' -d '{"amount": 10}'"""
CUSTOMERS = [(ACME, DEV, "T_EXT"), ("C_GLOBEX", "U_GLX", "T_GLX"), ("C_INITECH", "U_INI", "T_INI"),
             ("C_UMBRELLA", "U_UMB", "T_UMB")]
T0 = 1_790_000_000


@pytest.fixture
def triage_bot(fake_slack, tmp_path, bridge_specs):
    from slackapp import start

    for channel, user, team in CUSTOMERS[1:]:
        fake_slack.add_team(team, team.replace("T_", "") + " Corp")
        fake_slack.add_user(user, team_id=team, name=user.lower())
        fake_slack.add_channel(channel, channel.lower(), is_ext_shared=True, connected_team_ids=["T_HOME", team])
    running, stop = start(fake_slack, tmp_path, bridge_specs, triage_channel=TRIAGE)
    yield running
    stop()


def ask(bot, customer: int, at: float, text: str = ERROR_PASTE) -> None:
    channel, user, team = CUSTOMERS[customer]
    status, _ = bot.post_event(message_event(channel, user, text, ts=f"{at:.6f}", team=team),
                               event_id=f"Ev{customer}{int(at)}")
    assert status == 200
    bot.deliver()


def triage_posts(bot) -> list:
    return [c for c in bot.fake.successful_calls("chat.postMessage") if c.args["channel"] == TRIAGE]


def test_three_customers_one_post_and_a_fourth_is_added_to_it(triage_bot) -> None:
    bot = triage_bot
    ask(bot, 0, T0)
    ask(bot, 1, T0 + 600)
    assert triage_posts(bot) == []
    ask(bot, 2, T0 + 1800)
    (post,) = triage_posts(bot)
    blocks = json.dumps(post.args["blocks"])
    assert "has_not_accepted_tos" in blocks
    for name in ("Acme Inc", "GLX Corp", "INI Corp"):
        assert name in blocks
    assert all(f"BB-{i}" in blocks for i in (1, 2, 3)) and "archives/C_GLOBEX/p" in blocks
    ask(bot, 3, T0 + 3000)
    assert len(triage_posts(bot)) == 1  # not posted again
    (update,) = [c for c in bot.fake.successful_calls("chat.update") if c.args["channel"] == TRIAGE]
    assert update.args["ts"] == post.response["ts"]
    assert "BB-4" in json.dumps(update.args["blocks"]) and "UMB Corp" in json.dumps(update.args["blocks"])
    assert bot.rows("SELECT kind, value, thread_ids FROM incidents") == [("error", "has_not_accepted_tos",
                                                                         "[1, 2, 3, 4]")]


def test_two_customers_or_one_customer_three_times_give_no_post(triage_bot) -> None:
    bot = triage_bot
    ask(bot, 0, T0)
    ask(bot, 0, T0 + 60)
    ask(bot, 0, T0 + 120)
    ask(bot, 1, T0 + 180)
    assert triage_posts(bot) == []
    assert bot.rows("SELECT COUNT(DISTINCT customer) FROM thread_signals") == [(2,)]


def test_threads_further_apart_than_the_window_give_no_post(triage_bot) -> None:
    bot = triage_bot
    ask(bot, 0, T0)
    ask(bot, 1, T0 + 1800)
    ask(bot, 2, T0 + 3601 + 1)  # the first is now more than 60 minutes back
    assert triage_posts(bot) == []


def test_the_same_operation_with_findings_counts_too(triage_bot) -> None:
    bot = triage_bot
    for i in range(3):
        ask(bot, i, T0 + i * 60, BAD_REQUEST)
    (post,) = triage_posts(bot)
    assert "POST /v0/transfers" in json.dumps(post.args["blocks"])
