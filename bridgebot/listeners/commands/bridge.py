"""``/bridge report [7d|30d] [by …]``: glue only. The summary, CSV and chart come from
bridgebot.reports.command; this acks, checks the caller is a lead, responds and uploads.

Other subcommands get a short note (the full /bridge dispatcher routes them at merge)."""

from __future__ import annotations

import logging
import threading
from typing import Any, Callable

from slack_bolt import Ack, BoltContext, Respond
from slack_sdk import WebClient

from ...render import render_text
from ...reports.command import ReportError, may_run_report, parse_report, report_for_slack


def bridge(ack: Ack, command: dict[str, Any], respond: Respond, client: WebClient, context: BoltContext,
           logger: logging.Logger) -> None:
    """Ack at once; answer from a worker thread (a report over a long history can take longer than
    Slack's 3 seconds, and Bolt's lazy listeners cannot carry the desk in their copied context)."""
    ack()
    desk, directory = context["desk"], context["directory"]

    def work() -> None:
        try:
            run_bridge(command, respond, client, desk, directory, logger)
        except Exception:
            logger.exception("/bridge %s failed", command.get("text"))
            respond(text=render_text("bridge_failed"), response_type="ephemeral")

    threading.Thread(target=work, name="bridge-command", daemon=True).start()


def run_bridge(command: dict[str, Any], respond: Respond, client: WebClient, desk: Any, directory: Any,
               logger: logging.Logger) -> None:
    sub, _, rest = (command.get("text") or "").strip().partition(" ")
    if sub.lower() != "report":
        respond(text=render_text("bridge_other", sub=sub), response_type="ephemeral")
        return
    settings = desk.settings
    user, team = command.get("user_id", ""), command.get("team_id")
    leads = None
    if settings.leads_group:
        leads = set(client.usergroups_users_list(usergroup=settings.leads_group).get("users") or [])
    if not may_run_report(user, directory.is_internal(user, team), leads):
        respond(text=render_text("report_refused", leads_group=settings.leads_group), response_type="ephemeral")
        return
    try:
        cmd = parse_report(rest)
    except ReportError as e:
        respond(text=str(e), response_type="ephemeral")
        return
    out = report_for_slack(desk.store.db, settings, cmd)
    channel = _files_channel(command.get("channel_id", ""), directory.channel, settings.leads_channel)
    respond(text=out.text, blocks=out.blocks, response_type="ephemeral")
    if channel is None:
        respond(text=render_text("report_no_files"), response_type="ephemeral")
        return
    client.files_upload_v2(channel=channel, initial_comment=out.text, file_uploads=[
        {"content": out.csv, "filename": out.filename + ".csv", "title": out.filename + ".csv"},
        {"file": out.png, "filename": out.filename + ".png", "title": "First response and arrivals"},
    ])
    logger.info("report %s by %s for %s, files to %s", cmd.since, cmd.by, user, channel)


def _files_channel(channel_id: str, channel_of: Callable[[str], Any], leads_channel: str | None) -> str | None:
    """Never upload into a customer's shared channel: there, the files go to the leads channel."""
    if channel_id[:1] in ("C", "G") and channel_of(channel_id).is_support:
        return leads_channel
    return channel_id or leads_channel
