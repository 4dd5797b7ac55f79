"""A local fake of the Slack Web API, plus helpers that play the role of Slack
when talking *to* a Bolt app, for end-to-end tests that must never touch the
internet.

Typical use::

    with FakeSlack() as fake:
        client = WebClient(token="xoxb-test", base_url=fake.base_url)
        client.chat_postMessage(channel="C1", text="hi")
        assert fake.calls("chat.postMessage")[0].args["text"] == "hi"

How slack_sdk 3.47's (urllib) WebClient talks to us, which this fake mirrors:

* URL: ``urljoin(base_url, method)``; WebClient appends "/" to base_url, so
  ``base_url`` here is ``http://127.0.0.1:PORT/api/`` and requests arrive at
  ``/api/<method>``.
* Every call is a POST, even methods slack_sdk marks ``http_verb="GET"``
  (users.info, conversations.info, ...): their params go in a form body.
* Methods that take blocks/attachments (chat.postMessage, chat.update,
  chat.postEphemeral, views.*) send a JSON body, so ``blocks`` arrives already
  decoded; other methods send ``application/x-www-form-urlencoded``. Calls with
  no params (auth.test) send an empty body labelled ``application/json``.
* The token is popped out of the kwargs and sent as ``Authorization: Bearer``;
  it only appears in the body when the caller passes ``data={"token": ...}``.

Besides ``/api/<method>``, the fake accepts ``/hooks/<name>`` (see ``hook_url``:
a response_url / incoming webhook that answers "ok") and ``/upload/<file_id>``
(the upload_url that files.getUploadURLExternal hands out for files_upload_v2).
Everything binds to 127.0.0.1 only.
"""

from __future__ import annotations

import hashlib
import itertools
import json
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid
from collections import deque
from dataclasses import dataclass, field
from email import policy
from email.parser import BytesParser
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Callable, Deque, Dict, Iterable, List, Optional, Tuple, Union

from slack_sdk.signature import SignatureVerifier

__all__ = [
    "APP_ID",
    "BOT_ID",
    "BOT_USER_ID",
    "EXT_TEAM_ID",
    "HOME_TEAM_ID",
    "Call",
    "FakeSlack",
    "block_action",
    "event_callback",
    "app_home_opened",
    "message_event",
    "message_shortcut",
    "reaction_event",
    "signed_post",
    "slash_command",
]

HOME_TEAM_ID = "T_HOME"
EXT_TEAM_ID = "T_EXT"
BOT_USER_ID = "U_BOT"
BOT_ID = "B_BOT"
APP_ID = "A_APP"
WORKSPACE_URL = "https://bridge.slack.com/"

# Token prefixes Slack issues: bot, user, app-level, legacy workspace, rotating.
_TOKEN_PREFIXES = ("xoxb-", "xoxp-", "xapp-", "xoxa-", "xoxe.", "xoxe-")

# A reachable-nowhere response_url default: connection refused on loopback, so
# a handler that calls respond() without a test-supplied URL fails fast
# instead of reaching hooks.slack.com.
_DEAD_HOOK_BASE = "http://127.0.0.1:9/hooks"

Handler = Callable[["Call"], Union[Dict[str, Any], Tuple[int, Dict[str, Any]]]]


@dataclass
class Call:
    """One request the fake received, successful or not."""

    method: str
    args: Dict[str, Any]
    headers: Dict[str, str]
    status: int = 200
    response: Dict[str, Any] = field(default_factory=dict)
    token: Optional[str] = None
    http_method: str = "POST"
    url: str = ""
    raw_body: bytes = b""

    @property
    def ok(self) -> bool:
        """True when the call got HTTP 200 and ``"ok": true`` (what a client sees as success)."""
        return self.status == 200 and bool(self.response.get("ok"))

    @property
    def error(self) -> Optional[str]:
        """The Slack ``error`` code answered, if any."""
        return self.response.get("error")

    def json(self, key: str) -> Any:
        """Decode an arg that may have been sent as a JSON string (form bodies) or already decoded (JSON bodies)."""
        value = self.args.get(key)
        if isinstance(value, (str, bytes)):
            return json.loads(value)
        return value


@dataclass
class _Failure:
    status: int
    body: Dict[str, Any]
    headers: Dict[str, str]


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True
    fake: "FakeSlack"


class _RequestHandler(BaseHTTPRequestHandler):
    server: _Server
    protocol_version = "HTTP/1.0"  # one request per connection: no idle keep-alive threads

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - stdlib signature
        pass

    def do_GET(self) -> None:
        self.server.fake._handle(self)

    def do_POST(self) -> None:
        self.server.fake._handle(self)


def _first_values(pairs: Iterable[Tuple[str, str]]) -> Dict[str, Any]:
    """Form/query pairs to a dict; a repeated key keeps all values as a list."""
    out: Dict[str, Any] = {}
    for k, v in pairs:
        if k in out:
            prev = out[k]
            out[k] = (prev if isinstance(prev, list) else [prev]) + [v]
        else:
            out[k] = v
    return out


def _parse_multipart(content_type: str, body: bytes) -> Dict[str, Any]:
    msg = BytesParser(policy=policy.HTTP).parsebytes(
        b"Content-Type: " + content_type.encode("latin-1") + b"\r\n\r\n" + body
    )
    out: Dict[str, Any] = {}
    for part in msg.iter_parts():
        name = part.get_param("name", header="content-disposition")
        if not name:
            continue
        payload = part.get_payload(decode=True) or b""
        if part.get_filename() is not None:
            out[str(name)] = payload
        else:
            out[str(name)] = payload.decode("utf-8", "replace")
    return out


