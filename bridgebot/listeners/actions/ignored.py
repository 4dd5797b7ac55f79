from __future__ import annotations

from slack_bolt import Ack


def ignored_action(ack: Ack) -> None:
    """An interaction we don't handle (e.g. from an old message) is acknowledged, not left to time out."""
    ack()
