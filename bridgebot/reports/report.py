"""The response-time and SLA report: a period, optional grouping, the figures.

Shape (``--format json``, see DESIGN.md)::

    {"period": {"since", "until"}, "totals": METRICS, "groups": [{"key", ...METRICS}]}
    METRICS = {"threads", "resolved", "first_response": TIMES, "resolution": TIMES, "sla_met_pct",
               + "next_response": TIMES, "reopens", "sla_breached"}
    TIMES = {"p50", "p90", "mean", "business_p50", "business_p90", "business_mean"}  (seconds | null)

plus ``arrivals`` (168 counts by hour of the week, Monday 00:00 first, in the calendar's timezone)
and ``calendar``. A thread belongs to the period it was opened in. Percentiles are nearest rank:
the smallest value with at least p% of the values at or below it.

Totals are computed inside SQLite on ``thread_metrics`` (one covering index per measure, so the
p50/p90 are an index walk, not a sort); groups are read once and computed in Python.
"""

from __future__ import annotations

import math
import re
from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone
from typing import Any

import sqlite_utils

from .calendar import BusinessCalendar, SlaTargets
from .metrics import refresh

GROUPINGS = ("customer", "channel", "specialist", "operation")
_RELATIVE = re.compile(r"^(\d+)([dhw])$")


class ReportError(ValueError):
    """Bad report arguments (a date that is not a date, since after until, an unknown grouping)."""


@dataclass
class Period:
    since: float
    until: float

    def to_dict(self) -> dict[str, str]:
        return {"since": _iso(self.since), "until": _iso(self.until)}


def _iso(ts: float) -> str:
    return datetime.fromtimestamp(ts, timezone.utc).replace(microsecond=0).isoformat().replace("+00:00", "Z")


def parse_period(since: str | None, until: str | None, now: float, calendar: BusinessCalendar) -> Period:
    """``since``: ``30d``/``12h``/``2w`` before now, or a date (midnight in the calendar's timezone) or an
    ISO instant; ``until``: a date (inclusive: up to the next midnight), an ISO instant, or now."""
    tz = calendar.tz

    def instant(value: str, what: str, end_of_day: bool) -> float:
        value = value.strip()
        m = _RELATIVE.match(value)
        if m:
            n, unit = int(m.group(1)), m.group(2)
            return now - n * {"d": 86400, "h": 3600, "w": 7 * 86400}[unit]
        try:
            d = date.fromisoformat(value)
        except ValueError:
            pass
        else:
            if end_of_day:
                d += timedelta(days=1)
            return datetime(d.year, d.month, d.day, tzinfo=tz).timestamp()
        try:
            dt = datetime.fromisoformat(value.replace("Z", "+00:00"))
        except ValueError:
            raise ReportError(f"--{what} {value!r} is not 30d, 12h, 2w, a date (2026-11-01) "
                              "or an ISO time (2026-11-01T09:00:00Z)") from None
        return (dt if dt.tzinfo else dt.replace(tzinfo=tz)).timestamp()

    start = instant(since, "since", False) if since else now - 30 * 86400
    end = instant(until, "until", True) if until else now
    if end <= start:
        raise ReportError(f"--until ({_iso(end)}) is not after --since ({_iso(start)})")
    return Period(start, end)


def nearest_rank(sorted_values: list[float], p: float) -> float | None:
    """The nearest-rank percentile of an ascending list (None when empty)."""
    if not sorted_values:
        return None
    rank = max(1, math.ceil(p / 100 * len(sorted_values)))
    return sorted_values[rank - 1]


def _times_py(wall: list[float], business: list[float]) -> dict[str, float | None]:
    wall.sort()
    business.sort()
    return {"p50": nearest_rank(wall, 50), "p90": nearest_rank(wall, 90),
            "mean": sum(wall) / len(wall) if wall else None,
            "business_p50": nearest_rank(business, 50), "business_p90": nearest_rank(business, 90),
            "business_mean": sum(business) / len(business) if business else None}


def _pct(met: int, judged: int) -> float | None:
    return round(100.0 * met / judged, 1) if judged else None


# --- totals in SQL ------------------------------------------------------------------------------

def _sql_percentile(db: sqlite_utils.Database, table: str, col: str, n: int, p: float, period: Period) -> float | None:
    """Nearest rank as an index walk: ``LIMIT 1 OFFSET rank-1`` in value order, from whichever end is nearer
    (p90 walks the top 10% downwards, not 90% upwards)."""
    if not n:
        return None
    rank = max(1, math.ceil(p / 100 * n))
    order, offset = ("ASC", rank - 1) if rank - 1 <= n - rank else ("DESC", n - rank)
    row = db.execute(f"SELECT {col} FROM {table} INDEXED BY {table}_{col} WHERE {col} IS NOT NULL "
                     f"AND opened_at >= ? AND opened_at < ? ORDER BY {col} {order} LIMIT 1 OFFSET ?",
                     [period.since, period.until, offset]).fetchone()
    return row[0] if row else None


