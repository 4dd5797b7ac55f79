"""``bridgebot demo``: the real app, a local Slack Web API, and a page to drive them.

:class:`Playground` plays Slack's part: a person's message is stored in the local Web API (as
Slack stores it) and delivered to the app as a signed Events API request; a click, a ``/bridge``
command and opening the App Home likewise. What the app does back (threaded replies, updates,
ephemeral notes, the Home view) is what it posted to the local Web API, which the page shows.
"""

from __future__ import annotations

import itertools
import json
import logging
import secrets
import sqlite3
import tempfile
import threading
import time
import urllib.parse
import uuid
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any, Callable, Iterable

import yaml

from .fakeslack import (
    BOT_USER_ID,
    HOME_TEAM_ID,
    FakeSlack,
    block_action,
    event_callback,
    message_event,
    signed_post,
    slash_command,
)

log = logging.getLogger(__name__)

WSGIApp = Callable[[dict[str, Any], Callable[..., Any]], Iterable[bytes]]


@dataclass(frozen=True)
class Person:
    id: str
    name: str
    team_id: str
    org: str

    @property
    def external(self) -> bool:
        return self.team_id != HOME_TEAM_ID

    def to_dict(self) -> dict[str, Any]:
        return {"id": self.id, "name": self.name, "org": self.org, "external": self.external}


class PlaygroundSlack(FakeSlack):
    """The local Web API with message timestamps from the real clock (the page shows times)."""

    def __init__(self) -> None:
        self._last_ts = 0.0
        self._ts_lock = threading.Lock()
        super().__init__()

    def next_ts(self) -> str:
        with self._ts_lock:
            self._last_ts = max(time.time(), self._last_ts + 0.000001)
            return f"{self._last_ts:.6f}"