def _ts_to_permalink_id(ts: str) -> str:
    return "p" + ts.replace(".", "")


class FakeSlack:
    """Threaded local Slack Web API that records every call and keeps just enough state
    (messages, users, channels) for a bridge bot's round trips to be realistic."""

    def __init__(self) -> None:
        self._lock = threading.RLock()
        self._changed = threading.Condition(self._lock)
        self._calls: List[Call] = []
        self._failures: Dict[str, Deque[_Failure]] = {}
        self._handlers: Dict[str, Handler] = {}
        self._ts_counter = itertools.count()
        self._view_counter = itertools.count(1)
        self._server: Optional[_Server] = None
        self._thread: Optional[threading.Thread] = None
        self.messages: Dict[Tuple[str, str], Dict[str, Any]] = {}
        self.users: Dict[str, Dict[str, Any]] = {}
        self.channels: Dict[str, Dict[str, Any]] = {}
        self.teams: Dict[str, Dict[str, Any]] = {}
        self.files: Dict[str, Dict[str, Any]] = {}
        #: The Home tab each user was last published (views.publish), by user id.
        self.home_views: Dict[str, Dict[str, Any]] = {}
        #: How many times each response_url (hooks/<name>) was used.
        self._hook_uses: Dict[str, int] = {}
        self._file_counter = itertools.count(1)
        self.auth_test_response: Dict[str, Any] = {}
        self.reset()

    # ------------------------------------------------------------------ lifecycle

    def start(self) -> "FakeSlack":
        """Serve on an ephemeral 127.0.0.1 port in a background thread."""
        if self._server is not None:
            return self
        server = _Server(("127.0.0.1", 0), _RequestHandler)
        server.fake = self
        self._server = server
        self._thread = threading.Thread(
            target=server.serve_forever, kwargs={"poll_interval": 0.05}, name="FakeSlack", daemon=True
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        """Stop serving and join the server thread; safe to call twice."""
        server, thread = self._server, self._thread
        self._server, self._thread = None, None
        if server is not None:
            server.shutdown()
            server.server_close()
        if thread is not None:
            thread.join(timeout=5)

    def __enter__(self) -> "FakeSlack":
        return self.start()

    def __exit__(self, *exc: Any) -> None:
        self.stop()

    @property
    def port(self) -> int:
        """The bound port (only while started)."""
        if self._server is None:
            raise RuntimeError("FakeSlack is not started")
        return int(self._server.server_address[1])

    @property
    def url(self) -> str:
        """Server root, e.g. http://127.0.0.1:PORT/."""
        return f"http://127.0.0.1:{self.port}/"

    @property
    def base_url(self) -> str:
        """Value for ``WebClient(base_url=...)``; slack_sdk urljoins the method name onto it."""
        return f"{self.url}api/"

    def hook_url(self, name: str = "response") -> str:
        """A local response_url / incoming-webhook URL; posts to it are recorded as method ``hooks/<name>``."""
        return f"{self.url}hooks/{name}"

    # ------------------------------------------------------------------ state

    def reset(self) -> None:
        """Forget calls, messages, injected failures and custom handlers; restore default directories."""
        with self._lock:
            self._calls.clear()
            self._failures.clear()
            self._handlers.clear()
            self.messages.clear()
            self.users.clear()
            self.channels.clear()
            self.teams.clear()
            self.files.clear()
            self.home_views.clear()
            self._hook_uses.clear()
            self.auth_test_response.clear()
            self.auth_test_response.update(
                {
                    "ok": True,
                    "url": WORKSPACE_URL,
                    "team": "Bridge",
                    "user": "bridgebot",
                    "team_id": HOME_TEAM_ID,
                    "user_id": BOT_USER_ID,
                    "bot_id": BOT_ID,
                    "is_enterprise_install": False,
                }
            )
            self.add_team(HOME_TEAM_ID, "Bridge", "bridge")
            self.add_user(BOT_USER_ID, HOME_TEAM_ID, name="bridgebot", is_bot=True)
            self.users[BOT_USER_ID]["profile"]["bot_id"] = BOT_ID

    def clear(self) -> None:
        """Forget recorded calls only (state such as posted messages is kept)."""
        with self._lock:
            self._calls.clear()

    def calls(self, method: Optional[str] = None) -> List[Call]:
        """Recorded calls in arrival order, optionally only those of one method."""
        with self._lock:
            return [c for c in self._calls if method is None or c.method == method]

    def successful_calls(self, method: Optional[str] = None) -> List[Call]:
        """Recorded calls that a client would see as success (HTTP 200 and ok: true)."""
        return [c for c in self.calls(method) if c.ok]

    def wait_for(self, method: str, count: int = 1, timeout: float = 2.0) -> List[Call]:
        """Block until ``count`` calls of ``method`` were recorded; for listeners that run after ack()."""
        deadline = time.monotonic() + timeout
        with self._changed:
            while True:
                found = [c for c in self._calls if c.method == method]
                if len(found) >= count:
                    return found
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    raise AssertionError(f"expected {count} {method} call(s) within {timeout}s, got {len(found)}")
                self._changed.wait(remaining)

    def saw(self, text: str) -> bool:
        """True if ``text`` appears in any recorded URL, header or body (raw, URL-decoded or JSON-decoded).

        Meant for proving a secret never left the process towards Slack.
        """
        for c in self.calls():
            raw = c.raw_body.decode("utf-8", "replace")
            haystacks = [
                c.url,
                urllib.parse.unquote_plus(c.url),
                raw,
                urllib.parse.unquote_plus(raw),
                json.dumps(c.args, ensure_ascii=False, default=repr),
                *(f"{k}: {v}" for k, v in c.headers.items()),
            ]
            if any(text in h for h in haystacks):
                return True
        return False

    def add_user(
        self,
        user_id: str,
        team_id: str = HOME_TEAM_ID,
        name: Optional[str] = None,
        is_bot: bool = False,
        real_name: Optional[str] = None,
        **extra: Any,
    ) -> Dict[str, Any]:
        """Put a user in the users.info directory; returns the stored object so tests can tweak it."""
        name = name or user_id.lower()
        real_name = real_name or name.replace(".", " ").title()
        user: Dict[str, Any] = {
            "id": user_id,
            "team_id": team_id,
            "name": name,
            "deleted": False,
            "real_name": real_name,
            "tz": "Europe/London",
            "is_bot": is_bot,
            "is_app_user": False,
            "is_restricted": False,
            "is_ultra_restricted": False,
            "is_stranger": team_id != HOME_TEAM_ID,
            "profile": {
                "real_name": real_name,
                "display_name": name,
                "real_name_normalized": real_name,
                "display_name_normalized": name,
                "team": team_id,
                "image_48": f"https://avatars.slack-edge.com/{user_id}_48.png",
                "image_72": f"https://avatars.slack-edge.com/{user_id}_72.png",
            },
        }
        user.update(extra)
        with self._lock:
            self.users[user_id] = user
        return user

    def add_channel(
        self,
        channel_id: str,
        name: str,
        is_ext_shared: bool = True,
        is_shared: bool = True,
        is_private: bool = False,
        team_id: str = HOME_TEAM_ID,
        connected_team_ids: Optional[List[str]] = None,
        shared_team_ids: Optional[List[str]] = None,
        is_member: bool = True,
        **extra: Any,
    ) -> Dict[str, Any]:
        """Put a channel in the conversations.info directory (Slack Connect by default)."""
        if connected_team_ids is None:
            connected_team_ids = [team_id, EXT_TEAM_ID] if is_ext_shared else [team_id]
        if shared_team_ids is None:
            shared_team_ids = list(connected_team_ids)
        channel: Dict[str, Any] = {
            "id": channel_id,
            "name": name,
            "name_normalized": name,
            "is_channel": not is_private,
            "is_group": is_private,
            "is_im": False,
            "is_mpim": False,
            "is_private": is_private,
            "is_archived": False,
            "is_general": False,
            "is_shared": is_shared,
            "is_ext_shared": is_ext_shared,
            "is_org_shared": False,
            "is_pending_ext_shared": False,
            "is_member": is_member,
            "context_team_id": HOME_TEAM_ID,
            "conversation_host_id": team_id,
            "connected_team_ids": list(connected_team_ids),
            "shared_team_ids": list(shared_team_ids),
            "internal_team_ids": [],
            "pending_shared": [],
            "pending_connected_team_ids": [],
            "created": 1700000000,
            "creator": "U_CREATOR",
            "topic": {"value": "", "creator": "", "last_set": 0},
            "purpose": {"value": "", "creator": "", "last_set": 0},
        }
        channel.update(extra)
        with self._lock:
            self.channels[channel_id] = channel
        return channel

    def add_team(self, team_id: str, name: str, domain: Optional[str] = None, **extra: Any) -> Dict[str, Any]:
        """Put a workspace in the team.info directory."""
        domain = domain or name.lower().replace(" ", "-")
        team: Dict[str, Any] = {
            "id": team_id,
            "name": name,
            "domain": domain,
            "url": f"https://{domain}.slack.com/",
            "email_domain": "",
            "icon": {"image_default": True},
            "is_verified": False,
        }
        team.update(extra)
        with self._lock:
            self.teams[team_id] = team
        return team

    def add_message(
        self, channel: str, ts: str, text: str, user: str, thread_ts: Optional[str] = None, **extra: Any
    ) -> Dict[str, Any]:
        """Seed a message (e.g. a human's, delivered as an event) so replies/update/reactions can find it."""
        msg: Dict[str, Any] = {"type": "message", "user": user, "text": text, "ts": ts}
        if thread_ts:
            msg["thread_ts"] = thread_ts
        msg.update(extra)
        with self._lock:
            self.messages[(channel, ts)] = msg
        return msg

    def next_ts(self) -> str:
        """A fresh, strictly increasing message ts (1700000100.000100, 1700000101.000100, ...)."""
        with self._lock:
            n = next(self._ts_counter)
        return f"{1700000100 + n}.000100"

    # ------------------------------------------------------------------ failure injection & overrides

    def fail_next(
        self,
        method: str,
        status: int = 429,
        times: int = 1,
        retry_after: int = 1,
        body: Optional[Dict[str, Any]] = None,
    ) -> None:
        """Answer the next ``times`` calls of ``method`` ("*" = any) with an HTTP error, to exercise retries.

        429 carries ``Retry-After`` and ``{"ok": false, "error": "ratelimited"}``; 5xx carries
        ``internal_error``. Note slack_sdk's RateLimitErrorRetryHandler sleeps retry_after + random(0..1) s.
        """
        if body is None:
            if status == 429:
                error = "ratelimited"
            elif status >= 500:
                error = "internal_error"
            else:
                error = f"http_{status}"
            body = {"ok": False, "error": error}
        headers = {"Retry-After": str(retry_after)} if status == 429 else {}
        with self._lock:
            q = self._failures.setdefault(method, deque())
            for _ in range(times):
                q.append(_Failure(status, dict(body), dict(headers)))

    def clear_failures(self) -> None:
        """Slack is healthy again: drop failures queued by fail_next/error_next."""
        with self._lock:
            self._failures.clear()

    def error_next(self, method: str, error: str = "channel_not_found", times: int = 1) -> None:
        """Answer the next ``times`` calls of ``method`` ("*" = any) with HTTP 200 ``{"ok": false, "error": error}``."""
        with self._lock:
            q = self._failures.setdefault(method, deque())
            for _ in range(times):
                q.append(_Failure(200, {"ok": False, "error": error}, {}))

    def set_handler(self, method: str, handler: Optional[Handler]) -> None:
        """Override one method's answer (after the token check; failures queued by fail_next still win).

        ``handler(call)`` returns a body dict or ``(status, body)``; ``None`` restores the default.
        """
        with self._lock:
            if handler is None:
                self._handlers.pop(method, None)
            else:
                self._handlers[method] = handler

    # ------------------------------------------------------------------ request handling

    def _take_failure(self, method: str) -> Optional[_Failure]:
        with self._lock:
            for key in (method, "*"):
                q = self._failures.get(key)
                if q:
                    return q.popleft()
        return None

    def _handle(self, req: _RequestHandler) -> None:
        parsed = urllib.parse.urlsplit(req.path)
        length = int(req.headers.get("Content-Length") or 0)
        raw = req.rfile.read(length) if length > 0 else b""
        headers = {k: v for k, v in req.headers.items()}

        path = parsed.path
        if path.startswith("/api/") and len(path) > len("/api/"):
            method, is_hook = path[len("/api/"):], False
        elif path.startswith(("/hooks/", "/upload/")) and path.count("/") == 2:
            # response_url / webhook posts and files_upload_v2 uploads: no token, plain-text answer.
            method, is_hook = path.lstrip("/"), True
        else:
            self._send(req, 404, {"ok": False, "error": "unknown_path"}, {})
            return

        args: Dict[str, Any] = _first_values(urllib.parse.parse_qsl(parsed.query, keep_blank_values=True))
        body_is_json = False
        parse_error: Optional[str] = None
        ctype = req.headers.get_content_type()
        if raw and not method.startswith("upload/"):  # an upload's body is the file itself, bytes as sent
            try:
                if ctype == "application/json":
                    decoded = json.loads(raw.decode("utf-8"))
                    if not isinstance(decoded, dict):
                        raise ValueError("JSON body must be an object")
                    args.update(decoded)
                    body_is_json = True
                elif ctype == "multipart/form-data":
                    args.update(_parse_multipart(req.headers.get("Content-Type", ""), raw))
                else:
                    args.update(
                        _first_values(urllib.parse.parse_qsl(raw.decode("utf-8"), keep_blank_values=True))
                    )
            except (ValueError, UnicodeDecodeError):
                parse_error = "invalid_json" if ctype == "application/json" else "invalid_form_data"

        token: Optional[str] = None
        auth = req.headers.get("Authorization", "")
        if auth.lower().startswith("bearer "):
            token = auth[len("bearer "):].strip() or None
        elif not body_is_json and isinstance(args.get("token"), str):
            # Slack accepts a token in form bodies / query strings, not in JSON bodies.
            token = args["token"]

        call = Call(
            method=method,
            args=args,
            headers=headers,
            token=token,
            http_method=req.command,
            url=req.path,
            raw_body=raw,
        )

        extra_headers: Dict[str, str] = {}
        failure = self._take_failure(method)
        if failure is not None:
            status, body, extra_headers = failure.status, failure.body, failure.headers
        elif parse_error is not None:
            status, body = 200, {"ok": False, "error": parse_error}
        elif is_hook:
            status, body = self._answer_hook(call)
        elif token is None:
            status, body = 200, {"ok": False, "error": "not_authed"}
        elif not token.startswith(_TOKEN_PREFIXES):
            status, body = 200, {"ok": False, "error": "invalid_auth"}
        else:
            status, body = self._answer(call)

        call.status, call.response = status, body
        with self._changed:
            self._calls.append(call)
            self._changed.notify_all()
        if is_hook and failure is None and status == 200:
            self._send_text(req, 200, f"OK - {len(raw)}" if method.startswith("upload/") else "ok")
        elif is_hook and failure is None and method.startswith("hooks/"):
            self._send_text(req, status, str(body.get("error")))  # Slack answers a bad response_url post in plain text
        else:
            self._send(req, status, body, extra_headers)

    @staticmethod
    def _send(req: _RequestHandler, status: int, body: Dict[str, Any], headers: Dict[str, str]) -> None:
        data = json.dumps(body).encode("utf-8")
        req.send_response(status)
        req.send_header("Content-Type", "application/json; charset=utf-8")
        req.send_header("Content-Length", str(len(data)))
        for k, v in headers.items():
            req.send_header(k, v)
        req.end_headers()
        req.wfile.write(data)

    @staticmethod
    def _send_text(req: _RequestHandler, status: int, text: str) -> None:
        data = text.encode("utf-8")
        req.send_response(status)
        req.send_header("Content-Type", "text/plain; charset=utf-8")
        req.send_header("Content-Length", str(len(data)))
        req.end_headers()
        req.wfile.write(data)

    def _answer_hook(self, call: Call) -> Tuple[int, Dict[str, Any]]:
        with self._lock:
            handler = self._handlers.get(call.method)
            if handler is None and call.method.startswith("upload/"):
                file = self.files.get(call.method[len("upload/"):])
                if file is None:
                    return 404, {"ok": False, "error": "file_not_found"}
                file["content"] = call.raw_body
                file["size"] = len(call.raw_body)
        if handler is not None:
            return self._run_handler(handler, call)
        if call.method.startswith("hooks/"):
            return self._response_url(call)
        return 200, {"ok": True}

    #: Slack accepts a response_url up to five times (within 30 minutes).
    RESPONSE_URL_USES = 5

    def _response_url(self, call: Call) -> Tuple[int, Dict[str, Any]]:
        """A response_url as Slack treats it: at most five uses; a message needs text or blocks
        (unless it deletes the original); response_type is ephemeral (the default) or in_channel."""
        with self._lock:
            uses = self._hook_uses[call.method] = self._hook_uses.get(call.method, 0) + 1
        a = call.args
        if uses > self.RESPONSE_URL_USES:
            return 404, {"ok": False, "error": "used_url"}
        if a.get("response_type", "ephemeral") not in ("ephemeral", "in_channel"):
            return 400, {"ok": False, "error": "invalid_response_type"}
        if not (a.get("text") or a.get("blocks") or a.get("delete_original")):
            return 400, {"ok": False, "error": "no_text"}
        return 200, {"ok": True}

    def responses(self, name: str = "response") -> List[Call]:
        """What was posted to ``hook_url(name)`` and accepted (respond() from a listener)."""
        return [c for c in self.calls(f"hooks/{name}") if c.status == 200]

    @staticmethod
    def _run_handler(handler: Handler, call: Call) -> Tuple[int, Dict[str, Any]]:
        result = handler(call)
        if isinstance(result, tuple):
            return int(result[0]), result[1]
        return 200, result

    def _answer(self, call: Call) -> Tuple[int, Dict[str, Any]]:
        with self._lock:
            handler = self._handlers.get(call.method)
        if handler is not None:  # run outside the lock: a custom handler may block on purpose
            return self._run_handler(handler, call)
        builtin = getattr(self, "_api_" + call.method.replace(".", "_"), None)
        with self._lock:
            body = builtin(call) if builtin is not None else {"ok": True}
        return 200, body

    # ------------------------------------------------------------------ built-in methods

    @staticmethod
    def _decoded(value: Any) -> Any:
        if isinstance(value, str):
            try:
                return json.loads(value)
            except ValueError:
                return value
        return value

    def _api_auth_test(self, call: Call) -> Dict[str, Any]:
        return dict(self.auth_test_response)

    def _api_apps_connections_open(self, call: Call) -> Dict[str, Any]:
        if call.token and not call.token.startswith("xapp-"):
            return {"ok": False, "error": "not_allowed_token_type"}
        return {"ok": True, "url": "ws://127.0.0.1:1/"}

    def _message_fields(self, a: Dict[str, Any]) -> Dict[str, Any]:
        out: Dict[str, Any] = {}
        for key in ("text", "blocks", "attachments", "thread_ts", "metadata"):
            if a.get(key) not in (None, ""):
                out[key] = self._decoded(a[key]) if key in ("blocks", "attachments", "metadata") else a[key]
        return out

    def _api_chat_postMessage(self, call: Call) -> Dict[str, Any]:
        a = call.args
        channel = a.get("channel")
        if not channel:
            return {"ok": False, "error": "channel_not_found"}
        if not (a.get("text") or a.get("blocks") or a.get("attachments")):
            return {"ok": False, "error": "no_text"}
        ts = self.next_ts()
        message: Dict[str, Any] = {
            "type": "message",
            "subtype": "bot_message",
            "user": BOT_USER_ID,
            "bot_id": BOT_ID,
            "app_id": APP_ID,
            "team": HOME_TEAM_ID,
            "ts": ts,
            "text": "",
        }
        message.update(self._message_fields(a))
        self.messages[(channel, ts)] = message
        return {"ok": True, "channel": channel, "ts": ts, "message": dict(message)}

    def _api_chat_update(self, call: Call) -> Dict[str, Any]:
        a = call.args
        channel, ts = a.get("channel"), a.get("ts")
        message = self.messages.get((channel, ts)) if channel and ts else None
        if message is None:
            return {"ok": False, "error": "message_not_found"}
        fields = self._message_fields(a)
        fields.pop("thread_ts", None)
        message.update(fields)
        message["edited"] = {"user": BOT_USER_ID, "ts": self.next_ts()}
        return {"ok": True, "channel": channel, "ts": ts, "text": message.get("text", ""), "message": dict(message)}

    def _api_chat_delete(self, call: Call) -> Dict[str, Any]:
        channel, ts = call.args.get("channel"), call.args.get("ts")
        if self.messages.pop((channel, ts), None) is None:
            return {"ok": False, "error": "message_not_found"}
        return {"ok": True, "channel": channel, "ts": ts}

    def _api_chat_postEphemeral(self, call: Call) -> Dict[str, Any]:
        a = call.args
        if not a.get("channel"):
            return {"ok": False, "error": "channel_not_found"}
        if not a.get("user"):
            return {"ok": False, "error": "user_not_found"}
        return {"ok": True, "message_ts": self.next_ts()}

    def _api_chat_getPermalink(self, call: Call) -> Dict[str, Any]:
        channel, ts = call.args.get("channel"), call.args.get("message_ts")
        if not channel or not ts:
            return {"ok": False, "error": "message_not_found"}
        link = f"{WORKSPACE_URL}archives/{channel}/{_ts_to_permalink_id(str(ts))}"
        message = self.messages.get((channel, ts))
        if message and message.get("thread_ts") and message["thread_ts"] != ts:
            link += f"?thread_ts={message['thread_ts']}&cid={channel}"
        return {"ok": True, "channel": channel, "permalink": link}

    def _api_conversations_replies(self, call: Call) -> Dict[str, Any]:
        channel, ts = call.args.get("channel"), call.args.get("ts")
        parent = self.messages.get((channel, ts))
        if parent is None:
            return {"ok": False, "error": "thread_not_found"}
        replies = sorted(
            (m for (c, t), m in self.messages.items() if c == channel and t != ts and m.get("thread_ts") == ts),
            key=lambda m: float(m["ts"]),
        )
        head = dict(parent)
        if replies:
            head.update(
                thread_ts=ts,
                reply_count=len(replies),
                latest_reply=replies[-1]["ts"],
                reply_users=sorted({m.get("user", "") for m in replies}),
            )
        return {
            "ok": True,
            "messages": [head] + [dict(m) for m in replies],
            "has_more": False,
            "response_metadata": {"next_cursor": ""},
        }

    def _api_users_info(self, call: Call) -> Dict[str, Any]:
        user = self.users.get(call.args.get("user", ""))
        if user is None:
            return {"ok": False, "error": "user_not_found"}
        return {"ok": True, "user": json.loads(json.dumps(user))}

    def _api_conversations_info(self, call: Call) -> Dict[str, Any]:
        channel = self.channels.get(call.args.get("channel", ""))
        if channel is None:
            return {"ok": False, "error": "channel_not_found"}
        return {"ok": True, "channel": json.loads(json.dumps(channel))}

    def _api_team_info(self, call: Call) -> Dict[str, Any]:
        team = self.teams.get(call.args.get("team") or HOME_TEAM_ID)
        if team is None:
            return {"ok": False, "error": "team_not_found"}
        return {"ok": True, "team": dict(team)}

    def _api_reactions_add(self, call: Call) -> Dict[str, Any]:
        a = call.args
        if not a.get("name"):
            return {"ok": False, "error": "invalid_name"}
        message = self.messages.get((a.get("channel"), a.get("timestamp")))
        if message is not None:
            reactions = message.setdefault("reactions", [])
            for r in reactions:
                if r["name"] == a["name"]:
                    if BOT_USER_ID in r["users"]:
                        return {"ok": False, "error": "already_reacted"}
                    r["users"].append(BOT_USER_ID)
                    r["count"] += 1
                    break
            else:
                reactions.append({"name": a["name"], "users": [BOT_USER_ID], "count": 1})
        return {"ok": True}

    def _api_reactions_get(self, call: Call) -> Dict[str, Any]:
        message = self.messages.get((call.args.get("channel"), call.args.get("timestamp")))
        if message is None:
            return {"ok": False, "error": "message_not_found"}
        return {"ok": True, "type": "message", "channel": call.args.get("channel"), "message": dict(message)}

    def add_reaction(self, channel: str, ts: str, name: str, user: str) -> None:
        """Record a person's reaction on a stored message (what reaction_added reports)."""
        with self._lock:
            message = self.messages.get((channel, ts))
            if message is None:
                return
            for r in message.setdefault("reactions", []):
                if r["name"] == name:
                    if user not in r["users"]:
                        r["users"].append(user)
                        r["count"] += 1
                    return
            message["reactions"].append({"name": name, "users": [user], "count": 1})

    def _view_response(self, view: Any, view_id: Optional[str] = None) -> Dict[str, Any]:
        view = self._decoded(view)
        if not isinstance(view, dict):
            return {"ok": False, "error": "invalid_arguments"}
        vid = view_id or f"V{next(self._view_counter):08d}"
        out = {
            "id": vid,
            "team_id": HOME_TEAM_ID,
            "app_id": APP_ID,
            "bot_id": BOT_ID,
            "app_installed_team_id": HOME_TEAM_ID,
            "state": {"values": {}},
            "hash": hashlib.sha1(vid.encode()).hexdigest()[:16],
            "private_metadata": "",
            "callback_id": "",
            "external_id": "",
            "root_view_id": vid,
            "previous_view_id": None,
        }
        out.update(view)
        return {"ok": True, "view": out}

    def _api_views_open(self, call: Call) -> Dict[str, Any]:
        if not call.args.get("trigger_id") and not call.args.get("interactivity_pointer"):
            return {"ok": False, "error": "invalid_trigger_id"}
        return self._view_response(call.args.get("view"))

    def _api_views_push(self, call: Call) -> Dict[str, Any]:
        return self._api_views_open(call)

    def _api_views_update(self, call: Call) -> Dict[str, Any]:
        if not call.args.get("view_id") and not call.args.get("external_id"):
            return {"ok": False, "error": "not_found"}
        return self._view_response(call.args.get("view"), view_id=call.args.get("view_id"))

    def _api_files_getUploadURLExternal(self, call: Call) -> Dict[str, Any]:
        filename, length = call.args.get("filename"), call.args.get("length")
        if not filename or not str(length or "").isdigit():
            return {"ok": False, "error": "invalid_arguments"}
        file_id = f"F{next(self._file_counter):08d}"
        self.files[file_id] = {"id": file_id, "name": filename, "title": filename, "size": int(str(length))}
        return {"ok": True, "upload_url": f"{self.url}upload/{file_id}", "file_id": file_id}

    def _api_files_completeUploadExternal(self, call: Call) -> Dict[str, Any]:
        entries = self._decoded(call.args.get("files"))
        if not isinstance(entries, list) or not entries:
            return {"ok": False, "error": "invalid_arguments"}
        out = []
        for entry in entries:
            file = self.files.get(entry.get("id", ""))
            if file is None or "content" not in file:
                return {"ok": False, "error": "file_not_found"}
            if entry.get("title"):
                file["title"] = entry["title"]
            file["channel_id"] = call.args.get("channel_id")
            file["thread_ts"] = call.args.get("thread_ts")
            out.append({"id": file["id"], "title": file["title"]})
        return {"ok": True, "files": out}

    def _api_views_publish(self, call: Call) -> Dict[str, Any]:
        """Publish a user's Home tab: a ``home`` view of at most 100 blocks; the latest is kept."""
        user_id = call.args.get("user_id")
        if not user_id or user_id not in self.users:
            return {"ok": False, "error": "user_not_found"}
        view = self._decoded(call.args.get("view"))
        if not isinstance(view, dict) or view.get("type") != "home" or not isinstance(view.get("blocks"), list):
            return {"ok": False, "error": "invalid_arguments"}
        if len(view["blocks"]) > 100:
            return {"ok": False, "error": "invalid_blocks"}
        response = self._view_response(view)
        self.home_views[user_id] = response["view"]
        return response


# ---------------------------------------------------------------------- talking to a Bolt app as Slack

_LOOPBACK_HOSTS = {"127.0.0.1", "localhost", "::1"}
_no_proxy_opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))


