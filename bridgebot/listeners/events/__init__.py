"""Events API listeners. Order matters: Bolt runs the first listener that matches."""

from __future__ import annotations

import re

from slack_bolt import App

from .app_home_opened import app_home_opened
from .channel_id_changed import channel_id_changed
from .ignored import ignored_event
from .message_changed import message_changed
from .message_posted import message_posted
from .reaction_added import reaction_added

#: Event types the app subscribes to (app_manifest.yml bot_events) → the listener for them.
#: A consistency test checks this against the manifest both ways.
SUBSCRIBED = {
    "message.channels": "message",
    "message.groups": "message",
    "channel_id_changed": "channel_id_changed",
    "reaction_added": "reaction_added",
    "app_home_opened": "app_home_opened",
}


def register(app: App) -> None:
    app.event({"type": "message", "subtype": "message_changed"})(message_changed)
    app.event("message")(message_posted)
    app.event("channel_id_changed")(channel_id_changed)
    app.event("reaction_added")(reaction_added)
    app.event("app_home_opened")(app_home_opened)
    # Anything else Slack sends gets a 200, never a 404 that Slack would redeliver.
    app.event(re.compile(".*"))(ignored_event)
