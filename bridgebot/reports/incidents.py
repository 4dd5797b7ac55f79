"""The incident signal: several customers hitting the same failure within a window.

When a thread opens, the checker's result says which error codes were pasted and which
operations had findings; each becomes a *signal* (``thread_signals``). When threads from
``min_customers`` or more distinct customers (default 3) carry the same signal within ``window``
(default 60 minutes), one post goes to the internal triage channel with the operation, the error,
the customers and links to the threads. Later threads with that signal while the incident is live
(each one keeps it live for another window) are added to the same post (``chat.update``), never
posted again. Everything is queued in the outbox inside the caller's transaction.
"""

from __future__ import annotations

import json
from typing import Any

import sqlite_utils

from ..check import CheckResult
from ..render import fallback_text, render_blocks, render_text
from ..tracking import outbox

SLACK_URL = "https://slack.com/"


def signals(result: CheckResult | None) -> list[tuple[str, str]]:
    """(kind, value) pairs: each pasted error code, each operation whose pasted request had findings."""
    if result is None:
        return []
    out: list[tuple[str, str]] = []
    for er in result.errors:
        if er.error.code:
            out.append(("error", str(er.error.code)))
    for rr in result.requests:
        if rr.operation is not None and rr.findings:
            out.append(("operation", rr.operation.label))
    return list(dict.fromkeys(out))


def thread_link(channel_id: str, thread_ts: str) -> str:
    return f"{SLACK_URL}archives/{channel_id}/p{thread_ts.replace('.', '')}"


def on_thread_opened(db: sqlite_utils.Database, *, thread: Any, result: CheckResult | None, settings: Any,
                     at: float) -> list[int]:
    """Record the new thread's signals and post or update incidents. Returns the incident ids touched."""
    found = signals(result)
    customer = thread.customer_team_id or thread.channel_id
    for kind, value in found:
        db.execute("INSERT INTO thread_signals (thread_id, kind, value, customer, at) VALUES (?, ?, ?, ?, ?)",
                   [thread.id, kind, value, customer, thread.opened_at])
    if not settings.incident_triage_channel:
        return []
    touched = []
    window = settings.incident_window
    opened = thread.opened_at
    for kind, value in found:
        live = db.execute("SELECT id, thread_ids, outbox_id FROM incidents WHERE kind = ? AND value = ? "
                          "AND window_end >= ? ORDER BY id DESC LIMIT 1", [kind, value, opened]).fetchone()
        if live is not None:
            incident_id, ids_json, outbox_id = live
            ids = json.loads(ids_json)
            if thread.id not in ids:
                ids.append(thread.id)
            db.execute("UPDATE incidents SET thread_ids = ?, window_end = MAX(window_end, ?) WHERE id = ?",
                       [json.dumps(ids), opened + window, incident_id])
            _update_post(db, incident_id, outbox_id, kind, value, ids, settings, at)
            touched.append(incident_id)
            continue
        rows = db.execute("SELECT thread_id, customer FROM thread_signals WHERE kind = ? AND value = ? AND at >= ? "
                          "AND at <= ? ORDER BY at", [kind, value, opened - window, opened]).fetchall()
        if len({c for _, c in rows}) < settings.incident_min_customers:
            continue
        ids = list(dict.fromkeys(t for t, _ in rows))
        first = min(db.execute(f"SELECT opened_at FROM threads WHERE id IN ({','.join('?' * len(ids))})", ids)
                    .fetchall())[0]
        cur = db.execute("INSERT INTO incidents (kind, value, started_at, window_end, thread_ids, channel_id) "
                         "VALUES (?, ?, ?, ?, ?, ?)", [kind, value, first, opened + window, json.dumps(ids),
                                                        settings.incident_triage_channel])
        incident_id = int(cur.lastrowid or 0)
        payload = {"channel": settings.incident_triage_channel, "unfurl_links": False,
                   **_render(db, kind, value, ids, settings)}
        outbox_id = outbox.enqueue(db, method="chat.postMessage", payload=payload, at=at)
        db.execute("UPDATE incidents SET outbox_id = ? WHERE id = ?", [outbox_id, incident_id])
        touched.append(incident_id)
    return touched


def _render(db: sqlite_utils.Database, kind: str, value: str, ids: list[int], settings: Any) -> dict[str, Any]:
    marks = ",".join("?" * len(ids))
    rows = db.execute(f"SELECT t.id, t.channel_id, t.thread_ts, t.customer_team_id, o.name, t.opened_at, t.operations "
                      f"FROM threads t LEFT JOIN customer_orgs o ON o.team_id = t.customer_team_id "
                      f"WHERE t.id IN ({marks}) ORDER BY t.opened_at", ids).fetchall()
    threads = [{"short_id": f"{settings.thread_prefix}-{r[0]}", "link": thread_link(r[1], r[2]),
                "customer": r[4] or r[3] or r[1], "opened_at": r[5]} for r in rows]
    customers = list(dict.fromkeys(t["customer"] for t in threads))
    operations = sorted({op for r in rows for op in json.loads(r[6] or "[]")}) if kind == "error" else [value]
    context = {"kind": kind, "value": value, "threads": threads, "customers": customers, "operations": operations,
               "window_minutes": round(settings.incident_window / 60)}
    return {"text": fallback_text(render_text("incident", **context)), "blocks": render_blocks("incident", **context)}


def _update_post(db: sqlite_utils.Database, incident_id: int, outbox_id: int | None, kind: str, value: str,
                 ids: list[int], settings: Any, at: float) -> None:
    reply = _render(db, kind, value, ids, settings)
    row = db.execute("SELECT status, result_ts, payload FROM outbox WHERE id = ?", [outbox_id]).fetchone()
    if row is None:
        return
    status, ts, payload = row
    if status == "pending":  # not posted yet: post the longer list instead
        outbox.replace_payload(db, outbox_id, {**json.loads(payload), **reply})  # type: ignore[arg-type]
    elif ts:
        outbox.enqueue(db, method="chat.update", at=at,
                       payload={"channel": settings.incident_triage_channel, "ts": ts, **reply})