def signed_post(
    url: str,
    body: Union[str, bytes],
    signing_secret: str,
    content_type: str = "application/json",
    timestamp: Optional[Union[int, str]] = None,
    headers: Optional[Dict[str, str]] = None,
    timeout: float = 5.0,
) -> Tuple[int, Dict[str, str], str]:
    """POST ``body`` to a local Bolt endpoint signed as Slack would sign it; returns (status, headers, text).

    Returns 4xx/5xx instead of raising so tests can assert on rejections. Response header names are
    lower-cased. Refuses non-loopback URLs and ignores proxy env vars, so it can never reach the internet.
    """
    host = urllib.parse.urlsplit(url).hostname
    if host not in _LOOPBACK_HOSTS:
        raise ValueError(f"signed_post only talks to loopback hosts, not {host!r}")
    data = body.encode("utf-8") if isinstance(body, str) else body
    ts = str(int(time.time()) if timestamp is None else timestamp)
    signature = SignatureVerifier(signing_secret).generate_signature(timestamp=ts, body=data)
    req_headers = {
        "Content-Type": content_type,
        "X-Slack-Request-Timestamp": ts,
        "X-Slack-Signature": signature or "",
        "User-Agent": "Slackbot 1.0 (+https://api.slack.com/robots)",
    }
    req_headers.update(headers or {})
    req = urllib.request.Request(url, data=data, headers=req_headers, method="POST")
    try:
        with _no_proxy_opener.open(req, timeout=timeout) as resp:
            return resp.status, {k.lower(): v for k, v in resp.headers.items()}, resp.read().decode("utf-8")
    except urllib.error.HTTPError as e:
        with e:
            return e.code, {k.lower(): v for k, v in e.headers.items()}, e.read().decode("utf-8")