def slack_escape(text: str) -> str:
    """What Slack does to typed text before storing it and sending it in events."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


class Playground:
    """The whole demo in one process; every server listens on 127.0.0.1 only."""

    def __init__(self, db_path: str | Path | None = None, port: int = 0, specs: Any = None,
                 seed: bool = True, check_budget: float | None = None) -> None:
        self._tmp: tempfile.TemporaryDirectory[str] | None = None
        if db_path is None:
            self._tmp = tempfile.TemporaryDirectory(prefix="bridgebot-demo-")
            db_path = Path(self._tmp.name) / "bridgebot.db"
        self.db_path = Path(db_path)
        self.port = port
        self.specs = specs
        self.seed_conversations = seed
        #: Seconds a paste's check may take (None: the app's default, as a deployment has it).
        self.check_budget = check_budget
        self.signing_secret = secrets.token_hex(16)
        self.fake = PlaygroundSlack()
        self.people: dict[str, Person] = {}
        self.channels: dict[str, dict[str, Any]] = {}
        self._hook_ids = itertools.count(1)
        self._server: Any = None
        self._thread: threading.Thread | None = None
        self.app: Any = None

    # --- lifecycle --------------------------------------------------------------------------

    def start(self) -> "Playground":
        import waitress

        from ..app import build_app
        from ..settings import Settings
        from .web import make_wsgi

        self.fake.start()
        self._seed_directory()
        settings = Settings(bot_token="xoxb-playground", signing_secret=self.signing_secret,
                            db_path=str(self.db_path), slack_api_url=self.fake.base_url)
        if self.check_budget is not None:
            settings.check_budget = self.check_budget
        self.app = build_app(settings, specs=self.specs)
        self.app.start()
        self._server = waitress.create_server(make_wsgi(self), host="127.0.0.1", port=self.port, threads=8,
                                              ident="bridgebot-demo", asyncore_loop_timeout=0.05)
        self.port = self._server.effective_port
        self._thread = threading.Thread(target=self._serve, name="bridgebot-demo", daemon=True)
        self._thread.start()
        if self.seed_conversations:
            self.seed()
        return self

    def _serve(self) -> None:
        try:
            self._server.run()
        except OSError:
            pass  # the listening socket was closed under select() at shutdown

    def stop(self) -> None:
        if self._server is not None:
            self._server.close()
        if self.app is not None:
            self.app.stop()
        if self._thread is not None:
            self._thread.join(5)
        self.fake.stop()
        if self._tmp is not None:
            self._tmp.cleanup()

    def __enter__(self) -> "Playground":
        return self.start()

    def __exit__(self, *exc: Any) -> None:
        self.stop()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    # --- who and where ----------------------------------------------------------------------

    def _seed_directory(self) -> None:
        data = _conversations()
        for team in data["teams"]:
            if team["id"] != HOME_TEAM_ID:
                self.fake.add_team(team["id"], team["name"])
        orgs = {t["id"]: t["name"] for t in data["teams"]}
        for p in data["people"]:
            person = Person(p["id"], p["name"], p["team_id"], orgs[p["team_id"]])
            self.people[person.id] = person
            self.fake.add_user(person.id, team_id=person.team_id, name=person.name, real_name=person.name)
        for c in data["channels"]:
            self.fake.add_channel(c["id"], c["name"], is_ext_shared=True,
                                  connected_team_ids=[HOME_TEAM_ID, c["customer_team_id"]])
            self.channels[c["id"]] = {"id": c["id"], "name": c["name"], "customer": orgs[c["customer_team_id"]]}

    def seed(self) -> None:
        """Post the bundled conversations as their people would, and wait for the bot's replies."""
        for step in _conversations()["conversations"]:
            ts = self.post(step["as"], step["channel"], step["text"].rstrip("\n"))
            for reply in step.get("replies", []):
                self.post(reply["as"], step["channel"], reply["text"].rstrip("\n"), thread_ts=ts)
        self.app.process_inbox()
        self.app.deliverer.deliver_due()

    def person(self, user_id: str) -> Person:
        try:
            return self.people[user_id]
        except KeyError:
            raise PlaygroundError(f"nobody called {user_id!r} is in the playground") from None

    # --- playing Slack ----------------------------------------------------------------------

    def post(self, user_id: str, channel: str, text: str, thread_ts: str | None = None) -> str:
        """``user_id`` posts ``text`` (top level, or in ``thread_ts``'s thread); returns its ts."""
        person = self.person(user_id)
        if channel not in self.channels:
            raise PlaygroundError(f"no channel {channel!r} in the playground")
        if not text.strip():
            raise PlaygroundError("type a message first")
        if len(text) > 40_000:
            raise PlaygroundError("Slack messages are at most 40,000 characters")
        escaped = slack_escape(text)
        ts = self.fake.next_ts()
        self.fake.add_message(channel, ts, escaped, person.id, thread_ts=thread_ts, team=person.team_id,
                              user_team=person.team_id)
        event = message_event(channel, person.id, escaped, ts=ts, thread_ts=thread_ts, team=person.team_id)
        self._deliver_event(event)
        return ts

    def click(self, user_id: str, channel: str | None, message_ts: str | None, action_id: str,
              value: str) -> dict[str, Any]:
        """``user_id`` clicks a button: on a message (``channel``, ``message_ts``), or in the App Home."""
        person = self.person(user_id)
        hook = self._hook()
        if channel and message_ts:
            message = self.fake.messages.get((channel, message_ts))
            if message is None:
                raise PlaygroundError("that message is gone")
            body = block_action(action_id, value, person.id, person.team_id, channel, message_ts,
                                thread_ts=message.get("thread_ts"), response_url=self.fake.hook_url(hook),
                                message=message)
        else:
            body = _home_block_action(action_id, value, person, self._home(person.id))
        status, _, text = signed_post(self.url + "/slack/events", body, self.signing_secret,
                                      content_type="application/x-www-form-urlencoded")
        return {"status": status, "responses": self._hook_replies(hook, text)}

    def command(self, user_id: str, channel: str, text: str, command: str = "/bridge") -> dict[str, Any]:
        person = self.person(user_id)
        hook = self._hook()
        body = slash_command(command, text, person.id, person.team_id, channel,
                             response_url=self.fake.hook_url(hook))
        status, _, answer = signed_post(self.url + "/slack/events", body, self.signing_secret,
                                        content_type="application/x-www-form-urlencoded")
        return {"status": status, "responses": self._hook_replies(hook, answer)}

    def react(self, user_id: str, channel: str, ts: str, reaction: str) -> None:
        person = self.person(user_id)
        message = self.fake.messages.get((channel, ts))
        if message is None:
            raise PlaygroundError("that message is gone")
        reactions = message.setdefault("reactions", [])
        entry = next((r for r in reactions if r["name"] == reaction), None)
        if entry is None:
            entry = {"name": reaction, "users": [], "count": 0}
            reactions.append(entry)
        if person.id in entry["users"]:
            return
        entry["users"].append(person.id)
        entry["count"] = len(entry["users"])
        self._deliver_event({"type": "reaction_added", "user": person.id, "reaction": reaction,
                             "item_user": message.get("user"), "item": {"type": "message", "channel": channel,
                                                                        "ts": ts},
                             "event_ts": self.fake.next_ts()})

    def open_home(self, user_id: str) -> None:
        person = self.person(user_id)
        self._deliver_event({"type": "app_home_opened", "user": person.id, "channel": "D" + person.id[1:],
                             "tab": "home", "event_ts": self.fake.next_ts()})

    def _deliver_event(self, event: dict[str, Any]) -> None:
        body = json.dumps(event_callback(event, event_id=f"Ev{uuid.uuid4().hex[:12].upper()}"))
        status, _, text = signed_post(self.url + "/slack/events", body, self.signing_secret)
        if status != 200:
            log.warning("the app answered %s to a %s event: %s", status, event["type"], text[:200])

    def _hook(self) -> str:
        return f"respond-{next(self._hook_ids)}"

    def _hook_replies(self, hook: str, ack_body: str, wait: float = 1.0) -> list[dict[str, Any]]:
        """What the app answered: the ack's body, then anything it sent to the response_url."""
        out: list[dict[str, Any]] = []
        if ack_body.strip():
            try:
                parsed = json.loads(ack_body)
            except ValueError:
                parsed = {"text": ack_body}
            if isinstance(parsed, dict) and (parsed.get("text") or parsed.get("blocks")):
                out.append(parsed)
        deadline = time.monotonic() + wait
        while True:
            calls = self.fake.calls(f"hooks/{hook}")
            if calls or time.monotonic() > deadline or out:
                break
            time.sleep(0.05)
        out.extend({k: v for k, v in c.args.items() if k in ("text", "blocks", "response_type", "replace_original")}
                   for c in calls)
        return out

    # --- what the page shows ----------------------------------------------------------------

    def state(self, viewer: str = "") -> dict[str, Any]:
        """What ``viewer`` sees (the first person of the playground when not given)."""
        person = self.person(viewer) if viewer else next(iter(self.people.values()))
        messages = []
        with self.fake._lock:
            stored = [(ch, dict(m)) for (ch, _), m in self.fake.messages.items()]
        for channel, m in stored:
            author = self.people.get(m.get("user", ""))
            messages.append({
                "channel": channel, "ts": m["ts"], "thread_ts": m.get("thread_ts"), "text": m.get("text", ""),
                "blocks": m.get("blocks"), "user": m.get("user"), "bot": m.get("user") == BOT_USER_ID,
                "name": "bridgebot" if m.get("user") == BOT_USER_ID else author.name if author else m.get("user"),
                "org": author.org if author else "Bridge", "external": bool(author and author.external),
                "edited": "edited" in m, "reactions": m.get("reactions", []),
            })
        return {
            "viewer": person.to_dict(),
            "people": [p.to_dict() for p in self.people.values()],
            "channels": list(self.channels.values()),
            "messages": messages,
            "ephemeral": self._ephemerals(person.id),
            "home": self._home(person.id),
            "threads": self.threads(),
        }

    def _ephemerals(self, user_id: str) -> list[dict[str, Any]]:
        out = []
        for c in self.fake.calls("chat.postEphemeral"):
            if c.args.get("user") == user_id and c.ok:
                out.append({"channel": c.args.get("channel"), "thread_ts": c.args.get("thread_ts"),
                            "text": c.args.get("text", ""), "blocks": c.json("blocks")})
        return out

    def _home(self, user_id: str) -> dict[str, Any] | None:
        views = [c for c in self.fake.calls("views.publish") if c.args.get("user_id") == user_id and c.ok]
        return views[-1].json("view") if views else None

    def threads(self) -> list[dict[str, Any]]:
        """The tracked threads as the database holds them (the app's own records)."""
        conn = sqlite3.connect(f"file:{urllib.parse.quote(str(self.db_path))}?mode=ro", uri=True)
        try:
            conn.row_factory = sqlite3.Row
            rows = conn.execute("SELECT id, channel_id, thread_ts, customer_team_id, author_id, status, awaiting, "
                                "assignee_id, opened_at, first_response_at, resolved_at, operations, findings_count "
                                "FROM threads ORDER BY id").fetchall()
        except sqlite3.OperationalError:
            return []  # not created yet
        finally:
            conn.close()
        orgs = {p.team_id: p.org for p in self.people.values()}
        out = []
        for r in rows:
            d = dict(r)
            d["customer"] = orgs.get(d.pop("customer_team_id") or "", None)
            d["operations"] = json.loads(d["operations"] or "[]")
            d["claimed_by"] = self.people[d["assignee_id"]].name if d["assignee_id"] in self.people else None
            out.append(d)
        return out


class PlaygroundError(ValueError):
    """Something a person did on the page cannot be done; the message says why."""


def _conversations() -> dict[str, Any]:
    text = resources.files("bridgebot.playground").joinpath("conversations.yaml").read_text("utf-8")
    data: dict[str, Any] = yaml.safe_load(text)
    return data


def _home_block_action(action_id: str, value: str, person: Person, view: dict[str, Any] | None) -> str:
    """A click on a button of the App Home, as Slack posts it: a view container, no channel or message."""
    body = block_action(action_id, value, person.id, person.team_id, "", "")
    payload = json.loads(urllib.parse.parse_qs(body)["payload"][0])
    for key in ("channel", "message", "response_url"):
        payload.pop(key, None)
    view_id = (view or {}).get("id", "V_HOME")
    payload["container"] = {"type": "view", "view_id": view_id}
    payload["view"] = {**(view or {}), "id": view_id, "type": "home"}
    return urllib.parse.urlencode({"payload": json.dumps(payload)})
