"""Interactivity listeners (buttons on the bot's reply)."""

from __future__ import annotations

import re

from slack_bolt import App

from .ignored import ignored_action
from .thread_buttons import thread_button

#: action_id → desk action. A consistency test checks every button the templates render.
BUTTONS = {"bb_claim": "claim", "bb_resolve": "resolve", "bb_release": "release"}


def register(app: App) -> None:
    for action_id in BUTTONS:
        app.action(action_id)(thread_button)
    app.action(re.compile(".*"))(ignored_action)
