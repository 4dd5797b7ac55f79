"""Socket Mode end to end: `bridgebot run`'s handler (slack_sdk's builtin client) against a local
server speaking Slack's protocol: hello, events_api envelopes, acks, disconnect and reconnect.
Events go through the same durable inbox as HTTP mode."""

from __future__ import annotations

import pytest

from fakeslack import event_callback, message_event
from slackapp import ACME, DEV
from test_slack_app import KEY, PASTE

from bridgebot.app import build_app, socket_mode_handler
from bridgebot.settings import Settings

pytest.importorskip("websockets")


@pytest.fixture
def socket_server():
    from socketmode import SocketModeServer

    with SocketModeServer() as server:
        yield server


def test_socket_mode_events_are_acked_stored_handled_and_survive_a_reconnect(fake_slack, socket_server, tmp_path,
                                                                             bridge_specs) -> None:
    fake_slack.socket_mode_url = socket_server.url
    settings = Settings(bot_token="xoxb-test-token", app_token="xapp-1-test", db_path=str(tmp_path / "bb.db"),
                        slack_api_url=fake_slack.base_url)
    app = build_app(settings, specs=bridge_specs)
    handler = socket_mode_handler(app, settings.app_token)
    handler.connect()
    try:
        socket_server.wait_connections(1)
        first = event_callback(message_event(ACME, DEV, PASTE, ts="1700003000.000100", team="T_EXT"),
                               event_id="EvSock1")
        envelope = socket_server.send_event(first)
        assert socket_server.wait_ack(envelope) == {"envelope_id": envelope}
        # Acked because it is stored (redacted): handled from the inbox, like HTTP mode.
        rows = app.store.db.execute("SELECT event_key, body FROM inbox").fetchall()
        assert [r[0] for r in rows] == ["EvSock1"] and KEY not in rows[0][1]
        # Slack redelivers an envelope it thinks was not acked: recognised.
        socket_server.wait_ack(socket_server.send_event(first, retry_attempt=1))
        app.process_inbox()
        app.deliverer.deliver_due()
        assert app.store.db.execute("SELECT COUNT(*) FROM threads").fetchone() == (1,)
        assert len(fake_slack.successful_calls("chat.postMessage")) == 1

        socket_server.disconnect()  # Slack rotates the connection
        socket_server.wait_connections(2)
        assert len(fake_slack.calls("apps.connections.open")) == 2
        second = event_callback(message_event(ACME, DEV, "How long do ACH payouts take to land?",
                                              ts="1700003001.000100", team="T_EXT"), event_id="EvSock2")
        socket_server.wait_ack(socket_server.send_event(second))
        app.process_inbox()
        app.deliverer.deliver_due()
        assert app.store.db.execute("SELECT COUNT(*) FROM threads").fetchone() == (2,)
        assert len(fake_slack.successful_calls("chat.postMessage")) == 2
    finally:
        handler.close()
        app.stop()
