"""Build the Slack app: ``build_app(settings, client=None)`` gives a ready :class:`BridgeApp`.

HTTP mode (``bridgebot serve``) and Socket Mode (``bridgebot run``) both start from it; tests
build one per test against a local Slack Web API server.
"""

from __future__ import annotations

import logging
import threading
from dataclasses import dataclass
from typing import Any, Callable

from slack_bolt import App, BoltRequest, BoltResponse
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError, SlackClientError

from .check import SpecSet
from .check.bounded import BoundedChecker
from .delivery import Deliverer
from .desk import SupportDesk
from .directory import SlackDirectory
from .listeners import register_listeners
from .listeners.actions import BUTTONS
from .reports.jobs import schedule_report_jobs
from .scheduler import Scheduler
from .settings import Settings, SettingsError
from .tracking import Store
from .tracking.inbox import InboxItem
from .worker import InboxWorker

log = logging.getLogger(__name__)

#: How often the reminder job looks for threads nearing their first-response target (seconds).
REMINDER_EVERY = 60.0


@dataclass
class BridgeApp:
    bolt: App
    desk: SupportDesk
    deliverer: Deliverer
    store: Store
    client: WebClient
    worker: InboxWorker | None = None
    scheduler: Scheduler | None = None
    checker: BoundedChecker | None = None

    def start(self) -> None:
        """Start handling stored events, posting queued replies (including any left from a previous
        run), and the periodic jobs."""
        self.deliverer.start()
        self.deliverer.wake()
        if self.worker is not None:
            self.worker.start()
            self.worker.wake()
        if self.scheduler is not None:
            self.scheduler.start()

    def stop(self) -> None:
        if self.scheduler is not None:
            self.scheduler.stop()
        if self.worker is not None:
            self.worker.stop()
        self.deliverer.stop()
        if self.checker is not None:
            self.checker.close()

    def process_inbox(self) -> int:
        """Handle every stored event that is due, in the calling thread (tests; the workers do it too)."""
        return self.worker.drain() if self.worker is not None else 0


#: Timeouts of the Web API clients the workers use (seconds). A lookup that hangs holds one
#: channel's events, never an HTTP request; both clients leave retrying to the inbox and outbox.
LOOKUP_TIMEOUT = 5
POST_TIMEOUT = 10

#: Interactive actions that need no answer in the request: stored in the inbox and handled by the
#: workers like events. Anything else (slash commands, views, shortcuts, buttons that open a modal
#: with their trigger_id) is answered inside the request as usual.
INBOX_ACTIONS: set[str] = set(BUTTONS)
#: Slash commands whose answer can come a little later through ``respond()`` (the response_url,
#: good for 30 minutes): stored in the inbox and run by the workers like events, so a slow lookup
#: cannot make Slack say the command failed. The request answers 200 with an empty body at once;
#: a command that must answer in the request (or opens a modal with its trigger_id) stays out.
INBOX_COMMANDS: set[str] = set()

_replaying = threading.local()


def make_client(settings: Settings) -> WebClient:
    """The client listeners answer with (and Bolt's). The inbox and outbox workers use their own,
    with short timeouts and no retry handlers (a retried post could reach Slack twice)."""
    return WebClient(
        token=settings.bot_token,
        base_url=settings.slack_api_url,
        timeout=POST_TIMEOUT,
        retry_handlers=[],
    )


def build_answers(settings: Settings, store: Store, specs: SpecSet) -> Any:
    """The docs index, brought up to date (only what changed) with the specs, pages and marked answers."""
    from .answers import Answers, DocSources, DocsIndex, IndexError_, default_index_path
    from .answers.store import marked_answers

    path = settings.docs_index_path or default_index_path(settings.db_path)
    answers = Answers(DocsIndex(path), **({"min_confidence": settings.min_confidence}
                                          if settings.min_confidence is not None else {}))
    docs = DocSources(settings.docs_dir, settings.docs_base_url, settings.llms_txt)
    try:
        answers.refresh(specs, docs, marked_answers(store.db), prefix=settings.thread_prefix)
    except IndexError_ as e:
        # Unreachable docs must not keep the bot from answering: index the rest, say why.
        log.warning("documentation not indexed: %s", e)
        answers.refresh(specs, None, marked_answers(store.db), prefix=settings.thread_prefix)
    return answers


