"""`/bridge report` in Slack (leads only; summary, CSV and chart uploaded with files_upload_v2),
the weekly digest (once per week, even across restarts) and the in-process scheduler."""

from __future__ import annotations

import csv
import io
import json
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from bridgebot.reports import BusinessCalendar, ReportError, SlaTargets
from bridgebot.reports.command import digest_week, parse_report, send_digest_if_due
from bridgebot.reports.seed import seed
from bridgebot.scheduler import Scheduler
from bridgebot.settings import Settings
from bridgebot.tracking import Store
from fakeslack import slash_command
from slackapp import ACME, DEV, INTERNAL_ONLY, SPEC

NY = ZoneInfo("America/New_York")


@pytest.mark.parametrize("text, since, by", [("", "7d", None), ("30d", "30d", None), ("by customer", "7d", "customer"),
                                             ("30d by operation", "30d", "operation"), ("specialist 7d", "7d", "specialist")])
def test_parse_report(text, since, by) -> None:
    cmd = parse_report(text)
    assert (cmd.since, cmd.by) == (since, by)


@pytest.mark.parametrize("text, message", [("90d", "don't understand `90d`"), ("by weather", "cannot group by")])
def test_parse_report_refuses_with_usage(text, message) -> None:
    with pytest.raises(ReportError, match=message):
        parse_report(text)


@pytest.fixture
def seeded_bot(fake_slack, tmp_path, bridge_specs):
    from slackapp import start

    running, stop = start(fake_slack, tmp_path, bridge_specs, sla=SlaTargets(first_response=3600))
    import time

    seed(running.app.store.db, threads=400, days=30, now=time.time(), calendar=BusinessCalendar.wall_clock(),
         targets=SlaTargets(first_response=3600))
    yield running
    stop()


def run_command(bot, text: str, user: str, team: str, channel: str) -> dict:
    """Run /bridge over HTTP; the answer is the ack's body (ephemeral), files follow it."""
    bot.fake.clear()
    status, body = bot.post_form(slash_command("/bridge", text, user, team, channel, response_url=bot.fake.hook_url()))
    assert status == 200
    answer = json.loads(body)
    assert answer["response_type"] == "ephemeral"
    return answer


def test_a_lead_gets_the_summary_and_the_csv_and_chart_uploaded(seeded_bot) -> None:
    bot = seeded_bot
    answer = run_command(bot, "report 30d by customer", SPEC, "T_HOME", INTERNAL_ONLY)
    blocks = json.dumps(answer["blocks"])
    assert "Support report: last 30d" in blocks and "By customer" in blocks and "Acme Inc" in blocks
    complete = bot.fake.wait_for("files.completeUploadExternal", 1, timeout=20)[0]
    assert complete.args["channel_id"] == INTERNAL_ONLY
    files = {f["name"]: f for f in bot.fake.files.values()}
    csv_file = next(f for n, f in files.items() if n.endswith(".csv"))
    png_file = next(f for n, f in files.items() if n.endswith(".png"))
    rows = list(csv.DictReader(io.StringIO(csv_file["content"].decode())))
    assert rows[0]["key"] == "(all)" and int(rows[0]["threads"]) > 0
    assert {r["label"] for r in rows[1:]} >= {"Acme Inc"}
    assert png_file["content"].startswith(b"\x89PNG")


def test_files_are_never_uploaded_into_a_customer_channel(seeded_bot) -> None:
    bot = seeded_bot
    answer = run_command(bot, "report", SPEC, "T_HOME", ACME)
    assert "not posted in a customer channel" in answer["text"]
    assert "Support report: last 7d" in json.dumps(answer["blocks"])
    assert bot.fake.calls("files.getUploadURLExternal") == []


def test_an_external_member_is_refused(seeded_bot) -> None:
    bot = seeded_bot
    answer = run_command(bot, "report 7d", DEV, "T_EXT", ACME)
    assert "`/bridge` is for the support team" in answer["text"] and not answer.get("blocks")
    assert bot.fake.calls("files.getUploadURLExternal") == []


