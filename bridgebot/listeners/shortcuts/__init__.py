"""Shortcuts (app_manifest.yml features.shortcuts) → their listener. A consistency test checks both ways."""

from __future__ import annotations

from slack_bolt import App

from .mark_answer import mark_answer_shortcut

#: callback_id → listener.
SHORTCUTS = {"bb_mark_answer": mark_answer_shortcut}


def register(app: App) -> None:
    for callback_id, listener in SHORTCUTS.items():
        app.shortcut(callback_id)(listener)
