"""Slash command listeners."""

from __future__ import annotations

from slack_bolt import App

from .bridge import bridge

#: Slash commands in app_manifest.yml → listener. A consistency test checks it against the manifest.
COMMANDS = {"/bridge": bridge}


def register(app: App) -> None:
    app.command("/bridge")(bridge)
