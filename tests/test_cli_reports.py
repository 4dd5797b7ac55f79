"""`bridgebot db seed`, `bridgebot report` in every format, `bridgebot sql` and the Datasette metadata."""

from __future__ import annotations

import csv
import io
import json
import re
import sqlite3

import pytest
import yaml
from click.testing import CliRunner

from bridgebot.cli import cli
from bridgebot.reports import queries
from bridgebot.reports.report import nearest_rank
from conftest import ROOT

CONFIG = """
[calendar]
timezone = "Europe/Berlin"
holidays = ["2026-10-03"]
[calendar.shifts]
mon = "08:00-18:00"
tue = "08:00-18:00"
wed = "08:00-18:00"
thu = "08:00-18:00"
fri = "08:00-16:00"
sat = ["10:00-12:00", "13:00-15:00"]
[sla]
first_response = "45m"
[sla.tiers.gold]
first_response = "15m"
customers = ["T0CUST000"]
"""


@pytest.fixture(scope="module")
def seeded(tmp_path_factory):
    d = tmp_path_factory.mktemp("seeded")
    (d / "c.toml").write_text(CONFIG)
    env = {"BRIDGEBOT_CONFIG": str(d / "c.toml"), "BRIDGEBOT_DB": str(d / "b.db")}
    result = CliRunner().invoke(cli, ["db", "seed", "--threads", "3000", "--days", "45"], env=env)
    assert result.exit_code == 0, result.output
    assert "added 3000 threads" in result.output
    return d, env


def invoke(env, *args):
    return CliRunner().invoke(cli, list(args), env=env)


def test_nearest_rank() -> None:
    assert nearest_rank([], 50) is None
    assert nearest_rank([5.0], 90) == 5.0
    values = [float(v) for v in range(1, 11)]
    assert (nearest_rank(values, 50), nearest_rank(values, 90), nearest_rank(values, 91)) == (5.0, 9.0, 10.0)


def test_seed_is_realistic(seeded) -> None:
    d, _ = seeded
    conn = sqlite3.connect(d / "b.db")
    kinds = dict(conn.execute("SELECT kind, COUNT(*) FROM thread_events GROUP BY kind").fetchall())
    assert kinds["opened"] == 3000 and kinds["first_response"] > 2700 and kinds["reopened"] > 50
    assert kinds["resolved"] > 2000 and kinds["claimed"] > 2000
    assert conn.execute("SELECT COUNT(DISTINCT customer_team_id), COUNT(DISTINCT channel_id) FROM threads").fetchone() \
        == (40, 40)
    weekend = conn.execute("SELECT COUNT(*) FROM thread_metrics WHERE hour_of_week >= 120").fetchone()[0]
    assert 0 < weekend < 3000 * 0.2
    # The stored metrics equal what a full recomputation gives.
    before = conn.execute("SELECT * FROM thread_metrics ORDER BY thread_id").fetchall()
    conn.execute("DELETE FROM report_state")
    conn.commit()
    conn.close()
    from bridgebot.settings import Settings
    from bridgebot.tracking import Store
    from bridgebot.reports.metrics import refresh

    s = Settings.from_env({"BRIDGEBOT_CONFIG": str(d / "c.toml")})
    store = Store(d / "b.db")
    with store.transaction() as db:
        assert refresh(db, s.calendar, s.sla, now=2e9) == 3000
    after = store.db.execute("SELECT * FROM thread_metrics ORDER BY thread_id").fetchall()
    differing = [(a, b) for a, b in zip(before, after) if a != b]
    # Only unanswered threads may differ (they breach by the clock: "now" differs).
    assert all(a[6] is None for a, _ in differing)


def test_report_formats(seeded, tmp_path) -> None:
    _, env = seeded
    table = invoke(env, "report", "--since", "60d", "--by", "customer")
    assert table.exit_code == 0, table.output
    assert "business hours (Europe/Berlin)" in table.output and "Acme Inc" in table.output
    data = json.loads(invoke(env, "report", "--since", "60d", "--format", "json").output)
    assert set(data) >= {"period", "totals", "groups"} and data["totals"]["threads"] == 3000
    assert set(data["totals"]) >= {"threads", "resolved", "first_response", "resolution", "sla_met_pct"}
    assert set(data["totals"]["first_response"]) == {"p50", "p90", "mean", "business_p50", "business_p90",
                                                     "business_mean"}
    assert data["totals"]["first_response"]["business_p50"] < data["totals"]["first_response"]["p50"]
    rows = list(csv.DictReader(io.StringIO(invoke(env, "report", "--since", "60d", "--by", "operation",
                                                  "--format", "csv").output)))
    assert rows[0]["key"] == "(all)" and "POST /v0/transfers" in {r["key"] for r in rows}
    html_path, png_path = tmp_path / "r.html", tmp_path / "r.png"
    assert invoke(env, "report", "--since", "60d", "--format", "html", "--out", str(html_path)).exit_code == 0
    html = html_path.read_text()
    assert html.count("data:image/png;base64,") == 2
    assert not re.search(r"""(src|href)=["']https?:""", html)  # self-contained
    assert invoke(env, "report", "--since", "60d", "--format", "png", "--out", str(png_path)).exit_code == 0
    assert png_path.read_bytes().startswith(b"\x89PNG")


