"""Tests for the FakeSlack Web API fake and the Slack-side request helpers."""

from __future__ import annotations

import json
import os
import sys
import threading
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Dict, Iterator, List, Tuple

import pytest
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from slack_sdk.http_retry.builtin_handlers import RateLimitErrorRetryHandler
from slack_sdk.signature import SignatureVerifier

sys.path.insert(0, os.path.dirname(__file__))

from fakeslack import (  # noqa: E402
    BOT_USER_ID,
    Call,
    FakeSlack,
    block_action,
    event_callback,
    message_event,
    signed_post,
    slash_command,
)

TOKEN = "xoxb-1-test"
SECRET = "test-signing-secret"


@pytest.fixture
def fake() -> Iterator[FakeSlack]:
    with FakeSlack() as f:
        yield f


@pytest.fixture
def client(fake: FakeSlack) -> WebClient:
    return WebClient(token=TOKEN, base_url=fake.base_url, timeout=5)


class _Local:
    """A throwaway 127.0.0.1 HTTP server running ``handle(method, path, headers, body) -> (status, headers, body)``."""

    def __init__(self, handle: Any) -> None:
        class H(BaseHTTPRequestHandler):
            def log_message(self, *a: Any) -> None:
                pass

            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                status, headers, out = handle(self.path, self.headers, body)
                data = out.encode("utf-8")
                self.send_response(status)
                for k, v in headers.items():
                    self.send_header(k, v)
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), H)
        self.server.daemon_threads = True
        self.thread = threading.Thread(target=self.server.serve_forever, kwargs={"poll_interval": 0.05})
        self.thread.start()
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/slack/events"

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()
        self.thread.join(5)


# ---------------------------------------------------------------------- Web API fake


def test_base_url_and_auth_test(fake: FakeSlack, client: WebClient) -> None:
    assert fake.base_url == f"http://127.0.0.1:{fake.port}/api/"
    resp = client.auth_test()
    assert resp["user_id"] == "U_BOT" and resp["team_id"] == "T_HOME" and resp["bot_id"] == "B_BOT"
    [call] = fake.calls("auth.test")
    assert call.token == TOKEN and call.http_method == "POST" and call.url == "/api/auth.test"
    assert call.headers["Authorization"] == f"Bearer {TOKEN}"


def test_base_url_without_trailing_slash_also_works(fake: FakeSlack) -> None:
    WebClient(token=TOKEN, base_url=fake.base_url.rstrip("/")).auth_test()
    assert fake.calls("auth.test")[0].url == "/api/auth.test"


def test_post_then_update_and_replies(fake: FakeSlack, client: WebClient) -> None:
    blocks = [{"type": "section", "text": {"type": "mrkdwn", "text": "*hi*"}}]
    first = client.chat_postMessage(channel="C1", text="hi", blocks=blocks)
    reply = client.chat_postMessage(channel="C1", text="in thread", thread_ts=first["ts"])
    assert float(reply["ts"]) > float(first["ts"])
    assert first["message"]["bot_id"] == "B_BOT" and first["message"]["blocks"] == blocks
    assert reply["message"]["thread_ts"] == first["ts"]

    upd = client.chat_update(channel="C1", ts=first["ts"], text="edited")
    assert (upd["channel"], upd["ts"], upd["text"]) == ("C1", first["ts"], "edited")

    thread = client.conversations_replies(channel="C1", ts=first["ts"])
    assert [m["text"] for m in thread["messages"]] == ["edited", "in thread"]
    assert thread["messages"][0]["reply_count"] == 1

    call = fake.calls("chat.postMessage")[0]
    assert call.headers["Content-Type"].startswith("application/json")
    assert call.json("blocks") == blocks  # JSON body: already decoded


def test_form_encoded_json_arg_is_kept_raw(fake: FakeSlack, client: WebClient) -> None:
    raw = json.dumps([{"type": "divider"}])
    client.api_call("chat.postMessage", data={"channel": "C1", "blocks": raw})
    call = fake.calls("chat.postMessage")[0]
    assert call.headers["Content-Type"] == "application/x-www-form-urlencoded"
    assert call.args["blocks"] == raw and call.json("blocks") == [{"type": "divider"}]


def test_update_unknown_ts(client: WebClient) -> None:
    with pytest.raises(SlackApiError) as e:
        client.chat_update(channel="C1", ts="1.000000", text="x")
    assert e.value.response["error"] == "message_not_found"


