"""Run bridgebot for real in a test: `bridgebot serve`'s WSGI app under waitress on 127.0.0.1,
talking to a local fake of the Slack Web API, fed signed requests over HTTP."""

from __future__ import annotations

import json
import sqlite3
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bridgebot.app import BridgeApp, build_app
from bridgebot.server import make_server
from bridgebot.settings import Settings
from fakeslack import FakeSlack, event_callback, signed_post

SIGNING_SECRET = "8f742231b10e8888abcd99yyyzzz85a5"
ACME = "C_ACME"  # a Slack Connect channel shared with the customer's team T_EXT
INTERNAL_ONLY = "C_TEAM"  # an internal channel (not shared)
DEV = "U_DEV"  # external developer (team T_EXT)
SPEC = "U_SPEC"  # internal specialist (team T_HOME)
SPEC2 = "U_SPEC2"


def seed(fake: FakeSlack) -> None:
    fake.add_team("T_EXT", "Acme Inc")
    fake.add_user(DEV, team_id="T_EXT", name="dev")
    fake.add_user(SPEC, team_id="T_HOME", name="spec")
    fake.add_user(SPEC2, team_id="T_HOME", name="spec2")
    fake.add_channel(ACME, "acme-bridge", is_ext_shared=True, connected_team_ids=["T_HOME", "T_EXT"])
    fake.add_channel(INTERNAL_ONLY, "team", is_ext_shared=False, is_shared=False)


@dataclass
class Running:
    app: BridgeApp
    url: str
    fake: FakeSlack
    db_path: Path

    def post_event(self, event: dict[str, Any], event_id: str | None = None, retry: int | None = None,
                   process: bool = True, timeout: float = 5.0, **kw: Any) -> tuple[int, str]:
        """Post a signed event as Slack does; then (unless ``process=False``) handle what the inbox
        holds, in this thread, so the test can look at the result. A message event is also put in
        the fake Slack's history, where Slack would have it."""
        if event.get("type") == "message" and not event.get("subtype") and event.get("channel"):
            self.fake.add_message(event["channel"], event["ts"], event.get("text", ""), event.get("user", ""),
                                  thread_ts=event.get("thread_ts"))
        body = json.dumps(event_callback(event, event_id=event_id, **kw))
        headers = {"X-Slack-Retry-Num": str(retry), "X-Slack-Retry-Reason": "http_timeout"} if retry else None
        status, _, text = signed_post(self.url + "/slack/events", body, SIGNING_SECRET, headers=headers,
                                      timeout=timeout)
        if process:
            self.process()
        return status, text

    def post_form(self, body: str, process: bool = True) -> tuple[int, str]:
        status, _, text = signed_post(self.url + "/slack/events", body, SIGNING_SECRET,
                                      content_type="application/x-www-form-urlencoded")
        if process:
            self.process()
        return status, text

    def process(self) -> None:
        """Handle every event the inbox holds that is due (the workers do this too)."""
        self.app.process_inbox()

    def rows(self, sql: str, params: list[Any] | tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
        conn = sqlite3.connect(self.db_path)
        try:
            return conn.execute(sql, params).fetchall()
        finally:
            conn.close()

    def deliver(self) -> None:
        """Handle stored events and post what is due now (the worker threads do this too; this makes
        tests exact)."""
        self.app.process_inbox()
        self.app.deliverer.deliver_due()

    def wait_outbox_empty(self, timeout: float = 5.0) -> None:
        end = time.time() + timeout
        while time.time() < end:
            if not self.rows("SELECT 1 FROM outbox WHERE status = 'pending' AND next_attempt_at <= ?", [time.time()]):
                return
            time.sleep(0.02)
        raise AssertionError("replies still pending: " + repr(self.rows("SELECT * FROM outbox WHERE status='pending'")))


class ManualClock:
    """A clock that moves only when the test says so: retries fall due exactly when the test
    advances it, never because the machine was slow (no race with the delivery thread)."""

    def __init__(self, now: float = 1_700_000_000.0) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds


def start(fake: FakeSlack, tmp_path: Path, specs: Any, clock: Any = None, threads: int = 4,
          **settings: Any) -> tuple[Running, Any]:
    db_path = tmp_path / "bridgebot.db"
    # The app's 1 s check budget is wall time: on a busy machine a plain paste was cut short and a
    # test about something else failed. Tests of the budget itself pass their own.
    settings.setdefault("check_budget", 30.0)
    s = Settings(bot_token="xoxb-test-token", signing_secret=SIGNING_SECRET, db_path=str(db_path),
                 slack_api_url=fake.base_url, **settings)
    app = build_app(s, specs=specs, clock=clock)
    app.start()
    server = make_server(app, host="127.0.0.1", port=0, threads=threads, asyncore_loop_timeout=0.05)
    def serve() -> None:
        try:
            server.run()
        except OSError:
            pass  # the listening socket was closed under select() at shutdown

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    running = Running(app=app, url=f"http://127.0.0.1:{server.effective_port}", fake=fake, db_path=db_path)

    def stop() -> None:
        server.close()
        # Waitress's worker threads outlive close(); each holds its own SQLite connection.
        server.task_dispatcher.shutdown(cancel_pending=True, timeout=5)
        app.stop()
        thread.join(5)

    return running, stop
