"""The ``bridgebot`` command line: a thin shell over the library (each command calls one function)."""

from __future__ import annotations

import json
import logging
import sys
from pathlib import Path
from typing import Any

import click

from . import __version__


class UsageFailure(click.ClickException):
    """Bad input from the caller (a spec that cannot be used, a file that cannot be read): exit 2."""

    exit_code = 2


def _load_specs(spec_paths: tuple[str, ...]) -> Any:
    from .check import SpecError, SpecSet

    try:
        return SpecSet.load(list(spec_paths) or None)
    except SpecError as e:
        raise UsageFailure(str(e)) from None


class _Exit2Group(click.Group):
    """Usage errors exit 2 (click's default too); kept explicit because scripts rely on it."""


@click.group(cls=_Exit2Group, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="bridgebot")
@click.option("-v", "--verbose", count=True, help="Log more (-v info, -vv debug).")
def cli(verbose: int) -> None:
    """bridgebot: developer support in shared Slack channels.

    Checks pasted API requests and errors against OpenAPI specs, and tracks every customer
    question as a thread with response times.
    """
    from .logs import configure

    configure(logging.WARNING if verbose == 0 else logging.INFO if verbose == 1 else logging.DEBUG)


@cli.command()
@click.option("--spec", "specs", multiple=True, type=click.Path(dir_okay=False),
              help="OpenAPI spec file (YAML or JSON, 3.0 or 3.1); repeatable. Default: every spec in openapi_specs/.")
@click.option("--format", "fmt", type=click.Choice(["text", "json", "jsonl"]), default="text", show_default=True,
              help="text for people; json (one object, or a list for several files) or jsonl for scripts.")
@click.option("--budget", type=click.FloatRange(0.1, 600), default=5.0, show_default=True,
              help="Seconds one paste may take; past it the report says it could not be fully checked.")
@click.argument("paste_files", nargs=-1, type=click.Path(allow_dash=True, dir_okay=False))
def check(specs: tuple[str, ...], fmt: str, budget: float, paste_files: tuple[str, ...]) -> None:
    """Check pasted API requests and errors against the API's OpenAPI spec.

    PASTE_FILES holds one paste per file (a Slack message's text: curl, raw HTTP, JSON with
    the endpoint named, client code, error responses); `-` or nothing reads standard input.

    Exit status: 0 nothing wrong, 1 findings (or nothing readable, with the reason),
  2 usage error or input that is not text (binary, too large).
    """
    from .check import UnreadablePaste, render_check_text
    from .check.bounded import check_inline

    spec_set = _load_specs(specs)
    files = list(paste_files) or ["-"]
    if files == ["-"] and sys.stdin.isatty():
        click.echo("bridgebot check: reading a paste from standard input; end it with Ctrl-D "
                   "(or pass a file: bridgebot check PASTE_FILE)", err=True)
    outputs: list[dict[str, Any]] = []
    exit_code = 0
    for name in files:
        try:
            data = sys.stdin.buffer.read() if name == "-" else Path(name).read_bytes()
        except OSError as e:
            exit_code = 2
            _unreadable(name, f"cannot read it: {e.strerror}", fmt, outputs)
            continue
        try:
            result = check_inline(data, spec_set, budget)  # never a traceback, whatever the paste
        except UnreadablePaste as e:
            exit_code = 2
            _unreadable(name, str(e), fmt, outputs)
            continue
        if result.empty and result.problems:
            # Nothing could be read (an unbalanced quote, a client we can't read): the report says
            # so; exit 2 is kept for input that is not text at all (issue 11).
            for p in result.problems:
                click.echo(f"bridgebot check: {'stdin' if name == '-' else name}: {p}", err=True)
        if (not result.ok or (result.empty and result.problems)) and exit_code == 0:
            exit_code = 1
        if fmt == "text":
            click.echo(render_check_text(result, label=name if len(files) > 1 else None), nl=False)
        else:
            obj = result.to_dict()
            obj["file"] = name
            if fmt == "jsonl":
                click.echo(json.dumps(obj, ensure_ascii=False))
            else:
                outputs.append(obj)
    if fmt == "json":
        click.echo(json.dumps(outputs[0] if len(files) == 1 and outputs else outputs, indent=2, ensure_ascii=False))
    sys.exit(exit_code)


