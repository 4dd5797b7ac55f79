"""Slash command listeners. ``/bridge`` acks at once and does the work in a lazy listener (a report
over a large history can take longer than Slack's 3 seconds)."""

from __future__ import annotations

from slack_bolt import App

from .bridge import ack_bridge, run_bridge

#: Slash commands in app_manifest.yml → listener. A consistency test checks it against the manifest.
COMMANDS = {"/bridge": run_bridge}


def register(app: App) -> None:
    app.command("/bridge")(ack=ack_bridge, lazy=[run_bridge])
