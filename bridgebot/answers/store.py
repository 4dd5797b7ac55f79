"""Suggestions, the developer's choice, thread replies and marked answers in the tracking database.

Functions take a ``sqlite_utils.Database`` the caller holds inside a transaction (like
:mod:`bridgebot.tracking.threads`), so the change and the reply that reports it commit together.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

import sqlite_utils

from ..check.secrets import find_secrets, redact
from ..tracking.threads import TrackedThread, TrackingError, record_event

CHOICES = ("answered", "need_help")


class AnswerError(TrackingError):
    """An answer cannot be marked (no reply to mark, a thread that does not exist); says why."""


@dataclass
class MarkedAnswer:
    thread_id: int
    answer: str
    answered_by: str | None
    marked_by: str
    link: str | None


def clean(text: str) -> str:
    """Text as it may be stored: secrets redacted."""
    secrets = find_secrets(text or "")
    return redact(text, secrets) if secrets else (text or "")


def record_suggestions(db: sqlite_utils.Database, thread: TrackedThread, question: str,
                       suggested: list[dict[str, Any]], top_confidence: float | None, at: float) -> None:
    db.execute("INSERT OR REPLACE INTO suggestions (thread_id, question, suggested, top_confidence, created_at) "
               "VALUES (?, ?, ?, ?, ?)", [thread.id, clean(question), json.dumps(suggested), top_confidence, at])


def suggestions_of(db: sqlite_utils.Database, thread_id: int) -> dict[str, Any] | None:
    row = db.execute("SELECT suggested, choice, choice_by, choice_at FROM suggestions WHERE thread_id = ?",
                     [thread_id]).fetchone()
    if row is None:
        return None
    return {"suggested": json.loads(row[0]), "choice": row[1], "choice_by": row[2], "choice_at": row[3]}


def record_choice(db: sqlite_utils.Database, thread: TrackedThread, choice: str, *, by: str, at: float) -> bool:
    """The developer clicked "This answered it" or "I still need help". False if already chosen."""
    if choice not in CHOICES:
        raise AnswerError(f"unknown choice {choice}")
    cur = db.execute("UPDATE suggestions SET choice = ?, choice_by = ?, choice_at = ? "
                     "WHERE thread_id = ? AND (choice IS NULL OR choice != ?)", [choice, by, at, thread.id, choice])
    if cur.rowcount == 0:
        return False
    record_event(db, thread.id, f"suggestions_{choice}", at, by)
    return True


def note_reply(db: sqlite_utils.Database, thread: TrackedThread, *, ts: str, user_id: str | None, internal: bool,
               text: str) -> None:
    """Keep a reply's text (redacted), so ``/bridge answer BB-42`` can mark the latest one."""
    db.execute("INSERT OR REPLACE INTO thread_replies (thread_id, ts, user_id, internal, text) VALUES (?, ?, ?, ?, ?)",
               [thread.id, ts, user_id, int(internal), clean(text)[:4000]])


def latest_internal_reply(db: sqlite_utils.Database, thread_id: int) -> tuple[str, str, str | None] | None:
    row = db.execute("SELECT ts, text, user_id FROM thread_replies WHERE thread_id = ? AND internal = 1 "
                     "ORDER BY CAST(ts AS REAL) DESC LIMIT 1", [thread_id]).fetchone()
    return (row[0], row[1], row[2]) if row else None


def mark_answer(db: sqlite_utils.Database, thread: TrackedThread, *, by: str, at: float, text: str | None = None,
                ts: str | None = None, answered_by: str | None = None, link: str | None = None) -> MarkedAnswer:
    """Mark a reply as the thread's answer (the latest internal reply when no text is given)."""
    if not text:
        latest = latest_internal_reply(db, thread.id)
        if latest is None:
            raise AnswerError(f"{thread.short_id} has no reply from the team to mark as the answer yet: "
                              f"reply in the thread first, or use the message shortcut on the reply.")
        ts, text, answered_by = latest
    answer = clean(text).strip()
    if not answer:
        raise AnswerError("that reply has no text to learn from")
    db.execute("INSERT OR REPLACE INTO marked_answers (thread_id, answer, answer_ts, answered_by, marked_by, "
               "marked_at, link) VALUES (?, ?, ?, ?, ?, ?, ?)", [thread.id, answer[:4000], ts, answered_by, by, at, link])
    record_event(db, thread.id, "answer_marked", at, by, None, ts)
    return MarkedAnswer(thread_id=thread.id, answer=answer, answered_by=answered_by, marked_by=by, link=link)


def marked_answers(db: sqlite_utils.Database) -> list[dict[str, Any]]:
    """Every marked answer with its question (for the index)."""
    cur = db.execute("SELECT m.thread_id, t.text, m.answer, m.link FROM marked_answers m "
                     "JOIN threads t ON t.id = m.thread_id ORDER BY m.thread_id")
    return [{"thread_id": r[0], "question": r[1] or "", "answer": r[2], "link": r[3]} for r in cur.fetchall()]


def unanswered_questions(db: sqlite_utils.Database, since: float | None = None) -> list[dict[str, Any]]:
    """Questions the bot had no confident suggestion for (or whose developer still needed help)."""
    where, params = "(s.suggested = '[]' OR s.choice = 'need_help')", []
    if since is not None:
        where += " AND s.created_at >= ?"
        params.append(since)
    cur = db.execute(f"SELECT s.thread_id, s.question, s.top_confidence, s.created_at, s.choice, t.channel_id "
                     f"FROM suggestions s JOIN threads t ON t.id = s.thread_id WHERE {where} "
                     f"ORDER BY s.created_at", params)
    cols = [d[0] for d in cur.description]
    return [dict(zip(cols, r)) for r in cur.fetchall()]