def test_users_and_channels_directory(fake: FakeSlack, client: WebClient) -> None:
    fake.add_user("U_ALICE", "T_EXT", name="alice")
    user = client.users_info(user="U_ALICE")["user"]
    assert (user["id"], user["team_id"], user["name"], user["is_bot"]) == ("U_ALICE", "T_EXT", "alice", False)
    with pytest.raises(SlackApiError) as e:
        client.users_info(user="U_NOBODY")
    assert e.value.response["error"] == "user_not_found"

    fake.add_channel("C_SHARED", "bridge-shared")
    ch = client.conversations_info(channel="C_SHARED")["channel"]
    assert ch["is_ext_shared"] and ch["is_member"] and "T_EXT" in ch["connected_team_ids"]
    with pytest.raises(SlackApiError) as e:
        client.conversations_info(channel="C_NOPE")
    assert e.value.response["error"] == "channel_not_found"
    # slack_sdk POSTs "GET" methods with a form body.
    assert fake.calls("users.info")[0].args == {"user": "U_ALICE"}


def test_misc_methods(fake: FakeSlack, client: WebClient) -> None:
    ts = client.chat_postMessage(channel="C1", text="x")["ts"]
    assert client.chat_getPermalink(channel="C1", message_ts=ts)["permalink"].endswith(
        f"/archives/C1/p{ts.replace('.', '')}"
    )
    assert client.chat_postEphemeral(channel="C1", user="U1", text="psst")["message_ts"]
    client.reactions_add(channel="C1", timestamp=ts, name="eyes")
    with pytest.raises(SlackApiError):
        client.reactions_add(channel="C1", timestamp=ts, name="eyes")
    view = client.views_open(trigger_id="t", view={"type": "modal", "title": {"type": "plain_text", "text": "T"}})
    assert view["view"]["id"].startswith("V") and view["view"]["type"] == "modal"
    assert client.team_info()["team"]["id"] == "T_HOME"
    assert client.api_call("some.unknown")["ok"] is True
    with pytest.raises(SlackApiError) as e:
        client.apps_connections_open(app_token=TOKEN)
    assert e.value.response["error"] == "not_allowed_token_type"
    assert client.apps_connections_open(app_token="xapp-1-x")["url"] == "ws://127.0.0.1:1/"
    client.chat_delete(channel="C1", ts=ts)
    with pytest.raises(SlackApiError):
        client.chat_update(channel="C1", ts=ts, text="gone")


def test_rate_limit_then_success_with_retry_handler(fake: FakeSlack) -> None:
    fake.fail_next("chat.postMessage", status=429, retry_after=0)
    client = WebClient(
        token=TOKEN, base_url=fake.base_url, retry_handlers=[RateLimitErrorRetryHandler(max_retry_count=1)]
    )
    assert client.chat_postMessage(channel="C1", text="hi")["ok"]
    attempts = fake.calls("chat.postMessage")
    assert [c.status for c in attempts] == [429, 200]
    assert attempts[0].error == "ratelimited"
    assert len(fake.successful_calls("chat.postMessage")) == 1


def test_failures_without_retry(fake: FakeSlack, client: WebClient) -> None:
    fake.fail_next("chat.postMessage", status=429, retry_after=7)
    with pytest.raises(SlackApiError) as e:
        client.chat_postMessage(channel="C1", text="hi")
    assert e.value.response.status_code == 429
    assert e.value.response.headers["Retry-After"] == "7"

    fake.fail_next("users.info", status=503, times=2)
    for _ in range(2):
        with pytest.raises(SlackApiError) as e:
            client.users_info(user=BOT_USER_ID)
        assert e.value.response.status_code == 503 and e.value.response["error"] == "internal_error"
    assert client.users_info(user=BOT_USER_ID)["ok"]

    fake.error_next("conversations.info", error="missing_scope")
    with pytest.raises(SlackApiError) as e:
        client.conversations_info(channel="C1")
    assert e.value.response.status_code == 200 and e.value.response["error"] == "missing_scope"
    assert [c.ok for c in fake.calls("users.info")] == [False, False, True]


def test_token_required(fake: FakeSlack) -> None:
    anon = WebClient(base_url=fake.base_url)
    with pytest.raises(SlackApiError) as e:
        anon.auth_test()
    assert e.value.response["error"] == "not_authed"
    assert anon.api_call("auth.test", data={"token": "xoxb-in-body"})["ok"]
    assert fake.calls()[-1].token == "xoxb-in-body"
    with pytest.raises(SlackApiError) as e:
        WebClient(token="not-a-token", base_url=fake.base_url).auth_test()
    assert e.value.response["error"] == "invalid_auth"


def test_saw_and_clear(fake: FakeSlack, client: WebClient) -> None:
    client.chat_postMessage(channel="C1", text="summary by model")
    client.api_call("x.y", data={"note": "a key+with/specials"})
    assert fake.saw("summary by model")
    assert fake.saw("a key+with/specials")  # found despite form encoding
    assert not fake.saw("sk-secret-api-key")
    fake.clear()
    assert fake.calls() == [] and not fake.saw("summary by model")


