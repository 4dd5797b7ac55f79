"""Rough edges a newcomer hits first: bad specs, unreadable files, missing tokens, a body in a file."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from bridgebot.cli import cli
from bridgebot.settings import Settings, SettingsError
from conftest import BRIDGE_SPEC, PASTES

PASTE = PASTES / "bridge_transfer_curl.txt"


def invoke(*args: str, input: str | None = None):
    return CliRunner().invoke(cli, list(args), input=input)


@pytest.mark.parametrize("content, reason", [
    (None, "cannot read spec"),
    (b"\xff\xfe\x00garbage", "not a text file"),
    (b"openapi: 3.1.0\npaths: [\n", "cannot parse the spec"),
    (b"title: a recipe\n", "not an OpenAPI 3.x document"),
])
def test_check_with_an_unusable_spec_exits_2_with_the_reason(tmp_path: Path, content: bytes | None,
                                                              reason: str) -> None:
    spec = tmp_path / "spec.yaml"
    if content is not None:
        spec.write_bytes(content)
    result = invoke("check", "--spec", str(spec), str(PASTE))
    assert result.exit_code == 2, result.output
    assert reason in result.output
    assert "Traceback" not in result.output


def test_specs_exits_1_when_a_spec_has_problems(tmp_path: Path) -> None:
    spec = tmp_path / "bad.yaml"
    # Parses and compiles, but is not valid OpenAPI (a path item must be an object).
    spec.write_text("openapi: 3.1.0\ninfo: {title: Bad, version: '1'}\npaths:\n  /x: 3\n")
    result = invoke("specs", "--spec", str(spec))
    assert result.exit_code == 1, result.output
    assert "problems:" in result.output
    assert invoke("specs", "--spec", str(BRIDGE_SPEC)).exit_code == 0


def test_json_for_one_unreadable_file_is_one_object_with_the_error(tmp_path: Path) -> None:
    result = invoke("check", "--spec", str(BRIDGE_SPEC), "--format", "json", str(tmp_path / "missing.txt"))
    assert result.exit_code == 2
    obj = json.loads(result.stdout)
    assert obj["file"].endswith("missing.txt")
    assert "cannot read it" in obj["error"]
    assert obj["requests"] == [] and obj["errors"] == [] and obj["secrets"] == []


def test_jsonl_keeps_one_line_per_file_when_one_is_unreadable(tmp_path: Path) -> None:
    result = invoke("check", "--spec", str(BRIDGE_SPEC), "--format", "jsonl", str(PASTE),
                    str(tmp_path / "missing.txt"))
    assert result.exit_code == 2
    lines = [json.loads(line) for line in result.stdout.splitlines()]
    assert [("error" in line) for line in lines] == [False, True]


def test_a_body_read_from_a_file_is_not_reported_missing(tmp_path: Path) -> None:
    paste = tmp_path / "paste.txt"
    paste.write_text("curl -X POST https://api.bridge.xyz/v0/transfers -H 'Api-Key: $BRIDGE_KEY' \\\n"
                     "  -H 'Idempotency-Key: 1' -H 'Content-Type: application/json' -d @transfer.json\n")
    result = invoke("check", "--spec", str(BRIDGE_SPEC), "--format", "json", str(paste))
    obj = json.loads(result.stdout)
    req = obj["requests"][0]
    assert req["operation"]["path"] == "/v0/transfers"
    assert req["findings"] == [], req["findings"]
    assert result.exit_code == 0
    text = invoke("check", "--spec", str(BRIDGE_SPEC), str(paste)).output
    assert "the body is read from the file transfer.json, which the paste does not show" in text


def test_a_body_from_a_file_still_gets_the_content_type_curl_sends(tmp_path: Path) -> None:
    # Without -H, curl -d @file sends application/x-www-form-urlencoded: that is a real mistake.
    paste = tmp_path / "paste.txt"
    paste.write_text("curl -X POST https://api.bridge.xyz/v0/transfers -H 'Api-Key: $BRIDGE_KEY' "
                     "-H 'Idempotency-Key: 1' -d @transfer.json\n")
    obj = json.loads(invoke("check", "--spec", str(BRIDGE_SPEC), "--format", "json", str(paste)).stdout)
    assert [(f["kind"], f["field"]) for f in obj["requests"][0]["findings"]] == [("content_type", "Content-Type")]


@pytest.mark.parametrize("env, command, named, not_named", [
    ({"SLACK_BOT_TOKEN": "xoxb-1"}, "http", ["SLACK_SIGNING_SECRET"], ["SLACK_BOT_TOKEN"]),
    ({"SLACK_SIGNING_SECRET": "s"}, "http", ["SLACK_BOT_TOKEN"], ["SLACK_SIGNING_SECRET"]),
    ({}, "http", ["SLACK_BOT_TOKEN", "SLACK_SIGNING_SECRET"], []),
    ({"SLACK_BOT_TOKEN": "xoxb-1"}, "socket", ["SLACK_APP_TOKEN"], ["SLACK_BOT_TOKEN"]),
    ({}, "socket", ["SLACK_BOT_TOKEN", "SLACK_APP_TOKEN"], []),
])
def test_missing_tokens_are_all_named_and_only_those(env: dict[str, str], command: str, named: list[str],
                                                     not_named: list[str]) -> None:
    settings = Settings.from_env(env)
    with pytest.raises(SettingsError) as e:
        settings.require_http() if command == "http" else settings.require_socket_mode()
    first_sentence = str(e.value).split(" not set.")[0]
    for name in named:
        assert name in first_sentence
    for name in not_named:
        assert name not in str(e.value)


def test_check_in_a_terminal_says_it_reads_stdin() -> None:
    # A real terminal on stdin: `script` gives the command a pty.
    if subprocess.run(["which", "script"], capture_output=True).returncode != 0:
        pytest.skip("util-linux `script` is not installed")
    bridgebot = Path(sys.executable).parent / "bridgebot"
    proc = subprocess.run(["script", "-qec", f"{bridgebot} check --spec {BRIDGE_SPEC}", "/dev/null"],
                          input=b"\x04", capture_output=True, timeout=60)
    assert b"reading a paste from standard input" in proc.stdout


def test_a_secret_finding_names_where_the_key_was_and_is_shown_once() -> None:
    text = invoke("check", "--spec", str(BRIDGE_SPEC), str(PASTE)).output
    assert "secret_exposed (header: Api-Key)" in text
    assert text.count("sk-live-…9f2c") == 1  # once, not again in a list of secrets below
    obj = json.loads(invoke("check", "--spec", str(BRIDGE_SPEC), "--format", "json", str(PASTE)).stdout)
    [secret] = [f for r in obj["requests"] for f in r["findings"] if f["kind"] == "secret_exposed"]
    assert secret["field"] == "Api-Key"
    assert obj["secrets"] == [{"kind": "bridge_live_key", "location": "header", "redacted": "sk-live-…9f2c"}]


@pytest.mark.parametrize("paste, field", [
    ("curl https://api.bridge.xyz/v0/customers -H 'Authorization: Bearer sk-live-9a8b7c6d5e4f3a2b1c0d9f2c'",
     "Authorization"),
    ("curl 'https://api.bridge.xyz/v0/customers?api_key=sk-live-9a8b7c6d5e4f3a2b1c0d9f2c'", "api_key"),
    ('const client = new Bridge({ apiKey: "sk-live-9a8b7c6d5e4f3a2b1c0d9f2c" })', "apiKey"),
    ("sk-live-9a8b7c6d5e4f3a2b1c0d9f2c", "bridge_live_key"),  # on its own: the detector's name
])
def test_secret_fields_follow_how_the_key_was_written(bridge_specs, paste: str, field: str) -> None:
    from bridgebot.check import check_paste

    found = [f for f in check_paste(paste, bridge_specs).findings if f.kind == "secret_exposed"]
    assert [f.field for f in found] == [field]


def test_a_pasted_error_repeating_the_requests_problem_is_not_said_twice(stripe_specs) -> None:
    from conftest import STRIPE_SPEC

    text = invoke("check", "--spec", str(STRIPE_SPEC), str(PASTES / "stripe_error_unknown_param.txt")).output
    assert text.count("Did you mean") == 2  # the request's finding, and Stripe's own message; no more
    assert "= unknown_param (body: emial): the request above has this problem" in text


@pytest.mark.parametrize("password", ["request", "unknown_param", "header", "curl"])
def test_a_password_that_is_a_plain_word_is_hidden_but_breaks_nothing(tmp_path: Path, password: str) -> None:
    """Found by the fuzz run: the password "request" was redacted inside the checker's own words
    (the operation's evidence), and the text report crashed on it."""
    paste = tmp_path / "p.txt"
    paste.write_text(f"curl https://api.bridge.xyz/v0/customers -u admin:{password}\n"
                     "and then POST https://api.bridge.xyz/v0/transfers with {\"amount\": 1}\n")
    text = invoke("check", "--spec", str(BRIDGE_SPEC), str(paste))
    assert text.exit_code == 1 and isinstance(text.exception, SystemExit)  # an exit, not a crash
    obj = json.loads(invoke("check", "--spec", str(BRIDGE_SPEC), "--format", "json", str(paste)).stdout)
    kinds = {f["kind"] for r in obj["requests"] for f in r["findings"]}
    assert {"secret_exposed", "auth_invalid"} <= kinds
    assert all((r["operation"] or {}).get("evidence") in (None, "request", "method_and_url") for r in obj["requests"])
    assert f"admin:{password}" not in json.dumps(obj)
