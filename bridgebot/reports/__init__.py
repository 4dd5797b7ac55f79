"""Reports for leads (no Slack here): business calendar, response-time and SLA metrics, exports,
premade SQL, the incident signal, the weekly digest and synthetic history."""

from __future__ import annotations

from typing import Any

import sqlite_utils

from .calendar import BusinessCalendar, CalendarError, SlaTargets
from .report import GROUPINGS, Period, ReportError, build_report, first_response_by_day, parse_period

FORMATS = ("table", "csv", "json", "html", "png")


def make_report(db: sqlite_utils.Database, *, calendar: BusinessCalendar, targets: SlaTargets, now: float,
                since: str | None = "30d", until: str | None = None, by: str | None = None,
                fmt: str = "json") -> tuple[dict[str, Any], str | bytes]:
    """The report (as a dict) and its rendering in ``fmt`` (bytes for png, text otherwise)."""
    from . import export

    if fmt not in FORMATS:
        raise ReportError(f"unknown format {fmt!r} (choose one of {', '.join(FORMATS)})")
    period = parse_period(since, until, now, calendar)
    report = build_report(db, period=period, by=by, calendar=calendar, targets=targets, now=now)
    if fmt == "json":
        return report, export.to_json(report)
    if fmt == "csv":
        return report, export.to_csv(report)
    if fmt == "table":
        return report, export.to_table(report)
    by_day = first_response_by_day(db, period, calendar)
    if fmt == "png":
        return report, export.to_png(report, by_day)
    return report, export.to_html(report, by_day)


__all__ = ["BusinessCalendar", "CalendarError", "FORMATS", "GROUPINGS", "Period", "ReportError", "SlaTargets",
           "build_report", "make_report", "parse_period"]
