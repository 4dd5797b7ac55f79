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
from typing import Any, Callable, Protocol

from .check import CheckResult, SpecSet, UnreadablePaste
from .check.bounded import check_inline
from .check.secrets import find_secrets, redact
from .check.stored import dump_result, load_result
from .render import fallback_text, render_blocks, render_text
from .settings import Settings
from .tracking import Store, TrackedThread, TrackingError, claim, get_thread, open_thread, record_reply, resolve
from .tracking import outbox
from .tracking import threads as th

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


class SupportDesk:
    def __init__(self, store: Store, specs: SpecSet, directory: Directory, settings: Settings,
                 clock: Callable[[], float] = time.time, notify: Callable[[], None] = lambda: None,
                 checker: Callable[[str], CheckResult] | None = None) -> None:
        self.store = store
        #: Checks a paste within a time budget, never raising but UnreadablePaste: the app passes
        #: a BoundedChecker's (worker process); by default an in-process guard.
        self.checker = checker or (lambda text: check_inline(text, specs))
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
            self._save_result(db, thread, result, secrets)
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
            if "reopened" in caused:
                self._queue_update(db, thread)
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
            self._save_result(db, thread, result, secrets)
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
        """Claim / Resolve clicked. Externals are refused politely and nothing changes."""
        if not self.directory.is_internal(user_id, team_id):
            with self.store.transaction() as db:
                outbox.enqueue(db, method="chat.postEphemeral", at=self.clock(), payload={
                    "channel": channel_id, "user": user_id, "text": render_text("refuse_external", action=action)})
            self.notify()
            return Outcome("refused")
        with self.store.transaction() as db:
            if not th.mark_event_seen(db, interaction_id, f"click:{action}", self.clock()):
                return Outcome("duplicate")
            thread = get_thread(db, thread_id, self.prefix)
            if thread is None:
                outbox.enqueue(db, method="chat.postEphemeral", at=self.clock(), payload={
                    "channel": channel_id, "user": user_id,
                    "text": render_text("click_error", message=f"{self.prefix}-{thread_id} no longer exists.")})
                self.notify()
                return Outcome("missing")
            try:
                if action == "claim":
                    changed = claim(db, thread, user_id=user_id, at=self.clock())
                elif action == "resolve":
                    changed = resolve(db, thread, by=user_id, at=self.clock())
                elif action == "release":
                    changed = th.release(db, thread, by=user_id, at=self.clock())
                else:
                    raise TrackingError(f"unknown action {action}")
            except TrackingError as e:
                outbox.enqueue(db, method="chat.postEphemeral", thread_id=thread.id, at=self.clock(), payload={
                    "channel": channel_id, "user": user_id, "thread_ts": thread.thread_ts,
                    "text": render_text("click_error", message=str(e))})
                changed = False
                result = Outcome("error", thread, [str(e)])
            else:
                result = Outcome(action if changed else "unchanged", thread)
            if changed:
                self._queue_update(db, thread)
        self.notify()
        return result

    # --- helpers ----------------------------------------------------------------------------

    def _mark_only(self, event_id: str, action: str) -> Outcome:
        with self.store.transaction() as db:
            if not th.mark_event_seen(db, event_id, "message", self.clock()):
                return Outcome("duplicate")
        return Outcome(action)

    def _check(self, text: str) -> CheckResult | None:
        try:
            return self.checker(text)
        except UnreadablePaste as e:
            result = CheckResult(problems=[str(e)])
            return result

    def _render_reply(self, thread: TrackedThread, result: CheckResult | None) -> dict[str, Any]:
        context = {"thread": thread, "result": result, "has_paste": bool(result and not result.empty)}
        return {"text": fallback_text(render_text("thread_reply", **context)),
                "blocks": render_blocks("thread_reply", **context)}

    def _queue_update(self, db: Any, thread: TrackedThread, result: CheckResult | None = None,
                      post_if_missing: bool = False) -> None:
        """Bring our reply up to date: edit it, or rewrite it if it is not posted yet."""
        if result is None:
            result = self._stored_result(db, thread)
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

    def _save_result(self, db: Any, thread: TrackedThread, result: CheckResult | None, secrets: list[Any]) -> None:
        if result is not None:
            # The result is redacted by the checker; the secrets of the raw message text once more.
            th.save_check_result(db, thread.id, redact(dump_result(result), secrets), self.clock())

    def _stored_result(self, db: Any, thread: TrackedThread) -> CheckResult | None:
        """The result the thread's reply was built from; never a re-check of the stored text,
        which is cut at 4,000 characters and has its keys redacted."""
        stored = th.check_result_of(db, thread.id)
        if stored is not None:
            return load_result(stored)
        # A thread opened before results were stored: its text, if it was stored whole.
        if thread.text is not None and len(thread.text) < MAX_STORED_TEXT:
            return self._check(thread.text)
        return None

    @staticmethod
    def _reply_was_queued(db: Any, thread_id: int) -> bool:
        row = db.execute("SELECT 1 FROM outbox WHERE thread_id = ? AND method = 'chat.postMessage'", [thread_id])
        return row.fetchone() is not None


def _operations(result: CheckResult | None) -> list[str]:
    return [op.label for op in result.operations] if result else []


def _stored_text(text: str, secrets: list[Any]) -> str:
    text = redact(text, secrets) if secrets else text
    return text if len(text) <= MAX_STORED_TEXT else text[: MAX_STORED_TEXT - 1] + "…"
