"""`bridgebot demo`: the playground drives the real app through a local Slack, over HTTP.

These tests use the page's own JSON API (what its controls call); tests/test_playground_browser.py
clicks through the page itself in headless Chromium.
"""

from __future__ import annotations

import json
import time
import urllib.request
from typing import Any

import pytest

from bridgebot.playground.demo import Playground, slack_escape

BAD_CURL = """curl -X POST https://api.bridge.xyz/v0/transfers -H "Api-Key: $BRIDGE_KEY" \\
  -H "Idempotency-Key: 1" -H "Content-Type: application/json" \\
  -d '{"amount": "10", "on_behalf_of": "cust_1", "source": {"payment_rail": "ach", "currency": "usd"},
       "destination": {"payment_rail": "ethereum", "currency": "usdcc", "to_address": "0xabc"}}'"""

from conftest import STEADY_BUDGET as STEADY  # noqa: E402


@pytest.fixture
def playground(tmp_path, bridge_specs):
    with Playground(db_path=tmp_path / "demo.db", specs=bridge_specs, seed=False, check_budget=STEADY) as p:
        yield p


def call(p: Playground, path: str, body: dict[str, Any] | None = None) -> tuple[int, dict[str, Any]]:
    data = None if body is None else json.dumps(body).encode()
    req = urllib.request.Request(p.url + path, data=data, headers={"Content-Type": "application/json"},
                                 method="GET" if body is None else "POST")
    try:
        with urllib.request.urlopen(req, timeout=10) as resp:
            return resp.status, json.loads(resp.read())
    except urllib.error.HTTPError as e:
        return e.code, json.loads(e.read())


def wait_for(p: Playground, viewer: str, predicate, timeout: float = 10.0) -> dict[str, Any]:
    """The page polls; so do we (the app answers after its own delivery thread posts)."""
    deadline = time.monotonic() + timeout
    while True:
        p.app.deliverer.deliver_due()
        _, state = call(p, f"/api/state?as={viewer}")
        if predicate(state):
            return state
        if time.monotonic() > deadline:
            raise AssertionError(f"not reached in {timeout}s: {json.dumps(state)[:2000]}")
        time.sleep(0.05)


def bot_replies(state: dict[str, Any], root_ts: str) -> list[dict[str, Any]]:
    return [m for m in state["messages"] if m["bot"] and m["thread_ts"] == root_ts]


def test_a_customer_paste_gets_the_bot_reply_naming_the_field(playground: Playground) -> None:
    status, posted = call(playground, "/api/post", {"as": "U_DANA", "channel": "C_ACME", "text": BAD_CURL})
    assert status == 200 and posted["ok"]
    state = wait_for(playground, "U_DANA", lambda s: bot_replies(s, posted["ts"]))
    reply = json.dumps(bot_replies(state, posted["ts"])[0]["blocks"])
    assert "destination.currency" in reply and "usdc" in reply
    # The customer's message is stored and shown as Slack would: escaped, by an external member.
    mine = next(m for m in state["messages"] if m["ts"] == posted["ts"])
    assert mine["text"] == slack_escape(BAD_CURL) and mine["external"] and mine["org"] == "Acme Pay"
    [thread] = state["threads"]
    assert thread["customer"] == "Acme Pay" and thread["status"] == "open" and thread["claimed_by"] is None


def test_a_specialist_claims_with_the_button_and_the_state_changes(playground: Playground) -> None:
    _, posted = call(playground, "/api/post", {"as": "U_DANA", "channel": "C_ACME", "text": BAD_CURL})
    state = wait_for(playground, "U_SAM", lambda s: bot_replies(s, posted["ts"]))
    reply = bot_replies(state, posted["ts"])[0]
    claim = next(e for b in reply["blocks"] if b["type"] == "actions" for e in b["elements"]
                 if e["action_id"] == "bb_claim")
    status, _ = call(playground, "/api/click", {"as": "U_SAM", "channel": "C_ACME", "ts": reply["ts"],
                                               "action_id": claim["action_id"], "value": claim["value"]})
    assert status == 200
    state = wait_for(playground, "U_SAM", lambda s: s["threads"][0]["claimed_by"] == "Sam (Bridge support)")
    updated = bot_replies(state, posted["ts"])[0]
    assert "claimed by" in json.dumps(updated["blocks"]) and updated["edited"]


