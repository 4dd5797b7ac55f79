"""What the reports need done in the running app: keep the metrics tables fresh (for Datasette and
the premade SQL) and send the weekly digest once."""

from __future__ import annotations

import logging
from typing import Any, Callable

from ..scheduler import Scheduler
from .command import send_digest_if_due
from .metrics import refresh

log = logging.getLogger(__name__)


def schedule_report_jobs(scheduler: Scheduler, store: Any, settings: Any, wake: Callable[[], None]) -> None:
    def refresh_metrics(now: float) -> None:
        with store.transaction() as db:
            refresh(db, settings.calendar, settings.sla, now)

    def weekly_digest(now: float) -> None:
        if send_digest_if_due(store.db, settings, now):
            log.info("weekly digest queued for %s", settings.leads_channel)
            wake()

    scheduler.every(300, "report-metrics", refresh_metrics)
    if settings.leads_channel:
        scheduler.every(60, "weekly-digest", weekly_digest)