_event_ts_counter = itertools.count()


def _next_event_ts() -> str:
    # Micro part differs from FakeSlack.next_ts() so inbound and posted ts never collide.
    return f"{1700000000 + next(_event_ts_counter)}.000001"


def _trigger_id() -> str:
    return f"{int(time.time())}.{uuid.uuid4().int % 10**12}.{uuid.uuid4().hex}"


def event_callback(
    event: Dict[str, Any],
    event_id: Optional[str] = None,
    team_id: str = HOME_TEAM_ID,
    api_app_id: str = APP_ID,
    authorizations: Optional[List[Dict[str, Any]]] = None,
    is_ext_shared_channel: bool = True,
    event_time: Optional[int] = None,
) -> Dict[str, Any]:
    """Wrap ``event`` in an Events API envelope as delivered to our (T_HOME) installation.

    In Slack Connect channels the top-level team_id can be the other org's; Bolt authorizes with
    ``authorizations[0]``, which therefore defaults to our install regardless of ``team_id``.
    """
    if event_time is None:
        ts = event.get("event_ts") or event.get("ts")
        event_time = int(float(ts)) if ts else int(time.time())
    return {
        "token": "verification-token",
        "team_id": team_id,
        "context_team_id": team_id,
        "context_enterprise_id": None,
        "api_app_id": api_app_id,
        "event": event,
        "type": "event_callback",
        "event_id": event_id or f"Ev{uuid.uuid4().hex[:10].upper()}",
        "event_time": event_time,
        "authorizations": authorizations
        if authorizations is not None
        else [
            {
                "enterprise_id": None,
                "team_id": HOME_TEAM_ID,
                "user_id": BOT_USER_ID,
                "is_bot": True,
                "is_enterprise_install": False,
            }
        ],
        "is_ext_shared_channel": is_ext_shared_channel,
        "event_context": f"4-{uuid.uuid4().hex}",
    }