def _unreadable(name: str, reason: str, fmt: str, outputs: list[dict[str, Any]]) -> None:
    """Say on stderr why a paste file could not be checked; JSON output keeps one object per file."""
    label = "stdin" if name == "-" else name
    click.echo(f"bridgebot check: {label}: {reason}", err=True)
    if fmt == "text":
        return
    obj = {"file": name, "error": reason, "requests": [], "errors": [], "secrets": []}
    if fmt == "jsonl":
        click.echo(json.dumps(obj, ensure_ascii=False))
    else:
        outputs.append(obj)


@cli.command("specs")
@click.option("--spec", "specs", multiple=True, type=click.Path(dir_okay=False),
              help="Spec file; repeatable. Default: every spec in openapi_specs/.")
def specs_cmd(specs: tuple[str, ...]) -> None:
    """Validate and compile the specs once (warms the cache a new process starts from).

    Exit status: 0 every spec is valid, 1 a spec has problems (listed; it still loads),
    2 a spec cannot be read or is not OpenAPI.
    """
    spec_set = _load_specs(specs)
    for s in spec_set.specs:
        ops = sum(1 for _ in s.operations)
        status = "ok" if not s.problems else "problems: " + "; ".join(s.problems)
        click.echo(f"{s.name}: {s.title}, {len(s.paths)} paths, {ops} operations, "
                   f"servers {', '.join((x.host or '') + x.base_path for x in s.servers)} — {status}")
    if any(s.problems for s in spec_set.specs):
        # The specs still load (the checker is lenient), but a deploy step must notice.
        sys.exit(1)


def _build(require: str) -> Any:
    from .app import build_app
    from .settings import Settings, SettingsError

    try:
        settings = Settings.from_env()
        settings.require_http() if require == "http" else settings.require_socket_mode()
        return build_app(settings)
    except SettingsError as e:
        raise click.ClickException(str(e)) from None


@cli.command()
@click.option("--host", default="127.0.0.1", show_default=True, help="Interface to listen on (0.0.0.0 for all).")
@click.option("--port", default=3000, show_default=True, type=int, help="Port to listen on.")
@click.option("--threads", default=8, show_default=True, type=int,
              help="Worker threads for events (slash commands, shortcuts and buttons get 2 more of their own).")
def serve(host: str, port: int, threads: int) -> None:
    """Run the Slack app in HTTP mode: Slack posts to /slack/events; GET /healthz for probes.

    Needs SLACK_BOT_TOKEN and SLACK_SIGNING_SECRET; BRIDGEBOT_DB, BRIDGEBOT_CONFIG and
    BRIDGEBOT_SLACK_API_URL are optional.
    """
    from .server import serve as serve_http

    app = _build("http")
    click.echo(f"bridgebot listening on http://{host}:{port}/slack/events (health: /healthz)", err=True)
    serve_http(app, host=host, port=port, threads=threads)


@cli.command()
def run() -> None:
    """Run the Slack app in Socket Mode (no public URL needed).

    Needs SLACK_BOT_TOKEN and SLACK_APP_TOKEN (xapp-…, with connections:write).
    """
    from .app import socket_mode_handler
    from .settings import Settings

    app = _build("socket")
    app.start()
    try:
        socket_mode_handler(app, Settings.from_env().app_token).start()
    finally:
        app.stop()


@cli.command()
@click.option("--db", "db_path", envvar="BRIDGEBOT_DB", default="./bridgebot.db", show_default=True,
              type=click.Path(dir_okay=False), help="The SQLite file (default: $BRIDGEBOT_DB or ./bridgebot.db).")
@click.option("--status", type=click.Choice(["open", "claimed", "resolved"]),
              help="Only threads in this state (open means unclaimed).")
