"""Slash command listeners."""

from __future__ import annotations

from slack_bolt import App

from .bridge import bridge_command

#: Commands in app_manifest.yml → listener. A consistency test checks both ways.
COMMANDS = {"/bridge": bridge_command}


def register(app: App) -> None:
    for name, listener in COMMANDS.items():
        app.command(name)(listener)
