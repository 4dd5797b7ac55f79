"""Shortcut listeners (message shortcuts)."""

from __future__ import annotations

from slack_bolt import App

from .claim_thread import claim_thread
from .mark_answer import mark_answer_shortcut

#: callback_id in app_manifest.yml → listener. A consistency test checks both ways.
SHORTCUTS = {"claim_thread": claim_thread, "bb_mark_answer": mark_answer_shortcut}


def register(app: App) -> None:
    for callback_id, listener in SHORTCUTS.items():
        app.shortcut(callback_id)(listener)
