"""Build the Slack app: ``build_app(settings, client=None)`` gives a ready :class:`BridgeApp`.

HTTP mode (``bridgebot serve``) and Socket Mode (``bridgebot run``) both start from it; tests
build one per test against a local Slack Web API server.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any, Callable

from slack_bolt import App, BoltResponse
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError, SlackClientError
from slack_sdk.http_retry.builtin_handlers import ConnectionErrorRetryHandler, RateLimitErrorRetryHandler, \
    ServerErrorRetryHandler

from .check import SpecSet
from .delivery import Deliverer
from .desk import SupportDesk
from .directory import SlackDirectory
from .listeners import register_listeners
from .reports.jobs import schedule_report_jobs
from .scheduler import Scheduler
from .settings import Settings, SettingsError
from .tracking import Store

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
    scheduler: Scheduler | None = None

    def start(self) -> None:
        """Start posting queued replies (including any left from a previous run), and the periodic jobs."""
        self.deliverer.start()
        self.deliverer.wake()
        if self.scheduler is not None:
            self.scheduler.start()

    def stop(self) -> None:
        if self.scheduler is not None:
            self.scheduler.stop()
        self.deliverer.stop()


def make_client(settings: Settings) -> WebClient:
    return WebClient(
        token=settings.bot_token,
        base_url=settings.slack_api_url,
        retry_handlers=[
            RateLimitErrorRetryHandler(max_retry_count=3),  # waits Retry-After
            ConnectionErrorRetryHandler(max_retry_count=2),
            ServerErrorRetryHandler(max_retry_count=2),
        ],
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
    try:
        auth = client.auth_test()
    except SlackApiError as e:
        raise SettingsError(f"Slack refused the bot token ({e.response.get('error')}): check SLACK_BOT_TOKEN") from None
    except (SlackClientError, OSError) as e:
        raise SettingsError(f"cannot reach Slack at {client.base_url}: {e}") from None
    store = Store(settings.db_path)
    specs = specs or SpecSet.load(settings.spec_paths)
    kwargs = {"clock": clock} if clock else {}
    directory = SlackDirectory(client, settings, store, auth.data, **kwargs)  # type: ignore[arg-type]
    deliverer = Deliverer(store, client, **kwargs)
    answers = build_answers(settings, store, specs) if settings.suggest_docs else None
    desk = SupportDesk(store, specs, directory, settings, notify=deliverer.wake, answers=answers, **kwargs)
    bolt = App(
        client=client,
        signing_secret=settings.signing_secret,
        # Handle each event before answering Slack: the thread, the reply to post and the
        # "seen" mark commit together, so an answered event is never lost and a failed one
        # is redelivered by Slack.
        process_before_response=True,
        token_verification_enabled=False,  # auth.test already ran above
        request_verification_enabled=True,
    )

    @bolt.middleware
    def inject(context: Any, next: Callable[[], Any]) -> Any:
        context["desk"] = desk
        context["directory"] = directory
        return next()

    @bolt.error
    def on_error(error: Exception, body: dict[str, Any], logger: logging.Logger) -> BoltResponse:
        kind = body.get("type") or body.get("event", {}).get("type")
        logger.exception("failed to handle a %s from Slack; Slack will redeliver it", kind, exc_info=error)
        return BoltResponse(status=500, body="")

    register_listeners(bolt)
    scheduler = Scheduler(**kwargs)

    def reminders(now: float) -> None:
        """Unclaimed threads nearing their first-response target, once each, to the triage channel."""
        desk.send_reminders(now)

    scheduler.every(REMINDER_EVERY, "reminders", reminders)
    schedule_report_jobs(scheduler, store, settings, deliverer.wake)
    return BridgeApp(bolt=bolt, desk=desk, deliverer=deliverer, store=store, client=client, scheduler=scheduler)
