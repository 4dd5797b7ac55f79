from __future__ import annotations

import logging
from typing import Any

from slack_bolt import Ack, BoltContext
from slack_sdk import WebClient
from slack_sdk.errors import SlackClientError


def mark_answer_shortcut(ack: Ack, body: dict[str, Any], client: WebClient, context: BoltContext,
                         logger: logging.Logger) -> None:
    """Message shortcut "Mark as the answer" on a specialist's reply in a tracked thread."""
    ack()
    message = body.get("message") or {}
    channel_id = (body.get("channel") or {}).get("id", "")
    user = body.get("user") or {}
    link = None
    try:
        link = client.chat_getPermalink(channel=channel_id, message_ts=message.get("ts", "")).get("permalink")
    except SlackClientError as e:
        logger.info("no permalink for the marked answer: %s", e)
    notice = context["desk"].mark_answer(
        user_id=user.get("id", ""), team_id=user.get("team_id"), channel_id=channel_id,
        message_ts=message.get("ts"), thread_ts=message.get("thread_ts"), text=message.get("text") or "",
        answered_by=message.get("user"), link=link)
    client.chat_postEphemeral(channel=channel_id, user=user.get("id", ""), text=notice,
                              thread_ts=message.get("thread_ts") or message.get("ts"))
