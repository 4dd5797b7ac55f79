from __future__ import annotations

from typing import Any

from slack_bolt import BoltContext


def app_home_opened(event: dict[str, Any], context: BoltContext) -> None:
    """A member opened the app's Home tab: publish their desk (externals get a short note)."""
    if event.get("tab", "home") != "home":
        return
    context["desk"].publish_home(event.get("user", ""))
