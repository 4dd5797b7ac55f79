from __future__ import annotations

import logging
from typing import Any

from slack_bolt import Ack, BoltContext

from ._click import read_click


def thread_button(ack: Ack, body: dict[str, Any], action: dict[str, Any], context: BoltContext,
                  logger: logging.Logger) -> None:
    """Claim / Release / Resolve on the bot's reply. The desk refuses external members."""
    from . import BUTTONS

    ack()
    click = read_click(body, action, logger)
    if click is None:
        return
    thread_id, who = click
    outcome = context["desk"].handle_click(BUTTONS[action["action_id"]], thread_id, **who)
    logger.debug("%s on thread %s by %s: %s", action["action_id"], thread_id, who["user_id"], outcome.action)
