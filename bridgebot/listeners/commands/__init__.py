"""Slash commands (app_manifest.yml features.slash_commands) → their listener.

Only `/bridge answer` is routed here; the full `/bridge` dispatcher (issue 7) takes this route over
at merge."""

from __future__ import annotations

from slack_bolt import App

from .bridge_answer import bridge_command

COMMANDS = {"/bridge": bridge_command}


def register(app: App) -> None:
    for command, listener in COMMANDS.items():
        app.command(command)(listener)
