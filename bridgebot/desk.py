"""The support desk: what happens when a message arrives, is edited, or a button is clicked.

This is the core the Slack listeners call. It never imports Slack: who is internal and which
channels are support channels come from a :class:`Directory`, and every reply is queued in the
outbox (posted by :mod:`bridgebot.delivery`) in the same transaction as the change it reports,
together with the mark that the Slack event was handled. A redelivered event is a no-op.
"""

from __future__ import annotations

import json
import logging
import re
import time
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Callable, Protocol

from .answers.desk import AnswersMixin
from .check import CheckResult, SpecSet, UnreadablePaste, check_paste
from .check.secrets import find_secrets, redact
from .render import fallback_text, render_blocks, render_text
from .reports.incidents import on_thread_opened
from .settings import Settings
from .tracking import Refusal, Store, TrackedThread, get_thread, open_thread, record_reply
from .tracking import outbox
from .tracking import threads as th

if TYPE_CHECKING:
    from .commands import Caller, ThreadRef

log = logging.getLogger(__name__)

#: Stored question text is cut here (a Slack message is at most 40,000 characters).
MAX_STORED_TEXT = 4000

_SMALL_TALK = re.compile(
    r"""^(?:(?:hi|hello|hey|hiya|yo|morning|good\ (?:morning|afternoon|evening)|gm|
        thanks?|thank\ you|thx|ty|tysm|cheers|much\ appreciated|appreciate\ it|
        ok(?:ay)?|great|perfect|awesome|cool|nice|got\ it|sounds\ good|will\ do|np|no\ worries|
        all\ good|that\ worked|it\ works|works\ now|resolved|done|bye|have\ a\ good\ (?:one|day|weekend)|
        team|all|everyone|folks|guys|so\ much|again|a\ lot|lots|for\ the\ help|for\ your\ help|
        :[a-z0-9_+\-]+:|<@[A-Z0-9]+>)
        [\s!.,?]*)+$""",
    re.IGNORECASE | re.VERBOSE,
)


def is_small_talk(text: str) -> bool:
    """Only a greeting or thanks ("hi team!", "thanks so much :pray:"): no question to track."""
    stripped = text.strip()
    return not stripped or (len(stripped) <= 80 and bool(_SMALL_TALK.match(stripped)))


@dataclass
class Channel:
    id: str
    is_support: bool
    customer_team_id: str | None = None
    customer_name: str | None = None


class Directory(Protocol):
    """Who is who and which channels count; the Slack glue answers from the Web API (cached)."""

    bot_user_id: str
    bot_id: str | None

    def is_internal(self, user_id: str, team_id: str | None) -> bool: ...

    def channel(self, channel_id: str) -> Channel: ...

    def customer_name(self, team_id: str | None, channel_id: str) -> str | None: ...

    def in_group(self, user_id: str, group_id: str) -> bool: ...


@dataclass
class Message:
    """A Slack message event, reduced to what the desk needs."""

    channel_id: str
    ts: str
    user_id: str | None
    text: str
    thread_ts: str | None = None
    team_id: str | None = None  # user_team (Slack Connect) or team
    subtype: str | None = None
    bot_id: str | None = None

    @property
    def is_top_level(self) -> bool:
        return self.thread_ts is None or self.thread_ts == self.ts


@dataclass
class Outcome:
    """What the desk did (for logs and tests)."""

    action: str
    thread: TrackedThread | None = None
    notes: list[str] = field(default_factory=list)


@dataclass
class Answer:
    """What a specialist (or an external member) is told privately: a slash command's answer."""

    text: str
    blocks: list[dict[str, Any]] | None = None
    #: Files the Slack glue uploads after answering (a report's CSV and chart): where, and what.
    upload_channel: str | None = None
    uploads: list[dict[str, Any]] = field(default_factory=list)


@dataclass
class ActResult:
    """The result of a claim / assign / release / resolve / reopen through :meth:`SupportDesk.act`.

    ``status``: done, refused (the state machine said no), external (not allowed; nothing
    changed), missing (no such thread), duplicate (a redelivered event). ``message`` is what to
    tell the person privately."""

    status: str
    message: str
    thread: TrackedThread | None = None


