from __future__ import annotations

import logging
from typing import Any

from slack_bolt import BoltContext


def reaction_added(event: dict[str, Any], body: dict[str, Any], context: BoltContext, logger: logging.Logger) -> None:
    """👀 on a tracked question (or the bot's reply) claims it, ✅ resolves it (names configurable)."""
    item = event.get("item") or {}
    if item.get("type") != "message":
        return
    outcome = context["desk"].handle_reaction(
        body.get("event_id") or f"reaction:{event.get('user')}:{event.get('event_ts')}",
        user_id=event.get("user", ""), reaction=event.get("reaction", ""),
        channel_id=item.get("channel", ""), ts=item.get("ts", ""),
        team_id=event.get("user_team"),  # absent in most payloads: users.info answers then
    )
    logger.debug("reaction %s by %s: %s", event.get("reaction"), event.get("user"), outcome.action)
