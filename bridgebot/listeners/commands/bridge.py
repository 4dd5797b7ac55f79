from __future__ import annotations

import logging
import threading
from typing import Any

from slack_bolt import Ack, BoltContext
from slack_sdk import WebClient

from ...commands import Caller, dispatch


def bridge_command(ack: Ack, command: dict[str, Any], context: BoltContext, client: WebClient,
                   logger: logging.Logger) -> None:
    """``/bridge …``: answered in the ack itself (ephemeral, well inside Slack's 3 seconds); files
    an answer comes with (a report's CSV and chart) are uploaded after it, off the request."""
    caller = Caller(user_id=command.get("user_id", ""), team_id=None,  # users.info says whose team (Slack Connect)
                    channel_id=command.get("channel_id", ""))
    answer = dispatch(context["desk"], caller, command.get("text") or "")
    logger.debug("/bridge %r by %s", (command.get("text") or "").split(" ")[0], caller.user_id)
    ack(text=answer.text, blocks=answer.blocks, response_type="ephemeral")
    if answer.uploads:
        def upload() -> None:
            try:
                client.files_upload_v2(channel=answer.upload_channel, initial_comment=answer.text,
                                       file_uploads=answer.uploads)
            except Exception:
                logger.exception("could not upload the files of /bridge %s", command.get("text"))

        threading.Thread(target=upload, name="bridge-upload", daemon=True).start()