def build_app(settings: Settings, client: WebClient | None = None, specs: SpecSet | None = None,
              clock: Callable[[], float] | None = None) -> BridgeApp:
    client = client or make_client(settings)
    lookups = WebClient(token=client.token, base_url=client.base_url, timeout=LOOKUP_TIMEOUT, headers=client.headers,
                        retry_handlers=[])
    posts = WebClient(token=client.token, base_url=client.base_url, timeout=POST_TIMEOUT, headers=client.headers,
                      retry_handlers=[])
    try:
        auth = client.auth_test()
    except SlackApiError as e:
        raise SettingsError(f"Slack refused the bot token ({e.response.get('error')}): check SLACK_BOT_TOKEN") from None
    except (SlackClientError, OSError) as e:
        raise SettingsError(f"cannot reach Slack at {client.base_url}: {e}") from None
    store = Store(settings.db_path)
    specs = specs or SpecSet.load(settings.spec_paths)
    kwargs = {"clock": clock} if clock else {}
    directory = SlackDirectory(lookups, settings, store, auth.data, **kwargs)  # type: ignore[arg-type]
    deliverer = Deliverer(store, posts, retention_days=settings.retention_text_days, **kwargs)  # type: ignore[arg-type]
    answers = build_answers(settings, store, specs) if settings.suggest_docs else None
    # Every paste is checked in a worker process within a time budget (issue 6: a poison paste
    # must not stall or crash the app).
    checker = BoundedChecker(specs, budget=settings.check_budget)
    desk = SupportDesk(store, specs, directory, settings, notify=deliverer.wake, answers=answers,
                       checker=checker.check, **kwargs)
    bolt = App(
        client=client,
        signing_secret=settings.signing_secret,
        # The request only stores the event in the inbox (below); the listeners run later, from
        # the inbox, in the workers, where this makes Bolt run them to the end before returning.
        process_before_response=True,
        # Bolt's own auth.test, once here: with it cached no request ever waits on Slack.
        token_verification_enabled=True,
        request_verification_enabled=True,
    )

    def replay(item: InboxItem) -> None:
        """Run a stored event through the Bolt listeners (the signature was checked when it came in)."""
        _replaying.error, _replaying.active = None, True
        try:
            response = bolt.dispatch(BoltRequest(body={**item.body, "bridgebot_inbox_id": item.id},
                                                 mode="socket_mode"))
        finally:
            _replaying.active = False
        error, _replaying.error = _replaying.error, None
        if error is not None:
            raise error
        if response.status >= 500:
            raise RuntimeError(f"handling {item.kind} answered {response.status}")

    worker = InboxWorker(store, replay, **kwargs)  # type: ignore[arg-type]

    @bolt.middleware
    def inbox_first(body: dict[str, Any], next: Callable[[], Any]) -> Any:
        """Ack first: store the event (redacted) and answer 200; the workers handle it from the inbox."""
        if getattr(_replaying, "active", False):
            return next()  # replayed from the inbox by a worker (Bolt runs it in this thread)
        entry = inbox_entry(body)
        if entry is None:
            return next()  # needs its answer in the request (slash command, view, shortcut, ...)
        if not worker.accept(**entry):
            log.debug("%s %s was delivered again: already in the inbox", entry["kind"], entry["event_key"])
        return BoltResponse(status=200, body="")

    @bolt.middleware
    def inject(context: Any, next: Callable[[], Any]) -> Any:
        context["desk"] = desk
        context["directory"] = directory
        context["inbox"] = worker
        return next()

    @bolt.error
    def on_error(error: Exception, body: dict[str, Any], logger: logging.Logger) -> BoltResponse:
        kind = body.get("type") or body.get("event", {}).get("type")
        if getattr(_replaying, "active", False):
            _replaying.error = error  # the worker retries it (with backoff) or sets it aside
            return BoltResponse(status=500, body="")
        logger.exception("failed to handle a %s from Slack", kind, exc_info=error)
        return BoltResponse(status=500, body="")

    register_listeners(bolt)
    scheduler = Scheduler(**kwargs)

    def reminders(now: float) -> None:
        """Unclaimed threads nearing their first-response target, once each, to the triage channel."""
        desk.send_reminders(now)

    scheduler.every(REMINDER_EVERY, "reminders", reminders)
    schedule_report_jobs(scheduler, store, settings, deliverer.wake)
    return BridgeApp(bolt=bolt, desk=desk, deliverer=deliverer, store=store, client=client, worker=worker,
                     scheduler=scheduler, checker=checker)


def socket_mode_handler(app: BridgeApp, app_token: str | None = None) -> Any:
    """`bridgebot run`'s Socket Mode handler: slack_sdk's builtin client (no extra package). Its
    requests reach the same inbox middleware as HTTP mode: stored, then acked."""
    from slack_bolt.adapter.socket_mode import SocketModeHandler

    return SocketModeHandler(app.bolt, app_token, web_client=app.client)


def inbox_entry(body: dict[str, Any]) -> dict[str, Any] | None:
    """Where a request goes in the inbox (its dedupe key, kind and lane), or None when it must be
    answered inside the request."""
    if body.get("type") == "event_callback" and body.get("event_id"):
        event = body.get("event") or {}
        kind = event.get("type") or "event"
        if event.get("subtype"):
            kind += ":" + str(event["subtype"])
        return {"event_key": str(body["event_id"]), "kind": kind, "lane": _lane_of(event), "body": body}
    if body.get("type") == "block_actions":
        actions = body.get("actions") or []
        if actions and all(a.get("action_id") in INBOX_ACTIONS for a in actions):
            first = actions[0]
            channel = (body.get("channel") or {}).get("id") or (body.get("container") or {}).get("channel_id") or ""
            key = f"action:{(body.get('user') or {}).get('id')}:{first.get('action_ts')}:{first.get('action_id')}"
            return {"event_key": key, "kind": "block_actions", "lane": channel, "body": body}
    if body.get("command") in INBOX_COMMANDS and body.get("trigger_id"):
        return {"event_key": f"command:{body['trigger_id']}", "kind": f"command:{body['command']}",
                "lane": str(body.get("channel_id") or ""), "body": body}
    return None


def _lane_of(event: dict[str, Any]) -> str:
    """Events of one channel are handled in order (a reaction's channel is in its item)."""
    for value in (event.get("channel"), (event.get("item") or {}).get("channel"), event.get("old_channel_id"),
                  event.get("channel_id")):
        if isinstance(value, str) and value:
            return value
        if isinstance(value, dict) and value.get("id"):
            return str(value["id"])
    return str(event.get("user") or "")