@pytest.mark.parametrize("args, message", [
    (["--since", "yesterday"], "is not 30d"),
    (["--since", "2026-11-10", "--until", "2026-11-01"], "is not after"),
    (["--format", "png"], "give --out"),
])
def test_report_usage_errors(seeded, args, message) -> None:
    _, env = seeded
    result = invoke(env, "report", *args)
    assert result.exit_code == 2 and message in result.output


def test_report_on_a_missing_database_says_so(tmp_path) -> None:
    result = CliRunner().invoke(cli, ["report", "--db", str(tmp_path / "nope.db")])
    assert result.exit_code == 1 and "no database at" in result.output


def test_a_bad_calendar_is_a_clear_error(tmp_path) -> None:
    (tmp_path / "c.toml").write_text('[calendar]\ntimezone = "UTC"\n[calendar.shifts]\nmon = "9 to 5"\n')
    result = CliRunner().invoke(cli, ["report"], env={"BRIDGEBOT_CONFIG": str(tmp_path / "c.toml")})
    assert result.exit_code == 1 and "[calendar.shifts] mon: '9 to 5' is not \"HH:MM-HH:MM\"" in result.output


@pytest.mark.parametrize("name, params, column", [
    ("customer_threads", ["customer=Acme Inc"], "customer"),
    ("customer_threads", ["customer=T0CUST001"], "customer"),
    ("operation_threads", ["operation=POST /v0/transfers"], "thread"),
    ("sla_breaches_this_week", [], "target_s"),
    ("unanswered_threads", [], "waiting_hours"),
    ("busiest_hours", [], "threads"),
])
def test_every_premade_query_runs(seeded, name, params, column) -> None:
    _, env = seeded
    result = invoke(env, "sql", name, *[a for p in params for a in ("--param", p)], "--format", "json")
    assert result.exit_code == 0, result.output
    rows = json.loads(result.output)
    assert rows and column in rows[0]
    if name == "customer_threads":
        assert {r["customer"] for r in rows} == {"Acme Inc" if "Acme" in params[0] else "Globex"}
    if name == "busiest_hours":
        assert rows[0]["weekday"] in ("Mon", "Tue", "Wed", "Thu", "Fri")
    assert invoke(env, "sql", name, *[a for p in params for a in ("--param", p)]).exit_code == 0  # table


def test_sql_errors_and_listing(seeded) -> None:
    _, env = seeded
    assert "needs --param customer=" in invoke(env, "sql", "customer_threads").output
    assert "has no parameter 'x'" in invoke(env, "sql", "unanswered_threads", "--param", "x=1").output
    assert "no premade query 'nope'" in invoke(env, "sql", "nope").output
    listing = invoke(env, "sql").output
    assert all(name in listing for name in queries.all_queries())


def test_every_query_is_documented_and_the_datasette_metadata_is_current() -> None:
    shipped = (ROOT / "bridgebot" / "reports" / "queries" / "metadata.yml").read_text()
    assert shipped == queries.datasette_metadata_yaml(), "run: bridgebot sql --datasette-metadata > " \
                                                         "bridgebot/reports/queries/metadata.yml"
    meta = yaml.safe_load(shipped)["databases"]["bridgebot"]["queries"]
    assert set(meta) == {"customer_threads", "operation_threads", "sla_breaches_this_week", "unanswered_threads",
                         "busiest_hours"}
    for q in meta.values():
        assert q["title"] and len(q["description"]) > 30 and q["sql"].lstrip().upper().startswith("SELECT")
    assert "datasette bridgebot.db --metadata bridgebot/reports/queries/metadata.yml" in (ROOT / "README.md").read_text()


@pytest.mark.parametrize("command", [["report"], ["sql"], ["db", "seed"]])
def test_report_commands_have_help_and_are_in_the_readme(command) -> None:
    result = CliRunner().invoke(cli, [*command, "--help"])
    assert result.exit_code == 0 and "Usage:" in result.output
    assert f"bridgebot {' '.join(command)}" in (ROOT / "README.md").read_text()


