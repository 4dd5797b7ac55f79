"""The ``bridgebot`` command line: a thin shell over the library (each command calls one function)."""

from __future__ import annotations

import json
import logging
import sys
from pathlib import Path
from typing import Any

import click

from . import __version__


def _load_specs(spec_paths: tuple[str, ...]) -> Any:
    from .check import SpecError, SpecSet

    try:
        return SpecSet.load(list(spec_paths) or None)
    except SpecError as e:
        raise _UnreadableInput(str(e)) from None


class _UnreadableInput(click.ClickException):
    """A spec or file that cannot be read: exit 2, as the check contract says (DESIGN.md)."""

    exit_code = 2


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
@click.argument("paste_files", nargs=-1, type=click.Path(allow_dash=True, dir_okay=False))
def check(specs: tuple[str, ...], fmt: str, paste_files: tuple[str, ...]) -> None:
    """Check pasted API requests and errors against the API's OpenAPI spec.

    PASTE_FILES holds one paste per file (a Slack message's text: curl, raw HTTP, JSON with
    the endpoint named, client code, error responses); `-` or nothing reads standard input.

    Exit status: 0 nothing wrong, 1 findings, 2 usage error or unreadable input.
    """
    from .check import UnreadablePaste, check_paste, render_check_text

    spec_set = _load_specs(specs)
    files = list(paste_files) or ["-"]
    outputs: list[dict[str, Any]] = []
    exit_code = 0
    for name in files:
        try:
            data = sys.stdin.buffer.read() if name == "-" else Path(name).read_bytes()
        except OSError as e:
            click.echo(f"bridgebot check: cannot read {name}: {e.strerror}", err=True)
            exit_code = 2
            continue
        try:
            result = check_paste(data, spec_set)
        except UnreadablePaste as e:
            click.echo(f"bridgebot check: {'stdin' if name == '-' else name}: {e}", err=True)
            exit_code = 2
            continue
        if result.empty and result.problems:
            # Nothing could be read at all: that is unreadable input, not a clean paste.
            for p in result.problems:
                click.echo(f"bridgebot check: {'stdin' if name == '-' else name}: {p}", err=True)
            exit_code = 2
            continue
        if not result.ok and exit_code == 0:
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


@cli.command("specs")
@click.option("--spec", "specs", multiple=True, type=click.Path(dir_okay=False),
              help="Spec file; repeatable. Default: every spec in openapi_specs/.")
def specs_cmd(specs: tuple[str, ...]) -> None:
    """Validate and compile the specs once (warms the cache a new process starts from)."""
    spec_set = _load_specs(specs)
    for s in spec_set.specs:
        ops = sum(1 for _ in s.operations)
        status = "ok" if not s.problems else "problems: " + "; ".join(s.problems)
        click.echo(f"{s.name}: {s.title}, {len(s.paths)} paths, {ops} operations, "
                   f"servers {', '.join((x.host or '') + x.base_path for x in s.servers)} — {status}")


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
@click.option("--threads", default=8, show_default=True, type=int, help="Worker threads.")
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
    from slack_bolt.adapter.socket_mode import SocketModeHandler

    from .settings import Settings

    app = _build("socket")
    app.start()
    try:
        SocketModeHandler(app.bolt, Settings.from_env().app_token).start()
    finally:
        app.stop()
