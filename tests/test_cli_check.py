"""`bridgebot check`: the command-line contract of DESIGN.md (formats, exit codes, bad input)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from bridgebot.cli import cli
from conftest import BRIDGE_SPEC, PASTES

FINDING_KEYS = {"kind", "location", "field", "message", "expected", "actual"}


#: The output is the contract here, not the time budget (test_bounded_checker.py tests that): a
#: loaded machine (a mutation run beside the tests) must not cut a check short at the default 5 s.
BUDGET = ["--budget", "600"]


def run(args: list[str], input: bytes | str | None = None):
    return CliRunner().invoke(cli, ["check", "--spec", str(BRIDGE_SPEC), *BUDGET, *args], input=input)


def test_text_output_names_each_problem_and_exits_1() -> None:
    result = run([str(PASTES / "bridge_transfer_curl.txt")])
    assert result.exit_code == 1
    out = result.output
    assert "POST /v0/transfers — Create a transfer" in out
    assert "Did you mean `usdc`?" in out
    assert "Did you mean `destination.to_address`?" in out
    assert "idempotency_key_missing" in out
    assert "https://apidocs.bridge.xyz/api-reference/transfers/create-a-transfer" in out
    # The key is shown redacted only.
    assert "sk-live-…9f2c" in out and "sk-live-9a8b7c6d5e4f3a2b1c0d9f2c" not in out


def test_valid_paste_exits_0() -> None:
    result = run([str(PASTES / "bridge_valid_transfer.txt")])
    assert result.exit_code == 0, result.output
    assert "✓ matches the spec" in result.output


#: The JSON of `check --format json` for tests/pastes/bridge_transfer_curl.txt, exactly (DESIGN.md's
#: contract: every key, the operation with its evidence, each finding, the redacted key only).
TRANSFER_JSON = (
    {'requests': [{'method': 'POST',
                   'url': 'https://api.bridge.xyz/v0/transfers',
                   'source': 'curl',
                   'operation': {'spec': 'bridge',
                                 'method': 'POST',
                                 'path': '/v0/transfers',
                                 'operation_id': 'createTransfer',
                                 'evidence': 'request'},
                   'findings': [{'kind': 'secret_exposed',
                                 'location': 'header',
                                 'field': 'Api-Key',
                                 'message': 'A live key (sk-live-…9f2c) is visible in this message: rotate it now '
                                            'and delete the message; a key pasted in a shared channel is '
                                            'compromised.',
                                 'expected': 'no credentials in shared channels',
                                 'actual': 'sk-live-…9f2c'},
                                {'kind': 'idempotency_key_missing',
                                 'location': 'header',
                                 'field': 'Idempotency-Key',
                                 'message': 'POST /v0/transfers needs an `Idempotency-Key` header (a new UUID per '
                                            'request; reuse it only to retry the same request).',
                                 'expected': 'Idempotency-Key: <uuid>',
                                 'actual': None},
                                {'kind': 'wrong_type',
                                 'location': 'body',
                                 'field': 'amount',
                                 'message': '`amount` must be a string, got an integer `100`. Send it as a string: '
                                            '`"100"`.',
                                 'expected': 'a string',
                                 'actual': 100},
                                {'kind': 'invalid_enum',
                                 'location': 'body',
                                 'field': 'destination.currency',
                                 'message': '`destination.currency` is `usdcc`, which is not one of `dai`, `eur`, '
                                            '`eurc`, `mxn`, `pyusd`, `usd`, `usdb`, `usdc`, `usdt`. Did you mean '
                                            '`usdc`?',
                                 'expected': ['dai', 'eur', 'eurc', 'mxn', 'pyusd', 'usd', 'usdb', 'usdc', 'usdt'],
                                 'actual': 'usdcc'},
                                {'kind': 'unknown_param',
                                 'location': 'body',
                                 'field': 'destination.to_addres',
                                 'message': 'Unknown field `destination.to_addres` in `destination`. Did you mean '
                                            '`destination.to_address`?',
                                 'expected': ['to_address'],
                                 'actual': 'to_addres'}]}],
     'errors': [{'status': None,
                 'code': 'invalid_parameters',
                 'message': 'destination.currency must be one of ...',
                 'param': 'destination.currency',
                 'operation': {'spec': 'bridge',
                               'method': 'POST',
                               'path': '/v0/transfers',
                               'operation_id': 'createTransfer',
                               'evidence': 'nearest_request'},
                 'findings': [{'kind': 'invalid_enum',
                               'location': 'body',
                               'field': 'destination.currency',
                               'message': 'destination.currency must be one of ...',
                               'expected': None,
                               'actual': 'destination.currency'}],
                 'explanation': "A field in the request is invalid. The error's source names the field; fix its "
                                'value.'}],
     'secrets': [{'kind': 'bridge_live_key', 'location': 'header', 'redacted': 'sk-live-…9f2c'}],
     'problems': [],
     'hints': [],
     'incomplete': None}
)


def test_json_shape_for_one_file() -> None:
    path = PASTES / "bridge_transfer_curl.txt"
    result = run(["--format", "json", str(path)])
    assert result.exit_code == 1
    assert json.loads(result.output) == {**TRANSFER_JSON, "file": str(path)}


def test_json_is_a_list_for_several_files_and_jsonl_a_line_each() -> None:
    files = [str(PASTES / "bridge_valid_transfer.txt"), str(PASTES / "bridge_wrong_path.txt")]
    result = run(["--format", "json", *files])
    assert result.exit_code == 1
    data = json.loads(result.output)
    assert isinstance(data, list) and len(data) == 2
    assert data[0]["requests"][0]["findings"] == []
    assert data[1]["requests"][0]["findings"][0]["kind"] == "unknown_path"
    result = run(["--format", "jsonl", *files])
    lines = result.output.strip().splitlines()
    assert len(lines) == 2 and [json.loads(line)["file"] for line in lines] == files


def test_stdin_with_dash_and_with_nothing() -> None:
    paste = (PASTES / "bridge_wrong_method.txt").read_text()
    for args in (["-"], []):
        result = run(["--format", "json", *args], input=paste)
        assert result.exit_code == 1
        assert json.loads(result.output)["requests"][0]["findings"][0]["kind"] == "wrong_method"


def test_nothing_to_check_exits_0_and_says_so() -> None:
    result = run([], input="Hi team, quick question about payouts timing?")
    assert result.exit_code == 0
    assert "No API request or error found" in result.output


@pytest.mark.parametrize(
    "data, message",
    [
        (b"\x00\x01\x02binary\xff\xfe" * 100, "binary data"),
        ("x" * (1024 * 1024), "bridgebot reads at most"),
        (b"curl -X POST \xff\xfe https://api.bridge.xyz/v0/transfers", "not UTF-8"),
    ],
    ids=["binary", "1MB", "not-utf8"],
)
def test_bad_input_gets_a_clear_message_and_exit_2(data, message) -> None:
    result = CliRunner().invoke(cli, ["check", "--spec", str(BRIDGE_SPEC), "-"],
                                input=data if isinstance(data, bytes) else data.encode())
    assert result.exit_code == 2
    assert message in result.stderr
    assert "Traceback" not in result.output + result.stderr


def test_text_that_cannot_be_read_says_why_with_exit_1_not_2() -> None:
    # Issue 11: exit 2 only for input that is not text or too large.
    data = "curl -X POST https://api.bridge.xyz/v0/transfers -d '{\"amount\": 1}"
    result = CliRunner().invoke(cli, ["check", "--spec", str(BRIDGE_SPEC), "-"], input=data.encode())
    assert result.exit_code == 1
    assert "unbalanced single quote" in result.stdout and "unbalanced single quote" in result.stderr


@pytest.mark.parametrize(
    "body, message",
    [
        ('{"on_behalf_of": "c1", "amount": "1", "source": {"currency": "usd",', "ends early"),
        ("[" * 5000 + "]" * 5000, "nested more than"),
        ('{"a":' * 300 + "1" + "}" * 300, "nested more than"),
        ('{"amount": "1",, }', "Expecting property name"),
    ],
    ids=["truncated", "deep-array", "deep-object", "malformed"],
)
def test_broken_json_bodies_are_findings_not_crashes(body, message) -> None:
    paste = f"POST /v0/transfers\n```\n{body}\n```"
    result = run(["--format", "json"], input=paste)
    assert result.exit_code == 1, result.output  # a broken body is a finding (malformed_body), not a usage error
    assert [f["kind"] for f in json.loads(result.output)["requests"][0]["findings"]] == ["malformed_body"]
    text = result.output + result.stderr
    assert message in text
    assert "Traceback" not in text


def test_unreadable_file_and_missing_spec_exit_2(tmp_path: Path) -> None:
    result = run([str(tmp_path / "nope.txt")])
    assert result.exit_code == 2
    assert "cannot read" in result.stderr
    result = CliRunner().invoke(cli, ["check", "--spec", str(tmp_path / "missing.yaml"), "-"], input="x")
    assert result.exit_code == 2, result.output
    assert "cannot read spec" in result.output + result.stderr
    bad = tmp_path / "bad.yaml"
    bad.write_text("swagger: '2.0'\npaths: {}\n")
    result = CliRunner().invoke(cli, ["check", "--spec", str(bad), "-"], input="x")
    assert result.exit_code == 2, result.output
    assert f"{bad}: not an OpenAPI 3.x document (openapi: missing)" in result.stderr


def test_help_documents_the_contract() -> None:
    result = CliRunner().invoke(cli, ["check", "--help"])
    assert result.exit_code == 0
    for word in ("--spec", "--format", "text", "json", "jsonl", "Exit status"):
        assert word in result.output


def test_console_script_runs_as_a_real_process() -> None:
    """The installed `bridgebot` entry point, as a user would run it."""
    exe = Path(sys.executable).with_name("bridgebot")
    cmd = [str(exe)] if exe.exists() else [sys.executable, "-m", "bridgebot"]
    proc = subprocess.run([*cmd, "check", "--spec", str(BRIDGE_SPEC), *BUDGET, "--format", "json",
                           str(PASTES / "bridge_no_auth.txt")], capture_output=True, text=True,
                          env={**os.environ}, timeout=60)
    assert proc.returncode == 1, proc.stderr
    kinds = sorted(f["kind"] for f in json.loads(proc.stdout)["requests"][0]["findings"])
    assert kinds == ["auth_missing", "out_of_range", "unknown_param"]


LIVE_ADVICE = "rotate it now and delete the message; a key pasted in a shared channel is compromised."
TEST_ADVICE = "rotate it and delete the message: even a test key gives access to your test data."


@pytest.mark.parametrize("paste, location, field, redacted, said", [
    ("curl https://api.bridge.xyz/v0/customers -H 'Api-Key: sk-test-4f3a2b1c0d9e8f7a6b5c'",
     "header", "Api-Key", "sk-test-…6b5c", f"A test key (sk-test-…6b5c) is visible in this message: {TEST_ADVICE}"),
    ("curl https://api.bridge.xyz/v0/customers -H 'Authorization: token ghp_abcdefghijklmnopqrstuvwxyz0123456789'",
     "header", "Authorization", "ghp_…6789", f"A credential (ghp_…6789) is visible in this message: {LIVE_ADVICE}"),
    # A key in the query string is named by its value: live or test, whatever its kind says.
    ("curl 'https://api.bridge.xyz/v0/customers?api_key=live-4f3a2b1c0d9e8f7a6b5c'",
     "query", "api_key", "…6b5c", f"A live key (…6b5c) is visible in this message: {LIVE_ADVICE}"),
    ("curl 'https://api.bridge.xyz/v0/customers?api_key=my-test-4f3a2b1c0d9e8f7a6b5c'",
     "query", "api_key", "…6b5c", f"A test key (…6b5c) is visible in this message: {TEST_ADVICE}"),
    ("curl 'https://api.bridge.xyz/v0/customers?api_key=my_test_4f3a2b1c0d9e8f7a6b5c'",
     "query", "api_key", "…6b5c", f"A test key (…6b5c) is visible in this message: {TEST_ADVICE}"),
], ids=["test-key", "other-credential", "live-by-value", "test-by-value-dash", "test-by-value-underscore"])
def test_a_pasted_key_is_called_what_it_is_with_its_advice(paste, location, field, redacted, said) -> None:
    result = run(["--format", "json", "-"], input=paste)
    assert result.exit_code == 1
    (req,) = json.loads(result.output)["requests"]
    assert [f for f in req["findings"] if f["kind"] == "secret_exposed"] == [
        {"kind": "secret_exposed", "location": location, "field": field, "message": said,
         "expected": "no credentials in shared channels", "actual": redacted}]
