"""A local server that speaks Slack's Socket Mode protocol, for end-to-end tests of `bridgebot run`.

Point the fake Web API's ``apps.connections.open`` at it (``fake.socket_mode_url = server.url``);
each connection gets ``hello``, then whatever envelopes the test sends; every frame the app sends
back (acks) is recorded. ``disconnect()`` sends Slack's ``{"type": "disconnect"}``, after which a
well-behaved client opens a new connection through apps.connections.open. Binds 127.0.0.1 only.
"""

from __future__ import annotations

import json
import threading
import uuid
from typing import Any

from websockets.sync.server import ServerConnection, serve


class SocketModeServer:
    def __init__(self) -> None:
        self._lock = threading.Condition()
        self.connections: list[ServerConnection] = []
        self.received: list[dict[str, Any]] = []
        self._server = serve(self._handle, "127.0.0.1", 0)
        self._thread = threading.Thread(target=self._server.serve_forever, name="SocketModeServer", daemon=True)

    def __enter__(self) -> "SocketModeServer":
        self._thread.start()
        return self

    def __exit__(self, *exc: Any) -> None:
        self._server.shutdown()
        self._thread.join(5)

    @property
    def url(self) -> str:
        return f"ws://127.0.0.1:{self._server.socket.getsockname()[1]}/link/?ticket={uuid.uuid4()}"

    def _handle(self, ws: ServerConnection) -> None:
        ws.send(json.dumps({"type": "hello", "num_connections": 1,
                            "debug_info": {"host": "local-fake", "approximate_connection_time": 18060},
                            "connection_info": {"app_id": "A_APP"}}))
        with self._lock:
            self.connections.append(ws)
            self._lock.notify_all()
        for frame in ws:
            with self._lock:
                self.received.append(json.loads(frame))
                self._lock.notify_all()

    def wait_connections(self, n: int, timeout: float = 10.0) -> ServerConnection:
        with self._lock:
            if not self._lock.wait_for(lambda: len(self.connections) >= n, timeout):
                raise AssertionError(f"expected {n} Socket Mode connections, got {len(self.connections)}")
            return self.connections[n - 1]

    def send_event(self, body: dict[str, Any], retry_attempt: int = 0, envelope_id: str | None = None) -> str:
        """Send an events_api envelope on the newest connection; returns its envelope_id."""
        envelope_id = envelope_id or str(uuid.uuid4())
        self.connections[-1].send(json.dumps({
            "envelope_id": envelope_id, "type": "events_api", "accepts_response_payload": False,
            "retry_attempt": retry_attempt, "retry_reason": "timeout" if retry_attempt else "", "payload": body}))
        return envelope_id

    def wait_ack(self, envelope_id: str, timeout: float = 10.0) -> dict[str, Any]:
        with self._lock:
            if not self._lock.wait_for(lambda: any(r.get("envelope_id") == envelope_id for r in self.received),
                                       timeout):
                raise AssertionError(f"no ack for envelope {envelope_id}")
            return next(r for r in self.received if r.get("envelope_id") == envelope_id)

    def disconnect(self, reason: str = "refresh_requested") -> None:
        self.connections[-1].send(json.dumps({"type": "disconnect", "reason": reason,
                                              "debug_info": {"host": "local-fake"}}))
