"""The ``/bridge`` slash command, without Slack: parse the text, check who asks, run a subcommand.

``parse_command(text) -> Command`` is pure; :func:`dispatch` refuses external members before
anything runs, then looks the subcommand up in :data:`SUBCOMMANDS`.

Adding a subcommand is one entry in :data:`SUBCOMMANDS` plus one template::

    SUBCOMMANDS["report"] = Subcommand(report, help="bridge_help_report")

where ``replies/bridge_help_report.txt.j2`` holds its one-line help (usage first), and the
handler has this signature::

    def report(desk: SupportDesk, caller: Caller, command: Command) -> Answer

- ``desk`` is the :class:`~bridgebot.desk.SupportDesk` (``desk.store``, ``desk.settings``,
  ``desk.clock``, ``desk.prefix``, ``desk.find_thread(db, ref)``, ``desk.act(...)``);
- ``caller`` says who typed it and where (already known to be internal);
- ``command.args`` are the words after the subcommand's name, ``command.rest`` the raw text
  after it (for free text such as a note);
- the :class:`~bridgebot.desk.Answer` returned is shown only to the caller (ephemeral). A
  handler never raises for bad input: it answers with what is possible (``usage(name)`` helps),
  or raises :class:`CommandError` with the words to show;
- the answer goes back in the HTTP response to Slack's request (the ack), which Slack waits for
  at most 3 seconds: a handler with slow work (charts, uploads) queues it, e.g. in the outbox
  in the same transaction, and answers at once;
- externals never reach a handler (:func:`dispatch` refuses them first). ``caller.team_id`` is
  None for slash commands (Slack Connect payloads do not say whose team the user is in), so
  ``desk.is_internal`` asks Slack (cached).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Callable

from .render import render_text

if TYPE_CHECKING:
    from .desk import Answer, SupportDesk


class CommandError(ValueError):
    """Bad input to a subcommand; the message is shown to the caller as is."""


@dataclass
class Command:
    name: str  # "" when nothing was typed
    args: list[str] = field(default_factory=list)
    rest: str = ""


@dataclass
class Caller:
    user_id: str
    team_id: str | None
    channel_id: str


@dataclass
class ThreadRef:
    """A thread as someone named it: ``BB-42``/``42`` (``id``) or a Slack permalink (``channel_id``,
    ``ts`` of the thread's root; ``message_ts`` of the very message linked, e.g. a reply in it)."""

    text: str
    id: int | None = None
    channel_id: str | None = None
    ts: str | None = None
    message_ts: str | None = None


Handler = Callable[["SupportDesk", Caller, Command], "Answer"]


@dataclass
class Subcommand:
    handler: Handler
    help: str  # template in replies/ with the one-line usage and help


def parse_command(text: str) -> Command:
    """``"claim BB-42"`` → ``Command("claim", ["BB-42"], "BB-42")``. Case-insensitive name;
    Slack's escaping of links and mentions is left in the args for :func:`parse_thread_ref`."""
    stripped = (text or "").strip()
    if not stripped:
        return Command("")
    parts = stripped.split(None, 1)
    rest = parts[1].strip() if len(parts) > 1 else ""
    return Command(parts[0].lower(), rest.split(), rest)


_SHORT = re.compile(r"^#?(?:([A-Za-z]{1,10})-)?(\d{1,12})$")
_PERMALINK = re.compile(
    r"^<?(https://[^/\s|>]+\.slack\.com/archives/([A-Z0-9_]+)/p(\d{1,10})(\d{6})([^|>\s]*))(?:\|[^>]*)?>?$")
_THREAD_TS = re.compile(r"[?&]thread_ts=(\d{1,10}\.\d{6})")


def parse_thread_ref(token: str, prefix: str = "BB") -> ThreadRef:
    """``BB-42``, ``bb-42``, ``42`` or a message permalink (as typed, or as Slack escapes it:
    ``<https://x.slack.com/archives/C1/p1700000000000100>``). A link to a reply inside a thread
    (``?thread_ts=…``) names that thread. Raises CommandError for anything else."""
    token = token.strip()
    m = _SHORT.match(token)
    if m and (m.group(1) is None or m.group(1).upper() == prefix.upper()):
        return ThreadRef(token, id=int(m.group(2)))
    m = _PERMALINK.match(token)
    if m:
        ts = f"{m.group(3)}.{m.group(4)}"
        in_thread = _THREAD_TS.search(m.group(5) or "")
        return ThreadRef(token, channel_id=m.group(2), ts=in_thread.group(1) if in_thread else ts, message_ts=ts)
    raise CommandError(render_text("bridge_bad_ref", token=token, prefix=prefix).strip())


_MENTION = re.compile(r"^<@([UW][A-Z0-9_]+)(?:\|[^>]*)?>$|^@?([UW][A-Z0-9_]{2,})$")


def parse_user(token: str) -> str:
    """``<@U123|ana>`` (how Slack escapes a mention), ``<@U123>`` or ``U123`` → ``U123``."""
    m = _MENTION.match(token.strip())
    if not m:
        raise CommandError(render_text("bridge_bad_user", token=token).strip())
    return m.group(1) or m.group(2)


# --- dispatch ---------------------------------------------------------------------------------

def dispatch(desk: "SupportDesk", caller: Caller, text: str) -> "Answer":
    """Run ``/bridge <text>`` for ``caller``. Externals get a polite refusal and nothing runs."""
    from .desk import Answer

    if not desk.directory.is_internal(caller.user_id, caller.team_id):
        return Answer(render_text("refuse_external", action="command"))
    command = parse_command(text)
    if command.name in ("", "help"):
        return help_answer(command.args[0].lower() if command.args else None)
    sub = SUBCOMMANDS.get(command.name)
    if sub is None:
        return Answer(render_text("bridge_unknown", subcommand=command.name, helps=_helps()))
    try:
        return sub.handler(desk, caller, command)
    except CommandError as e:
        return Answer(str(e) + "\n")


def _helps() -> list[str]:
    return [render_text(sub.help).strip() for sub in SUBCOMMANDS.values()]


def usage(name: str) -> str:
    return render_text(SUBCOMMANDS[name].help).strip()


def help_answer(name: str | None = None) -> "Answer":
    from .desk import Answer

    if name in SUBCOMMANDS:
        return Answer(render_text("bridge_help", helps=[usage(name)]))  # type: ignore[arg-type]
    return Answer(render_text("bridge_help", helps=_helps()))


def _one_ref(desk: "SupportDesk", name: str, command: Command, extra: int = 0) -> ThreadRef:
    if len(command.args) < 1 + extra:
        raise CommandError(render_text("bridge_usage", usage=usage(name)).strip())
    return parse_thread_ref(command.args[0], desk.prefix)


# --- the subcommands --------------------------------------------------------------------------

def queue_cmd(desk: "SupportDesk", caller: Caller, command: Command) -> "Answer":
    return desk.queue_answer(None)


def mine_cmd(desk: "SupportDesk", caller: Caller, command: Command) -> "Answer":
    return desk.queue_answer(caller.user_id)


def _action(action: str) -> Handler:
    def run(desk: "SupportDesk", caller: Caller, command: Command) -> "Answer":
        ref = _one_ref(desk, action, command)
        return desk.act_answer(action, ref, caller)
    run.__name__ = f"{action}_cmd"
    return run


def assign_cmd(desk: "SupportDesk", caller: Caller, command: Command) -> "Answer":
    ref = _one_ref(desk, "assign", command, extra=1)
    assignee = parse_user(command.args[1])
    return desk.act_answer("assign", ref, caller, assignee_id=assignee)


def note_cmd(desk: "SupportDesk", caller: Caller, command: Command) -> "Answer":
    ref = _one_ref(desk, "note", command)
    text = command.rest.split(None, 1)[1].strip() if len(command.rest.split(None, 1)) > 1 else ""
    if not text:
        raise CommandError(render_text("bridge_usage", usage=usage("note")).strip())
    return desk.note_answer(ref, caller, text)


def answer_cmd(desk: "SupportDesk", caller: Caller, command: Command) -> "Answer":
    """``answer BB-42 [text]``: the latest team reply (or the text) becomes the thread's marked answer."""
    from .desk import Answer

    return Answer(desk.answer_command(command.rest, user_id=caller.user_id, team_id=caller.team_id,
                                      channel_id=caller.channel_id))


#: name → subcommand. Other modules add theirs here (one entry + one help template).
SUBCOMMANDS: dict[str, Subcommand] = {
    "queue": Subcommand(queue_cmd, help="bridge_help_queue"),
    "mine": Subcommand(mine_cmd, help="bridge_help_mine"),
    "claim": Subcommand(_action("claim"), help="bridge_help_claim"),
    "assign": Subcommand(assign_cmd, help="bridge_help_assign"),
    "release": Subcommand(_action("release"), help="bridge_help_release"),
    "resolve": Subcommand(_action("resolve"), help="bridge_help_resolve"),
    "reopen": Subcommand(_action("reopen"), help="bridge_help_reopen"),
    "note": Subcommand(note_cmd, help="bridge_help_note"),
}


def _register_other_areas() -> None:
    """Subcommands whose rules live in other packages (they import this module's types)."""
    from .reports.command import report_cmd

    SUBCOMMANDS["answer"] = Subcommand(answer_cmd, help="bridge_help_answer")
    SUBCOMMANDS["report"] = Subcommand(report_cmd, help="bridge_help_report")


_register_other_areas()
