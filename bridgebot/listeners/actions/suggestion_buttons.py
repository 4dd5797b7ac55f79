from __future__ import annotations

import logging
from typing import Any

from slack_bolt import Ack, BoltContext


def suggestion_button(ack: Ack, body: dict[str, Any], action: dict[str, Any], context: BoltContext,
                      logger: logging.Logger) -> None:
    """"This answered it" / "I still need help" under the suggested pages."""
    from . import SUGGESTION_BUTTONS

    ack()
    user = body.get("user") or {}
    try:
        thread_id = int(action.get("value", ""))
    except ValueError:
        logger.warning("button %s with a bad value %r", action.get("action_id"), action.get("value"))
        return
    outcome = context["desk"].handle_suggestion_choice(
        SUGGESTION_BUTTONS[action["action_id"]], thread_id,
        user_id=user.get("id", ""), team_id=user.get("team_id"),
        channel_id=(body.get("channel") or {}).get("id", ""),
        interaction_id=f"{user.get('id')}:{action.get('action_ts')}:{action['action_id']}",
    )
    logger.debug("%s on thread %s by %s: %s", action["action_id"], thread_id, user.get("id"), outcome.action)
