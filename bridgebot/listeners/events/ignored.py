from __future__ import annotations

import logging
from typing import Any


def ignored_event(event: dict[str, Any], logger: logging.Logger) -> None:
    """Events we don't act on still get a 200, so Slack does not redeliver them."""
    logger.debug("ignoring %s event", event.get("type"))
