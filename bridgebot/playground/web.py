"""The playground's web server: the app's own ``/slack/events`` and ``/healthz``, the page, and a
small JSON API the page calls (each call plays one thing a person does in Slack)."""

from __future__ import annotations

import json
import logging
from importlib import resources
from typing import TYPE_CHECKING, Any, Callable, Iterable

from ..server import make_wsgi_app

if TYPE_CHECKING:
    from .demo import Playground

log = logging.getLogger(__name__)

StartResponse = Callable[..., Any]
MAX_REQUEST = 256 * 1024  # a Slack message is at most 40,000 characters

_STATIC_TYPES = {".html": "text/html; charset=utf-8", ".js": "text/javascript; charset=utf-8",
                 ".css": "text/css; charset=utf-8"}


def make_wsgi(playground: "Playground") -> Callable[[dict[str, Any], StartResponse], Iterable[bytes]]:
    from .demo import PlaygroundError

    slack = make_wsgi_app(playground.app)
    actions: dict[str, Callable[[dict[str, Any]], Any]] = {
        "/api/post": lambda a: {"ts": playground.post(a["as"], a["channel"], a["text"], a.get("thread_ts"))},
        "/api/click": lambda a: playground.click(a["as"], a["channel"], a["ts"], a["action_id"], a["value"]),
        "/api/command": lambda a: playground.command(a["as"], a["channel"], a["text"]),
        "/api/react": lambda a: playground.react(a["as"], a["channel"], a["ts"], a["reaction"]),
        "/api/home": lambda a: playground.open_home(a["as"]),
    }

    def wsgi(environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
        path = environ.get("PATH_INFO", "")
        method = environ.get("REQUEST_METHOD", "GET")
        if path in ("/slack/events", "/healthz"):
            return slack(environ, start_response)
        if method == "GET" and path in ("/", "/index.html", "/app.js", "/app.css"):
            name = "index.html" if path in ("/", "/index.html") else path.lstrip("/")
            data = resources.files("bridgebot.playground").joinpath("static", name).read_bytes()
            return _send(start_response, "200 OK", data, _STATIC_TYPES["." + name.rsplit(".", 1)[1]])
        if method == "GET" and path == "/api/state":
            from urllib.parse import parse_qs

            viewer = (parse_qs(environ.get("QUERY_STRING", "")).get("as") or [""])[0]
            try:
                return _json(start_response, "200 OK", playground.state(viewer))
            except PlaygroundError as e:
                return _json(start_response, "400 Bad Request", {"ok": False, "error": str(e)})
        if method == "POST" and path in actions:
            try:
                length = int(environ.get("CONTENT_LENGTH") or 0)
                if length > MAX_REQUEST:
                    raise PlaygroundError("that is too large for a Slack message")
                args = json.loads(environ["wsgi.input"].read(length) or b"{}")
                if not isinstance(args, dict):
                    raise PlaygroundError("expected a JSON object")
                result = actions[path](args)
            except PlaygroundError as e:
                return _json(start_response, "400 Bad Request", {"ok": False, "error": str(e)})
            except (KeyError, ValueError) as e:
                return _json(start_response, "400 Bad Request", {"ok": False, "error": f"bad request: {e}"})
            return _json(start_response, "200 OK", {"ok": True, **(result or {})})
        return _json(start_response, "404 Not Found", {"ok": False, "error": "not found"})

    return wsgi


def _json(start_response: StartResponse, status: str, body: dict[str, Any]) -> Iterable[bytes]:
    return _send(start_response, status, json.dumps(body).encode(), "application/json")


def _send(start_response: StartResponse, status: str, data: bytes, content_type: str) -> Iterable[bytes]:
    start_response(status, [("Content-Type", content_type), ("Content-Length", str(len(data))),
                            ("Cache-Control", "no-store")])
    return [data]
