"""Slack glue: one listener per file, each folder with its ``register(app)`` (Bolt starter style).

Listeners only read the payload, call the desk (``context["desk"]``) and return; every rule
lives in :mod:`bridgebot.desk` and below.
"""

from __future__ import annotations

from slack_bolt import App

from . import actions, commands, events, shortcuts


def register_listeners(app: App) -> None:
    events.register(app)
    actions.register(app)
    commands.register(app)
    shortcuts.register(app)
