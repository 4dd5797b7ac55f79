from __future__ import annotations

from typing import Any

from slack_bolt import BoltContext


def channel_id_changed(event: dict[str, Any], body: dict[str, Any], context: BoltContext) -> None:
    """Slack gave a channel a new id (e.g. when it became shared): keep its threads attached."""
    context["desk"].handle_channel_id_changed(body.get("event_id", ""), event["old_channel_id"],
                                              event["new_channel_id"])
    context["directory"].forget_channel(event["old_channel_id"])