def message_event(
    channel: str,
    user: str,
    text: str,
    ts: Optional[str] = None,
    thread_ts: Optional[str] = None,
    team: str = EXT_TEAM_ID,
    user_team: Optional[str] = None,
    **extra: Any,
) -> Dict[str, Any]:
    """A plain user message event as seen in a Slack Connect channel (no blocks); ``extra`` overrides/adds keys."""
    ts = ts or _next_event_ts()
    user_team = user_team or team
    event: Dict[str, Any] = {
        "type": "message",
        "client_msg_id": str(uuid.uuid4()),
        "text": text,
        "user": user,
        "ts": ts,
        "team": team,
        "user_team": user_team,
        "source_team": user_team,
        "suppress_notification": False,
        "channel": channel,
        "event_ts": ts,
        "channel_type": "channel",
    }
    if thread_ts:
        event["thread_ts"] = thread_ts
    event.update(extra)
    return event


def block_action(
    action_id: str,
    value: str,
    user_id: str,
    team_id: str,
    channel_id: str,
    message_ts: str,
    thread_ts: Optional[str] = None,
    response_url: Optional[str] = None,
    *,
    block_id: str = "actions",
    installed_team_id: str = HOME_TEAM_ID,
    api_app_id: str = APP_ID,
    channel_name: str = "bridge",
    user_name: Optional[str] = None,
    message: Optional[Dict[str, Any]] = None,
    trigger_id: Optional[str] = None,
) -> str:
    """Form body (``payload=<json>``) of a button click, as Slack posts interactivity.

    ``team_id`` is the clicking user's team (``user.team_id``); ``team.id`` is the workspace whose app
    posted the message (``installed_team_id``), which differs for external Slack Connect users.
    ``response_url`` defaults to a dead loopback URL; pass ``fake.hook_url()`` to capture respond().
    """
    user_name = user_name or user_id.lower()
    container: Dict[str, Any] = {
        "type": "message",
        "message_ts": message_ts,
        "channel_id": channel_id,
        "is_ephemeral": False,
    }
    if thread_ts:
        container["thread_ts"] = thread_ts
    button = {
        "type": "button",
        "action_id": action_id,
        "text": {"type": "plain_text", "text": "Button", "emoji": True},
        "value": value,
    }
    if message is None:
        message = {
            "type": "message",
            "subtype": "bot_message",
            "text": "",
            "user": BOT_USER_ID,
            "bot_id": BOT_ID,
            "app_id": APP_ID,
            "team": installed_team_id,
            "ts": message_ts,
            "blocks": [{"type": "actions", "block_id": block_id, "elements": [button]}],
        }
        if thread_ts:
            message["thread_ts"] = thread_ts
    payload = {
        "type": "block_actions",
        "user": {"id": user_id, "username": user_name, "name": user_name, "team_id": team_id},
        "api_app_id": api_app_id,
        "token": "verification-token",
        "container": container,
        "trigger_id": trigger_id or _trigger_id(),
        "team": {"id": installed_team_id, "domain": "bridge"},
        "enterprise": None,
        "is_enterprise_install": False,
        "channel": {"id": channel_id, "name": channel_name},
        "message": message,
        "state": {"values": {}},
        "response_url": response_url or f"{_DEAD_HOOK_BASE}/actions/{installed_team_id}/1/{uuid.uuid4().hex}",
        "actions": [
            {
                "action_id": action_id,
                "block_id": block_id,
                "text": button["text"],
                "value": value,
                "type": "button",
                "action_ts": f"{time.time():.6f}",
            }
        ],
    }
    return urllib.parse.urlencode({"payload": json.dumps(payload)})


