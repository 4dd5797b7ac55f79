"""PNG charts (matplotlib, Agg backend: no display needed): first response over time and the
arrivals heatmap by hour of the week."""

from __future__ import annotations

import io
from datetime import date
from typing import Any

import matplotlib

matplotlib.use("Agg")

import matplotlib.dates as mdates  # noqa: E402
import matplotlib.pyplot as plt  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402

DAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")


def _first_response(ax: Any, by_day: list[dict[str, Any]], business: bool) -> None:
    if not by_day:
        ax.text(0.5, 0.5, "no first responses in this period", ha="center", va="center", transform=ax.transAxes)
        ax.set_axis_off()
        return
    days = [date.fromisoformat(d["day"]) for d in by_day]
    ax.plot(days, [d["p50"] / 3600 for d in by_day], marker="o", ms=3, label="p50 (wall clock)", color="#1d3557")
    ax.plot(days, [d["p90"] / 3600 for d in by_day], marker="o", ms=3, label="p90 (wall clock)", color="#e63946",
            alpha=0.8)
    if business:
        ax.plot(days, [(d["business_p50"] or 0) / 3600 for d in by_day], marker="s", ms=3, ls="--",
                label="p50 (business hours)", color="#2a9d8f")
    ax.set_ylabel("hours to first response")
    ax.set_title("First response by day opened")
    ax.grid(True, alpha=0.3)
    ax.legend(loc="upper left", fontsize=8)
    ax.xaxis.set_major_formatter(mdates.ConciseDateFormatter(ax.xaxis.get_major_locator()))
    ax.set_ylim(bottom=0)


def _heatmap(fig: Figure, ax: Any, arrivals: list[int], tz: str | None) -> None:
    grid = [arrivals[d * 24:(d + 1) * 24] for d in range(7)]
    im = ax.imshow(grid, aspect="auto", cmap="YlOrRd", interpolation="nearest")
    ax.set_yticks(range(7), DAYS)
    ax.set_xticks(range(0, 24, 2), [f"{h:02d}" for h in range(0, 24, 2)])
    ax.set_xlabel(f"hour of day ({tz or 'UTC'})")
    ax.set_title("Questions arriving, by hour of the week")
    peak = max(arrivals) if arrivals else 0
    if peak and peak < 1000:
        for d in range(7):
            for h in range(24):
                if grid[d][h]:
                    ax.text(h, d, str(grid[d][h]), ha="center", va="center", fontsize=6,
                            color="white" if grid[d][h] > peak * 0.6 else "black")
    fig.colorbar(im, ax=ax, label="threads opened")


def _png(fig: Figure) -> bytes:
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=110, bbox_inches="tight")
    plt.close(fig)
    return buf.getvalue()


def first_response_png(by_day: list[dict[str, Any]], business: bool) -> bytes:
    fig, ax = plt.subplots(figsize=(9, 3.6))
    _first_response(ax, by_day, business)
    return _png(fig)


def arrivals_png(arrivals: list[int], tz: str | None) -> bytes:
    fig, ax = plt.subplots(figsize=(9, 3.4))
    _heatmap(fig, ax, arrivals, tz)
    return _png(fig)


def report_png(by_day: list[dict[str, Any]], arrivals: list[int], business: bool, tz: str | None,
               title: str) -> bytes:
    """Both charts on one page (``bridgebot report --format png``)."""
    fig, (top, bottom) = plt.subplots(2, 1, figsize=(9, 7.4), gridspec_kw={"height_ratios": [1, 1]})
    fig.suptitle(title, fontsize=11)
    _first_response(top, by_day, business)
    _heatmap(fig, bottom, arrivals, tz)
    fig.tight_layout()
    return _png(fig)
