from __future__ import annotations

import logging
from typing import Any

from slack_bolt import Ack, BoltContext, Respond


def claim_thread(ack: Ack, shortcut: dict[str, Any], respond: Respond, context: BoltContext,
                 logger: logging.Logger) -> None:
    """Message shortcut "Claim this thread" (slash commands cannot be typed inside a thread)."""
    ack()
    user = shortcut.get("user") or {}
    message = shortcut.get("message") or {}
    answer = context["desk"].handle_shortcut(
        user_id=user.get("id", ""), team_id=user.get("team_id"),
        channel_id=(shortcut.get("channel") or {}).get("id", ""),
        message_ts=message.get("ts", ""), thread_ts=message.get("thread_ts"),
    )
    respond(text=answer.text, response_type="ephemeral", replace_original=False)
    logger.debug("claim_thread shortcut by %s", user.get("id"))