def _sql_times(db: sqlite_utils.Database, table: str, wall: str, business: str, period: Period,
               counts: tuple[int, float | None, int, float | None]) -> dict[str, Any]:
    n, mean, n_b, mean_b = counts
    return {"p50": _sql_percentile(db, table, wall, n, 50, period),
            "p90": _sql_percentile(db, table, wall, n, 90, period), "mean": mean,
            "business_p50": _sql_percentile(db, table, business, n_b, 50, period),
            "business_p90": _sql_percentile(db, table, business, n_b, 90, period), "business_mean": mean_b}


_RAW_SUMS = ("SELECT COUNT(*), COUNT(resolution_s), COALESCE(SUM(reopens), 0), COALESCE(SUM(sla_met), 0), "
             "COUNT(sla_met), COUNT(first_response_s), TOTAL(first_response_s), COUNT(first_response_bs), "
             "TOTAL(first_response_bs), TOTAL(resolution_s), COUNT(resolution_bs), TOTAL(resolution_bs) "
             "FROM thread_metrics WHERE opened_at >= ? AND opened_at < ?")
_RAW_NR = "SELECT COUNT(*), TOTAL(seconds), TOTAL(business_seconds) FROM next_responses WHERE opened_at >= ? AND opened_at < ?"


def _full_hours(period: Period) -> tuple[int, int]:
    """The whole UTC hours inside the period: [h0, h1)."""
    return math.ceil(period.since / 3600), math.floor(period.until / 3600)


def _sums(db: sqlite_utils.Database, period: Period) -> list[float]:
    """Counts and sums over the period: whole hours from metrics_hourly, the ragged ends from the rows."""
    h0, h1 = _full_hours(period)
    spans = [(period.since, period.until)] if h0 >= h1 else [(period.since, h0 * 3600.0), (h1 * 3600.0, period.until)]
    total = [0.0] * 15
    if h0 < h1:
        row = db.execute("SELECT " + ", ".join(f"TOTAL({f})" for f in (
            "threads", "resolved", "reopens", "met", "judged", "n_fr", "sum_fr", "n_frb", "sum_frb", "sum_res", "n_resb",
            "sum_resb", "n_nr", "sum_nr", "sum_nrb")) + " FROM metrics_hourly WHERE hour >= ? AND hour < ?",
                         [h0, h1]).fetchone()
        total = [float(v) for v in row]
    for lo, hi in spans:
        if hi <= lo:
            continue
        raw = [*db.execute(_RAW_SUMS, [lo, hi]).fetchone(), *db.execute(_RAW_NR, [lo, hi]).fetchone()]
        total = [a + b for a, b in zip(total, raw)]
    return total


def _totals(db: sqlite_utils.Database, period: Period) -> dict[str, Any]:
    (threads, resolved, reopens, met, judged, n_fr, sum_fr, n_frb, sum_frb, sum_res, n_resb, sum_resb, n_nr, sum_nr,
     sum_nrb) = _sums(db, period)

    def mean(total: float, n: float) -> float | None:
        return total / n if n else None

    i = int
    return {"threads": i(threads), "resolved": i(resolved),
            "first_response": _sql_times(db, "thread_metrics", "first_response_s", "first_response_bs", period,
                                         (i(n_fr), mean(sum_fr, n_fr), i(n_frb), mean(sum_frb, n_frb))),
            "resolution": _sql_times(db, "thread_metrics", "resolution_s", "resolution_bs", period,
                                     (i(resolved), mean(sum_res, resolved), i(n_resb), mean(sum_resb, n_resb))),
            "sla_met_pct": _pct(i(met), i(judged)),
            "next_response": _sql_times(db, "next_responses", "seconds", "business_seconds", period,
                                        (i(n_nr), mean(sum_nr, n_nr), i(n_nr), mean(sum_nrb, n_nr))),
            "reopens": i(reopens), "sla_breached": i(judged) - i(met)}


# --- groups in Python ---------------------------------------------------------------------------

_GROUP_SQL = {
    "customer": ("COALESCE(m.customer, '')", "LEFT JOIN customer_orgs o ON o.team_id = m.customer",
                 "o.name"),
    "channel": ("COALESCE(m.channel_id, '')", "LEFT JOIN channels c ON c.id = m.channel_id", "c.name"),
    "specialist": ("COALESCE(m.specialist, '')", "", "NULL"),
    "operation": ("op.operation", "JOIN thread_operations op ON op.thread_id = m.thread_id", "NULL"),
}


