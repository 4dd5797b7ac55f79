from __future__ import annotations

import logging
from typing import Any

from slack_bolt import Ack, BoltContext

from ._click import read_click


def suggestion_button(ack: Ack, body: dict[str, Any], action: dict[str, Any], context: BoltContext,
                      logger: logging.Logger) -> None:
    """"This answered it" / "I still need help" under the suggested pages."""
    from . import SUGGESTION_BUTTONS

    ack()
    click = read_click(body, action, logger)
    if click is None:
        return
    thread_id, who = click
    outcome = context["desk"].handle_suggestion_choice(SUGGESTION_BUTTONS[action["action_id"]], thread_id, **who)
    logger.debug("%s on thread %s by %s: %s", action["action_id"], thread_id, who["user_id"], outcome.action)