def test_a_customer_clicking_claim_is_refused_privately(playground: Playground) -> None:
    _, posted = call(playground, "/api/post", {"as": "U_DANA", "channel": "C_ACME", "text": BAD_CURL})
    state = wait_for(playground, "U_DANA", lambda s: bot_replies(s, posted["ts"]))
    reply = bot_replies(state, posted["ts"])[0]
    call(playground, "/api/click", {"as": "U_DANA", "channel": "C_ACME", "ts": reply["ts"],
                                    "action_id": "bb_claim", "value": str(state["threads"][0]["id"])})
    state = wait_for(playground, "U_DANA", lambda s: s["ephemeral"])
    assert state["threads"][0]["claimed_by"] is None
    # Only the person who clicked sees the refusal.
    assert call(playground, "/api/state?as=U_SAM")[1]["ephemeral"] == []


def test_bad_input_gets_a_clear_error_and_changes_nothing(playground: Playground) -> None:
    assert call(playground, "/api/post", {"as": "U_NOBODY", "channel": "C_ACME", "text": "hi"}) == (
        400, {"ok": False, "error": "nobody called 'U_NOBODY' is in the playground"})
    status, body = call(playground, "/api/post", {"as": "U_DANA", "channel": "C_ACME", "text": "x" * 40_001})
    assert status == 400 and "40,000" in body["error"]
    status, body = call(playground, "/api/post", {"as": "U_DANA", "channel": "C_ACME", "text": "  "})
    assert status == 400
    status, body = call(playground, "/api/post", {"as": "U_DANA"})
    assert status == 400 and "bad request" in body["error"]
    assert call(playground, "/api/state?as=U_DANA")[1]["messages"] == []


def test_the_page_and_its_assets_are_served(playground: Playground) -> None:
    for path, marker in (("/", b"bridgebot playground"), ("/app.js", b"/api/state"), ("/app.css", b"#composer")):
        with urllib.request.urlopen(playground.url + path, timeout=10) as resp:
            assert resp.status == 200 and marker in resp.read()


def test_seeded_conversations_are_answered_by_the_app(tmp_path, bridge_specs) -> None:
    with Playground(db_path=tmp_path / "demo.db", specs=bridge_specs, check_budget=STEADY) as p:
        state = wait_for(p, "U_SAM", lambda s: len([m for m in s["messages"] if m["bot"]]) >= 3)
        assert {t["customer"] for t in state["threads"]} == {"Acme Pay", "Globex Remit"}
        assert p.url.startswith("http://127.0.0.1:")


def test_a_specialist_runs_bridge_commands_and_opens_the_app_home(playground: Playground) -> None:
    _, posted = call(playground, "/api/post", {"as": "U_DANA", "channel": "C_ACME", "text": BAD_CURL})
    wait_for(playground, "U_SAM", lambda s: bot_replies(s, posted["ts"]))
    status, queue = call(playground, "/api/command", {"as": "U_SAM", "channel": "C_ACME", "text": "queue"})
    assert status == 200 and "BB-1" in json.dumps(queue["responses"])
    status, claimed = call(playground, "/api/command", {"as": "U_SAM", "channel": "C_ACME", "text": "claim BB-1"})
    assert "You claimed BB-1" in json.dumps(claimed["responses"])
    assert call(playground, "/api/home", {"as": "U_SAM"})[0] == 200
    state = wait_for(playground, "U_SAM", lambda s: s["home"] is not None)
    assert "BB-1" in json.dumps(state["home"]["blocks"])
    # A customer gets the polite refusal, and nothing changes.
    _, refused = call(playground, "/api/command", {"as": "U_DANA", "channel": "C_ACME", "text": "resolve BB-1"})
    assert "for the support team" in json.dumps(refused["responses"])
    assert call(playground, "/api/state?as=U_SAM")[1]["threads"][0]["status"] == "open"