class SupportDesk(AnswersMixin):
    def __init__(self, store: Store, specs: SpecSet, directory: Directory, settings: Settings,
                 clock: Callable[[], float] = time.time, notify: Callable[[], None] = lambda: None,
                 answers: Any = None) -> None:
        self.answers = answers  # bridgebot.answers.Answers, or None: no suggestions
        self.store = store
        self.specs = specs
        self.directory = directory
        self.settings = settings
        self.clock = clock
        self.notify = notify
        self.prefix = settings.thread_prefix

    # --- messages ---------------------------------------------------------------------------

    def handle_message(self, event_id: str, msg: Message) -> Outcome:
        """A new message in a channel the bot is in."""
        if msg.bot_id or msg.subtype in ("bot_message",) or msg.user_id in (None, self.directory.bot_user_id):
            return self._mark_only(event_id, "ignored: bot message")
        if msg.subtype not in (None, "file_share", "thread_broadcast", "me_message"):
            return self._mark_only(event_id, f"ignored: {msg.subtype}")
        channel = self.directory.channel(msg.channel_id)
        if not channel.is_support:
            return self._mark_only(event_id, "ignored: not a support channel")
        internal = self.directory.is_internal(msg.user_id, msg.team_id)
        if not msg.is_top_level:
            return self._reply(event_id, msg, internal)
        if internal:
            return self._mark_only(event_id, "ignored: internal top-level message")
        if is_small_talk(msg.text):
            return self._mark_only(event_id, "ignored: greeting or thanks")
        return self._open(event_id, msg, channel)

    def _open(self, event_id: str, msg: Message, channel: Channel) -> Outcome:
        result = self._check(msg.text)
        secrets = find_secrets(msg.text)
        at = float(msg.ts)
        customer_team = channel.customer_team_id or msg.team_id
        customer_name = channel.customer_name or self.directory.customer_name(customer_team, msg.channel_id)
        found = self._suggest_for(msg.text, result)
        with self.store.transaction() as db:
            if not th.mark_event_seen(db, event_id, "message", self.clock()):
                return Outcome("duplicate")
            if customer_team:
                db.execute("INSERT INTO customer_orgs (team_id, name, updated_at) VALUES (?, ?, ?) "
                           "ON CONFLICT(team_id) DO UPDATE SET name = COALESCE(excluded.name, name), "
                           "updated_at = excluded.updated_at", [customer_team, customer_name, self.clock()])
            thread = open_thread(
                db, channel_id=msg.channel_id, thread_ts=msg.ts, author_id=msg.user_id or "", opened_at=at,
                customer_team_id=customer_team, text=_stored_text(msg.text, secrets),
                operations=_operations(result), findings_count=len(result.findings) if result else 0,
                prefix=self.prefix,
            )
            if thread is None:
                return Outcome("duplicate")
            on_thread_opened(db, thread=thread, result=result, settings=self.settings, at=self.clock())
            self._store_suggestions(db, thread, msg.text, found)
            has_paste = result is not None and not result.empty
            if has_paste or self.settings.acknowledge_questions:
                outbox.enqueue(db, method="chat.postMessage", thread_id=thread.id, at=self.clock(), payload={
                    "channel": msg.channel_id, "thread_ts": msg.ts, "unfurl_links": False, "unfurl_media": False,
                    **self._render_reply(thread, result)})
            if secrets:
                outbox.enqueue(db, method="chat.postEphemeral", thread_id=thread.id, at=self.clock(), payload={
                    "channel": msg.channel_id, "user": msg.user_id, "thread_ts": msg.ts,
                    "text": render_text("secret_warning", secrets=secrets, thread=thread)})
        self.notify()
        log.info("opened %s in %s for %s (%d findings)", thread.short_id, msg.channel_id, msg.user_id,
                 thread.findings_count)
        return Outcome("opened", thread)

    def _reply(self, event_id: str, msg: Message, internal: bool) -> Outcome:
        with self.store.transaction() as db:
            if not th.mark_event_seen(db, event_id, "message", self.clock()):
                return Outcome("duplicate")
            thread = th.thread_by_ts(db, msg.channel_id, msg.thread_ts or "", self.prefix)
            if thread is None:
                return Outcome("ignored: reply in an untracked thread")
            caused = record_reply(db, thread, user_id=msg.user_id or "", internal=internal, at=float(msg.ts))
            self._note_reply(db, thread, msg, internal)
            if "reopened" in caused:
                self._queue_update(db, thread)
                self._refresh_homes(db, [thread.assignee_id])
            if not internal:
                self._tell_claimer(db, thread, msg.user_id or "")
            if not internal:
                secrets = find_secrets(msg.text)
                if secrets:
                    outbox.enqueue(db, method="chat.postEphemeral", thread_id=thread.id, at=self.clock(), payload={
                        "channel": msg.channel_id, "user": msg.user_id, "thread_ts": thread.thread_ts,
                        "text": render_text("secret_warning", secrets=secrets, thread=thread)})
        self.notify()
        return Outcome("reply", thread, caused)

    def handle_edit(self, event_id: str, channel_id: str, ts: str, text: str, user_id: str | None) -> Outcome:
        """A message was edited (message_changed): check a tracked question again, update our reply."""
        with self.store.transaction() as db:
            if not th.mark_event_seen(db, event_id, "message_changed", self.clock()):
                return Outcome("duplicate")
            thread = th.thread_by_ts(db, channel_id, ts, self.prefix)
            if thread is None:
                return Outcome("ignored: edit of an untracked message")
        result = self._check(text)
        secrets = find_secrets(text)
        with self.store.transaction() as db:
            thread = th.thread_by_ts(db, channel_id, ts, self.prefix)
            assert thread is not None
            th.update_check(db, thread, text=_stored_text(text, secrets), operations=_operations(result),
                            findings_count=len(result.findings) if result else 0, by=user_id or "", at=self.clock())
            self._queue_update(db, thread, result, post_if_missing=bool(result and not result.empty))
            if secrets:
                outbox.enqueue(db, method="chat.postEphemeral", thread_id=thread.id, at=self.clock(), payload={
                    "channel": channel_id, "user": user_id, "thread_ts": ts,
                    "text": render_text("secret_warning", secrets=secrets, thread=thread)})
        self.notify()
        return Outcome("rechecked", thread)

    def handle_channel_id_changed(self, event_id: str, old_id: str, new_id: str) -> Outcome:
        with self.store.transaction() as db:
            if not th.mark_event_seen(db, event_id, "channel_id_changed", self.clock()):
                return Outcome("duplicate")
            moved = th.rename_channel(db, old_id, new_id)
        return Outcome("channel renamed", notes=[f"{moved} threads moved"])

    # --- buttons ----------------------------------------------------------------------------

    def handle_click(self, action: str, thread_id: int, *, user_id: str, team_id: str | None, channel_id: str,
                     interaction_id: str) -> Outcome:
        """Claim / Release / Resolve clicked, on the bot's reply or on the Home tab (no channel).
        Externals are refused politely and nothing changes."""
        result = self.act(action, thread_id, user_id=user_id, team_id=team_id, dedupe_id=interaction_id,
                          dedupe_kind=f"click:{action}", refusal_action=action)
        if result.status == "duplicate":
            return Outcome("duplicate")
        if result.status != "done":
            self._tell_privately(user_id, channel_id, result.message,
                                 thread_ts=result.thread.thread_ts if result.thread and channel_id else None)
        mapped = {"done": action, "external": "refused", "refused": "error", "missing": "missing"}[result.status]
        return Outcome(mapped, result.thread, [] if result.status == "done" else [result.message])

    # --- the specialists' desk: /bridge, reactions, the shortcut, App Home, reminders ----------

    def is_internal(self, user_id: str, team_id: str | None) -> bool:
        return self.directory.is_internal(user_id, team_id)

    def act(self, action: str, thread_id: int, *, user_id: str, team_id: str | None,
            assignee_id: str | None = None, dedupe_id: str | None = None, dedupe_kind: str = "act",
            refusal_action: str = "command") -> ActResult:
        """The one path every claim / assign / release / resolve / reopen takes (buttons,
        ``/bridge``, reactions, the shortcut): who may act, the state machine, the audit event,
        the bot's reply in the thread and the Home tabs of the people concerned, in one transaction."""
        if not self.directory.is_internal(user_id, team_id):
            if dedupe_id is not None:  # a redelivered reaction or click is refused once, not twice
                with self.store.transaction() as db:
                    if not th.mark_event_seen(db, dedupe_id, dedupe_kind, self.clock()):
                        return ActResult("duplicate", "")
            return ActResult("external", render_text("refuse_external", action=refusal_action))
        if action == "assign" and assignee_id and not self.directory.is_internal(assignee_id, None):
            return ActResult("refused", render_text("bridge_assign_external", assignee_id=assignee_id))
        with self.store.transaction() as db:
            if dedupe_id is not None and not th.mark_event_seen(db, dedupe_id, dedupe_kind, self.clock()):
                return ActResult("duplicate", "")
            thread = get_thread(db, thread_id, self.prefix)
            if thread is None:
                return ActResult("missing", render_text("bridge_not_found", ref={"id": thread_id}, prefix=self.prefix))
            before = thread.assignee_id
            try:
                th.transition(db, thread, action, by=user_id, at=self.clock(), assignee_id=assignee_id)
            except Refusal as e:
                return ActResult("refused", e.message + "\n", thread)
            self._queue_update(db, thread)
            self._refresh_homes(db, [before, thread.assignee_id, user_id])
        self.notify()
        log.info("%s %s by %s", action, thread.short_id, user_id)
        return ActResult("done", render_text("bridge_done", action=action, thread=thread, assignee_id=assignee_id),
                         thread)

    def find_thread(self, db: Any, ref: "ThreadRef") -> TrackedThread | None:
        if ref.id is not None:
            return get_thread(db, ref.id, self.prefix)
        return th.thread_by_message(db, ref.channel_id or "", ref.ts or "", self.prefix)

    def act_answer(self, action: str, ref: "ThreadRef", caller: "Caller", assignee_id: str | None = None) -> Answer:
        """``/bridge claim|assign|release|resolve|reopen REF``."""
        thread = self.find_thread(self.store.db, ref)
        if thread is None:
            return Answer(render_text("bridge_not_found", ref=ref, prefix=self.prefix))
        result = self.act(action, thread.id, user_id=caller.user_id, team_id=caller.team_id,
                          assignee_id=assignee_id)
        return Answer(result.message)

    def queue_answer(self, assignee_id: str | None) -> Answer:
        """``/bridge queue`` (unclaimed, oldest first) or ``/bridge mine``."""
        db = self.store.db
        items = self._items(db, th.queue(db, assignee_id, self.prefix))
        return Answer(render_text("bridge_queue", items=items, mine=assignee_id is not None,
                                  target=self.settings.first_response_target))

    def note_answer(self, ref: "ThreadRef", caller: "Caller", text: str) -> Answer:
        """``/bridge note REF text``: stored, and posted only to the internal triage channel."""
        from .check.secrets import find_secrets

        secrets = find_secrets(text)
        text = redact(text, secrets) if secrets else text
        text = text if len(text) <= MAX_STORED_TEXT else text[: MAX_STORED_TEXT - 1] + "…"
        triage = self._triage_channel()
        with self.store.transaction() as db:
            thread = self.find_thread(db, ref)
            if thread is None:
                return Answer(render_text("bridge_not_found", ref=ref, prefix=self.prefix))
            th.add_note(db, thread, author_id=caller.user_id, text=text, at=self.clock())
            if triage:
                outbox.enqueue(db, method="chat.postMessage", at=self.clock(), payload={
                    "channel": triage, "unfurl_links": False,
                    "text": render_text("note_posted", thread=thread, author_id=caller.user_id, text=text,
                                        customer=self._customer(db, thread))})
        self.notify()
        return Answer(render_text("note_saved", thread=thread, posted_to=triage))

    def handle_reaction(self, event_id: str, *, user_id: str, reaction: str, channel_id: str, ts: str,
                        team_id: str | None = None) -> Outcome:
        """reaction_added: the claim reaction (👀) claims, the resolve reaction (✅) resolves, on a
        tracked question or the bot's reply. Other reactions and other messages are ignored."""
        action = {self.settings.claim_reaction: "claim", self.settings.resolve_reaction: "resolve"}.get(reaction)
        if action is None or user_id == self.directory.bot_user_id:
            return Outcome("ignored: reaction")
        thread = th.thread_by_message(self.store.db, channel_id, ts, self.prefix)
        if thread is None:
            return Outcome("ignored: reaction on an untracked message")
        result = self.act(action, thread.id, user_id=user_id, team_id=team_id, dedupe_id=event_id,
                          dedupe_kind="reaction_added", refusal_action="reaction")
        if result.status == "duplicate":
            return Outcome("duplicate")
        if result.status != "done":
            self._tell_privately(user_id, channel_id, result.message, thread_ts=thread.thread_ts)
        return Outcome(action if result.status == "done" else result.status, result.thread or thread)

    def handle_shortcut(self, *, user_id: str, team_id: str | None, channel_id: str, message_ts: str,
                        thread_ts: str | None) -> Answer:
        """The message shortcut "Claim this thread", used on any message of a tracked thread."""
        if not self.directory.is_internal(user_id, team_id):
            return Answer(render_text("refuse_external", action="shortcut"))
        db = self.store.db
        thread = (th.thread_by_ts(db, channel_id, thread_ts, self.prefix) if thread_ts else None) \
            or th.thread_by_message(db, channel_id, message_ts, self.prefix)
        if thread is None:
            from .commands import ThreadRef
            return Answer(render_text("bridge_not_found", ref=ThreadRef("", channel_id=channel_id, ts=message_ts),
                                      prefix=self.prefix))
        return Answer(self.act("claim", thread.id, user_id=user_id, team_id=team_id).message)

    def home_view(self, user_id: str, team_id: str | None = None, db: Any = None,
                  internal: bool | None = None) -> dict[str, Any]:
        """The App Home tab for ``user_id``: their claimed threads, the unclaimed queue, today's counts."""
        if internal is None:
            internal = self.directory.is_internal(user_id, team_id)
        if not internal:
            return {"type": "home", "blocks": render_blocks("app_home", internal=False, mine=[], queue=[], counts={},
                                                            more_queue=0)}
        db = db or self.store.db
        now = self.clock()
        mine = self._items(db, th.queue(db, user_id, self.prefix))
        unclaimed = th.queue(db, None, self.prefix)
        queue = self._items(db, unclaimed[:16])
        counts = th.counts_since(db, now - now % 86400, user_id)
        return {"type": "home", "blocks": render_blocks("app_home", internal=True, mine=mine, queue=queue,
                                                        counts=counts, more_queue=max(0, len(unclaimed) - 16))}

    def publish_home(self, user_id: str, team_id: str | None = None) -> None:
        """app_home_opened: queue the member's Home tab (externals see a short note, nothing else)."""
        view = self.home_view(user_id, team_id)
        with self.store.transaction() as db:
            outbox.enqueue(db, method="views.publish", at=self.clock(), payload={"user_id": user_id, "view": view})
        self.notify()

    def send_reminders(self, now: float | None = None) -> int:
        """The reminder job: each unclaimed thread with no first response that has used ``remind_at``
        of its first-response target is posted once to the triage channel. Returns how many."""
        target, triage = self.settings.first_response_target, self._triage_channel()
        if not target or not triage:
            return 0
        now = self.clock() if now is None else now
        sent = 0
        with self.store.transaction() as db:
            due = th.nearing_first_response(db, opened_before=now - target * self.settings.remind_at,
                                            kind="first_response", prefix=self.prefix)
            for thread in due:
                if not th.mark_reminded(db, thread.id, "first_response", now):
                    continue
                outbox.enqueue(db, method="chat.postMessage", at=now, payload={
                    "channel": triage, "unfurl_links": False,
                    "text": render_text("reminder", thread=thread, customer=self._customer(db, thread),
                                        age=now - thread.opened_at, left=thread.opened_at + target - now)})
                sent += 1
        if sent:
            self.notify()
            log.info("reminded the triage channel of %d thread(s)", sent)
        return sent

    def _tell_claimer(self, db: Any, thread: TrackedThread, author_id: str) -> None:
        """The customer wrote in a claimed thread: tell the claimer in a direct message."""
        if thread.status != "open" or not thread.assignee_id:
            return
        outbox.enqueue(db, method="chat.postMessage", at=self.clock(), payload={
            "channel": thread.assignee_id, "unfurl_links": False,
            "text": render_text("customer_replied", thread=thread, author_id=author_id,
                                customer=self._customer(db, thread))})

    def _tell_privately(self, user_id: str, channel_id: str, text: str, thread_ts: str | None = None) -> None:
        """An ephemeral notice in the channel, or a direct message when there is none (Home tab)."""
        with self.store.transaction() as db:
            if channel_id:
                payload = {"channel": channel_id, "user": user_id, "text": text}
                if thread_ts:
                    payload["thread_ts"] = thread_ts
                outbox.enqueue(db, method="chat.postEphemeral", at=self.clock(), payload=payload)
            else:
                outbox.enqueue(db, method="chat.postMessage", at=self.clock(), payload={"channel": user_id, "text": text})
        self.notify()

    def _refresh_homes(self, db: Any, user_ids: list[str | None]) -> None:
        """Re-publish the Home tab of each member whose threads just changed."""
        for user_id in dict.fromkeys(u for u in user_ids if u):
            outbox.enqueue(db, method="views.publish", at=self.clock(), payload={
                "user_id": user_id, "view": self.home_view(user_id, db=db, internal=True)})

    def _triage_channel(self) -> str | None:
        """The configured triage channel, unless it is a support (shared) channel: notes and
        reminders never go where customers read."""
        triage = self.settings.triage_channel
        if triage and self.directory.channel(triage).is_support:
            log.error("[desk] triage_channel %s is a support channel; notes and reminders are not posted there",
                      triage)
            return None
        return triage

    def _customer(self, db: Any, thread: TrackedThread) -> str | None:
        if thread.channel_id in self.settings.customers:
            return self.settings.customers[thread.channel_id]
        if not thread.customer_team_id:
            return None
        row = db.execute("SELECT name FROM customer_orgs WHERE team_id = ?", [thread.customer_team_id]).fetchone()
        return (row[0] if row else None) or thread.customer_team_id

    def _items(self, db: Any, threads: list[TrackedThread]) -> list[dict[str, Any]]:
        now, target = self.clock(), self.settings.first_response_target
        return [{"thread": t, "customer": self._customer(db, t), "age": now - t.opened_at,
                 "left": (t.opened_at + target - now) if target and t.first_response_at is None else None}
                for t in threads]

    # --- helpers ----------------------------------------------------------------------------

    def _mark_only(self, event_id: str, action: str) -> Outcome:
        with self.store.transaction() as db:
            if not th.mark_event_seen(db, event_id, "message", self.clock()):
                return Outcome("duplicate")
        return Outcome(action)

    def _check(self, text: str) -> CheckResult | None:
        try:
            return check_paste(text, self.specs)
        except UnreadablePaste as e:
            result = CheckResult(problems=[str(e)])
            return result

    def _render_reply(self, thread: TrackedThread, result: CheckResult | None) -> dict[str, Any]:
        context = {"thread": thread, "result": result, "has_paste": bool(result and not result.empty),
                   **self._answers_context(thread)}
        return {"text": fallback_text(render_text("thread_reply", **context)),
                "blocks": render_blocks("thread_reply", **context)}

    def _queue_update(self, db: Any, thread: TrackedThread, result: CheckResult | None = None,
                      post_if_missing: bool = False) -> None:
        """Bring our reply up to date: edit it, or rewrite it if it is not posted yet."""
        if result is None and thread.text is not None:
            result = self._check(thread.text)
        reply = self._render_reply(thread, result)
        pending = outbox.pending_post(db, thread.id)
        if pending is not None:
            item = db.execute("SELECT payload FROM outbox WHERE id = ?", [pending]).fetchone()
            payload = {**json.loads(item[0]), **reply}
            outbox.replace_payload(db, pending, payload)
        elif thread.bot_reply_ts:
            outbox.enqueue(db, method="chat.update", thread_id=thread.id, at=self.clock(),
                           payload={"channel": thread.channel_id, "ts": thread.bot_reply_ts, **reply})
        elif post_if_missing or self._reply_was_queued(db, thread.id):
            outbox.enqueue(db, method="chat.postMessage", thread_id=thread.id, at=self.clock(), payload={
                "channel": thread.channel_id, "thread_ts": thread.thread_ts, "unfurl_links": False, **reply})

    @staticmethod
    def _reply_was_queued(db: Any, thread_id: int) -> bool:
        row = db.execute("SELECT 1 FROM outbox WHERE thread_id = ? AND method = 'chat.postMessage'", [thread_id])
        return row.fetchone() is not None


def _operations(result: CheckResult | None) -> list[str]:
    return [op.label for op in result.operations] if result else []


def _stored_text(text: str, secrets: list[Any]) -> str:
    text = redact(text, secrets) if secrets else text
    return text if len(text) <= MAX_STORED_TEXT else text[: MAX_STORED_TEXT - 1] + "…"