def test_custom_handler_and_wait_for(fake: FakeSlack, client: WebClient) -> None:
    fake.set_handler("users.lookupByEmail", lambda call: {"ok": True, "user": {"id": "U9"}})
    assert client.users_lookupByEmail(email="a@b.c")["user"]["id"] == "U9"
    threading.Timer(0.05, lambda: client.chat_postMessage(channel="C1", text="later")).start()
    [call] = fake.wait_for("chat.postMessage", timeout=2)
    assert isinstance(call, Call) and call.args["text"] == "later"


def test_hook_url_records_respond(fake: FakeSlack) -> None:
    from slack_sdk.webhook import WebhookClient

    resp = WebhookClient(fake.hook_url("r1")).send(text="done")
    assert resp.status_code == 200 and resp.body == "ok"
    assert fake.calls("hooks/r1")[0].args == {"text": "done"}


def test_files_upload_v2_round_trip(fake: FakeSlack, client: WebClient) -> None:
    resp = client.files_upload_v2(channel="C1", content=b"bridged bytes", filename="a.txt", thread_ts="1.0")
    file_id = resp["file"]["id"]
    assert fake.files[file_id]["content"] == b"bridged bytes"
    assert fake.files[file_id]["channel_id"] == "C1"
    assert [c.method for c in fake.calls()] == [
        "files.getUploadURLExternal",
        f"upload/{file_id}",
        "files.completeUploadExternal",
    ]


# ---------------------------------------------------------------------- Slack-side helpers


def test_signed_post_signature_verifies() -> None:
    seen: List[Tuple[bool, Dict[str, str], bytes]] = []

    def handle(path: str, headers: Any, body: bytes) -> Tuple[int, Dict[str, str], str]:
        ok = SignatureVerifier(SECRET).is_valid_request(body, dict(headers.items()))
        seen.append((ok, dict(headers.items()), body))
        return (200 if ok else 401), {"Content-Type": "text/plain", "X-Test": "1"}, "fine" if ok else "nope"

    server = _Local(handle)
    try:
        body = json.dumps(event_callback(message_event("C1", "U_ALICE", "hello")))
        status, headers, text = signed_post(server.url, body, SECRET)
        assert (status, text, headers["x-test"]) == (200, "fine", "1")
        assert seen[0][2] == body.encode()
        status, _, text = signed_post(server.url, body, "wrong-secret")
        assert (status, text) == (401, "nope")
    finally:
        server.close()
    with pytest.raises(ValueError):
        signed_post("http://example.com/slack/events", "{}", SECRET)


def test_payload_builders_shapes() -> None:
    ev = message_event("C1", "U_ALICE", "hi", thread_ts="1.0")
    env = event_callback(ev)
    assert env["type"] == "event_callback" and env["event_id"].startswith("Ev")
    assert env["authorizations"][0]["team_id"] == "T_HOME" and env["is_ext_shared_channel"] is True
    assert ev["user_team"] == ev["source_team"] == ev["team"] == "T_EXT" and "blocks" not in ev
    assert event_callback(ev)["event_id"] != env["event_id"]

    body = block_action("approve", "v1", "U_ALICE", "T_EXT", "C1", "1700000100.000100")
    payload = json.loads(urllib.parse.parse_qs(body)["payload"][0])
    assert body.startswith("payload=")
    assert payload["user"]["team_id"] == "T_EXT" and payload["team"]["id"] == "T_HOME"
    assert payload["actions"][0]["action_id"] == "approve" and payload["container"]["channel_id"] == "C1"

    cmd = urllib.parse.parse_qs(slash_command("/bridge", "status now", "U_ALICE", "T_HOME", "C1"))
    assert cmd["command"] == ["/bridge"] and cmd["text"] == ["status now"] and cmd["trigger_id"]


