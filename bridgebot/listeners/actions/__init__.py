"""Interactivity listeners (buttons on the bot's reply)."""

from __future__ import annotations

import re

from slack_bolt import App

from .ignored import ignored_action
from .suggestion_buttons import suggestion_button
from .thread_buttons import thread_button

#: action_id → desk action. A consistency test checks every button the templates render.
BUTTONS = {"bb_claim": "claim", "bb_resolve": "resolve", "bb_release": "release"}
#: The developer's buttons under suggested pages (any member who asked may click them).
SUGGESTION_BUTTONS = {"bb_answered": "answered", "bb_need_help": "need_help"}


def register(app: App) -> None:
    for action_id in BUTTONS:
        app.action(action_id)(thread_button)
    for action_id in SUGGESTION_BUTTONS:
        app.action(action_id)(suggestion_button)
    app.action(re.compile(".*"))(ignored_action)
