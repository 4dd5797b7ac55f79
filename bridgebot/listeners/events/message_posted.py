from __future__ import annotations

import logging
from typing import Any

from slack_bolt import BoltContext

from ...desk import Message


def message_posted(event: dict[str, Any], body: dict[str, Any], context: BoltContext, logger: logging.Logger) -> None:
    """A message (question, reply, or anything else) in a channel the bot is in."""
    msg = Message(
        channel_id=event.get("channel", ""),
        ts=event.get("ts", ""),
        thread_ts=event.get("thread_ts"),
        user_id=event.get("user"),
        # Slack Connect tells the sender's own team in user_team.
        team_id=event.get("user_team") or event.get("team"),
        text=event.get("text") or "",
        subtype=event.get("subtype"),
        bot_id=event.get("bot_id"),
        secrets=body.get("bridgebot_secrets") or [],  # found before the inbox stored the text redacted
    )
    outcome = context["desk"].handle_message(body.get("event_id") or f"{msg.channel_id}:{msg.ts}", msg)
    logger.debug("message %s in %s: %s", msg.ts, msg.channel_id, outcome.action)