def test_with_a_leads_group_only_its_members_get_reports(fake_slack, tmp_path, bridge_specs) -> None:
    from slackapp import SPEC2, start

    fake_slack.set_handler("usergroups.users.list", lambda call: {"ok": True, "users": [SPEC2]})
    bot, stop = start(fake_slack, tmp_path, bridge_specs, leads_group="S_LEADS")
    try:
        refused = run_command(bot, "report", SPEC, "T_HOME", INTERNAL_ONLY)
        assert "for support leads" in refused["text"] and not refused.get("blocks")
        allowed = run_command(bot, "report", SPEC2, "T_HOME", INTERNAL_ONLY)
        assert "Support report: last 7d" in json.dumps(allowed["blocks"])
    finally:
        stop()


def test_bad_report_words_get_the_usage(seeded_bot) -> None:
    answer = run_command(seeded_bot, "report 90d", SPEC, "T_HOME", INTERNAL_ONLY)
    assert "don't understand `90d`" in answer["text"] and "/bridge report [7d|30d]" in answer["text"]


# --- the weekly digest ---------------------------------------------------------------------------

def digest_settings(**kw) -> Settings:
    s = Settings(leads_channel="C_LEADS", **kw)
    s.calendar = BusinessCalendar.from_config({"timezone": "America/New_York", "shifts": {"mon": "09:00-17:00"}})
    return s


def at(day: int, h: int, m: int = 0) -> float:
    return datetime(2026, 11, day, h, m, tzinfo=NY).timestamp()


def test_digest_is_due_from_its_day_and_time_on() -> None:
    s = digest_settings()  # Monday 09:00 New York
    assert digest_week(s, at(30, 8, 59)) is None
    assert digest_week(s, at(30, 9, 0)) == "2026-W49"
    assert digest_week(s, at(29, 23, 0)) == "2026-W48"  # Sunday: last Monday's digest was due


def test_digest_is_sent_once_even_across_restarts(tmp_path) -> None:
    path = tmp_path / "b.db"
    s = digest_settings()
    Store(path)
    for restart in range(3):  # three processes, each checking around the hour
        store = Store(path)
        assert send_digest_if_due(store.db, s, at(30, 8, 59)) is False
        assert send_digest_if_due(store.db, s, at(30, 9, 0) + restart * 30) is (restart == 0)
    rows = Store(path).db.execute("SELECT method, payload FROM outbox").fetchall()
    assert len(rows) == 1
    payload = json.loads(rows[0][1])
    assert payload["channel"] == "C_LEADS" and "Weekly support digest (2026-W49)" in json.dumps(payload["blocks"])
    # Next week, once more.
    assert send_digest_if_due(Store(path).db, s, at(30, 9) + 7 * 86400) is True


def test_no_leads_channel_no_digest(tmp_path) -> None:
    s = Settings()
    assert send_digest_if_due(Store(tmp_path / "b.db").db, s, at(30, 10)) is False


def test_scheduler_runs_jobs_when_due_on_an_injected_clock() -> None:
    now = [1000.0]
    ran: list[tuple[str, float]] = []
    sched = Scheduler(clock=lambda: now[0])
    sched.every(60, "a", lambda t: ran.append(("a", t)))
    sched.every(300, "b", lambda t: ran.append(("b", t)))
    sched.run_due()
    assert ran == [("a", 1000.0), ("b", 1000.0)]
    now[0] = 1059
    sched.run_due()
    assert len(ran) == 2
    now[0] = 1060
    sched.run_due()
    assert ran[-1] == ("a", 1060.0) and len(ran) == 3
    now[0] = 5000  # far behind: one run, not a backlog
    sched.run_due()
    assert [r[0] for r in ran[3:]] == ["a", "b"]


def test_a_failing_job_does_not_stop_the_others() -> None:
    ran = []
    sched = Scheduler(clock=lambda: 0.0)
    sched.every(1, "boom", lambda t: 1 / 0)
    sched.every(1, "ok", lambda t: ran.append(t))
    sched.run_due()
    assert ran == [0.0]


def test_manifest_slash_commands_and_listeners_match() -> None:
    import yaml

    from bridgebot.listeners.commands import COMMANDS
    from conftest import ROOT

    manifest = yaml.safe_load((ROOT / "app_manifest.yml").read_text())
    assert {c["command"] for c in manifest["features"]["slash_commands"]} == set(COMMANDS)