@click.option("--format", "fmt", type=click.Choice(["table", "json"]), default="table", show_default=True,
              help="table for people; json for scripts.")
def threads(db_path: str, status: str | None, fmt: str) -> None:
    """List tracked threads, oldest first (times in ISO 8601 UTC)."""
    from .render import render_text
    from .settings import Settings, SettingsError
    from .tracking import Store
    from .tracking.threads import threads_for_export

    if not Path(db_path).exists():
        raise click.ClickException(f"{db_path} does not exist (set --db or BRIDGEBOT_DB)")
    try:
        prefix = Settings.from_env().thread_prefix
    except SettingsError as e:
        raise click.ClickException(str(e)) from None
    rows = threads_for_export(Store(db_path).db, status, prefix)
    if fmt == "json":
        click.echo(json.dumps(rows, indent=2, ensure_ascii=False))
    else:
        click.echo(render_text("threads_table", rows=rows), nl=False)


@cli.group()
def docs() -> None:
    """Documentation suggestions: build the index, search it, list the questions it cannot answer."""


def _docs_answers(specs: tuple[str, ...], docs_dir: str | None, index: str | None,
                  progress: bool = False) -> Any:
    """Open the docs index and bring it up to date (only what changed is rebuilt)."""
    from .answers import Answers, DocSources, DocsIndex, IndexError_, default_index_path
    from .settings import Settings, SettingsError

    try:
        settings = Settings.from_env()
    except SettingsError as e:
        raise click.ClickException(str(e)) from None
    spec_set = _load_specs(specs or tuple(settings.spec_paths or ()))
    answers = Answers(DocsIndex(index or settings.docs_index_path or default_index_path(settings.db_path)),
                      **({"min_confidence": settings.min_confidence} if settings.min_confidence is not None else {}))
    sources = DocSources(docs_dir or settings.docs_dir, settings.docs_base_url, settings.llms_txt)
    marked = None
    if Path(settings.db_path).exists():
        from .answers.store import marked_answers
        from .tracking import Store

        marked = marked_answers(Store(settings.db_path).db)
    try:
        if progress:
            planned = [spec_set, sources.sources()]
            with click.progressbar(length=len(spec_set.specs) + len(planned[1]) + len(marked or []),
                                   label="indexing", file=sys.stderr) as bar:
                report = answers.refresh(spec_set, sources, marked, prefix=settings.thread_prefix,
                                         progress=lambda _src: bar.update(1))
        else:
            report = answers.refresh(spec_set, sources, marked, prefix=settings.thread_prefix)
    except IndexError_ as e:
        raise click.ClickException(str(e)) from None
    return answers, report


@docs.command("index")
@click.option("--spec", "specs", multiple=True, type=click.Path(dir_okay=False),
              help="OpenAPI spec file; repeatable. Default: [specs] paths, else every spec in openapi_specs/.")
@click.option("--docs", "docs_dir", type=click.Path(file_okay=False), help="Folder of Markdown pages ([answers] docs_dir).")
@click.option("--index", type=click.Path(dir_okay=False),
              help="Index file. Default: BRIDGEBOT_DOCS_INDEX, [answers] index_path, else beside BRIDGEBOT_DB.")
def docs_index(specs: tuple[str, ...], docs_dir: str | None, index: str | None) -> None:
    """Build or update the docs index: operations of the specs, Markdown pages (or a site's
    llms.txt, [answers] llms_txt) and marked answers from BRIDGEBOT_DB. Only what changed is rebuilt."""
    from .render import render_text

    _, report = _docs_answers(specs, docs_dir, index, progress=True)
    click.echo(render_text("docs_index", report=report), nl=False)


@docs.command("search")
@click.argument("question")
@click.option("--spec", "specs", multiple=True, type=click.Path(dir_okay=False),
              help="OpenAPI spec file; repeatable. Default: [specs] paths, else every spec in openapi_specs/.")
