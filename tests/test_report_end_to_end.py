"""Metrics end to end: messages with chosen timestamps go into the running app over HTTP, then
`bridgebot report --format json` gives the hand-computed wall-clock and business figures."""

from __future__ import annotations

import json
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from click.testing import CliRunner

from bridgebot.cli import cli
from fakeslack import block_action, message_event
from slackapp import ACME, DEV, SPEC, SPEC2

NY = ZoneInfo("America/New_York")
CONFIG = """
[calendar]
timezone = "America/New_York"
[calendar.shifts]
mon = "09:00-17:00"
tue = "09:00-17:00"
wed = "09:00-17:00"
thu = "09:00-17:00"
fri = "09:00-17:00"
[sla]
first_response = "1h"
"""


def ts(day: int, h: int, m: int = 0) -> str:
    """2026-11-<day> h:m in New York as a Slack ts."""
    return f"{datetime(2026, 11, day, h, m, tzinfo=NY).timestamp():.6f}"


class Clock:
    def __init__(self) -> None:
        self.now = float(ts(30, 8))

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def timed_bot(fake_slack, tmp_path, bridge_specs):
    from slackapp import start

    clock = Clock()
    running, stop = start(fake_slack, tmp_path, bridge_specs, clock=clock)
    running.clock = clock
    yield running
    stop()


def say(bot, user: str, team: str, at: str, text: str, thread: str | None = None) -> None:
    event = message_event(ACME, user, text, ts=at, thread_ts=thread, team=team)
    status, _ = bot.post_event(event, event_id="Ev" + at.replace(".", "") + user)
    assert status == 200


def click(bot, action: str, thread_id: int, user: str, at: str) -> None:
    bot.clock.now = float(at)
    reply_ts = bot.rows("SELECT bot_reply_ts FROM threads WHERE id = ?", [thread_id])[0][0]
    status, _ = bot.post_form(block_action(action, str(thread_id), user, "T_HOME", ACME, reply_ts))
    assert status == 200


def run_report(db_path, config_path, *args: str) -> dict:
    result = CliRunner().invoke(cli, ["report", "--db", str(db_path), "--since", "2026-11-20", "--until", "2026-11-30",
                                      "--format", "json", *args], env={"BRIDGEBOT_CONFIG": str(config_path)})
    assert result.exit_code == 0, result.output
    return json.loads(result.output)


def test_report_gives_the_hand_computed_figures(timed_bot, tmp_path) -> None:
    bot = timed_bot
    a, b = ts(27, 16, 30), ts(30, 9, 10)  # A: Friday 16:30; B: Monday 09:10
    say(bot, DEV, "T_EXT", a, "How do I send a transfer to a wallet on Solana?")
    bot.deliver()
    say(bot, DEV, "T_EXT", b, "Which fields does a KYC link need for a business?")
    bot.deliver()
    say(bot, SPEC2, "T_HOME", ts(30, 9, 40), "A business needs type=business and the email.", thread=b)
    say(bot, SPEC, "T_HOME", ts(30, 9, 45), "Use payment_rail solana in destination.", thread=a)
    say(bot, DEV, "T_EXT", ts(30, 10, 0), "Thanks, and the currency?", thread=a)
    say(bot, SPEC, "T_HOME", ts(30, 10, 20), "usdc.", thread=a)
    click(bot, "bb_resolve", 1, SPEC, ts(30, 11, 0))
    say(bot, DEV, "T_EXT", ts(30, 12, 0), "It fails again, see below", thread=a)  # reopens A
    say(bot, SPEC, "T_HOME", ts(30, 12, 30), "The amount must be a string.", thread=a)
    click(bot, "bb_resolve", 1, SPEC, ts(30, 13, 0))
    bot.deliver()
    assert bot.rows("SELECT id, status FROM threads ORDER BY id") == [(1, "resolved"), (2, "open")]

    config = tmp_path / "bridgebot.toml"
    config.write_text(CONFIG)
    report = run_report(bot.db_path, config)
    t = report["totals"]
    assert report["period"] == {"since": "2026-11-20T05:00:00Z", "until": "2026-12-01T05:00:00Z"}
    assert (t["threads"], t["resolved"], t["reopens"]) == (2, 1, 1)
    # First response. A: Fri 16:30 → Mon 09:45 is 65.25 h wall clock, 30 min + 45 min = 4500 s in business
    # hours (breached: target 1 h). B: 09:10 → 09:40, 1800 s both ways (met).
    # Nearest rank over 2 values: p50 is the 1st, p90 the 2nd.
    assert t["first_response"] == {"p50": 1800, "p90": 234900, "mean": 118350,
                                   "business_p50": 1800, "business_p90": 4500, "business_mean": 3150}
    assert (t["sla_met_pct"], t["sla_breached"]) == (50.0, 1)
    # Resolution across the reopen: Fri 16:30 → Mon 13:00 is 68.5 h; business 30 min + 4 h.
    assert t["resolution"] == {"p50": 246600, "p90": 246600, "mean": 246600,
                               "business_p50": 16200, "business_p90": 16200, "business_mean": 16200}
    # Next responses on A: 10:00 → 10:20 and 12:00 (the reopening message) → 12:30.
    assert t["next_response"] == {"p50": 1200, "p90": 1800, "mean": 1500,
                                  "business_p50": 1200, "business_p90": 1800, "business_mean": 1500}
    # Arrivals by hour of the week (New York): Friday 16:00 and Monday 09:00.
    assert report["arrivals"][4 * 24 + 16] == 1 and report["arrivals"][9] == 1 and sum(report["arrivals"]) == 2

    by_specialist = {g["key"]: g for g in run_report(bot.db_path, config, "--by", "specialist")["groups"]}
    assert by_specialist[SPEC]["first_response"]["business_p50"] == 4500
    assert by_specialist[SPEC2]["first_response"]["p50"] == 1800 and by_specialist[SPEC2]["sla_met_pct"] == 100.0
    (acme,) = run_report(bot.db_path, config, "--by", "customer")["groups"]
    assert (acme["key"], acme["label"], acme["threads"]) == ("T_EXT", "Acme Inc", 2)

    # Without a calendar the same threads count wall-clock time as business time.
    plain = tmp_path / "plain.toml"
    plain.write_text('[sla]\nfirst_response = "1h"\n')
    t = run_report(bot.db_path, plain)["totals"]
    assert t["first_response"]["business_p90"] == 234900 and t["resolution"]["business_mean"] == 246600


def test_a_period_excludes_threads_opened_outside_it(timed_bot, tmp_path) -> None:
    bot = timed_bot
    say(bot, DEV, "T_EXT", ts(18, 10), "Question opened before the period starts?")
    say(bot, DEV, "T_EXT", ts(27, 10), "Question inside the period?")
    config = tmp_path / "c.toml"
    config.write_text(CONFIG)
    assert run_report(bot.db_path, config)["totals"]["threads"] == 1
