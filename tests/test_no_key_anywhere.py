"""Issue 6, item 6: no key in any output — text, JSON, JSON lines, Slack replies, logs, the database.

The cases of the issue first (each leaked before: in `check --format json`, or stored raw in
threads.text with no warning), then one test that plants keys in every sample paste of the
corpus and scans every output for them.
"""

from __future__ import annotations

import json
import logging
import random
import string
from pathlib import Path

import pytest
from click.testing import CliRunner

from bridgebot.cli import cli
from bridgebot.desk import Channel, Message, SupportDesk
from bridgebot.settings import Settings
from bridgebot.tracking import Store
from conftest import BRIDGE_SPEC, PASTES

KEY = "sk-live-0123456789abcdef0123456789ab"


def _pct(value: str) -> str:
    return "".join(f"%{ord(c):02X}" if c in "-_" else c for c in value)


def _uesc(value: str) -> str:
    return "".join(f"\\u{ord(c):04x}" if i % 3 == 0 else c for i, c in enumerate(value))


def cli_outputs(paste: str) -> str:
    outs = []
    for fmt in ("text", "json", "jsonl"):
        run = CliRunner().invoke(cli, ["check", "--spec", str(BRIDGE_SPEC), "--format", fmt, "-"], input=paste)
        assert run.exception is None or isinstance(run.exception, SystemExit), run.exception
        outs.append(run.stdout + run.stderr)
    return "\n".join(outs)


@pytest.mark.parametrize("paste, leaked", [
    # A key inside a pasted error's code, param or source.location.
    ('POST /v0/customers failed:\n{"code": "%s", "message": "bad request"}' % KEY, KEY),
    ('{"code": "invalid_parameters", "message": "bad", "param": "%s"}' % KEY, KEY),
    ('{"code": "invalid", "message": "bad", "source": {"location": "%s", "key": "email"}}' % KEY, KEY),
    # Percent-encoded and \u-escaped keys.
    (f"curl 'https://api.bridge.xyz/v0/customers?cursor={_pct(KEY)}' -H 'Api-Key: $K'", _pct(KEY)),
    ('{"code": "invalid_api_key", "message": "Invalid key %s"}' % _uesc(KEY), KEY),
    # A key glued to a word character.
    (f"curl https://api.bridge.xyz/v0/customers -H 'Api-Key: mykey{KEY}'", KEY),
    (f"curl https://api.bridge.xyz/v0/customers -H 'Authorization: Bearersk_live_51HabcdefGHIJ0123456789'",
     "sk_live_51HabcdefGHIJ0123456789"),
], ids=["error-code", "error-param", "error-source-location", "percent-encoded", "u-escaped", "glued", "glued-stripe"])
def test_a_key_in_an_odd_place_is_redacted_in_every_format(paste: str, leaked: str) -> None:
    out = cli_outputs(paste)
    assert leaked not in out
    assert "…" in out  # it was found and shown redacted, not dropped


@pytest.mark.parametrize("text, secret", [
    ("curl -u :hunter2Xq7pw https://api.bridge.xyz/v0/customers", "hunter2Xq7pw"),
    ("curl -u admin:hunter2Xq7pw https://api.bridge.xyz/v0/customers", "hunter2Xq7pw"),
    ("requests.get('https://api.bridge.xyz/v0/customers', auth=('user', 'hunter2Xq7pw'))", "hunter2Xq7pw"),
    ("requests.get('https://api.bridge.xyz/v0/customers', auth=(‘user’, ‘hunter2Xq7pw’))", "hunter2Xq7pw"),
    ("GET <https://api.bridge.xyz/v0/customers?limit=1&amp;api_key=a1b2c3d4e5f6g7>", "a1b2c3d4e5f6g7"),
    ("curl 'https://api.bridge.xyz/v0/customers?access_token=a1b2c3d4e5f6g7'", "a1b2c3d4e5f6g7"),
], ids=["curl-u-password-only", "curl-u-user-password", "auth-tuple", "auth-tuple-smart-quotes", "api_key-query",
        "access_token-query"])
def test_passwords_and_query_keys_are_warned_about_and_never_stored(bot, text: str, secret: str) -> None:
    from fakeslack import message_event
    from slackapp import ACME, DEV

    status, _ = bot.post_event(message_event(ACME, DEV, text, ts="1700000000.000100", team="T_EXT"), event_id="Ev1")
    assert status == 200
    bot.deliver()
    (stored,) = bot.rows("SELECT text FROM threads")
    assert secret not in stored[0] and "…" in stored[0]
    warnings = [c for c in bot.fake.successful_calls("chat.postEphemeral") if c.args["user"] == DEV]
    assert len(warnings) == 1
    assert not bot.fake.saw(secret)
    bot.app.store.db.execute("PRAGMA wal_checkpoint(FULL)")
    for path in bot.db_path.parent.glob("bridgebot.db*"):
        assert secret.encode() not in path.read_bytes(), path


# --- the whole corpus -------------------------------------------------------------------------------

def _random(n: int, rng: random.Random, alphabet: str = string.ascii_letters + string.digits) -> str:
    return "".join(rng.choice(alphabet) for _ in range(n - 1)) + rng.choice(string.digits)


def planted_keys(rng: random.Random) -> dict[str, str]:
    return {
        "header": "sk-live-" + _random(24, rng),
        "test_key": "sk-test-" + _random(24, rng),
        "error_code": "sk-live-" + _random(24, rng),
        "error_param": "sk_live_" + _random(24, rng),
        "error_location": "sk-test-" + _random(24, rng),
        "percent": "sk-live-" + _random(24, rng),
        "u_escaped": "sk-live-" + _random(24, rng),
        "glued": "sk_test_" + _random(24, rng),
        "github": "ghp_" + _random(36, rng),
        "curl_password": _random(12, rng),
        "curl_user_password": _random(12, rng),
        "tuple_password": _random(12, rng),
        "query": _random(20, rng),
        "bearer": "eyJ" + _random(40, rng),
    }


