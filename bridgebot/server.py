"""HTTP mode: a WSGI app with ``POST /slack/events`` (Bolt) and ``GET /healthz``, served by waitress."""

from __future__ import annotations

import json
import logging
from typing import Any, Callable, Iterable

from slack_bolt.adapter.wsgi import SlackRequestHandler

from .app import BridgeApp
from .tracking import inbox, outbox

log = logging.getLogger(__name__)

StartResponse = Callable[..., Any]


def make_wsgi_app(app: BridgeApp) -> Callable[[dict[str, Any], StartResponse], Iterable[bytes]]:
    slack = SlackRequestHandler(app.bolt, path="/slack/events")

    def wsgi(environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
        path = environ.get("PATH_INFO", "")
        method = environ.get("REQUEST_METHOD", "GET")
        if path == "/slack/events":
            if method != "POST":
                return _reply(start_response, "405 Method Not Allowed", {"ok": False, "error": "POST only"})
            return slack(environ, start_response)
        if path == "/healthz" and method in ("GET", "HEAD"):
            try:
                pending = outbox.counts(app.store.db)
                events = inbox.counts(app.store.db)
            except Exception as e:  # the database is unreachable: unhealthy
                log.error("health check failed: %s", e)
                return _reply(start_response, "503 Service Unavailable", {"ok": False, "error": "database"})
            # reply_failures: replies Slack refused for good (channel gone, bot removed): see
            # bridgebot.tracking.outbox.reply_failures for which.
            return _reply(start_response, "200 OK", {"ok": True, "outbox": pending, "inbox": events,
                                                     "reply_failures": pending.get("failed", 0)})
        return _reply(start_response, "404 Not Found", {"ok": False, "error": "not found"})

    return wsgi


def _reply(start_response: StartResponse, status: str, body: dict[str, Any]) -> Iterable[bytes]:
    data = json.dumps(body).encode()
    start_response(status, [("Content-Type", "application/json"), ("Content-Length", str(len(data)))])
    return [data]


def serve(app: BridgeApp, host: str = "127.0.0.1", port: int = 3000, threads: int = 8) -> None:
    import waitress

    app.start()
    try:
        waitress.serve(make_wsgi_app(app), host=host, port=port, threads=threads, ident="bridgebot")
    finally:
        app.stop()
