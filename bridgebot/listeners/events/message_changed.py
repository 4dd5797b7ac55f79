from __future__ import annotations

import logging
from typing import Any

from slack_bolt import BoltContext


def message_changed(event: dict[str, Any], body: dict[str, Any], context: BoltContext, logger: logging.Logger) -> None:
    """A message was edited: a tracked question is checked again and our reply updated."""
    new = event.get("message") or {}
    old = event.get("previous_message") or {}
    if new.get("text") == old.get("text") or new.get("bot_id"):
        return  # an unfurl or a bot's own edit, not a developer's
    outcome = context["desk"].handle_edit(
        body.get("event_id") or f"{event.get('channel')}:{new.get('ts')}:edit:{event.get('event_ts')}",
        event.get("channel", ""), new.get("ts", ""), new.get("text") or "", new.get("user"),
        secrets=body.get("bridgebot_secrets") or [],
    )
    logger.debug("edit of %s: %s", new.get("ts"), outcome.action)