def plant(k: dict[str, str]) -> tuple[str, list[str]]:
    """Lines that hold every planted key, and every spelling of them that must never be output."""
    block = "\n".join([
        "```",
        f"curl -X POST https://api.bridge.xyz/v0/customers -H 'Api-Key: {k['header']}' -u :{k['curl_password']}",
        f"curl https://api.bridge.xyz/v0/wallets -u admin:{k['curl_user_password']} -H \"X-Test: {k['test_key']}\"",
        f"requests.get('https://api.bridge.xyz/v0/customers', auth=('user', '{k['tuple_password']}'))",
        f"curl 'https://api.bridge.xyz/v0/customers?limit=2&api_key={k['query']}'",
        f"curl https://api.bridge.xyz/v0/customers/{_pct(k['percent'])} -H 'Authorization: Bearer {k['bearer']}'",
        "```",
        json.dumps({"code": k["error_code"], "message": "bad", "param": k["error_param"],
                    "source": {"location": k["error_location"], "key": "email"}}),
        '{"error": {"code": "invalid", "message": "key %s", "param": "token%s"}}' % (_uesc(k["u_escaped"]), k["glued"]),
        f"our token is {k['github']}",
    ])
    spellings = [*k.values(), _pct(k["percent"]), _uesc(k["u_escaped"])]
    return block, spellings


def corpus() -> list[tuple[str, str]]:
    """Every sample paste: tests/pastes, and the pastes other tests use."""
    from test_bounded_checker import POISON, SLOW_PASTES
    from test_stored_results import LONG

    pastes = [(p.name, p.read_text()) for p in sorted(PASTES.glob("*.txt"))]
    pastes += [("poison", POISON), ("long", LONG)] + [(name, text[:6000]) for name, text in SLOW_PASTES.items()]
    return pastes


class _Directory:
    bot_user_id, bot_id = "U_BOT", "B_BOT"

    def is_internal(self, user_id: str, team_id: str | None) -> bool:
        return team_id == "T_HOME"

    def channel(self, channel_id: str) -> Channel:
        return Channel(id=channel_id, is_support=True, customer_team_id="T_EXT")

    def customer_name(self, team_id: str | None, channel_id: str) -> str | None:
        return "Acme"


def _slack_escaped(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def test_no_planted_key_reaches_any_output_of_the_corpus(bridge_specs, tmp_path: Path, caplog) -> None:
    caplog.set_level(logging.DEBUG)
    rng = random.Random(6)
    store = Store(tmp_path / "corpus.db")
    from conftest import steady_checker

    desk = SupportDesk(store, bridge_specs, _Directory(), Settings(), checker=steady_checker(bridge_specs))
    from bridgebot.tracking import threads as th
    outputs: list[tuple[str, str]] = []
    plants: list[tuple[str, list[str]]] = []
    for i, (name, paste) in enumerate(corpus()):
        block, spellings = plant(planted_keys(rng))
        # Before the paste and after it: a key's finding goes to the request it sits in.
        text = f"{block}\n{paste}" if i % 2 else f"{paste}\n{block}"
        plants.append((name, spellings))
        outputs.append((name, cli_outputs(text)))
        outcome = desk.handle_message(f"Ev{i}", Message(channel_id="C1", ts=f"17000{i:05d}.000100", user_id="U_DEV",
                                                        text=_slack_escaped(text), team_id="T_EXT"))
        assert outcome.action == "opened", (name, outcome)
        # A click rebuilds the reply from what was stored.
        desk.handle_click("claim", outcome.thread.id, user_id="U_SPEC", team_id="T_HOME", channel_id="C1",
                          interaction_id=f"click{i}")
        with store.transaction() as db:
            thread = th.get_thread(db, outcome.thread.id)
            assert thread is not None
            desk._queue_update(db, thread)
    payloads = [row[0] for row in store.db.execute("SELECT payload FROM outbox").fetchall()]
    assert len(payloads) >= 2 * len(plants)  # the reply (updated in place before it is posted) and the key warning
    store.db.execute("PRAGMA wal_checkpoint(FULL)")
    database = "\n".join(store.db.conn.iterdump())
    everything = "\n".join([*(o for _, o in outputs), *payloads, database, caplog.text])
    decoded_payloads = "\n".join(json.dumps(json.loads(p), ensure_ascii=False) for p in payloads)
    for name, spellings in plants:
        for value in spellings:
            assert value not in everything, f"{name}: {value} leaked"
            assert value not in decoded_payloads, f"{name}: {value} leaked in a Slack reply"
    for path in tmp_path.glob("corpus.db*"):
        data = path.read_bytes()
        for name, spellings in plants:
            assert not any(v.encode() in data for v in spellings), (name, path)


def test_redacting_a_password_that_is_a_common_word_leaves_the_spec_alone(bridge_specs) -> None:
    from bridgebot.check import check_paste

    first = check_paste("curl -u admin:customers https://api.bridge.xyz/v0/customers", bridge_specs)
    assert "customers" not in first.to_dict()["requests"][0]["url"]
    later = check_paste("curl https://api.bridge.xyz/v0/customers -H 'Api-Key: $K'", bridge_specs)
    assert later.requests[0].operation.path == "/v0/customers"