def _groups(db: sqlite_utils.Database, by: str, period: Period) -> list[dict[str, Any]]:
    key, join, label = _GROUP_SQL[by]
    acc: dict[str, dict[str, Any]] = defaultdict(lambda: {
        "label": None, "threads": 0, "resolved": 0, "reopens": 0, "met": 0, "judged": 0,
        "fr": [], "frb": [], "res": [], "resb": [], "nr": [], "nrb": []})
    cur = db.execute(
        f"SELECT {key}, {label}, m.first_response_s, m.first_response_bs, m.resolution_s, m.resolution_bs, "
        f"m.reopens, m.sla_met FROM thread_metrics m {join} WHERE m.opened_at >= ? AND m.opened_at < ?",
        [period.since, period.until])
    for k, lab, fr, frb, res, resb, reopens, met in cur:
        g = acc[k]
        g["label"] = g["label"] or lab
        g["threads"] += 1
        g["reopens"] += reopens
        if fr is not None:
            g["fr"].append(fr)
            g["frb"].append(frb)
        if res is not None:
            g["resolved"] += 1
            g["res"].append(res)
            g["resb"].append(resb)
        if met is not None:
            g["judged"] += 1
            g["met"] += met
    if by == "operation":
        nr_sql = ("SELECT op.operation, n.seconds, n.business_seconds FROM next_responses n "
                  "JOIN thread_operations op ON op.thread_id = n.thread_id WHERE n.opened_at >= ? AND n.opened_at < ?")
    else:
        nr_sql = (f"SELECT {key}, n.seconds, n.business_seconds FROM next_responses n "
                  f"JOIN thread_metrics m ON m.thread_id = n.thread_id WHERE n.opened_at >= ? AND n.opened_at < ?")
    cur = db.execute(nr_sql, [period.since, period.until])
    for k, s, bs in cur:
        if k in acc:
            acc[k]["nr"].append(s)
            acc[k]["nrb"].append(bs)
    out = []
    for k, g in acc.items():
        out.append({"key": k or "(none)", "label": g["label"], "threads": g["threads"], "resolved": g["resolved"],
                    "first_response": _times_py(g["fr"], g["frb"]), "resolution": _times_py(g["res"], g["resb"]),
                    "sla_met_pct": _pct(g["met"], g["judged"]),
                    "next_response": _times_py(g["nr"], g["nrb"]),
                    "reopens": g["reopens"], "sla_breached": g["judged"] - g["met"]})
    out.sort(key=lambda g: (-g["threads"], g["key"]))
    return out


def arrivals(db: sqlite_utils.Database, period: Period) -> list[int]:
    counts = [0] * 168
    h0, h1 = _full_hours(period)
    parts = []
    if h0 < h1:
        parts.append(("SELECT hour_of_week, SUM(threads) FROM metrics_hourly WHERE hour >= ? AND hour < ? "
                      "GROUP BY hour_of_week", [h0, h1]))
    spans = [(period.since, period.until)] if h0 >= h1 else [(period.since, h0 * 3600.0), (h1 * 3600.0, period.until)]
    for lo, hi in spans:
        if hi > lo:
            parts.append(("SELECT hour_of_week, COUNT(*) FROM thread_metrics WHERE opened_at >= ? AND opened_at < ? "
                          "GROUP BY hour_of_week", [lo, hi]))
    for sql, args in parts:
        for how, n in db.execute(sql, args):
            if how is not None and 0 <= how < 168:
                counts[how] += int(n)
    return counts


def first_response_by_day(db: sqlite_utils.Database, period: Period, calendar: BusinessCalendar) -> list[dict[str, Any]]:
    """Per local day: threads, p50 and p90 of first response (wall and business), for the chart."""
    days: dict[str, tuple[list[float], list[float]]] = {}
    offset_cache: dict[int, str] = {}
    for opened, fr, frb in db.execute("SELECT opened_at, first_response_s, first_response_bs FROM thread_metrics "
                                      "WHERE opened_at >= ? AND opened_at < ? AND first_response_s IS NOT NULL",
                                      [period.since, period.until]):
        hour = int(opened // 3600)
        day = offset_cache.get(hour)
        if day is None:
            day = offset_cache[hour] = calendar.local_date(hour * 3600.0).isoformat()
        w, b = days.setdefault(day, ([], []))
        w.append(fr)
        b.append(frb)
    out = []
    for day in sorted(days):
        w, b = days[day]
        t = _times_py(w, b)
        out.append({"day": day, "threads": len(w), "p50": t["p50"], "p90": t["p90"], "business_p50": t["business_p50"]})
    return out


def build_report(db: sqlite_utils.Database, *, period: Period, by: str | None, calendar: BusinessCalendar,
                 targets: SlaTargets, now: float, refresh_first: bool = True) -> dict[str, Any]:
    """The report as a plain dict (the JSON format). Brings the stored metrics up to date first."""
    if by is not None and by not in GROUPINGS:
        raise ReportError(f"cannot group by {by!r} (choose one of {', '.join(GROUPINGS)})")
    if refresh_first:
        db.execute("BEGIN IMMEDIATE")
        try:
            refresh(db, calendar, targets, now)
        except BaseException:
            db.execute("ROLLBACK")
            raise
        db.execute("COMMIT")
    return {
        "period": period.to_dict(),
        "totals": _totals(db, period),
        "groups": _groups(db, by, period) if by else [],
        "by": by,
        "arrivals": arrivals(db, period),
        "calendar": {"timezone": calendar.timezone if calendar.configured else None,
                     "business_hours": calendar.configured,
                     "sla_first_response": targets.first_response},
    }
