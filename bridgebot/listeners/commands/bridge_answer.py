from __future__ import annotations

from typing import Any

from slack_bolt import Ack, BoltContext, Respond


def bridge_command(ack: Ack, command: dict[str, Any], respond: Respond, context: BoltContext) -> None:
    """`/bridge answer BB-42 [text]`: mark the answer of a thread (the only subcommand routed here)."""
    ack()
    verb, _, args = (command.get("text") or "").strip().partition(" ")
    if verb.lower() != "answer":
        respond(context["desk"].answer_command("", user_id=command.get("user_id", ""),
                                               team_id=command.get("team_id"), channel_id=command.get("channel_id", "")))
        return
    respond(context["desk"].answer_command(args.strip(), user_id=command.get("user_id", ""),
                                           team_id=command.get("user_team") or command.get("team_id"),
                                           channel_id=command.get("channel_id", "")))
