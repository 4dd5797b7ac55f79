"""``/bridge report [7d|30d] [by customer|channel|specialist|operation]`` and the weekly digest,
without Slack: parse the text, decide who may, build the summary blocks, the CSV and the chart.
:func:`report_cmd` is the ``report`` entry of the ``/bridge`` subcommand table
(:mod:`bridgebot.commands`); the listener answers with its summary and uploads the files."""

from __future__ import annotations

import time
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

import sqlite_utils

from ..render import fallback_text, render_blocks, render_text
from ..tracking import outbox
from . import export
from .report import GROUPINGS, ReportError, build_report, first_response_by_day, parse_period

if TYPE_CHECKING:
    from ..commands import Caller, Command
    from ..desk import Answer, SupportDesk

PERIODS = ("7d", "30d")
USAGE = "/bridge report [7d|30d] [by customer|channel|specialist|operation]"


@dataclass
class ReportCommand:
    since: str = "7d"
    by: str | None = None


def parse_report(text: str) -> ReportCommand:
    """``"30d by customer"`` → ReportCommand("30d", "customer"). Words in any order; ``by`` optional."""
    cmd = ReportCommand()
    words = text.lower().split()
    i = 0
    while i < len(words):
        w = words[i]
        if w in PERIODS:
            cmd.since = w
        elif w == "by" and i + 1 < len(words):
            i += 1
            if words[i] not in GROUPINGS:
                raise ReportError(f"cannot group by `{words[i]}`. Usage: `{USAGE}`")
            cmd.by = words[i]
        elif w in GROUPINGS:
            cmd.by = w
        else:
            raise ReportError(f"I don't understand `{w}`. Usage: `{USAGE}`")
        i += 1
    return cmd


@dataclass
class SlackReport:
    text: str
    blocks: list[dict[str, Any]]
    csv: str
    png: bytes
    filename: str


def report_for_slack(db: sqlite_utils.Database, settings: Any, cmd: ReportCommand, now: float | None = None,
                     title: str = "Support report") -> SlackReport:
    now = time.time() if now is None else now
    period = parse_period(cmd.since, None, now, settings.calendar)
    report = build_report(db, period=period, by=cmd.by, calendar=settings.calendar, targets=settings.sla, now=now)
    by_day = first_response_by_day(db, period, settings.calendar)
    context = _context(report, cmd, title)
    from . import charts
    stamp = datetime.fromtimestamp(now, settings.calendar.tz).strftime("%Y-%m-%d")
    return SlackReport(
        text=fallback_text(render_text("report_summary", **context)),
        blocks=render_blocks("report_summary", **context),
        csv=export.to_csv(report),
        png=charts.report_png(by_day, report["arrivals"], report["calendar"]["business_hours"],
                              report["calendar"]["timezone"], f"{title}, last {cmd.since}"),
        filename=f"bridgebot-report-{cmd.since}{'-by-' + cmd.by if cmd.by else ''}-{stamp}",
    )


def _context(report: dict[str, Any], cmd: ReportCommand, title: str) -> dict[str, Any]:
    groups = report["groups"][:10]
    return {"title": title, "since": cmd.since, "by": cmd.by, "t": report["totals"], "groups": groups,
            "more_groups": max(0, len(report["groups"]) - len(groups)), "duration": export.duration,
            "business": report["calendar"]["business_hours"], "tz": report["calendar"]["timezone"]}


def report_cmd(desk: "SupportDesk", caller: "Caller", command: "Command") -> "Answer":
    """``/bridge report …`` for a lead: the summary as the answer; the CSV and the chart as uploads,
    never into a customer's shared channel (there they go to the leads channel, if one is set)."""
    from ..commands import CommandError
    from ..desk import Answer

    settings = desk.settings
    leads = settings.leads_group  # the dispatcher has already refused external members
    if leads and not desk.directory.in_group(caller.user_id, leads):
        return Answer(render_text("report_refused", leads_group=leads))
    try:
        cmd = parse_report(command.rest)
    except ReportError as e:
        raise CommandError(str(e)) from None
    out = report_for_slack(desk.store.db, settings, cmd, now=desk.clock())
    channel = caller.channel_id
    if not channel or (channel[:1] in ("C", "G") and desk.directory.channel(channel).is_support):
        channel = settings.leads_channel
    if channel is None:
        return Answer(out.text + render_text("report_no_files"), out.blocks)
    return Answer(out.text, out.blocks, upload_channel=channel, uploads=[
        {"content": out.csv, "filename": out.filename + ".csv", "title": out.filename + ".csv"},
        {"file": out.png, "filename": out.filename + ".png", "title": "First response and arrivals"},
    ])


# --- the weekly digest ---------------------------------------------------------------------------

def digest_week(settings: Any, now: float) -> str | None:
    """The ISO week whose digest is due at ``now`` (its day and time have passed), else None."""
    local = datetime.fromtimestamp(now, settings.calendar.tz)
    monday = (local - timedelta(days=local.weekday())).date()
    day = monday + timedelta(days=settings.digest_day)
    h, m = settings.digest_time
    due = datetime(day.year, day.month, day.day, h, m, tzinfo=settings.calendar.tz)
    if local < due:
        return None
    year, week, _ = day.isocalendar()
    return f"{year}-W{week:02d}"


def send_digest_if_due(db: sqlite_utils.Database, settings: Any, now: float) -> bool:
    """Queue this week's digest to the leads channel once: the ``digests`` row and the outbox post commit
    together, so a restart (or two processes) around the hour never sends it twice."""
    if not settings.leads_channel:
        return False
    week = digest_week(settings, now)
    if week is None:
        return False
    db.execute("BEGIN IMMEDIATE")
    try:
        seen = db.execute("SELECT 1 FROM digests WHERE period = ?", [week]).fetchone()
        if seen:
            db.execute("ROLLBACK")
            return False
        period = parse_period("7d", None, now, settings.calendar)
        from .metrics import refresh

        refresh(db, settings.calendar, settings.sla, now)
        report = build_report(db, period=period, by="customer", calendar=settings.calendar, targets=settings.sla,
                              now=now, refresh_first=False)
        context = _context(report, ReportCommand("7d", "customer"), f"Weekly support digest ({week})")
        outbox.enqueue(db, method="chat.postMessage", at=now, payload={
            "channel": settings.leads_channel, "text": fallback_text(render_text("report_summary", **context)),
            "blocks": render_blocks("report_summary", **context)})
        db.execute("INSERT INTO digests (period, channel_id, sent_at) VALUES (?, ?, ?)",
                   [week, settings.leads_channel, now])
    except BaseException:
        db.execute("ROLLBACK")
        raise
    db.execute("COMMIT")
    return True