def slash_command(
    command: str,
    text: str,
    user_id: str,
    team_id: str,
    channel_id: str,
    response_url: Optional[str] = None,
    *,
    team_domain: str = "bridge",
    channel_name: str = "bridge",
    user_name: Optional[str] = None,
    api_app_id: str = APP_ID,
    trigger_id: Optional[str] = None,
) -> str:
    """Form body of a slash command invocation, fields in the order Slack sends them.

    ``response_url`` defaults to a dead loopback URL; pass ``fake.hook_url()`` to capture respond().
    """
    fields = [
        ("token", "verification-token"),
        ("team_id", team_id),
        ("team_domain", team_domain),
        ("channel_id", channel_id),
        ("channel_name", channel_name),
        ("user_id", user_id),
        ("user_name", user_name or user_id.lower()),
        ("command", command),
        ("text", text),
        ("api_app_id", api_app_id),
        ("is_enterprise_install", "false"),
        ("response_url", response_url or f"{_DEAD_HOOK_BASE}/commands/{team_id}/1/{uuid.uuid4().hex}"),
        ("trigger_id", trigger_id or _trigger_id()),
    ]
    return urllib.parse.urlencode(fields)


def reaction_event(user: str, reaction: str, channel: str, ts: str, item_user: Optional[str] = None,
                   event_ts: Optional[str] = None) -> Dict[str, Any]:
    """A reaction_added event, as Slack sends it (no team of the reacting user: look it up)."""
    return {
        "type": "reaction_added",
        "user": user,
        "reaction": reaction,
        "item_user": item_user,
        "item": {"type": "message", "channel": channel, "ts": ts},
        "event_ts": event_ts or _next_event_ts(),
    }


