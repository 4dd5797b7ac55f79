"""What every button on a thread carries: the thread's id (its value) and who clicked where."""

from __future__ import annotations

import logging
from typing import Any


def read_click(body: dict[str, Any], action: dict[str, Any], logger: logging.Logger) -> tuple[int, dict[str, Any]] | None:
    """``(thread_id, who)`` for the desk (``who``: user_id, team_id, channel_id, interaction_id),
    or None (logged) when the button's value is not a thread id (an old or forged message)."""
    user = body.get("user") or {}
    try:
        thread_id = int(action.get("value", ""))
    except ValueError:
        logger.warning("button %s with a bad value %r", action.get("action_id"), action.get("value"))
        return None
    return thread_id, {
        "user_id": user.get("id", ""), "team_id": user.get("team_id"),
        "channel_id": (body.get("channel") or {}).get("id", ""),
        "interaction_id": f"{user.get('id')}:{action.get('action_ts')}:{action['action_id']}",
    }
