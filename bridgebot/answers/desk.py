"""The desk's answers part: suggestions in the first reply, the developer's choice, marked answers.

Mixed into :class:`bridgebot.desk.SupportDesk` (which gives ``store``, ``directory``,
``settings``, ``clock``, ``notify``, ``prefix``, ``answers`` and ``_queue_update``). No Slack here.
"""

from __future__ import annotations

import logging
from typing import Any

from ..render import render_text
from ..tracking import TrackedThread, TrackingError, get_thread, resolve
from ..tracking import outbox
from ..tracking import threads as th
from . import store
from .suggest import SuggestContext

log = logging.getLogger(__name__)


class AnswersMixin:
    answers: Any
    store: Any
    directory: Any
    settings: Any
    prefix: str

    # --- the first reply ------------------------------------------------------------------------

    def _suggest_for(self, text: str, result: Any) -> tuple[list[dict[str, Any]], float | None] | None:
        """Suggestions for a new question (None when suggestions are off). Never fails the event:
        a broken index only means no suggestions."""
        if self.answers is None or not getattr(self.settings, "suggest_docs", True):
            return None
        try:
            context = SuggestContext.from_check(result)
            found = self.answers.suggest(text, context)
            checked = set(context.operations)
            shown = [s for s in found if not (s.operation and f"{s.operation['method']} {s.operation['path']}" in checked)]
            top = found[0].confidence if found else self.answers.best_confidence(text, context)
        except Exception:
            log.exception("could not suggest documentation for a question")
            return None
        return ([{"title": s.title, "url": s.url, "snippet": s.snippet, "confidence": s.confidence, "key": s.key}
                 for s in shown], top)

    def _store_suggestions(self, db: Any, thread: TrackedThread, text: str,
                           found: tuple[list[dict[str, Any]], float | None] | None) -> None:
        if found is not None:
            store.record_suggestions(db, thread, text, found[0], found[1], self.clock())  # type: ignore[attr-defined]

    def _answers_context(self, thread: TrackedThread) -> dict[str, Any]:
        row = store.suggestions_of(self.store.db, thread.id) if self.answers is not None else None
        return {"suggestions": (row or {}).get("suggested") or [], "choice": row and row["choice"],
                "choice_by": row and row["choice_by"]}

    def _note_reply(self, db: Any, thread: TrackedThread, msg: Any, internal: bool) -> None:
        if self.answers is not None and internal:
            store.note_reply(db, thread, ts=msg.ts, user_id=msg.user_id, internal=internal, text=msg.text)

    # --- "This answered it" / "I still need help" ----------------------------------------------

    def handle_suggestion_choice(self, choice: str, thread_id: int, *, user_id: str, team_id: str | None,
                                 channel_id: str, interaction_id: str) -> Any:
        """The developer's verdict on the suggestions. Only the question's author or the team may give it."""
        from ..desk import Outcome

        now = self.clock()  # type: ignore[attr-defined]
        with self.store.transaction() as db:
            if not th.mark_event_seen(db, interaction_id, f"click:{choice}", now):
                return Outcome("duplicate")
            thread = get_thread(db, thread_id, self.prefix)
            if thread is None:
                return Outcome("missing")
            internal = self.directory.is_internal(user_id, team_id)
            if user_id != thread.author_id and not internal:
                outbox.enqueue(db, method="chat.postEphemeral", thread_id=thread.id, at=now, payload={
                    "channel": channel_id, "user": user_id, "thread_ts": thread.thread_ts,
                    "text": render_text("answers_notice", kind="not_yours", thread=thread)})
                self.notify()  # type: ignore[attr-defined]
                return Outcome("refused", thread)
            if not store.record_choice(db, thread, choice, by=user_id, at=now):
                return Outcome("unchanged", thread)
            notes = []
            if choice == "answered" and self.settings.answered_resolves and thread.status == "open":
                resolve(db, thread, by=user_id, at=now)
                notes.append("resolved")
            if choice == "need_help":
                self._ping_specialist(db, thread, user_id, now)
                notes.append("pinged")
            self._queue_update(db, thread)  # type: ignore[attr-defined]
        self.notify()  # type: ignore[attr-defined]
        return Outcome(choice, thread, notes)

    def _ping_specialist(self, db: Any, thread: TrackedThread, user_id: str, now: float) -> None:
        """Someone must know: the assignee, else the specialist group, else the escalation channel."""
        if thread.status == "resolved":
            # "still need help" on a resolved thread reopens it: the question is not answered.
            th.record_reply(db, thread, user_id=user_id, internal=False, at=now)
        mention = (f"<@{thread.assignee_id}>" if thread.assignee_id else
                   f"<!subteam^{self.settings.specialist_group}>" if self.settings.specialist_group else None)
        text = render_text("answers_notice", kind="need_help", thread=thread, mention=mention, user=user_id)
        # No thread_id: a post tied to the thread is taken for the bot's own reply (its ts is kept).
        outbox.enqueue(db, method="chat.postMessage", at=now, payload={
            "channel": thread.channel_id, "thread_ts": thread.thread_ts, "text": text})
        if mention is None and self.settings.escalation_channel:
            outbox.enqueue(db, method="chat.postMessage", at=now, payload={
                "channel": self.settings.escalation_channel,
                "text": render_text("answers_notice", kind="escalate", thread=thread, user=user_id)})
        elif mention is None:
            log.warning("%s: the developer still needs help but no specialist group or escalation channel is "
                        "configured to ping", thread.short_id)

    # --- marking an answer ------------------------------------------------------------------------

    def mark_answer(self, *, user_id: str, team_id: str | None, thread_id: int | None = None,
                    channel_id: str | None = None, message_ts: str | None = None, thread_ts: str | None = None,
                    text: str | None = None, answered_by: str | None = None, link: str | None = None) -> str:
        """A specialist marks a reply as the thread's answer (message shortcut or ``/bridge answer BB-42``).

        Returns what to tell them (rendered). The answer is added to the index at once."""
        if not self.directory.is_internal(user_id, team_id):
            return render_text("answers_notice", kind="internal_only")
        if self.answers is None:
            return render_text("answers_notice", kind="off")
        now = self.clock()  # type: ignore[attr-defined]
        try:
            with self.store.transaction() as db:
                if thread_id is not None:
                    thread = get_thread(db, thread_id, self.prefix)
                else:
                    thread = th.thread_by_ts(db, channel_id or "", thread_ts or message_ts or "", self.prefix)
                if thread is None:
                    return render_text("answers_notice", kind="no_thread",
                                       short_id=f"{self.prefix}-{thread_id}" if thread_id else None)
                if message_ts and message_ts == thread.thread_ts:
                    raise store.AnswerError("that is the question itself: mark a reply in its thread")
                marked = store.mark_answer(db, thread, by=user_id, at=now, text=text, ts=message_ts,
                                           answered_by=answered_by, link=link)
        except TrackingError as e:
            return render_text("answers_notice", kind="error", message=str(e))
        self.answers.learn(thread.id, thread.short_id, thread.text or "", marked.answer, marked.link)
        return render_text("answers_notice", kind="marked", thread=thread)

    def answer_command(self, args: str, *, user_id: str, team_id: str | None, channel_id: str) -> str:
        """``/bridge answer BB-42 [text]``: mark the latest team reply (or the given text) as the answer."""
        parts = args.split(None, 1)
        if not parts:
            return render_text("answers_notice", kind="usage", prefix=self.prefix)
        try:
            with self.store.transaction() as db:
                thread = th.thread_by_short_id(db, parts[0], self.prefix)
        except TrackingError as e:
            return render_text("answers_notice", kind="error", message=str(e))
        if thread is None:
            return render_text("answers_notice", kind="no_thread", short_id=parts[0].upper())
        return self.mark_answer(user_id=user_id, team_id=team_id, thread_id=thread.id,
                                text=parts[1] if len(parts) > 1 else None)
