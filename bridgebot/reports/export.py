"""The report in each output format: table (terminal), CSV, JSON, self-contained HTML, PNG."""

from __future__ import annotations

import base64
import csv
import io
import json
from typing import Any

from ..render import environment

TIME_FIELDS = ("p50", "p90", "mean", "business_p50", "business_p90", "business_mean")
MEASURES = ("first_response", "resolution", "next_response")


def duration(seconds: float | None) -> str:
    """``5400`` → ``1h 30m``; ``None`` → ``-``."""
    if seconds is None:
        return "-"
    s = int(round(seconds))
    if s < 60:
        return f"{s}s"
    d, rem = divmod(s, 86400)
    h, rem = divmod(rem, 3600)
    m = rem // 60
    if d:
        return f"{d}d {h}h" if h else f"{d}d"
    if h:
        return f"{h}h {m:02d}m" if m else f"{h}h"
    return f"{m}m"


def rows(report: dict[str, Any]) -> list[dict[str, Any]]:
    """Totals first (key ``(all)``), then each group: flat dicts for CSV and tables."""
    out = []
    for g in [{"key": "(all)", "label": None, **report["totals"]}, *report["groups"]]:
        row: dict[str, Any] = {"key": g["key"], "label": g.get("label") or "", "threads": g["threads"],
                               "resolved": g["resolved"]}
        for measure in MEASURES:
            for f in TIME_FIELDS:
                v = g[measure][f]
                row[f"{measure}_{f}"] = None if v is None else round(v, 1)
        row["sla_met_pct"] = g["sla_met_pct"]
        row["sla_breached"] = g["sla_breached"]
        row["reopens"] = g["reopens"]
        out.append(row)
    return out


def to_json(report: dict[str, Any]) -> str:
    return json.dumps(report, indent=2, ensure_ascii=False)


def to_csv(report: dict[str, Any]) -> str:
    data = rows(report)
    buf = io.StringIO()
    writer = csv.DictWriter(buf, fieldnames=list(data[0]), lineterminator="\n")
    writer.writeheader()
    writer.writerows(data)
    return buf.getvalue()


def _context(report: dict[str, Any]) -> dict[str, Any]:
    return {"report": report, "rows": rows(report), "duration": duration}


def to_table(report: dict[str, Any]) -> str:
    return environment().get_template("report.txt.j2").render(**_context(report)).rstrip() + "\n"


def to_png(report: dict[str, Any], by_day: list[dict[str, Any]]) -> bytes:
    from . import charts  # matplotlib takes a second to import: only when a chart is drawn

    p = report["period"]
    return charts.report_png(by_day, report["arrivals"], report["calendar"]["business_hours"],
                             report["calendar"]["timezone"], f"bridgebot report {p['since'][:10]} → {p['until'][:10]}")


def to_html(report: dict[str, Any], by_day: list[dict[str, Any]]) -> str:
    """One file, nothing fetched: the charts are inline PNGs."""
    from . import charts

    fr = charts.first_response_png(by_day, report["calendar"]["business_hours"])
    heat = charts.arrivals_png(report["arrivals"], report["calendar"]["timezone"])
    return environment().get_template("report.html.j2").render(
        **_context(report),
        first_response_chart="data:image/png;base64," + base64.b64encode(fr).decode(),
        arrivals_chart="data:image/png;base64," + base64.b64encode(heat).decode(),
    )