def test_against_real_bolt_app(fake: FakeSlack) -> None:
    """A Bolt app served over HTTP, receiving our signed payloads and calling the fake."""
    from slack_bolt import App, BoltRequest

    app = App(
        client=WebClient(token=TOKEN, base_url=fake.base_url),
        signing_secret=SECRET,
        process_before_response=True,  # listeners run inline: nothing left running after the test
    )

    @app.event("message")
    def on_message(event: Dict[str, Any], say: Any) -> None:
        say(text=f"echo: {event['text']}", thread_ts=event["ts"])

    @app.action("approve")
    def on_approve(ack: Any, body: Dict[str, Any], client: WebClient) -> None:
        ack()
        client.chat_update(channel=body["channel"]["id"], ts=body["container"]["message_ts"], text="approved")

    @app.command("/bridge")
    def on_command(ack: Any, command: Dict[str, Any]) -> None:
        ack(f"status for {command['user_id']}")

    def handle(path: str, headers: Any, body: bytes) -> Tuple[int, Dict[str, str], str]:
        _, _, query = path.partition("?")
        resp = app.dispatch(BoltRequest(body=body.decode("utf-8"), query=query, headers=dict(headers.items())))
        return resp.status, {k: v[0] for k, v in resp.headers.items()}, resp.body

    server = _Local(handle)
    try:
        ev = message_event("C_SHARED", "U_ALICE", "hello from outside")
        status, _, _ = signed_post(server.url, json.dumps(event_callback(ev)), SECRET)
        assert status == 200
        [post] = fake.wait_for("chat.postMessage")
        # Bolt's say() also sends team_id (the installed team) with every post.
        assert post.args == {
            "channel": "C_SHARED",
            "text": "echo: hello from outside",
            "thread_ts": ev["ts"],
            "team_id": "T_HOME",
        }

        posted_ts = post.response["ts"]
        body = block_action("approve", "v", "U_ALICE", "T_EXT", "C_SHARED", posted_ts)
        status, _, _ = signed_post(server.url, body, SECRET, content_type="application/x-www-form-urlencoded")
        assert status == 200
        assert fake.successful_calls("chat.update")[0].args["text"] == "approved"

        body = slash_command("/bridge", "", "U_ALICE", "T_HOME", "C_SHARED")
        status, _, text = signed_post(server.url, body, SECRET, content_type="application/x-www-form-urlencoded")
        assert status == 200 and "status for U_ALICE" in text

        status, _, _ = signed_post(server.url, json.dumps(event_callback(ev)), "bad-secret")
        assert status == 401
    finally:
        server.close()


def test_response_url_rules_as_slack_applies_them(fake: FakeSlack) -> None:
    from slack_sdk.webhook import WebhookClient

    hook = WebhookClient(fake.hook_url("r2"))
    empty = hook.send_dict({"response_type": "ephemeral"})
    assert empty.status_code == 400 and empty.body == "no_text"
    bad = hook.send_dict({"text": "x", "response_type": "everyone"})
    assert bad.status_code == 400 and bad.body == "invalid_response_type"
    for _ in range(3):  # five uses in all, counting the two refused above
        assert hook.send(text="ok").status_code == 200
    used = hook.send(text="sixth")
    assert used.status_code == 404 and used.body == "used_url"
    assert [c.args["text"] for c in fake.responses("r2")] == ["ok", "ok", "ok"]


def test_views_publish_keeps_each_users_home_tab(fake: FakeSlack, client: WebClient) -> None:
    fake.add_user("U_A", team_id="T_HOME")
    client.views_publish(user_id="U_A", view={"type": "home", "blocks": [{"type": "divider"}]})
    assert fake.home_views["U_A"]["blocks"] == [{"type": "divider"}] and fake.home_views["U_A"]["id"]
    for args, error in ((dict(user_id="U_NOBODY", view={"type": "home", "blocks": []}), "user_not_found"),
                        (dict(user_id="U_A", view={"type": "modal", "blocks": []}), "invalid_arguments"),
                        (dict(user_id="U_A", view={"type": "home", "blocks": [{"type": "divider"}] * 101}),
                         "invalid_blocks")):
        with pytest.raises(SlackApiError) as e:
            client.views_publish(**args)
        assert e.value.response["error"] == error
    assert len(fake.home_views["U_A"]["blocks"]) == 1


def test_reactions_and_shortcut_payloads(fake: FakeSlack, client: WebClient) -> None:
    from fakeslack import app_home_opened, message_shortcut, reaction_event

    fake.add_message("C1", "1.000100", text="q", user="U_DEV")
    fake.add_reaction("C1", "1.000100", "eyes", "U_A")
    fake.add_reaction("C1", "1.000100", "eyes", "U_A")  # once per person
    assert client.reactions_get(channel="C1", timestamp="1.000100")["message"]["reactions"] == [
        {"name": "eyes", "users": ["U_A"], "count": 1}]
    event = reaction_event("U_A", "eyes", "C1", "1.000100")
    assert event["item"] == {"type": "message", "channel": "C1", "ts": "1.000100"} and "user_team" not in event
    payload = json.loads(urllib.parse.parse_qs(message_shortcut("claim_thread", "U_A", "T_HOME", "C1",
                                                                {"ts": "1.000100"}))["payload"][0])
    assert (payload["type"], payload["callback_id"], payload["message_ts"]) == ("message_action", "claim_thread",
                                                                                "1.000100")
    assert app_home_opened("U_A")["tab"] == "home"
