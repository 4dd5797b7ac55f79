"""HTTP mode: a WSGI app with ``POST /slack/events`` (Bolt) and ``GET /healthz``, served by waitress."""

from __future__ import annotations

import json
import logging
from typing import Any, Callable, Iterable

from slack_bolt.adapter.wsgi import SlackRequestHandler

from .app import BridgeApp
from .tracking import outbox

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
            except Exception as e:  # the database is unreachable: unhealthy
                log.error("health check failed: %s", e)
                return _reply(start_response, "503 Service Unavailable", {"ok": False, "error": "database"})
            return _reply(start_response, "200 OK", {"ok": True, "outbox": pending})
        return _reply(start_response, "404 Not Found", {"ok": False, "error": "not found"})

    return wsgi


def _reply(start_response: StartResponse, status: str, body: dict[str, Any]) -> Iterable[bytes]:
    data = json.dumps(body).encode()
    start_response(status, [("Content-Type", "application/json"), ("Content-Length", str(len(data)))])
    return [data]


class InteractiveFirst:
    """waitress task dispatcher with two pools: Slack's interactive requests (slash commands,
    shortcuts, buttons: form-encoded) get threads of their own, so a burst of Events API
    requests (JSON) that fills the other pool cannot hold a command past Slack's 3 seconds."""

    def __init__(self, interactive_threads: int = 2) -> None:
        from waitress.task import ThreadedTaskDispatcher  # type: ignore[import-untyped]

        self.events = ThreadedTaskDispatcher()
        self.interactive = ThreadedTaskDispatcher()
        self.interactive_threads = interactive_threads

    def set_thread_count(self, count: int) -> None:
        self.events.set_thread_count(count)
        self.interactive.set_thread_count(self.interactive_threads if count else 0)

    def add_task(self, channel: Any) -> None:
        requests = getattr(channel, "requests", None) or []
        ctype = requests[0].headers.get("CONTENT_TYPE", "") if requests else ""
        pool = self.interactive if ctype.startswith("application/x-www-form-urlencoded") else self.events
        pool.add_task(channel)

    def shutdown(self, cancel_pending: bool = True, timeout: float = 5) -> bool:
        a = self.events.shutdown(cancel_pending, timeout)
        b = self.interactive.shutdown(cancel_pending, timeout)
        return a and b


def make_server(app: BridgeApp, host: str = "127.0.0.1", port: int = 3000, threads: int = 8,
                interactive_threads: int = 2, **kw: Any) -> Any:
    """The waitress server for ``bridgebot serve`` (``threads`` for events, ``interactive_threads``
    more for commands, shortcuts and buttons)."""
    import waitress  # type: ignore[import-untyped]

    dispatcher = InteractiveFirst(interactive_threads)
    dispatcher.set_thread_count(threads)  # waitress starts only the dispatcher it makes itself
    # ``_dispatcher`` is waitress's documented-in-code hook for a custom task dispatcher (its "test shim").
    return waitress.create_server(make_wsgi_app(app), host=host, port=port, threads=threads, ident="bridgebot",
                                  _dispatcher=dispatcher, **kw)


def serve(app: BridgeApp, host: str = "127.0.0.1", port: int = 3000, threads: int = 8) -> None:
    app.start()
    try:
        make_server(app, host=host, port=port, threads=threads).run()
    finally:
        app.stop()
