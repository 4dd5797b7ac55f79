from __future__ import annotations

import logging
from typing import Any

from slack_bolt import Ack, BoltContext

from ...commands import Caller, dispatch


def bridge_command(ack: Ack, command: dict[str, Any], context: BoltContext, logger: logging.Logger) -> None:
    """``/bridge …``: answered in the ack itself (ephemeral, well inside Slack's 3 seconds)."""
    caller = Caller(user_id=command.get("user_id", ""), team_id=None,  # users.info says whose team (Slack Connect)
                    channel_id=command.get("channel_id", ""))
    answer = dispatch(context["desk"], caller, command.get("text") or "")
    logger.debug("/bridge %r by %s", (command.get("text") or "").split(" ")[0], caller.user_id)
    ack(text=answer.text, blocks=answer.blocks, response_type="ephemeral")