@click.option("--docs", "docs_dir", type=click.Path(file_okay=False), help="Folder of Markdown pages.")
@click.option("--limit", default=3, show_default=True, type=click.IntRange(1, 50), help="At most this many.")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
@click.option("--index", type=click.Path(dir_okay=False), help="Index file (see `bridgebot docs index`).")
def docs_search(question: str, specs: tuple[str, ...], docs_dir: str | None, limit: int, fmt: str,
                index: str | None) -> None:
    """Suggest the documentation that answers QUESTION, best first (nothing when unsure).

    json: [{"title", "url", "operation": {"method", "path"} | null, "score", "snippet"}]."""
    from .render import render_text

    answers, _ = _docs_answers(specs, docs_dir, index)
    found = answers.suggest(question, limit=limit)
    if fmt == "json":
        click.echo(json.dumps([s.to_dict() for s in found], indent=2, ensure_ascii=False))
    else:
        click.echo(render_text("docs_search", suggestions=found), nl=False)


@docs.command("gaps")
@click.option("--db", "db_path", type=click.Path(dir_okay=False), help="Tracking database (default BRIDGEBOT_DB).")
@click.option("--format", "fmt", type=click.Choice(["table", "csv", "json"]), default="table", show_default=True)
@click.option("--similar", default=60, show_default=True, type=click.IntRange(1, 100),
              help="How alike (0-100, token-set ratio) two questions must be to share a group.")
def docs_gaps(db_path: str | None, fmt: str, similar: int) -> None:
    """Questions with no confident suggestion (or whose asker still needed help), grouped by similarity."""
    import os

    from .answers import group_gaps, render_gaps
    from .answers.store import unanswered_questions
    from .tracking import Store

    path = db_path or os.environ.get("BRIDGEBOT_DB") or "./bridgebot.db"
    if not Path(path).exists():
        raise click.ClickException(f"no tracking database at {path} (set --db or BRIDGEBOT_DB)")
    from .settings import Settings, SettingsError

    try:
        prefix = Settings.from_env().thread_prefix
    except SettingsError as e:
        raise click.ClickException(str(e)) from None
    rows = unanswered_questions(Store(path).db)
    questions = [{"thread": f"{prefix}-{r['thread_id']}", "question": r["question"] or "",
                  "top_confidence": r["top_confidence"], "still_needed_help": r["choice"] == "need_help"}
                 for r in rows]
    click.echo(render_gaps(group_gaps(questions, similar), fmt), nl=False)


# --- reports (issue 8) ---------------------------------------------------------------------------

def _report_settings() -> Any:
    from .settings import Settings, SettingsError

    try:
        return Settings.from_env()
    except SettingsError as e:
        raise click.ClickException(str(e)) from None


def _open_store(db_path: str | None, settings: Any, must_exist: bool = True) -> Any:
    from .tracking import Store

    path = db_path or settings.db_path
    if must_exist and not Path(path).exists():
        raise click.ClickException(f"no database at {path} (set --db or BRIDGEBOT_DB)")
    return Store(path)


_DB_OPTION = click.option("--db", "db_path", type=click.Path(dir_okay=False),
                          help="SQLite file (default: $BRIDGEBOT_DB or ./bridgebot.db).")


@cli.command()
@_DB_OPTION
@click.option("--since", default="30d", show_default=True, help="30d, 12h, 2w, a date (2026-11-01) or an ISO time.")
@click.option("--until", default=None, help="A date (inclusive) or an ISO time. Default: now.")
@click.option("--by", type=click.Choice(["customer", "channel", "specialist", "operation"]), default=None,
              help="One row per customer org, channel, specialist or API operation.")
@click.option("--format", "fmt", type=click.Choice(["table", "csv", "json", "html", "png"]), default="table",
              show_default=True, help="html is one self-contained page with its charts; png needs --out.")