def test_totals_from_index_walks_equal_a_plain_sort(seeded) -> None:
    """The SQL percentiles (LIMIT/OFFSET from the nearer end) agree with sorting every value."""
    d, env = seeded
    import time
    from datetime import datetime, timezone

    since, until = (datetime.fromtimestamp(time.time() - days * 86400, timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
                    for days in (40, 5))
    data = json.loads(invoke(env, "report", "--since", since, "--until", until, "--format", "json").output)
    conn = sqlite3.connect(d / "b.db")
    from bridgebot.reports.report import _times_py, parse_period
    from bridgebot.settings import Settings

    cal = Settings.from_env({"BRIDGEBOT_CONFIG": str(d / "c.toml")}).calendar
    period = parse_period(since, until, 0, cal)
    args = [period.since, period.until]
    for measure, table, wall, business in [("first_response", "thread_metrics", "first_response_s", "first_response_bs"),
                                           ("resolution", "thread_metrics", "resolution_s", "resolution_bs"),
                                           ("next_response", "next_responses", "seconds", "business_seconds")]:
        rows = conn.execute(f"SELECT {wall}, {business} FROM {table} WHERE {wall} IS NOT NULL AND opened_at >= ? "
                            f"AND opened_at < ?", args).fetchall()
        expected = _times_py([r[0] for r in rows], [r[1] for r in rows])
        got = data["totals"][measure]
        assert {k: got[k] for k in ("p50", "p90", "business_p50", "business_p90")} == \
               {k: expected[k] for k in ("p50", "p90", "business_p50", "business_p90")}, measure
        assert got["mean"] == pytest.approx(expected["mean"]) and len(rows) > 500


def test_hourly_sums_stay_equal_to_the_rows_as_threads_change() -> None:
    """metrics_hourly is kept by deltas; after replies, reopens and resolutions it still equals the rows."""
    from bridgebot.reports import BusinessCalendar, SlaTargets
    from bridgebot.reports.metrics import ROLLUP_FIELDS, refresh
    from bridgebot.reports.seed import seed
    from bridgebot.tracking import Store, get_thread, record_reply, resolve

    now = 1_790_000_000.0
    cal = BusinessCalendar.from_config({"timezone": "Asia/Kolkata", "shifts": {"mon": "09:30-18:00",
                                                                                "sat": "10:00-13:00"}})
    targets = SlaTargets(first_response=3600)
    store = Store(":memory:")
    seed(store.db, threads=400, days=10, now=now, calendar=cal, targets=targets)
    with store.transaction() as db:
        for tid in range(1, 400, 7):
            t = get_thread(db, tid)
            record_reply(db, t, user_id="U_CUST", internal=False, at=now + tid)       # reopens resolved ones
            record_reply(db, t, user_id="U0SPEC01", internal=True, at=now + tid + 600)
            if tid % 2:
                resolve(db, t, by="U0SPEC01", at=now + tid + 900)
        assert refresh(db, cal, targets, now + 86400 * 3) == len(range(1, 400, 7))

    def rollup() -> dict:
        return {r[0]: r[1:] for r in store.db.execute(
            "SELECT hour * 1000 + hour_of_week, " + ", ".join(ROLLUP_FIELDS) + " FROM metrics_hourly WHERE threads > 0")}

    kept = rollup()
    with store.transaction() as db:
        db.execute("DELETE FROM report_state WHERE key = 'metrics_fingerprint'")  # forces a full recomputation
        refresh(db, cal, targets, now + 86400 * 3)
    rebuilt = rollup()
    assert kept.keys() == rebuilt.keys() and len(kept) > 50
    for k in kept:
        assert kept[k] == pytest.approx(rebuilt[k]), k
    # Report totals over a ragged period (half hours at both ends) equal plain aggregates of the rows.
    from bridgebot.reports.report import Period, _totals

    p = Period(now - 6 * 86400 + 1800, now - 86400 - 1200)
    got = _totals(store.db, p)
    threads, reopens, judged, met = store.db.execute(
        "SELECT COUNT(*), SUM(reopens), COUNT(sla_met), SUM(sla_met) FROM thread_metrics WHERE opened_at >= ? "
        "AND opened_at < ?", [p.since, p.until]).fetchone()
    assert (got["threads"], got["reopens"], got["sla_breached"]) == (threads, reopens, judged - met)
    mean = store.db.execute("SELECT AVG(business_seconds) FROM next_responses WHERE opened_at >= ? AND opened_at < ?",
                            [p.since, p.until]).fetchone()[0]
    assert got["next_response"]["business_mean"] == pytest.approx(mean)