def app_home_opened(user: str, tab: str = "home", view: Optional[Dict[str, Any]] = None) -> Dict[str, Any]:
    """An app_home_opened event (``view`` is the currently published one, absent the first time)."""
    event: Dict[str, Any] = {"type": "app_home_opened", "user": user, "channel": "D" + user[1:], "tab": tab,
                             "event_ts": _next_event_ts()}
    if view is not None:
        event["view"] = view
    return event


def message_shortcut(
    callback_id: str,
    user_id: str,
    team_id: str,
    channel_id: str,
    message: Dict[str, Any],
    response_url: Optional[str] = None,
    *,
    installed_team_id: str = HOME_TEAM_ID,
    api_app_id: str = APP_ID,
    channel_name: str = "bridge",
) -> str:
    """Form body (``payload=<json>``) of a message shortcut ("message_action") on ``message``."""
    payload = {
        "type": "message_action",
        "token": "verification-token",
        "action_ts": f"{time.time():.6f}",
        "team": {"id": installed_team_id, "domain": "bridge"},
        "user": {"id": user_id, "username": user_id.lower(), "name": user_id.lower(), "team_id": team_id},
        "channel": {"id": channel_id, "name": channel_name},
        "is_enterprise_install": False,
        "enterprise": None,
        "callback_id": callback_id,
        "trigger_id": _trigger_id(),
        "response_url": response_url or f"{_DEAD_HOOK_BASE}/shortcuts/{installed_team_id}/1/{uuid.uuid4().hex}",
        "message_ts": message.get("ts"),
        "message": message,
        "api_app_id": api_app_id,
    }
    return urllib.parse.urlencode({"payload": json.dumps(payload)})