@click.option("--out", type=click.Path(dir_okay=False, writable=True), default=None, help="Write here, not stdout.")
def report(db_path: str | None, since: str, until: str | None, by: str | None, fmt: str, out: str | None) -> None:
    """Response times and SLA of the threads opened in a period, in business hours.

    First response, next responses and resolution (wall clock and business time, p50/p90/mean,
    nearest rank), SLA met, reopens, arrivals by hour of the week. The business calendar and SLA
    targets come from the config file (BRIDGEBOT_CONFIG: [calendar], [sla]).
    """
    import time

    from .reports import ReportError, make_report

    if fmt == "png" and not out:
        raise click.UsageError("--format png writes a picture: give --out FILE.png")
    settings = _report_settings()
    store = _open_store(db_path, settings)
    try:
        _, output = make_report(store.db, calendar=settings.calendar, targets=settings.sla, now=time.time(),
                                since=since, until=until, by=by, fmt=fmt)
    except ReportError as e:
        raise click.UsageError(str(e)) from None
    if out:
        Path(out).write_bytes(output if isinstance(output, bytes) else output.encode())
        click.echo(f"wrote {out}", err=True)
    else:
        click.echo(output, nl=False)


@cli.command("sql")
@_DB_OPTION
@click.argument("name", required=False)
@click.option("--param", "params", multiple=True, metavar="K=V", help="A query parameter; repeatable.")
@click.option("--format", "fmt", type=click.Choice(["table", "csv", "json"]), default="table", show_default=True)
@click.option("--datasette-metadata", "metadata", is_flag=True, help="Print the queries as Datasette metadata YAML.")
def sql_cmd(db_path: str | None, name: str | None, params: tuple[str, ...], fmt: str, metadata: bool) -> None:
    """Run a premade, documented query: customer_threads, operation_threads, sla_breaches_this_week,
    unanswered_threads, busiest_hours. Without NAME, list them.

    The same queries open in a browser: datasette bridgebot.db --metadata bridgebot/reports/queries/metadata.yml
    """
    import csv as csv_mod
    import time

    from .reports import queries
    from .reports.metrics import refresh

    if metadata:
        click.echo(queries.datasette_metadata_yaml(), nl=False)
        return
    if not name:
        for q in queries.all_queries().values():
            args = " ".join(f"--param {p}=…" for p in q.params)
            click.echo(f"{q.name} {args}".rstrip() + f"\n    {q.title}: {q.description}")
        return
    parsed: dict[str, str] = {}
    for p in params:
        key, sep, value = p.partition("=")
        if not sep or not key:
            raise click.UsageError(f"--param {p!r}: write it as key=value")
        parsed[key] = value
    settings = _report_settings()
    store = _open_store(db_path, settings)
    try:
        queries.get(name)
        with store.transaction() as db:  # the metrics tables the queries read are brought up to date first
            refresh(db, settings.calendar, settings.sla, time.time())
        columns, rows = queries.run(store.db, name, parsed)
    except queries.QueryError as e:
        raise click.UsageError(str(e)) from None
    if fmt == "json":
        click.echo(json.dumps([dict(zip(columns, r)) for r in rows], indent=2, ensure_ascii=False))
    elif fmt == "csv":
        writer = csv_mod.writer(sys.stdout, lineterminator="\n")
        writer.writerow(columns)
        writer.writerows(rows)
    else:
        from tabulate import tabulate

        click.echo(tabulate(rows, headers=columns) if rows else "(no rows)")


@cli.group("db")
def db_group() -> None:
    """Look after the SQLite database (BRIDGEBOT_DB): online backup, purge old text, synthetic history."""


@db_group.command("seed")
@_DB_OPTION
@click.option("--threads", "n_threads", type=click.IntRange(min=1), required=True, help="How many threads to add.")
@click.option("--days", type=click.FloatRange(min=0.01), default=90, show_default=True,
              help="Spread their opening over the last D days.")
@click.option("--seed", "rng_seed", type=int, default=8, show_default=True, help="Random seed (same seed, same data).")
def db_seed(db_path: str | None, n_threads: int, days: float, rng_seed: int) -> None:
    """Fill a database with realistic synthetic tracked threads and their events."""
    seed_threads(db_path, n_threads, days, rng_seed)


