"""Every word bridgebot says comes from a template in ``replies/``.

``*.json.j2`` templates render Block Kit JSON (checked against Block Kit's limits);
``*.txt.j2`` templates render plain text (fallback text, CLI output).
"""

from __future__ import annotations

import json
import os
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any

import jinja2

#: The templates: replies/ in a checkout, installed as the data package ``bridgebot.replies``
#: (see setup.py), so an installed wheel finds them from any directory.
REPLIES_DIR = Path(os.environ.get("BRIDGEBOT_REPLIES_DIR") or str(resources.files("bridgebot.replies")))

#: Block Kit limits (api.slack.com/reference/block-kit/blocks).
MAX_BLOCKS = 50
MAX_SECTION_TEXT = 3000
MAX_CONTEXT_ELEMENTS = 10
MAX_BUTTON_TEXT = 75
MAX_FALLBACK_TEXT = 4000


class ReplyError(ValueError):
    """A template rendered something Slack would reject."""


def _mrkdwn_escape(value: Any) -> str:
    """Escape text for Slack mrkdwn: &, <, > are control characters there."""
    return str(value).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _code(value: Any) -> str:
    """Inline code that survives backticks inside the value."""
    return "`" + _mrkdwn_escape(str(value).replace("`", "'")) + "`"


def _truncate(value: Any, limit: int = 200) -> str:
    text = str(value)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _duration(seconds: Any) -> str:
    """Seconds → "45s", "12m", "3h 05m", "2d 4h" (for ages and time left)."""
    s = max(0, int(float(seconds)))
    if s < 60:
        return f"{s}s"
    if s < 3600:
        return f"{s // 60}m"
    if s < 86400:
        return f"{s // 3600}h {s % 3600 // 60:02d}m"
    return f"{s // 86400}d {s % 86400 // 3600}h"


@lru_cache(maxsize=1)
def environment() -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(REPLIES_DIR)),
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=False,
        autoescape=False,
    )
    env.filters["mrkdwn"] = _mrkdwn_escape
    env.filters["code"] = _code
    env.filters["truncate_text"] = _truncate
    env.filters["duration"] = _duration
    env.filters["tojson"] = lambda v: json.dumps(v, ensure_ascii=False)
    return env


def render_text(name: str, **context: Any) -> str:
    return environment().get_template(f"{name}.txt.j2").render(**context).strip() + "\n"


def render_blocks(name: str, **context: Any) -> list[dict[str, Any]]:
    """Render a ``.json.j2`` template to a list of blocks, enforcing Block Kit limits."""
    raw = environment().get_template(f"{name}.json.j2").render(**context)
    try:
        blocks = json.loads(raw)
    except json.JSONDecodeError as e:
        raise ReplyError(f"template {name} rendered invalid JSON: {e}") from None
    return fit_blocks(blocks)


def fit_blocks(blocks: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Trim section texts to 3000 characters, button labels to 75, and the list to 50 blocks
    (keeping the last, the buttons)."""
    for block in blocks:
        text = block.get("text")
        if isinstance(text, dict) and len(text.get("text", "")) > MAX_SECTION_TEXT:
            text["text"] = text["text"][: MAX_SECTION_TEXT - 1] + "…"
        for field in block.get("fields", []) or []:
            if len(field.get("text", "")) > 2000:
                field["text"] = field["text"][:1999] + "…"
        if block.get("type") == "context":
            block["elements"] = block.get("elements", [])[:MAX_CONTEXT_ELEMENTS]
        if block.get("type") == "actions":
            for element in block.get("elements", []):
                label = element.get("text")
                if isinstance(label, dict) and len(label.get("text", "")) > MAX_BUTTON_TEXT:
                    label["text"] = label["text"][: MAX_BUTTON_TEXT - 1] + "…"
    if len(blocks) > MAX_BLOCKS:
        tail = [b for b in blocks[-2:] if b.get("type") in ("actions", "context")]
        blocks = blocks[: MAX_BLOCKS - len(tail) - 1] + [{
            "type": "context",
            "elements": [{"type": "mrkdwn", "text": "(more findings not shown)"}],
        }] + tail
    return blocks


def fallback_text(text: str) -> str:
    return text if len(text) <= MAX_FALLBACK_TEXT else text[: MAX_FALLBACK_TEXT - 1] + "…"
