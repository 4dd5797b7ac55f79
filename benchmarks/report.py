"""Reports at scale: seed N tracked threads (default 1,000,000) with their events, then time
`bridgebot report --format json` over all of them, each premade query, and print the indexes
they rely on (EXPLAIN QUERY PLAN).

    nice -n 10 .venv/bin/python benchmarks/report.py [--threads 1000000] [--days 365] [--db PATH]

Figures: seeding rate (threads/s, events/s); report time in-process (metrics already current) and
as a whole `bridgebot report` process (Python start-up and imports included); the same grouped by
customer; the incremental metrics refresh after new events; each premade query (best of 3).
Targets: report <= 1 s, each query <= 200 ms. Timings on a shared machine are noisy.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bridgebot.reports import make_report  # noqa: E402
from bridgebot.reports import queries  # noqa: E402
from bridgebot.reports.metrics import refresh  # noqa: E402
from bridgebot.reports.seed import seed  # noqa: E402
from bridgebot.settings import Settings  # noqa: E402
from bridgebot.tracking import Store  # noqa: E402

CONFIG = """
[calendar]
timezone = "America/New_York"
country = "US"
[calendar.shifts]
mon = "09:00-18:00"
tue = "09:00-18:00"
wed = "09:00-18:00"
thu = "09:00-18:00"
fri = "09:00-18:00"
sat = "10:00-14:00"
[sla]
first_response = "1h"
[sla.tiers.enterprise]
first_response = "30m"
customers = ["T0CUST000", "T0CUST001"]
"""
PARAMS = {"customer_threads": {"customer": "Globex"}, "operation_threads": {"operation": "POST /v0/transfers"}}


def best_of(n: int, fn) -> tuple[float, object]:
    best, out = float("inf"), None
    for _ in range(n):
        t = time.perf_counter()
        out = fn()
        best = min(best, time.perf_counter() - t)
    return best, out


def plan(db, sql: str, params) -> list[str]:
    return [r[3] for r in db.execute("EXPLAIN QUERY PLAN " + sql, params).fetchall()]


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--threads", type=int, default=1_000_000)
    ap.add_argument("--days", type=float, default=365)
    ap.add_argument("--db", default=None, help="reuse this database if it is already seeded")
    args = ap.parse_args()
    workdir = Path(tempfile.mkdtemp(prefix="bridgebot-bench-"))
    config = workdir / "bridgebot.toml"
    config.write_text(CONFIG)
    os.environ["BRIDGEBOT_CONFIG"] = str(config)
    db_path = Path(args.db) if args.db else workdir / "bridgebot.db"
    settings = Settings.from_env()
    store = Store(db_path)
    have = store.db.execute("SELECT COUNT(*) FROM threads").fetchone()[0]
    now = time.time()
    if have < args.threads:
        print(f"seeding {args.threads - have:,} threads over {args.days:g} days into {db_path} …", flush=True)
        t = time.perf_counter()
        stats = seed(store.db, threads=args.threads - have, days=args.days, now=now, calendar=settings.calendar,
                     targets=settings.sla, batch=20000)
        took = time.perf_counter() - t
        print(f"seeding: {stats['threads']:,} threads, {stats['events']:,} events in {took:.1f} s = "
              f"{stats['threads'] / took:,.0f} threads/s, {stats['events'] / took:,.0f} events/s")
    n = store.db.execute("SELECT COUNT(*) FROM threads").fetchone()[0]
    events = store.db.execute("SELECT COUNT(*) FROM thread_events").fetchone()[0]
    print(f"database: {n:,} threads, {events:,} events, {db_path.stat().st_size / 1e6:,.0f} MB")
    since = f"{int(args.days) + 2}d"

    def report(by=None):
        return make_report(store.db, calendar=settings.calendar, targets=settings.sla, now=time.time(),
                           since=since, by=by, fmt="json")

    secs, (rep, _) = best_of(3, report)
    print(f"\nreport --format json over all {rep['totals']['threads']:,} threads, in process: {secs * 1000:.0f} ms "
          f"(target <= 1000 ms)")
    env = {**os.environ, "BRIDGEBOT_DB": str(db_path)}
    cli = [sys.executable, "-m", "bridgebot", "report", "--since", since, "--format", "json"]
    proc_times = []
    for _ in range(3):
        t = time.perf_counter()
        subprocess.run(cli, env=env, check=True, stdout=subprocess.DEVNULL)
        proc_times.append(time.perf_counter() - t)
    print(f"`bridgebot report --since {since} --format json` as a process (start-up included): "
          f"{min(proc_times) * 1000:.0f} ms best of 3")
    t0 = time.perf_counter()
    subprocess.run([sys.executable, "-c", "import bridgebot.cli, bridgebot.reports"], env=env, check=True)
    print(f"  of which Python start-up and imports: {(time.perf_counter() - t0) * 1000:.0f} ms")
    secs, _ = best_of(1, lambda: report("customer"))
    print(f"report --by customer (groups computed in Python): {secs * 1000:.0f} ms")
    secs, _ = best_of(1, lambda: report("operation"))
    print(f"report --by operation: {secs * 1000:.0f} ms")

    # Incremental refresh: 100 threads get a new event each (claimed by someone else).
    with store.transaction() as db:
        db.execute("INSERT INTO thread_events (thread_id, at, actor_id, kind, from_value, to_value) "
                   "SELECT id, opened_at + 99999, 'U0SPEC00', 'claimed', NULL, 'U0SPEC00' FROM threads "
                   "ORDER BY id DESC LIMIT 100")
    t = time.perf_counter()
    with store.transaction() as db:
        changed = refresh(db, settings.calendar, settings.sla, time.time())
    print(f"metrics refresh after new events on 100 threads: {changed} threads recomputed in "
          f"{(time.perf_counter() - t) * 1000:.0f} ms")

    print("\npremade queries (best of 3; target <= 200 ms each):")
    for q in queries.all_queries().values():
        params = PARAMS.get(q.name, {})
        secs, (cols, rows) = best_of(3, lambda: queries.run(store.db, q.name, params))
        print(f"  {q.name:<24} {secs * 1000:7.1f} ms  {len(rows):>4} rows")
    print("\nindexes relied on (EXPLAIN QUERY PLAN):")
    p = [now - 400 * 86400, now + 1]
    for label, sql, params in [
        ("report totals (whole hours)", "SELECT TOTAL(threads), TOTAL(n_fr), TOTAL(sum_fr) FROM metrics_hourly "
         "WHERE hour >= ? AND hour < ?", [int(p[0] // 3600) + 1, int(p[1] // 3600)]),
        ("report totals (ragged ends)", "SELECT COUNT(*), COUNT(resolution_s), SUM(reopens), SUM(sla_met), "
         "COUNT(sla_met) FROM thread_metrics WHERE opened_at >= ? AND opened_at < ?", [p[0], p[0] + 1800]),
        ("arrivals (whole hours)", "SELECT hour_of_week, SUM(threads) FROM metrics_hourly WHERE hour >= ? AND hour < ? "
         "GROUP BY hour_of_week", [int(p[0] // 3600) + 1, int(p[1] // 3600)]),
        ("report p50/p90", "SELECT first_response_bs FROM thread_metrics INDEXED BY thread_metrics_first_response_bs "
         "WHERE first_response_bs IS NOT NULL AND opened_at >= ? AND opened_at < ? ORDER BY first_response_bs "
         "LIMIT 1 OFFSET 5", p),
        ("report next responses", "SELECT seconds FROM next_responses INDEXED BY next_responses_seconds WHERE "
         "seconds IS NOT NULL AND opened_at >= ? AND opened_at < ? ORDER BY seconds LIMIT 1 OFFSET 5", p),
        *[(q.name, q.sql, PARAMS.get(q.name, {})) for q in queries.all_queries().values()],
    ]:
        print(f"  {label}:")
        for step in plan(store.db, sql, params):
            print(f"      {step}")


if __name__ == "__main__":
    main()