def seed_threads(db_path: str | None, n_threads: int, days: float, rng_seed: int) -> None:
    import time

    from .reports.seed import seed

    settings = _report_settings()
    store = _open_store(db_path, settings, must_exist=False)
    started = time.perf_counter()
    with click.progressbar(length=n_threads, label="seeding threads", file=sys.stderr) as bar:
        stats = seed(store.db, threads=n_threads, days=days, now=time.time(), calendar=settings.calendar,
                     targets=settings.sla, progress=bar.update, rng_seed=rng_seed)
    took = time.perf_counter() - started
    click.echo(f"added {stats['threads']} threads and {stats['events']} events to {store.path} in {took:.1f} s "
               f"({stats['threads'] / took:,.0f} threads/s)", err=True)


@db_group.command("backup")
@click.option("--db", "db_path", envvar="BRIDGEBOT_DB", default="./bridgebot.db", show_default=True,
              type=click.Path(dir_okay=False), help="The database to copy (default: $BRIDGEBOT_DB).")
@click.argument("path", type=click.Path(dir_okay=False))
def db_backup(db_path: str, path: str) -> None:
    """Copy the database to PATH while the bot runs (SQLite's online backup: a consistent snapshot)."""
    import sqlite3

    from .tracking.db import backup

    try:
        pages = backup(db_path, path)
    except (FileExistsError, FileNotFoundError) as e:
        raise click.ClickException(str(e)) from None
    except sqlite3.Error as e:
        raise click.ClickException(f"cannot back up {db_path}: {e}") from None
    click.echo(f"backed up {db_path} to {path} ({pages} pages)", err=True)


@db_group.command("purge")
@click.option("--db", "db_path", envvar="BRIDGEBOT_DB", default="./bridgebot.db", show_default=True,
              type=click.Path(dir_okay=False), help="The database (default: $BRIDGEBOT_DB).")
@click.option("--days", type=click.IntRange(min=1), default=None,
              help="Purge message text older than this (default: [retention] message_text_days).")
def db_purge(db_path: str, days: int | None) -> None:
    """Purge message text older than N days now; times, statuses and counts stay (the bot also does
    this hourly when [retention] message_text_days is set)."""
    import time

    from .settings import Settings, SettingsError
    from .tracking import Store
    from .tracking.retention import purge_message_text

    if days is None:
        try:
            days = Settings.from_env().retention_text_days
        except SettingsError as e:
            raise click.ClickException(str(e)) from None
    if days is None:
        raise click.UsageError("give --days N or set [retention] message_text_days in BRIDGEBOT_CONFIG")
    if not Path(db_path).exists():
        raise click.ClickException(f"there is no database at {db_path}")
    store = Store(db_path)
    with store.transaction() as db:
        purged = purge_message_text(db, time.time() - days * 86400.0)
    click.echo(f"purged text older than {days} days: {purged['threads']} questions, {purged['replies']} replies",
               err=True)


@cli.command()
@click.option("--port", default=8300, show_default=True, type=int, help="Port of the page (127.0.0.1 only).")
@click.option("--db", "db_path", type=click.Path(dir_okay=False),
              help="SQLite file to keep the threads in. Default: a temporary file, removed on exit.")
@click.option("--no-browser", is_flag=True, help="Do not open the page in a browser.")
def demo(port: int, db_path: str | None, no_browser: bool) -> None:
    """Try bridgebot without a Slack workspace: the real app, a local Slack, and a page to drive them.

    Post as a customer or a specialist, paste a request, click the bot's buttons and run /bridge
    commands at http://127.0.0.1:PORT. Everything stays on this machine; Ctrl-C stops it.
    """
    import threading
    import webbrowser

    from .playground.demo import Playground

    playground = Playground(db_path=db_path, port=port)
    try:
        playground.start()
    except OSError as e:
        raise UsageFailure(f"cannot listen on 127.0.0.1:{port}: {e.strerror} (try --port)") from None
    click.echo(f"bridgebot playground: {playground.url}  (Ctrl-C to stop)", err=True)
    if not no_browser:
        webbrowser.open(playground.url)
    try:
        threading.Event().wait()
    except KeyboardInterrupt:
        pass
    finally:
        playground.stop()
