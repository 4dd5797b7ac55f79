"""Credentials in pastes: found, redacted everywhere, and never stored or repeated in clear."""

from __future__ import annotations

import json

import pytest

from bridgebot.check import check_paste
from bridgebot.check.secrets import find_secrets, redact


@pytest.mark.parametrize(
    "text, kind, redacted",
    [
        ("-H 'Api-Key: sk-live-9a8b7c6d5e4f3a2b1c0d9f2c'", "bridge_live_key", "sk-live-…9f2c"),
        ("Api-Key: sk-test-aaaabbbbccccdddd1234", "bridge_test_key", "sk-test-…1234"),
        ("-u sk_live_51Habcdefghijklmnopq:", "stripe_live_key", "sk_live_…nopq"),
        ("rk_test_51Habcdefghijklmnopq", "stripe_test_key", "rk_test_…nopq"),
        ("Authorization: Bearer eyJhbGciOiJIUzI1NiJ9.abc.def", "authorization", "…"),
        ("Authorization: Basic dXNlcjpwYXNzd29yZDEyMw==", "basic_auth", "…"),
        ("curl -u admin:hunter2hunter2 https://x", "basic_auth", "…"),
        ("token ghp_abcdefghijklmnopqrstuvwxyz0123456789", "github_token", "ghp_…6789"),
    ],
)
def test_finds_and_redacts(text: str, kind: str, redacted: str) -> None:
    found = find_secrets(text)
    assert found, text
    assert found[0].kind == kind
    assert found[0].redacted.startswith(redacted.split("…")[0]) and found[0].redacted.endswith(redacted.split("…")[1])
    out = redact(text, found)
    for s in found:
        assert s.value not in out


@pytest.mark.parametrize(
    "text",
    [
        "Api-Key: $BRIDGE_API_KEY",
        "Api-Key: <your-api-key>",
        "Authorization: Bearer YOUR_TOKEN",
        "-H 'Api-Key: sk-test-...'",
        "Api-Key: {{api_key}}",
        "'Api-Key': process.env.BRIDGE_API_KEY",
    ],
)
def test_placeholders_are_not_secrets(text: str) -> None:
    assert find_secrets(text) == []


def test_a_key_never_appears_in_any_output(bridge_specs) -> None:
    key = "sk-live-0123456789abcdef0123456789ab"
    text = (f"curl https://api.bridge.xyz/v0/customers/{key}?x={key} -H 'Api-Key: {key}'\n"
            f'{{"code": "invalid", "message": "Invalid key {key}"}}')
    result = check_paste(text, bridge_specs)
    dumped = json.dumps(result.to_dict(), ensure_ascii=False)
    assert key not in dumped
    assert "sk-live-…89ab" in dumped
    assert any(f.kind == "secret_exposed" for f in result.findings)


def test_logs_never_hold_a_key() -> None:
    import io
    import logging

    from bridgebot.logs import RedactSecrets

    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.addFilter(RedactSecrets())
    log = logging.getLogger("test.redaction")
    log.addHandler(handler)
    log.setLevel(logging.DEBUG)
    try:
        log.debug("Sending a request - body: %s", {"text": "curl -H 'Api-Key: sk-live-0123456789abcdef0123'"})
        try:
            raise ValueError("bad key sk-live-0123456789abcdef0123")
        except ValueError:
            log.exception("failed")
    finally:
        log.removeHandler(handler)
    out = stream.getvalue()
    assert "sk-live-0123456789abcdef0123" not in out
    assert "sk-live-…0123" in out


@pytest.mark.parametrize("key", [
    "rk_live_BYourkbzfsy2yez6z1FzpJyZXC8tnKvG6PUqxY5",  # "your" inside a random key
    "rk_live_oA8nwjok7jHLYrxsMSExXxxv6SnMWKCloz6",  # "xXxx" inside a random key
])
def test_a_random_key_that_happens_to_spell_a_placeholder_word_is_still_a_key(key: str) -> None:
    assert [s.value for s in find_secrets(f"Api-Key: {key}")] == [key]


@pytest.mark.parametrize("text", ["Api-Key: sk_test_xxxxxxxxxxxx", "-H 'Api-Key: sk-live-YOUR_KEY_HERE'",
                                  "Api-Key: sk-live-0000000000"])
def test_placeholder_keys_are_not_secrets(text: str) -> None:
    assert find_secrets(text) == []
